"""Fiscal funds (财政资金): budgets, programs, batches, payouts (commitments only), bank-settled refunds,
fund-flow traces, and the on-chain Merkle root a citizen checks their bank-settled payout against.

A payout is `paid`, `refunded` or `partly_refunded`, `withheld` (identity revoked, or account changed
after approval: never paid) or `refused` at proposal (e.g. no proof of life); a bank refund is
`pending` until the bank or a second officer confirms it, then `confirmed`."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from govchain import fund_views, payout_lookup, tracer
from govchain.api.common import API_PREFIX, Paging, PortalDep, list_route
from govchain.api.models import ERROR_RESPONSES, Fen, Hash32, Model, Time
from govchain.portal import NotFound, Portal, SearchHit

router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES, tags=["funds"])

def Id() -> Any:  # a fresh parameter object per endpoint (FastAPI keeps the name it is first bound to)
    return Path(ge=1, le=2**63 - 1, description="id (a whole number ≥ 1)")


def CommitmentPath() -> Any:
    return Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="a beneficiary's identity commitment: 0x and 64 hex digits")
T = TypeVar("T")


# --- models ------------------------------------------------------------------------------------


class BudgetLine(Model):
    line_id: int
    budget_id: int
    code: str
    name: str
    amount: Fen


class Approval(Model):
    approver: str | None
    department: str | None
    timestamp: Time
    tx_hash: str


class Budget(Model):
    budget_id: int
    fiscal_year: int
    total: Fen
    proposer: str
    document_hash: str
    proposed_at: Time
    status: str
    approved_at: Time | None
    approvals: list[Approval]
    lines: list[BudgetLine]


class Program(Model):
    program_id: int
    name: str
    department: str
    line_id: int
    budget_id: int
    created_at: Time
    funded: Fen
    disbursed: Fen
    refunded: Fen
    payouts: int
    batches: int
    withheld: Fen = Field(description="fen withheld at execution (identity revoked or account changed): not paid")


class ProgramDetail(Model):
    program: Program
    trace: ProgramTrace


class Batch(Model):
    batch_id: int
    program_id: int
    period: int
    mode: str
    proposer: str
    proposed_block: int
    executed: bool
    total: Fen | None = Field(description="fen paid (withheld entries excluded)")
    count: int | None = Field(description="payouts paid")
    tx_hash: str | None
    withheld: int | None = Field(None, description="entries withheld at execution")
    withheld_amount: Fen | None = Field(None, description="fen withheld at execution")


class PayoutRefund(Model):
    kind: str = Field(description="wallet (pulled back from the payee's account) or bank (returned by the bank, re-minted once confirmed)")
    amount: Fen = Field(description="fen")
    status: str = Field(description="refunded, pending (a bank refund awaiting the bank or a second officer: not refunded) or cancelled")
    refund_id: int | None = Field(description="bank refunds: the request")
    tx_hash: str = Field(description="the refund or its confirmation; for a pending or cancelled bank refund, the request or cancellation")
    timestamp: Time = Field(description="block time of that transaction")


class Payout(Model):
    """One outcome for the beneficiary in one batch (see govchain.payout_lookup for what is revealed)."""

    batch_id: int
    position: int | None = Field(description="the entry's position in the batch; null when refused at proposal")
    program_id: int
    period: int
    mode: str
    beneficiary: str
    account: str | None
    settlement_ref: str | None
    amount: Fen | None = Field(description="fen approved (paid unless withheld); null when refused at proposal")
    block_number: int = Field(description="the execution's block (refused: the proposal's)")
    tx_hash: str = Field(description="the execution (refused: the proposal)")
    timestamp: Time = Field(description="block time of tx_hash: the date of the payment")
    proof: list[str] | None = Field(None, description="recorded bank-settled payouts: Merkle proof against the batch's on-chain root")
    leaf: str | None = None
    status: str = Field(description="paid, refunded, partly_refunded, withheld (nothing paid) or refused (left out of the batch, nothing paid)")
    reason: str | None = Field(None, description="withheld: identity_revoked or account_changed; refused: identity_revoked, no_attestation or attestation_expired")
    withheld_reason: str | None = Field(None, description="withheld: identity_revoked or account_changed")
    current_account: str | None = Field(None, description="withheld: the account bound at execution (zero when revoked)")
    refunded: Fen = Field(0, description="fen refunded to the program")
    refund_pending: Fen = Field(0, description="fen of bank refunds requested and not yet confirmed (not refunded)")
    refunds: list[PayoutRefund] = Field(default_factory=list)
    status_text: str = Field(description="the status in words, e.g. 'refunded (wallet refund)', 'refused (no proof of life)'")
    index: int | None = Field(None, description="the beneficiary's enrolment index in the program: Disbursements.isPaid(program_id, period, index)")
    program_name: str
    program_name_en: str | None = None
    period_due_at: Time | None = Field(None, description="when the period fell due (start + period × interval of the program's terms)")
    period_month: str | None = Field(None, description="the month the period pays, YYYY-MM (China time)")
    paid_later_in: int | None = Field(None, description="withheld or refused: the batch that paid this program period afterwards")


class Enrolment(Model):
    program_id: int
    program_name: str
    program_name_en: str | None
    index: int = Field(description="permanent enrolment index")
    active: bool = Field(description="on the program's list now (read from the chain)")
    enrolled_at: Time = Field(description="block time of the first enrolment")


class Beneficiary(Model):
    commitment: str
    registered: bool = Field(description="bound in the e-ID registry: if false, the ID number or the salt that produced this commitment is not the registered one")
    revoked: bool = Field(description="the e-ID binding was revoked")
    enrolments: list[Enrolment]


class OnChainPayout(Model):
    batch_id: int
    program_id: int
    period: int
    index: int
    beneficiary: str = Field(description="ProgramRegistry.beneficiaryAt(program_id, index): compare with your own commitment")
    batch_status: str = Field(description="none, proposed, approved, executed or cancelled")
    is_paid: bool = Field(description="Disbursements.isPaid(program_id, period, index): paid or reserved (released when withheld)")
    refunded: Fen = Field(description="Disbursements.payoutState: fen refunded")
    refund_pending: Fen = Field(description="Disbursements.payoutState: fen of bank refunds awaiting confirmation")
    withheld: bool = Field(description="Disbursements.payoutState: withheld at execution, nothing paid")
    block_number: int = Field(description="the block read")


class BankRefund(Model):
    refund_id: int
    batch_id: int
    program_id: int
    beneficiary: str
    amount: Fen
    settlement_ref: str
    requester: str
    reason_hash: str
    requested_block: int
    requested_tx: str
    status: str = Field(description="pending (awaiting the bank or a second officer: not refunded), confirmed (refunded) or cancelled")
    resolved_by: str | None
    resolved_tx: str | None


class BatchStep(Model):
    step: str = Field(description="proposed, extended (entries added), approved, cancelled or executed")
    by: str | None = Field(description="the officer who sent the transaction")
    department: str | None = Field(description="approvals: the approver's department code")
    timestamp: Time
    block_number: int
    tx_hash: str


class WithheldPayout(Model):
    beneficiary: str
    amount: Fen = Field(description="fen withheld (not paid)")
    reason: str = Field(description="identity_revoked or account_changed")


class Refund(Model):
    batch_id: int
    beneficiary: str
    amount: Fen = Field(description="fen refunded to the program")
    timestamp: Time
    tx_hash: str


class BatchDetail(Model):
    batch_id: int
    program_id: int
    period: int
    mode: str = Field(description="wallet or bank")
    proposer: str
    proposed_at: Time
    status: str = Field(description="proposed, approved, executed or cancelled")
    total: Fen = Field(description="fen of the accepted entries")
    entries: int = Field(description="entries accepted at proposal")
    paid: Fen | None = Field(description="executed: fen paid (withheld entries excluded)")
    recipients: int | None = Field(description="executed: payouts paid")
    withheld_amount: Fen = Field(description="fen withheld at execution")
    merkle_root: str | None = Field(description="bank-settled and executed: the Merkle root computed on chain")
    steps: list[BatchStep] = Field(description="the batch's transactions, oldest first")
    refused: dict[str, int] = Field(description="entries left out at proposal, by reason (identity_revoked, no_attestation, attestation_expired)")
    withheld: list[WithheldPayout]
    refunds: list[Refund] = Field(description="money refunded to the program (wallet refunds and confirmed bank refunds)")
    bank_refunds: list[BankRefund] = Field(description="bank-settled refund requests: pending, confirmed or cancelled")
    siblings: list[int] = Field(description="the program's other batches for the same period")


class MerkleRoot(Model):
    batch_id: int
    merkle_root: Hash32


# --- fund-flow traces (govchain.tracer; also what `govchain trace … --json` prints) ---------------


class TraceApproval(Model):
    approver: str | None
    department: str | None = Field(description="code of the approver's department, e.g. FIN")
    timestamp: Time
    block_number: int
    tx_hash: str


class TraceProgram(Model):
    program_id: int
    name: str
    department: str = Field(description="code of the department that runs the program, e.g. HRSS")
    line_id: int
    budget_id: int
    created_at: Time
    tx_hash: str


class TraceLine(Model):
    line_id: int
    code: str = Field(description="the budget line's code, e.g. PENSION")
    name: str
    amount: Fen
    budget_id: int


class TraceBudget(Model):
    budget_id: int
    fiscal_year: int
    total: Fen
    proposer: str
    document_hash: str
    proposed_at: Time
    approvals: list[TraceApproval]
    approved_at: Time | None


class TraceBatch(Model):
    batch_id: int
    mode: str = Field(description="wallet or bank")
    period: int
    proposer: str | None
    approvals: list[TraceApproval]
    executed_tx: str | None
    total: Fen | None = Field(description="fen paid by the batch (withheld entries excluded); null until executed")
    count: int | None = Field(description="payouts paid; null until executed")
    withheld: int | None = Field(description="entries withheld at execution; null until executed")


class TracePayout(Model):
    batch_id: int
    position: int
    program_id: int
    period: int
    mode: str
    beneficiary: str
    account: str | None
    settlement_ref: str | None
    amount: Fen
    status: str = Field(description="paid, or withheld (nothing paid)")
    current: str | None = Field(description="withheld: the account bound at execution (zero when revoked)")
    leaf_index: int | None
    block_number: int
    tx_hash: str
    withheld_reason: str | None
    status_text: str


class TraceRefund(Model):
    block_number: int
    log_index: int
    batch_id: int
    program_id: int
    beneficiary: str
    amount: Fen
    reason_hash: str
    tx_hash: str


class PayoutTrace(Model):
    """A payout → its batch (proposal, approvals, execution) → program → budget line → budget."""

    payout: TracePayout
    batch: TraceBatch
    program: TraceProgram
    line: TraceLine
    budget: TraceBudget
    refunds: list[TraceRefund]
    bank_refunds: list[BankRefund] = Field(description="bank refund requests: pending, confirmed or cancelled")


class PeriodFlow(Model):
    period: int
    disbursed: Fen
    payouts: int
    batches: int
    refunded: Fen
    withheld: Fen


class OnChainProgram(Model):
    line_id: int
    disbursed: Fen
    reserved: Fen
    refunded: Fen
    allocation: Fen
    separate_executor: bool
    department: str = Field(description="department code, e.g. HRSS")


class OnChainLine(Model):
    allocated: Fen
    assigned: Fen
    disbursed: Fen
    refunded: Fen
    remaining: Fen


class OnChainFigures(Model):
    """The ledger's own figures, read from the chain when the trace was made."""

    program: OnChainProgram
    line: OnChainLine


class ProgramTrace(Model):
    """A program's totals and flows by period, with the ledger's figures."""

    program: TraceProgram
    line: TraceLine
    disbursed: Fen = Field(description="fen paid")
    refunded: Fen = Field(description="fen refunded (confirmed)")
    payouts: int = Field(description="payouts paid")
    by_period: list[PeriodFlow]
    on_chain: OnChainFigures | None = Field(description="null when the trace was made without the chain")
    withheld: Fen = Field(description="fen withheld at execution (not paid)")
    refunds_pending: Fen = Field(description="fen of bank refunds requested, not yet confirmed (not refunded)")


class BeneficiaryTrace(Model):
    """Every payment a beneficiary commitment received (or was withheld), and every refund."""

    beneficiary: str
    received: Fen = Field(description="fen paid")
    refunded: Fen = Field(description="fen refunded (confirmed)")
    payouts: list[TracePayout]
    refunds: list[TraceRefund]
    withheld: Fen = Field(description="fen withheld at execution (never paid)")
    bank_refunds: list[BankRefund]


ProgramDetail.model_rebuild()  # its trace is declared above it


# --- the portal's memoised views ---------------------------------------------------------------


def budgets_of(portal: Portal) -> list[fund_views.BudgetRow]:
    return portal.memo("funds.budgets", lambda: fund_views.budget_list(portal.engine))


def programs_of(portal: Portal) -> list[fund_views.ProgramRow]:
    return portal.memo("funds.programs", lambda: fund_views.program_list(portal.engine))


def budget_of(portal: Portal, budget_id: int) -> fund_views.BudgetRow:
    for budget in budgets_of(portal):
        if budget.budget_id == budget_id:
            return budget
    raise NotFound(f"no budget {budget_id} in the index")


def program_of(portal: Portal, program_id: int) -> fund_views.ProgramRow:
    for program in programs_of(portal):
        if program.program_id == program_id:
            return program
    raise NotFound(f"no program {program_id} in the index")


def batch_of(portal: Portal, batch_id: int) -> fund_views.BatchDetail:
    """Batch `batch_id` with the officer of every step (BatchExecuted names none: its sender is the executor)."""

    def compute() -> fund_views.BatchDetail | None:
        found = fund_views.batch_detail(portal.engine, batch_id)
        if found is None:
            return None
        steps = [s if s.by else dataclasses.replace(s, by=portal.w3.eth.get_transaction(s.tx_hash)["from"]) for s in found.steps]
        return dataclasses.replace(found, steps=steps)

    batch = portal.detail("funds.batch", batch_id, compute)
    if batch is None:
        raise NotFound(f"no batch {batch_id} in the index")
    return batch


def program_trace(portal: Portal, program_id: int) -> dict[str, Any]:
    program_of(portal, program_id)
    return portal.detail("funds.program_trace", program_id, lambda: tracer.trace_program(portal.engine, program_id, portal.suite).to_json())


_tree_lock = threading.Lock()  # one thread builds a batch's tree; the others then find it cached


def payouts_with_proofs(portal: Portal, commitment: str) -> list[fund_views.PayoutRow]:
    def tree(batch_id: int) -> Any:
        with _tree_lock:
            return portal.detail("funds.tree", batch_id, lambda: fund_views.batch_tree(portal.engine, batch_id))

    return portal.detail("funds.payouts", commitment.lower(), lambda: fund_views.payouts_of(portal.engine, commitment, tree))


def _traced(compute: Callable[[], T]) -> T:
    try:
        return compute()
    except tracer.NotFound as exc:
        raise NotFound(str(exc)) from None


# --- endpoints ---------------------------------------------------------------------------------


@list_route(router, "/budgets", Budget, name="budgets", summary="Budgets (预算), with their lines and approvals")
def budgets(paging: Paging = Depends(), portal: Portal = PortalDep) -> dict[str, Any]:
    return paging.page(list(reversed(budgets_of(portal))))


@router.get("/budgets/{budget_id}", response_model=Budget, summary="A budget: lines and approvals")
def budget(budget_id: int = Id(), portal: Portal = PortalDep) -> Any:
    return budget_of(portal, budget_id)


@list_route(router, "/programs", Program, name="programs", summary="Programs (资金项目), with funding and payouts so far")
def programs(
    budget_id: int | None = Query(None, ge=1, le=2**63 - 1), paging: Paging = Depends(), portal: Portal = PortalDep
) -> dict[str, Any]:
    return paging.page([p for p in reversed(programs_of(portal)) if budget_id is None or p.budget_id == budget_id])


@router.get("/programs/{program_id}", response_model=ProgramDetail, summary="A program: its on-chain figures and flows by period")
def program(program_id: int = Id(), portal: Portal = PortalDep) -> Any:
    return {"program": program_of(portal, program_id), "trace": _traced(lambda: program_trace(portal, program_id))}


@list_route(router, "/batches", Batch, name="batches", summary="Payout batches, newest first")
def batch_list(
    program_id: int | None = Query(None, ge=1, le=2**63 - 1), paging: Paging = Depends(), portal: Portal = PortalDep
) -> dict[str, Any]:
    rows = fund_views.batch_list(portal.engine, program_id, paging.limit, paging.offset)
    return paging.page(rows, total=fund_views.batch_count(portal.engine, program_id))


@router.get("/batches/{batch_id}", response_model=BatchDetail, summary="A batch: its program, period, status, transactions, payouts withheld and refunds")
def batch(batch_id: int = Id(), portal: Portal = PortalDep) -> Any:
    return batch_of(portal, batch_id)


@router.get("/batches/{batch_id}/merkle-root", response_model=MerkleRoot, summary="The Merkle root recorded on chain for a bank-settled batch")
def merkle_root(batch_id: int = Id(), portal: Portal = PortalDep) -> Any:
    root = portal.detail("funds.root", batch_id, lambda: fund_views.merkle_root(portal.suite, batch_id))
    return {"batch_id": batch_id, "merkle_root": root}


@list_route(router, "/payouts", Payout, name="payouts",
            summary="A beneficiary commitment's payouts, oldest first: paid, refunded, withheld or refused, with the reason (bank-settled ones with their Merkle proof)")  # fmt: skip
def payout_list(
    commitment: str = Query(pattern=r"^0x[0-9a-fA-F]{64}$", description="the beneficiary's identity commitment (0x + 64 hex)"),
    paging: Paging = Depends(),
    portal: Portal = PortalDep,
) -> dict[str, Any]:
    return paging.page(payouts_with_proofs(portal, commitment))


@router.get("/beneficiaries/{commitment}", response_model=Beneficiary,
            summary="Whether a commitment is a registered e-ID and where it is enrolled (public events; tells a wrong salt from no payout)")  # fmt: skip
def beneficiary(commitment: str = CommitmentPath(), portal: Portal = PortalDep) -> Any:
    return portal.detail("funds.beneficiary", commitment.lower(), lambda: payout_lookup.beneficiary_view(portal.suite, portal.engine, commitment))


@router.get("/batches/{batch_id}/payouts/{index}", response_model=OnChainPayout,
            summary="A payout as the ledger records it now, read from the chain: isPaid(program, period, index) and payoutState")  # fmt: skip
def on_chain_payout(batch_id: int = Id(), index: int = Path(ge=0, le=2**32 - 1, description="the enrolment index"), portal: Portal = PortalDep) -> Any:
    try:
        return portal.detail("funds.on_chain_payout", (batch_id, index), lambda: payout_lookup.on_chain_payout(portal.suite, batch_id, index))
    except payout_lookup.UnknownPayout as exc:
        raise NotFound(str(exc)) from None


@list_route(router, "/bank-refunds", BankRefund, name="bank_refunds",
            summary="Bank-settled refund requests, newest first: pending until the bank or a second officer confirms")  # fmt: skip
def bank_refund_list(
    program_id: int | None = Query(None, ge=1, le=2**63 - 1),
    batch_id: int | None = Query(None, ge=1, le=2**63 - 1),
    commitment: str | None = Query(None, pattern=r"^0x[0-9a-fA-F]{64}$", description="the beneficiary's identity commitment"),
    status: str | None = Query(None, pattern="^(pending|confirmed|cancelled)$"),
    paging: Paging = Depends(),
    portal: Portal = PortalDep,
) -> dict[str, Any]:
    # refund requests are few (exceptions to payouts): the whole filtered list, paged here
    rows = fund_views.bank_refund_list(portal.engine, program_id=program_id, batch_id=batch_id, commitment=commitment, status=status,
                                       limit=2**31)  # fmt: skip
    return paging.page(rows)


@router.get("/trace/payout/{batch_id}/{commitment}", response_model=PayoutTrace,
            summary="Trace a payout: batch → program → budget line → budget, with approvals")  # fmt: skip
def trace_payout(batch_id: int = Id(), commitment: str = CommitmentPath(), portal: Portal = PortalDep) -> Any:
    return _traced(lambda: tracer.trace_payout(portal.engine, batch_id, commitment).to_json())


@router.get("/trace/program/{program_id}", response_model=ProgramTrace, summary="Trace a program: totals and flows by period, with on-chain figures")
def trace_program(program_id: int = Id(), portal: Portal = PortalDep) -> Any:
    return _traced(lambda: program_trace(portal, program_id))


@router.get("/trace/beneficiary/{commitment}", response_model=BeneficiaryTrace, summary="Trace a beneficiary commitment: every payment and refund")
def trace_beneficiary(commitment: str = CommitmentPath(), portal: Portal = PortalDep) -> Any:
    return tracer.trace_beneficiary(portal.engine, commitment).to_json()


# --- portal set-up -----------------------------------------------------------------------------


def _batch_rows(portal: Portal) -> list[fund_views.BatchRow]:
    return portal.memo("funds.batch_rows", lambda: fund_views.batch_list(portal.engine, limit=1_000_000))


def _search_funds(portal: Portal, query: str) -> list[SearchHit]:
    text = query.strip().lower()
    finders: tuple[tuple[str, Callable[[Portal], Any], str], ...] = (
        ("program", programs_of, "/program/"), ("budget", budgets_of, "/budget/"), ("batch", _batch_rows, "/batch/"),
    )  # fmt: skip
    for kind, find, path in finders:
        if text.startswith(kind) and text[len(kind):].strip().lstrip("#").isdigit():
            number = int(text[len(kind):].strip().lstrip("#"))
            ids = {getattr(r, f"{kind}_id") for r in find(portal)}
            if number in ids:
                return [SearchHit(kind, str(number), f"{kind} {number}", f"{path}{number}")]
    return []


def setup(portal: Portal) -> None:
    portal.money_disbursed = lambda p: p.memo("funds.money_disbursed", lambda: fund_views.money_disbursed(p.engine))
    portal.payouts_lookup_url = "/api/payouts?commitment={commitment}"
    portal.verify_scripts = [*portal.verify_scripts, "/static/funds-verify.js"]
    portal.search_resolvers = [*portal.search_resolvers, _search_funds]

