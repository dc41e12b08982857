"""CreditRegistry's sealed records: non-public categories on a public ledger. Only a salted commitment
and the record encrypted to each entitled department go on chain; those departments open and verify
it, nobody else can, and no subject, delta or evidence of a sealed record is ever in plaintext."""

from __future__ import annotations

import os
import random

import pytest
from brownie import chain, web3
from eth_abi import encode
from eth_utils import keccak

from conftest import dept, make_sender, reverts_with
from creditkit import (
    CONTRACT, DRC_DEPT, HRSS_DEPT, PENALTY, RETIRED, SAMR_DEPT, SOCIAL, TAX, TAX_DEPT, UNKNOWN, deploy_credit,
    reader_secret,
)  # fmt: skip
from govchain.clients.credit import (
    CreditClient, CreditEntry, SealedRecordError, dev_reader_key, open_sealed, open_sealed_events, pack_sealed,
    reader_public_key, seal, seal_commitment,
)  # fmt: skip
from govchain.connection import Deployment, Suite
from govchain.domain import identity_commitment, uscc_check_character, uscc_subject, validate_id_number

JAN_2025 = 1_735_689_600  # unix seconds
ZERO32 = b"\0" * 32


def hx(value: bytes) -> str:
    return "0x" + bytes(value).hex()


@pytest.fixture(scope="module")
def writers(accounts):
    return {TAX_DEPT: accounts[5], SAMR_DEPT: accounts[6], HRSS_DEPT: accounts[7]}


@pytest.fixture(scope="module")
def credit(CreditRegistry, DepartmentRegistry, admin, timelock, writers, accounts):
    return deploy_credit(CreditRegistry, DepartmentRegistry, admin, timelock, writers, accounts[9])[0]


def readers_of(credit, category: int) -> list[tuple[bytes, bytes]]:
    return [(bytes(code), bytes(credit.readerKey(code))) for code in credit.categoryReaders(category)]


def social(delta: int, doc: str) -> CreditEntry:
    return CreditEntry(SOCIAL, delta, keccak(text=doc), JAN_2025, JAN_2025 + 365 * 86400)


PERSON = identity_commitment("110101199003074477", bytes(range(32)))


def test_commitment_is_the_contracts(credit):
    """The one off-chain copy of sealCommitment (govchain.clients.credit) equals the contract's."""
    for entry in (social(-30, "a"), social(10, "b"), CreditEntry(CONTRACT, -1, os.urandom(32), 0, 0)):
        salt = os.urandom(32)
        assert hx(seal_commitment(PERSON, entry, salt)) == credit.sealCommitment(PERSON, entry.as_tuple(), salt)
        assert seal_commitment(PERSON, entry, salt) == keccak(encode(["bytes32", "uint16", "int16", "bytes32", "uint40", "uint40", "bytes32"], [PERSON, *entry.as_tuple(), salt]))  # fmt: skip
    assert len(pack_sealed(PERSON, social(-3, "c"), ZERO32)) == 110


def test_append_sealed(credit, writers):
    hrss = writers[HRSS_DEPT]
    readers = readers_of(credit, SOCIAL)
    assert [code for code, _ in readers] == [HRSS_DEPT, DRC_DEPT]
    sealed = [seal(PERSON, social(-12, "欠缴通知书"), readers), seal(PERSON, social(5, "补缴凭证"), readers)]
    records = [s.as_tuple() for s in sealed]
    assert credit.appendSealed.call(SOCIAL, records, {"from": hrss}) == 0
    tx = credit.appendSealed(SOCIAL, records, {"from": hrss})
    events = tx.events["CreditRecordSealed"]
    assert len(events) == 2 and len(tx.events) == 2
    for sealed_id, (event, item) in enumerate(zip(events, sealed, strict=True)):
        assert (event["sealedId"], event["category"], event["writer"]) == (sealed_id, SOCIAL, hrss)
        assert event["commitment"] == hx(item.record.commitment)
        assert event["readers"] == [hx(HRSS_DEPT), hx(DRC_DEPT)]
        assert [bytes(c) for c in event["ciphertexts"]] == list(item.ciphertexts)
    assert credit.sealedRecordCount() == 2
    assert tuple(credit.sealedRecordState(1)) == (SOCIAL, False)
    # the public score and ledger of the subject do not move
    assert (credit.scoreOf(PERSON), credit.recordCountOf(PERSON)) == (0, 0)
    # ids go on across calls (and across a state word: 16 records a word)
    more = [seal(os.urandom(32), social(-1, f"d{i}"), readers).as_tuple() for i in range(20)]
    assert credit.appendSealed.call(SOCIAL, more, {"from": hrss}) == 2
    credit.appendSealed(SOCIAL, more, {"from": hrss})
    assert credit.sealedRecordCount() == 22
    assert tuple(credit.sealedRecordState(21)) == (SOCIAL, False)


def test_entitled_departments_open_and_verify_others_cannot(credit, writers):
    item = seal(PERSON, social(-12, "欠缴通知书"), readers_of(credit, SOCIAL))
    tx = credit.appendSealed(SOCIAL, [item.as_tuple()], {"from": writers[HRSS_DEPT]})
    args = dict(tx.events["CreditRecordSealed"][0])
    for reader in (HRSS_DEPT, DRC_DEPT):
        opened = open_sealed_events([args], reader.rstrip(b"\0").decode(), reader_secret(reader))
        assert len(opened) == 1
        record = opened[0]
        assert (record.subject, record.entry, record.salt) == (PERSON, social(-12, "欠缴通知书"), item.record.salt)
        assert record.commitment == item.record.commitment and record.sealed_id == 0
    # a department that is not a reader finds nothing to open, and no ciphertext opens with its key
    assert open_sealed_events([args], "TAX", reader_secret(TAX_DEPT)) == []
    commitment = bytes(args["commitment"])
    for ciphertext in args["ciphertexts"]:
        for outsider in (TAX_DEPT, SAMR_DEPT):
            with pytest.raises(SealedRecordError, match="does not open"):
                open_sealed(bytes(ciphertext), reader_secret(outsider), commitment, SOCIAL)
    # each reader can open only its own ciphertext
    with pytest.raises(SealedRecordError, match="does not open"):
        open_sealed(bytes(args["ciphertexts"][1]), reader_secret(HRSS_DEPT), commitment, SOCIAL)


def test_a_ciphertext_that_does_not_match_its_commitment_is_detected(credit, writers):
    """The contract cannot check a ciphertext; the reader can, against the commitment."""
    readers = readers_of(credit, SOCIAL)
    honest = seal(PERSON, social(-12, "欠缴通知书"), readers)
    lie = seal(PERSON, social(10, "欠缴通知书"), readers)  # what the ciphertexts say differs from the commitment
    tx = credit.appendSealed(SOCIAL, [(honest.record.commitment, list(lie.ciphertexts))], {"from": writers[HRSS_DEPT]})
    args = dict(tx.events["CreditRecordSealed"][0])
    with pytest.raises(SealedRecordError, match="does not match its on-chain commitment"):
        open_sealed_events([args], "HRSS", reader_secret(HRSS_DEPT))
    # a record sealed in another category than the chain says
    other = seal(PERSON, CreditEntry(CONTRACT, -1, keccak(text="x"), 0, 0), readers)
    with pytest.raises(SealedRecordError, match="category"):
        open_sealed(other.ciphertexts[0], reader_secret(HRSS_DEPT), other.record.commitment, SOCIAL)


def test_sealed_path_refusals(credit, gov, writers):
    readers = readers_of(credit, SOCIAL)
    good = seal(PERSON, social(-1, "x"), readers).as_tuple()
    hrss, samr = writers[HRSS_DEPT], writers[SAMR_DEPT]
    gov.call(credit, "configureCategory", 9, "无读者", True, False, -1, 0, HRSS_DEPT)  # no readers set
    gov.call(credit, "configureCategory", 10, "停用", False, False, -1, 0, HRSS_DEPT)
    size = credit.MAX_BATCH_SIZE()
    cases = [
        (("CreditRegistryEmptyBatch",), hrss, SOCIAL, []),
        (("CreditRegistryBatchTooLarge", size + 1, size), hrss, SOCIAL, [good] * (size + 1)),
        (("CreditRegistryUnknownCategory", 0, UNKNOWN), hrss, UNKNOWN, [good]),
        (("CreditRegistryInactiveCategory", 0, 10), hrss, 10, [good]),
        (("CreditRegistryPublicCategory", TAX), writers[TAX_DEPT], TAX, [good]),  # public: plaintext only
        (("CreditRegistryNotCategoryOwner", 0, SOCIAL, SAMR_DEPT, HRSS_DEPT), samr, SOCIAL, [good]),
        (("CreditRegistryNoReaders", 9), hrss, 9, [good]),
        (("CreditRegistryZeroCommitment", 1), hrss, SOCIAL, [good, (ZERO32, good[1])]),
        (("CreditRegistryCiphertextCount", 1, 1, 2), hrss, SOCIAL, [good, (good[0], good[1][:1])]),
        (("CreditRegistryCiphertextCount", 0, 3, 2), hrss, SOCIAL, [(good[0], good[1] + [b"x"])]),
    ]
    for (error, *args), writer, category, records in cases:
        with reverts_with(error, *args):
            credit.appendSealed(category, records, {"from": writer})
    assert credit.sealedRecordCount() == 0
    # and the plaintext path refuses a non-public category: its content would be public
    with reverts_with("CreditRegistryNonPublicCategory", 0, SOCIAL):
        credit.append(PERSON, social(-1, "x").as_tuple(), {"from": hrss})
    assert credit.recordCountOf(PERSON) == 0


def test_revoke_sealed(credit, writers):
    readers = readers_of(credit, SOCIAL)
    records = [seal(PERSON, social(-5, f"d{i}"), readers).as_tuple() for i in range(2)]
    credit.appendSealed(SOCIAL, records, {"from": writers[HRSS_DEPT]})
    reason = keccak(text="reason, sealed off chain")
    for outsider in (writers[TAX_DEPT], writers[SAMR_DEPT]):
        department = TAX_DEPT if outsider == writers[TAX_DEPT] else SAMR_DEPT
        with reverts_with("CreditRegistryNotCategoryOwner", 0, SOCIAL, department, HRSS_DEPT):
            credit.revokeSealed(1, reason, {"from": outsider})
    assert tuple(credit.sealedRecordState(1)) == (SOCIAL, False)
    tx = credit.revokeSealed(1, reason, {"from": writers[HRSS_DEPT]})
    event = tx.events["SealedCreditRecordRevoked"]
    assert (event["sealedId"], event["writer"], event["reasonCommitment"]) == (1, writers[HRSS_DEPT], hx(reason))
    assert tuple(credit.sealedRecordState(1)) == (SOCIAL, True)
    assert tuple(credit.sealedRecordState(0)) == (SOCIAL, False)
    with reverts_with("CreditRegistrySealedRecordAlreadyRevoked", 1):
        credit.revokeSealed(1, reason, {"from": writers[HRSS_DEPT]})
    with reverts_with("CreditRegistryUnknownSealedRecord", 2, 2):
        credit.revokeSealed(2, reason, {"from": writers[HRSS_DEPT]})
    with reverts_with("CreditRegistryUnknownSealedRecord", 2, 2):
        credit.sealedRecordState(2)


def test_reader_keys_and_readers_through_governance(credit, gov, writers):
    key = reader_public_key(keccak(b"rotated"))
    tx = gov.call(credit, "setReaderKey", DRC_DEPT, key)
    assert tx.events["ReaderKeySet"]["department"] == hx(DRC_DEPT) and tx.events["ReaderKeySet"]["publicKey"] == hx(key)
    assert credit.readerKey(DRC_DEPT) == hx(key)
    for bad in (key[:32], key + b"\0", b"\x04" + key[1:]):  # short, long, an uncompressed prefix
        with reverts_with("CreditRegistryInvalidReaderKey", DRC_DEPT):
            gov.call(credit, "setReaderKey", DRC_DEPT, bad)
    assert credit.readerKey(DRC_DEPT) == hx(key)
    tx = gov.call(credit, "setCategoryReaders", SOCIAL, [HRSS_DEPT])
    assert tx.events["CategoryReadersSet"]["readers"] == [hx(HRSS_DEPT)]
    cases = [
        (("CreditRegistryNoReaders", SOCIAL), [SOCIAL, []]),
        (("CreditRegistryNoReaderKey", dept("NOKEY")), [SOCIAL, [HRSS_DEPT, dept("NOKEY")]]),
        (("CreditRegistryInvalidReaders", SOCIAL), [SOCIAL, [HRSS_DEPT, DRC_DEPT, HRSS_DEPT]]),
        (("CreditRegistryInvalidReaders", SOCIAL), [SOCIAL, [HRSS_DEPT] * 9]),
        (("CreditRegistryCategoryOutOfRange", 64, 63), [64, [HRSS_DEPT]]),
    ]
    for (error, *args), call in cases:
        with reverts_with(error, *args):
            gov.call(credit, "setCategoryReaders", *call)
    assert credit.categoryReaders(SOCIAL) == [hx(HRSS_DEPT)]
    # later records need one ciphertext per reader now
    item = seal(PERSON, social(-1, "x"), readers_of(credit, SOCIAL))
    assert len(item.ciphertexts) == 1
    credit.appendSealed(SOCIAL, [item.as_tuple()], {"from": writers[HRSS_DEPT]})


# --- a demo-like run through the client: nothing of a sealed record is in plaintext on chain -------


@pytest.fixture(scope="module")
def suite(suite_deployment, w3, artifacts):
    return Suite(w3, Deployment.load(suite_deployment.path), artifacts)


def _blobs(first: int, last: int):
    """Every transaction input and every log (data and topics) mined in blocks first..last, as hex."""
    seen = 0
    for height in range(first, last + 1):
        for tx_hash in web3.eth.get_block(height)["transactions"]:
            seen += 1
            yield bytes(web3.eth.get_transaction(tx_hash)["input"]).hex()
            for log in web3.eth.get_transaction_receipt(tx_hash)["logs"]:
                yield bytes(log["data"]).hex() + "".join(bytes(t).hex() for t in log["topics"])
    assert seen, "the scan saw no transaction"


def test_sealed_records_leave_no_plaintext_on_chain(suite, w3, artifacts):
    """Sealed records of both non-public categories of config/consortium.yaml, as the demo writes them
    (persons and enterprises, negative and positive deltas, evidence and validity), written through
    CreditClient.append_sealed; then every transaction input and every log of those blocks is scanned
    for each record's subject, delta, evidence hash and entry encoding."""
    rng = random.Random(7)
    hrss = CreditClient(suite, make_sender(w3, artifacts, 10))  # HRSS officer: owns 5
    drc = CreditClient(suite, make_sender(w3, artifacts, 14))  # DRC officer: owns 6
    people = [identity_commitment(validate_id_number("11010519491231002X"), os.urandom(32)) for _ in range(30)]  # salted: all differ
    firms = [uscc_subject(body + uscc_check_character(body)) for body in (f"9137020{n:03d}6356268" for n in range(20))]
    social_records = [(rng.choice(people), CreditEntry(5, rng.choice([-30, -17, -9, -4, 3, 7, 10]), os.urandom(32), JAN_2025 + n, 0)) for n in range(40)]  # fmt: skip
    contract_records = [(rng.choice(firms), CreditEntry(6, rng.choice([-50, -23, -6, 12, 20]), os.urandom(32), JAN_2025, JAN_2025 + 86400 * (n + 1))) for n in range(30)]  # fmt: skip
    start = w3.eth.block_number
    sealed = hrss.append_sealed(social_records)[0] + drc.append_sealed(contract_records)[0]
    end = w3.eth.block_number
    assert [s.record.sealed_id for s in sealed] == list(range(70))
    blobs = list(_blobs(start + 1, end))
    commitments_seen = sum(any(s.record.commitment.hex() in b for b in blobs) for s in sealed)
    assert commitments_seen == 70  # the scan did see every sealed record
    for item in sealed:
        record = item.record
        entry = record.entry
        needles = {
            "subject": record.subject.hex(),
            "evidence": entry.evidence_hash.hex(),
            "entry (ABI)": encode(["(uint16,int16,bytes32,uint40,uint40)"], [entry.as_tuple()]).hex(),
            "category and delta (ABI)": encode(["uint16", "int16"], [entry.category, entry.delta]).hex(),
            "sealed plaintext": pack_sealed(record.subject, entry, record.salt).hex()[:72],  # subject | category | delta
            "salt": record.salt.hex(),
        }
        if entry.delta < 0:  # a negative delta's ABI word cannot occur by chance
            needles["delta (ABI)"] = encode(["int16"], [entry.delta]).hex()
        for what, needle in needles.items():
            assert all(needle not in blob for blob in blobs), f"{what} of sealed record {record.sealed_id} is on chain in plaintext"
    # the departments the consortium entitles open them with their reader keys; the others cannot
    chain_id = w3.eth.chain_id
    events = [dict(e.args) for e in _sealed_events(suite)]
    assert len(open_sealed_events(events, "HRSS", dev_reader_key(chain_id, "HRSS"))) == 40
    assert len(open_sealed_events(events, "DRC", dev_reader_key(chain_id, "DRC"))) == 70
    opened = {r.sealed_id: r for r in open_sealed_events(events, "SAMR", dev_reader_key(chain_id, "SAMR"))}
    assert sorted(opened) == list(range(40, 70))
    assert all(opened[s.record.sealed_id].subject == s.record.subject and opened[s.record.sealed_id].entry == s.record.entry for s in sealed[40:])
    assert open_sealed_events(events, "TAX", dev_reader_key(chain_id, "TAX")) == []
    # and the public score of every subject is untouched
    assert all(hrss.score(s) == 0 and hrss.record_count(s) == 0 for s in people + firms)


def _sealed_events(suite):
    contract = suite.contract("CreditRegistry")
    return contract.events.CreditRecordSealed().get_logs(from_block=0)
