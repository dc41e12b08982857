"""CreditRegistry: append-only credit records (信用体系) about enterprises and persons."""

from __future__ import annotations

from dataclasses import dataclass

from govchain.clients.base import ClientError, ContractClient, batch_size, chunks
from govchain.sender import Call, Receipt

# Worst case per record in a batch: a new subject slot, or a record past the 12 kept in the subject's
# slot that opens a new overflow page (measured ~28,600 and ~42,400 single); batches are sized and
# given gas for it, because a pipeline's later batches are estimated before the earlier ones land.
GAS_PER_RECORD_WORST = 55_000
BATCH_BASE_GAS = 60_000


@dataclass(frozen=True)
class CreditEntry:
    """The content of one record (see ICreditRegistry.Entry)."""

    category: int
    delta: int
    evidence_hash: bytes
    valid_from: int = 0
    valid_until: int = 0

    def as_tuple(self) -> tuple[int, int, bytes, int, int]:
        return (self.category, self.delta, self.evidence_hash, self.valid_from, self.valid_until)


class CreditClient(ContractClient):
    name = "CreditRegistry"

    def append(self, subject: bytes, entry: CreditEntry) -> Receipt:
        return self._transact(self.functions.append(subject, entry.as_tuple()))

    def append_many(self, records: list[tuple[bytes, CreditEntry]]) -> list[Receipt]:
        """Append any number of records: split below MAX_BATCH_SIZE and the gas cap, pipelined."""
        if not records:
            raise ClientError("no credit records to append")
        size = batch_size(self.functions.MAX_BATCH_SIZE().call(), GAS_PER_RECORD_WORST, BATCH_BASE_GAS)
        calls = [
            Call.of(
                self.functions.appendBatch([s for s, _ in chunk], [e.as_tuple() for _, e in chunk]),
                gas=BATCH_BASE_GAS + GAS_PER_RECORD_WORST * len(chunk),
            )
            for chunk in chunks(records, size)
        ]
        return self._sender().transact_many(calls)

    def correct(self, subject: bytes, ref_index: int, entry: CreditEntry) -> Receipt:
        return self._transact(self.functions.correct(subject, ref_index, entry.as_tuple()))

    def revoke(self, subject: bytes, ref_index: int, evidence_hash: bytes) -> Receipt:
        return self._transact(self.functions.revoke(subject, ref_index, evidence_hash))

    def score(self, subject: bytes) -> int:
        return self.functions.scoreOf(subject).call()

    def record_count(self, subject: bytes) -> int:
        return self.functions.recordCountOf(subject).call()
