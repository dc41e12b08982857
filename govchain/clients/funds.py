"""Fiscal funds: budgets, programs, proof of life, and the disbursement ledger.

A period's payout goes: `DisbursementClient.propose` (entries checked, refused ones reported) →
`approve` by a second officer (four eyes) → `execute_wallet` or `execute_bank` (Merkle root over
`govchain.domain.payout_leaf` leaves). Large lists are split into batches the contract accepts
(MAX_WALLET_BATCH / MAX_BANK_BATCH entries, proposals extended in parts below the gas cap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from govchain.clients.base import TX_GAS_CAP, ClientError, ContractClient, chunks
from govchain.domain import MerkleTree, payout_leaf
from govchain.sender import Call, Receipt

WALLET_CALLDATA_GAS_PER_ENTRY = 1_300  # 32 calldata bytes (EIP-7623 floor: 40 gas per non-zero byte)
WALLET_BATCH_OVERHEAD_GAS = 400_000
PROPOSAL_PART = 700  # entries per proposal transaction (~10,000 gas each at proposal, under the gas cap)
PROPOSAL_GAS_PER_ENTRY = 14_000
ENROLL_GAS_PER_ENTRY = 60_000


class PayoutMode(IntEnum):
    WALLET = 0
    BANK = 1


class Refusal(IntEnum):
    NONE = 0
    IDENTITY_REVOKED = 1
    NO_ATTESTATION = 2
    ATTESTATION_EXPIRED = 3


@dataclass(frozen=True)
class BudgetLine:
    code: str
    name: str
    amount_fen: int


@dataclass
class ProposedBatch:
    """A proposed batch: its id, its accepted entries (PayoutWords, in order) and who was refused why."""

    batch_id: int
    program_id: int
    period: int
    mode: PayoutMode
    words: list[int] = field(default_factory=list)
    content_hash: bytes = b""
    total: int = 0
    refused: dict[str, Refusal] = field(default_factory=dict)  # beneficiary commitment (0x) -> reason
    beneficiaries: dict[int, bytes] = field(default_factory=dict)  # enrollment index -> commitment

    def entries(self) -> list[tuple[int, int, str]]:
        """(enrollment index, amount in fen, payee account) of each accepted entry."""
        return [(w >> 224, (w >> 160) & (2**64 - 1), "0x" + (w & (2**160 - 1)).to_bytes(20, "big").hex()) for w in self.words]


def _code(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


class BudgetClient(ContractClient):
    name = "BudgetRegistry"

    def propose(self, fiscal_year: int, document_hash: bytes, lines: list[BudgetLine]) -> tuple[int, list[int]]:
        receipt = self._transact(self.functions.proposeBudget(fiscal_year, document_hash, [(_code(l.code), l.name, l.amount_fen) for l in lines]))
        events = self.events(receipt)
        budget_id = next(e.budgetId for e in events if type(e).__name__ == "BudgetProposed")
        return budget_id, [e.lineId for e in events if type(e).__name__ == "BudgetLineAdded"]

    def approve(self, budget_id: int) -> Receipt:
        return self._transact(self.functions.approveBudget(budget_id))


class ProgramClient(ContractClient):
    name = "ProgramRegistry"

    def create(self, name: str, line_id: int, department: str, start: int, interval: int, periods: int,
               period_limit_fen: int, attestation_max_age: int = 0) -> int:  # fmt: skip
        terms = (line_id, _code(department), start, interval, periods, period_limit_fen, attestation_max_age)
        receipt = self._transact(self.functions.createProgram(name, terms))
        return next(e.programId for e in self.events(receipt) if type(e).__name__ == "ProgramCreated")

    def enroll(self, program_id: int, beneficiaries: list[bytes]) -> list[Receipt]:
        size = self.functions.MAX_ENROLL_BATCH().call()
        calls = [Call.of(self.functions.enroll(program_id, list(c)), gas=80_000 + ENROLL_GAS_PER_ENTRY * len(c)) for c in chunks(beneficiaries, size)]
        return self._sender().transact_many(calls)

    def index_of(self, program_id: int, beneficiary: bytes) -> int:
        enrolled, _active, index = self.functions.enrollment(program_id, beneficiary).call()
        if not enrolled:
            raise ClientError(f"0x{beneficiary.hex()} is not enrolled in program {program_id}")
        return index


class EligibilityClient(ContractClient):
    name = "EligibilityRegistry"

    def attest(self, persons: list[bytes], evidence_hash: bytes) -> list[Receipt]:
        size = self.functions.MAX_BATCH().call()
        return self._transact_many([self.functions.attest(list(c), evidence_hash) for c in chunks(persons, size)])


class DisbursementClient(ContractClient):
    name = "Disbursements"

    def fund(self, program_id: int, amount_fen: int) -> Receipt:
        return self._transact(self.functions.fundProgram(program_id, amount_fen))

    def propose(self, program_id: int, period: int, mode: PayoutMode, payouts: list[tuple[bytes, int]]) -> list[ProposedBatch]:
        """Propose `payouts` [(commitment, fen)] for `period`: as many batches as the mode's limit
        needs, each proposed in parts. Refused (ineligible) beneficiaries are reported, not fatal."""
        if not payouts:
            raise ClientError("no payouts to propose")
        limit = self.functions.MAX_BANK_BATCH().call() if mode == PayoutMode.BANK else self._wallet_limit(payouts)
        batches = []
        for group in chunks(payouts, limit):
            parts = list(chunks(group, PROPOSAL_PART))
            first = self._transact(self.functions.proposeBatch(program_id, period, int(mode), [(b, a) for b, a in parts[0]]))
            batch = ProposedBatch(self._batch_id(first), program_id, period, mode)
            self._absorb(batch, first)
            for part in parts[1:]:
                call = Call.of(self.functions.extendBatch(batch.batch_id, [(b, a) for b, a in part]), gas=100_000 + PROPOSAL_GAS_PER_ENTRY * len(part))
                self._absorb(batch, self._sender().transact(call))
            # the contract appends one word per accepted request, in request order
            accepted = [b for b, _ in group if "0x" + b.hex() not in batch.refused]
            if len(accepted) != len(batch.words):
                raise ClientError(f"batch {batch.batch_id}: {len(batch.words)} entries for {len(accepted)} accepted requests")
            batch.beneficiaries = {word >> 224: b for b, word in zip(accepted, batch.words)}
            batches.append(batch)
        return batches

    def _wallet_limit(self, payouts: list[tuple[bytes, int]]) -> int:
        # Fresh holders cost ~3x existing ones at execution, and the executing transaction also pays
        # for its calldata (32 bytes per entry): size batches so that an all-fresh batch fits the cap.
        per_entry = self.functions.FRESH_PAYOUT_GAS().call() + WALLET_CALLDATA_GAS_PER_ENTRY
        return max(1, min(self.functions.MAX_WALLET_BATCH().call(), (TX_GAS_CAP - WALLET_BATCH_OVERHEAD_GAS) // per_entry))

    def _batch_id(self, receipt: Receipt) -> int:
        return next(e.batchId for e in self.events(receipt) if type(e).__name__ == "BatchProposed")

    def _absorb(self, batch: ProposedBatch, receipt: Receipt) -> None:
        for event in self.events(receipt):
            kind = type(event).__name__
            if kind == "BatchEntriesAdded":
                batch.words += list(event.entries)
                batch.content_hash = bytes.fromhex(event.contentHash[2:])
                batch.total = event.total
            elif kind == "PayoutRefused":
                batch.refused[event.beneficiary] = Refusal(event.reason)

    def approve(self, batch: ProposedBatch) -> Receipt:
        return self._transact(self.functions.approveBatch(batch.batch_id, batch.content_hash))

    def execute_wallet(self, batch: ProposedBatch) -> Receipt:
        return self._transact(self.functions.executeWalletBatch(batch.batch_id, batch.words))

    def bank_tree(self, batch: ProposedBatch, settlement_refs: dict[bytes, bytes]) -> tuple[list[tuple[int, int, bytes]], MerkleTree]:
        """Bank records (index, fen, settlement reference) in batch order, and the Merkle tree over their leaves."""
        records, leaves = [], []
        for index, amount, _ in batch.entries():
            commitment = batch.beneficiaries[index]
            ref = settlement_refs[commitment]
            records.append((index, amount, ref))
            leaves.append(payout_leaf(batch.batch_id, commitment, amount, ref))
        return records, MerkleTree.build(leaves)

    def execute_bank(self, batch: ProposedBatch, settlement_refs: dict[bytes, bytes]) -> tuple[Receipt, MerkleTree]:
        records, tree = self.bank_tree(batch, settlement_refs)
        receipt = self._transact(self.functions.executeBankBatch(batch.batch_id, records, tree.root))
        return receipt, tree

    def refund_wallet(self, batch: ProposedBatch, position: int, amount_fen: int, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.refundWalletPayout(batch.batch_id, batch.words, position, amount_fen, reason_hash))

    def verify_bank_payout(self, batch_id: int, beneficiary: bytes, amount: int, settlement_ref: bytes, proof: list[bytes]) -> bool:
        return self.functions.verifyBankPayout(batch_id, beneficiary, amount, settlement_ref, proof).call()
