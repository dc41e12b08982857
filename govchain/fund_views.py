"""Read views of the fiscal funds for the REST API and the explorer: budgets, programs, batches,
a commitment's payouts with their Merkle proofs, bank-settled refunds, and the budget → lines →
programs → batches flows.

Everything comes from the index (events and the fund-flow projection, govchain.indexer.funds); only
`merkle_root` reads the chain. A payout is `paid`, `refunded` or `partly_refunded` (money sent back
to the program since), or `withheld` (not paid: the identity was revoked, or its account changed
after approval); an entry left out of a batch at proposal (no proof of life, identity revoked) is
`refused`. A bank-settled batch's tree is rebuilt from its recorded
(not withheld) records, in order, with `govchain.domain.payout_leaf`, exactly as the ledger computes
its root and `DisbursementClient.execute_bank` rebuilds it. A bank refund is `pending` until the bank
or a second officer confirms it; only then is it refunded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from sqlalchemy import Engine, func, select

from govchain.clients.funds import WITHHELD_REASONS, Refusal, withheld_reason
from govchain.connection import Suite
from govchain.domain import MerkleTree, payout_leaf
from govchain.indexer.funds import (
    CANCELLED, CONFIRMED, MODES, PAID, PENDING, WITHHELD, bank_refund_outcomes, bank_refunds, batch_entries, batches, executions,
    payouts, refunds,
)  # fmt: skip
from govchain.indexer.schema import blocks
from govchain.payout_lookup import REFUSAL_TEXT, ProgramInfo, enrollment_indexes, program_infos, refusals_of
from govchain.views import _all, bytes_text, history

def payout_status_text(status: str, current: str | None = None) -> str:
    """`paid`, or `withheld (identity revoked)` / `withheld (account changed after approval)`."""
    return f"{WITHHELD} ({WITHHELD_REASONS[withheld_reason(current)]})" if status == WITHHELD else status


def _b32(text: str) -> bytes:
    return bytes.fromhex(text[2:])


# --- budgets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    line_id: int
    budget_id: int
    code: str
    name: str
    amount: int


@dataclass(frozen=True)
class BudgetRow:
    budget_id: int
    fiscal_year: int
    total: int
    proposer: str
    document_hash: str
    proposed_at: int
    status: str  # PROPOSED, APPROVED or WITHDRAWN
    approved_at: int | None
    approvals: list[dict[str, Any]] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)


def budget_list(engine: Engine) -> list[BudgetRow]:
    """Every budget, oldest first, with its lines and approvals."""
    names = ["BudgetProposed", "BudgetLineAdded", "BudgetApprovalRecorded", "BudgetApproved", "BudgetWithdrawn"]
    out: dict[int, dict[str, Any]] = {}
    for e in _all(engine, "BudgetRegistry", names):
        a = e.args
        if e.event == "BudgetProposed":
            out[a["budgetId"]] = {
                "budget_id": a["budgetId"], "fiscal_year": a["fiscalYear"], "total": a["total"], "proposer": a["proposer"],
                "document_hash": a["documentHash"], "proposed_at": e.timestamp, "status": "PROPOSED", "approved_at": None,
                "approvals": [], "lines": [],
            }  # fmt: skip
            continue
        budget = out.get(a["budgetId"])
        if budget is None:
            continue
        if e.event == "BudgetLineAdded":
            budget["lines"].append(LineRow(a["lineId"], a["budgetId"], bytes_text(a["code"]), a["name"], a["amount"]))
        elif e.event == "BudgetApprovalRecorded":
            budget["approvals"].append({"approver": a.get("approver"), "department": bytes_text(a.get("department") or ""),
                                        "timestamp": e.timestamp, "tx_hash": e.tx_hash})  # fmt: skip
        elif e.event == "BudgetApproved":
            budget["status"], budget["approved_at"] = "APPROVED", e.timestamp
        elif e.event == "BudgetWithdrawn":
            budget["status"] = "WITHDRAWN"
    return [BudgetRow(**b) for b in out.values()]


# --- programs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramRow:
    program_id: int
    name: str
    department: str
    line_id: int
    budget_id: int
    created_at: int
    funded: int  # fen, sum of ProgramFunded
    disbursed: int  # fen, paid by executed batches
    refunded: int  # fen
    payouts: int  # paid
    batches: int
    withheld: int = 0  # fen withheld at execution (not paid)


def program_list(engine: Engine) -> list[ProgramRow]:
    """Every program, oldest first, with its funding and what it has paid out (from the index)."""
    funded: dict[int, int] = {}
    for e in _all(engine, "Disbursements", ["ProgramFunded"]):
        funded[e.args["programId"]] = funded.get(e.args["programId"], 0) + int(e.args["amount"])
    with engine.connect() as conn:
        paid = {
            r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3]), int(r[4] or 0))
            for r in conn.execute(
                select(executions.c.program_id, func.sum(executions.c.total), func.sum(executions.c.count), func.count(),
                       func.sum(executions.c.withheld_amount)).group_by(executions.c.program_id)  # fmt: skip
            )
        }
        back = dict(conn.execute(select(refunds.c.program_id, func.sum(refunds.c.amount)).group_by(refunds.c.program_id)).all())
    rows = []
    for e in _all(engine, "ProgramRegistry", ["ProgramCreated"]):
        a = e.args
        pid = a["programId"]
        total, count, n, withheld = paid.get(pid, (0, 0, 0, 0))
        rows.append(ProgramRow(pid, a["name"], bytes_text(a["department"]), a["lineId"], a["budgetId"], e.timestamp,
                               funded.get(pid, 0), total, int(back.get(pid) or 0), count, n, withheld))  # fmt: skip
    return rows


# --- batches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    batch_id: int
    program_id: int
    period: int
    mode: str
    proposer: str
    proposed_block: int
    executed: bool
    total: int | None  # fen paid
    count: int | None  # payouts paid
    tx_hash: str | None
    withheld: int | None = None  # entries withheld at execution
    withheld_amount: int | None = None  # fen withheld


def batch_list(engine: Engine, program_id: int | None = None, limit: int = 50, offset: int = 0) -> list[BatchRow]:
    """Batches, newest first (optionally of one program), with their execution."""
    query = select(
        batches, executions.c.total, executions.c.count, executions.c.tx_hash, executions.c.withheld, executions.c.withheld_amount
    ).outerjoin(executions, executions.c.batch_id == batches.c.batch_id)
    if program_id is not None:
        query = query.where(batches.c.program_id == program_id)
    query = query.order_by(batches.c.batch_id.desc()).limit(limit).offset(offset)
    with engine.connect() as conn:
        return [
            BatchRow(r.batch_id, r.program_id, r.period, r.mode, r.proposer, r.block_number, r.tx_hash is not None, r.total, r.count,
                     r.tx_hash, r.withheld, r.withheld_amount)  # fmt: skip
            for r in conn.execute(query)
        ]


def batch_count(engine: Engine, program_id: int | None = None) -> int:
    """How many batches `batch_list` has (of one program)."""
    query = select(func.count()).select_from(batches)
    if program_id is not None:
        query = query.where(batches.c.program_id == program_id)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class PeriodFlow:
    """A program's executed batches of one period, together."""

    period: int
    paid: int  # fen paid (withheld entries excluded)
    batches: int
    first_batch: int  # the lowest batch id of the group


def batch_flows(engine: Engine, program_ids: list[int]) -> dict[int, list[PeriodFlow]]:
    """program -> its executed batches aggregated by period, in period order."""
    if not program_ids:
        return {}
    query = (
        select(executions.c.program_id, executions.c.period, func.sum(executions.c.total), func.count(), func.min(executions.c.batch_id))
        .where(executions.c.program_id.in_(program_ids))
        .group_by(executions.c.program_id, executions.c.period)
        .order_by(executions.c.program_id, executions.c.period)
    )
    out: dict[int, list[PeriodFlow]] = {}
    with engine.connect() as conn:
        for pid, period, total, n, first in conn.execute(query):
            out.setdefault(pid, []).append(PeriodFlow(int(period), int(total or 0), int(n), int(first)))
    return out


def money_disbursed(engine: Engine) -> int:
    """Fen paid out by executed batches, less refunds."""
    with engine.connect() as conn:
        paid = conn.execute(select(func.coalesce(func.sum(executions.c.total), 0))).scalar_one()
        back = conn.execute(select(func.coalesce(func.sum(refunds.c.amount), 0))).scalar_one()
    return int(paid) - int(back)


BATCH_EVENTS = ["BatchProposed", "BatchEntriesAdded", "PayoutRefused", "BatchApproved", "BatchCancelled", "PayoutWithheld",
                "BatchExecuted", "BankPayoutsRecorded"]  # fmt: skip


@dataclass(frozen=True)
class BatchStep:
    """A transaction in a batch's life: proposed, extended, approved, cancelled or executed."""

    step: str  # proposed, extended, approved, cancelled, executed
    by: str | None  # the officer (executions name none: see the transaction)
    department: str | None  # approvals: the approver's department code
    timestamp: int
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class WithheldRow:
    beneficiary: str
    amount: int  # fen
    reason: str  # WITHHELD_REASONS code


@dataclass(frozen=True)
class RefundRow:
    batch_id: int
    beneficiary: str
    amount: int  # fen back to the program
    timestamp: int
    tx_hash: str


def refund_list(engine: Engine, *, program_id: int | None = None, batch_id: int | None = None) -> list[RefundRow]:
    """Money paid out and refunded to its program (wallet refunds and confirmed bank refunds), oldest first."""
    query = select(refunds, blocks.c.timestamp).join(blocks, blocks.c.number == refunds.c.block_number)
    for column, value in ((refunds.c.program_id, program_id), (refunds.c.batch_id, batch_id)):
        if value is not None:
            query = query.where(column == value)
    with engine.connect() as conn:
        return [RefundRow(r.batch_id, r.beneficiary, int(r.amount), int(r.timestamp), r.tx_hash)
                for r in conn.execute(query.order_by(refunds.c.block_number, refunds.c.log_index))]  # fmt: skip


@dataclass(frozen=True)
class BatchDetail:
    batch_id: int
    program_id: int
    period: int
    mode: str  # wallet or bank
    proposer: str
    proposed_at: int
    status: str  # proposed, approved, executed or cancelled (expiry is a matter of chain time: the page decides)
    total: int  # fen of the accepted entries
    entries: int  # entries accepted
    paid: int | None  # executed: fen paid (withheld excluded)
    recipients: int | None  # executed: payouts paid
    withheld_amount: int  # fen withheld at execution
    merkle_root: str | None  # bank-settled and executed: the root computed on chain
    steps: list[BatchStep]
    refused: dict[str, int]  # Refusal name, lower case -> entries left out at proposal
    withheld: list[WithheldRow]
    refunds: list[RefundRow]  # money back to the program (wallet refunds and confirmed bank refunds)
    bank_refunds: list[BankRefundRow]  # bank refund requests, pending / confirmed / cancelled
    siblings: list[int]  # the program's other batches for the same period


def batch_detail(engine: Engine, batch_id: int) -> BatchDetail | None:
    """Batch `batch_id` from its events, with its refunds; None when no such batch is indexed."""
    found = history(engine, "Disbursements", BATCH_EVENTS, "batchId", batch_id)
    proposed = next((e for e in found if e.event == "BatchProposed"), None)
    if proposed is None:
        return None
    a = proposed.args
    steps = [BatchStep("proposed", a["proposer"], None, proposed.timestamp, proposed.block_number, proposed.tx_hash)]
    status, total, entries, paid, recipients, root = "proposed", 0, 0, None, None, None
    refused: dict[str, int] = {}
    withheld: list[WithheldRow] = []
    for e in found:
        x = e.args
        if e.event == "BatchEntriesAdded":
            total, entries = int(x["total"]), int(x["count"])  # running totals
            if e.tx_hash != proposed.tx_hash:
                steps.append(BatchStep("extended", a["proposer"], None, e.timestamp, e.block_number, e.tx_hash))
        elif e.event == "PayoutRefused":
            code = Refusal(int(x["reason"])).name.lower()  # identity_revoked, no_attestation, attestation_expired
            refused[code] = refused.get(code, 0) + 1
        elif e.event == "BatchApproved":
            steps.append(BatchStep("approved", x["approver"], bytes_text(x["department"]), e.timestamp, e.block_number, e.tx_hash))
            status = "approved" if x["complete"] else status
        elif e.event == "BatchCancelled":
            steps.append(BatchStep("cancelled", x["officer"], None, e.timestamp, e.block_number, e.tx_hash))
            status = "cancelled"
        elif e.event == "PayoutWithheld":
            withheld.append(WithheldRow(x["beneficiary"], int(x["amount"]), withheld_reason(x["current"])))
        elif e.event == "BatchExecuted":
            steps.append(BatchStep("executed", None, None, e.timestamp, e.block_number, e.tx_hash))
            status, paid = "executed", int(x["total"])
            recipients = int(x["count"]) - len(withheld)
        elif e.event == "BankPayoutsRecorded":
            root = x["merkleRoot"]
    with engine.connect() as conn:
        siblings = [r[0] for r in conn.execute(
            select(batches.c.batch_id).where(batches.c.program_id == a["programId"], batches.c.period == a["period"],
                                             batches.c.batch_id != batch_id).order_by(batches.c.batch_id)
        )]  # fmt: skip
    return BatchDetail(
        batch_id, a["programId"], a["period"], MODES[a["mode"]], a["proposer"], proposed.timestamp, status, total, entries, paid,
        recipients, sum(w.amount for w in withheld), root, steps, refused, withheld,
        refund_list(engine, batch_id=batch_id), bank_refund_list(engine, batch_id=batch_id), siblings,
    )  # fmt: skip


# --- payouts -----------------------------------------------------------------------------------


REFUNDED, PARTLY_REFUNDED, REFUSED = "refunded", "partly_refunded", "refused"
REFUND_KINDS = {"wallet": "wallet refund", "bank": "bank refund confirmed"}


@dataclass(frozen=True)
class PayoutRefund:
    """Money of one payout sent back to its program, or asked back from the bank."""

    kind: str  # "wallet": pulled back from the payee's account; "bank": returned by the bank, re-minted once confirmed
    amount: int  # fen
    status: str  # "refunded" (a wallet refund, or a confirmed bank refund), PENDING (not refunded yet) or CANCELLED
    refund_id: int | None  # bank refunds: the request
    tx_hash: str  # the refund (wallet), the confirmation (refunded bank refund), else the request or its cancellation
    timestamp: int  # block time of that transaction


@dataclass(frozen=True)
class PayoutRow:
    """One outcome for a beneficiary in one batch: paid (perhaps refunded since), withheld at execution
    (nothing paid) or refused at proposal (left out of the batch, nothing paid)."""

    batch_id: int
    position: int | None  # in the batch's content; None when refused (no entry)
    program_id: int
    period: int
    mode: str
    beneficiary: str
    account: str | None
    settlement_ref: str | None
    amount: int | None  # fen approved; paid unless withheld; None when refused (PayoutRefused names no amount)
    block_number: int  # execution (refused: proposal)
    tx_hash: str  # execution (refused: proposal)
    proof: list[str] | None = None  # recorded bank-settled: the Merkle proof of its leaf in the batch's tree
    leaf: str | None = None
    status: str = PAID  # PAID, REFUNDED, PARTLY_REFUNDED, WITHHELD or REFUSED
    withheld_reason: str | None = None  # withheld: a WITHHELD_REASONS code
    current_account: str | None = None  # withheld: the account bound at execution (zero: revoked)
    refunded: int = 0  # fen refunded to the program
    refund_pending: int = 0  # fen of bank refunds requested, not yet confirmed
    status_text: str = PAID
    reason: str | None = None  # withheld: a WITHHELD_REASONS code; refused: a payout_lookup.REFUSALS code
    index: int | None = None  # the beneficiary's enrolment index in the program (Disbursements.isPaid)
    timestamp: int = 0  # block time of `tx_hash`
    program_name: str = ""
    program_name_en: str | None = None
    period_due_at: int | None = None  # when the period fell due (the program's calendar)
    period_month: str | None = None  # the month the period pays, "YYYY-MM" (China time)
    refunds: list[PayoutRefund] = field(default_factory=list)
    paid_later_in: int | None = None  # withheld or refused: the batch that paid this program period afterwards


def batch_tree(engine: Engine, batch_id: int) -> MerkleTree | None:
    """The Merkle tree of bank-settled batch `batch_id`, rebuilt from its recorded (not withheld)
    records in order: its root is the one the ledger computed."""
    query = select(payouts.c.beneficiary, payouts.c.amount, payouts.c.settlement_ref).where(
        payouts.c.batch_id == batch_id, payouts.c.mode == "bank", payouts.c.status == PAID
    )
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(payouts.c.leaf_index)).all()
    if not rows:
        return None
    return MerkleTree.build([payout_leaf(batch_id, _b32(b), int(a), _b32(r)) for b, a, r in rows])


def _refunds_of(engine: Engine, conn: Any, commitment: str, modes: dict[int, str]) -> dict[int, list[PayoutRefund]]:
    """Batch -> the refunds of `commitment`'s payout in it: done (PayoutRefunded; a confirmed bank
    refund names its request as reason), then bank refund requests still pending or cancelled."""
    out: dict[int, list[PayoutRefund]] = {}
    done = select(refunds, blocks.c.timestamp).join(blocks, blocks.c.number == refunds.c.block_number).where(refunds.c.beneficiary == commitment)
    for r in conn.execute(done.order_by(refunds.c.block_number, refunds.c.log_index)):
        bank = modes.get(r.batch_id) == "bank"
        out.setdefault(r.batch_id, []).append(PayoutRefund("bank" if bank else "wallet", int(r.amount), REFUNDED,
                                                           int(r.reason_hash, 16) if bank else None, r.tx_hash, int(r.timestamp)))  # fmt: skip
    open_requests = [b for b in reversed(bank_refund_list(engine, commitment=commitment, conn=conn)) if b.status != CONFIRMED]
    times = dict(conn.execute(select(blocks.c.number, blocks.c.timestamp).where(blocks.c.number.in_({b.requested_block for b in open_requests}))).all())
    for b in open_requests:
        tx = b.resolved_tx if b.status == CANCELLED and b.resolved_tx else b.requested_tx
        out.setdefault(b.batch_id, []).append(PayoutRefund("bank", b.amount, b.status, b.refund_id, tx, int(times.get(b.requested_block, 0))))
    return out


def _status(status: str, amount: int, refunded: int) -> str:
    if status != PAID or not refunded:
        return status
    return REFUNDED if refunded >= amount else PARTLY_REFUNDED


def _status_text(status: str, reason: str | None, refunds: list[PayoutRefund]) -> str:
    """The status in words: `paid`, `refunded (wallet refund)`, `withheld (identity revoked)`, `refused (no proof of life)`..."""
    if status in (REFUNDED, PARTLY_REFUNDED):
        kinds = sorted({REFUND_KINDS[r.kind] for r in refunds if r.status == REFUNDED})
        return f"{status.replace('_', ' ')} ({', '.join(kinds)})"
    if status == WITHHELD:
        return f"{WITHHELD} ({WITHHELD_REASONS.get(reason or '', reason)})"
    if status == REFUSED:
        return f"{REFUSED} ({REFUSAL_TEXT.get(reason or '', reason)})"
    return status


def payouts_of(engine: Engine, commitment: str, trees: Any = None) -> list[PayoutRow]:
    """Every outcome for beneficiary `commitment` (0x hex), oldest first: payouts of executed batches
    (paid, refunded or partly refunded, or withheld at execution) and entries refused at proposal,
    each with its program's name, the month its period pays, the block time, its enrolment index,
    its refunds (done, pending, cancelled) and, when not paid, the batch that paid that period later.
    Recorded bank-settled payouts carry their Merkle proof. `trees(batch_id)` may supply cached
    trees (default: rebuilt)."""
    commitment = commitment.lower()
    query = (
        select(payouts, blocks.c.timestamp, batch_entries.c.idx)
        .join(blocks, blocks.c.number == payouts.c.block_number)
        .outerjoin(batch_entries, (batch_entries.c.batch_id == payouts.c.batch_id) & (batch_entries.c.position == payouts.c.position))
        .where(payouts.c.beneficiary == commitment)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        back = _refunds_of(engine, conn, commitment, {r.batch_id: r.mode for r in rows})
    refused = refusals_of(engine, commitment)
    programs = program_infos(engine) if rows or refused else {}
    indexes = enrollment_indexes(engine, commitment)

    def program(pid: int, period: int) -> dict[str, Any]:
        info = programs.get(pid)
        if info is None:
            return {"program_name": f"#{pid}"}
        return {"program_name": info.name, "program_name_en": info.name_en, "period_due_at": info.due_at(period), "period_month": info.month(period)}

    out = []
    for r in rows:
        proof = leaf = None
        if r.mode == "bank" and r.status == PAID and r.leaf_index is not None:
            tree = trees(r.batch_id) if trees else batch_tree(engine, r.batch_id)
            if tree is not None:
                proof = ["0x" + p.hex() for p in tree.proof(r.leaf_index)]
                leaf = "0x" + tree.leaves[r.leaf_index].hex()
        reason = withheld_reason(r.current) if r.status == WITHHELD else None
        refunds_ = back.get(r.batch_id, [])
        refunded = sum(x.amount for x in refunds_ if x.status == REFUNDED)
        status = _status(r.status, int(r.amount), refunded)
        out.append(PayoutRow(r.batch_id, r.position, r.program_id, r.period, r.mode, r.beneficiary, r.account, r.settlement_ref,
                             int(r.amount), r.block_number, r.tx_hash, proof, leaf, status, reason, r.current, refunded,
                             sum(x.amount for x in refunds_ if x.status == PENDING), _status_text(status, reason, refunds_), reason,
                             None if r.idx is None else int(r.idx), int(r.timestamp), refunds=refunds_, **program(r.program_id, r.period)))  # fmt: skip
    for x in refused:
        index = indexes.get(x.program_id)
        out.append(PayoutRow(x.batch_id, None, x.program_id, x.period, x.mode, commitment, None, None, None, x.block_number, x.tx_hash,
                             status=REFUSED, status_text=_status_text(REFUSED, x.reason, []), reason=x.reason,
                             index=index[0] if index else None, timestamp=x.timestamp, **program(x.program_id, x.period)))  # fmt: skip
    out.sort(key=lambda p: (p.block_number, -1 if p.position is None else p.position))
    paid = {(p.program_id, p.period): p for p in out if p.status in (PAID, REFUNDED, PARTLY_REFUNDED)}
    return [
        replace(p, paid_later_in=paid[(p.program_id, p.period)].batch_id)
        if p.status in (WITHHELD, REFUSED) and (p.program_id, p.period) in paid and paid[(p.program_id, p.period)].block_number >= p.block_number
        else p
        for p in out
    ]


# --- bank-settled refunds ------------------------------------------------------------------------


@dataclass(frozen=True)
class BankRefundRow:
    refund_id: int
    batch_id: int
    program_id: int
    beneficiary: str
    amount: int  # fen
    settlement_ref: str
    requester: str
    reason_hash: str
    requested_block: int
    requested_tx: str
    status: str  # PENDING (not refunded yet), CONFIRMED (refunded) or CANCELLED
    resolved_by: str | None  # the bank or officer who confirmed or cancelled it
    resolved_tx: str | None


def bank_refund_list(engine: Engine, *, program_id: int | None = None, batch_id: int | None = None, commitment: str | None = None,
                     status: str | None = None, limit: int = 1000, offset: int = 0, conn: Any = None) -> list[BankRefundRow]:  # fmt: skip
    """Bank-settled refund requests, newest first, with where each stands."""
    query = select(bank_refunds, bank_refund_outcomes.c.outcome, bank_refund_outcomes.c.by, bank_refund_outcomes.c.tx_hash.label("resolved_tx")).outerjoin(
        bank_refund_outcomes, bank_refund_outcomes.c.refund_id == bank_refunds.c.refund_id
    )  # fmt: skip
    for column, value in ((bank_refunds.c.program_id, program_id), (bank_refunds.c.batch_id, batch_id),
                          (bank_refunds.c.beneficiary, commitment.lower() if commitment else None)):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    if status == PENDING:
        query = query.where(bank_refund_outcomes.c.outcome.is_(None))
    elif status is not None:
        query = query.where(bank_refund_outcomes.c.outcome == status)
    query = query.order_by(bank_refunds.c.refund_id.desc()).limit(limit).offset(offset)

    def rows(c: Any) -> list[BankRefundRow]:
        return [
            BankRefundRow(r.refund_id, r.batch_id, r.program_id, r.beneficiary, int(r.amount), r.settlement_ref, r.requester,
                          r.reason_hash, r.block_number, r.tx_hash, r.outcome or PENDING, r.by, r.resolved_tx)  # fmt: skip
            for r in c.execute(query)
        ]

    if conn is not None:
        return rows(conn)
    with engine.connect() as c:
        return rows(c)


def merkle_root(suite: Suite, batch_id: int) -> str:
    """The Merkle root recorded on chain for bank-settled batch `batch_id` (zero if none)."""
    return "0x" + bytes(suite.contract("Disbursements").functions.merkleRoot(batch_id).call()).hex()


# --- flows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    value: int  # fen


@dataclass(frozen=True)
class FlowNode:
    id: str
    column: int
    kind: str  # budget, line, refunds, program, other_programs, unallocated, batches, undisbursed
    href: str
    name: str = ""  # budget: the fiscal year; line, program, refunds, undisbursed: the line's or program's name
    due_at: int | None = None  # batches: when their period fell due
    batches: int = 0  # batches: how many


@dataclass(frozen=True)
class FlowGraph:
    nodes: list[FlowNode]
    links: list[Flow]


def budget_flows(budget: BudgetRow, programs: list[ProgramRow], by_period: dict[int, list[PeriodFlow]], calendars: Mapping[int, ProgramInfo],
                 focus: int | None = None) -> FlowGraph:  # fmt: skip
    """Where a budget's money went, every flow drawn so that each node's inflows equal its outflows:

    budget → its lines; a line → each of its programs (what finance allocated) and → "unallocated"
    (not given to any program); refunds (money paid out and sent back) → their program; a program →
    its executed batches by period (paid) and → "undisbursed" (allocated + refunded − paid, including
    what approved batches not yet executed reserve).

    With `focus` (a program's page): only that program's line, without the budget node; the line's
    other programs are one node.
    """
    nodes: list[FlowNode] = []
    tail: list[FlowNode] = []  # below the programs: the line's other programs
    links: list[Flow] = []
    first = 0 if focus is None else -1  # the program page starts at the line
    page = f"/budget/{budget.budget_id}"
    if focus is None:
        nodes.append(FlowNode(f"b{budget.budget_id}", 0, "budget", page, str(budget.fiscal_year)))
    focused = next((p for p in programs if p.program_id == focus), None)
    unallocated = f"u{budget.budget_id}"
    for line in budget.lines:
        if focused is not None and line.line_id != focused.line_id:
            continue
        node = f"l{line.line_id}"
        nodes.append(FlowNode(node, first + 1, "line", f"{page}#line-{line.line_id}", line.name or line.code))
        if focus is None:
            links.append(Flow(f"b{budget.budget_id}", node, line.amount))
        on_line = [p for p in programs if p.line_id == line.line_id]
        shown = [p for p in on_line if focus is None or p.program_id == focus]
        for p in shown:
            if p.refunded:
                nodes.append(FlowNode(f"r{p.program_id}", first + 1, "refunds", f"/program/{p.program_id}#refund-list", p.name))
        others = sum(p.funded for p in on_line if p not in shown)
        if others:
            tail.append(FlowNode(f"o{line.line_id}", first + 2, "other_programs", f"{page}#program-list"))
            links.append(Flow(node, f"o{line.line_id}", others))
        for p in shown:
            links.append(Flow(node, f"p{p.program_id}", p.funded))
            links.append(Flow(f"r{p.program_id}", f"p{p.program_id}", p.refunded))
        links.append(Flow(node, unallocated, line.amount - sum(p.funded for p in on_line)))
    for p in programs:
        if not any(n.id == f"l{p.line_id}" for n in nodes) or (focus is not None and p.program_id != focus):
            continue
        nodes.append(FlowNode(f"p{p.program_id}", first + 2, "program", f"/program/{p.program_id}", p.name))
        paid = 0
        for group in by_period.get(p.program_id, []):
            node = f"p{p.program_id}t{group.period}"
            due = calendars[p.program_id].due_at(group.period) if p.program_id in calendars else None
            nodes.append(FlowNode(node, first + 3, "batches", f"/batch/{group.first_batch}", p.name, due, group.batches))
            links.append(Flow(f"p{p.program_id}", node, group.paid))
            paid += group.paid
        nodes.append(FlowNode(f"d{p.program_id}", first + 3, "undisbursed", f"/program/{p.program_id}#program-summary", p.name))
        links.append(Flow(f"p{p.program_id}", f"d{p.program_id}", p.funded + p.refunded - paid))
    nodes += [*tail, FlowNode(unallocated, first + 2, "unallocated", f"{page}#line-list")]
    return FlowGraph(nodes, [link for link in links if link.value > 0])
