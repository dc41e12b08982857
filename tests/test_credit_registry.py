"""CreditRegistry: append-only credit records, scores, batch sync, corrections and revocations."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from eth_abi import encode
from eth_utils import keccak

from conftest import reverts_with, unauthorized
from govchain.domain import identity_commitment, uscc_check_character, uscc_subject, validate_id_number

ADMIN = b"\0" * 32
ZERO32 = b"\0" * 32

# categories configured at bootstrap: id, name, active, public, minDelta, maxDelta
TAX, PENALTY, JUDGMENT, COMMENDATION, RETIRED, UNKNOWN = 1, 2, 3, 4, 5, 99
CATEGORIES = [
    (TAX, "纳税信用", True, True, -50, 50),
    (PENALTY, "行政处罚", True, True, -100, 0),
    (JUDGMENT, "司法判决", True, False, -200, 0),
    (COMMENDATION, "表彰奖励", True, True, 0, 30),
    (RETIRED, "旧分类", False, True, -10, 10),
]
RANGES = {cid: (lo, hi) for cid, _, _, _, lo, hi in CATEGORIES}
REVOCATION_CATEGORY = 0
CORRECTION, REVOCATION = 0, 1  # AmendmentKind

JAN_2025 = 1_735_689_600  # unix seconds
THREE_YEARS = 3 * 365 * 24 * 3600  # seconds
UNTIL_2028 = JAN_2025 + THREE_YEARS  # the default end of validity

ID_NUMBER = validate_id_number("110101199003074477")  # a valid test number (check digit 7)
SALT = bytes(range(32))
PERSON = identity_commitment(ID_NUMBER, SALT)
ENTERPRISE = uscc_subject("91370200163562681" + uscc_check_character("91370200163562681"))
OTHER = keccak(b"another person")

LEDGERS_SLOT = 3  # storage slot of `_ledgers`: after AccessControl._roles (0) and _roleMembers (1), _categories (2)


def hx(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def evidence(text: str) -> bytes:
    """Hash of an evidence document (kept off chain)."""
    return keccak(text.encode())


def entry(category: int, delta: int, doc: str = "decision", valid_from: int = JAN_2025, valid_until: int | None = None):
    until = UNTIL_2028 if valid_until is None else valid_until
    return (category, delta, evidence(doc), valid_from, until)


def ledger_slot(subject: bytes) -> int:
    return int.from_bytes(keccak(subject + LEDGERS_SLOT.to_bytes(32, "big")), "big")


def ledger_word(score: int, count: int, deltas: list[int]) -> int:
    """The packed ledger word: int32 score | uint32 count | int16 deltas of records 0..11."""
    word = (score & 0xFFFFFFFF) | (count << 32)
    for i, delta in enumerate(deltas[:12]):
        word |= (delta & 0xFFFF) << (64 + 16 * i)
    return word


def set_ledger(credit, subject: bytes, word: int) -> None:
    """Writes a ledger word directly (anvil_setStorageAt): the only way to reach the int32/uint32
    limits in a test, which would take ~65,000 (score) or 2^32 (count) real records."""
    web3.provider.make_request(
        "anvil_setStorageAt", [credit.address, hex(ledger_slot(subject)), "0x" + word.to_bytes(32, "big").hex()]
    )


def chain_blobs(first: int, last: int):
    """Per transaction mined in blocks first..last: its calldata and its logs (data and topics), as hex."""
    for height in range(first, last + 1):
        for tx_hash in web3.eth.get_block(height)["transactions"]:
            tx = web3.eth.get_transaction(tx_hash)
            receipt = web3.eth.get_transaction_receipt(tx_hash)
            logs = [bytes(log["data"]).hex() + "".join(bytes(t).hex() for t in log["topics"]) for log in receipt["logs"]]
            yield [bytes(tx["input"]).hex()] + logs


def state(credit, subject: bytes) -> tuple[int, int]:
    return credit.scoreOf(subject), credit.recordCountOf(subject)


def assert_recorded(event, subject, category, writer, delta, evidence_hash, valid_from, valid_until) -> None:
    assert event["subject"] == hx(subject)
    assert event["category"] == category
    assert event["writer"] == writer
    assert event["delta"] == delta
    assert event["evidenceHash"] == hx(evidence_hash)
    assert event["validFrom"] == valid_from
    assert event["validUntil"] == valid_until


@pytest.fixture(autouse=True)
def id_number_stays_off_chain(isolate):
    """After every test of this module (before its transactions are rolled back): the ID-card number
    behind PERSON is in no calldata and no log of them."""
    start = chain.height
    yield
    needle = ID_NUMBER.encode().hex()
    for blobs in chain_blobs(start + 1, chain.height):
        assert all(needle not in blob.lower() for blob in blobs)


@pytest.fixture(scope="module")
def tax_writer(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def samr_writer(accounts):
    return accounts[6]


@pytest.fixture(scope="module")
def outsider(accounts):
    return accounts[8]


@pytest.fixture(scope="module")
def credit(CreditRegistry, admin, timelock, tax_writer, samr_writer):
    """CreditRegistry with the bootstrap categories and two writers, then handed to the timelock."""
    registry = CreditRegistry.deploy(admin, {"from": admin})
    for category in CATEGORIES:
        registry.configureCategory(*category, {"from": admin})
    for writer in (tax_writer, samr_writer):
        registry.grantRole(registry.CREDIT_WRITER_ROLE(), writer, {"from": admin})
    registry.grantRole(ADMIN, timelock, {"from": admin})
    registry.renounceRole(ADMIN, admin, {"from": admin})
    return registry


@pytest.fixture(scope="module")
def writer_role(credit):
    return credit.CREDIT_WRITER_ROLE()


# --- deployment, roles, categories ---------------------------------------------------------------


def test_bootstrap_handed_to_timelock(credit, timelock, admin, tax_writer, samr_writer, writer_role):
    assert credit.hasRole(ADMIN, timelock) and not credit.hasRole(ADMIN, admin)
    # every holder of every role can be listed for an audit
    assert credit.getRoleMembers(ADMIN) == [timelock]
    assert credit.getRoleMembers(writer_role) == [tax_writer, samr_writer]
    assert writer_role == hx(keccak(b"CREDIT_WRITER_ROLE"))
    assert credit.MAX_BATCH_SIZE() == 250 and credit.REVOCATION_CATEGORY() == REVOCATION_CATEGORY


def test_constructor_rejects_zero_admin(CreditRegistry, admin):
    with reverts_with("CreditRegistryZeroAddress"):
        CreditRegistry.deploy(brownie.ZERO_ADDRESS, {"from": admin})


def test_bootstrap_categories(credit):
    for cid, _, active, public, lo, hi in CATEGORIES:
        assert tuple(credit.getCategory(cid)) == (True, active, public, lo, hi)
    assert tuple(credit.getCategory(UNKNOWN)) == (False, False, False, 0, 0)


def test_configure_category_through_governance(credit, gov, tax_writer):
    tx = gov.call(credit, "configureCategory", 7, "失信被执行人", True, False, -300, -1)
    event = tx.events["CategoryConfigured"]
    assert (event["category"], event["name"]) == (7, "失信被执行人")
    assert (event["active"], event["isPublic"]) == (True, False)
    assert (event["minDelta"], event["maxDelta"]) == (-300, -1)
    assert tuple(credit.getCategory(7)) == (True, True, False, -300, -1)
    credit.append(PERSON, entry(7, -300), {"from": tax_writer})
    # reconfiguring: deactivate and publish; the range applies to later records only
    tx = gov.call(credit, "configureCategory", 7, "失信被执行人", False, True, -100, -1)
    assert tx.events["CategoryConfigured"]["active"] is False
    assert tuple(credit.getCategory(7)) == (True, False, True, -100, -1)
    assert credit.scoreOf(PERSON) == -300


def test_configure_category_rejects_bad_input(credit, gov):
    cases = [
        (("CreditRegistryReservedCategory", 0), (0, "撤销", True, True, 0, 0)),
        (("CreditRegistryInvalidCategoryName", 7), (7, "", True, True, 0, 1)),
        (("CreditRegistryInvalidCategoryName", 7), (7, "类" * 43, True, True, 0, 1)),  # 129 bytes of UTF-8
        (("CreditRegistryInvalidDeltaRange", 7, 5, 4), (7, "x", True, True, 5, 4)),
        (("CreditRegistryInvalidDeltaRange", 7, -32768, 0), (7, "x", True, True, -32768, 0)),
    ]
    for (error, *args), call in cases:
        with reverts_with(error, *args):
            gov.call(credit, "configureCategory", *call)
    assert tuple(credit.getCategory(7)) == (False, False, False, 0, 0)
    assert tuple(credit.getCategory(0)) == (False, False, False, 0, 0)
    # the longest accepted name
    gov.call(credit, "configureCategory", 7, "类" * 42 + "ab", True, True, 0, 1)
    assert credit.getCategory(7)[0] is True


# --- appending -----------------------------------------------------------------------------------


def test_append_single(credit, tax_writer):
    record = entry(TAX, -20, "2025-税务-0001")
    assert credit.append.call(PERSON, record, {"from": tax_writer}) == 0
    tx = credit.append(PERSON, record, {"from": tax_writer})
    assert len(tx.events) == 1
    assert_recorded(tx.events["CreditRecorded"], PERSON, TAX, tax_writer, -20, record[2], JAN_2025, UNTIL_2028)
    assert state(credit, PERSON) == (-20, 1)
    assert tuple(credit.recordState(PERSON, 0)) == (-20, False, False)
    # a second record about the same subject gets index 1; open-ended validity (validUntil 0)
    assert credit.append.call(PERSON, entry(COMMENDATION, 30, valid_until=0), {"from": tax_writer}) == 1
    tx = credit.append(PERSON, entry(COMMENDATION, 30, valid_until=0), {"from": tax_writer})
    assert tx.events["CreditRecorded"]["validUntil"] == 0
    assert state(credit, PERSON) == (10, 2)


def test_append_accepts_range_bounds(credit, samr_writer):
    credit.append(ENTERPRISE, entry(JUDGMENT, -200), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(JUDGMENT, 0), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(COMMENDATION, 30), {"from": samr_writer})
    assert state(credit, ENTERPRISE) == (-170, 3)


def test_append_batch(credit, samr_writer):
    subjects = [PERSON, ENTERPRISE, PERSON, OTHER]
    records = [entry(PENALTY, -5, "a"), entry(PENALTY, -40, "b"), entry(TAX, 12, "c"), entry(JUDGMENT, -200, "d")]
    tx = credit.appendBatch(subjects, records, {"from": samr_writer})
    events = tx.events["CreditRecorded"]
    assert len(events) == 4
    for event, subject, record in zip(events, subjects, records, strict=True):
        assert_recorded(event, subject, record[0], samr_writer, record[1], record[2], record[3], record[4])
    assert state(credit, PERSON) == (7, 2)
    assert state(credit, ENTERPRISE) == (-40, 1)
    assert state(credit, OTHER) == (-200, 1)
    assert tuple(credit.recordState(PERSON, 1)) == (12, False, False)


def test_append_batch_of_max_size(credit, tax_writer):
    size = credit.MAX_BATCH_SIZE()
    subjects = [keccak(i.to_bytes(32, "big")) for i in range(size)]
    tx = credit.appendBatch(subjects, [entry(TAX, 1)] * size, {"from": tax_writer})
    assert len(tx.events["CreditRecorded"]) == size
    assert state(credit, subjects[-1]) == (1, 1)


def test_append_rejects_bad_records(credit, tax_writer):
    credit.append(PERSON, entry(TAX, 5), {"from": tax_writer})
    cases = [
        (("CreditRegistryZeroSubject", 0), ZERO32, entry(TAX, 1)),
        (("CreditRegistryUnknownCategory", 0, UNKNOWN), PERSON, entry(UNKNOWN, 1)),
        (("CreditRegistryUnknownCategory", 0, REVOCATION_CATEGORY), PERSON, entry(REVOCATION_CATEGORY, 0)),
        (("CreditRegistryInactiveCategory", 0, RETIRED), PERSON, entry(RETIRED, 1)),
        (("CreditRegistryDeltaOutOfRange", 0, PENALTY, 1, -100, 0), PERSON, entry(PENALTY, 1)),
        (("CreditRegistryDeltaOutOfRange", 0, PENALTY, -101, -100, 0), PERSON, entry(PENALTY, -101)),
        (("CreditRegistryInvalidValidity", 0, JAN_2025, JAN_2025), PERSON, entry(TAX, 1, valid_until=JAN_2025)),
        (("CreditRegistryInvalidValidity", 0, JAN_2025, JAN_2025 - 1), PERSON, entry(TAX, 1, valid_until=JAN_2025 - 1)),
    ]
    for (error, *args), subject, record in cases:
        with reverts_with(error, *args):
            credit.append(subject, record, {"from": tax_writer})
    assert state(credit, PERSON) == (5, 1)
    assert state(credit, ZERO32) == (0, 0)


def test_append_batch_rejects_bad_batches(credit, tax_writer):
    size = credit.MAX_BATCH_SIZE()
    with reverts_with("CreditRegistryEmptyBatch"):
        credit.appendBatch([], [], {"from": tax_writer})
    with reverts_with("CreditRegistryBatchTooLarge", size + 1, size):
        credit.appendBatch([PERSON] * (size + 1), [entry(TAX, 1)] * (size + 1), {"from": tax_writer})
    with reverts_with("CreditRegistryLengthMismatch", 2, 1):
        credit.appendBatch([PERSON, ENTERPRISE], [entry(TAX, 1)], {"from": tax_writer})
    with reverts_with("CreditRegistryLengthMismatch", 0, 1):
        credit.appendBatch([], [entry(TAX, 1)], {"from": tax_writer})
    assert state(credit, PERSON) == (0, 0)


def test_append_batch_is_all_or_nothing(credit, tax_writer):
    """A bad record anywhere reverts the whole batch with its error and its position in the batch."""
    good = [entry(TAX, 3), entry(PENALTY, -3)]
    cases = [
        (("CreditRegistryZeroSubject", 2), ZERO32, entry(TAX, 1)),
        (("CreditRegistryUnknownCategory", 2, UNKNOWN), OTHER, entry(UNKNOWN, 1)),
        (("CreditRegistryInactiveCategory", 2, RETIRED), OTHER, entry(RETIRED, 1)),
        (("CreditRegistryDeltaOutOfRange", 2, TAX, 51, -50, 50), OTHER, entry(TAX, 51)),
        # same category as record 0: the cached range still applies
        (("CreditRegistryDeltaOutOfRange", 2, PENALTY, 5, -100, 0), OTHER, entry(PENALTY, 5)),
        (("CreditRegistryInvalidValidity", 2, JAN_2025, 1), OTHER, entry(TAX, 1, valid_until=1)),
    ]
    for (error, *args), subject, record in cases:
        with reverts_with(error, *args):
            credit.appendBatch([PERSON, ENTERPRISE, subject], good + [record], {"from": tax_writer})
    for subject in (PERSON, ENTERPRISE, OTHER):
        assert state(credit, subject) == (0, 0)


def test_malformed_entry_words_revert(credit, tax_writer):
    """Entry words that do not fit their types revert (without data, as Solidity's ABI decoder does),
    also where the contract reads them in assembly; the well-formed calldata goes through."""
    calldata = bytes.fromhex(credit.append.encode_input(PERSON, entry(PENALTY, -7))[2:])
    words = {"category": 36, "delta": 68, "validFrom": 132, "validUntil": 164}  # selector + subject + n words

    def with_word(offset: int, value: int) -> str:
        return "0x" + (calldata[:offset] + value.to_bytes(32, "big") + calldata[offset + 32 :]).hex()

    dirty = {
        "category": 0x1_0002,  # > uint16
        "delta": 0xFFF9,  # -7 without its sign extension
        "validFrom": 1 << 40,
        "validUntil": (1 << 40) | UNTIL_2028,
    }
    for field, value in dirty.items():
        with pytest.raises(VirtualMachineError) as excinfo:
            tax_writer.transfer(credit, 0, data=with_word(words[field], value))
        assert not excinfo.value.revert_msg, field
    assert state(credit, PERSON) == (0, 0)
    # the same word in a batch: after the selector, two offsets, the subjects' length and subject,
    # the entries' length and the first entry's category
    batch = bytes.fromhex(credit.appendBatch.encode_input([PERSON], [entry(PENALTY, -7)])[2:])
    delta_at = 4 + 32 * 6
    bad = batch[:delta_at] + (0xFFF9).to_bytes(32, "big") + batch[delta_at + 32 :]
    with pytest.raises(VirtualMachineError) as excinfo:
        tax_writer.transfer(credit, 0, data="0x" + bad.hex())
    assert not excinfo.value.revert_msg
    tx = tax_writer.transfer(credit, 0, data="0x" + batch.hex())
    assert tx.events["CreditRecorded"]["delta"] == -7
    tx = tax_writer.transfer(credit, 0, data="0x" + calldata.hex())
    assert_recorded(
        tx.events["CreditRecorded"], PERSON, PENALTY, tax_writer, -7, evidence("decision"), JAN_2025, UNTIL_2028
    )
    assert state(credit, PERSON) == (-14, 2)


# --- corrections and revocations -----------------------------------------------------------------


def test_correct(credit, tax_writer, samr_writer):
    credit.append(PERSON, entry(PENALTY, -50, "处罚决定书"), {"from": samr_writer})
    credit.append(PERSON, entry(TAX, 10), {"from": tax_writer})
    fixed = entry(PENALTY, -20, "复议决定书", JAN_2025 + 100, JAN_2025 + 200)
    assert credit.correct.call(PERSON, 0, fixed, {"from": samr_writer}) == 2
    tx = credit.correct(PERSON, 0, fixed, {"from": samr_writer})
    assert list(tx.events.keys()) == ["CreditRecorded", "CreditRecordAmended"]
    recorded = tx.events["CreditRecorded"]
    assert_recorded(recorded, PERSON, PENALTY, samr_writer, -20, fixed[2], JAN_2025 + 100, JAN_2025 + 200)
    amended = tx.events["CreditRecordAmended"]
    assert (amended["subject"], amended["amendedIndex"]) == (hx(PERSON), 0)
    assert (amended["amendmentIndex"], amended["kind"]) == (2, CORRECTION)
    assert state(credit, PERSON) == (-10, 3)
    assert tuple(credit.recordState(PERSON, 0)) == (-50, True, False)  # kept, no longer counted
    assert tuple(credit.recordState(PERSON, 2)) == (-20, False, False)
    # a correction can itself be corrected, by another department, into another category
    credit.correct(PERSON, 2, entry(TAX, 0), {"from": tax_writer})
    assert state(credit, PERSON) == (10, 4)


def test_revoke(credit, samr_writer):
    credit.append(ENTERPRISE, entry(JUDGMENT, -150, "判决书"), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(COMMENDATION, 20), {"from": samr_writer})
    reason = evidence("再审判决书")
    assert credit.revoke.call(ENTERPRISE, 0, reason, {"from": samr_writer}) == 2
    tx = credit.revoke(ENTERPRISE, 0, reason, {"from": samr_writer})
    now = tx.timestamp
    assert_recorded(tx.events["CreditRecorded"], ENTERPRISE, REVOCATION_CATEGORY, samr_writer, 0, reason, now, 0)
    amended = tx.events["CreditRecordAmended"]
    assert (amended["amendedIndex"], amended["amendmentIndex"], amended["kind"]) == (0, 2, REVOCATION)
    assert state(credit, ENTERPRISE) == (20, 3)
    assert tuple(credit.recordState(ENTERPRISE, 0)) == (-150, True, False)
    assert tuple(credit.recordState(ENTERPRISE, 2)) == (0, False, True)


def test_revoke_in_a_retired_category(credit, gov, tax_writer):
    gov.call(credit, "configureCategory", RETIRED, "旧分类", True, True, -10, 10)
    credit.append(PERSON, entry(RETIRED, -10), {"from": tax_writer})
    gov.call(credit, "configureCategory", RETIRED, "旧分类", False, True, -10, 10)
    with reverts_with("CreditRegistryInactiveCategory", 0, RETIRED):
        credit.correct(PERSON, 0, entry(RETIRED, -5), {"from": tax_writer})
    credit.revoke(PERSON, 0, evidence("撤销"), {"from": tax_writer})
    assert state(credit, PERSON) == (0, 2)


def test_amendments_reject_bad_references(credit, tax_writer):
    credit.append(PERSON, entry(TAX, 10), {"from": tax_writer})  # 0
    credit.append(PERSON, entry(TAX, 20), {"from": tax_writer})  # 1
    credit.correct(PERSON, 0, entry(TAX, 15), {"from": tax_writer})  # 2 supersedes 0
    credit.revoke(PERSON, 1, evidence("r"), {"from": tax_writer})  # 3 revokes 1
    before = state(credit, PERSON)
    assert before == (15, 4)
    for amend in (
        lambda subject, ref: credit.correct(subject, ref, entry(TAX, 1), {"from": tax_writer}),
        lambda subject, ref: credit.revoke(subject, ref, evidence("x"), {"from": tax_writer}),
    ):
        with reverts_with("CreditRegistryUnknownRecord", PERSON, 4, 4):
            amend(PERSON, 4)
        with reverts_with("CreditRegistryUnknownRecord", OTHER, 0, 0):
            amend(OTHER, 0)
        with reverts_with("CreditRegistryUnknownRecord", ZERO32, 0, 0):
            amend(ZERO32, 0)
        with reverts_with("CreditRegistryRecordAlreadyRevoked", PERSON, 0):
            amend(PERSON, 0)  # superseded
        with reverts_with("CreditRegistryRecordAlreadyRevoked", PERSON, 1):
            amend(PERSON, 1)  # revoked
        with reverts_with("CreditRegistryRevocationNotAmendable", PERSON, 3):
            amend(PERSON, 3)
    assert state(credit, PERSON) == before


def test_correct_rejects_bad_entries(credit, tax_writer):
    credit.append(PERSON, entry(TAX, 10), {"from": tax_writer})
    cases = [
        (("CreditRegistryUnknownCategory", 0, UNKNOWN), entry(UNKNOWN, 1)),
        (("CreditRegistryUnknownCategory", 0, REVOCATION_CATEGORY), entry(REVOCATION_CATEGORY, 0)),
        (("CreditRegistryInactiveCategory", 0, RETIRED), entry(RETIRED, 1)),
        (("CreditRegistryDeltaOutOfRange", 0, COMMENDATION, -1, 0, 30), entry(COMMENDATION, -1)),
        (("CreditRegistryInvalidValidity", 0, JAN_2025, JAN_2025), entry(TAX, 1, valid_until=JAN_2025)),
    ]
    for (error, *args), record in cases:
        with reverts_with(error, *args):
            credit.correct(PERSON, 0, record, {"from": tax_writer})
    assert state(credit, PERSON) == (10, 1)
    assert tuple(credit.recordState(PERSON, 0)) == (10, False, False)


def test_subject_with_many_records(credit, tax_writer):
    """Deltas of records 12+ live in overflow pages (16 a word); amendments read them back."""
    deltas = [(-1) ** i * (i + 1) for i in range(40)]  # 1, -2, 3, ... across page boundaries 12, 28
    credit.appendBatch([OTHER] * 40, [entry(TAX, d) for d in deltas], {"from": tax_writer})
    assert state(credit, OTHER) == (sum(deltas), 40)
    for i in (11, 12, 27, 28, 39):
        assert tuple(credit.recordState(OTHER, i)) == (deltas[i], False, False)
    credit.revoke(OTHER, 12, evidence("r"), {"from": tax_writer})  # record 40: a revocation in page 1
    credit.correct(OTHER, 28, entry(TAX, 0), {"from": tax_writer})  # record 41: a zero delta, not written
    credit.correct(OTHER, 39, entry(TAX, -50), {"from": tax_writer})  # record 42
    expected = sum(deltas) - deltas[12] - deltas[28] - deltas[39] - 50
    assert state(credit, OTHER) == (expected, 43)
    assert tuple(credit.recordState(OTHER, 40)) == (0, False, True)
    assert tuple(credit.recordState(OTHER, 41)) == (0, False, False)
    assert tuple(credit.recordState(OTHER, 42)) == (-50, False, False)
    assert credit.recordState(OTHER, 12)[1] and credit.recordState(OTHER, 28)[1]
    with reverts_with("CreditRegistryRevocationNotAmendable", OTHER, 40):
        credit.correct(OTHER, 40, entry(TAX, 1), {"from": tax_writer})
    with reverts_with("CreditRegistryUnknownRecord", OTHER, 43, 43):
        credit.recordState(OTHER, 43)


def test_score_overflow_is_a_custom_error(credit, tax_writer):
    credit.append(PERSON, entry(TAX, 7), {"from": tax_writer})
    slot = ledger_slot(PERSON)
    # the storage layout the contract documents: int32 score | uint32 count | int16 deltas
    assert int.from_bytes(web3.eth.get_storage_at(credit.address, slot), "big") == ledger_word(7, 1, [7])
    top, bottom = 2**31 - 1, -(2**31)
    set_ledger(credit, PERSON, ledger_word(top - 10, 2, [7, -40]))
    with reverts_with("CreditRegistryScoreOverflow", PERSON, top + 1):
        credit.append(PERSON, entry(TAX, 11), {"from": tax_writer})
    with reverts_with("CreditRegistryScoreOverflow", PERSON, top - 10 + 40):
        credit.revoke(PERSON, 1, evidence("r"), {"from": tax_writer})
    with reverts_with("CreditRegistryScoreOverflow", PERSON, top - 10 + 40 + 1):
        credit.correct(PERSON, 1, entry(TAX, 1), {"from": tax_writer})
    with reverts_with("CreditRegistryScoreOverflow", PERSON, top + 1):
        credit.appendBatch([ENTERPRISE, PERSON], [entry(TAX, 1), entry(TAX, 11)], {"from": tax_writer})
    credit.append(PERSON, entry(TAX, 10), {"from": tax_writer})
    assert state(credit, PERSON) == (top, 3)
    set_ledger(credit, PERSON, ledger_word(bottom + 5, 1, [7]))
    with reverts_with("CreditRegistryScoreOverflow", PERSON, bottom - 1):
        credit.append(PERSON, entry(PENALTY, -6), {"from": tax_writer})
    assert state(credit, PERSON) == (bottom + 5, 1)


def test_record_count_limit_is_a_custom_error(credit, tax_writer):
    set_ledger(credit, PERSON, ledger_word(0, 2**32 - 1, []))
    with reverts_with("CreditRegistryTooManyRecords", PERSON):
        credit.append(PERSON, entry(TAX, 1), {"from": tax_writer})
    assert state(credit, PERSON) == (0, 2**32 - 1)


# --- access, views, privacy, regulator ------------------------------------------------------------


def test_unauthorized_callers_are_rejected(credit, outsider, admin, tax_writer, writer_role):
    credit.append(PERSON, entry(TAX, 1), {"from": tax_writer})
    writer_calls = [
        lambda who: credit.append(PERSON, entry(TAX, 1), {"from": who}),
        lambda who: credit.appendBatch([PERSON], [entry(TAX, 1)], {"from": who}),
        lambda who: credit.correct(PERSON, 0, entry(TAX, 2), {"from": who}),
        lambda who: credit.revoke(PERSON, 0, evidence("r"), {"from": who}),
    ]
    for call in writer_calls:
        for who in (outsider, admin):  # the governance bootstrap account writes no records
            with reverts_with(*unauthorized(who, writer_role)):
                call(who)
    for who in (outsider, tax_writer, admin):  # writers and the former bootstrap admin cannot configure
        with reverts_with(*unauthorized(who, ADMIN)):
            credit.configureCategory(7, "x", True, True, 0, 1, {"from": who})
        with reverts_with(*unauthorized(who, ADMIN)):
            credit.grantRole(writer_role, outsider, {"from": who})
    assert state(credit, PERSON) == (1, 1)


def test_writers_are_granted_and_revoked_by_governance(credit, gov, outsider, writer_role, accounts):
    tx = gov.call(credit, "grantRole", writer_role, outsider)
    assert tx.events["RoleGranted"]["account"] == outsider
    credit.append(PERSON, entry(TAX, 1), {"from": outsider})
    tx = gov.call(credit, "revokeRole", writer_role, outsider)
    assert tx.events["RoleRevoked"]["account"] == outsider
    assert credit.getRoleMembers(writer_role) == [accounts[5], accounts[6]]
    with reverts_with(*unauthorized(outsider, writer_role)):
        credit.append(PERSON, entry(TAX, 1), {"from": outsider})


def test_record_id_and_regulator_flag(credit, departments, tax_writer, accounts):
    credit.append(PERSON, entry(TAX, 1), {"from": tax_writer})
    record_id = credit.recordId(PERSON, 0)
    assert record_id == hx(keccak(encode(["bytes32", "uint32"], [PERSON, 0])))
    assert credit.recordId(PERSON, 1) != record_id
    regulator = accounts[9]  # REGULATOR_ROLE in DepartmentRegistry (conftest)
    tx = departments.flagRecord(credit, record_id, evidence("核查"), {"from": regulator})
    event = tx.events["RecordFlagged"]
    assert event["registry"] == credit and event["recordId"] == record_id
    assert state(credit, PERSON) == (1, 1)  # a flag changes no credit record


def test_id_number_never_reaches_the_chain(credit, tax_writer, samr_writer):
    """Only the identity commitment is sent: the ID-card number is in no calldata and no log."""
    start = chain.height
    credit.append(PERSON, entry(TAX, 10), {"from": tax_writer})
    credit.appendBatch([PERSON, ENTERPRISE], [entry(PENALTY, -5), entry(PENALTY, -5)], {"from": samr_writer})
    credit.correct(PERSON, 1, entry(PENALTY, -1), {"from": samr_writer})
    credit.revoke(PERSON, 0, evidence("r"), {"from": tax_writer})
    needle = ID_NUMBER.encode().hex()
    assert needle == "313130313031313939303033303734343737"  # the number's ASCII bytes
    commitment_seen = 0
    transactions = 0
    for blobs in chain_blobs(start + 1, chain.height):
        assert all(needle not in blob.lower() for blob in blobs)
        commitment_seen += any(PERSON.hex() in blob for blob in blobs)
        transactions += 1
    assert transactions == 4 and commitment_seen == 4  # the scan did see every transaction about the person


# --- stateful: the ledger is append-only and the score is the sum of the counted deltas -----------


ACTIVE = [TAX, PENALTY, JUDGMENT, COMMENDATION]
SUBJECTS = [keccak(bytes([n])) for n in range(3)]


class _Ledger:
    """Model: per subject a list of [delta, revoked, is_revocation], only ever appended to."""

    st_subject = strategy("uint256", max_value=len(SUBJECTS) - 1)
    st_category = strategy("uint256", max_value=len(ACTIVE) - 1)
    st_delta = strategy("uint256", max_value=1000)
    st_ref = strategy("uint256", max_value=1000)
    st_size = strategy("uint256", min_value=1, max_value=6)

    def __init__(self, credit, writer):
        self.credit, self.writer = credit, writer

    def setup(self):
        self.records: dict[int, list[list]] = {n: [] for n in range(len(SUBJECTS))}
        self.seen_counts = {n: 0 for n in range(len(SUBJECTS))}

    @staticmethod
    def _entry(st_category: int, st_delta: int) -> tuple:
        category = ACTIVE[st_category]
        lo, hi = RANGES[category]
        return entry(category, lo + st_delta % (hi - lo + 1), f"doc{st_delta}")

    def rule_append(self, st_subject, st_category, st_delta):
        record = self._entry(st_category, st_delta)
        self.credit.append(SUBJECTS[st_subject], record, {"from": self.writer})
        self.records[st_subject].append([record[1], False, False])

    def rule_append_batch(self, st_size, st_subject, st_category, st_delta):
        owners = [(st_subject + k) % len(SUBJECTS) for k in range(st_size)]
        records = [self._entry((st_category + k) % len(ACTIVE), st_delta + 7 * k) for k in range(st_size)]
        self.credit.appendBatch([SUBJECTS[n] for n in owners], records, {"from": self.writer})
        for n, record in zip(owners, records, strict=True):
            self.records[n].append([record[1], False, False])

    def _expected_error(self, n: int, ref: int):
        records = self.records[n]
        if ref >= len(records):
            return ("CreditRegistryUnknownRecord", SUBJECTS[n], ref, len(records))
        if records[ref][2]:
            return ("CreditRegistryRevocationNotAmendable", SUBJECTS[n], ref)
        if records[ref][1]:
            return ("CreditRegistryRecordAlreadyRevoked", SUBJECTS[n], ref)
        return None

    def rule_correct(self, st_subject, st_ref, st_category, st_delta):
        ref = st_ref % (len(self.records[st_subject]) + 1)  # sometimes one past the end
        record = self._entry(st_category, st_delta)
        error = self._expected_error(st_subject, ref)
        if error:
            with reverts_with(*error):
                self.credit.correct(SUBJECTS[st_subject], ref, record, {"from": self.writer})
            return
        self.credit.correct(SUBJECTS[st_subject], ref, record, {"from": self.writer})
        self.records[st_subject][ref][1] = True
        self.records[st_subject].append([record[1], False, False])

    def rule_revoke(self, st_subject, st_ref):
        ref = st_ref % (len(self.records[st_subject]) + 1)
        error = self._expected_error(st_subject, ref)
        if error:
            with reverts_with(*error):
                self.credit.revoke(SUBJECTS[st_subject], ref, ZERO32, {"from": self.writer})
            return
        self.credit.revoke(SUBJECTS[st_subject], ref, ZERO32, {"from": self.writer})
        self.records[st_subject][ref][1] = True
        self.records[st_subject].append([0, False, True])

    def invariant_score_is_the_sum_of_counted_deltas(self):
        for n, subject in enumerate(SUBJECTS):
            expected = sum(delta for delta, revoked, _ in self.records[n] if not revoked)
            assert self.credit.scoreOf(subject) == expected

    def invariant_ledger_is_append_only(self):
        for n, subject in enumerate(SUBJECTS):
            count = self.credit.recordCountOf(subject)
            assert count == len(self.records[n]) and count >= self.seen_counts[n]
            self.seen_counts[n] = count
            # every record ever written is still there with its delta; flags only go from false to true
            for index, (delta, revoked, is_revocation) in enumerate(self.records[n]):
                assert tuple(self.credit.recordState(subject, index)) == (delta, revoked, is_revocation)


def test_ledger_is_append_only_and_score_is_consistent(state_machine, credit, tax_writer):
    state_machine(_Ledger, credit, tax_writer, settings={"max_examples": 10, "stateful_step_count": 10})
