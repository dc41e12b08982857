"""Funds client + fund-flow tracer: budget → program → batch → payout (wallet and bank, paid or
withheld at execution) → refund (wallet, and bank-settled: requested, then confirmed or cancelled)."""

from __future__ import annotations

import os

import pytest
from eth_account import Account

from conftest import make_sender
from govchain.clients import (
    BudgetClient,
    ClientError,
    BudgetLine,
    DisbursementClient,
    EligibilityClient,
    IdentityClient,
    PayoutMode,
    PersonBinding,
    ProgramClient,
    Refusal,
    RefundStatus,
)
from govchain.connection import Deployment, Suite
from govchain.domain import payout_leaf
from govchain.exceptions import revert_class
from govchain.indexer import Indexer
from govchain.sender import TransactionSender
from govchain.tracer import NotFound, trace_beneficiary, trace_payout, trace_program
from web_support import recover_key

FIN, FIN2, FIN3, HRSS, HRSS2, PSB, DRC, BANK = 7, 8, 9, 10, 11, 12, 14, 19
MONTH = 30 * 24 * 3600


@pytest.fixture
def funds(suite_deployment, w3, artifacts, tmp_path):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    people = [Account.create() for _ in range(12)]
    commitments = [os.urandom(32) for _ in people]
    IdentityClient(suite, make_sender(w3, artifacts, PSB)).bind_persons([PersonBinding(p.address, c, os.urandom(32)) for p, c in zip(people, commitments)], 2)
    budget, lines = BudgetClient(suite, make_sender(w3, artifacts, FIN)).propose(
        2026, b"\x0b" * 32, [BudgetLine("PENSION", "养老金", 10_000_000), BudgetLine("SUBSIDY", "补贴", 5_000_000)]
    )
    for officer in (FIN2, FIN3, DRC):
        BudgetClient(suite, make_sender(w3, artifacts, officer)).approve(budget)
    now = w3.eth.get_block("latest")["timestamp"]
    admin = ProgramClient(suite, make_sender(w3, artifacts, FIN))
    pension = admin.create("pension", lines[0], "HRSS", now - MONTH, MONTH, 6, 10**9, attestation_max_age=365 * 24 * 3600)
    subsidy = admin.create("subsidy", lines[1], "HRSS", now, MONTH, 1, 10**9)
    treasury = DisbursementClient(suite, make_sender(w3, artifacts, FIN))
    treasury.fund(pension, 2_000_000)
    treasury.fund(subsidy, 1_000_000)
    hrss = make_sender(w3, artifacts, HRSS)
    ProgramClient(suite, hrss).enroll(pension, commitments[:10])
    ProgramClient(suite, hrss).enroll(subsidy, commitments[10:])
    EligibilityClient(suite, hrss).attest(commitments[1:10], b"\x0c" * 32)  # person 0 has no proof of life
    return {
        "suite": suite, "people": people, "commitments": commitments, "budget": budget, "lines": lines,
        "pension": pension, "subsidy": subsidy, "operator": DisbursementClient(suite, hrss),
        "approver": DisbursementClient(suite, make_sender(w3, artifacts, HRSS2)),
        "index": Indexer(w3, suite.deployment, artifacts, f"sqlite:///{tmp_path / 'index.db'}"),
    }  # fmt: skip


def test_wallet_payouts_refusals_refund_and_trace(funds, w3, artifacts):
    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [batch] = op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 100_000) for x in c[:10]])
    assert batch.refused == {"0x" + c[0].hex(): Refusal.NO_ATTESTATION}  # reported, the rest goes ahead
    assert len(batch.words) == 9 and batch.total == 900_000
    ap.approve(batch)
    execution = op.execute_wallet(batch)
    assert execution.paid == 900_000 and execution.withheld == [] and execution.tree is None
    token = funds["suite"].contract("FiscalToken").functions
    assert token.balanceOf(funds["people"][1].address).call() == 100_000

    # person 1 got paid by mistake: they give it back (approve the ledger), the operator refunds it
    position = batch.position_of(c[1])
    assert batch.beneficiaries[batch.entries()[position][0]] == c[1]
    TransactionSender(w3, funds["people"][1], artifacts).transact(
        token.approve(funds["suite"].deployment.address("Disbursements"), 100_000)
    )
    op.refund_wallet(batch, position, 100_000, b"\x0d" * 32)

    index = funds["index"]
    index.sync()
    program = trace_program(index.engine, funds["pension"], funds["suite"])
    assert (program.disbursed, program.refunded, program.payouts) == (900_000, 100_000, 9)
    line = program.on_chain["line"]
    assert line["allocated"] == line["disbursed"] + line["remaining"] - line["refunded"] == 10_000_000
    assert program.on_chain["program"]["disbursed"] == program.disbursed

    trace = trace_payout(index.engine, batch.batch_id, "0x" + c[2].hex())
    assert trace.payout["amount"] == 100_000 and trace.payout["account"] == funds["people"][2].address
    assert [a["approver"] for a in trace.batch["approvals"]] == [ap.sender.account.address]
    assert trace.program["name"] == "pension" and trace.line["name"] == "养老金"
    assert len(trace.budget["approvals"]) == 3 and trace.budget["approved_at"] is not None
    refunded = trace_beneficiary(index.engine, "0x" + c[1].hex())
    assert (refunded.received, refunded.refunded) == (100_000, 100_000)
    with pytest.raises(NotFound):
        trace_payout(index.engine, batch.batch_id, "0x" + c[0].hex())  # refused: never paid


def test_no_double_payment_whatever_the_client_sends(funds):
    op, c = funds["operator"], funds["commitments"]
    op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 1_000) for x in c[1:5]])
    from govchain.exceptions import revert_class

    with pytest.raises(revert_class("DisbursementsAlreadyPaid")):
        op.propose(funds["pension"], 0, PayoutMode.WALLET, [(c[3], 1_000)])


def test_bank_payouts_verify_with_python_proofs(funds):
    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    payouts = [(c[10], 300_000), (c[11], 500_000)]
    [batch] = op.propose(funds["subsidy"], 0, PayoutMode.BANK, payouts)
    ap.approve(batch)
    refs = {c[10]: b"\x0a" * 32, c[11]: b"\x0b" * 32}
    execution = op.execute_bank(batch, refs)
    tree = execution.tree
    ledger = funds["suite"].contract("Disbursements").functions
    assert tree.root == execution.merkle_root == bytes(ledger.merkleRoot(batch.batch_id).call())  # the root computed on chain
    assert execution.paid == 800_000 and execution.withheld == []
    for position, (commitment, amount) in enumerate(payouts):
        proof = tree.proof(position)
        assert op.verify_bank_payout(batch.batch_id, commitment, amount, refs[commitment], proof)
        assert not op.verify_bank_payout(batch.batch_id, commitment, amount + 1, refs[commitment], proof)
        assert tree.leaves[position] == payout_leaf(batch.batch_id, commitment, amount, refs[commitment])
    index = funds["index"]
    index.sync()
    paid = trace_beneficiary(index.engine, "0x" + c[11].hex())
    assert paid.received == 500_000 and paid.payouts[0]["settlement_ref"] == "0x" + ("0b" * 32)
    assert trace_payout(index.engine, batch.batch_id, "0x" + c[10].hex()).payout["mode"] == "bank"


def test_projection_survives_a_reorg(funds, w3, artifacts, tmp_path):
    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [first] = op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 1_000) for x in c[1:4]])
    ap.approve(first)
    op.execute_wallet(first)
    index = funds["index"]
    index.sync()
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    op2 = DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS))
    [second] = op2.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 1_000) for x in c[4:8]])
    DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS2)).approve(second)
    op2.execute_wallet(second)
    index.sync()
    assert trace_program(index.engine, funds["pension"]).payouts == 7
    w3.provider.make_request("evm_revert", [snapshot])
    for _ in range(8):  # a longer branch without the second batch
        w3.provider.make_request("evm_mine", [])
    result = index.sync()
    assert result.rolled_back_to is not None
    assert trace_program(index.engine, funds["pension"]).payouts == 3
    fresh = Indexer(w3, funds["suite"].deployment, artifacts, f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.sync()
    assert index.dump() == fresh.dump()


def test_withheld_payouts_are_reported_and_traced_as_withheld(funds, w3, artifacts):
    """A key recovered (wallet) or an identity revoked (bank) between approval and execution: the ledger
    withholds the entry; the client, the bank tree and the tracer say so, and nothing counts it as paid."""
    op, ap, c, people = funds["operator"], funds["approver"], funds["commitments"], funds["people"]
    [wallet] = op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 100_000) for x in c[1:4]])
    [bank] = op.propose(funds["subsidy"], 0, PayoutMode.BANK, [(c[10], 300_000), (c[11], 500_000)])
    ap.approve(wallet)
    ap.approve(bank)
    new = recover_key(funds["suite"], w3, artifacts, c[2])
    make_sender(w3, artifacts, PSB).transact(funds["suite"].contract("IdentityRegistry").functions.revoke(c[10], b"\x0f" * 32))

    paid = op.execute_wallet(wallet)
    [held] = paid.withheld
    assert (held.beneficiary, held.amount, held.account, held.current) == (c[2], 100_000, people[2].address, new)
    assert held.reason == "account changed after approval" and paid.paid == 200_000
    recorded = op.execute_bank(bank, {c[10]: b"\x0a" * 32, c[11]: b"\x0b" * 32})
    [revoked] = recorded.withheld
    assert (revoked.beneficiary, revoked.reason, recorded.paid) == (c[10], "identity revoked", 500_000)
    # the tree is built over the recorded payouts only, and its root is the one the ledger computed
    ledger = funds["suite"].contract("Disbursements").functions
    assert recorded.tree.leaves == (payout_leaf(bank.batch_id, c[11], 500_000, b"\x0b" * 32),)
    assert recorded.tree.root == bytes(ledger.merkleRoot(bank.batch_id).call())
    payout = recorded.payout(c[11])
    assert op.verify_bank_payout(bank.batch_id, c[11], 500_000, b"\x0b" * 32, payout.proof)
    with pytest.raises(ClientError):
        recorded.payout(c[10])  # withheld: no leaf, no proof

    index = funds["index"]
    index.sync()
    traced = trace_payout(index.engine, wallet.batch_id, "0x" + c[2].hex())
    assert traced.payout["status"] == "withheld" and traced.payout["status_text"] == "withheld (account changed after approval)"
    assert traced.payout["current"] == new and traced.batch["withheld"] == 1 and traced.batch["total"] == 200_000
    bank_traced = trace_payout(index.engine, bank.batch_id, "0x" + c[10].hex())
    assert bank_traced.payout["status_text"] == "withheld (identity revoked)" and bank_traced.payout["leaf_index"] is None
    assert trace_payout(index.engine, bank.batch_id, "0x" + c[11].hex()).payout["leaf_index"] == 0
    person = trace_beneficiary(index.engine, "0x" + c[2].hex())
    assert (person.received, person.withheld) == (0, 100_000)
    program = trace_program(index.engine, funds["pension"], funds["suite"])
    assert (program.disbursed, program.payouts, program.withheld) == (200_000, 2, 100_000)
    assert program.on_chain["program"]["disbursed"] == program.disbursed
    assert trace_program(index.engine, funds["subsidy"]).withheld == 300_000


def test_bank_refunds_need_the_bank_or_a_second_officer(funds, w3, artifacts):
    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [bank] = op.propose(funds["subsidy"], 0, PayoutMode.BANK, [(c[10], 300_000), (c[11], 500_000)])
    ap.approve(bank)
    recorded = op.execute_bank(bank, {c[10]: b"\x0a" * 32, c[11]: b"\x0b" * 32})
    ledger = funds["suite"].contract("Disbursements").functions
    first = op.request_bank_refund(bank.batch_id, recorded.payout(c[10]), 300_000, b"\x01" * 32)
    second = op.request_bank_refund(bank.batch_id, recorded.payout(c[11]), 200_000, b"\x02" * 32)
    assert (first.status, first.amount, first.beneficiary, first.settlement_ref) == (RefundStatus.PENDING, 300_000, c[10], b"\x0a" * 32)
    assert first.requester == op.sender.account.address
    with pytest.raises(revert_class("DisbursementsRefundConfirmerNotAllowed")):
        op.confirm_bank_refund(first.refund_id)  # the requester cannot confirm their own request
    assert ledger.programAccount(funds["subsidy"]).call()[3] == 0  # nothing refunded while pending

    index = funds["index"]
    index.sync()
    pending = trace_beneficiary(index.engine, "0x" + c[10].hex())
    assert pending.refunded == 0 and [r["status"] for r in pending.bank_refunds] == ["pending"]
    assert trace_program(index.engine, funds["subsidy"]).refunds_pending == 500_000

    DisbursementClient(funds["suite"], make_sender(w3, artifacts, BANK)).confirm_bank_refund(first.refund_id)
    ap.cancel_bank_refund(second.refund_id, b"\x03" * 32)  # a second officer refuses the other one
    assert op.bank_refund(first.refund_id).status == RefundStatus.CONFIRMED
    assert op.bank_refund(second.refund_id).status == RefundStatus.CANCELLED
    index.sync()
    confirmed = trace_beneficiary(index.engine, "0x" + c[10].hex())
    assert confirmed.refunded == 300_000 and [r["status"] for r in confirmed.bank_refunds] == ["confirmed"]
    assert [r["status"] for r in trace_beneficiary(index.engine, "0x" + c[11].hex()).bank_refunds] == ["cancelled"]
    program = trace_program(index.engine, funds["subsidy"], funds["suite"])
    assert (program.refunded, program.refunds_pending) == (300_000, 0)
    assert program.on_chain["program"]["refunded"] == 300_000


def test_a_program_can_require_a_separate_executor(funds, w3, artifacts):
    now = w3.eth.get_block("latest")["timestamp"]
    admin = ProgramClient(funds["suite"], make_sender(w3, artifacts, FIN))
    program = admin.create("separate", funds["lines"][1], "HRSS", now, MONTH, 1, 10**9, separate_executor=True)
    assert funds["suite"].contract("ProgramRegistry").functions.program(program).call()[-1] is True
    DisbursementClient(funds["suite"], make_sender(w3, artifacts, FIN)).fund(program, 100_000)
    op, ap = funds["operator"], funds["approver"]
    ProgramClient(funds["suite"], op.sender).enroll(program, [funds["commitments"][11]])
    [batch] = op.propose(program, 0, PayoutMode.WALLET, [(funds["commitments"][11], 1_000)])
    ap.approve(batch)
    for officer in (op, ap):  # neither the proposer nor the approver may execute it
        with pytest.raises(revert_class("DisbursementsExecutorNotSeparate")) as refused:
            officer.execute_wallet(batch)
        assert refused.value.arguments == {"batchId": batch.batch_id, "executor": officer.sender.account.address}


def test_a_reorg_that_drops_a_confirmation_leaves_the_refund_pending(funds, w3, artifacts, tmp_path):
    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [bank] = op.propose(funds["subsidy"], 0, PayoutMode.BANK, [(c[10], 300_000), (c[11], 500_000)])
    ap.approve(bank)
    make_sender(w3, artifacts, PSB).transact(funds["suite"].contract("IdentityRegistry").functions.revoke(c[10], b"\x0f" * 32))
    recorded = op.execute_bank(bank, {c[11]: b"\x0b" * 32})  # the revoked one is withheld: it needs no reference
    request = op.request_bank_refund(bank.batch_id, recorded.payout(c[11]), 500_000, b"\x01" * 32)
    index = funds["index"]
    index.sync()
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    DisbursementClient(funds["suite"], make_sender(w3, artifacts, BANK)).confirm_bank_refund(request.refund_id)
    index.sync()
    assert trace_beneficiary(index.engine, "0x" + c[11].hex()).refunded == 500_000
    w3.provider.make_request("evm_revert", [snapshot])
    for _ in range(4):  # a longer branch without the confirmation
        w3.provider.make_request("evm_mine", [])
    assert index.sync().rolled_back_to is not None
    pending = trace_beneficiary(index.engine, "0x" + c[11].hex())
    assert pending.refunded == 0 and [r["status"] for r in pending.bank_refunds] == ["pending"]
    assert trace_beneficiary(index.engine, "0x" + c[10].hex()).withheld == 300_000
    fresh = Indexer(w3, funds["suite"].deployment, artifacts, f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.sync()
    assert index.dump() == fresh.dump()


def test_an_index_of_the_previous_layout_is_rebuilt(funds, w3, artifacts, tmp_path):
    """An index written before payouts had a status (schema 4) is recreated with the new tables and re-indexed."""
    from sqlalchemy import text

    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [batch] = op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 1_000) for x in c[1:4]])
    ap.approve(batch)
    op.execute_wallet(batch)
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Indexer(w3, funds["suite"].deployment, artifacts, url)
    old.sync()
    with old.engine.begin() as conn:  # what schema 4 looked like: no status, no bank refund tables
        conn.execute(text("ALTER TABLE payouts DROP COLUMN status"))
        conn.execute(text("DROP TABLE bank_refunds"))
        conn.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema'"))
    again = Indexer(w3, funds["suite"].deployment, artifacts, url)
    assert again.reindexed
    again.sync()
    assert trace_program(again.engine, funds["pension"]).payouts == 3
    fresh = Indexer(w3, funds["suite"].deployment, artifacts, f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh.sync()
    assert again.dump() == fresh.dump()


def test_events_projected_one_at_a_time_give_the_same_tables(funds, w3, artifacts, tmp_path):
    """Withheld entries are rows (withheld_payouts), not state kept between events: projecting each stored
    event on its own, as a replay does, gives the same tables as projecting whole chunks."""
    from sqlalchemy import create_engine, select

    from govchain.indexer.funds import TABLES, FundsProjection
    from govchain.indexer.ingest import DecodedEvent
    from govchain.indexer.schema import events, metadata

    op, ap, c = funds["operator"], funds["approver"], funds["commitments"]
    [wallet] = op.propose(funds["pension"], 0, PayoutMode.WALLET, [(x, 1_000) for x in c[1:4]])
    [bank] = op.propose(funds["subsidy"], 0, PayoutMode.BANK, [(c[10], 300_000), (c[11], 500_000)])
    ap.approve(wallet)
    ap.approve(bank)
    recover_key(funds["suite"], w3, artifacts, c[2])
    make_sender(w3, artifacts, PSB).transact(funds["suite"].contract("IdentityRegistry").functions.revoke(c[10], b"\x0f" * 32))
    op.execute_wallet(wallet)
    op.request_bank_refund(bank.batch_id, op.execute_bank(bank, {c[11]: b"\x0b" * 32}).payout(c[11]), 1, b"\x01" * 32)
    index = funds["index"]
    index.sync()
    single = create_engine(f"sqlite:///{tmp_path / 'single.db'}")
    metadata.create_all(single)
    projection = FundsProjection()
    with index.engine.connect() as source, single.begin() as target:
        for row in source.execute(select(events).order_by(events.c.block_number, events.c.log_index)):
            if (row.contract, row.event) in projection.events:
                event = DecodedEvent(row.block_number, row.log_index, row.tx_hash, row.address, row.contract, row.event, row.args)
                projection.apply(target, [event])
    dumped = {table.name for table in TABLES}
    with single.connect() as conn:
        replayed = {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))] for t in TABLES}
    assert {name: rows for name, rows in index.dump().items() if name in dumped} == replayed
    assert len(replayed["withheld_payouts"]) == 2 and len(replayed["bank_refunds"]) == 1
