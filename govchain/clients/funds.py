"""Fiscal funds: budgets, programs, proof of life, and the disbursement ledger.

A period's payout goes: `DisbursementClient.propose` (entries checked, refused ones reported) →
`approve` by a second officer (four eyes) → `execute_wallet` or `execute_bank` by an executor of the
running department. A batch's content is its (PayoutWord, beneficiary commitment) pairs; at
execution the ledger withholds every entry whose identity was revoked or (wallet) whose account
changed since the proposal, and for bank-settled batches computes the Merkle root over the
`govchain.domain.payout_leaf` leaves of the recorded entries; `Execution` reports both, with the same
tree rebuilt here. A bank-settled refund is requested by an operator (`request_bank_refund`) and
confirmed by the partner bank or a second officer (`confirm_bank_refund`). Large lists are split into
batches the contract accepts (MAX_WALLET_BATCH / MAX_BANK_BATCH entries, proposals extended in parts
below the gas cap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from govchain.clients.base import TX_GAS_CAP, ClientError, ContractClient, chunks
from govchain.domain import MerkleTree, payout_leaf
from govchain.events import decode_receipt_logs
from govchain.sender import Call, Receipt

WALLET_CALLDATA_GAS_PER_ENTRY = 2_600  # 64 calldata bytes per entry (EIP-7623 floor: 40 gas per non-zero byte)
WALLET_BATCH_OVERHEAD_GAS = 400_000
PROPOSAL_PART = 700  # entries per proposal transaction (~10,000 gas each at proposal, under the gas cap)
PROPOSAL_GAS_PER_ENTRY = 14_000
ENROLL_GAS_PER_ENTRY = 60_000
ZERO32 = b"\0" * 32
_MASK64 = 2**64 - 1
_MASK160 = 2**160 - 1


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


class RefundStatus(IntEnum):
    NONE = 0
    PENDING = 1
    CONFIRMED = 2
    CANCELLED = 3


WITHHELD_REASONS = {"identity_revoked": "identity revoked", "account_changed": "account changed after approval"}
"""Why the ledger withheld a payout at execution (PayoutWithheld), by code."""


def withheld_reason(current: str | None) -> str:
    """The reason code of a withheld payout from the account bound at execution (zero: revoked)."""
    return "identity_revoked" if current is None or int(current, 16) == 0 else "account_changed"


def _word_fields(word: int) -> tuple[int, int, str]:
    """(enrollment index, amount in fen, payee account) of a PayoutWord (contracts/libraries/PayoutWord.sol)."""
    return word >> 224, (word >> 160) & _MASK64, "0x" + (word & _MASK160).to_bytes(20, "big").hex()


@dataclass
class ProposedBatch:
    """A proposed batch: its id, its content (PayoutWord, beneficiary commitment pairs, in order, as
    BatchEntriesAdded emits them and execution, cancellation and refunds take them) and who was refused why."""

    batch_id: int
    program_id: int
    period: int
    mode: PayoutMode
    content: list[int] = field(default_factory=list)
    content_hash: bytes = b""
    total: int = 0
    refused: dict[str, Refusal] = field(default_factory=dict)  # beneficiary commitment (0x) -> reason

    @property
    def words(self) -> list[int]:
        """The accepted entries' PayoutWords, in order."""
        return self.content[0::2]

    @property
    def commitments(self) -> list[bytes]:
        """The accepted entries' beneficiary commitments, in order."""
        return [c.to_bytes(32, "big") for c in self.content[1::2]]

    @property
    def beneficiaries(self) -> dict[int, bytes]:
        """Enrollment index -> beneficiary commitment of each accepted entry."""
        return {word >> 224: c for word, c in zip(self.words, self.commitments)}

    def entries(self) -> list[tuple[int, int, str]]:
        """(enrollment index, amount in fen, payee account at proposal) of each accepted entry."""
        return [_word_fields(w) for w in self.words]

    def position_of(self, commitment: bytes) -> int:
        """The entry's position (in pairs) in the batch."""
        try:
            return self.commitments.index(commitment)
        except ValueError:
            raise ClientError(f"0x{commitment.hex()} has no entry in batch {self.batch_id}") from None


@dataclass(frozen=True)
class Withheld:
    """An entry the ledger withheld at execution (PayoutWithheld): nothing paid, its reservation released."""

    beneficiary: bytes
    index: int
    amount: int  # fen
    account: str  # the account approved
    current: str  # the account bound now; zero when the identity was revoked

    @property
    def reason(self) -> str:
        return WITHHELD_REASONS[withheld_reason(self.current)]


@dataclass(frozen=True)
class BankPayout:
    """A recorded bank-settled payout with its Merkle proof (IDisbursements.BankPayout)."""

    beneficiary: bytes
    amount: int  # fen
    settlement_ref: bytes
    proof: list[bytes]

    def as_tuple(self) -> tuple[bytes, int, bytes, list[bytes]]:
        return (self.beneficiary, self.amount, self.settlement_ref, self.proof)


@dataclass
class Execution:
    """An executed batch: what was paid, what was withheld, and for a bank-settled batch the records
    (index, fen, commitment, settlement reference) sent and the Merkle tree over the recorded ones,
    in order, whose root is the one the ledger computed and emitted."""

    batch_id: int
    receipt: Receipt
    paid: int  # fen actually paid (BatchExecuted.total)
    withheld: list[Withheld] = field(default_factory=list)
    records: list[tuple[int, int, bytes, bytes]] = field(default_factory=list)
    tree: MerkleTree | None = None
    merkle_root: bytes = ZERO32

    def payout(self, commitment: bytes) -> BankPayout:
        """A recorded bank payout with its proof, as requestBankRefund and verifyBankPayout take it."""
        recorded = [r for r in self.records if r[2] not in {w.beneficiary for w in self.withheld}]
        for leaf_index, (_, amount, who, ref) in enumerate(recorded):
            if who == commitment:
                assert self.tree is not None
                return BankPayout(who, amount, ref, self.tree.proof(leaf_index))
        raise ClientError(f"0x{commitment.hex()} has no recorded bank payout in batch {self.batch_id}")


@dataclass(frozen=True)
class BankRefundRequest:
    refund_id: int
    batch_id: int
    beneficiary: bytes
    amount: int  # fen
    status: RefundStatus
    requester: str
    settlement_ref: bytes


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
               period_limit_fen: int, attestation_max_age: int = 0, separate_executor: bool = False) -> int:  # fmt: skip
        """Creates a program; `separate_executor`: its batches need an executor who neither proposed nor approved them."""
        terms = (line_id, _code(department), start, interval, periods, period_limit_fen, attestation_max_age, separate_executor)
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
            batches.append(batch)
        return batches

    def _wallet_limit(self, payouts: list[tuple[bytes, int]]) -> int:
        # Fresh holders cost ~3x existing ones at execution, and the executing transaction also pays
        # for its calldata (64 bytes per entry): size batches so that an all-fresh batch fits the cap.
        per_entry = self.functions.FRESH_PAYOUT_GAS().call() + WALLET_CALLDATA_GAS_PER_ENTRY
        return max(1, min(self.functions.MAX_WALLET_BATCH().call(), (TX_GAS_CAP - WALLET_BATCH_OVERHEAD_GAS) // per_entry))

    def _batch_id(self, receipt: Receipt) -> int:
        return next(e.batchId for e in self.events(receipt) if type(e).__name__ == "BatchProposed")

    def _absorb(self, batch: ProposedBatch, receipt: Receipt) -> None:
        for event in self.events(receipt):
            kind = type(event).__name__
            if kind == "BatchEntriesAdded":
                batch.content += list(event.entries)
                batch.content_hash = bytes.fromhex(event.contentHash[2:])
                batch.total = event.total
            elif kind == "PayoutRefused":
                batch.refused[event.beneficiary] = Refusal(event.reason)

    def approve(self, batch: ProposedBatch) -> Receipt:
        return self._transact(self.functions.approveBatch(batch.batch_id, batch.content_hash))

    def cancel(self, batch: ProposedBatch, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.cancelBatch(batch.batch_id, batch.content, reason_hash))

    def execute_wallet(self, batch: ProposedBatch) -> Execution:
        """Pays approved wallet batch `batch` (the sender needs EXECUTOR_ROLE in the running department);
        entries whose identity was revoked or whose account changed since the proposal are withheld."""
        receipt = self._transact(self.functions.executeWalletBatch(batch.batch_id, batch.content))
        return self._execution(batch.batch_id, receipt)

    def bank_records(self, batch: ProposedBatch, settlement_refs: dict[bytes, bytes]) -> list[tuple[int, int, bytes, bytes]]:
        """Bank records (index, fen, commitment, settlement reference) in batch order. An entry without a
        reference gets zero, which the ledger accepts only for an entry it withholds."""
        return [(index, amount, who, settlement_refs.get(who, ZERO32))
                for (index, amount, _), who in zip(batch.entries(), batch.commitments)]  # fmt: skip

    def execute_bank(self, batch: ProposedBatch, settlement_refs: dict[bytes, bytes]) -> Execution:
        """Records approved bank-settled batch `batch` as paid by the bank, with each beneficiary's
        settlement reference. The ledger computes the Merkle root over the recorded (not withheld)
        entries; the returned tree is rebuilt from the same records and checked against it."""
        records = self.bank_records(batch, settlement_refs)
        receipt = self._transact(self.functions.executeBankBatch(batch.batch_id, records))
        execution = self._execution(batch.batch_id, receipt)
        withheld = {w.beneficiary for w in execution.withheld}
        leaves = [payout_leaf(batch.batch_id, who, amount, ref) for _, amount, who, ref in records if who not in withheld]
        execution.records = records
        execution.tree = MerkleTree.build(leaves) if leaves else None
        computed = execution.tree.root if execution.tree else ZERO32
        if computed != execution.merkle_root:
            raise ClientError(f"batch {batch.batch_id}: the ledger's Merkle root 0x{execution.merkle_root.hex()} "
                              f"is not that of the recorded payouts (0x{computed.hex()})")  # fmt: skip
        return execution

    def _execution(self, batch_id: int, receipt: Receipt) -> Execution:
        execution = Execution(batch_id, receipt, 0)
        ledger = self.contract.address.lower()
        own = [log for log in receipt.logs if str(log["address"]).lower() == ledger]  # not the token's Transfer per payout
        for event in decode_receipt_logs(self.suite.artifacts, own):
            kind = type(event).__name__
            if kind == "PayoutWithheld" and event.batchId == batch_id:
                execution.withheld.append(
                    Withheld(bytes.fromhex(event.beneficiary[2:]), event.index, event.amount, event.account, event.current)
                )
            elif kind == "BatchExecuted" and event.batchId == batch_id:
                execution.paid = event.total
            elif kind == "BankPayoutsRecorded" and event.batchId == batch_id:
                execution.merkle_root = bytes.fromhex(event.merkleRoot[2:])
        return execution

    def refund_wallet(self, batch: ProposedBatch, position: int, amount_fen: int, reason_hash: bytes) -> Receipt:
        """Refunds `amount_fen` of the wallet payout at `position` (in pairs); the payee approved the ledger for it."""
        return self._transact(self.functions.refundWalletPayout(batch.batch_id, batch.content, position, amount_fen, reason_hash))

    def request_bank_refund(self, batch_id: int, payout: BankPayout, amount_fen: int, reason_hash: bytes) -> BankRefundRequest:
        """Asks to re-mint `amount_fen` of bank-settled `payout` returned by the bank; nothing is minted
        until the bank or a second officer of the running department confirms (`confirm_bank_refund`)."""
        receipt = self._transact(self.functions.requestBankRefund(batch_id, payout.as_tuple(), amount_fen, reason_hash))
        refund_id = next(e.refundId for e in self.events(receipt) if type(e).__name__ == "BankRefundRequested")
        return self.bank_refund(refund_id)

    def confirm_bank_refund(self, refund_id: int) -> Receipt:
        """The partner bank (BANK_ROLE) or a second running-department approver confirms a requested refund."""
        return self._transact(self.functions.confirmBankRefund(refund_id))

    def cancel_bank_refund(self, refund_id: int, reason_hash: bytes) -> Receipt:
        return self._transact(self.functions.cancelBankRefund(refund_id, reason_hash))

    def bank_refund(self, refund_id: int) -> BankRefundRequest:
        batch_id, amount, status, requester, beneficiary, ref = self.functions.bankRefund(refund_id).call()
        return BankRefundRequest(refund_id, batch_id, bytes(beneficiary), amount, RefundStatus(status), requester, bytes(ref))

    def verify_bank_payout(self, batch_id: int, beneficiary: bytes, amount: int, settlement_ref: bytes, proof: list[bytes]) -> bool:
        return self.functions.verifyBankPayout(batch_id, beneficiary, amount, settlement_ref, proof).call()
