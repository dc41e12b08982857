"""Funds client + fund-flow tracer: budget → program → batch → payout (wallet and bank) → refund."""

from __future__ import annotations

import os

import pytest
from eth_account import Account

from conftest import make_sender
from govchain.clients import (
    BudgetClient,
    BudgetLine,
    DisbursementClient,
    EligibilityClient,
    IdentityClient,
    PayoutMode,
    PersonBinding,
    ProgramClient,
    Refusal,
)
from govchain.connection import Deployment, Suite
from govchain.domain import payout_leaf
from govchain.indexer import Indexer
from govchain.sender import TransactionSender
from govchain.tracer import NotFound, trace_beneficiary, trace_payout, trace_program

FIN, FIN2, FIN3, HRSS, HRSS2, PSB, DRC = 7, 8, 9, 10, 11, 12, 14
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
    op.execute_wallet(batch)
    token = funds["suite"].contract("FiscalToken").functions
    assert token.balanceOf(funds["people"][1].address).call() == 100_000

    # person 1 got paid by mistake: they give it back (approve the ledger), the operator refunds it
    position = [i for i, (idx, _, _) in enumerate(batch.entries()) if batch.beneficiaries[idx] == c[1]][0]
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
    _receipt, tree = op.execute_bank(batch, refs)
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
