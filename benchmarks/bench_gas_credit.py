"""Gas of appending credit records: single and batch-of-100, about subjects with and without a score.

gas.credit.append_single_existing_subject, gas.credit.append_single_new_subject,
gas.credit.append_batch100_existing_subjects_per_record, gas.credit.append_batch100_new_subjects_per_record.
Records carry realistic values: random 32-byte subjects and evidence hashes, negative and positive deltas,
a three-year validity period.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chain import load, per  # noqa: E402
from report import record  # noqa: E402

PENALTY, COMMENDATION, SEALED = 2, 4, 5  # category ids configured below
THREE_YEARS = 3 * 365 * 24 * 3600  # seconds
BATCH = 100


def main() -> None:
    project = load()
    from brownie import accounts, chain

    admin, writer = accounts[0], accounts[13]
    # the writer is an officer of the department that owns both categories (checked once per transaction)
    samr = b"SAMR".ljust(32, b"\0")
    departments = project.DepartmentRegistry.deploy(admin, {"from": admin})
    departments.registerDepartment(samr, "青岛市市场监督管理局", {"from": admin})
    departments.assignOfficer(writer, samr, {"from": admin})
    registry = project.CreditRegistry.deploy(admin, departments, {"from": admin})
    registry.grantRole(registry.CREDIT_WRITER_ROLE(), writer, {"from": admin})
    registry.configureCategory(PENALTY, "行政处罚", True, True, -100, 0, samr, {"from": admin})
    registry.configureCategory(COMMENDATION, "表彰奖励", True, True, 0, 50, samr, {"from": admin})

    def entry(delta: int) -> tuple[int, int, bytes, int, int]:
        now = chain.time()
        return (PENALTY if delta < 0 else COMMENDATION, delta, os.urandom(32), now, now + THREE_YEARS)

    def append(subject: bytes, delta: int) -> int:
        return registry.append(subject, entry(delta), {"from": writer}).gas_used

    def append_batch(subjects: list[bytes], delta: int) -> int:
        tx = registry.appendBatch(subjects, [entry(delta) for _ in subjects], {"from": writer})
        return tx.gas_used

    # the first append of the contract is not measured; the measured ones are typical
    append(os.urandom(32), -5)
    existing = os.urandom(32)
    append(existing, 10)
    single_existing = append(existing, -20)  # subject already has a score
    single_new = append(os.urandom(32), -20)

    known = [os.urandom(32) for _ in range(BATCH)]
    append_batch(known, 3)  # give every subject a score first
    batch_existing = append_batch(known, -7)
    batch_new = append_batch([os.urandom(32) for _ in range(BATCH)], -7)

    # informational, not recorded: a subject past its 12 in-word deltas (an overflow page per 16 records)
    busy = os.urandom(32)
    for _ in range(13):
        append(busy, 1)
    print(f"(info) single append, subject with 13 records (page exists): {append(busy, 1)}")
    print(f"(info) correction: {registry.correct(existing, 0, entry(5), {'from': writer}).gas_used}")
    print(f"(info) revocation: {registry.revoke(existing, 1, os.urandom(32), {'from': writer}).gas_used}")

    # informational: sealed records of a non-public category (commitment + one ECIES ciphertext per reader)
    from govchain.clients.credit import CreditEntry, reader_public_key, seal

    registry.configureCategory(SEALED, "社保缴纳", True, False, -30, 10, samr, {"from": admin})
    registry.setReaderKey(samr, reader_public_key(os.urandom(32)), {"from": admin})
    registry.setCategoryReaders(SEALED, [samr], {"from": admin})
    readers = [(samr, bytes(registry.readerKey(samr)))]

    def sealed(n: int) -> list:
        return [seal(os.urandom(32), CreditEntry(SEALED, -3, os.urandom(32), chain.time(), 0), readers).as_tuple() for _ in range(n)]

    registry.appendSealed(SEALED, sealed(1), {"from": writer})
    print(f"(info) sealed append, one reader: {registry.appendSealed(SEALED, sealed(1), {'from': writer}).gas_used}")
    print(f"(info) sealed batch of 100, one reader, per record: {per(registry.appendSealed(SEALED, sealed(BATCH), {'from': writer}).gas_used, BATCH)}")

    record(
        {
            "gas.credit.append_single_existing_subject": single_existing,
            "gas.credit.append_single_new_subject": single_new,
            "gas.credit.append_batch100_existing_subjects_per_record": per(batch_existing, BATCH),
            "gas.credit.append_batch100_new_subjects_per_record": per(batch_new, BATCH),
        }
    )


if __name__ == "__main__":
    main()
