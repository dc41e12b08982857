"""Read models that join the chain's current state with the index's history.

Used by the CLI (`enterprise show`, `case show`, `credit show`) and the REST API, so both say the same.
Every function takes an explicit Suite (the chain) and Index (the database).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, literal_column, select, text, union

from govchain.clients.credit import CreditClient
from govchain.clients.enterprise import EnterpriseClient
from govchain.clients.workflow import CaseStatus, Decision, WorkflowClient
from govchain.connection import Suite
from govchain.domain import uscc_bytes
from govchain.indexer.schema import blocks, event_addresses, events


@dataclass(frozen=True)
class HistoryEntry:
    """One event in a timeline, with the time of its block."""

    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    event: str
    args: dict[str, Any]


def history(engine: Engine, contract: str, names: list[str], key: str, value: Any) -> list[HistoryEntry]:
    """Events `names` of `contract` whose argument `key` equals `value`, oldest first."""
    arg = events.c.args[key]
    condition = arg.as_integer() == value if isinstance(value, int) else arg.as_string() == value
    query = (
        select(events, blocks.c.timestamp)
        .join(blocks, blocks.c.number == events.c.block_number)
        .where(events.c.contract == contract, events.c.event.in_(names), condition)
        .order_by(events.c.block_number, events.c.log_index)
    )
    with engine.connect() as conn:
        return [
            HistoryEntry(row.block_number, row.log_index, row.timestamp, row.tx_hash, row.event, row.args)
            for row in conn.execute(query)
        ]


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


# --- enterprises -------------------------------------------------------------------------------

ENTERPRISE_EVENTS = [
    "EnterpriseApplied", "EnterpriseRegistered", "EnterpriseRejected", "EnterpriseChanged", "EnterpriseNameChanged",
    "EnterpriseCapitalChanged", "EnterpriseSuspended", "EnterpriseReinstated", "EnterpriseDeregistered", "EnterpriseContested",
    "EnterpriseContestDismissed", "EnterpriseContestUpheld", "EnterpriseContestLapsed",
]  # fmt: skip


@dataclass(frozen=True)
class EnterpriseView:
    uscc: str
    name: str  # the registered name (public registration data): the latest application's, or the latest change
    registered_capital_fen: int  # likewise, in fen
    applicant: str  # who made the latest application
    status: str
    applied_at: int
    decided_at: int
    case_id: int
    seconds_to_decision: int | None
    history: list[HistoryEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def enterprise_view(suite: Suite, engine: Engine, uscc: str) -> EnterpriseView:
    record = EnterpriseClient(suite).get(uscc)  # validates the USCC (InvalidUSCC)
    decided = record.decided_at - record.applied_at if record.decided_at else None
    timeline = history(engine, "EnterpriseRegistry", ENTERPRISE_EVENTS, "uscc", _hex(uscc_bytes(uscc)))
    public = _PublicRecord()
    for entry in timeline:
        public.follow(entry.event, entry.args)
    return EnterpriseView(
        uscc, public.name, public.capital_fen, public.applicant, record.status.name, record.applied_at, record.decided_at,
        record.case_id, decided, timeline,
    )  # fmt: skip


@dataclass
class _PublicRecord:
    """An enterprise's public registration data as its events leave it: name, capital, applicant, changes."""

    name: str = ""
    capital_fen: int = 0
    applicant: str = ""
    changes: int = 0

    def follow(self, event: str, args: dict[str, Any]) -> None:
        if event == "EnterpriseApplied":
            self.name, self.capital_fen, self.applicant = args["name"], int(args["registeredCapitalFen"]), args["applicant"]
        elif event == "EnterpriseNameChanged":
            self.name, self.changes = args["name"], self.changes + 1
        elif event == "EnterpriseCapitalChanged":
            self.capital_fen, self.changes = int(args["registeredCapitalFen"]), self.changes + 1
        elif event == "EnterpriseChanged":
            self.changes += 1


# --- cases -------------------------------------------------------------------------------------

CASE_EVENTS = ["CaseOpened", "StepStarted", "StepDecided", "CaseReturned", "CaseResubmitted", "CaseClosed", "CaseExpired"]


@dataclass(frozen=True)
class StepView:
    step: int
    role: str
    started_at: int | None
    deadline: int | None
    decided_at: int | None
    decision: str | None
    officer: str | None
    overdue: bool
    department: str | None = None  # code of the department whose officers hold the step's role now


@dataclass(frozen=True)
class CaseView:
    case_id: int
    template_id: int
    applicant: str
    status: str
    subject: str
    current_step: int
    step_count: int
    overdue: bool
    steps: list[StepView]
    history: list[HistoryEntry]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def case_view(suite: Suite, engine: Engine, case_id: int, now: int | None = None) -> CaseView:
    workflow = WorkflowClient(suite)
    case = workflow.case(case_id)  # UnknownCase for a bad id
    template = workflow.functions.templateInfo(case.template_id).call()
    timeline = history(engine, "WorkflowEngine", CASE_EVENTS, "caseId", case_id)
    now = now if now is not None else suite.w3.eth.get_block("latest")["timestamp"]
    started: dict[int, HistoryEntry] = {}
    decided: dict[int, HistoryEntry] = {}
    for entry in timeline:
        if entry.event == "StepStarted":
            started[entry.args["step"]] = entry
        elif entry.event == "StepDecided":
            decided[entry.args["step"]] = entry
    holders = role_departments(engine, "WorkflowEngine")
    steps = []
    for index, (role, _limit) in enumerate(template[4]):
        start, decision = started.get(index), decided.get(index)
        deadline = start.args["deadline"] if start else None
        last_decision_after_start = decision is not None and start is not None and decision.block_number >= start.block_number
        open_now = index == case.step and case.status == CaseStatus.IN_REVIEW
        steps.append(
            StepView(
                index,
                _hex(bytes(role)),
                start.timestamp if start else None,
                deadline,
                decision.timestamp if decision and last_decision_after_start else None,
                Decision(decision.args["decision"]).name if decision and last_decision_after_start else None,
                decision.args["officer"] if decision and last_decision_after_start else None,
                bool(open_now and deadline is not None and now > deadline),
                holders.get(_hex(bytes(role))),
            )
        )
    return CaseView(
        case_id, case.template_id, case.applicant, case.status.name, case.subject, case.step, case.step_count,
        case.overdue, steps, timeline,
    )  # fmt: skip


# --- credit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditRecordView:
    """A public record, with its index among the subject's records."""

    index: int
    category: int
    delta: int
    writer: str
    evidence_hash: str
    valid_from: int
    valid_until: int
    timestamp: int
    tx_hash: str
    revoked: bool
    amends: int | None


@dataclass(frozen=True)
class SealedCreditRecordView:
    """A sealed record (non-public category) as a department entitled to read it opened it: the
    fields of a public record (its id among sealed records for `index`, no amendment link) and its
    on-chain commitment."""

    record: CreditRecordView
    commitment: str


@dataclass(frozen=True)
class CreditView:
    subject: str
    score: int  # public records only: sealed records never enter the on-chain score
    record_count: int
    records: list[CreditRecordView]
    sealed_records: list[SealedCreditRecordView] = field(default_factory=list)  # only for a reader department
    reader: str | None = None  # the department whose key opened `sealed_records`

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sealed_credit_records(engine: Engine, subject: bytes, department: str, key: bytes) -> list[SealedCreditRecordView]:
    """The sealed records about `subject` that `department` can open with its reader key `key`
    (each checked against its on-chain commitment), oldest first."""
    from govchain.clients.credit import open_sealed_events

    rows = _all(engine, "CreditRegistry", ["CreditRecordSealed", "SealedCreditRecordRevoked"])
    revoked = {row.args["sealedId"] for row in rows if row.event == "SealedCreditRecordRevoked"}
    sealed = {row.args["sealedId"]: row for row in rows if row.event == "CreditRecordSealed"}
    views = []
    for record in open_sealed_events([row.args for row in sealed.values()], department, key):
        if record.subject != subject:
            continue
        row, entry = sealed[record.sealed_id], record.entry
        views.append(SealedCreditRecordView(CreditRecordView(
            record.sealed_id, entry.category, entry.delta, row.args["writer"], _hex(entry.evidence_hash), entry.valid_from,
            entry.valid_until, row.timestamp, row.tx_hash, record.sealed_id in revoked, None,
        ), _hex(record.commitment)))  # fmt: skip
    return views


def credit_view(
    suite: Suite, engine: Engine, subject: bytes, public_only: bool = False, reader: tuple[str, bytes] | None = None
) -> CreditView:
    """A subject's score and records; with `reader` (department code, reader key) also the sealed
    records about it that the department can open."""
    credit = CreditClient(suite)
    timeline = history(engine, "CreditRegistry", ["CreditRecorded", "CreditRecordAmended"], "subject", _hex(subject))
    amended_by: dict[int, int] = {}
    amends: dict[int, int] = {}
    records: list[CreditRecordView] = []
    for entry in timeline:
        if entry.event == "CreditRecordAmended":
            amended_by[entry.args["amendedIndex"]] = entry.args["amendmentIndex"]
            amends[entry.args["amendmentIndex"]] = entry.args["amendedIndex"]
    index = 0
    public = {}
    for entry in timeline:
        if entry.event != "CreditRecorded":
            continue
        category = entry.args["category"]
        if category not in public:
            public[category] = category == 0 or credit.functions.getCategory(category).call()[2]
        if not public_only or public[category]:
            records.append(
                CreditRecordView(
                    index, category, entry.args["delta"], entry.args["writer"], entry.args["evidenceHash"],
                    entry.args["validFrom"], entry.args["validUntil"], entry.timestamp, entry.tx_hash,
                    index in amended_by, amends.get(index),
                )  # fmt: skip
            )
        index += 1
    sealed = sealed_credit_records(engine, subject, *reader) if reader else []
    return CreditView(_hex(subject), credit.score(subject), credit.record_count(subject), records, sealed, reader[0] if reader else None)


# --- lists over the index (REST API and explorer) ------------------------------------------------
#
# Lists are rebuilt from the events alone (no chain call per row). Lookups by an event argument use
# expression indexes on the JSON arguments (`ensure_query_indexes`), written with exactly the
# expression the queries use so the database can match them.

# Event arguments with an expression index; a module whose lookups need more appends to this list
# before the app starts (ensure_query_indexes runs when the Portal is built).
# (Addresses are looked up in the event_addresses table instead, filled from the ABI's address types.)
INDEXED_ARGS = ["uscc", "caseId", "subject", "code", "identity"]
_ARG_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def arg(engine: Engine, key: str) -> ColumnElement[Any]:
    """Event argument `key` as SQL, the same text as its expression index (no bound parameter)."""
    if not _ARG_KEY.fullmatch(key):
        raise ValueError(f"not an event argument name: {key!r}")
    if engine.dialect.name == "postgresql":
        return literal_column(f"(events.args ->> '{key}')")
    return literal_column(f"json_extract(events.args, '$.{key}')")


def arg_equals(engine: Engine, key: str, value: Any) -> ColumnElement[bool]:
    if engine.dialect.name == "postgresql" or not isinstance(value, int):
        return arg(engine, key) == (str(value).lower() if isinstance(value, bool) else str(value))
    return arg(engine, key) == value


def ensure_query_indexes(engine: Engine) -> None:
    """Create the expression indexes the lists and lookups use (idempotent, quick when present)."""
    with engine.begin() as conn:
        for key in INDEXED_ARGS:
            if engine.dialect.name == "postgresql":
                expr = f"(args ->> '{key}')"
            else:
                expr = f"json_extract(args, '$.{key}')"
            conn.execute(text(
                f"CREATE INDEX IF NOT EXISTS ix_events_arg_{key} ON events ({expr}, block_number, log_index) "
                f"WHERE {expr} IS NOT NULL"
            ))  # fmt: skip
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_address ON events (address, block_number, log_index)"))


@dataclass(frozen=True)
class EventRow:
    """One indexed event, with the time of its block."""

    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    address: str
    contract: str
    event: str
    args: dict[str, Any]


def _event_rows(engine: Engine, query: Any) -> list[EventRow]:
    with engine.connect() as conn:
        return [
            EventRow(r.block_number, r.log_index, r.timestamp, r.tx_hash, r.address, r.contract, r.event, r.args)
            for r in conn.execute(query)
        ]


def _events_query(engine: Engine) -> Any:
    return select(
        events.c.block_number, events.c.log_index, blocks.c.timestamp, events.c.tx_hash, events.c.address,
        events.c.contract, events.c.event, events.c.args,
    ).join(blocks, blocks.c.number == events.c.block_number)  # fmt: skip


def event_list(
    engine: Engine,
    *,
    contract: str | None = None,
    event: str | None = None,
    tx_hash: str | None = None,
    from_block: int | None = None,
    to_block: int | None = None,
    args: dict[str, Any] | None = None,
    limit: int = 50,
    offset: int = 0,
    newest_first: bool = True,
) -> list[EventRow]:
    """Indexed events matching every filter given, newest first by default."""
    query = _event_filters(
        engine, _events_query(engine), contract=contract, event=event, tx_hash=tx_hash, from_block=from_block, to_block=to_block, args=args
    )
    order = (events.c.block_number.desc(), events.c.log_index.desc()) if newest_first else (events.c.block_number, events.c.log_index)
    return _event_rows(engine, query.order_by(*order).limit(limit).offset(offset))


def event_count(engine: Engine, **filters: Any) -> int:
    """How many indexed events `event_list` has with the same keyword filters (contract, event, tx_hash,
    from_block, to_block, args)."""
    query = _event_filters(engine, select(func.count()).select_from(events), **filters)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _event_filters(
    engine: Engine, query: Any, *, contract: str | None = None, event: str | None = None, tx_hash: str | None = None,
    from_block: int | None = None, to_block: int | None = None, args: dict[str, Any] | None = None,
) -> Any:  # fmt: skip
    if contract is not None:
        query = query.where(events.c.contract == contract)
    if event is not None:
        query = query.where(events.c.event == event)
    if tx_hash is not None:
        query = query.where(events.c.tx_hash == tx_hash.lower())
    if from_block is not None:
        query = query.where(events.c.block_number >= from_block)
    if to_block is not None:
        query = query.where(events.c.block_number <= to_block)
    for key, value in (args or {}).items():
        query = query.where(arg_equals(engine, key, value))
    return query


def _same_event(keys: Any) -> ColumnElement[bool]:
    return (keys.c.block_number == events.c.block_number) & (keys.c.log_index == events.c.log_index)


def _naming(address: str, *args: str) -> Any:
    """(block_number, log_index) of the events naming `address` (in one of `args`, if given)."""
    query = select(event_addresses.c.block_number, event_addresses.c.log_index).where(event_addresses.c.address == address)
    return query.where(event_addresses.c.arg.in_(args)) if args else query


def address_history(engine: Engine, address: str, limit: int = 50, offset: int = 0) -> list[EventRow]:
    """Events naming `address` in any address-typed argument, or emitted by it, newest first."""
    wanted = offset + limit
    order = (events.c.block_number.desc(), events.c.log_index.desc())
    named = _naming(address).distinct().order_by(event_addresses.c.block_number.desc(), event_addresses.c.log_index.desc())
    keys = named.limit(wanted).subquery()
    rows = {(r.block_number, r.log_index): r for r in _event_rows(engine, _events_query(engine).join(keys, _same_event(keys)))}
    for row in _event_rows(engine, _events_query(engine).where(events.c.address == address).order_by(*order).limit(wanted)):
        rows[(row.block_number, row.log_index)] = row
    return [rows[k] for k in sorted(rows, reverse=True)][offset:wanted]


def address_history_count(engine: Engine, address: str) -> int:
    """How many events `address_history` lists in all."""
    named = _naming(address)
    emitted = select(events.c.block_number, events.c.log_index).where(events.c.address == address)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(named.union(emitted).subquery())).scalar_one())


TOKEN = ("FiscalToken", "Transfer")  # the fiscal yuan's ERC-20 transfers (amounts in fen)


@dataclass(frozen=True)
class TokenTransfer:
    """One fiscal-yuan transfer (a mint comes from, a burn goes to, the zero address)."""

    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str
    sender: str
    to: str
    amount_fen: int


def _transfers_query(address: str) -> Any:
    keys = _naming(address, "from", "to").distinct().subquery()
    return (
        select(events.c.block_number, events.c.log_index, blocks.c.timestamp, events.c.tx_hash, events.c.args)
        .join(keys, _same_event(keys))
        .join(blocks, blocks.c.number == events.c.block_number)
        .where(events.c.contract == TOKEN[0], events.c.event == TOKEN[1])
    )


def token_transfers(engine: Engine, address: str, limit: int = 50, offset: int = 0) -> list[TokenTransfer]:
    """Fiscal-yuan transfers from or to `address`, newest first."""
    query = _transfers_query(address).order_by(events.c.block_number.desc(), events.c.log_index.desc()).limit(limit).offset(offset)
    with engine.connect() as conn:
        return [
            TokenTransfer(r.block_number, r.log_index, r.timestamp, r.tx_hash, r.args["from"], r.args["to"], int(r.args["value"]))
            for r in conn.execute(query)
        ]


def token_transfer_count(engine: Engine, address: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_transfers_query(address).subquery())).scalar_one())


def _all(engine: Engine, contract: str, names: Iterable[str]) -> list[EventRow]:
    query = _events_query(engine).where(events.c.contract == contract, events.c.event.in_(list(names)))
    return _event_rows(engine, query.order_by(events.c.block_number, events.c.log_index))


def bytes_text(value: str) -> str:
    """A left-aligned bytesN code (0x-hex) as text: bytes18 USCCs, bytes32 department codes."""
    try:
        return bytes.fromhex(value[2:]).rstrip(b"\0").decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return value


# enterprises


ENTERPRISE_STATUS_AFTER = {
    "EnterpriseApplied": "APPLIED", "EnterpriseRegistered": "REGISTERED", "EnterpriseRejected": "REJECTED",
    "EnterpriseSuspended": "SUSPENDED", "EnterpriseReinstated": "REGISTERED", "EnterpriseDeregistered": "DEREGISTERED",
}  # fmt: skip


@dataclass
class EnterpriseRow:
    uscc: str
    name: str  # the registered name: the latest application's, or the latest change
    status: str
    case_id: int
    applicant: str
    registered_capital_fen: int  # likewise, in fen
    applied_at: int
    decided_at: int | None
    updated_at: int
    changes: int  # changes recorded since the latest application


def enterprise_list(engine: Engine) -> list[EnterpriseRow]:
    """Every enterprise that ever applied, with its current status, in order of application."""
    rows: dict[str, EnterpriseRow] = {}
    public: dict[str, _PublicRecord] = {}
    for entry in _all(engine, "EnterpriseRegistry", ENTERPRISE_EVENTS):
        uscc = bytes_text(entry.args["uscc"])
        if entry.event == "EnterpriseApplied":
            public[uscc] = _PublicRecord()
        record = public.get(uscc)
        if record is None:
            continue
        record.follow(entry.event, entry.args)
        if entry.event == "EnterpriseApplied":
            rows[uscc] = EnterpriseRow(
                uscc, record.name, "APPLIED", entry.args["caseId"], record.applicant, record.capital_fen, entry.timestamp, None,
                entry.timestamp, 0,
            )  # fmt: skip
            continue
        row = rows[uscc]
        row.updated_at = entry.timestamp
        row.name, row.registered_capital_fen, row.changes = record.name, record.capital_fen, record.changes
        if entry.event in ENTERPRISE_STATUS_AFTER:  # a contest changes no status
            row.status = ENTERPRISE_STATUS_AFTER[entry.event]
            if entry.event in ("EnterpriseRegistered", "EnterpriseRejected"):
                row.decided_at = entry.timestamp
    return list(rows.values())


# cases


@dataclass
class CaseRow:
    case_id: int
    template_id: int
    applicant: str
    subject: str
    status: str
    step: int
    step_count: int
    deadline: int | None
    overdue: bool
    opened_at: int
    updated_at: int
    closed_at: int | None
    last_officer: str | None


@dataclass(frozen=True)
class TemplateRow:
    template_id: int
    name_hash: str
    step_roles: list[str]
    step_time_limits: list[int]
    active: bool


def template_list(engine: Engine) -> list[TemplateRow]:
    templates: dict[int, TemplateRow] = {}
    for entry in _all(engine, "WorkflowEngine", ["TemplateCreated", "TemplateDeactivated"]):
        tid = entry.args["templateId"]
        if entry.event == "TemplateCreated":
            steps = entry.args["steps"]
            templates[tid] = TemplateRow(tid, entry.args["nameHash"], [s[0] for s in steps], [int(s[1]) for s in steps], True)
        elif tid in templates:
            old = templates[tid]
            templates[tid] = TemplateRow(old.template_id, old.name_hash, old.step_roles, old.step_time_limits, False)
    return list(templates.values())


def case_list(engine: Engine, now: int) -> list[CaseRow]:
    """Every case replayed from its events (status, current step, deadline); overdue as of chain time `now`."""
    steps = {t.template_id: len(t.step_roles) for t in template_list(engine)}
    rows: dict[int, CaseRow] = {}
    for entry in _all(engine, "WorkflowEngine", CASE_EVENTS):
        case_id = entry.args["caseId"]
        if entry.event == "CaseOpened":
            tid = entry.args["templateId"]
            rows[case_id] = CaseRow(
                case_id, tid, entry.args["applicant"], entry.args["subject"], "IN_REVIEW", 0, steps.get(tid, 0), None,
                False, entry.timestamp, entry.timestamp, None, None,
            )  # fmt: skip
            continue
        row = rows.get(case_id)
        if row is None:
            continue
        row.updated_at = entry.timestamp
        if entry.event == "StepStarted":
            row.status, row.step, row.deadline = "IN_REVIEW", entry.args["step"], entry.args["deadline"]
        elif entry.event == "StepDecided":
            row.last_officer = entry.args["officer"]
        elif entry.event == "CaseReturned":
            row.status, row.deadline = "RETURNED", None
        elif entry.event in ("CaseClosed", "CaseExpired"):
            row.status = "EXPIRED" if entry.event == "CaseExpired" else "APPROVED" if entry.args["approved"] else "REJECTED"
            row.deadline, row.closed_at = None, entry.timestamp
    for row in rows.values():
        row.overdue = case_overdue(row, now)
    return list(rows.values())


def case_overdue(row: CaseRow, now: int) -> bool:
    """In review past its current step's deadline at chain time `now` (WorkflowEngine.isOverdue)."""
    return row.status == "IN_REVIEW" and row.deadline is not None and now > row.deadline


@dataclass(frozen=True)
class CaseCounts:
    total: int
    in_progress: int  # in review or returned to the applicant
    overdue: int  # in review past the current step's deadline


def case_counts(rows: Iterable[CaseRow], now: int) -> CaseCounts:
    """Cases of every kind (approvals and enterprise registrations) at chain time `now`: the one count
    the home page and the demo's summary both show."""
    listed = list(rows)
    return CaseCounts(
        len(listed), sum(1 for r in listed if r.status in ("IN_REVIEW", "RETURNED")), sum(1 for r in listed if case_overdue(r, now))
    )


# departments, roles, credit categories


@dataclass
class DepartmentRow:
    code: str
    name: str
    active: bool
    officers: list[str]
    registered_at: int


def department_list(engine: Engine) -> list[DepartmentRow]:
    names = ["DepartmentRegistered", "DepartmentStatusChanged", "OfficerAssigned", "OfficerRemoved"]
    rows: dict[str, DepartmentRow] = {}
    for entry in _all(engine, "DepartmentRegistry", names):
        code = bytes_text(entry.args["code"])
        if entry.event == "DepartmentRegistered":
            rows[code] = DepartmentRow(code, entry.args["name"], True, [], entry.timestamp)
        elif code in rows:
            row = rows[code]
            if entry.event == "DepartmentStatusChanged":
                row.active = bool(entry.args["active"])
            elif entry.event == "OfficerAssigned":
                row.officers.append(entry.args["officer"])
            elif entry.args["officer"] in row.officers:
                row.officers.remove(entry.args["officer"])
    return list(rows.values())


@dataclass(frozen=True)
class RoleHolding:
    contract: str
    role: str  # 0x role id


def roles_of(engine: Engine, address: str) -> list[RoleHolding]:
    """The AccessControl roles `address` holds now, on every contract of the suite (from the index)."""
    keys = _naming(address, "account").subquery()
    query = (
        _events_query(engine)
        .join(keys, _same_event(keys))
        .where(events.c.event.in_(["RoleGranted", "RoleRevoked"]))
        .order_by(events.c.block_number, events.c.log_index)
    )
    held: dict[tuple[str, str], bool] = {}
    for entry in _event_rows(engine, query):
        held[(entry.contract, entry.args["role"])] = entry.event == "RoleGranted"
    return [RoleHolding(contract, role) for (contract, role), on in held.items() if on]


def role_departments(engine: Engine, contract: str) -> dict[str, str]:
    """0x role id -> code of the department whose officers hold that role on `contract` now (from the index)."""
    query = (
        _events_query(engine)
        .where(events.c.contract == contract, events.c.event.in_(["RoleGranted", "RoleRevoked"]))
        .order_by(events.c.block_number, events.c.log_index)
    )
    held: dict[tuple[str, str], bool] = {}
    for entry in _event_rows(engine, query):
        held[(entry.args["role"], entry.args["account"])] = entry.event == "RoleGranted"
    officers = {officer: d.code for d in department_list(engine) if d.active for officer in d.officers}
    out: dict[str, str] = {}
    for (role, account), on in held.items():
        if on and account in officers:
            out.setdefault(role, officers[account])
    return out


def department_of(engine: Engine, address: str) -> str | None:
    """The department code `address` is an officer of now, or None."""
    keys = _naming(address, "officer").subquery()
    query = (
        select(events.c.event, events.c.args)
        .join(keys, _same_event(keys))
        .where(events.c.contract == "DepartmentRegistry", events.c.event.in_(["OfficerAssigned", "OfficerRemoved"]))
        .order_by(events.c.block_number, events.c.log_index)
    )  # fmt: skip
    code: str | None = None
    with engine.connect() as conn:
        for row in conn.execute(query):
            code = bytes_text(row.args["code"]) if row.event == "OfficerAssigned" else None
    return code


@dataclass(frozen=True)
class CreditCategoryRow:
    category: int
    name: str
    active: bool
    public: bool
    min_delta: int
    max_delta: int
    owner: str  # department code


def credit_categories(engine: Engine) -> list[CreditCategoryRow]:
    latest: dict[int, CreditCategoryRow] = {}
    for entry in _all(engine, "CreditRegistry", ["CategoryConfigured"]):
        a = entry.args
        latest[a["category"]] = CreditCategoryRow(a["category"], a["name"], bool(a["active"]), bool(a["isPublic"]), a["minDelta"], a["maxDelta"], bytes_text(a["owner"]))
    return sorted(latest.values(), key=lambda c: c.category)


def count_events(engine: Engine, contract: str, event: str) -> int:
    query = select(func.count()).select_from(events).where(events.c.contract == contract, events.c.event == event)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
