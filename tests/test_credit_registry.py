"""CreditRegistry: append-only credit records, scores, batch sync, corrections and revocations, and who
may write or amend which category (its owner department). Sealed records: test_credit_sealed.py."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain, web3
from brownie.exceptions import VirtualMachineError
from brownie.test import strategy
from eth_abi import encode
from eth_utils import keccak

from conftest import dept, reverts_with, unauthorized
from creditkit import (
    ADMIN, CATEGORIES, COMMENDATION, HRSS_DEPT, JUDGMENT, OWNERS, PENALTY, RANGES, RETIRED, SAMR_DEPT, SOCIAL,
    TAX, TAX_DEPT, UNKNOWN, deploy_credit,
)  # fmt: skip
from govchain.domain import identity_commitment, uscc_check_character, uscc_subject, validate_id_number

ZERO32 = b"\0" * 32
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


def ledger_word(score: int, count: int, records: list[tuple[int, int]]) -> int:
    """The packed ledger word: int32 score | uint32 count | records 0..11 of 16 bits each, a record
    being its (category, delta) as category << 10 | delta's low 10 bits."""
    word = (score & 0xFFFFFFFF) | (count << 32)
    for i, (category, delta) in enumerate(records[:12]):
        word |= ((category << 10) | (delta & 0x3FF)) << (64 + 16 * i)
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
def hrss_writer(accounts):
    return accounts[7]


@pytest.fixture(scope="module")
def outsider(accounts):
    return accounts[8]


@pytest.fixture(scope="module")
def regulator(accounts):
    return accounts[9]


@pytest.fixture(scope="module")
def deployed(CreditRegistry, DepartmentRegistry, admin, timelock, tax_writer, samr_writer, hrss_writer, regulator):
    """CreditRegistry with the bootstrap categories (creditkit) and one writer in each of TAX, SAMR,
    HRSS, then handed to the timelock with its DepartmentRegistry."""
    writers = {TAX_DEPT: tax_writer, SAMR_DEPT: samr_writer, HRSS_DEPT: hrss_writer}
    return deploy_credit(CreditRegistry, DepartmentRegistry, admin, timelock, writers, regulator)


@pytest.fixture(scope="module")
def credit(deployed):
    return deployed[0]


@pytest.fixture(scope="module")
def credit_departments(deployed):
    return deployed[1]


@pytest.fixture(scope="module")
def writer_role(credit):
    return credit.CREDIT_WRITER_ROLE()


# --- deployment, roles, categories ---------------------------------------------------------------


def test_bootstrap_handed_to_timelock(credit, timelock, admin, tax_writer, samr_writer, hrss_writer, writer_role):
    assert credit.hasRole(ADMIN, timelock) and not credit.hasRole(ADMIN, admin)
    # every holder of every role can be listed for an audit
    assert credit.getRoleMembers(ADMIN) == [timelock]
    assert credit.getRoleMembers(writer_role) == [tax_writer, samr_writer, hrss_writer]
    assert writer_role == hx(keccak(b"CREDIT_WRITER_ROLE"))
    assert credit.MAX_BATCH_SIZE() == 250 and credit.REVOCATION_CATEGORY() == REVOCATION_CATEGORY
    assert (credit.MAX_CATEGORY(), credit.MIN_DELTA(), credit.MAX_DELTA()) == (63, -512, 511)


def test_constructor_rejects_zero_addresses(CreditRegistry, credit_departments, admin):
    with reverts_with("CreditRegistryZeroAddress"):
        CreditRegistry.deploy(brownie.ZERO_ADDRESS, credit_departments, {"from": admin})
    with reverts_with("CreditRegistryZeroAddress"):
        CreditRegistry.deploy(admin, brownie.ZERO_ADDRESS, {"from": admin})


def test_bootstrap_categories(credit):
    for cid, _, active, public, lo, hi, owner in CATEGORIES:
        assert tuple(credit.getCategory(cid)) == (True, active, public, lo, hi, hx(owner))
    assert tuple(credit.getCategory(UNKNOWN)) == (False, False, False, 0, 0, hx(ZERO32))


def test_configure_category_through_governance(credit, gov, tax_writer, samr_writer):
    tx = gov.call(credit, "configureCategory", 7, "失信被执行人", True, True, -300, -1, TAX_DEPT)
    event = tx.events["CategoryConfigured"]
    assert (event["category"], event["name"]) == (7, "失信被执行人")
    assert (event["active"], event["isPublic"]) == (True, True)
    assert (event["minDelta"], event["maxDelta"]) == (-300, -1)
    assert event["owner"] == hx(TAX_DEPT)
    assert tuple(credit.getCategory(7)) == (True, True, True, -300, -1, hx(TAX_DEPT))
    credit.append(PERSON, entry(7, -300), {"from": tax_writer})
    # reconfiguring: deactivate, hand to SAMR; the range applies to later records only, the owner to
    # the category's earlier records too
    tx = gov.call(credit, "configureCategory", 7, "失信被执行人", False, True, -100, -1, SAMR_DEPT)
    assert tx.events["CategoryConfigured"]["active"] is False
    assert tuple(credit.getCategory(7)) == (True, False, True, -100, -1, hx(SAMR_DEPT))
    assert credit.scoreOf(PERSON) == -300
    with reverts_with("CreditRegistryNotCategoryOwner", 0, 7, TAX_DEPT, SAMR_DEPT):
        credit.revoke(PERSON, 0, evidence("撤销"), {"from": tax_writer})
    credit.revoke(PERSON, 0, evidence("撤销"), {"from": samr_writer})
    assert state(credit, PERSON) == (0, 2)


def test_configure_category_rejects_bad_input(credit, credit_departments, gov):
    long_code = b"A" * 26  # one byte past MAX_OWNER_CODE_BYTES
    cases = [
        (("CreditRegistryReservedCategory", 0), (0, "撤销", True, True, 0, 0, TAX_DEPT)),
        (("CreditRegistryCategoryOutOfRange", 64, 63), (64, "x", True, True, 0, 1, TAX_DEPT)),
        (("CreditRegistryInvalidCategoryName", 7), (7, "", True, True, 0, 1, TAX_DEPT)),
        (("CreditRegistryInvalidCategoryName", 7), (7, "类" * 43, True, True, 0, 1, TAX_DEPT)),  # 129 bytes of UTF-8
        (("CreditRegistryInvalidDeltaRange", 7, 5, 4), (7, "x", True, True, 5, 4, TAX_DEPT)),
        (("CreditRegistryInvalidDeltaRange", 7, -513, 0), (7, "x", True, True, -513, 0, TAX_DEPT)),
        (("CreditRegistryInvalidDeltaRange", 7, 0, 512), (7, "x", True, True, 0, 512, TAX_DEPT)),
        (("CreditRegistryInvalidOwner", 7, ZERO32), (7, "x", True, True, 0, 1, ZERO32)),
        (("CreditRegistryInvalidOwner", 7, long_code.ljust(32, b"\0")), (7, "x", True, True, 0, 1, long_code.ljust(32, b"\0"))),
        (("DepartmentRegistryUnknownDepartment", dept("NOBODY")), (7, "x", True, True, 0, 1, dept("NOBODY"))),
    ]
    for (error, *args), call in cases:
        with reverts_with(error, *args):
            gov.call(credit, "configureCategory", *call)
    # an inactive department owns no category
    gov.call(credit_departments, "setDepartmentActive", HRSS_DEPT, False)
    with reverts_with("CreditRegistryInvalidOwner", 7, HRSS_DEPT):
        gov.call(credit, "configureCategory", 7, "x", True, True, 0, 1, HRSS_DEPT)
    assert tuple(credit.getCategory(7)) == (False, False, False, 0, 0, hx(ZERO32))
    assert tuple(credit.getCategory(0)) == (False, False, False, 0, 0, hx(ZERO32))
    # the longest accepted name, the widest range, the last id, the longest owner code
    gov.call(credit, "configureCategory", 7, "类" * 42 + "ab", True, True, -512, 511, TAX_DEPT)
    assert tuple(credit.getCategory(7)) == (True, True, True, -512, 511, hx(TAX_DEPT))
    gov.call(credit_departments, "registerDepartment", (b"B" * 25).ljust(32, b"\0"), "x")
    gov.call(credit, "configureCategory", 63, "x", True, True, 0, 1, (b"B" * 25).ljust(32, b"\0"))
    assert credit.getCategory(63)[5] == hx((b"B" * 25).ljust(32, b"\0"))


# --- appending -----------------------------------------------------------------------------------


def test_append_single(credit, tax_writer):
    record = entry(TAX, -20, "2025-税务-0001")
    assert credit.append.call(PERSON, record, {"from": tax_writer}) == 0
    tx = credit.append(PERSON, record, {"from": tax_writer})
    assert len(tx.events) == 1
    assert_recorded(tx.events["CreditRecorded"], PERSON, TAX, tax_writer, -20, record[2], JAN_2025, UNTIL_2028)
    assert state(credit, PERSON) == (-20, 1)
    assert tuple(credit.recordState(PERSON, 0)) == (-20, False, False, TAX)
    # a second record about the same subject gets index 1; open-ended validity (validUntil 0)
    assert credit.append.call(PERSON, entry(COMMENDATION, 30, valid_until=0), {"from": tax_writer}) == 1
    tx = credit.append(PERSON, entry(COMMENDATION, 30, valid_until=0), {"from": tax_writer})
    assert tx.events["CreditRecorded"]["validUntil"] == 0
    assert state(credit, PERSON) == (10, 2)


def test_append_accepts_range_bounds(credit, samr_writer, tax_writer, gov):
    credit.append(ENTERPRISE, entry(JUDGMENT, -200), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(JUDGMENT, 0), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(COMMENDATION, 30), {"from": tax_writer})
    assert state(credit, ENTERPRISE) == (-170, 3)
    # the widest range a stored record holds
    gov.call(credit, "configureCategory", 7, "x", True, True, -512, 511, TAX_DEPT)
    credit.appendBatch([OTHER, OTHER], [entry(7, -512), entry(7, 511)], {"from": tax_writer})
    assert [tuple(credit.recordState(OTHER, i)) for i in (0, 1)] == [(-512, False, False, 7), (511, False, False, 7)]
    assert state(credit, OTHER) == (-1, 2)


def test_append_batch(credit, samr_writer):
    subjects = [PERSON, ENTERPRISE, PERSON, OTHER]
    records = [entry(PENALTY, -5, "a"), entry(PENALTY, -40, "b"), entry(JUDGMENT, -12, "c"), entry(JUDGMENT, -200, "d")]
    tx = credit.appendBatch(subjects, records, {"from": samr_writer})
    events = tx.events["CreditRecorded"]
    assert len(events) == 4
    for event, subject, record in zip(events, subjects, records, strict=True):
        assert_recorded(event, subject, record[0], samr_writer, record[1], record[2], record[3], record[4])
    assert state(credit, PERSON) == (-17, 2)
    assert state(credit, ENTERPRISE) == (-40, 1)
    assert state(credit, OTHER) == (-200, 1)
    assert tuple(credit.recordState(PERSON, 1)) == (-12, False, False, JUDGMENT)


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
        (("CreditRegistryNonPublicCategory", 0, SOCIAL), PERSON, entry(SOCIAL, -5)),
        (("CreditRegistryNotCategoryOwner", 0, PENALTY, TAX_DEPT, SAMR_DEPT), PERSON, entry(PENALTY, -5)),
        (("CreditRegistryDeltaOutOfRange", 0, TAX, 51, -50, 50), PERSON, entry(TAX, 51)),
        (("CreditRegistryDeltaOutOfRange", 0, COMMENDATION, -1, 0, 30), PERSON, entry(COMMENDATION, -1)),
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
    good = [entry(TAX, 3), entry(COMMENDATION, 3)]
    cases = [
        (("CreditRegistryZeroSubject", 2), ZERO32, entry(COMMENDATION, 1)),
        (("CreditRegistryUnknownCategory", 2, UNKNOWN), OTHER, entry(UNKNOWN, 1)),
        (("CreditRegistryInactiveCategory", 2, RETIRED), OTHER, entry(RETIRED, 1)),
        (("CreditRegistryNonPublicCategory", 2, SOCIAL), OTHER, entry(SOCIAL, 1)),
        # a category another department owns, anywhere in the batch
        (("CreditRegistryNotCategoryOwner", 2, PENALTY, TAX_DEPT, SAMR_DEPT), OTHER, entry(PENALTY, -1)),
        (("CreditRegistryDeltaOutOfRange", 2, TAX, 51, -50, 50), OTHER, entry(TAX, 51)),
        # same category as record 1: the cached range still applies
        (("CreditRegistryDeltaOutOfRange", 2, COMMENDATION, -1, 0, 30), OTHER, entry(COMMENDATION, -1)),
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
    calldata = bytes.fromhex(credit.append.encode_input(PERSON, entry(TAX, -7))[2:])
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
    batch = bytes.fromhex(credit.appendBatch.encode_input([PERSON], [entry(TAX, -7)])[2:])
    delta_at = 4 + 32 * 6
    bad = batch[:delta_at] + (0xFFF9).to_bytes(32, "big") + batch[delta_at + 32 :]
    with pytest.raises(VirtualMachineError) as excinfo:
        tax_writer.transfer(credit, 0, data="0x" + bad.hex())
    assert not excinfo.value.revert_msg
    tx = tax_writer.transfer(credit, 0, data="0x" + batch.hex())
    assert tx.events["CreditRecorded"]["delta"] == -7
    tx = tax_writer.transfer(credit, 0, data="0x" + calldata.hex())
    assert_recorded(
        tx.events["CreditRecorded"], PERSON, TAX, tax_writer, -7, evidence("decision"), JAN_2025, UNTIL_2028
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
    assert tuple(credit.recordState(PERSON, 0)) == (-50, True, False, PENALTY)  # kept, no longer counted
    assert tuple(credit.recordState(PERSON, 2)) == (-20, False, False, PENALTY)
    # a correction can itself be corrected, into another category of the same owner
    credit.correct(PERSON, 2, entry(JUDGMENT, 0), {"from": samr_writer})
    assert state(credit, PERSON) == (10, 4)
    assert tuple(credit.recordState(PERSON, 3)) == (0, False, False, JUDGMENT)


def test_revoke(credit, samr_writer, tax_writer):
    credit.append(ENTERPRISE, entry(JUDGMENT, -150, "判决书"), {"from": samr_writer})
    credit.append(ENTERPRISE, entry(COMMENDATION, 20), {"from": tax_writer})
    reason = evidence("再审判决书")
    assert credit.revoke.call(ENTERPRISE, 0, reason, {"from": samr_writer}) == 2
    tx = credit.revoke(ENTERPRISE, 0, reason, {"from": samr_writer})
    now = tx.timestamp
    assert_recorded(tx.events["CreditRecorded"], ENTERPRISE, REVOCATION_CATEGORY, samr_writer, 0, reason, now, 0)
    amended = tx.events["CreditRecordAmended"]
    assert (amended["amendedIndex"], amended["amendmentIndex"], amended["kind"]) == (0, 2, REVOCATION)
    assert state(credit, ENTERPRISE) == (20, 3)
    assert tuple(credit.recordState(ENTERPRISE, 0)) == (-150, True, False, JUDGMENT)
    assert tuple(credit.recordState(ENTERPRISE, 2)) == (0, False, True, REVOCATION_CATEGORY)


def test_only_the_owner_department_amends_its_records(credit, tax_writer, samr_writer):
    """The review's attack: the tax bureau revoked a market-regulation penalty (score 5 -> 12). Every
    amendment of a record in a category another department owns is refused and changes nothing."""
    credit.append(ENTERPRISE, entry(TAX, 12, "纳税信用评价"), {"from": tax_writer})  # 0
    credit.append(ENTERPRISE, entry(PENALTY, -7, "处罚决定书"), {"from": samr_writer})  # 1
    before = (state(credit, ENTERPRISE), [tuple(credit.recordState(ENTERPRISE, i)) for i in (0, 1)])
    assert before == ((5, 2), [(12, False, False, TAX), (-7, False, False, PENALTY)])
    with reverts_with("CreditRegistryNotCategoryOwner", 0, PENALTY, TAX_DEPT, SAMR_DEPT):
        credit.revoke(ENTERPRISE, 1, evidence("撤销"), {"from": tax_writer})
    with reverts_with("CreditRegistryNotCategoryOwner", 0, PENALTY, TAX_DEPT, SAMR_DEPT):
        credit.correct(ENTERPRISE, 1, entry(TAX, 0), {"from": tax_writer})  # into a category TAX owns
    with reverts_with("CreditRegistryNotCategoryOwner", 0, TAX, SAMR_DEPT, TAX_DEPT):
        credit.revoke(ENTERPRISE, 0, evidence("撤销"), {"from": samr_writer})
    # the owner may not move its record into a category it does not own either
    with reverts_with("CreditRegistryNotCategoryOwner", 0, TAX, SAMR_DEPT, TAX_DEPT):
        credit.correct(ENTERPRISE, 1, entry(TAX, 20), {"from": samr_writer})
    after = (state(credit, ENTERPRISE), [tuple(credit.recordState(ENTERPRISE, i)) for i in (0, 1)])
    assert after == before
    # the owner revokes it
    credit.revoke(ENTERPRISE, 1, evidence("复议撤销"), {"from": samr_writer})
    assert state(credit, ENTERPRISE) == (12, 3)


def test_writers_act_only_while_their_department_is_active(credit, credit_departments, gov, samr_writer):
    credit.append(ENTERPRISE, entry(PENALTY, -7), {"from": samr_writer})
    gov.call(credit_departments, "setDepartmentActive", SAMR_DEPT, False)
    for call in (
        lambda: credit.append(ENTERPRISE, entry(PENALTY, -1), {"from": samr_writer}),
        lambda: credit.appendBatch([ENTERPRISE], [entry(PENALTY, -1)], {"from": samr_writer}),
        lambda: credit.correct(ENTERPRISE, 0, entry(PENALTY, -1), {"from": samr_writer}),
        lambda: credit.revoke(ENTERPRISE, 0, evidence("r"), {"from": samr_writer}),
    ):
        with reverts_with("DepartmentRegistryInactiveOfficer", samr_writer):
            call()
    gov.call(credit_departments, "setDepartmentActive", SAMR_DEPT, True)
    gov.call(credit_departments, "removeOfficer", samr_writer)  # the role stays, the department is gone
    with reverts_with("DepartmentRegistryNotAnOfficer", samr_writer):
        credit.revoke(ENTERPRISE, 0, evidence("r"), {"from": samr_writer})
    assert state(credit, ENTERPRISE) == (-7, 1)


def test_revoke_in_a_retired_category(credit, gov, tax_writer):
    gov.call(credit, "configureCategory", RETIRED, "旧分类", True, True, -10, 10, TAX_DEPT)
    credit.append(PERSON, entry(RETIRED, -10), {"from": tax_writer})
    gov.call(credit, "configureCategory", RETIRED, "旧分类", False, True, -10, 10, TAX_DEPT)
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
        (("CreditRegistryNonPublicCategory", 0, SOCIAL), entry(SOCIAL, 1)),
        (("CreditRegistryNotCategoryOwner", 0, PENALTY, TAX_DEPT, SAMR_DEPT), entry(PENALTY, -1)),
        (("CreditRegistryDeltaOutOfRange", 0, COMMENDATION, -1, 0, 30), entry(COMMENDATION, -1)),
        (("CreditRegistryInvalidValidity", 0, JAN_2025, JAN_2025), entry(TAX, 1, valid_until=JAN_2025)),
    ]
    for (error, *args), record in cases:
        with reverts_with(error, *args):
            credit.correct(PERSON, 0, record, {"from": tax_writer})
    assert state(credit, PERSON) == (10, 1)
    assert tuple(credit.recordState(PERSON, 0)) == (10, False, False, TAX)


def test_subject_with_many_records(credit, tax_writer):
    """Deltas of records 12+ live in overflow pages (16 a word); amendments read them back."""
    deltas = [(-1) ** i * (i + 1) for i in range(40)]  # 1, -2, 3, ... across page boundaries 12, 28
    credit.appendBatch([OTHER] * 40, [entry(TAX, d) for d in deltas], {"from": tax_writer})
    assert state(credit, OTHER) == (sum(deltas), 40)
    for i in (11, 12, 27, 28, 39):
        assert tuple(credit.recordState(OTHER, i)) == (deltas[i], False, False, TAX)
    credit.revoke(OTHER, 12, evidence("r"), {"from": tax_writer})  # record 40: a revocation in page 1
    credit.correct(OTHER, 28, entry(TAX, 0), {"from": tax_writer})  # record 41: a zero delta
    credit.correct(OTHER, 39, entry(TAX, -50), {"from": tax_writer})  # record 42
    expected = sum(deltas) - deltas[12] - deltas[28] - deltas[39] - 50
    assert state(credit, OTHER) == (expected, 43)
    assert tuple(credit.recordState(OTHER, 40)) == (0, False, True, REVOCATION_CATEGORY)
    assert tuple(credit.recordState(OTHER, 41)) == (0, False, False, TAX)  # a zero delta, still a record
    assert tuple(credit.recordState(OTHER, 42)) == (-50, False, False, TAX)
    assert credit.recordState(OTHER, 12)[1] and credit.recordState(OTHER, 28)[1]
    with reverts_with("CreditRegistryRevocationNotAmendable", OTHER, 40):
        credit.correct(OTHER, 40, entry(TAX, 1), {"from": tax_writer})
    with reverts_with("CreditRegistryUnknownRecord", OTHER, 43, 43):
        credit.recordState(OTHER, 43)


def test_score_overflow_is_a_custom_error(credit, tax_writer):
    credit.append(PERSON, entry(TAX, 7), {"from": tax_writer})
    slot = ledger_slot(PERSON)
    # the storage layout the contract documents: int32 score | uint32 count | 16-bit records
    assert int.from_bytes(web3.eth.get_storage_at(credit.address, slot), "big") == ledger_word(7, 1, [(TAX, 7)])
    top, bottom = 2**31 - 1, -(2**31)
    set_ledger(credit, PERSON, ledger_word(top - 10, 2, [(TAX, 7), (TAX, -40)]))
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
    set_ledger(credit, PERSON, ledger_word(bottom + 5, 1, [(TAX, 7)]))
    with reverts_with("CreditRegistryScoreOverflow", PERSON, bottom - 1):
        credit.append(PERSON, entry(TAX, -6), {"from": tax_writer})
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
        lambda who: credit.appendSealed(SOCIAL, [(evidence("c"), [b"x", b"y"])], {"from": who}),
        lambda who: credit.revokeSealed(0, evidence("r"), {"from": who}),
    ]
    for call in writer_calls:
        for who in (outsider, admin):  # the governance bootstrap account writes no records
            with reverts_with(*unauthorized(who, writer_role)):
                call(who)
    key = "0x02" + "11" * 32
    for who in (outsider, tax_writer, admin):  # writers and the former bootstrap admin cannot configure
        for configure in (
            lambda: credit.configureCategory(7, "x", True, True, 0, 1, TAX_DEPT, {"from": who}),
            lambda: credit.setCategoryReaders(SOCIAL, [TAX_DEPT], {"from": who}),
            lambda: credit.setReaderKey(TAX_DEPT, key, {"from": who}),
            lambda: credit.grantRole(writer_role, outsider, {"from": who}),
        ):
            with reverts_with(*unauthorized(who, ADMIN)):
                configure()
    assert state(credit, PERSON) == (1, 1)
    assert credit.categoryReaders(SOCIAL) == [hx(HRSS_DEPT), hx(dept("DRC"))]


def test_writers_are_granted_and_revoked_by_governance(credit, credit_departments, gov, outsider, writer_role, accounts):
    tx = gov.call(credit, "grantRole", writer_role, outsider)
    assert tx.events["RoleGranted"]["account"] == outsider
    # the role alone writes nothing: the writer must be an officer of the category's owner
    with reverts_with("DepartmentRegistryNotAnOfficer", outsider):
        credit.append(PERSON, entry(TAX, 1), {"from": outsider})
    gov.call(credit_departments, "assignOfficer", outsider, SAMR_DEPT)
    with reverts_with("CreditRegistryNotCategoryOwner", 0, TAX, SAMR_DEPT, TAX_DEPT):
        credit.append(PERSON, entry(TAX, 1), {"from": outsider})
    gov.call(credit_departments, "assignOfficer", outsider, TAX_DEPT)
    credit.append(PERSON, entry(TAX, 1), {"from": outsider})
    tx = gov.call(credit, "revokeRole", writer_role, outsider)
    assert tx.events["RoleRevoked"]["account"] == outsider
    assert credit.getRoleMembers(writer_role) == [accounts[5], accounts[6], accounts[7]]
    with reverts_with(*unauthorized(outsider, writer_role)):
        credit.append(PERSON, entry(TAX, 1), {"from": outsider})
    assert state(credit, PERSON) == (1, 1)


def test_record_id_and_regulator_flag(credit, credit_departments, tax_writer, regulator):
    credit.append(PERSON, entry(TAX, 1), {"from": tax_writer})
    record_id = credit.recordId(PERSON, 0)
    assert record_id == hx(keccak(encode(["bytes32", "uint32"], [PERSON, 0])))
    assert credit.recordId(PERSON, 1) != record_id
    tx = credit_departments.flagRecord(credit, record_id, evidence("核查"), {"from": regulator})
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


# --- stateful: the ledger is append-only, the score is the sum of the counted deltas, and only a
# category's owner writes or amends its records ---------------------------------------------------


ACTIVE = [TAX, PENALTY, JUDGMENT, COMMENDATION]
SUBJECTS = [keccak(bytes([n])) for n in range(3)]


class _Ledger:
    """Model: per subject a list of [delta, revoked, is_revocation, category], only ever appended to.
    Each step acts as the TAX or the SAMR writer, in any category: steps in categories the writer's
    department does not own (the review's attack) must be refused and change nothing."""

    st_subject = strategy("uint256", max_value=len(SUBJECTS) - 1)
    st_category = strategy("uint256", max_value=len(ACTIVE) - 1)
    st_delta = strategy("uint256", max_value=1000)
    st_ref = strategy("uint256", max_value=1000)
    st_size = strategy("uint256", min_value=1, max_value=6)
    st_writer = strategy("uint256", max_value=1)

    def __init__(self, credit, writers):
        self.credit, self.writers = credit, writers  # [(account, department)]

    def setup(self):
        self.records: dict[int, list[list]] = {n: [] for n in range(len(SUBJECTS))}
        self.seen_counts = {n: 0 for n in range(len(SUBJECTS))}

    @staticmethod
    def _entry(st_category: int, st_delta: int) -> tuple:
        category = ACTIVE[st_category]
        lo, hi = RANGES[category]
        return entry(category, lo + st_delta % (hi - lo + 1), f"doc{st_delta}")

    def _not_owner(self, position: int, category: int, department: bytes):
        if OWNERS[category] == department:
            return None
        return ("CreditRegistryNotCategoryOwner", position, category, department, OWNERS[category])

    def rule_append(self, st_writer, st_subject, st_category, st_delta):
        writer, department = self.writers[st_writer]
        record = self._entry(st_category, st_delta)
        if error := self._not_owner(0, record[0], department):
            with reverts_with(*error):
                self.credit.append(SUBJECTS[st_subject], record, {"from": writer})
            return
        self.credit.append(SUBJECTS[st_subject], record, {"from": writer})
        self.records[st_subject].append([record[1], False, False, record[0]])

    def rule_append_batch(self, st_writer, st_size, st_subject, st_category, st_delta):
        writer, department = self.writers[st_writer]
        owners = [(st_subject + k) % len(SUBJECTS) for k in range(st_size)]
        records = [self._entry((st_category + k // 2) % len(ACTIVE), st_delta + 7 * k) for k in range(st_size)]
        errors = [self._not_owner(k, record[0], department) for k, record in enumerate(records)]
        if error := next((e for e in errors if e), None):
            with reverts_with(*error):
                self.credit.appendBatch([SUBJECTS[n] for n in owners], records, {"from": writer})
            return
        self.credit.appendBatch([SUBJECTS[n] for n in owners], records, {"from": writer})
        for n, record in zip(owners, records, strict=True):
            self.records[n].append([record[1], False, False, record[0]])

    def _expected_error(self, n: int, ref: int, department: bytes):
        records = self.records[n]
        if ref >= len(records):
            return ("CreditRegistryUnknownRecord", SUBJECTS[n], ref, len(records))
        if records[ref][2]:
            return ("CreditRegistryRevocationNotAmendable", SUBJECTS[n], ref)
        if records[ref][1]:
            return ("CreditRegistryRecordAlreadyRevoked", SUBJECTS[n], ref)
        return self._not_owner(0, records[ref][3], department)

    def rule_correct(self, st_writer, st_subject, st_ref, st_category, st_delta):
        writer, department = self.writers[st_writer]
        ref = st_ref % (len(self.records[st_subject]) + 1)  # sometimes one past the end
        record = self._entry(st_category, st_delta)
        error = self._expected_error(st_subject, ref, department) or self._not_owner(0, record[0], department)
        if error:
            with reverts_with(*error):
                self.credit.correct(SUBJECTS[st_subject], ref, record, {"from": writer})
            return
        self.credit.correct(SUBJECTS[st_subject], ref, record, {"from": writer})
        self.records[st_subject][ref][1] = True
        self.records[st_subject].append([record[1], False, False, record[0]])

    def rule_revoke(self, st_writer, st_subject, st_ref):
        writer, department = self.writers[st_writer]
        ref = st_ref % (len(self.records[st_subject]) + 1)
        if error := self._expected_error(st_subject, ref, department):
            with reverts_with(*error):
                self.credit.revoke(SUBJECTS[st_subject], ref, ZERO32, {"from": writer})
            return
        self.credit.revoke(SUBJECTS[st_subject], ref, ZERO32, {"from": writer})
        self.records[st_subject][ref][1] = True
        self.records[st_subject].append([0, False, True, REVOCATION_CATEGORY])

    def invariant_score_is_the_sum_of_counted_deltas(self):
        for n, subject in enumerate(SUBJECTS):
            expected = sum(delta for delta, revoked, _, _ in self.records[n] if not revoked)
            assert self.credit.scoreOf(subject) == expected

    def invariant_ledger_is_append_only(self):
        for n, subject in enumerate(SUBJECTS):
            count = self.credit.recordCountOf(subject)
            assert count == len(self.records[n]) and count >= self.seen_counts[n]
            self.seen_counts[n] = count
            # every record ever written is still there with its delta and category; flags only go from
            # false to true
            for index, expected in enumerate(self.records[n]):
                assert tuple(self.credit.recordState(subject, index)) == tuple(expected)


def test_ledger_is_append_only_and_score_is_consistent(state_machine, credit, tax_writer, samr_writer):
    writers = [(tax_writer, TAX_DEPT), (samr_writer, SAMR_DEPT)]
    state_machine(_Ledger, credit, writers, settings={"max_examples": 10, "stateful_step_count": 10})
