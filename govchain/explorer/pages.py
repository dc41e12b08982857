"""The citizen explorer's pages: server-rendered HTML over the same Portal as the REST API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from eth_utils import to_checksum_address
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from govchain import formatting
from govchain.clients.enterprise import ChangeKind
from govchain.domain import InvalidUSCC, contains_id_number, is_valid_uscc, validate_uscc
from govchain.exceptions import GovchainError
from govchain.explorer import i18n
from govchain.explorer.i18n import Message
from govchain.views import bytes_text
from govchain.portal import NotFound, PersonalDataRefused, Portal, subject_key

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
LATEST = 10  # blocks and transactions on the home page
COOKIE_MAX_AGE_S = 365 * 24 * 3600
# Pages load scripts, styles and data only from this app: even a compromised script could not send an
# ID-card number typed into "verify my payment" anywhere else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

_HEX64 = re.compile(r"^0x[0-9a-fA-F]{64}$")
_HEX40 = re.compile(r"^0x[0-9a-fA-F]{40}$")


@dataclass(frozen=True)
class NavItem:
    path: str
    zh: str
    en: str


# Extension point: a module adds its pages' router to PAGE_ROUTERS and, if it has a top-level page, a NavItem.
NAV_ITEMS: list[NavItem] = [
    NavItem("/", "首页", "Home"),
    NavItem("/enterprises", "企业登记", "Enterprises"),
    NavItem("/cases", "审批进度", "Cases"),
    NavItem("/verify", "核验我的补贴", "Verify my payment"),
    NavItem("/docs", "API 文档", "API docs"),
]


def _ts(value: int | None) -> str:
    return formatting.local_time(value, "—")


def _short(value: Any, head: int = 10, tail: int = 6) -> str:
    text = str(value or "")
    return text if len(text) <= head + tail + 1 else f"{text[:head]}…{text[-tail:]}"


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ("—" if value is None else str(value))


def _yuan(fen: int | None) -> str:
    return formatting.yuan_text(fen, "—")


def _duration(seconds: int | None, lang: str) -> str:
    """e.g. 9天3小时 / 9d 3h: the two largest non-zero units."""
    if seconds is None:
        return "—"
    days, rest = divmod(max(int(seconds), 0), 86_400)
    hours, rest = divmod(rest, 3600)
    units = ("天", "小时", "分钟") if lang == "zh" else ("d", "h", "min")
    parts = [f"{n}{u}" for n, u in zip((days, hours, rest // 60), units) if n][:2]
    return ("" if lang == "zh" else " ").join(parts) or ("0" + units[2])


def _uscc_text(value: str) -> str:
    """A bytes18 argument (0x + 36 hex digits) as its USCC text when it is one, else ''."""
    try:
        text = bytes.fromhex(value[2:]).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return ""
    return text if is_valid_uscc(text) else ""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), auto_reload=False,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters.update(ts=_ts, short=_short, num=_num, yuan=_yuan, uscc_text=_uscc_text, code_text=bytes_text)
    return env


ENV = _environment()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = i18n.language(request)
    portal: Portal = request.app.state.portal
    params = {k: v for k, v in request.query_params.items() if not contains_id_number(v)}  # never echoed, not even in a link
    params["lang"] = "en" if lang == "zh" else "zh"
    html = ENV.get_template(template).render({**_words(portal, lang), **{
        "request": request,
        "lang": lang,
        "nav": NAV_ITEMS,
        "path": request.url.path,
        "switch_url": request.url.path + "?" + urlencode(params),
        "portal": portal,
        "chain_id": portal.chain_id,
        "index_health": portal.index_health(),
    }, **context})  # a page's own context wins over the shared names
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=COOKIE_MAX_AGE_S, samesite="lax")
    return response


def _words(portal: Portal, lang: str) -> dict[str, Any]:
    """What every template uses to say things in the page's language: its own text (`tr`), the chain's
    codes (`label`, `role_label`, `contract_label`), department and template names, bilingual names."""
    return {
        "tr": lambda zh, en: zh if lang == "zh" else en,
        "label": lambda table, code: i18n.label(getattr(i18n, table), code, lang),
        "role_label": lambda contract, role: _role_label(portal, contract, role, lang),
        "contract_label": lambda name: i18n.label(i18n.CONTRACT, name, lang) if name else "—",
        "department": lambda code: department_name(portal, code, lang),
        "template_name": lambda template_id: portal.labels.template_name(template_id, lang),
        "local_name": lambda text: i18n.local_name(text, lang),
        "duration": lambda seconds: _duration(seconds, lang),
    }


def html_error(request: Request, status: int, message: str | Message) -> Response:
    """The error page, in the page's language. The explorer's own errors come as a Message in both
    languages; a plain message (from the app's generic handlers, in English) gets a Chinese text by its status."""
    if not isinstance(message, Message):
        message = _generic_message(request, status, message)
    return render(request, "error.html", status=status, status_code=status, message=message.text(i18n.language(request)))


def _generic_message(request: Request, status: int, english: str) -> Message:
    if status == 404 and english.startswith("no such page"):
        return i18n.error("no_page", path=request.url.path)
    if status >= 500:
        return i18n.error("unavailable" if status == 503 else "internal")
    return Message(i18n.ERRORS["not_found" if status == 404 else "invalid"][0], english)


router = APIRouter(include_in_schema=False)


def _portal(request: Request) -> Portal:
    return request.app.state.portal


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    portal = _portal(request)
    return render(
        request, "home.html", stats=portal.stats(), blocks=portal.ledger.latest_blocks(LATEST),
        transactions=portal.ledger.latest_transactions(LATEST),
    )  # fmt: skip


@router.get("/block/{number}", response_class=HTMLResponse)
def block(request: Request, number: str) -> Response:
    if not number.isdigit() or len(number) > 18:
        return html_error(request, 400, i18n.error("bad_block", value=number[:40]))
    portal = _portal(request)
    found = portal.ledger.block(int(number))
    if found is None:
        return html_error(request, 404, i18n.error("no_block", number=int(number), head=portal.ledger.head()[0]))
    return render(request, "block.html", block=found, head=portal.ledger.head()[0])


@router.get("/tx/{tx_hash}", response_class=HTMLResponse)
def transaction(request: Request, tx_hash: str) -> Response:
    if not _HEX64.match(tx_hash):
        return html_error(request, 400, i18n.error("bad_tx"))
    found = _portal(request).ledger.transaction(tx_hash)
    if found is None:
        return html_error(request, 404, i18n.error("no_tx", hash=tx_hash))
    return render(request, "tx.html", tx=found)


@router.get("/address/{address}", response_class=HTMLResponse)
def address(request: Request, address: str, page: int = Query(1, ge=1, le=100_000)) -> Response:
    if not _HEX40.match(address):
        return html_error(request, 400, i18n.error("bad_address"))
    from govchain import views

    portal = _portal(request)
    info = portal.address(address)
    rows = views.address_history(portal.engine, to_checksum_address(address), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render(request, "address.html", info=info, history=rows[:PAGE_SIZE], page=page, more=len(rows) > PAGE_SIZE)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=200)) -> Response:
    portal = _portal(request)
    query = q.strip()
    problem = None
    try:
        hits = portal.search(query) if query else []
    except PersonalDataRefused:  # reached only without JavaScript (search.js stops it in the browser)
        return render(request, "search.html", status=400, query="", hits=[], problem=None, id_number=True)
    if query and not hits and len(query) == 18 and query.isascii() and query.isalnum():
        try:
            validate_uscc(query.upper())
        except InvalidUSCC as exc:
            problem = i18n.uscc_error(exc).text(i18n.language(request))
    if len(hits) == 1:
        return RedirectResponse(hits[0].path, status_code=303)
    return render(request, "search.html", query=query, hits=hits, problem=problem)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises(request: Request, status: str | None = Query(None, max_length=20), page: int = Query(1, ge=1, le=100_000)) -> Response:
    rows = [r for r in reversed(_portal(request).enterprises()) if not status or r.status == status]
    start = (page - 1) * PAGE_SIZE
    return render(request, "enterprises.html", rows=rows[start : start + PAGE_SIZE], total=len(rows), page=page,
                  more=start + PAGE_SIZE < len(rows), status_filter=status)  # fmt: skip


@router.get("/enterprise/{uscc}", response_class=HTMLResponse)
def enterprise(request: Request, uscc: str) -> Response:
    portal = _portal(request)
    try:
        code = validate_uscc(uscc.strip().upper()[:64])
        view = portal.enterprise(code)
    except InvalidUSCC as exc:
        return html_error(request, 400, i18n.uscc_error(exc))
    except NotFound:
        return html_error(request, 404, i18n.error("no_enterprise", uscc=code))
    credit = portal.credit(subject_key(code))
    names = {c.category: c.name for c in portal.credit_categories()}
    return render(request, "enterprise.html", e=view, credit=credit, category_names=names, departments=_officer_departments(portal),
                  change_kind=_change_kind)  # fmt: skip


@router.get("/cases", response_class=HTMLResponse)
def cases(
    request: Request, status: str | None = Query(None, max_length=20), overdue: bool | None = None, page: int = Query(1, ge=1, le=100_000)
) -> Response:
    portal = _portal(request)
    rows = [r for r in reversed(portal.cases()) if (not status or r.status == status) and (overdue is None or r.overdue == overdue)]
    start = (page - 1) * PAGE_SIZE
    return render(request, "cases.html", rows=rows[start : start + PAGE_SIZE], total=len(rows), page=page,
                  more=start + PAGE_SIZE < len(rows), status_filter=status, overdue=overdue)  # fmt: skip


@router.get("/case/{case_id}", response_class=HTMLResponse)
def case(request: Request, case_id: str) -> Response:
    if not case_id.isdigit() or len(case_id) > 18:
        return html_error(request, 400, i18n.error("bad_case", value=case_id[:40]))
    portal = _portal(request)
    try:
        view = portal.case(int(case_id))
    except NotFound:
        return html_error(request, 404, i18n.error("no_case", case_id=int(case_id)))
    subject = bytes_text(view.subject[:38]) if view.subject and not view.subject[38:].strip("0") else ""
    enterprise = _enterprise_row(portal, subject) if is_valid_uscc(subject) else None  # a registration case's subject
    return render(request, "case.html", c=view, role_name=portal.labels.role, step_departments={role: code for (contract, role), code in portal.labels.role_departments.items() if contract == "WorkflowEngine"},
                  departments=_officer_departments(portal), now=portal.now(), subject_enterprise=enterprise)  # fmt: skip


@router.get("/credit/{subject}", response_class=HTMLResponse)
def credit(request: Request, subject: str) -> Response:
    portal = _portal(request)
    try:
        key = subject_key(subject[:80])
    except InvalidUSCC as exc:
        return html_error(request, 400, i18n.uscc_error(exc))
    except GovchainError:
        return html_error(request, 400, i18n.error("bad_subject"))
    view = portal.credit(key)
    names = {c.category: c.name for c in portal.credit_categories()}
    return render(request, "credit.html", subject=subject.strip(), credit=view, category_names=names,
                  departments=_officer_departments(portal))  # fmt: skip


@router.get("/verify", response_class=HTMLResponse)
def verify(request: Request) -> Response:
    portal = _portal(request)
    return render(request, "verify.html", payouts_url=portal.payouts_lookup_url, scripts=portal.verify_scripts)


# --- helpers -----------------------------------------------------------------------------------


def _officer_departments(portal: Portal) -> dict[str, tuple[str, str]]:
    """officer address -> (department code, name), for labelling who decided or wrote a record."""
    return portal.memo(
        "officer_departments", lambda: {o: (d.code, d.name) for d in portal.departments() for o in d.officers}
    )


def department_name(portal: Portal, code: str | None, lang: str) -> str:
    """A department's name in `lang`: the registered (Chinese) name, or the consortium file's `name_en`."""
    if not code:
        return "—"
    if lang == "en" and code in portal.labels.department_names_en:
        return portal.labels.department_names_en[code]
    return portal.department_names().get(code) or next(
        (d.get("name", code) for d in portal.consortium.get("departments", []) if d.get("code") == code), code
    )


def _role_label(portal: Portal, contract: str | None, role: str, lang: str) -> str:
    """A role (its name, or a 0x role id) on `contract` in words, named after its department when no table knows it."""
    name = portal.labels.role(role) if role.startswith("0x") else role
    holder = portal.labels.role_departments.get((contract or "", name))
    return i18n.role_label(contract, name, lang, department_name(portal, holder, lang) if holder else None)


def _change_kind(value: Any) -> str:
    """An EnterpriseChanged `kind` (the enum's number) as its ChangeKind name."""
    try:
        return ChangeKind(int(value)).name
    except (TypeError, ValueError):
        return str(value)


def _enterprise_row(portal: Portal, uscc: str) -> Any:
    """The enterprise list row of `uscc` (its name and capital), or None."""
    return portal.memo("enterprise_rows", lambda: {row.uscc: row for row in portal.enterprises()}).get(uscc)
