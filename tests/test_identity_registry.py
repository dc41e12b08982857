"""IdentityRegistry: one-to-one bindings of accounts to identity commitments and USCCs, one binding per person."""

from __future__ import annotations

import hashlib

import brownie
import pytest
from brownie import chain
from brownie.test import strategy
from eth_utils import keccak

from conftest import reverts_with, unauthorized
from govchain.domain import InvalidIdNumber, identity_commitment, identity_tag, uscc_bytes, uscc_subject
from govchain.exceptions import GovchainError
from govchain.signer import DEV_IDENTITY_TAG_KEY

ID_NUMBER = "11010519491231002X"
SALT = bytes(range(32))
PERSON = identity_commitment(ID_NUMBER, SALT)
TAG = identity_tag(ID_NUMBER, DEV_IDENTITY_TAG_KEY)
SECOND_SALT = bytes(range(32, 64))
SECOND = identity_commitment(ID_NUMBER, SECOND_SALT)  # the same person under another salt
# HMAC-SHA256 of ID_NUMBER under the dev key, computed independently:
#   echo -n 11010519491231002X | openssl dgst -sha256 -hmac "govchain public dev identity-tag key, local chains"
TAG_VECTOR = bytes.fromhex("7a2033ffb736f4836aa17f96dbcf60dbd2a6bf54be39a997a1b7e8f4fec0ccf8")
USCC = "91370200163562681G"
PERSON_KIND, ENTERPRISE_KIND = 1, 2
ZERO32 = b"\0" * 32


@pytest.fixture(scope="module")
def identity(IdentityRegistry, admin, accounts):
    registry = IdentityRegistry.deploy(admin, {"from": admin})
    for officer in (accounts[12], accounts[13]):
        registry.grantRole(registry.REGISTRAR_ROLE(), officer, {"from": admin})
    registry.grantRole(registry.ENTERPRISE_REGISTRAR_ROLE(), accounts[4], {"from": admin})
    return registry


@pytest.fixture(scope="module")
def police(accounts):
    return accounts[12], accounts[13]


def commitment(n: int) -> bytes:
    """A distinct stand-in commitment (any 32 bytes but zero)."""
    return bytes([n % 256]) * 31 + b"\x01"


def tag(n: int) -> bytes:
    """A distinct stand-in uniqueness tag (identity_tag of some ID number in real use)."""
    return bytes([n % 256]) * 31 + b"\x02"


def test_bind_person(identity, police, accounts):
    citizen = accounts[15]
    tx = identity.bindPerson(citizen, PERSON, TAG, 2, {"from": police[0]})
    event = tx.events["IdentityBound"]
    assert (event["account"], bytes(event["identity"]), event["kind"], event["level"], bytes(event["tag"])) == (citizen, PERSON, 1, 2, TAG)
    assert bytes(identity.tagHolder(TAG)) == PERSON
    assert bytes(identity.identityOf(citizen)) == PERSON
    assert tuple(identity.binding(PERSON)) == (citizen, PERSON_KIND, 2, False)
    assert identity.isVerified(citizen, 2) and not identity.isVerified(citizen, 3)
    assert not identity.isVerified(accounts[16], 1)


def test_bind_rejects_bad_input_and_changes_nothing(identity, police, accounts):
    officer = police[0]
    identity.bindPerson(accounts[15], PERSON, TAG, 1, {"from": officer})
    other, other_tag = b"\x07" * 32, tag(7)
    with reverts_with("IdentityRegistryZeroAccount"):
        identity.bindPerson(brownie.ZERO_ADDRESS, other, other_tag, 1, {"from": officer})
    with reverts_with("IdentityRegistryZeroIdentity"):
        identity.bindPerson(accounts[16], ZERO32, other_tag, 1, {"from": officer})
    with reverts_with("IdentityRegistryZeroTag"):
        identity.bindPerson(accounts[16], other, ZERO32, 1, {"from": officer})
    for level in (0, 4):
        with reverts_with("IdentityRegistryInvalidLevel", level):
            identity.bindPerson(accounts[16], other, other_tag, level, {"from": officer})
    with reverts_with("IdentityRegistryAccountAlreadyBound", accounts[15], PERSON):
        identity.bindPerson(accounts[15], other, other_tag, 1, {"from": officer})
    with reverts_with("IdentityRegistryIdentityAlreadyBound", PERSON, accounts[15]):
        identity.bindPerson(accounts[16], PERSON, other_tag, 1, {"from": officer})
    assert identity.identityOf(accounts[16]) == "0x" + "00" * 32
    assert identity.binding(other)[0] == brownie.ZERO_ADDRESS
    assert identity.tagHolder(other_tag) == "0x" + "00" * 32 and identity.tagHolder(ZERO32) == "0x" + "00" * 32


def test_bind_persons_batch_is_all_or_nothing(identity, police, accounts):
    people = [accounts[i] for i in range(14, 19)]
    ids, tags = [commitment(i) for i in range(5)], [tag(i) for i in range(5)]
    tx = identity.bindPersons(people, ids, tags, 1, {"from": police[0]})
    assert [(bytes(e["identity"]), bytes(e["tag"])) for e in tx.events["IdentityBound"]] == list(zip(ids, tags))
    assert all(identity.isVerified(p, 1) for p in people)
    assert [bytes(identity.tagHolder(t)) for t in tags] == ids

    fresh = [accounts[19], accounts[10]]
    with reverts_with("IdentityRegistryIdentityAlreadyBound", ids[0], people[0]):
        identity.bindPersons(fresh, [commitment(9), ids[0]], [tag(9), tag(10)], 1, {"from": police[0]})
    assert identity.identityOf(accounts[19]) == "0x" + "00" * 32  # the first entry was rolled back too
    assert identity.tagHolder(tag(9)) == "0x" + "00" * 32
    with reverts_with("IdentityRegistryLengthMismatch", 2, 1):
        identity.bindPersons(fresh, [commitment(9)], [tag(9), tag(10)], 1, {"from": police[0]})
    with reverts_with("IdentityRegistryLengthMismatch", 2, 3):
        identity.bindPersons(fresh, [commitment(9), commitment(10)], [tag(9), tag(10), tag(11)], 1, {"from": police[0]})
    with reverts_with("IdentityRegistryEmptyBatch"):
        identity.bindPersons([], [], [], 1, {"from": police[0]})
    too_many = identity.MAX_BATCH() + 1
    with reverts_with("IdentityRegistryBatchTooLarge", too_many, too_many - 1):
        identity.bindPersons([accounts[19]] * too_many, [commitment(9)] * too_many, [tag(9)] * too_many, 1, {"from": police[0]})
    with reverts_with("IdentityRegistryInvalidLevel", 9):
        identity.bindPersons(fresh, [commitment(9), commitment(10)], [tag(9), tag(10)], 9, {"from": police[0]})


def test_bind_enterprise_validates_the_uscc(identity, accounts):
    samr = accounts[4]
    tx = identity.bindEnterprise(accounts[17], uscc_bytes(USCC), 3, {"from": samr})
    assert bytes(tx.events["IdentityBound"]["identity"]) == uscc_subject(USCC)
    assert tx.events["IdentityBound"]["kind"] == ENTERPRISE_KIND
    assert bytes(tx.events["IdentityBound"]["tag"]) == ZERO32  # the code is its own unique key
    bad_check = USCC[:17] + "H"
    with reverts_with("USCCInvalidCheckCharacter", bad_check.encode(), b"G"):
        identity.bindEnterprise(accounts[18], bad_check.encode(), 3, {"from": samr})
    bad_char = USCC[:5] + "I" + USCC[6:]
    with reverts_with("USCCInvalidCharacter", bad_char.encode(), 5):
        identity.bindEnterprise(accounts[18], bad_char.encode(), 3, {"from": samr})
    # registrars act only on their own kind of identity
    with reverts_with(*unauthorized(accounts[12], identity.ENTERPRISE_REGISTRAR_ROLE())):
        identity.setLevel(uscc_subject(USCC), 1, {"from": accounts[12]})


# --- one person, one binding: the uniqueness tag -----------------------------------------------


def test_the_python_tag_is_what_the_registry_stores(identity, police, accounts):
    """domain.identity_tag: keyed HMAC-SHA256 of the normalised number, registered by the contract as given."""
    assert TAG == TAG_VECTOR
    tx = identity.bindPerson(accounts[15], PERSON, identity_tag(ID_NUMBER, DEV_IDENTITY_TAG_KEY), 2, {"from": police[0]})
    assert bytes(tx.events["IdentityBound"]["tag"]) == TAG
    assert bytes(identity.tagHolder(TAG_VECTOR)) == PERSON
    # the same for every way the number is typed, different under another key, none of the unkeyed
    # hashes that anyone could compute for every ID number
    assert identity_tag(" " + ID_NUMBER.lower() + " ", DEV_IDENTITY_TAG_KEY) == TAG
    assert identity_tag(ID_NUMBER, b"\x01" * 32) != TAG
    assert TAG not in (keccak(ID_NUMBER.encode()), hashlib.sha256(ID_NUMBER.encode()).digest(), PERSON, SECOND)
    with pytest.raises(InvalidIdNumber):
        identity_tag(ID_NUMBER[:17] + "1", DEV_IDENTITY_TAG_KEY)
    with pytest.raises(GovchainError, match="at least 32 bytes"):
        identity_tag(ID_NUMBER, b"short key")


def test_the_same_person_under_a_second_salt_is_refused(identity, police, accounts):
    """The attack: bind one ID number twice under two salts (two commitments) to enrol and pay twice."""
    first, second = accounts[15], accounts[16]
    identity.bindPerson(first, PERSON, TAG, 2, {"from": police[0]})
    assert SECOND != PERSON
    for officer in police:  # the same registrar or another one
        with reverts_with("IdentityRegistryTagAlreadyUsed", TAG, PERSON):
            identity.bindPerson(second, SECOND, identity_tag(ID_NUMBER, DEV_IDENTITY_TAG_KEY), 2, {"from": officer})
    assert identity.identityOf(second) == "0x" + "00" * 32 and not identity.isVerified(second, 1)
    assert identity.binding(SECOND)[0] == brownie.ZERO_ADDRESS
    assert tuple(identity.binding(PERSON)) == (first, PERSON_KIND, 2, False)
    assert bytes(identity.tagHolder(TAG)) == PERSON
    assert identity.currentAccounts([PERSON, SECOND]) == (first, brownie.ZERO_ADDRESS)


def test_the_same_person_twice_in_one_batch_is_refused(identity, police, accounts):
    wallets = [accounts[14], accounts[15], accounts[16]]
    commitments = [PERSON, commitment(3), SECOND]

    def nothing_bound():
        assert all(identity.identityOf(w) == "0x" + "00" * 32 for w in wallets)
        assert all(identity.binding(c)[0] == brownie.ZERO_ADDRESS for c in commitments)
        assert identity.tagHolder(tag(3)) == "0x" + "00" * 32

    with reverts_with("IdentityRegistryTagAlreadyUsed", TAG, PERSON):
        identity.bindPersons(wallets, commitments, [TAG, tag(3), TAG], 2, {"from": police[0]})
    nothing_bound()
    assert identity.tagHolder(TAG) == "0x" + "00" * 32
    # a batch that meets a person bound by an earlier transaction
    identity.bindPerson(accounts[17], PERSON, TAG, 2, {"from": police[0]})
    commitments = commitments[1:]
    with reverts_with("IdentityRegistryTagAlreadyUsed", TAG, PERSON):
        identity.bindPersons(wallets[1:], commitments, [tag(3), TAG], 2, {"from": police[1]})
    nothing_bound()


def test_the_tag_stays_with_its_identity_through_recovery_and_revocation(identity, police, accounts):
    identity.bindPerson(accounts[15], PERSON, TAG, 2, {"from": police[0]})
    identity.proposeRecovery(PERSON, accounts[16], {"from": police[0]})
    identity.confirmRecovery(PERSON, accounts[16], {"from": police[1]})
    assert bytes(identity.tagHolder(TAG)) == PERSON
    with reverts_with("IdentityRegistryTagAlreadyUsed", TAG, PERSON):
        identity.bindPerson(accounts[17], SECOND, TAG, 2, {"from": police[0]})
    identity.revoke(PERSON, b"\x42" * 32, {"from": police[0]})  # revocation is for good: no second life under a new salt
    assert bytes(identity.tagHolder(TAG)) == PERSON
    with reverts_with("IdentityRegistryTagAlreadyUsed", TAG, PERSON):
        identity.bindPerson(accounts[17], SECOND, TAG, 2, {"from": police[0]})
    assert identity.identityOf(accounts[17]) == "0x" + "00" * 32 and identity.binding(SECOND)[0] == brownie.ZERO_ADDRESS


def test_set_level_and_revoke(identity, police, accounts):
    citizen = accounts[15]
    identity.bindPerson(citizen, PERSON, TAG, 1, {"from": police[0]})
    tx = identity.setLevel(PERSON, 3, {"from": police[1]})
    assert tx.events["IdentityLevelChanged"]["level"] == 3
    assert identity.isVerified(citizen, 3)
    reason = b"\x42" * 32
    tx = identity.revoke(PERSON, reason, {"from": police[0]})
    assert tx.events["IdentityRevoked"]["account"] == citizen
    assert bytes(tx.events["IdentityRevoked"]["reasonHash"]) == reason
    assert not identity.isVerified(citizen, 1)
    assert identity.binding(PERSON)[3] is True
    for call in (
        lambda: identity.revoke(PERSON, reason, {"from": police[0]}),
        lambda: identity.setLevel(PERSON, 2, {"from": police[0]}),
        lambda: identity.proposeRecovery(PERSON, accounts[16], {"from": police[0]}),
    ):
        with reverts_with("IdentityRegistryIdentityRevoked", PERSON):
            call()
    unknown = b"\x09" * 32
    with reverts_with("IdentityRegistryUnknownIdentity", unknown):
        identity.revoke(unknown, reason, {"from": police[0]})


def test_set_level_rejects_invalid_level(identity, police, accounts):
    identity.bindPerson(accounts[15], PERSON, TAG, 1, {"from": police[0]})
    with reverts_with("IdentityRegistryInvalidLevel", 4):
        identity.setLevel(PERSON, 4, {"from": police[0]})
    assert identity.binding(PERSON)[2] == 1


def test_recovery_needs_two_registrars(identity, police, accounts):
    old, new = accounts[15], accounts[16]
    identity.bindPerson(old, PERSON, TAG, 2, {"from": police[0]})
    tx = identity.proposeRecovery(PERSON, new, {"from": police[0]})
    expires = tx.events["RecoveryProposed"]["expiresAt"]
    assert expires == tx.timestamp + 7 * 24 * 3600
    assert tuple(identity.pendingRecovery(PERSON)) == (new, police[0], expires)
    with reverts_with("IdentityRegistrySameOfficer", police[0]):
        identity.confirmRecovery(PERSON, new, {"from": police[0]})
    with reverts_with("IdentityRegistryRecoveryMismatch", PERSON, new, accounts[17]):
        identity.confirmRecovery(PERSON, accounts[17], {"from": police[1]})
    tx = identity.confirmRecovery(PERSON, new, {"from": police[1]})
    event = tx.events["IdentityRecovered"]
    assert (event["oldAccount"], event["newAccount"]) == (old, new)
    assert bytes(identity.identityOf(new)) == PERSON
    assert identity.identityOf(old) == "0x" + "00" * 32
    assert identity.isVerified(new, 2) and not identity.isVerified(old, 1)
    with reverts_with("IdentityRegistryNoPendingRecovery", PERSON):
        identity.confirmRecovery(PERSON, new, {"from": police[1]})


def test_recovery_lapses_and_checks_the_new_account(identity, police, accounts):
    identity.bindPerson(accounts[15], PERSON, TAG, 2, {"from": police[0]})
    identity.bindPerson(accounts[17], b"\x05" * 32, tag(5), 2, {"from": police[0]})
    with reverts_with("IdentityRegistryAccountAlreadyBound", accounts[17], b"\x05" * 32):
        identity.proposeRecovery(PERSON, accounts[17], {"from": police[0]})
    with reverts_with("IdentityRegistryZeroAccount"):
        identity.proposeRecovery(PERSON, brownie.ZERO_ADDRESS, {"from": police[0]})
    tx = identity.proposeRecovery(PERSON, accounts[16], {"from": police[0]})
    expires = tx.events["RecoveryProposed"]["expiresAt"]
    chain.sleep(7 * 24 * 3600 + 10)
    with reverts_with("IdentityRegistryRecoveryExpired", PERSON, expires):
        identity.confirmRecovery(PERSON, accounts[16], {"from": police[1]})
    # a new account bound meanwhile can no longer receive the identity
    identity.proposeRecovery(PERSON, accounts[16], {"from": police[0]})
    identity.bindPerson(accounts[16], b"\x06" * 32, tag(6), 1, {"from": police[0]})
    with reverts_with("IdentityRegistryAccountAlreadyBound", accounts[16], b"\x06" * 32):
        identity.confirmRecovery(PERSON, accounts[16], {"from": police[1]})


def test_unauthorized_callers_are_rejected(identity, police, accounts):
    outsider = accounts[9]
    registrar = identity.REGISTRAR_ROLE()
    identity.bindPerson(accounts[15], PERSON, TAG, 1, {"from": police[0]})
    calls = [
        (registrar, lambda: identity.bindPerson(accounts[16], b"\x01" * 32, tag(1), 1, {"from": outsider})),
        (registrar, lambda: identity.bindPersons([accounts[16]], [b"\x01" * 32], [tag(1)], 1, {"from": outsider})),
        (identity.ENTERPRISE_REGISTRAR_ROLE(), lambda: identity.bindEnterprise(accounts[16], uscc_bytes(USCC), 1, {"from": police[0]})),
        (registrar, lambda: identity.setLevel(PERSON, 2, {"from": outsider})),
        (registrar, lambda: identity.revoke(PERSON, ZERO32, {"from": outsider})),
        (registrar, lambda: identity.proposeRecovery(PERSON, accounts[16], {"from": outsider})),
        (registrar, lambda: identity.confirmRecovery(PERSON, accounts[16], {"from": outsider})),
    ]
    for role, call in calls:
        caller = police[0] if role == identity.ENTERPRISE_REGISTRAR_ROLE() else outsider
        with reverts_with(*unauthorized(caller, role)):
            call()
    assert tuple(identity.binding(PERSON)) == (accounts[15], PERSON_KIND, 1, False)
    assert identity.binding(b"\x01" * 32)[0] == brownie.ZERO_ADDRESS and identity.tagHolder(tag(1)) == "0x" + "00" * 32


def test_id_number_never_reaches_the_chain(identity, police, accounts):
    """Only the commitment and the tag are sent: the ID-card number is in no calldata and no log."""
    start = chain.height
    identity.bindPerson(accounts[15], PERSON, TAG, 2, {"from": police[0]})
    identity.proposeRecovery(PERSON, accounts[16], {"from": police[0]})
    identity.confirmRecovery(PERSON, accounts[16], {"from": police[1]})
    needle = ID_NUMBER.encode().hex()
    seen = 0
    for height in range(start + 1, chain.height + 1):
        for tx_hash in brownie.web3.eth.get_block(height)["transactions"]:
            tx = brownie.web3.eth.get_transaction(tx_hash)
            receipt = brownie.web3.eth.get_transaction_receipt(tx_hash)
            blobs = [bytes(tx["input"]).hex()] + [bytes(log["data"]).hex() + "".join(bytes(t).hex() for t in log["topics"]) for log in receipt["logs"]]
            assert all(needle not in blob.lower() for blob in blobs)
            seen += 1
    assert seen == 3


class _Bindings:
    """Stateful: bindings stay one-to-one in both directions, and one per person (tag), through binds,
    recoveries and revocations."""

    st_account = strategy("uint256", max_value=7)
    st_identity = strategy("uint256", max_value=7)
    st_person = strategy("uint256", max_value=7)

    def __init__(self, identity, police, people):
        self.identity, self.police, self.people = identity, police, people

    def setup(self):
        self.by_identity: dict[int, int] = {}  # identity n -> account index
        self.revoked: set[int] = set()
        self.tag_holder: dict[int, int] = {}  # person (tag) n -> identity n

    def _key(self, n):
        return bytes([n + 1]) * 32

    def rule_bind(self, st_account, st_identity, st_person):
        bound_accounts = set(self.by_identity.values())
        call = (self.people[st_account], self._key(st_identity), tag(st_person), 1, {"from": self.police[0]})
        if st_account in bound_accounts or st_identity in self.by_identity or st_person in self.tag_holder:
            with pytest.raises(brownie.exceptions.VirtualMachineError):
                self.identity.bindPerson(*call)
        else:
            self.identity.bindPerson(*call)
            self.by_identity[st_identity] = st_account
            self.tag_holder[st_person] = st_identity

    def rule_recover(self, st_account, st_identity):
        if st_identity not in self.by_identity or st_identity in self.revoked or st_account in self.by_identity.values():
            return
        self.identity.proposeRecovery(self._key(st_identity), self.people[st_account], {"from": self.police[0]})
        self.identity.confirmRecovery(self._key(st_identity), self.people[st_account], {"from": self.police[1]})
        self.by_identity[st_identity] = st_account

    def rule_revoke(self, st_identity):
        if st_identity in self.by_identity and st_identity not in self.revoked:
            self.identity.revoke(self._key(st_identity), ZERO32, {"from": self.police[0]})
            self.revoked.add(st_identity)

    def invariant_one_to_one(self):
        for n in range(8):
            account_index = self.by_identity.get(n)
            binding = self.identity.binding(self._key(n))
            if account_index is None:
                assert binding[0] == brownie.ZERO_ADDRESS
                continue
            account = self.people[account_index]
            assert binding[0] == account and binding[3] == (n in self.revoked)
            assert bytes(self.identity.identityOf(account)) == self._key(n)
            assert self.identity.isVerified(account, 1) == (n not in self.revoked)
        for i, account in enumerate(self.people):
            if i not in self.by_identity.values():
                assert self.identity.identityOf(account) == "0x" + "00" * 32

    def invariant_one_binding_per_person(self):
        for person in range(8):
            holder = self.tag_holder.get(person)
            assert bytes(self.identity.tagHolder(tag(person))) == (ZERO32 if holder is None else self._key(holder))


def test_bindings_stay_one_to_one(state_machine, identity, police, accounts):
    state_machine(_Bindings, identity, police, accounts[10:18], settings={"max_examples": 15, "stateful_step_count": 12})
