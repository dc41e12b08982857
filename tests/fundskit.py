"""Helpers for the fiscal-funds tests: deploy the funds suite on real contracts and walk its flows.

Plain functions (no fixtures): each test module builds its own module-scoped fixtures with them.
Accounts (brownie's 20 Anvil accounts): 0 deployer/governance, 7-9 finance (FIN), 10-11 social
security (HRSS), 12 police registrar (PSB), 13 partner bank, 14 development and reform (DRC),
15 civil affairs (CIVIL), 1-6 citizens' wallets, 19 an outsider with no role.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import brownie
from brownie import web3
from brownie.network.transaction import TransactionReceipt

DAY = 24 * 3600
INTERVAL = 30 * DAY  # a monthly schedule
YEAR = 365 * DAY
WALLET, BANK = 0, 1
# IDisbursements.BatchStatus / IProgramRegistry.Refusal
NONE, PROPOSED, APPROVED, EXECUTED, CANCELLED = range(5)
ELIGIBLE, REVOKED, NO_ATTESTATION, ATTESTATION_EXPIRED = range(4)
ZERO32 = b"\0" * 32


@contextmanager
def receipts_awaited() -> Iterator[None]:
    """Make brownie wait for each receipt by hash before its own confirmation loop.

    brownie 1.22 reads the sender's nonce before the receipt and declares a transaction "dropped"
    ("Tx dropped without known replacement") when Anvil, busy mining a heavy block on a loaded
    machine, already reports the new nonce but not yet the receipt. Waiting for the receipt first
    makes that loop end at its first check; nothing else changes.
    """
    confirm = TransactionReceipt._await_confirmation

    def await_receipt_first(self: Any, block_number: Any = None, required_confs: int = 1) -> None:
        web3.eth.wait_for_transaction_receipt(self.txid, timeout=120, poll_latency=0.05)
        confirm(self, block_number, required_confs)

    TransactionReceipt._await_confirmation = await_receipt_first
    try:
        yield
    finally:
        TransactionReceipt._await_confirmation = confirm


def code(text: str) -> bytes:
    """A department or category code as bytes32."""
    return text.encode().ljust(32, b"\0")


def person(n: int) -> bytes:
    """A stand-in identity commitment (govchain.domain.identity_commitment in real use)."""
    return bytes([0xC0, n % 256, n // 256]) + b"\x5a" * 29


def b32(value: Any) -> bytes:
    """A bytes32 value as returned by brownie, as bytes."""
    return bytes(value) if not isinstance(value, str) else bytes.fromhex(value[2:])


@dataclass
class Funds:
    """The deployed funds suite and the officers that act on it."""

    departments: Any
    identity: Any
    token: Any
    budgets: Any
    eligibility: Any
    programs: Any
    ledger: Any
    words: Any  # PayoutWordHarness
    admin: Any
    fin: list[Any]
    hrss: list[Any]
    police: Any
    bank: Any
    drc: Any
    civil: Any
    outsider: Any
    citizens: list[Any]
    wallets: dict[bytes, str] = field(default_factory=dict)  # person -> bound account

    def tx(self, sender: Any) -> dict[str, Any]:
        return {"from": sender}


def deploy_funds(accounts: Any) -> Funds:
    """Departments, e-ID registry and the five funds contracts, with every role granted as in production."""
    admin = accounts[0]
    fin, hrss = [accounts[7], accounts[8], accounts[9]], [accounts[10], accounts[11]]
    police, bank, drc, civil = accounts[12], accounts[13], accounts[14], accounts[15]
    own = {"from": admin}

    departments = brownie.DepartmentRegistry.deploy(admin, own)
    for name, officers in (("FIN", fin), ("HRSS", hrss), ("DRC", [drc]), ("PSB", [police]), ("CIVIL", [civil])):
        departments.registerDepartment(code(name), name, own)
        for officer in officers:
            departments.assignOfficer(officer, code(name), own)
    identity = brownie.IdentityRegistry.deploy(admin, own)
    identity.grantRole(identity.REGISTRAR_ROLE(), police, own)

    token = brownie.FiscalToken.deploy(admin, own)
    budgets = brownie.BudgetRegistry.deploy(admin, departments, code("FIN"), 2, 1, own)
    eligibility = brownie.EligibilityRegistry.deploy(admin, identity, own)
    programs = brownie.ProgramRegistry.deploy(admin, departments, identity, eligibility, budgets, own)
    ledger = brownie.Disbursements.deploy(admin, token, budgets, programs, departments, identity, own)

    for role in (token.MINTER_ROLE(), token.DISBURSER_ROLE(), token.SETTLER_ROLE()):
        token.grantRole(role, ledger, own)
    token.grantRole(token.SETTLER_ROLE(), bank, own)
    token.grantRole(token.ACCOUNT_REGISTRAR_ROLE(), fin[0], own)
    token.registerAccount(ledger, code("LEDGER"), {"from": fin[0]})
    token.registerAccount(bank, code("BANK"), {"from": fin[0]})

    budgets.grantRole(budgets.BUDGET_PROPOSER_ROLE(), fin[0], own)
    for approver in (fin[0], fin[1], fin[2], drc):
        budgets.grantRole(budgets.BUDGET_APPROVER_ROLE(), approver, own)
    eligibility.grantRole(eligibility.ATTESTER_ROLE(), hrss[0], own)
    programs.grantRole(programs.PROGRAM_ADMIN_ROLE(), fin[0], own)
    for operator in (hrss[0], hrss[1], civil):
        programs.grantRole(programs.PROGRAM_OPERATOR_ROLE(), operator, own)
    ledger.grantRole(ledger.TREASURER_ROLE(), fin[0], own)
    for operator in (hrss[0], civil):
        ledger.grantRole(ledger.OPERATOR_ROLE(), operator, own)
    for approver in (hrss[0], hrss[1], fin[1], fin[2], civil):
        ledger.grantRole(ledger.APPROVER_ROLE(), approver, own)
    ledger.grantRole(ledger.EXECUTOR_ROLE(), hrss[0], own)
    ledger.grantRole(ledger.BANK_ROLE(), bank, own)

    words = brownie.PayoutWordHarness.deploy(own)
    return Funds(
        departments=departments,
        identity=identity,
        token=token,
        budgets=budgets,
        eligibility=eligibility,
        programs=programs,
        ledger=ledger,
        words=words,
        admin=admin,
        fin=fin,
        hrss=hrss,
        police=police,
        bank=bank,
        drc=drc,
        civil=civil,
        outsider=accounts[19],
        citizens=[accounts[i] for i in range(1, 7)],
    )


def approved_budget(f: Funds, lines: list[tuple[str, int]], year: int = 2026) -> tuple[int, list[int]]:
    """Proposes a budget with `lines` [(code, fen)] and approves it (2 finance officers + DRC)."""
    inputs = [(code(c), f"{c} line", amount) for c, amount in lines]
    tx = f.budgets.proposeBudget(year, b"\x0d" * 32, inputs, f.tx(f.fin[0]))
    budget_id = tx.events["BudgetProposed"]["budgetId"]
    line_ids = [e["lineId"] for e in tx.events["BudgetLineAdded"]]
    for approver in (f.fin[1], f.fin[2], f.drc):
        f.budgets.approveBudget(budget_id, f.tx(approver))
    return budget_id, line_ids


def create_program(
    f: Funds,
    line_id: int,
    *,
    department: str = "HRSS",
    period_limit: int = 10**12,
    attestation_max_age: int = 0,
    periods: int = 24,
    start: int | None = None,
    name: str = "城乡居民基本养老保险",
    separate_executor: bool = False,
) -> int:
    """A monthly program whose first 12 periods are already due (unless `start` is given)."""
    if start is None:
        start = web3.eth.get_block("latest")["timestamp"] - 11 * INTERVAL
    terms = (line_id, code(department), start, INTERVAL, periods, period_limit, attestation_max_age, separate_executor)
    tx = f.programs.createProgram(name, terms, f.tx(f.fin[0]))
    return tx.events["ProgramCreated"]["programId"]


def bind(f: Funds, people: list[bytes], wallets: list[Any] | None = None) -> list[str]:
    """Binds each person to a wallet (fresh random addresses unless given) in the e-ID registry."""
    if wallets is None:
        wallets = [web3.to_checksum_address(os.urandom(20)) for _ in people]
    tags = [os.urandom(32) for _ in people]  # stand-in uniqueness tags (govchain.domain.identity_tag in real use)
    for i in range(0, len(people), 200):  # IdentityRegistry.MAX_BATCH
        f.identity.bindPersons(wallets[i : i + 200], people[i : i + 200], tags[i : i + 200], 2, f.tx(f.police))
    for p, w in zip(people, wallets):
        f.wallets[p] = str(w)
    return [str(w) for w in wallets]


def enroll(f: Funds, program_id: int, people: list[bytes], officer: Any = None) -> None:
    officer = officer or f.hrss[0]
    for i in range(0, len(people), 250):
        f.programs.enroll(program_id, people[i : i + 250], f.tx(officer))


def attest(f: Funds, people: list[bytes]) -> None:
    for i in range(0, len(people), 500):
        f.eligibility.attest(people[i : i + 500], b"\x0e" * 32, f.tx(f.hrss[0]))


def propose(
    f: Funds, program_id: int, period: int, mode: int, requests: list[tuple[bytes, int]], officer: Any = None
) -> tuple[int, list[int], Any]:
    """Proposes a batch; returns (batch id, its entries as emitted, the transaction)."""
    tx = f.ledger.proposeBatch(program_id, period, mode, requests, f.tx(officer or f.hrss[0]))
    return tx.events["BatchProposed"]["batchId"], list(tx.events["BatchEntriesAdded"]["entries"]), tx


def approve(f: Funds, batch_id: int, approver: Any = None) -> Any:
    content = f.ledger.batch(batch_id)[0]
    return f.ledger.approveBatch(batch_id, content, f.tx(approver or f.hrss[1]))


def settlement_refs(count: int) -> list[bytes]:
    return [os.urandom(32) for _ in range(count)]


def pairs(entries: list[Any]) -> list[tuple[int, bytes]]:
    """A batch's content (PayoutWord, commitment, PayoutWord, ...) as (word, commitment) pairs."""
    words = [int(w) for w in entries]
    return [(words[i], words[i + 1].to_bytes(32, "big")) for i in range(0, len(words), 2)]


def bank_records(entries: list[Any], refs: list[bytes]) -> list[tuple[int, int, bytes, bytes]]:
    """Bank records (index, fen, commitment, settlement reference) of a bank batch's content."""
    return [(w >> 224, (w >> 160) & (2**64 - 1), who, ref) for (w, who), ref in zip(pairs(entries), refs)]


def bank_tree(batch_id: int, records: list[tuple[int, int, bytes, bytes]]) -> Any:
    """The Merkle tree the ledger computes over recorded bank payouts (govchain.domain)."""
    from govchain.domain import MerkleTree, payout_leaf

    return MerkleTree.build([payout_leaf(batch_id, who, amount, ref) for _, amount, who, ref in records])
