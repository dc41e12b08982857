"""Read models that join the chain's current state with the index's history.

Used by the CLI (`enterprise show`, `case show`, `credit show`) and the REST API, so both say the same.
Every function takes an explicit Suite (the chain) and Index (the database).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from govchain.clients.credit import CreditClient
from govchain.clients.enterprise import EnterpriseClient
from govchain.clients.workflow import CaseStatus, Decision, WorkflowClient
from govchain.connection import Suite
from govchain.domain import uscc_bytes
from govchain.indexer.schema import blocks, events


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
    "EnterpriseApplied", "EnterpriseRegistered", "EnterpriseRejected", "EnterpriseChanged",
    "EnterpriseSuspended", "EnterpriseReinstated", "EnterpriseDeregistered",
]  # fmt: skip


@dataclass(frozen=True)
class EnterpriseView:
    uscc: str
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
    return EnterpriseView(
        uscc,
        record.status.name,
        record.applied_at,
        record.decided_at,
        record.case_id,
        decided,
        history(engine, "EnterpriseRegistry", ENTERPRISE_EVENTS, "uscc", _hex(uscc_bytes(uscc))),
    )


# --- cases -------------------------------------------------------------------------------------

CASE_EVENTS = ["CaseOpened", "StepStarted", "StepDecided", "CaseReturned", "CaseResubmitted", "CaseClosed"]


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
            )
        )
    return CaseView(
        case_id, case.template_id, case.applicant, case.status.name, case.subject, case.step, case.step_count,
        case.overdue, steps, timeline,
    )  # fmt: skip


# --- credit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditRecordView:
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
class CreditView:
    subject: str
    score: int
    record_count: int
    records: list[CreditRecordView]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def credit_view(suite: Suite, engine: Engine, subject: bytes, public_only: bool = False) -> CreditView:
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
    return CreditView(_hex(subject), credit.score(subject), credit.record_count(subject), records)
