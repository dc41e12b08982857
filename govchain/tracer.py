"""Fund-flow tracer over the index: where every yuan came from and where it went.

- `trace_payout`: a payout → its batch (proposal, approvals, execution) → program → budget line →
  budget → the budget's approvals.
- `trace_program`: a program's (or a line's) totals and flows by period, with the on-chain figures.
- `trace_beneficiary`: every payment a beneficiary commitment received, and every refund.
A payout withheld at execution (identity revoked, or account changed after approval) is shown as
withheld, never as received; a bank refund waiting for the bank's (or a second officer's)
confirmation is shown as pending, never as refunded.
Answers come from the projection tables (govchain.indexer.funds) and the events table; the chain is
read only for the current on-chain figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from govchain.connection import Suite
from govchain.exceptions import GovchainError
from govchain.fund_views import PENDING, bank_refund_list, payout_status_text, withheld_reason
from govchain.indexer.funds import PAID, WITHHELD, batches, executions, payouts, refunds
from govchain.views import HistoryEntry, bytes_text, history


class NotFound(GovchainError, LookupError):
    """Nothing in the index matches (is the index up to date? `govchain index`)."""


def _one(entries: list[HistoryEntry], what: str) -> HistoryEntry:
    if not entries:
        raise NotFound(f"{what} is not in the index; run `govchain index`")
    return entries[0]


def _code(value: str | None) -> str | None:
    """A bytes32 code (department, budget line) as its text: "HRSS", "PENSION"."""
    return bytes_text(value) if value else None


def _approvals(engine: Engine, contract: str, event: str, key: str, value: int) -> list[dict[str, Any]]:
    return [
        {"approver": e.args.get("approver"), "department": _code(e.args.get("department")), "timestamp": e.timestamp,
         "block_number": e.block_number, "tx_hash": e.tx_hash}  # fmt: skip
        for e in history(engine, contract, [event], key, value)
    ]


@dataclass(frozen=True)
class PayoutTrace:
    payout: dict[str, Any]
    batch: dict[str, Any]
    program: dict[str, Any]
    line: dict[str, Any]
    budget: dict[str, Any]
    refunds: list[dict[str, Any]] = field(default_factory=list)
    bank_refunds: list[dict[str, Any]] = field(default_factory=list)  # requests, pending / confirmed / cancelled

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _program(engine: Engine, program_id: int) -> dict[str, Any]:
    created = _one(history(engine, "ProgramRegistry", ["ProgramCreated"], "programId", program_id), f"program {program_id}")
    return {"program_id": program_id, "name": created.args["name"], "department": _code(created.args["department"]),
            "line_id": created.args["lineId"], "budget_id": created.args["budgetId"], "created_at": created.timestamp,
            "tx_hash": created.tx_hash}  # fmt: skip


def _line(engine: Engine, line_id: int) -> dict[str, Any]:
    added = _one(history(engine, "BudgetRegistry", ["BudgetLineAdded"], "lineId", line_id), f"budget line {line_id}")
    return {"line_id": line_id, "code": _code(added.args["code"]), "name": added.args["name"], "amount": added.args["amount"],
            "budget_id": added.args["budgetId"]}  # fmt: skip


def _budget(engine: Engine, budget_id: int) -> dict[str, Any]:
    proposed = _one(history(engine, "BudgetRegistry", ["BudgetProposed"], "budgetId", budget_id), f"budget {budget_id}")
    approved = history(engine, "BudgetRegistry", ["BudgetApproved"], "budgetId", budget_id)
    return {
        "budget_id": budget_id, "fiscal_year": proposed.args["fiscalYear"], "total": proposed.args["total"],
        "proposer": proposed.args["proposer"], "document_hash": proposed.args["documentHash"], "proposed_at": proposed.timestamp,
        "approvals": _approvals(engine, "BudgetRegistry", "BudgetApprovalRecorded", "budgetId", budget_id),
        "approved_at": approved[0].timestamp if approved else None,
    }  # fmt: skip


def trace_payout(engine: Engine, batch_id: int, beneficiary: str) -> PayoutTrace:
    beneficiary = beneficiary.lower()
    with engine.connect() as conn:
        row = conn.execute(select(payouts).where(payouts.c.batch_id == batch_id, payouts.c.beneficiary == beneficiary)).first()
        batch_row = conn.execute(select(batches).where(batches.c.batch_id == batch_id)).first()
        executed = conn.execute(select(executions).where(executions.c.batch_id == batch_id)).first()
        refund_rows = conn.execute(select(refunds).where(refunds.c.batch_id == batch_id, refunds.c.beneficiary == beneficiary)).all()
    if row is None:
        raise NotFound(f"no payout to {beneficiary} in batch {batch_id}; run `govchain index` if it is recent")
    program = _program(engine, row.program_id)
    line = _line(engine, program["line_id"])
    batch = {
        "batch_id": batch_id, "mode": row.mode, "period": row.period, "proposer": batch_row.proposer if batch_row else None,
        "approvals": _approvals(engine, "Disbursements", "BatchApproved", "batchId", batch_id),
        "executed_tx": executed.tx_hash if executed else None, "total": executed.total if executed else None,
        "count": executed.count if executed else None, "withheld": executed.withheld if executed else None,
    }  # fmt: skip
    requests = [asdict(r) for r in bank_refund_list(engine, batch_id=batch_id, commitment=beneficiary)]
    return PayoutTrace(
        _payout_json(row), batch, program, line, _budget(engine, line["budget_id"]), [dict(r._mapping) for r in refund_rows], requests
    )


def _payout_json(row: Any) -> dict[str, Any]:
    """A payout row with its status in words: paid, or withheld and why."""
    out = dict(row._mapping)
    out["withheld_reason"] = withheld_reason(row.current) if row.status == WITHHELD else None
    out["status_text"] = payout_status_text(row.status, row.current)
    return out


@dataclass(frozen=True)
class ProgramTrace:
    program: dict[str, Any]
    line: dict[str, Any]
    disbursed: int  # fen paid
    refunded: int  # fen refunded (confirmed)
    payouts: int  # paid
    by_period: list[dict[str, Any]]
    on_chain: dict[str, Any] | None  # the ledger's figures; None when traced without the chain
    withheld: int = 0  # fen withheld at execution (not paid)
    refunds_pending: int = 0  # fen of bank refunds requested, not yet confirmed

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def trace_program(engine: Engine, program_id: int, suite: Suite | None = None) -> ProgramTrace:
    program = _program(engine, program_id)
    with engine.connect() as conn:
        periods = conn.execute(
            select(executions.c.period, func.sum(executions.c.total), func.sum(executions.c.count), func.count(),
                   func.sum(executions.c.withheld_amount))  # fmt: skip
            .where(executions.c.program_id == program_id)
            .group_by(executions.c.period)
            .order_by(executions.c.period)
        ).all()
        refunded_by_period = dict(
            conn.execute(
                select(batches.c.period, func.sum(refunds.c.amount))
                .join(batches, batches.c.batch_id == refunds.c.batch_id)
                .where(refunds.c.program_id == program_id)
                .group_by(batches.c.period)
            ).all()
        )
    by_period = [
        {"period": p, "disbursed": int(total), "payouts": int(count), "batches": n, "refunded": int(refunded_by_period.get(p, 0)),
         "withheld": int(withheld or 0)}  # fmt: skip
        for p, total, count, n, withheld in periods
    ]
    pending = sum(r.amount for r in bank_refund_list(engine, program_id=program_id, status=PENDING))
    on_chain: dict[str, Any] | None = None
    if suite is not None:
        ledger = suite.contract("Disbursements").functions
        account = ledger.programAccount(program_id).call()
        figures = ledger.lineFigures(program["line_id"]).call()
        on_chain = {
            "program": dict(zip(("line_id", "disbursed", "reserved", "refunded", "allocation", "separate_executor", "department"), account)),
            "line": dict(zip(("allocated", "assigned", "disbursed", "refunded", "remaining"), figures)),
        }
        on_chain["program"]["department"] = _code("0x" + bytes(on_chain["program"]["department"]).hex())
    return ProgramTrace(
        program, _line(engine, program["line_id"]), sum(p["disbursed"] for p in by_period),
        sum(p["refunded"] for p in by_period), sum(p["payouts"] for p in by_period), by_period, on_chain,
        sum(p["withheld"] for p in by_period), pending,
    )  # fmt: skip


@dataclass(frozen=True)
class BeneficiaryTrace:
    beneficiary: str
    received: int  # fen paid
    refunded: int  # fen refunded (confirmed)
    payouts: list[dict[str, Any]]  # paid and withheld, each with its status
    refunds: list[dict[str, Any]]
    withheld: int = 0  # fen withheld at execution (never paid)
    bank_refunds: list[dict[str, Any]] = field(default_factory=list)  # requests, pending / confirmed / cancelled

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def trace_beneficiary(engine: Engine, beneficiary: str) -> BeneficiaryTrace:
    beneficiary = beneficiary.lower()
    with engine.connect() as conn:
        rows = conn.execute(
            select(payouts).where(payouts.c.beneficiary == beneficiary).order_by(payouts.c.block_number, payouts.c.position)
        ).all()
        refund_rows = conn.execute(select(refunds).where(refunds.c.beneficiary == beneficiary)).all()
    listed = [_payout_json(r) for r in rows]
    back = [dict(r._mapping) for r in refund_rows]
    requests = [asdict(r) for r in bank_refund_list(engine, commitment=beneficiary)]
    return BeneficiaryTrace(
        beneficiary, sum(p["amount"] for p in listed if p["status"] == PAID), sum(r["amount"] for r in back), listed, back,
        sum(p["amount"] for p in listed if p["status"] == WITHHELD), requests,
    )  # fmt: skip
