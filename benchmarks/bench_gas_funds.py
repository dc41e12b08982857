"""Gas of fiscal payouts (Disbursements + FiscalToken), from real receipts (21,000 base included).

- gas.payout.wallet_fresh_per_recipient_batch100: wallet batch of 100 enrolled beneficiaries that never held the token
- gas.payout.wallet_existing_per_recipient_batch100: the same 100 beneficiaries next period (already holders)
- gas.payout.bank_record_per_record_batch500: bank-settled batch of 500 records (settlement refs; the
  Merkle root computed on chain over the records)
Every figure is of the execution transaction alone (proposal and approval not included); execution
reads each beneficiary's current account in the e-ID registry (withheld when revoked or recovered).
- gas.payout.batch_approval: the second officer's (four-eyes) approval transaction
- gas.payout.max_batch_under_16M: the largest wallet batch of existing holders executed within one
  16,777,216-gas transaction: the contract's MAX_WALLET_BATCH, or less if the measured marginal gas
  (a 600-batch) and eth_estimateGas say fewer fit, executed with a 16,777,216 gas limit;
  gas.payout.max_batch_gas_limited is the limit the measurements give (extrapolated when the
  contract's constant fits). The contract's constants must not exceed the measurements: the
  benchmark fails, after recording, when they do.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from chain import load, per  # noqa: E402
from report import record  # noqa: E402

from govchain.domain import MerkleTree, payout_leaf  # noqa: E402

MASK64 = 2**64 - 1

TX_GAS_CAP = 16_777_216  # EIP-7825 per-transaction gas cap
DAY = 24 * 3600
INTERVAL = 30 * DAY
WALLET, BANK = 0, 1
BIND_CHUNK = 200  # IdentityRegistry.MAX_BATCH
LIST_CHUNK = 250  # within ProgramRegistry.MAX_ENROLL_BATCH and EligibilityRegistry.MAX_BATCH
PROPOSE_CHUNK = 400  # entries per proposal transaction (proposal checks ~10k gas per entry)
PROBE_BATCH = 600  # existing holders paid to measure the marginal gas of one more payout


def code(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def wait_for_receipts() -> None:
    """Make brownie wait for each receipt by hash before its own confirmation loop.

    brownie 1.22 reads the sender's nonce before the receipt and declares a transaction "dropped"
    when Anvil (busy with this benchmark's 15M-gas blocks) already reports the new nonce but not
    yet the receipt. Waiting for the receipt first makes its loop end at the first check.
    """
    from brownie import web3
    from brownie.network.transaction import TransactionReceipt

    confirm = TransactionReceipt._await_confirmation

    def await_receipt_first(self: Any, block_number: Any = None, required_confs: int = 1) -> None:
        web3.eth.wait_for_transaction_receipt(self.txid, timeout=120, poll_latency=0.05)
        confirm(self, block_number, required_confs)

    TransactionReceipt._await_confirmation = await_receipt_first


def main() -> None:
    project = load()
    wait_for_receipts()
    from brownie import accounts, web3

    rng = random.Random(4)
    admin = accounts[0]
    fin = [accounts[7], accounts[8], accounts[9]]
    hrss = [accounts[10], accounts[11]]
    drc, police = accounts[14], accounts[12]
    tx_admin = {"from": admin}

    departments = project.DepartmentRegistry.deploy(admin, tx_admin)
    for dept_code, officers in (("FIN", fin), ("HRSS", hrss), ("DRC", [drc]), ("PSB", [police])):
        departments.registerDepartment(code(dept_code), dept_code, tx_admin)
        for officer in officers:
            departments.assignOfficer(officer, code(dept_code), tx_admin)
    identity = project.IdentityRegistry.deploy(admin, tx_admin)
    identity.grantRole(identity.REGISTRAR_ROLE(), police, tx_admin)
    token = project.FiscalToken.deploy(admin, tx_admin)
    budgets = project.BudgetRegistry.deploy(admin, departments, code("FIN"), 2, 1, tx_admin)
    eligibility = project.EligibilityRegistry.deploy(admin, identity, tx_admin)
    programs = project.ProgramRegistry.deploy(admin, departments, identity, eligibility, budgets, tx_admin)
    ledger = project.Disbursements.deploy(admin, token, budgets, programs, departments, identity, tx_admin)

    for role in (token.MINTER_ROLE(), token.DISBURSER_ROLE(), token.SETTLER_ROLE()):
        token.grantRole(role, ledger, tx_admin)
    token.grantRole(token.ACCOUNT_REGISTRAR_ROLE(), fin[0], tx_admin)
    token.registerAccount(ledger, code("LEDGER"), {"from": fin[0]})
    budgets.grantRole(budgets.BUDGET_PROPOSER_ROLE(), fin[0], tx_admin)
    for approver in (fin[1], fin[2], drc):
        budgets.grantRole(budgets.BUDGET_APPROVER_ROLE(), approver, tx_admin)
    eligibility.grantRole(eligibility.ATTESTER_ROLE(), hrss[0], tx_admin)
    programs.grantRole(programs.PROGRAM_ADMIN_ROLE(), fin[0], tx_admin)
    programs.grantRole(programs.PROGRAM_OPERATOR_ROLE(), hrss[0], tx_admin)
    ledger.grantRole(ledger.TREASURER_ROLE(), fin[0], tx_admin)
    ledger.grantRole(ledger.OPERATOR_ROLE(), hrss[0], tx_admin)
    ledger.grantRole(ledger.APPROVER_ROLE(), hrss[1], tx_admin)
    ledger.grantRole(ledger.EXECUTOR_ROLE(), hrss[0], tx_admin)

    # budget -> approvals -> program (a pension with proof of life) -> funding
    line_amount = 10**15
    pension_line = (code("PENSION"), "城乡居民基本养老保险", line_amount)
    budgets.proposeBudget(2026, b"\x01" * 32, [pension_line], {"from": fin[0]})
    for approver in (fin[1], fin[2], drc):
        budgets.approveBudget(1, {"from": approver})
    now = web3.eth.get_block("latest")["timestamp"]
    terms = (1, code("HRSS"), now - 12 * INTERVAL, INTERVAL, 24, line_amount, 365 * DAY, False)
    programs.createProgram("城乡居民基本养老保险 2026", terms, {"from": fin[0]})
    ledger.fundProgram(1, line_amount, {"from": fin[0]})

    max_batch = ledger.MAX_WALLET_BATCH()
    population = max_batch + 500  # wallet beneficiaries (the first 100 are the batch-100 group) + bank group
    people = [os.urandom(32) for _ in range(population)]
    wallets = [web3.to_checksum_address(os.urandom(20)) for _ in range(population)]
    for i in range(0, population, BIND_CHUNK):
        chunk = people[i : i + BIND_CHUNK]
        identity.bindPersons(wallets[i : i + BIND_CHUNK], chunk, [os.urandom(32) for _ in chunk], 2, {"from": police})
    for i in range(0, population, LIST_CHUNK):
        programs.enroll(1, people[i : i + LIST_CHUNK], {"from": hrss[0]})
        eligibility.attest(people[i : i + LIST_CHUNK], b"\x02" * 32, {"from": hrss[0]})
    amounts = {p: 100_000 + rng.randrange(100_000) for p in people}

    def propose(period: int, mode: int, group: list[bytes]) -> tuple[int, list[int]]:
        requests = [(p, amounts[p]) for p in group]
        tx = ledger.proposeBatch(1, period, mode, requests[:PROPOSE_CHUNK], {"from": hrss[0]})
        batch_id = tx.events["BatchProposed"]["batchId"]
        entries = list(tx.events["BatchEntriesAdded"]["entries"])
        for i in range(PROPOSE_CHUNK, len(requests), PROPOSE_CHUNK):
            tx = ledger.extendBatch(batch_id, requests[i : i + PROPOSE_CHUNK], {"from": hrss[0]})
            entries += list(tx.events["BatchEntriesAdded"]["entries"])
        return batch_id, entries

    def approve(batch_id: int) -> object:
        return ledger.approveBatch(batch_id, ledger.batch(batch_id)[0], {"from": hrss[1]})

    def pay(period: int, group: list[bytes], gas_limit: int | None = None) -> object:
        batch_id, entries = propose(period, WALLET, group)
        approve(batch_id)
        options = {"from": hrss[0]}
        if gas_limit:
            options["gas_limit"] = gas_limit
        tx = ledger.executeWalletBatch(batch_id, entries, options)
        assert tx.status == 1 and len(tx.events["Transfer"]) == len(group)
        return tx

    def largest_under_cap(period: int, group: list[bytes], size: int, marginal: float) -> tuple[int, object]:
        """The largest batch of `group[:size]` (shrunk as needed) whose execution fits one 16,777,216-gas
        transaction (eth_estimateGas, which counts the 63/64 gas kept back at each external call), executed."""
        while True:
            batch_id, entries = propose(period, WALLET, group[:size])
            approve(batch_id)
            needed = ledger.executeWalletBatch.estimate_gas(batch_id, entries, {"from": hrss[0]})
            if needed <= TX_GAS_CAP:
                return size, ledger.executeWalletBatch(batch_id, entries, {"from": hrss[0], "gas_limit": TX_GAS_CAP})
            ledger.cancelBatch(batch_id, entries, b"\0" * 32, {"from": hrss[0]})
            size -= int((needed - TX_GAS_CAP) // marginal) + 1

    group100 = people[:100]
    fresh = pay(0, group100)
    batch_id, entries = propose(1, WALLET, group100)
    approval = approve(batch_id)
    existing = ledger.executeWalletBatch(batch_id, entries, {"from": hrss[0]})

    # bank-settled batch of 500 (the last 500 beneficiaries; they never need a wallet balance)
    bank_group = people[max_batch:]
    batch_id, entries = propose(0, BANK, bank_group)
    approve(batch_id)
    refs = [os.urandom(32) for _ in bank_group]
    words, who = [int(w) for w in entries[0::2]], [int(c).to_bytes(32, "big") for c in entries[1::2]]
    assert who == bank_group
    records = [(w >> 224, (w >> 160) & MASK64, c, ref) for w, c, ref in zip(words, who, refs)]
    tree = MerkleTree.build([payout_leaf(batch_id, p, amounts[p], ref) for p, ref in zip(bank_group, refs)])
    bank = ledger.executeBankBatch(batch_id, records, {"from": hrss[0]})
    assert bytes(ledger.merkleRoot(batch_id)) == tree.root  # computed on chain over the records
    assert ledger.verifyBankPayout(batch_id, bank_group[7], amounts[bank_group[7]], refs[7], tree.proof(7))

    # max batch: make every wallet beneficiary a holder (period 0, fresh: several batches under the gas budget),
    # measure the marginal gas of an existing holder on a 600-batch (period 2), then pay the largest batch
    # that fits a 16,777,216-gas transaction (at most MAX_WALLET_BATCH) in one batch with that gas limit (period 3)
    fresh_per_batch = ledger.WALLET_GAS_BUDGET() // ledger.FRESH_PAYOUT_GAS()
    rest = people[100:max_batch]
    for i in range(0, len(rest), fresh_per_batch):
        pay(0, rest[i : i + fresh_per_batch])
    probe = pay(2, people[:PROBE_BATCH])
    marginal = (probe.gas_used - existing.gas_used) / (PROBE_BATCH - 100)
    fresh_marginal = marginal + (fresh.gas_used - existing.gas_used) / 100
    extrapolated = 100 + int((TX_GAS_CAP - existing.gas_used) // marginal)
    size, largest = largest_under_cap(3, people, min(max_batch, extrapolated), marginal)
    assert largest.status == 1 and largest.gas_used <= TX_GAS_CAP
    gas_limited = extrapolated if size == max_batch else size  # measured when the contract's constant does not fit

    record(
        {
            "gas.payout.wallet_fresh_per_recipient_batch100": per(fresh.gas_used, 100),
            "gas.payout.wallet_existing_per_recipient_batch100": per(existing.gas_used, 100),
            "gas.payout.bank_record_per_record_batch500": per(bank.gas_used, 500),
            "gas.payout.batch_approval": approval.gas_used,
            "gas.payout.max_batch_under_16M": size,
            "gas.payout.max_batch_gas_used": largest.gas_used,
            "gas.payout.max_batch_gas_limited": gas_limited,
            "gas.payout.wallet_existing_marginal_per_recipient": round(marginal, 1),
            "gas.payout.wallet_fresh_marginal_per_recipient": round(fresh_marginal, 1),
        }
    )
    # the contract's per-payout gas bounds (its batch-size limits derive from them) must hold
    broken = [
        text
        for text, holds in (
            (f"EXISTING_PAYOUT_GAS {ledger.EXISTING_PAYOUT_GAS():,} < {marginal:,.1f} measured", marginal <= ledger.EXISTING_PAYOUT_GAS()),
            (f"FRESH_PAYOUT_GAS {ledger.FRESH_PAYOUT_GAS():,} < {fresh_marginal:,.1f} measured", fresh_marginal <= ledger.FRESH_PAYOUT_GAS()),
            (f"MAX_WALLET_BATCH {max_batch:,} > {gas_limited:,} entries executable in 16,777,216 gas", max_batch <= gas_limited),
        )
        if not holds
    ]
    if broken:
        raise SystemExit("Disbursements gas bounds do not hold: " + "; ".join(broken))


if __name__ == "__main__":
    main()
