"""Disbursements: program funding, batches (propose, four-eyes approval, execute), both payout modes,
cancellation, refunds, traceability. Every revert asserts its error and that nothing changed."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain

from conftest import reverts_with, unauthorized
from fundskit import (
    APPROVED,
    BANK,
    CANCELLED,
    DAY,
    EXECUTED,
    NONE,
    NO_ATTESTATION,
    PROPOSED,
    REVOKED,
    WALLET,
    ZERO32,
    approve,
    approved_budget,
    attest,
    b32,
    bank_records,
    bank_tree,
    bind,
    code,
    create_program,
    deploy_funds,
    enroll,
    person,
    propose,
    settlement_refs,
)
from govchain.domain import MerkleTree, payout_leaf

PEOPLE = [person(i) for i in range(6)]
PENSION, SUBSIDY = 1, 2  # program ids (and their line ids)
PENSION_FUNDS, SUBSIDY_FUNDS = 10**9, 10**8
SUBSIDY_LIMIT = 300_000  # fen per period under four-eyes approval alone
U64_MAX = 2**64 - 1



@pytest.fixture(scope="module")
def funds(accounts):
    """Pension (HRSS, proof of life required) on line 1; subsidy (HRSS, low period limit) on line 2.
    Six citizens with wallets accounts[1..6], enrolled in both; all but PEOPLE[3] attested."""
    funds = deploy_funds(accounts)
    approved_budget(funds, [("PENSION", 10**10), ("SUBSIDY", 10**9)])
    create_program(funds, 1, attestation_max_age=365 * DAY)
    create_program(funds, 2, period_limit=SUBSIDY_LIMIT, name="企业稳岗补贴")
    bind(funds, PEOPLE, funds.citizens)
    enroll(funds, PENSION, PEOPLE)
    enroll(funds, SUBSIDY, PEOPLE)
    attest(funds, [p for p in PEOPLE if p != PEOPLE[3]])
    funds.ledger.fundProgram(PENSION, PENSION_FUNDS, {"from": funds.fin[0]})
    funds.ledger.fundProgram(SUBSIDY, SUBSIDY_FUNDS, {"from": funds.fin[0]})
    return funds


@pytest.fixture(scope="module")
def ledger(funds):
    return funds.ledger


def requests(people, base=100_000):
    return [(p, base + PEOPLE.index(p)) for p in people]


def decode(funds, entries):
    """The PayoutWords of a batch's content (word, commitment, word, ...), decoded."""
    return [tuple(funds.words.decode(e)) for e in entries[::2]]


def snapshot(funds, program_id=PENSION, period=0):
    """What a rejected call must leave unchanged."""
    ledger = funds.ledger
    return (
        ledger.batchCount(),
        tuple(ledger.programAccount(program_id)),
        ledger.periodTotal(program_id, period),
        [ledger.isPaid(program_id, period, i) for i in range(len(PEOPLE))],
        funds.token.totalSupply(),
    )


def paid_batch(funds, people, program_id=PENSION, period=0, mode=WALLET):
    batch_id, entries, _ = propose(funds, program_id, period, mode, requests(people))
    approve(funds, batch_id)
    return batch_id, entries


# --- funding -----------------------------------------------------------------------------------


def test_fund_program_mints_against_the_approved_line(funds, ledger):
    tx = ledger.fundProgram(PENSION, 5_000, {"from": funds.fin[0]})
    event = tx.events["ProgramFunded"]
    funded = (event["programId"], event["lineId"], event["amount"], event["allocation"])
    assert funded == (1, 1, 5_000, PENSION_FUNDS + 5_000)
    assert tx.events["Transfer"]["to"] == ledger and tx.events["Transfer"]["value"] == 5_000
    assert funds.token.balanceOf(ledger) == PENSION_FUNDS + SUBSIDY_FUNDS + 5_000
    account = ledger.programAccount(PENSION)
    assert tuple(account)[:5] == (1, 0, 0, 0, PENSION_FUNDS + 5_000) and account[5] is False and b32(account[6]) == code("HRSS")
    assert tuple(ledger.lineFigures(1)) == (10**10, PENSION_FUNDS + 5_000, 0, 0, 10**10)
    assert ledger.available(PENSION) == PENSION_FUNDS + 5_000


def test_fund_program_rejects_bad_funding(funds, ledger):
    before = snapshot(funds)
    unassigned = 10**10 - PENSION_FUNDS
    with reverts_with("DisbursementsLineExceeded", 1, unassigned + 1, unassigned):
        ledger.fundProgram(PENSION, unassigned + 1, {"from": funds.fin[0]})
    with reverts_with("DisbursementsLineExceeded", 1, 2**64, unassigned):
        ledger.fundProgram(PENSION, 2**64, {"from": funds.fin[0]})
    with reverts_with("DisbursementsZeroFunding", PENSION):
        ledger.fundProgram(PENSION, 0, {"from": funds.fin[0]})
    with reverts_with("ProgramRegistryUnknownProgram", 9):
        ledger.fundProgram(9, 1, {"from": funds.fin[0]})
    assert snapshot(funds) == before


# --- proposal ----------------------------------------------------------------------------------


def test_propose_checks_reserves_and_hashes(funds, ledger):
    people = PEOPLE[:3]
    batch_id, entries, tx = propose(funds, PENSION, 0, WALLET, requests(people))
    proposed = tx.events["BatchProposed"]
    assert (proposed["batchId"], proposed["programId"], proposed["period"], proposed["mode"]) == (1, PENSION, 0, WALLET)
    assert proposed["proposer"] == funds.hrss[0]
    assert decode(funds, entries) == [(i, 100_000 + i, funds.citizens[i]) for i in range(3)]
    added = tx.events["BatchEntriesAdded"]
    content = funds.words.chainAll(entries)
    figures = (added["total"], added["count"], b32(added["contentHash"]), added["needsFullApproval"])
    assert figures == (300_003, 3, b32(content), False)
    batch = ledger.batch(batch_id)
    assert b32(batch[0]) == b32(content)
    assert tuple(batch)[1:10] == (PENSION, 0, 3, 300_003, PROPOSED, WALLET, False, False, 0)
    assert batch[10] == funds.hrss[0] and batch[11] == tx.timestamp
    assert batch[12] == 3 * ledger.FRESH_PAYOUT_GAS()  # none of them holds the token yet
    assert [ledger.isPaid(PENSION, 0, i) for i in range(6)] == [True, True, True, False, False, False]
    assert not ledger.isPaid(PENSION, 1, 0)
    assert ledger.programAccount(PENSION)[2] == 300_003 and ledger.available(PENSION) == PENSION_FUNDS - 300_003
    assert ledger.periodTotal(PENSION, 0) == 300_003


def test_ineligible_beneficiaries_are_refused_and_the_rest_goes_ahead(funds, ledger):
    funds.identity.revoke(PEOPLE[4], ZERO32, {"from": funds.police})
    batch_id, entries, tx = propose(funds, PENSION, 0, WALLET, requests(PEOPLE))
    refused = [(b32(e["beneficiary"]), e["reason"]) for e in tx.events["PayoutRefused"]]
    assert refused == [(PEOPLE[3], NO_ATTESTATION), (PEOPLE[4], REVOKED)]
    assert all(e["batchId"] == batch_id for e in tx.events["PayoutRefused"])
    assert [d[0] for d in decode(funds, entries)] == [0, 1, 2, 5]
    assert [ledger.isPaid(PENSION, 0, i) for i in range(6)] == [True, True, True, False, False, True]
    before = snapshot(funds, period=1)
    with reverts_with("DisbursementsNoEligibleBeneficiary", PENSION, 1):
        ledger.proposeBatch(PENSION, 1, WALLET, requests([PEOPLE[3], PEOPLE[4]]), {"from": funds.hrss[0]})
    assert snapshot(funds, period=1) == before


def test_bad_entries_revert_with_their_error_and_change_nothing(funds, ledger):
    officer = {"from": funds.hrss[0]}
    propose(funds, PENSION, 0, WALLET, requests([PEOPLE[5]]))
    before = snapshot(funds)
    max_wallet, max_bank = ledger.MAX_WALLET_BATCH(), ledger.MAX_BANK_BATCH()
    cases = [
        (("DisbursementsZeroAmount", PEOPLE[1]), (PENSION, 0, WALLET, [(PEOPLE[0], 5), (PEOPLE[1], 0)])),
        (("DisbursementsAmountOverflow", PEOPLE[0], 2**64), (PENSION, 0, WALLET, [(PEOPLE[0], 2**64)])),
        (
            ("DisbursementsDuplicateBeneficiary", PEOPLE[0]),
            (PENSION, 0, WALLET, requests([PEOPLE[0], PEOPLE[1], PEOPLE[0]])),
        ),
        (("DisbursementsAlreadyPaid", PENSION, 0, PEOPLE[5]), (PENSION, 0, WALLET, requests([PEOPLE[0], PEOPLE[5]]))),
        (("DisbursementsAlreadyPaid", PENSION, 0, PEOPLE[5]), (PENSION, 0, BANK, requests([PEOPLE[5]]))),
        (("ProgramRegistryNotEnrolled", PENSION, person(99)), (PENSION, 0, WALLET, [(PEOPLE[0], 1), (person(99), 1)])),
        (("DisbursementsEmptyBatch",), (PENSION, 0, WALLET, [])),
        (
            ("DisbursementsBatchTooLarge", max_wallet + 1, max_wallet),
            (PENSION, 0, WALLET, [(PEOPLE[0], 1)] * (max_wallet + 1)),
        ),
        (("DisbursementsBatchTooLarge", max_bank + 1, max_bank), (PENSION, 0, BANK, [(PEOPLE[0], 1)] * (max_bank + 1))),
        (
            ("DisbursementsInsufficientFunds", PENSION, U64_MAX, PENSION_FUNDS - 100_005),
            (PENSION, 0, WALLET, [(PEOPLE[0], U64_MAX)]),
        ),
        (("DisbursementsPeriodOutOfSchedule", PENSION, 24, 24), (PENSION, 24, WALLET, requests([PEOPLE[0]]))),
    ]
    for error, args in cases:
        with reverts_with(*error):
            ledger.proposeBatch(*args, officer)
    due = funds.programs.dueAt(PENSION, 12)
    with reverts_with("DisbursementsPeriodNotDue", PENSION, 12, due):
        ledger.proposeBatch(PENSION, 12, WALLET, requests([PEOPLE[0]]), officer)
    with reverts_with("DisbursementsWrongDepartment", PENSION, funds.civil):
        ledger.proposeBatch(PENSION, 0, WALLET, requests([PEOPLE[0]]), {"from": funds.civil})
    unfunded = create_program(funds, 1)
    with reverts_with("DisbursementsProgramNotFunded", unfunded):
        ledger.proposeBatch(unfunded, 0, WALLET, requests([PEOPLE[0]]), officer)
    assert snapshot(funds) == before


def test_wallet_batch_too_heavy_for_one_transaction(funds, ledger):
    """Fresh holders cost 17,100 gas more each: a batch whose estimate passes the budget is refused."""
    fresh = [person(1000 + i) for i in range(ledger.WALLET_GAS_BUDGET() // ledger.FRESH_PAYOUT_GAS() + 1)]
    bind(funds, fresh)
    enroll(funds, SUBSIDY, fresh)
    estimate = len(fresh) * ledger.FRESH_PAYOUT_GAS()
    with reverts_with("DisbursementsBatchGasTooHigh", estimate, ledger.WALLET_GAS_BUDGET()):
        ledger.proposeBatch(SUBSIDY, 0, WALLET, [(p, 1) for p in fresh], {"from": funds.hrss[0]})
    assert ledger.batchCount() == 0 and not ledger.isPaid(SUBSIDY, 0, 6)


def test_extend_batch_in_parts_before_approval(funds, ledger, accounts):
    batch_id, first, _ = propose(funds, PENSION, 0, WALLET, requests(PEOPLE[:2]))
    tx = ledger.extendBatch(batch_id, requests([PEOPLE[2], PEOPLE[5]]), {"from": funds.hrss[0]})
    added = tx.events["BatchEntriesAdded"]
    entries = first + list(added["entries"])
    assert [d[0] for d in decode(funds, entries)] == [0, 1, 2, 5]
    assert (added["total"], added["count"]) == (400_008, 4)
    assert b32(ledger.batch(batch_id)[0]) == b32(funds.words.chainAll(entries)) == b32(added["contentHash"])
    # a beneficiary of an earlier part is already reserved
    with reverts_with("DisbursementsAlreadyPaid", PENSION, 0, PEOPLE[1]):
        ledger.extendBatch(batch_id, requests([PEOPLE[1]]), {"from": funds.hrss[0]})
    # only the proposer extends; a second officer who extends could approve their own entries
    ledger.grantRole(ledger.OPERATOR_ROLE(), funds.hrss[1], {"from": funds.admin})
    with reverts_with("DisbursementsNotProposer", batch_id, funds.hrss[1]):
        ledger.extendBatch(batch_id, requests([PEOPLE[4]]), {"from": funds.hrss[1]})
    approve(funds, batch_id)
    with reverts_with("DisbursementsBatchLocked", batch_id):
        ledger.extendBatch(batch_id, requests([PEOPLE[4]]), {"from": funds.hrss[0]})
    other, _, _ = propose(funds, PENSION, 1, WALLET, requests([PEOPLE[0]]))
    chain.sleep(ledger.BATCH_VALIDITY() + 1)
    with reverts_with("DisbursementsBatchExpired", other, ledger.batch(other)[11] + ledger.BATCH_VALIDITY()):
        ledger.extendBatch(other, requests([PEOPLE[1]]), {"from": funds.hrss[0]})
    assert ledger.batch(other)[3] == 1 and not ledger.isPaid(PENSION, 1, 1)


# --- approval ----------------------------------------------------------------------------------


def test_second_officer_approves_the_exact_content(funds, ledger):
    batch_id, _, _ = propose(funds, PENSION, 0, WALLET, requests(PEOPLE[:2]))
    content = ledger.batch(batch_id)[0]
    with reverts_with("DisbursementsContentMismatch", batch_id, b32(content), b"\x01" * 32):
        ledger.approveBatch(batch_id, b"\x01" * 32, {"from": funds.hrss[1]})
    with reverts_with("DisbursementsSameOfficer", batch_id, funds.hrss[0]):
        ledger.approveBatch(batch_id, content, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsApproverNotAllowed", batch_id, funds.civil, code("CIVIL")):
        ledger.approveBatch(batch_id, content, {"from": funds.civil})
    # within the period limit finance has no say: the four eyes are the running department's
    with reverts_with("DisbursementsApproverNotAllowed", batch_id, funds.fin[1], code("FIN")):
        ledger.approveBatch(batch_id, content, {"from": funds.fin[1]})
    assert ledger.batch(batch_id)[5] == PROPOSED
    tx = ledger.approveBatch(batch_id, content, {"from": funds.hrss[1]})
    event = tx.events["BatchApproved"]
    approval = (event["batchId"], event["approver"], b32(event["department"]), event["complete"])
    assert approval == (batch_id, funds.hrss[1], code("HRSS"), True)
    assert tuple(ledger.batch(batch_id))[5:10] == (APPROVED, WALLET, False, True, 0)
    with reverts_with("DisbursementsBatchNotProposed", batch_id, APPROVED):
        ledger.approveBatch(batch_id, content, {"from": funds.hrss[1]})
    with reverts_with("DisbursementsBatchNotProposed", 99, NONE):
        ledger.approveBatch(99, content, {"from": funds.hrss[1]})
    late, _, _ = propose(funds, PENSION, 1, WALLET, requests(PEOPLE[:1]))
    chain.sleep(ledger.BATCH_VALIDITY() + 1)
    with reverts_with("DisbursementsBatchExpired", late, ledger.batch(late)[11] + ledger.BATCH_VALIDITY()):
        approve(funds, late)


def test_above_the_period_limit_finance_must_also_approve(funds, ledger):
    small, _, tx = propose(funds, SUBSIDY, 0, WALLET, [(PEOPLE[0], 200_000)])
    assert tx.events["BatchEntriesAdded"]["needsFullApproval"] is False
    big, _, tx = propose(funds, SUBSIDY, 0, WALLET, [(PEOPLE[1], 150_000)])
    assert tx.events["BatchEntriesAdded"]["needsFullApproval"] is True  # 350,000 > 300,000 this period
    assert ledger.periodTotal(SUBSIDY, 0) == 350_000
    content = ledger.batch(big)[0]
    tx = ledger.approveBatch(big, content, {"from": funds.fin[1]})
    assert tx.events["BatchApproved"]["complete"] is False and ledger.batch(big)[9] == 1
    with reverts_with("DisbursementsAlreadyApproved", big, funds.fin[1]):
        ledger.approveBatch(big, content, {"from": funds.fin[1]})
    tx = ledger.approveBatch(big, content, {"from": funds.hrss[1]})
    assert tx.events["BatchApproved"]["complete"] is False and ledger.batch(big)[5] == PROPOSED
    third = funds.outsider  # a third HRSS officer: the department's four eyes are already there
    funds.departments.assignOfficer(third, code("HRSS"), {"from": funds.admin})
    ledger.grantRole(ledger.APPROVER_ROLE(), third, {"from": funds.admin})
    with reverts_with("DisbursementsAlreadyApproved", big, third):
        ledger.approveBatch(big, content, {"from": third})
    with reverts_with("DisbursementsBatchNotApproved", big, PROPOSED):
        ledger.executeWalletBatch(big, [], {"from": funds.hrss[0]})
    tx = ledger.approveBatch(big, content, {"from": funds.fin[2]})
    assert tx.events["BatchApproved"]["complete"] is True and ledger.batch(big)[5] == APPROVED
    assert ledger.batch(small)[7] is False


# --- execution ---------------------------------------------------------------------------------


def test_execute_wallet_batch_pays_and_books(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:3])
    tx = ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    executed = tx.events["BatchExecuted"]
    assert (executed["batchId"], executed["programId"], executed["period"]) == (batch_id, PENSION, 0)
    assert executed["mode"] == WALLET
    assert (executed["total"], executed["count"]) == (300_003, 3)
    assert [(t["from"], t["to"], t["value"]) for t in tx.events["Transfer"]] == [
        (ledger, funds.citizens[i], 100_000 + i) for i in range(3)
    ]
    assert [funds.token.balanceOf(funds.citizens[i]) for i in range(4)] == [100_000, 100_001, 100_002, 0]
    assert ledger.batch(batch_id)[5] == EXECUTED
    assert tuple(ledger.programAccount(PENSION))[:5] == (1, 300_003, 0, 0, PENSION_FUNDS)
    assert tuple(ledger.lineFigures(1)) == (10**10, PENSION_FUNDS, 300_003, 0, 10**10 - 300_003)
    assert funds.token.balanceOf(ledger) == PENSION_FUNDS + SUBSIDY_FUNDS - 300_003
    # next period the same beneficiaries are existing holders: the estimate drops accordingly
    nxt, _, _ = propose(funds, PENSION, 1, WALLET, requests(PEOPLE[:3]))
    assert ledger.batch(nxt)[12] == 3 * ledger.EXISTING_PAYOUT_GAS()
    with reverts_with("DisbursementsBatchNotApproved", batch_id, EXECUTED):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})


def test_execution_accepts_only_the_approved_entries(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:3])
    content = b32(ledger.batch(batch_id)[0])
    index, amount, account = funds.words.decode(entries[2])
    inflated = list(entries)
    inflated[2] = funds.words.encode(index, amount + 1, account)
    redirected = list(entries)
    redirected[2] = funds.words.encode(index, amount, funds.outsider)
    someone_else = list(entries)
    someone_else[3] = PEOPLE[4]
    tampered = [inflated, redirected, someone_else, entries[:2], entries[::-1], entries + entries[:2]]
    pending, pending_entries, _ = propose(funds, PENSION, 1, WALLET, requests(PEOPLE[:1]))
    before = snapshot(funds)
    for payouts in tampered:
        actual = b32(funds.words.chainAll(payouts))
        with reverts_with("DisbursementsContentMismatch", batch_id, content, actual):
            ledger.executeWalletBatch(batch_id, payouts, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsWrongMode", batch_id, WALLET):
        ledger.executeBankBatch(batch_id, [], {"from": funds.hrss[0]})
    with reverts_with("DisbursementsBatchNotApproved", pending, PROPOSED):
        ledger.executeWalletBatch(pending, pending_entries, {"from": funds.hrss[0]})
    assert snapshot(funds) == before and funds.token.balanceOf(funds.outsider) == 0
    chain.sleep(ledger.BATCH_VALIDITY() + 1)
    with reverts_with("DisbursementsBatchExpired", batch_id, ledger.batch(batch_id)[11] + ledger.BATCH_VALIDITY()):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})


def test_bank_batch_records_payouts_under_a_python_merkle_root(funds, ledger):
    people = [PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[5]]
    batch_id, entries = paid_batch(funds, people, mode=BANK)
    decoded = decode(funds, entries)
    assert all(account == brownie.ZERO_ADDRESS for _, _, account in decoded)
    refs = settlement_refs(len(people))
    records = bank_records(entries, refs)
    # the content names beneficiaries by commitment; the leaf is built by govchain.domain
    assert [r[2] for r in records] == people
    assert [b32(funds.programs.beneficiaryAt(PENSION, r[0])) for r in records] == people
    tree = MerkleTree.build([payout_leaf(batch_id, p, amount, ref) for p, (_, amount, _, ref) in zip(people, records)])
    supply = funds.token.totalSupply()
    tx = ledger.executeBankBatch(batch_id, records, {"from": funds.hrss[0]})

    recorded = tx.events["BankPayoutsRecorded"]
    assert b32(recorded["merkleRoot"]) == tree.root  # computed on chain, equal to Python's tree
    assert [(r[0], r[1], b32(r[2]), b32(r[3])) for r in recorded["records"]] == records
    assert tx.events["BatchExecuted"]["mode"] == BANK and tx.events["BatchExecuted"]["total"] == 400_008
    settled = tx.events["Settled"]
    assert settled["account"] == ledger and settled["amount"] == 400_008 and b32(settled["settlementRef"]) == tree.root
    assert funds.token.totalSupply() == supply - 400_008
    assert b32(ledger.merkleRoot(batch_id)) == tree.root
    assert ledger.lineFigures(1)[2] == 400_008
    # every citizen verifies their own payout on chain with a proof made in Python
    for i, (p, (_, amount, _, ref)) in enumerate(zip(people, records)):
        assert ledger.verifyBankPayout(batch_id, p, amount, ref, tree.proof(i))
    assert not ledger.verifyBankPayout(batch_id, people[1], records[1][1] + 1, refs[1], tree.proof(1))
    assert not ledger.verifyBankPayout(batch_id, people[1], records[1][1], refs[0], tree.proof(1))
    assert not ledger.verifyBankPayout(batch_id + 1, people[1], records[1][1], refs[1], tree.proof(1))


def test_bank_execution_rejects_bad_records(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:2], mode=BANK)
    content = b32(ledger.batch(batch_id)[0])
    refs = settlement_refs(2)
    records = bank_records(entries, refs)
    before = snapshot(funds)
    with reverts_with("DisbursementsZeroSettlementRef", batch_id, 1):
        unreferenced = [records[0], (*records[1][:3], ZERO32)]
        ledger.executeBankBatch(batch_id, unreferenced, {"from": funds.hrss[0]})
    changed = [records[0], (records[1][0], records[1][1] - 1, *records[1][2:])]
    swapped = [records[0], (*records[1][:2], PEOPLE[4], refs[1])]
    for bad in (changed, swapped):
        content_pairs = []
        for index, amount, who, _ in bad:
            content_pairs += [funds.words.encode(index, amount, brownie.ZERO_ADDRESS), who]
        with reverts_with("DisbursementsContentMismatch", batch_id, content, b32(funds.words.chainAll(content_pairs))):
            ledger.executeBankBatch(batch_id, bad, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsWrongMode", batch_id, BANK):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    assert snapshot(funds) == before and ledger.merkleRoot(batch_id) == "0x" + "00" * 32


# --- cancellation --------------------------------------------------------------------------------


def test_cancel_releases_the_reservations(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:3])
    tx = ledger.cancelBatch(batch_id, entries, b"\x0c" * 32, {"from": funds.hrss[0]})
    event = tx.events["BatchCancelled"]
    assert (event["batchId"], event["officer"], b32(event["reasonHash"])) == (batch_id, funds.hrss[0], b"\x0c" * 32)
    assert ledger.batch(batch_id)[5] == CANCELLED
    assert not any(ledger.isPaid(PENSION, 0, i) for i in range(6))
    assert ledger.available(PENSION) == PENSION_FUNDS and ledger.periodTotal(PENSION, 0) == 0
    with reverts_with("DisbursementsBatchNotApproved", batch_id, CANCELLED):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    again, again_entries = paid_batch(funds, PEOPLE[:3])
    ledger.executeWalletBatch(again, again_entries, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsBatchNotCancellable", again, EXECUTED):
        ledger.cancelBatch(again, again_entries, ZERO32, {"from": funds.hrss[0]})


def test_cancel_rejections_change_nothing(funds, ledger):
    batch_id, entries, _ = propose(funds, PENSION, 0, WALLET, requests(PEOPLE[:2]))
    before = snapshot(funds)
    with reverts_with("DisbursementsWrongDepartment", PENSION, funds.civil):
        ledger.cancelBatch(batch_id, entries, ZERO32, {"from": funds.civil})
    content, partial = b32(ledger.batch(batch_id)[0]), b32(funds.words.chainAll(entries[:1]))
    with reverts_with("DisbursementsContentMismatch", batch_id, content, partial):
        ledger.cancelBatch(batch_id, entries[:1], ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsBatchNotCancellable", 7, NONE):
        ledger.cancelBatch(7, entries, ZERO32, {"from": funds.hrss[0]})
    assert snapshot(funds) == before


# --- refunds -----------------------------------------------------------------------------------


def test_wallet_refund_returns_money_to_the_program(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:3])
    ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    payee = funds.citizens[1]
    funds.token.approve(ledger, 30_000, {"from": payee})
    tx = ledger.refundWalletPayout(batch_id, entries, 1, 30_000, b"\x0f" * 32, {"from": funds.hrss[0]})
    event = tx.events["PayoutRefunded"]
    refund = (event["batchId"], b32(event["beneficiary"]), event["programId"], event["amount"])
    assert refund == (batch_id, PEOPLE[1], PENSION, 30_000)
    assert b32(event["reasonHash"]) == b"\x0f" * 32
    assert tx.events["Transfer"]["from"] == payee and tx.events["Transfer"]["to"] == ledger
    assert funds.token.balanceOf(payee) == 100_001 - 30_000
    assert ledger.refunded(batch_id, PEOPLE[1]) == 30_000
    assert tuple(ledger.programAccount(PENSION))[:5] == (1, 300_003, 0, 30_000, PENSION_FUNDS)
    figures = ledger.lineFigures(1)
    assert tuple(figures) == (10**10, PENSION_FUNDS, 300_003, 30_000, 10**10 - 300_003 + 30_000)
    assert figures[0] == figures[2] + figures[4] - figures[3]
    assert ledger.available(PENSION) == PENSION_FUNDS - 300_003 + 30_000

    funds.token.approve(ledger, 10**6, {"from": payee})
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, PEOPLE[1], 70_002, 70_001):
        ledger.refundWalletPayout(batch_id, entries, 1, 70_002, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, PEOPLE[1], 2**64, 70_001):
        ledger.refundWalletPayout(batch_id, entries, 1, 2**64, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsZeroAmount", PEOPLE[1]):
        ledger.refundWalletPayout(batch_id, entries, 1, 0, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsUnknownPayout", batch_id, 3):
        ledger.refundWalletPayout(batch_id, entries, 3, 1, ZERO32, {"from": funds.hrss[0]})
    content, partial = b32(ledger.batch(batch_id)[0]), b32(funds.words.chainAll(entries[1:]))
    with reverts_with("DisbursementsContentMismatch", batch_id, content, partial):
        ledger.refundWalletPayout(batch_id, entries[1:], 0, 1, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("ERC20InsufficientAllowance", ledger, 0, 1):
        ledger.refundWalletPayout(batch_id, entries, 0, 1, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsWrongDepartment", PENSION, funds.civil):
        ledger.refundWalletPayout(batch_id, entries, 1, 1, ZERO32, {"from": funds.civil})
    pending, pending_entries, _ = propose(funds, PENSION, 1, WALLET, requests(PEOPLE[:1]))
    with reverts_with("DisbursementsBatchNotExecuted", pending, PROPOSED):
        ledger.refundWalletPayout(pending, pending_entries, 0, 1, ZERO32, {"from": funds.hrss[0]})
    assert ledger.refunded(batch_id, PEOPLE[1]) == 30_000 and funds.token.balanceOf(payee) == 70_001


def test_bank_refund_needs_the_payout_proof_and_a_second_party(funds, ledger):
    people = PEOPLE[:3]
    batch_id, entries = paid_batch(funds, people, mode=BANK)
    refs = settlement_refs(3)
    records = bank_records(entries, refs)
    ledger.executeBankBatch(batch_id, records, {"from": funds.hrss[0]})
    tree = bank_tree(batch_id, records)
    supply = funds.token.totalSupply()
    payout = (people[2], records[2][1], refs[2], tree.proof(2))
    tx = ledger.requestBankRefund(batch_id, payout, 100_002, b"\x0b" * 32, {"from": funds.hrss[0]})
    requested = tx.events["BankRefundRequested"]
    assert (requested["refundId"], requested["batchId"], b32(requested["beneficiary"])) == (1, batch_id, people[2])
    assert (requested["amount"], b32(requested["settlementRef"]), requested["requester"]) == (100_002, refs[2], funds.hrss[0])
    assert funds.token.totalSupply() == supply and tuple(ledger.payoutState(batch_id, people[2])) == (0, 100_002, False)
    # the requester cannot confirm; an outsider cannot confirm; a request never exceeds the payout
    for who in (funds.hrss[0], funds.outsider, funds.civil):
        with reverts_with("DisbursementsRefundConfirmerNotAllowed", 1, who):
            ledger.confirmBankRefund(1, {"from": who})
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, people[2], 1, 0):
        ledger.requestBankRefund(batch_id, payout, 1, ZERO32, {"from": funds.hrss[0]})
    tx = ledger.confirmBankRefund(1, {"from": funds.bank})
    assert tx.events["BankRefundConfirmed"]["confirmer"] == funds.bank
    refund = tx.events["PayoutRefunded"]
    assert refund["amount"] == 100_002 and b32(refund["beneficiary"]) == people[2]
    assert tx.events["Transfer"]["from"] == brownie.ZERO_ADDRESS and tx.events["Transfer"]["to"] == ledger
    assert funds.token.totalSupply() == supply + 100_002
    assert tuple(ledger.lineFigures(1))[2:] == (300_003, 100_002, 10**10 - 300_003 + 100_002)
    assert ledger.bankRefund(1)[2] == 2 and tuple(ledger.batchFunds(batch_id)) == (0, 100_002)
    with reverts_with("DisbursementsRefundNotPending", 1, 2):
        ledger.confirmBankRefund(1, {"from": funds.hrss[1]})
    with reverts_with("DisbursementsRefundExceedsPayout", batch_id, people[2], 1, 0):
        ledger.requestBankRefund(batch_id, payout, 1, ZERO32, {"from": funds.hrss[0]})
    forged = (people[1], records[1][1] + 5, refs[1], tree.proof(1))
    with reverts_with("DisbursementsInvalidProof", batch_id, people[1]):
        ledger.requestBankRefund(batch_id, forged, 1, ZERO32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsWrongMode", batch_id, BANK):
        ledger.refundWalletPayout(batch_id, entries, 0, 1, ZERO32, {"from": funds.hrss[0]})
    # a second officer of the running department may confirm instead of the bank; a cancelled
    # request frees its amount again
    payout1 = (people[1], records[1][1], refs[1], tree.proof(1))
    ledger.requestBankRefund(batch_id, payout1, 50_000, ZERO32, {"from": funds.hrss[0]})
    ledger.cancelBankRefund(2, b"\x0c" * 32, {"from": funds.hrss[0]})
    with reverts_with("DisbursementsRefundNotPending", 2, 3):
        ledger.confirmBankRefund(2, {"from": funds.hrss[1]})
    ledger.requestBankRefund(batch_id, payout1, 100_001, ZERO32, {"from": funds.hrss[0]})
    ledger.confirmBankRefund(3, {"from": funds.hrss[1]})
    assert ledger.refunded(batch_id, people[1]) == 100_001
    assert funds.token.totalSupply() == supply + 100_002 + 100_001
    with reverts_with("DisbursementsUnknownRefund", 9):
        ledger.confirmBankRefund(9, {"from": funds.bank})


# --- traceability, closed loop, access -------------------------------------------------------------


def test_trace_from_payout_to_budget_approvals(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:1])
    tx = ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    found = ledger.trace(tx.events["BatchExecuted"]["batchId"])
    assert tuple(found) == (PENSION, 1, 1)
    assert funds.programs.program(found[0])[0] == found[1] and funds.budgets.line(found[1])[0] == found[2]
    approvals = funds.budgets.approvals(found[2])
    expected = [(funds.fin[1], code("FIN")), (funds.fin[2], code("FIN")), (funds.drc, code("DRC"))]
    assert [(a[0], b32(a[1])) for a in approvals] == expected
    with reverts_with("DisbursementsUnknownBatch", 42):
        ledger.trace(42)


def test_beneficiaries_spend_only_inside_the_loop(funds, ledger):
    batch_id, entries = paid_batch(funds, PEOPLE[:2])
    ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[0]})
    citizen, neighbour = funds.citizens[0], funds.citizens[1]
    with reverts_with("FiscalTokenUnregisteredAccount", neighbour):
        funds.token.transfer(neighbour, 1, {"from": citizen})
    funds.token.transfer(funds.bank, 60_000, {"from": citizen})
    tx = funds.token.settle(60_000, b"\x5e" * 32, {"from": funds.bank})
    assert tx.events["Settled"]["amount"] == 60_000
    assert funds.token.balanceOf(citizen) == 40_000


def test_unauthorized_callers_are_rejected(funds, ledger, Disbursements):
    outsider = {"from": funds.outsider}
    batch_id, entries, _ = propose(funds, PENSION, 0, WALLET, requests(PEOPLE[:1]))
    content = ledger.batch(batch_id)[0]
    calls = [
        (ledger.TREASURER_ROLE(), lambda: ledger.fundProgram(PENSION, 1, outsider)),
        (ledger.OPERATOR_ROLE(), lambda: ledger.proposeBatch(PENSION, 0, WALLET, requests(PEOPLE[1:2]), outsider)),
        (ledger.OPERATOR_ROLE(), lambda: ledger.extendBatch(batch_id, requests(PEOPLE[1:2]), outsider)),
        (ledger.APPROVER_ROLE(), lambda: ledger.approveBatch(batch_id, content, outsider)),
        (ledger.EXECUTOR_ROLE(), lambda: ledger.executeWalletBatch(batch_id, entries, outsider)),
        (ledger.EXECUTOR_ROLE(), lambda: ledger.executeBankBatch(batch_id, [], outsider)),
        (ledger.DEFAULT_ADMIN_ROLE(), lambda: ledger.setExecutorSeparation(True, outsider)),
        (ledger.OPERATOR_ROLE(), lambda: ledger.cancelBatch(batch_id, entries, ZERO32, outsider)),
        (ledger.OPERATOR_ROLE(), lambda: ledger.refundWalletPayout(batch_id, entries, 0, 1, ZERO32, outsider)),
        (
            ledger.OPERATOR_ROLE(),
            lambda: ledger.requestBankRefund(batch_id, (PEOPLE[0], 1, ZERO32, []), 1, ZERO32, outsider),
        ),
    ]
    for role, call in calls:
        with reverts_with(*unauthorized(funds.outsider, role)):
            call()
    # roles do not cross: the approver cannot execute, the executor cannot approve its own batch
    with reverts_with(*unauthorized(funds.hrss[1], ledger.EXECUTOR_ROLE())):
        ledger.executeWalletBatch(batch_id, entries, {"from": funds.hrss[1]})
    assert ledger.batch(batch_id)[5] == PROPOSED and ledger.batchCount() == 1
    args = [funds.admin, funds.token, funds.budgets, funds.programs, funds.departments, funds.identity]
    for i in range(len(args)):
        broken = list(args)
        broken[i] = brownie.ZERO_ADDRESS
        with reverts_with("DisbursementsZeroAddress"):
            Disbursements.deploy(*broken, {"from": funds.admin})
