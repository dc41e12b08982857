"""Crawl the citizen explorer and the REST API over a seeded demo day, as a citizen's browser would.

Shared by tests/test_explorer_crawl.py (a small day, in `make test`) and benchmarks/bench_crawl.py
(the full Qingdao day, in `make bench`). The crawl opens every block, transaction, address (every
address-typed event argument, every tx sender and recipient), enterprise, case, credit subject, budget,
program and batch page in Chinese and in English, the list pages, search, and every GET route of the
API (found in /openapi.json, filled from the seeded data by parameter name; lists also as CSV), and
follows every internal link found on a page (href or src: a path, or relative such as ?page=2) and
every internal path in a JSON answer (a search hit's page, the next page of a list). Each page answered is run through CHECKS; phone width is checked in a real Chromium.
Every failure is collected as (url, check, detail): nothing stops at the first.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import statistics
import tempfile
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx
import sqlalchemy as sa

from browser_support import CHROMIUM, CHROMIUM_ARGS, PHONE, free_port
from govchain.chain import LocalChain
from govchain.clients import enterprise, funds, identity, workflow
from govchain.config import Config
from govchain.domain import uscc_subject
from govchain.paths import PROJECT_ROOT
from govchain.portal import Portal

LANGUAGES = ("zh", "en")
CLIENT_ERROR = tuple(range(400, 500))  # what a wrong or unknown id must get: a 4xx page that says so, never a 5xx
ANSWERED = tuple(range(200, 500))  # an API route given an unknown id: anything but a 5xx
NO_ANSWER = 0  # the status of a request that got no HTTP answer (timeout, connection dropped)
LANGUAGE_FREE = ("/api/", "/static/", "/openapi.json", "/docs")  # answered the same in every language
FISCAL_KINDS = {"/funds", "/budget/{}", "/program/{}", "/batch/{}", "/verify"}  # pages about public money
ZERO_HASH = "0x" + "0" * 64
FISCAL_CONTRACTS = {"FiscalToken", "Disbursements", "BudgetRegistry", "ProgramRegistry", "EligibilityRegistry"}

# Codes the chain and the index use for statuses, decisions and kinds: never shown raw to a person.
STATUS_CODES = sorted(
    {m.name for enum in (enterprise.EnterpriseStatus, enterprise.ChangeKind, workflow.CaseStatus, workflow.Decision,
                         funds.Refusal, funds.RefundStatus, identity.IdentityKind) for m in enum}
    | {"PROPOSED", "WITHDRAWN", "PAID", "WITHHELD"}  # budget and payout statuses of the index (fund_views)
)  # fmt: skip


# --- the seeded day ----------------------------------------------------------------------------


@dataclass
class DemoDay:
    portal: Portal
    examples: dict[str, Any]
    counts: dict[str, int]
    seconds: float


@contextmanager
def demo_day(scale: float = 1.0, report: Callable[[str], None] = lambda line: None) -> Iterator[DemoDay]:
    """`govchain demo` (run_demo, DemoSize.scaled(scale)) on its own Anvil in a temp folder, indexed."""
    from govchain.demo import DemoSize, run_demo

    with tempfile.TemporaryDirectory(prefix="govchain-crawl-") as tmp:
        home, port = Path(tmp), free_port()
        config = Config(rpc_url=f"http://127.0.0.1:{port}", deployment_file=home / "deployment.json",
                        database_url=f"sqlite:///{home / 'index.db'}", build_dir=PROJECT_ROOT / "build" / "contracts")  # fmt: skip
        previous = os.environ.get("GOVCHAIN_HOME")
        os.environ["GOVCHAIN_HOME"] = tmp  # the local chain's state and the demo citizens' file
        try:
            summary = run_demo(config, report, size=DemoSize.scaled(scale))
            portal = Portal(config, env={})
            portal.sync()
            data = json.loads(config.deployment_file.read_text())["demo"]
            yield DemoDay(portal, data["examples"], summary.counts, summary.seconds)
        finally:
            LocalChain(home=home, port=port).stop()
            if previous is None:
                os.environ.pop("GOVCHAIN_HOME", None)
            else:
                os.environ["GOVCHAIN_HOME"] = previous


# --- what is crawled ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    path: str  # path and query, without a lang parameter
    lang: str | None  # zh / en for explorer pages; None for what every language gets alike (API, static files)
    expect: tuple[int, ...] = (200,)
    linked_from: str | None = None  # None: a seed (built from the data), else the page that links here

    @property
    def url(self) -> str:
        """The address a person would open (the language as ?lang=)."""
        if self.lang is None:
            return self.path
        return self.path + ("&" if "?" in self.path else "?") + f"lang={self.lang}"


def kind_of(path: str) -> str:
    """The route a path belongs to, e.g. /address/{} for /address/0xab..?page=2."""
    parts = urlsplit(path).path.split("/")
    if parts[1] == "api":  # /api/v1/blocks/{}: ids are numbers, 0x hex or USCCs
        return "/" + "/".join("{}" if re.fullmatch(r"\d+|0x\w*|[0-9A-Z]{18}", p) else p for p in parts[1:])
    return "/" + parts[1] + ("/{}" if len(parts) > 2 and parts[2] else "")


@dataclass
class DemoIndex:
    """What the seeded day holds, read from the chain (blocks, transactions) and the index."""

    blocks: list[int]
    transactions: list[str]
    addresses: list[str]
    fiscal_addresses: set[str]  # lower case
    fiscal_transactions: set[str]  # lower case
    enterprises: list[str]
    cases: list[int]
    credit_subjects: list[str]
    budgets: list[int]
    programs: list[int]
    batches: list[int]
    payouts: list[tuple[int, str]]  # (batch id, beneficiary commitment): one per batch, and every refunded one
    beneficiaries: list[str]

    @classmethod
    def read(cls, portal: Portal, examples: dict[str, Any]) -> "DemoIndex":
        from govchain.api.routers.funds import budgets_of, programs_of
        from govchain.indexer.funds import bank_refunds, batches, payouts

        w3 = portal.w3
        head = w3.eth.block_number
        txs: list[str] = []
        addresses: dict[str, None] = {}
        for number in range(head + 1):
            for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
                txs.append(tx["hash"].to_0x_hex())
                for who in (tx["from"], tx.get("to")):
                    if who:
                        addresses[w3.to_checksum_address(who)] = None
        address_args = _address_arguments(portal)
        fiscal_addresses: set[str] = set()
        fiscal_txs: set[str] = set()
        subjects: dict[str, None] = {}
        with portal.engine.connect() as conn:
            for contract, event, args, tx_hash, emitter in conn.execute(
                sa.text("SELECT contract, event, args, tx_hash, address FROM events ORDER BY block_number, log_index")
            ):
                values = json.loads(args) if isinstance(args, str) else args
                found = [w3.to_checksum_address(emitter)]
                for name in address_args.get((contract, event), ()):
                    value = values.get(name)
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", item) and int(item, 16):
                            found.append(w3.to_checksum_address(item))
                addresses.update(dict.fromkeys(found))
                if contract in FISCAL_CONTRACTS:
                    fiscal_addresses.update(found)
                    fiscal_txs.add(tx_hash)
                if contract == "CreditRegistry" and "subject" in values:
                    subjects[values["subject"]] = None
            batch_ids = [int(b) for b in conn.execute(sa.select(batches.c.batch_id).order_by(batches.c.batch_id)).scalars()]
            first_payouts = conn.execute(sa.select(payouts.c.batch_id, sa.func.min(payouts.c.beneficiary)).group_by(payouts.c.batch_id)).all()
            refunded = conn.execute(sa.select(bank_refunds.c.batch_id, bank_refunds.c.beneficiary)).all()
        usccs = [row.uscc for row in portal.enterprises()]
        by_subject = {"0x" + uscc_subject(u).hex(): u for u in usccs}
        credit_subjects = list(dict.fromkeys([*usccs, *(by_subject.get(s.lower(), s) for s in subjects)]))
        pairs = list(dict.fromkeys([(int(b), str(c)) for b, c in [*first_payouts, *refunded]]))
        beneficiaries = list(dict.fromkeys([c for _, c in pairs] + [examples[k] for k in ("beneficiary", "refused_beneficiary") if k in examples]))
        return cls(
            blocks=list(range(head + 1)), transactions=txs, addresses=list(addresses), fiscal_addresses={a.lower() for a in fiscal_addresses},
            fiscal_transactions={t.lower() for t in fiscal_txs}, enterprises=usccs, cases=[row.case_id for row in portal.cases()],
            credit_subjects=credit_subjects, budgets=[b.budget_id for b in budgets_of(portal)],
            programs=[p.program_id for p in programs_of(portal)], batches=batch_ids, payouts=pairs, beneficiaries=beneficiaries,
        )  # fmt: skip

    def is_fiscal(self, target: Target) -> bool:
        """A page about public money: the funds pages, and the pages of addresses and transactions that
        appear in the fiscal contracts' events (a pensioner's address, a payout's transaction)."""
        if target.lang is None:
            return False
        kind, parts = kind_of(target.path), urlsplit(target.path).path.split("/")
        if kind in FISCAL_KINDS:
            return True
        if kind == "/address/{}":
            return parts[2].lower() in self.fiscal_addresses
        return kind == "/tx/{}" and parts[2].lower() in self.fiscal_transactions

    def pages(self) -> list[str]:
        """Every explorer page of the seeded day (paths; each is opened in every language)."""
        lists = ["/", "/enterprises", "/cases", "/cases?overdue=true", "/funds", "/verify"]
        lists += [f"/enterprises?status={s.name}" for s in enterprise.EnterpriseStatus if s.value]
        lists += [f"/cases?status={s.name}" for s in workflow.CaseStatus if s.value]
        records = (
            [f"/block/{n}" for n in self.blocks] + [f"/tx/{h}" for h in self.transactions]
            + [f"/address/{a}" for a in self.addresses] + [f"/enterprise/{u}" for u in self.enterprises]
            + [f"/case/{c}" for c in self.cases] + [f"/credit/{s}" for s in self.credit_subjects]
            + [f"/budget/{b}" for b in self.budgets] + [f"/program/{p}" for p in self.programs]
            + [f"/batch/{b}" for b in self.batches]
        )  # fmt: skip
        return lists + [f"/search?{urlencode({'q': q})}" for q in self.search_queries()] + records

    @property
    def uscc_typo(self) -> str:
        """A registered USCC with a wrong check character (a typo a person makes)."""
        uscc = self.enterprises[0]
        return uscc[:17] + ("0" if uscc[17] != "0" else "1")

    def error_pages(self) -> list[str]:
        """Explorer addresses with a malformed or unknown id (each must be a 4xx page, in the person's language)."""
        beyond = {"block": self.blocks[-1] + 1000, "case": self.cases[-1] + 1, "budget": self.budgets[-1] + 1,
                  "program": self.programs[-1] + 1, "batch": self.batches[-1] + 1}  # fmt: skip
        return (
            [f"/{kind}/{number}" for kind, number in beyond.items()] + [f"/{kind}/x" for kind in beyond] + ["/case/0"]
            + [f"/tx/{ZERO_HASH}", "/tx/0x12", "/address/0xzz", f"/enterprise/{self.uscc_typo}", "/enterprise/BAD", "/credit/0x12", "/credit/XYZ"]
            + ["/no-such-page", "/enterprises?page=0", "/cases?overdue=maybe", "/search?q=11010519491231002X"]  # the last: an ID number
        )  # fmt: skip

    def search_queries(self) -> list[str]:
        """What a person types: a tx hash, block number, address, USCC (also lower case and with a typo),
        case id, commitment, a program or budget, and something that is not there."""
        uscc = self.enterprises[0]
        return [self.transactions[-1], str(self.blocks[-1]), self.addresses[-1], uscc, uscc.lower(), self.uscc_typo, str(self.cases[0]),
                f"#{self.cases[-1]}", self.beneficiaries[0], f"program {self.programs[0]}", f"budget {self.budgets[0]}",
                "青岛", "nothing-here"]  # fmt: skip

    def parameter_values(self) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
        """Values for the API's path and required query parameters, by (sorted) parameter names."""
        one = {
            "number": self.blocks, "tx_hash": self.transactions, "address": self.addresses, "uscc": self.enterprises,
            "case_id": self.cases, "subject": self.credit_subjects, "budget_id": self.budgets, "program_id": self.programs,
            "batch_id": self.batches, "commitment": self.beneficiaries, "q": self.search_queries(),
        }  # fmt: skip
        values: dict[tuple[str, ...], list[tuple[Any, ...]]] = {(k,): [(v,) for v in vs] for k, vs in one.items()}
        values[("batch_id", "commitment")] = list(self.payouts)
        values[("batch_id", "index")] = [(b, 0) for b in self.batches] + [(self.batches[0], 1)]  # enrolment indexes
        return values

    def unknown_values(self) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
        """Malformed and unknown values for the same parameters: the API must answer them without a 5xx."""
        one = {
            "number": [self.blocks[-1] + 1000], "tx_hash": [ZERO_HASH, "0x12"], "address": ["0x" + "0" * 40, "0xzz"],
            "uscc": ["BAD", self.uscc_typo], "case_id": [0, self.cases[-1] + 1], "subject": ["XYZ", "0x12"],
            "budget_id": [self.budgets[-1] + 1], "program_id": [self.programs[-1] + 1], "batch_id": [self.batches[-1] + 1],
            "commitment": [ZERO_HASH, "0x12"], "q": [" "],
        }  # fmt: skip
        values: dict[tuple[str, ...], list[tuple[Any, ...]]] = {(k,): [(v,) for v in vs] for k, vs in one.items()}
        values[("batch_id", "commitment")] = [(self.batches[-1] + 1, ZERO_HASH), (self.payouts[0][0], ZERO_HASH)]
        values[("batch_id", "index")] = [(self.batches[-1] + 1, 0), (self.batches[0], 2**32 - 1)]
        return values


def _address_arguments(portal: Portal) -> dict[tuple[str, str], list[str]]:
    """(contract, event) -> the names of its address-typed arguments (address and address[]), from the ABIs."""
    out: dict[tuple[str, str], list[str]] = {}
    for name in portal.deployment.contracts:
        for item in portal.artifacts.abi(name):
            if item.get("type") == "event":
                out[(name, item["name"])] = [i["name"] for i in item["inputs"] if i["type"] in ("address", "address[]")]
    return out


def api_targets(openapi: dict[str, Any], index: DemoIndex) -> tuple[list[Target], list[str]]:
    """Every GET route of the API filled with the seeded data (lists also as CSV) and with unknown or
    malformed values; and the routes the crawl cannot fill (a parameter it has no values for): each is
    reported, so no route goes uncrawled."""
    found, uncovered = _filled(openapi, index.parameter_values(), (200,))
    unknown, _ = _filled(openapi, index.unknown_values(), ANSWERED)
    known = {t.path for t in found}
    return found + [t for t in unknown if t.path not in known], uncovered


def _filled(openapi: dict[str, Any], values: dict[tuple[str, ...], list[tuple[Any, ...]]], expect: tuple[int, ...]) -> tuple[list[Target], list[str]]:
    targets: list[Target] = []
    uncovered: list[str] = []
    for path, operations in sorted(openapi.get("paths", {}).items()):
        get = operations.get("get")
        if get is None:
            continue
        params = get.get("parameters", [])
        if "401" in get.get("responses", {}):
            continue  # a department's own read (needs its API key): not public
        needed = sorted(p["name"] for p in params if p["in"] == "path" or (p["in"] == "query" and p.get("required")))
        in_query = {p["name"] for p in params if p["in"] == "query"}
        rows = values.get(tuple(needed), [()] if not needed else None)
        if rows is None:
            uncovered.append(f"{path}: no values for {', '.join(needed)}")
            continue
        for row in rows:
            filled, query = path, {}
            for name, value in zip(needed, row):
                if name in in_query:
                    query[name] = value
                else:
                    filled = filled.replace("{" + name + "}", str(value))
            url = filled + (f"?{urlencode(query)}" if query else "")
            targets.append(Target(url, None, expect))
            if "format" in in_query:
                targets.append(Target(url + ("&" if query else "?") + "format=csv", None, expect))
    return targets, uncovered


# --- a fetched page ----------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class _Html(HTMLParser):
    """Visible text, internal links and navigation labels of a page."""

    HIDDEN = {"script", "style", "template", "noscript"}
    # elements that start a new line or cell: their text is apart from the text around them
    BLOCKS = {"address", "article", "aside", "br", "caption", "dd", "div", "dl", "dt", "fieldset", "figcaption", "footer", "form",
              "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section",
              "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "text", "tspan", "button"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.nav: list[str] = []
        self.lang = ""
        self._hidden = 0
        self._nav = 0
        self._nav_link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        for name in ("href", "src"):
            link = (attributes.get(name) or "").strip()
            if link and not link.startswith(("#", "//")) and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link):
                self.links.append(link)  # internal: a path, or relative to the page (e.g. ?page=2)
        if tag in self.BLOCKS:
            self.text.append(" ")
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "nav":
            self._nav += 1
        elif tag == "a" and self._nav:
            self._nav_link = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.text.append(" ")
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "nav":
            self._nav = max(0, self._nav - 1)
        elif tag == "a" and self._nav_link is not None:
            self.nav.append(" ".join("".join(self._nav_link).split()))
            self._nav_link = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        if self._nav_link is not None:
            self._nav_link.append(data)


@dataclass
class Page:
    target: Target
    status: int
    content_type: str
    body: str
    seconds: float
    text: str = ""  # visible text (HTML)
    nav: list[str] = field(default_factory=list)
    lang: str = ""  # <html lang>
    links: list[str] = field(default_factory=list)
    fiscal: bool = False

    @property
    def html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def kind(self) -> str:
        return kind_of(self.target.path)

    @classmethod
    def of(cls, target: Target, response: httpx.Response, seconds: float, fiscal: bool) -> "Page":
        page = cls(target, response.status_code, response.headers.get("content-type", ""), response.text, seconds, fiscal=fiscal)
        if page.html:
            parser = _Html()
            parser.feed(page.body)
            page.text, page.nav, page.lang, page.links = " ".join("".join(parser.text).split()), parser.nav, parser.lang, parser.links
        elif page.content_type.startswith("application/json") and response.status_code == 200:
            try:
                page.links = _json_links(response.json(), target.path)
            except ValueError:
                pass  # reported by the invalid-json check
        return page


def _json_links(data: Any, path: str) -> list[str]:
    """Internal paths a JSON answer names (e.g. a search hit's page), and its next page."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith("/") and not value.startswith("//") and " " not in value:
            found.append(value)

    walk(data)
    if isinstance(data, dict) and isinstance(data.get("next_offset"), int) and "offset=" not in path:
        found.append(path + ("&" if "?" in path else "?") + f"offset={data['next_offset']}")
    return found


# --- the checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    url: str
    check: str
    detail: str


@dataclass(frozen=True)
class Check:
    name: str
    applies: Callable[[Page], bool]
    find: Callable[[Page], Iterable[str]]  # one detail per problem found on the page


def _matches(pattern: re.Pattern[str]) -> Callable[[Page], list[str]]:
    """Each distinct match in the page's visible text, with some context."""

    def find(page: Page) -> list[str]:
        seen: dict[str, str] = {}
        for match in pattern.finditer(page.text):
            if match.group(0) not in seen:
                context = page.text[max(0, match.start() - 40) : match.end() + 40]
                seen[match.group(0)] = f"{match.group(0)!r} in “…{context}…”"
        return list(seen.values())

    return find


def _bad_status(page: Page) -> list[str]:
    if page.status >= 500 or page.status == NO_ANSWER or page.status in page.target.expect or 300 <= page.status < 400:
        return []
    expected = "a 4xx" if page.target.expect == CLIENT_ERROR else "/".join(map(str, page.target.expect))
    return [f"HTTP {page.status} (expected {expected}): {_excerpt(page)}"]


def _broken_link(page: Page) -> list[str]:
    if page.status >= 500 or page.status < 400:
        return []
    return [f"HTTP {page.status}, linked from {page.target.linked_from}: {_excerpt(page)}"]


def _excerpt(page: Page) -> str:
    return (page.text or " ".join(page.body.split()))[:200]


def _valid_json(page: Page) -> list[str]:
    try:
        json.loads(page.body)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    return []


def _valid_csv(page: Page) -> list[str]:
    if not page.content_type.startswith("text/csv"):
        return [f"content type {page.content_type!r}, not text/csv"]
    rows = list(csv.reader(io.StringIO(page.body)))
    if not rows or not all(rows[0]):
        return ["no header row"]
    return [f"row {n} has {len(row)} cells, the header {len(rows[0])}" for n, row in enumerate(rows[1:], 2) if len(row) != len(rows[0])][:3]


def _english_nav(page: Page) -> list[str]:
    return [f"navigation label {label!r} has no Chinese" for label in page.nav if not _CJK.search(label)]


def _is_csv(page: Page) -> bool:
    return page.status == 200 and ("format=csv" in page.target.path or urlsplit(page.target.path).path.endswith(".csv"))


CHECKS: list[Check] = [
    Check("5xx", lambda p: True, lambda p: [f"HTTP {p.status}: {_excerpt(p)}"] if p.status >= 500 else []),
    Check("no-answer", lambda p: p.status == NO_ANSWER, lambda p: [p.body]),
    Check("broken-link", lambda p: p.target.linked_from is not None, _broken_link),
    Check("unexpected-status", lambda p: p.target.linked_from is None, _bad_status),
    Check("raw-role-code", lambda p: p.html, _matches(re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_ROLE\b"))),
    Check("raw-status-code", lambda p: p.html, _matches(re.compile(r"(?<![\w-])(?:" + "|".join(STATUS_CODES) + r")(?![\w-])"))),
    Check("python-repr", lambda p: p.html, _matches(re.compile(r"(?<![\w-])(?:True|False|None)(?![\w-])"))),
    Check("wei-on-fiscal-page", lambda p: p.html and p.fiscal, _matches(re.compile(r"(?<![\w-])[Ww]ei(?![\w-])"))),
    Check("english-nav-in-chinese", lambda p: p.html and p.lang.startswith("zh"), _english_nav),
    Check("invalid-json", lambda p: p.status == 200 and p.content_type.startswith("application/json"), _valid_json),
    Check("invalid-csv", _is_csv, _valid_csv),
]


# --- the crawl ---------------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def by_check(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for failure in self.failures:
            counts[failure.check] = counts.get(failure.check, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def summary(self, examples: int = 3) -> str:
        lines = [f"{len(self.pages)} pages crawled, {len(self.failures)} failures"]
        for check, count in self.by_check().items():
            lines.append(f"  {count:>6}  {check}")
            for failure in [f for f in self.failures if f.check == check][:examples]:
                lines.append(f"          {failure.url}  {failure.detail[:300]}")
        return "\n".join(lines)

    def html_seconds(self) -> list[float]:
        return [p.seconds for p in self.pages if p.html and p.status == 200]


def percentile_ms(samples: list[float], percent: int) -> float:
    if len(samples) < 2:
        return round((samples or [0.0])[0] * 1000, 1)
    return round(statistics.quantiles(samples, n=100)[percent - 1] * 1000, 1)


class Crawler:
    """Opens each target once (explorer pages once per language), follows internal links, runs the checks.
    One request at a time, as one visitor: the page times are those a person sees."""

    def __init__(self, base_url: str, index: DemoIndex, checks: list[Check] = CHECKS) -> None:
        self.base_url = base_url
        self.index = index
        self.checks = checks

    def run(self) -> Crawl:
        crawl = Crawl()
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            openapi = client.get("/openapi.json").json()
        api, uncovered = api_targets(openapi, self.index)
        crawl.failures += [Failure(route.split(":")[0], "api-route-not-crawled", route) for route in uncovered]
        targets = [Target(path, lang) for lang in LANGUAGES for path in self.index.pages()]
        targets += [Target(path, lang, CLIENT_ERROR) for lang in LANGUAGES for path in self.index.error_pages()] + api
        unique: dict[tuple[str, str | None], Target] = {}
        for target in targets:
            unique.setdefault((target.path, target.lang), target)
        queue, seen = deque(unique.values()), set(unique)
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            while queue:
                page = self.fetch(client, queue.popleft())
                crawl.pages.append(page)
                for check in self.checks:
                    if check.applies(page):
                        crawl.failures += [Failure(page.target.url, check.name, detail) for detail in check.find(page)]
                for link in page.links:
                    followed = self.follow(link, page.target)
                    if (followed.path, followed.lang) not in seen:
                        seen.add((followed.path, followed.lang))
                        queue.append(followed)
        return crawl

    def fetch(self, client: httpx.Client, target: Target) -> Page:
        headers = {"Cookie": f"lang={target.lang}"} if target.lang else {}
        started = time.perf_counter()
        try:
            response = client.get(target.path, headers=headers)  # never ?lang=: the server sets no cookie
        except httpx.HTTPError as exc:
            return Page(target, NO_ANSWER, "", f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
        seconds = time.perf_counter() - started
        page = Page.of(target, response, seconds, self.index.is_fiscal(target))
        if response.is_redirect:  # followed as a link, in the same language (as a browser keeps its cookie)
            page.links = [response.headers["location"].removeprefix(self.base_url)]
        return page

    @staticmethod
    def follow(link: str, source: Target) -> Target:
        """The target a link names: its ?lang= becomes the target's language, the rest is kept."""
        parts = urlsplit(urljoin(source.path, link.split("#")[0]))
        query = parse_qsl(parts.query, keep_blank_values=True)
        lang = next((v for k, v in query if k == "lang" and v in LANGUAGES), source.lang or LANGUAGES[0])
        rest = urlencode([(k, v) for k, v in query if k != "lang"])
        path = parts.path + (f"?{rest}" if rest else "")
        if path.startswith(LANGUAGE_FREE):
            lang = None
        return Target(path, lang, linked_from=source.url)


# --- phone width, in a real browser ------------------------------------------------------------


def widest_of_each_kind(pages: list[Page]) -> list[Page]:
    """One explorer page of each kind per language: the one with the longest HTML (most likely to overflow)."""
    chosen: dict[tuple[str, str | None], Page] = {}
    for page in pages:
        if page.html and page.status == 200:
            key = (page.kind, page.target.lang)
            if key not in chosen or len(page.body) > len(chosen[key].body):
                chosen[key] = page
    return list(chosen.values())


def phone_width_failures(base_url: str, pages: list[Page], tabs: int = 2, report: Callable[[int], None] | None = None) -> list[Failure]:
    """Each page opened at 390x844 in Debian's Chromium (`tabs` at a time): the document must not be
    wider than the viewport. `report(n)` is told each time another 500 pages are measured."""
    return asyncio.run(_phone_widths(base_url, pages, tabs, report or (lambda done: None)))


async def _phone_widths(base_url: str, pages: list[Page], tabs: int, report: Callable[[int], None]) -> list[Failure]:
    from playwright.async_api import async_playwright

    failures: list[Failure] = []
    done = 0
    script = "[document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0]"

    async def measure(context: Any, queue: deque[Page]) -> None:
        nonlocal done
        tab = await context.new_page()
        while queue:
            page = queue.popleft()
            # DOMContentLoaded comes after the stylesheet: the page's scripts (base.html) wait for it
            await tab.goto(base_url + page.target.path, wait_until="domcontentloaded")
            width, body = await tab.evaluate(script)
            if width > PHONE["width"]:
                failures.append(Failure(page.target.url, "wider-than-phone", f"{width} px wide at {PHONE['width']} px (body {body} px)"))
            done += 1
            if done % 500 == 0:
                report(done)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang in (*LANGUAGES, None):
                queue = deque(p for p in pages if p.target.lang == lang)
                if not queue:
                    continue
                context = await browser.new_context(viewport=PHONE, locale="zh-CN" if lang != "en" else "en-US")
                if lang:
                    await context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])
                await asyncio.gather(*(measure(context, queue) for _ in range(tabs)))
                await context.close()
        finally:
            await browser.close()
    return failures
