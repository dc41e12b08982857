"""The independent review's attacks on the fiscal ledger (issue 9), each performed through the public
interface: the refusal is asserted with its custom error and its arguments, and that nothing changed.

1. forged bank Merkle root, then a "refund" of an invented leaf (critical: minted 10 bn yuan);
2. one officer re-mints an honest bank payout as "returned by the bank";
6. a batch approved before a key recovery pays the lost key; one for a revoked identity still pays;
7. officers removed from their department keep executing and funding;
and separation of duties: the executor may be required to be neither proposer nor approver.
"""

from __future__ import annotations

import brownie
import pytest
from brownie import chain

from conftest import reverts_with
from fundskit import (
    BANK,
    EXECUTED,
    WALLET,
    ZERO32,
    approve,
    approved_budget,
    b32,
    bank_records,
    bank_tree,
    bind,
    code,
    create_program,
    deploy_funds,
    enroll,
    pairs,
    person,
    propose,
    settlement_refs,
)
from govchain.domain import MerkleTree, payout_leaf

PEOPLE = [person(100 + i) for i in range(5)]
PENSION, STRICT = 1, 2  # STRICT requires a separate executor
FUNDS = 10**9
TEN_BN_YUAN = 10**12  # fen


@pytest.fixture(scope="module")
def funds(accounts):
    funds = deploy_funds(accounts)
    approved_budget(funds, [("PENSION", 10**10), ("STRICT", 10**9)])
    create_program(funds, 1)
    create_program(funds, 2, separate_executor=True, name="strict")
    bind(funds, PEOPLE, [accounts[i] for i in range(1, 6)])
    enroll(funds, PENSION, PEOPLE)
    enroll(funds, STRICT, PEOPLE)
    funds.ledger.fundProgram(PENSION, FUNDS, {"from": funds.fin[0]})
    funds.ledger.fundProgram(STRICT, FUNDS, {"from": funds.fin[0]})
    # a third social-security officer: may execute, never proposed nor approved anything
    funds.departments.assignOfficer(accounts[16], code("HRSS"), {"from": funds.admin})
    funds.ledger.grantRole(funds.ledger.EXECUTOR_ROLE(), accounts[16], {"from": funds.admin})
    funds.ledger.grantRole(funds.ledger.EXECUTOR_ROLE(), funds.hrss[1], {"from": funds.admin})
    funds.payout_service = accounts[16]
    return funds


def ledger_state(funds):
    """Everything an attack on the ledger could change."""
    ledger, token = funds.ledger, funds.token
    return (
        token.totalSupply(),
        token.balanceOf(ledger),
        tuple(ledger.programAccount(PENSION)),
        tuple(ledger.lineFigures(1)),
        ledger.bankRefundCount(),
    )


def executed_bank_batch(funds, people, amount=800_000, program_id=PENSION):
    batch_id, entries, _ = propose(funds, program_id, 0, BANK, [(p, amount) for p in people])
    approve(funds, batch_id)
    records = bank_records(entries, settlement_refs(len(people)))
    funds.ledger.executeBankBatch(batch_id, records, {"from": funds.hrss[0]})
    return batch_id, records


# --- 1. forged root ---------------------------------------------------------------------------


def test_a_forged_root_cannot_be_committed_nor_refunded_against(funds):
    ledger = funds.ledger
    batch_id, entries, _ = propose(funds, PENSION, 0, BANK, [(p, 800_000) for p in PEOPLE[:3]])
    approve(funds, batch_id)
    records = bank_records(entries, settlement_refs(3))
    invented = (4, TEN_BN_YUAN, PEOPLE[4], b"\x66" * 32)
    content = b32(ledger.batch(batch_id)[0])
    # an invented record cannot be added to the executed records: the content no longer matches
    forged_pairs = []
    for index, amount, who, _ in records + [invented]:
        forged_pairs += [funds.words.encode(index, amount, brownie.ZERO_ADDRESS), who]
    with reverts_with("DisbursementsContentMismatch", batch_id, content, b32(funds.words.chainAll(forged_pairs))):
        ledger.executeBankBatch(batch_id, records + [invented], {"from": funds.hrss[0]})
    ledger.executeBankBatch(batch_id, records, {"from": funds.hrss[0]})
    assert b32(ledger.merkleRoot(batch_id)) == bank_tree(batch_id, records).root

    # the attacker's tree: honest leaves plus a ¥10 bn leaf; its proof does not verify against the
    # root the ledger computed, so the refund request is refused and nothing is minted
    leaves = [payout_leaf(batch_id, who, amount, ref) for _, amount, who, ref in records]
    forged_tree = MerkleTree.build(leaves + [payout_leaf(batch_id, invented[2], TEN_BN_YUAN, invented[3])])
    before = ledger_state(funds)
    forged_payout = (invented[2], TEN_BN_YUAN, invented[3], forged_tree.proof(3))
    with reverts_with("DisbursementsInvalidProof", batch_id, invented[2]):
        ledger.requestBankRefund(batch_id, forged_payout, TEN_BN_YUAN, ZERO32, {"from": funds.hrss[0]})
    # an honest leaf's amount inflated: refused too
    inflated = (records[0][2], TEN_BN_YUAN, records[0][3], bank_tree(batch_id, records).proof(0))
    with reverts_with("DisbursementsInvalidProof", batch_id, records[0][2]):
        ledger.requestBankRefund(batch_id, inflated, TEN_BN_YUAN, ZERO32, {"from": funds.hrss[0]})
    assert ledger_state(funds) == before
    figures = ledger.lineFigures(1)
    assert figures[3] <= figures[2] and figures[0] == figures[2] + figures[4] - figures[3]


def test_refunds_of_a_payout_never_exceed_it_whoever_confirms(funds):
    ledger = funds.ledger
    batch_id, records = executed_bank_batch(funds, PEOPLE[:2])
    proof = bank_tree(batch_id, records).proof(1)
    payout = (records[1][2], records[1][1], records[1][3], proof)
    ledger.requestBankRefund(batch_id, payout, 500_000, ZERO32, {"from": funds.hrss[0]})
    # a second request while the first is pending cannot take more than what is left
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, records[1][2], 300_001, 300_000):
        ledger.requestBankRefund(batch_id, payout, 300_001, ZERO32, {"from": funds.hrss[0]})
    ledger.requestBankRefund(batch_id, payout, 300_000, ZERO32, {"from": funds.hrss[0]})
    supply = funds.token.totalSupply()
    ledger.confirmBankRefund(1, {"from": funds.bank})
    ledger.confirmBankRefund(2, {"from": funds.hrss[1]})
    assert funds.token.totalSupply() == supply + 800_000
    assert tuple(ledger.batchFunds(batch_id)) == (0, 800_000)
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, records[1][2], 1, 0):
        ledger.requestBankRefund(batch_id, payout, 1, ZERO32, {"from": funds.hrss[0]})


# --- 2. one officer re-mints ---------------------------------------------------------------------


def test_one_officer_cannot_remint_an_honest_bank_payout(funds):
    ledger = funds.ledger
    batch_id, records = executed_bank_batch(funds, PEOPLE[:2])
    payout = (records[0][2], records[0][1], records[0][3], bank_tree(batch_id, records).proof(0))
    before = ledger_state(funds)
    tx = ledger.requestBankRefund(batch_id, payout, 800_000, b"\x0b" * 32, {"from": funds.hrss[0]})
    assert b32(tx.events["BankRefundRequested"]["settlementRef"]) == records[0][3]  # names the settlement
    # hrss[0] also holds APPROVER_ROLE: still cannot confirm its own request
    assert ledger.hasRole(ledger.APPROVER_ROLE(), funds.hrss[0])
    with reverts_with("DisbursementsRefundConfirmerNotAllowed", 1, funds.hrss[0]):
        ledger.confirmBankRefund(1, {"from": funds.hrss[0]})
    # an approver of another department is not the running department's second officer
    with reverts_with("DisbursementsRefundConfirmerNotAllowed", 1, funds.fin[1]):
        ledger.confirmBankRefund(1, {"from": funds.fin[1]})
    with reverts_with("DisbursementsRefundConfirmerNotAllowed", 1, funds.outsider):
        ledger.cancelBankRefund(1, ZERO32, {"from": funds.outsider})
    after = ledger_state(funds)
    assert after[:4] == before[:4]  # nothing minted, nothing booked; only the request is on record


# --- 6. stale payee ----------------------------------------------------------------------------


def test_a_batch_approved_before_a_key_recovery_never_pays_the_lost_key(funds, accounts):
    ledger, lost, new = funds.ledger, accounts[1], accounts[17]
    batch_id, entries, _ = propose(funds, PENSION, 0, WALLET, [(p, 100_000) for p in PEOPLE[:3]])
    approve(funds, batch_id)
    funds.identity.grantRole(funds.identity.REGISTRAR_ROLE(), accounts[18], {"from": funds.admin})
    funds.identity.proposeRecovery(PEOPLE[0], new, {"from": funds.police})
    funds.identity.confirmRecovery(PEOPLE[0], new, {"from": accounts[18]})

    tx = ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    withheld = tx.events["PayoutWithheld"]
    assert (withheld["batchId"], b32(withheld["beneficiary"]), withheld["index"]) == (batch_id, PEOPLE[0], 0)
    assert (withheld["amount"], withheld["account"], withheld["current"]) == (100_000, lost, new)
    assert funds.token.balanceOf(lost) == 0 and funds.token.balanceOf(new) == 0
    assert tx.events["BatchExecuted"]["total"] == 200_000
    assert [t["to"] for t in tx.events["Transfer"]] == [accounts[2], accounts[3]]
    assert tuple(ledger.batchFunds(batch_id)) == (100_000, 0)
    assert tuple(ledger.programAccount(PENSION))[:3] == (1, 200_000, 0)
    assert ledger.periodTotal(PENSION, 0) == 200_000
    # the reservation is released: the beneficiary is paid again, to the current account
    assert not ledger.isPaid(PENSION, 0, 0)
    again, again_entries, _ = propose(funds, PENSION, 0, WALLET, [(PEOPLE[0], 100_000)])
    assert pairs(again_entries)[0][0] & (2**160 - 1) == int(new.address, 16)
    approve(funds, again)
    ledger.executeWalletBatch(again, again_entries, {"from": funds.hrss[0]})
    assert funds.token.balanceOf(new) == 100_000 and funds.token.balanceOf(lost) == 0
    # the withheld payout cannot be "refunded"
    funds.token.approve(ledger, 1, {"from": new})
    with reverts_with("DisbursementsPayoutWithheld", batch_id, PEOPLE[0]):
        ledger.refundWalletPayout(batch_id, entries, 0, 1, ZERO32, {"from": funds.hrss[0]})


def test_a_batch_for_an_identity_revoked_after_approval_withholds_it(funds):
    ledger = funds.ledger
    wallet, wallet_entries, _ = propose(funds, PENSION, 0, WALLET, [(p, 100_000) for p in PEOPLE[:2]])
    bank, bank_entries, _ = propose(funds, PENSION, 1, BANK, [(p, 100_000) for p in PEOPLE[:2]])
    approve(funds, wallet)
    approve(funds, bank)
    funds.identity.revoke(PEOPLE[1], b"\xde" * 32, {"from": funds.police})
    supply = funds.token.totalSupply()

    tx = ledger.executeWalletBatch(wallet, wallet_entries, {"from": funds.hrss[0]})
    assert b32(tx.events["PayoutWithheld"]["beneficiary"]) == PEOPLE[1]
    assert tx.events["PayoutWithheld"]["current"] == brownie.ZERO_ADDRESS
    assert funds.token.balanceOf(funds.citizens[1]) == 0

    # bank mode: the revoked entry needs no settlement reference, is not recorded nor burned,
    # and no proof of it verifies against the computed root
    records = bank_records(bank_entries, [b"\x01" * 32, ZERO32])
    tx = ledger.executeBankBatch(bank, records, {"from": funds.hrss[0]})
    assert b32(tx.events["PayoutWithheld"]["beneficiary"]) == PEOPLE[1]
    assert tx.events["Settled"]["amount"] == 100_000
    assert funds.token.totalSupply() == supply - 100_000
    tree = bank_tree(bank, records[:1])
    assert b32(ledger.merkleRoot(bank)) == tree.root
    assert not ledger.verifyBankPayout(bank, PEOPLE[1], 100_000, ZERO32, [])
    assert ledger.batch(bank)[5] == EXECUTED and tuple(ledger.batchFunds(bank)) == (100_000, 0)
    figures = ledger.lineFigures(1)
    assert figures[2] == 200_000 and figures[0] == figures[2] + figures[4] - figures[3]


# --- 7. removed officers ---------------------------------------------------------------------------


def test_officers_removed_from_their_department_lose_their_ledger_powers(funds):
    ledger = funds.ledger
    batch_id, entries, _ = propose(funds, PENSION, 0, WALLET, [(PEOPLE[0], 100_000)])
    approve(funds, batch_id)
    funds.departments.removeOfficer(funds.hrss[0], {"from": funds.admin})
    funds.departments.removeOfficer(funds.fin[0], {"from": funds.admin})
    before = ledger_state(funds)
    # the department registry refuses to vouch for them (DepartmentRegistry.activeDepartmentOf)
    with reverts_with("DepartmentRegistryNotAnOfficer", funds.hrss[0]):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    with reverts_with("DepartmentRegistryNotAnOfficer", funds.fin[0]):
        ledger.fundProgram(PENSION, 1, {"from": funds.fin[0]})
    with reverts_with("DepartmentRegistryNotAnOfficer", funds.hrss[0]):
        ledger.proposeBatch(PENSION, 1, WALLET, [(PEOPLE[1], 1)], {"from": funds.hrss[0]})
    assert ledger_state(funds) == before and ledger.batch(batch_id)[5] != EXECUTED
    # a current officer of the running department executes it
    ledger.executeWalletBatch(batch_id, entries, {"from": funds.payout_service})
    # an officer of another department with the treasurer role is not the finance bureau
    ledger.grantRole(ledger.TREASURER_ROLE(), funds.drc, {"from": funds.admin})
    with reverts_with("DisbursementsNotFinanceOfficer", funds.drc):
        ledger.fundProgram(PENSION, 1, {"from": funds.drc})


# --- separation of duties ------------------------------------------------------------------------


def test_a_program_can_require_an_executor_who_neither_proposed_nor_approved(funds):
    ledger = funds.ledger
    batch_id, entries, _ = propose(funds, STRICT, 0, WALLET, [(PEOPLE[0], 100_000)])
    approve(funds, batch_id, funds.hrss[1])
    assert ledger.departmentApprover(batch_id) == funds.hrss[1]
    for officer in (funds.hrss[0], funds.hrss[1]):  # the proposer, the approver
        with reverts_with("DisbursementsExecutorNotSeparate", batch_id, officer):
            ledger.executeWalletBatch(batch_id, entries, {"from": officer})
    ledger.executeWalletBatch(batch_id, entries, {"from": funds.payout_service})
    # the other program does not require it, until governance requires it for every program
    plain, plain_entries, _ = propose(funds, PENSION, 0, WALLET, [(PEOPLE[0], 100_000)])
    approve(funds, plain)
    tx = ledger.setExecutorSeparation(True, {"from": funds.admin})
    assert tx.events["ExecutorSeparationSet"]["required"] is True and ledger.executorSeparation()
    with reverts_with("DisbursementsExecutorNotSeparate", plain, funds.hrss[0]):
        ledger.executeWalletBatch(plain, plain_entries, {"from": funds.hrss[0]})
    ledger.executeWalletBatch(plain, plain_entries, {"from": funds.payout_service})


def test_expired_and_unknown_refund_requests(funds):
    ledger = funds.ledger
    batch_id, records = executed_bank_batch(funds, PEOPLE[:1])
    payout = (records[0][2], records[0][1], records[0][3], bank_tree(batch_id, records).proof(0))
    ledger.requestBankRefund(batch_id, payout, 1, ZERO32, {"from": funds.hrss[0]})
    tx = ledger.cancelBankRefund(1, b"\x0c" * 32, {"from": funds.bank})
    assert tx.events["BankRefundCancelled"]["officer"] == funds.bank
    assert tuple(ledger.payoutState(batch_id, records[0][2])) == (0, 0, False)
    with reverts_with("DisbursementsRefundNotPending", 1, 3):
        ledger.cancelBankRefund(1, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsUnknownRefund", 2):
        ledger.cancelBankRefund(2, ZERO32, {"from": funds.hrss[0]})
    chain.sleep(1)
