"""The explorer's fiscal-funds pages: budgets, programs and batches, with their fund-flow Sankey diagrams."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from govchain import fund_views
from govchain.api.routers.funds import batch_of, budget_of, budgets_of, program_of, program_trace, programs_of
from govchain.explorer import i18n
from govchain.explorer.pages import _yuan, department_name, render
from govchain.formatting import CHINA_TIME
from govchain.explorer.sankey import Node, sankey_svg
from govchain.payout_lookup import ProgramInfo, program_infos, split_bilingual
from govchain.portal import Portal

router = APIRouter(include_in_schema=False)
BATCH_ROWS = 100
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _portal(request: Request) -> Portal:
    return request.app.state.portal


def _number(text: str, what: str) -> int:
    """A record id from the path; a 400 page when it is not a whole number ≥ 1."""
    if text.isdigit() and 0 < len(text) <= 18 and int(text) > 0:
        return int(text)
    raise HTTPException(400, f"a {what} id is a whole number ≥ 1, got {text[:40]!r}")


# --- words -------------------------------------------------------------------------------------


def local_name(text: str, lang: str) -> str:
    """A name stored as "中文 English" (e.g. "城乡居民基本养老保险 basic pension") in the page's language."""
    chinese, english = split_bilingual(text)
    return english if lang == "en" and english else chinese


def month(timestamp: int | None, lang: str) -> str:
    """The month a period falls due: 2026年11月 / Nov 2026."""
    if timestamp is None:
        return "—"
    day = dt.datetime.fromtimestamp(timestamp, CHINA_TIME)
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{MONTHS_EN[day.month - 1]} {day.year}"


def _node_label(node: fund_views.FlowNode, lang: str) -> str:
    name = local_name(node.name, lang)
    zh = lang == "zh"
    if node.kind == "budget":
        return f"{name}年度预算" if zh else f"{name} budget"
    if node.kind == "refunds":
        return f"退回：{name}" if zh else f"refunded: {name}"
    if node.kind == "undisbursed":
        return "未发放" if zh else "not yet paid out"
    if node.kind == "unallocated":
        return "未分配给项目" if zh else "not allocated to a program"
    if node.kind == "other_programs":
        return "本科目其他项目" if zh else "other programs of this line"
    if node.kind == "batches":
        when = month(node.due_at, lang)
        return f"{when} 发放 {node.batches} 批" if zh else f"{when}, {node.batches} batch{'es' if node.batches != 1 else ''}"
    return name


def _node_title(node: fund_views.FlowNode, label: str, lang: str) -> str:
    """Hover text: the label, and the program it belongs to where the label does not say."""
    if node.kind in ("batches", "undisbursed"):
        return f"{local_name(node.name, lang)} · {label}"
    return label


def _flows(portal: Portal, budget: fund_views.BudgetRow, lang: str, only_program: int | None = None) -> Markup:
    def compute() -> str:
        programs = [p for p in programs_of(portal) if p.budget_id == budget.budget_id]
        by_period = fund_views.batch_flows(portal.engine, [p.program_id for p in programs])
        graph = fund_views.budget_flows(budget, programs, by_period, _calendars(portal), only_program)
        nodes = []
        for n in graph.nodes:
            label = _node_label(n, lang)
            nodes.append(Node(n.id, n.column, label, n.href, _node_title(n, label, lang), n.kind))
        if only_program is None:
            year, number = budget.fiscal_year, budget.budget_id
            title = f"{year}年度预算 #{number} 资金流向" if lang == "zh" else f"Budget #{number} ({year}): fund flows"
        else:
            name = local_name(program_of(portal, only_program).name, lang)
            title = f"资金项目 #{only_program} {name} 资金流向" if lang == "zh" else f"Program #{only_program} {name}: fund flows"
        return sankey_svg(nodes, graph.links, title=title, value_text=_yuan)

    return Markup(portal.memo(f"funds.sankey.{budget.budget_id}.{only_program}.{lang}", compute))  # noqa: S704 - built from escaped parts


def _calendars(portal: Portal) -> dict[int, ProgramInfo]:
    return portal.memo("funds.program_infos", lambda: program_infos(portal.engine))


def _words(request: Request, portal: Portal) -> dict[str, Any]:
    """What the fiscal templates use to show names, months and departments in the page's language."""
    lang = i18n.language(request)
    lines = {line.line_id: line.name or line.code for b in budgets_of(portal) for line in b.lines}
    return {
        "local_name": lambda text: local_name(text or "", lang),
        "line_name": lambda line_id: local_name(lines.get(line_id, f"#{line_id}"), lang),
        "month": lambda timestamp: month(timestamp, lang),
        "due_at": lambda program_id, period: _calendars(portal)[program_id].due_at(period),
        "department": lambda code: department_name(portal, code, lang),
    }


# --- pages -------------------------------------------------------------------------------------


@router.get("/funds", response_class=HTMLResponse)
def funds(request: Request) -> Response:
    portal = _portal(request)
    return render(request, "funds.html", budgets=list(reversed(budgets_of(portal))), programs=list(reversed(programs_of(portal))),
                  **_words(request, portal))  # fmt: skip


@router.get("/budget/{budget_id}", response_class=HTMLResponse)
def budget(request: Request, budget_id: str) -> Response:
    number = _number(budget_id, "budget")
    portal = _portal(request)
    found = budget_of(portal, number)
    programs = [p for p in programs_of(portal) if p.budget_id == number]
    return render(request, "budget.html", b=found, programs=programs, sankey=_flows(portal, found, i18n.language(request)),
                  **_words(request, portal))  # fmt: skip


@router.get("/program/{program_id}", response_class=HTMLResponse)
def program(request: Request, program_id: str) -> Response:
    number = _number(program_id, "program")
    portal = _portal(request)
    found = program_of(portal, number)
    trace = program_trace(portal, number)
    budget = budget_of(portal, found.budget_id)
    rows = fund_views.batch_list(portal.engine, number, BATCH_ROWS)
    refunds = fund_views.bank_refund_list(portal.engine, program_id=number, limit=BATCH_ROWS)
    refunded = fund_views.refund_list(portal.engine, program_id=number)
    return render(request, "program.html", p=found, trace=trace, budget=budget, batches=rows, refunds=refunds, refunded=refunded,
                  sankey=_flows(portal, budget, i18n.language(request), number), **_words(request, portal))  # fmt: skip


@router.get("/batch/{batch_id}", response_class=HTMLResponse)
def batch(request: Request, batch_id: str) -> Response:
    number = _number(batch_id, "batch")
    portal = _portal(request)
    found = batch_of(portal, number)
    status = "expired" if _expired(portal, found) else found.status
    return render(request, "batch.html", batch=found, p=program_of(portal, found.program_id), batch_status=status, **_words(request, portal))


def _expired(portal: Portal, batch: fund_views.BatchDetail) -> bool:
    """A batch not executed nor cancelled within the ledger's BATCH_VALIDITY can no longer be executed."""
    if batch.status not in ("proposed", "approved"):
        return False
    validity = portal.memo("funds.batch_validity", lambda: int(portal.suite.contract("Disbursements").functions.BATCH_VALIDITY().call()))
    return portal.now() > batch.proposed_at + validity

