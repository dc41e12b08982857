"""CreditRegistry: append-only credit records (信用体系) about enterprises and persons.

Records of public categories are plaintext (`append`, `append_many`). Records of non-public categories
are sealed (`append_sealed`): only a salted commitment and the record encrypted (ECIES on secp256k1,
the `eciespy` package) to each department entitled to read the category go on chain; a reader opens
them with its department's reader key (`open_sealed`, `CreditClient.open_sealed_records`). The
format is the one ICreditRegistry documents; this module is its only off-chain copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import ecies
from coincurve import PrivateKey
from eth_abi import encode
from eth_utils import keccak

from govchain.clients.base import ClientError, ContractClient, batch_size, chunks
from govchain.exceptions import ConfigError, GovchainError
from govchain.sender import Call, Receipt
from govchain.signer import DEV_CHAIN_IDS

# Worst case per record in a batch: a new subject slot, or a record past the 12 kept in the subject's
# slot that opens a new overflow page (measured ~28,700 and ~42,400 single); batches are sized and
# given gas for it, because a pipeline's later batches are estimated before the earlier ones land.
GAS_PER_RECORD_WORST = 55_000
BATCH_BASE_GAS = 60_000
# A sealed record: its state word (a new one every 16 records), the event with one ~210-byte
# ciphertext per reader, and the same bytes in calldata (measured ~31,000 with two readers).
GAS_PER_SEALED_RECORD = 30_000
GAS_PER_SEALED_CIPHERTEXT = 12_000

SALT_BYTES = 32
# subject | category | delta | evidenceHash | validFrom | validUntil | salt (ICreditRegistry notice)
SEALED_LAYOUT = ((32, "subject"), (2, "category"), (2, "delta"), (32, "evidence"), (5, "from"), (5, "until"), (32, "salt"))
SEALED_RECORD_BYTES = sum(size for size, _ in SEALED_LAYOUT)  # 110
READER_KEY_ENV = "GOVCHAIN_{code}_CREDIT_KEY"  # a department's reader private key (hex)


class SealedRecordError(GovchainError):
    """A sealed record cannot be opened with this key, or what it opens to does not match its commitment."""


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


@dataclass(frozen=True)
class SealedRecord:
    """A sealed record as its readers see it once opened (subject and content), with its commitment."""

    subject: bytes
    entry: CreditEntry
    salt: bytes
    commitment: bytes
    sealed_id: int | None = None  # its id on chain, once known


@dataclass(frozen=True)
class Sealed:
    """What goes on chain for one sealed record: the commitment and one ciphertext per reader."""

    record: SealedRecord
    readers: tuple[bytes, ...]
    ciphertexts: tuple[bytes, ...]

    def as_tuple(self) -> tuple[bytes, list[bytes]]:
        return (self.record.commitment, list(self.ciphertexts))


# --- the sealed format (ICreditRegistry) ---------------------------------------------------------


def seal_commitment(subject: bytes, entry: CreditEntry, salt: bytes) -> bytes:
    """CreditRegistry.sealCommitment: keccak256(abi.encode(subject, entry, salt))."""
    return keccak(
        encode(["bytes32", "uint16", "int16", "bytes32", "uint40", "uint40", "bytes32"], [subject, *entry.as_tuple(), salt])
    )


def pack_sealed(subject: bytes, entry: CreditEntry, salt: bytes) -> bytes:
    """The 110-byte plaintext that is encrypted to each reader."""
    if len(subject) != 32 or len(entry.evidence_hash) != 32 or len(salt) != SALT_BYTES:
        raise ClientError("a sealed record needs a 32-byte subject, evidence hash and salt")
    return b"".join([
        subject, entry.category.to_bytes(2, "big"), entry.delta.to_bytes(2, "big", signed=True), entry.evidence_hash,
        entry.valid_from.to_bytes(5, "big"), entry.valid_until.to_bytes(5, "big"), salt,
    ])  # fmt: skip


def unpack_sealed(data: bytes) -> tuple[bytes, CreditEntry, bytes]:
    if len(data) != SEALED_RECORD_BYTES:
        raise SealedRecordError(f"a sealed record opens to {SEALED_RECORD_BYTES} bytes, not {len(data)}")
    fields: dict[str, bytes] = {}
    offset = 0
    for size, name in SEALED_LAYOUT:
        fields[name] = data[offset : offset + size]
        offset += size
    entry = CreditEntry(
        int.from_bytes(fields["category"], "big"), int.from_bytes(fields["delta"], "big", signed=True), fields["evidence"],
        int.from_bytes(fields["from"], "big"), int.from_bytes(fields["until"], "big"),
    )  # fmt: skip
    return fields["subject"], entry, fields["salt"]


def reader_public_key(private_key: bytes) -> bytes:
    """The 33-byte compressed public key that CreditRegistry.setReaderKey takes."""
    return PrivateKey(private_key).public_key.format(compressed=True)


def seal(subject: bytes, entry: CreditEntry, readers: Sequence[tuple[bytes, bytes]], salt: bytes | None = None) -> Sealed:
    """Seals a record to `readers` ((department code, public key) in the category's reader order)."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    plaintext = pack_sealed(subject, entry, salt)
    record = SealedRecord(subject, entry, salt, seal_commitment(subject, entry, salt))
    return Sealed(record, tuple(code for code, _ in readers), tuple(ecies.encrypt(key, plaintext) for _, key in readers))


def open_sealed(ciphertext: bytes, private_key: bytes, commitment: bytes, category: int, sealed_id: int | None = None) -> SealedRecord:
    """Decrypts a reader's ciphertext and checks it against the on-chain commitment and category."""
    try:
        plaintext = ecies.decrypt(private_key, ciphertext)
    except Exception as exc:  # noqa: BLE001 - eciespy raises ValueError or the AES/curve library's own errors
        raise SealedRecordError("this key does not open the sealed record (it was not sealed to it)") from exc
    subject, entry, salt = unpack_sealed(plaintext)
    if seal_commitment(subject, entry, salt) != commitment:
        raise SealedRecordError("the sealed record does not match its on-chain commitment: report its writer")
    if entry.category != category:
        raise SealedRecordError(f"the sealed record says category {entry.category}, the chain says {category}")
    return SealedRecord(subject, entry, salt, commitment, sealed_id)


# --- reader keys -------------------------------------------------------------------------------


def dev_reader_key(chain_id: int, code: str) -> bytes:
    """A department's reader private key on a local dev chain (derived from a public phrase: dev only)."""
    if chain_id not in DEV_CHAIN_IDS:
        raise ConfigError(f"development reader keys exist only on local dev chains: set {READER_KEY_ENV.format(code=code)}")
    return keccak(text=f"govchain-dev-credit-reader-key:{code}")


def reader_key(chain_id: int, code: str, env: Mapping[str, str] | None = None) -> bytes:
    """Department `code`'s reader private key: $GOVCHAIN_<CODE>_CREDIT_KEY, or on a dev chain the dev key."""
    env = os.environ if env is None else env
    name = READER_KEY_ENV.format(code=code)
    if value := env.get(name):
        try:
            key = bytes.fromhex(value.removeprefix("0x"))
            PrivateKey(key)
        except ValueError as exc:
            raise ConfigError(f"{name} is not a secp256k1 private key in hex") from exc
        return key
    return dev_reader_key(chain_id, code)


def department_code(code: str) -> bytes:
    raw = code.encode()
    if not raw or len(raw) > 32:
        raise ClientError(f"department code {code!r} must be 1 to 32 bytes")
    return raw.ljust(32, b"\0")


# --- the client --------------------------------------------------------------------------------


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

    def is_public(self, category: int) -> bool:
        return bool(self.functions.getCategory(category).call()[2])

    # --- sealed records (non-public categories) ---

    def readers(self, category: int) -> list[tuple[bytes, bytes]]:
        """The departments entitled to read `category`'s sealed records, with their public keys, in order."""
        codes = [bytes(c) for c in self.functions.categoryReaders(category).call()]
        return [(code, bytes(self.functions.readerKey(code).call())) for code in codes]

    def seal_many(self, records: Iterable[tuple[bytes, CreditEntry]]) -> list[Sealed]:
        """Seals records to their categories' readers (read from the chain once per category)."""
        readers: dict[int, list[tuple[bytes, bytes]]] = {}
        sealed = []
        for subject, entry in records:
            if entry.category not in readers:
                readers[entry.category] = self.readers(entry.category)
                if not readers[entry.category]:
                    raise ClientError(f"credit category {entry.category} has no readers: it takes no sealed records")
            sealed.append(seal(subject, entry, readers[entry.category]))
        return sealed

    def append_sealed(self, records: list[tuple[bytes, CreditEntry]]) -> tuple[list[Sealed], list[Receipt]]:
        """Seals and appends records of non-public categories (one appendSealed per category and chunk,
        pipelined). Returns the sealed records with their on-chain ids, in the order given, and the receipts."""
        if not records:
            raise ClientError("no sealed credit records to append")
        sealed = self.seal_many(records)
        by_category: dict[int, list[int]] = {}
        for position, item in enumerate(sealed):
            by_category.setdefault(item.record.entry.category, []).append(position)
        calls, groups = [], []
        for category, positions in by_category.items():
            per_record = GAS_PER_SEALED_RECORD + GAS_PER_SEALED_CIPHERTEXT * len(sealed[positions[0]].ciphertexts)
            size = batch_size(self.functions.MAX_BATCH_SIZE().call(), per_record, BATCH_BASE_GAS)
            for chunk in chunks(positions, size):
                fn = self.functions.appendSealed(category, [sealed[p].as_tuple() for p in chunk])
                calls.append(Call.of(fn, gas=BATCH_BASE_GAS + per_record * len(chunk)))
                groups.append(chunk)
        receipts = self._sender().transact_many(calls)
        ids: dict[int, int] = {}
        for receipt, chunk in zip(receipts, groups, strict=True):
            events = [e for e in self.events(receipt) if type(e).__name__ == "CreditRecordSealed"]
            for position, event in zip(chunk, events, strict=True):
                ids[position] = event.sealedId
        return [
            Sealed(SealedRecord(s.record.subject, s.record.entry, s.record.salt, s.record.commitment, ids[p]), s.readers, s.ciphertexts)
            for p, s in enumerate(sealed)
        ], receipts  # fmt: skip

    def revoke_sealed(self, sealed_id: int, reason_commitment: bytes) -> Receipt:
        return self._transact(self.functions.revokeSealed(sealed_id, reason_commitment))

    def sealed_state(self, sealed_id: int) -> tuple[int, bool]:
        category, revoked = self.functions.sealedRecordState(sealed_id).call()
        return int(category), bool(revoked)


def open_sealed_events(events: Iterable[Mapping[str, Any]], department: str, private_key: bytes) -> list[SealedRecord]:
    """The sealed records among CreditRecordSealed event arguments (`sealedId`, `category`,
    `commitment`, `readers`, `ciphertexts`; bytes as bytes or 0x-hex) that `department` can read,
    opened with its reader key and checked against their commitments. A record sealed to the
    department that does not open to its commitment raises SealedRecordError (its writer is at fault)."""
    code = department_code(department)
    opened = []
    for args in events:
        readers = [_bytes(r) for r in args["readers"]]
        if code not in readers:
            continue
        ciphertext = _bytes(args["ciphertexts"][readers.index(code)])
        opened.append(open_sealed(ciphertext, private_key, _bytes(args["commitment"]), int(args["category"]), int(args["sealedId"])))
    return opened


def _bytes(value: Any) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)
