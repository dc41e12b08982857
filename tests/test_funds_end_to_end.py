"""End to end, as the city runs it: budget -> approvals -> line -> program -> batch -> approval ->
payout -> refund, in both payout modes, then the trace from a citizen's payout back to the budget's
approvals, read from events alone and from on-chain views."""

from __future__ import annotations

import pytest
from brownie import chain, web3

from fundskit import BANK, INTERVAL, WALLET, YEAR, b32, bank_records, bank_tree, code, deploy_funds, settlement_refs
from govchain.domain import identity_commitment, identity_tag
from govchain.signer import DEV_IDENTITY_TAG_KEY

ID_NUMBERS = ["11010519491231002X", "370202195001011239", "370203194805052345", "370211195212123456"]
PENSION_LINE, MEDICAL_LINE = 900_000_000, 400_000_000  # fen
MONTHLY = [180_000, 165_050, 172_300, 158_000]  # fen per pensioner



@pytest.fixture(scope="module")
def funds(accounts):
    return deploy_funds(accounts)


def test_every_yuan_is_traceable_from_budget_to_citizen(funds, accounts):
    f = funds
    start_block = web3.eth.block_number
    # 1. finance proposes the 2026 budget; two finance officers and the DRC approve it
    lines = [
        (code("PENSION"), "城乡居民基本养老保险", PENSION_LINE),
        (code("MEDICAL"), "城乡居民医疗保险", MEDICAL_LINE),
    ]
    tx = f.budgets.proposeBudget(2026, b"\xb0" * 32, lines, {"from": f.fin[0]})
    budget_id = tx.events["BudgetProposed"]["budgetId"]
    pension_line = tx.events["BudgetLineAdded"][0]["lineId"]
    for approver in (f.fin[1], f.fin[2], f.drc):
        tx = f.budgets.approveBudget(budget_id, {"from": approver})
    assert tx.events["BudgetApproved"]["total"] == PENSION_LINE + MEDICAL_LINE

    # 2. finance creates the pension program (run by HRSS, annual proof of life) and funds it
    now = web3.eth.get_block("latest")["timestamp"]
    terms = (pension_line, code("HRSS"), now, INTERVAL, 12, 10**9, YEAR, False)
    tx = f.programs.createProgram("城乡居民基本养老保险 2026", terms, {"from": f.fin[0]})
    program_id = tx.events["ProgramCreated"]["programId"]
    f.ledger.fundProgram(program_id, 12_000_000, {"from": f.fin[0]})

    # 3. police bind the pensioners' e-IDs (salted commitments only), HRSS enrolls and attests them
    salts = [bytes([i + 1]) * 32 for i in range(4)]
    pensioners = [identity_commitment(n, s) for n, s in zip(ID_NUMBERS, salts)]
    wallets = f.citizens[:4]
    f.identity.bindPersons(wallets, pensioners, [identity_tag(n, DEV_IDENTITY_TAG_KEY) for n in ID_NUMBERS], 3, {"from": f.police})
    f.programs.enroll(program_id, pensioners, {"from": f.hrss[0]})
    f.eligibility.attest(pensioners, b"\xa7" * 32, {"from": f.hrss[0]})

    # 4. wallet mode, period 0: propose, second officer approves, execute
    requests = list(zip(pensioners, MONTHLY))
    tx = f.ledger.proposeBatch(program_id, 0, WALLET, requests, {"from": f.hrss[0]})
    wallet_batch = tx.events["BatchProposed"]["batchId"]
    wallet_entries = list(tx.events["BatchEntriesAdded"]["entries"])
    f.ledger.approveBatch(wallet_batch, f.ledger.batch(wallet_batch)[0], {"from": f.hrss[1]})
    f.ledger.executeWalletBatch(wallet_batch, wallet_entries, {"from": f.hrss[0]})
    assert [f.token.balanceOf(w) for w in wallets] == MONTHLY

    # 5. a month later, bank mode, period 1: the bank pays in fiat; the chain records references and a Merkle root
    chain.sleep(INTERVAL)
    tx = f.ledger.proposeBatch(program_id, 1, BANK, requests, {"from": f.hrss[0]})
    bank_batch = tx.events["BatchProposed"]["batchId"]
    bank_entries = list(tx.events["BatchEntriesAdded"]["entries"])
    f.ledger.approveBatch(bank_batch, f.ledger.batch(bank_batch)[0], {"from": f.hrss[1]})
    refs = settlement_refs(4)
    records = bank_records(bank_entries, refs)
    assert [(r[1], r[2]) for r in records] == list(zip(MONTHLY, pensioners))
    tree = bank_tree(bank_batch, records)
    tx = f.ledger.executeBankBatch(bank_batch, records, {"from": f.hrss[0]})
    assert b32(tx.events["BankPayoutsRecorded"]["merkleRoot"]) == b32(f.ledger.merkleRoot(bank_batch)) == tree.root
    # a pensioner checks their own bank payout knowing only their commitment, amount and reference
    assert f.ledger.verifyBankPayout(bank_batch, pensioners[2], MONTHLY[2], refs[2], tree.proof(2))

    # 6. corrections: pensioner 1 was overpaid 5,050 fen in wallet mode; pensioner 3's bank transfer bounced
    f.token.approve(f.ledger, 5_050, {"from": wallets[1]})
    f.ledger.refundWalletPayout(wallet_batch, wallet_entries, 1, 5_050, b"\xc1" * 32, {"from": f.hrss[0]})
    bounced = (pensioners[3], MONTHLY[3], refs[3], tree.proof(3))
    tx = f.ledger.requestBankRefund(bank_batch, bounced, MONTHLY[3], b"\xc2" * 32, {"from": f.hrss[0]})
    f.ledger.confirmBankRefund(tx.events["BankRefundRequested"]["refundId"], {"from": f.bank})  # the bank says it came back

    # 7. the line's figures add up and the token's supply is what was minted less what banks paid out
    allocated, assigned, disbursed, refunded, remaining = f.ledger.lineFigures(pension_line)
    expected_figures = (PENSION_LINE, 12_000_000, 2 * sum(MONTHLY), 5_050 + MONTHLY[3])
    assert (allocated, assigned, disbursed, refunded) == expected_figures
    assert allocated == disbursed + remaining - refunded
    burned = sum(MONTHLY) - MONTHLY[3]  # bank payouts, less the bounced one re-credited
    assert f.token.totalSupply() == 12_000_000 - burned
    assert f.token.balanceOf(f.ledger) == 12_000_000 - 2 * sum(MONTHLY) + 5_050 + MONTHLY[3]

    # 8. trace from events alone: pensioner 0's Transfer -> batch -> program -> line -> budget -> approvals
    received = [e for e in f.token.events.get_sequence(start_block, event_type="Transfer") if e.args.to == wallets[0]]
    assert [e.args.value for e in received] == [MONTHLY[0]]
    payout_tx = chain.get_transaction(received[0].transactionHash.hex())
    batch_id = payout_tx.events["BatchExecuted"]["batchId"]  # the same transaction names the batch
    assert batch_id == wallet_batch
    proposed = _only(f.ledger.events.get_sequence(start_block, event_type="BatchProposed"), batchId=batch_id)
    approved = f.ledger.events.get_sequence(start_block, event_type="BatchApproved")
    approvals = [e for e in approved if e.args.batchId == batch_id]
    assert [a.args.approver for a in approvals] == [f.hrss[1]] and proposed.args.proposer == f.hrss[0]
    created = _only(
        f.programs.events.get_sequence(start_block, event_type="ProgramCreated"), programId=proposed.args.programId
    )
    assert created.args.lineId == pension_line and created.args.budgetId == budget_id
    line_added = _only(
        f.budgets.events.get_sequence(start_block, event_type="BudgetLineAdded"), lineId=created.args.lineId
    )
    assert line_added.args.name == "城乡居民基本养老保险" and line_added.args.budgetId == budget_id
    budget_approvals = [
        (e.args.approver, b32(e.args.department))
        for e in f.budgets.events.get_sequence(start_block, event_type="BudgetApprovalRecorded")
        if e.args.budgetId == budget_id
    ]
    expected = [(f.fin[1], code("FIN")), (f.fin[2], code("FIN")), (f.drc, code("DRC"))]
    assert budget_approvals == expected

    # ... and from on-chain views alone
    trace = f.ledger.trace(batch_id)
    assert tuple(trace) == (program_id, pension_line, budget_id)
    assert [(a[0], b32(a[1])) for a in f.budgets.approvals(trace[2])] == expected
    # a bank record names the pensioner by enrollment index: the program registry maps it back
    recorded = f.ledger.events.get_sequence(start_block, event_type="BankPayoutsRecorded")[0]
    assert [b32(f.programs.beneficiaryAt(program_id, r["index"])) for r in recorded.args.records] == pensioners
    refunds = f.ledger.events.get_sequence(start_block, event_type="PayoutRefunded")
    assert [(e.args.batchId, b32(e.args.beneficiary), e.args.amount) for e in refunds] == [
        (wallet_batch, pensioners[1], 5_050),
        (bank_batch, pensioners[3], MONTHLY[3]),
    ]
    # the ID-card numbers themselves never reached the chain
    for height in range(start_block + 1, web3.eth.block_number + 1):
        for tx_hash in web3.eth.get_block(height)["transactions"]:
            sent = bytes(web3.eth.get_transaction(tx_hash)["input"]).hex()
            assert all(n.encode().hex() not in sent for n in ID_NUMBERS)


def _only(events, **match):
    found = [e for e in events if all(e.args[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]
