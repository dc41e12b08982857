"""The explorer's fiscal-funds pages: budgets and programs with their fund-flow Sankey diagrams."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from govchain import fund_views
from govchain.api.routers.funds import budget_of, budgets_of, program_of, program_trace, programs_of
from govchain.explorer.pages import _yuan, html_error, render
from govchain.explorer.sankey import sankey_svg
from govchain.portal import Portal

router = APIRouter(include_in_schema=False)
BATCH_ROWS = 100


def _portal(request: Request) -> Portal:
    return request.app.state.portal


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < len(text) <= 18 and int(text) > 0 else None


def _flows(portal: Portal, budget: fund_views.BudgetRow, only_program: int | None = None) -> Markup:
    def compute() -> str:
        programs = [p for p in programs_of(portal) if only_program is None or p.program_id == only_program]
        shown = budget
        if only_program is not None:  # a program page: its own line, not the budget's others
            shown = dataclasses.replace(budget, lines=[l for l in budget.lines if any(p.line_id == l.line_id for p in programs)])
        graph = fund_views.budget_flows(shown, programs, fund_views.batch_flows(portal.engine, [p.program_id for p in programs]))
        return sankey_svg(graph.nodes, graph.links, title=f"budget {budget.budget_id} fund flows", value_text=_yuan)

    return Markup(portal.memo(f"funds.sankey.{budget.budget_id}.{only_program}", compute))  # noqa: S704 - built from escaped parts


@router.get("/funds", response_class=HTMLResponse)
def funds(request: Request) -> Response:
    portal = _portal(request)
    return render(request, "funds.html", budgets=list(reversed(budgets_of(portal))), programs=list(reversed(programs_of(portal))))


@router.get("/budget/{budget_id}", response_class=HTMLResponse)
def budget(request: Request, budget_id: str) -> Response:
    number = _id(budget_id)
    if number is None:
        return html_error(request, 400, f"a budget id is a whole number ≥ 1, got {budget_id[:40]!r}")
    portal = _portal(request)
    found = budget_of(portal, number)
    programs = [p for p in programs_of(portal) if p.budget_id == number]
    return render(request, "budget.html", b=found, programs=programs, sankey=_flows(portal, found))


@router.get("/program/{program_id}", response_class=HTMLResponse)
def program(request: Request, program_id: str) -> Response:
    number = _id(program_id)
    if number is None:
        return html_error(request, 400, f"a program id is a whole number ≥ 1, got {program_id[:40]!r}")
    portal = _portal(request)
    found = program_of(portal, number)
    trace = program_trace(portal, number)
    budget = budget_of(portal, found.budget_id)
    rows = fund_views.batch_list(portal.engine, number, BATCH_ROWS)
    refunds = fund_views.bank_refund_list(portal.engine, program_id=number, limit=BATCH_ROWS)
    return render(request, "program.html", p=found, trace=trace, budget=budget, batches=rows, refunds=refunds,
                  sankey=_flows(portal, budget, number))  # fmt: skip
