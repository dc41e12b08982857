"""govchain.sender: pipelined sending, nonces, typed reverts, against the real suite on Anvil."""

from __future__ import annotations

import os

import pytest

from conftest import make_sender
from govchain.connection import Deployment, Suite
from govchain.exceptions import ContractRevert, revert_class
from govchain.sender import Call


@pytest.fixture
def identity(suite_deployment, w3, artifacts):
    return Suite(w3, Deployment.load(suite_deployment.path), artifacts).contract("IdentityRegistry")


@pytest.fixture
def registrar(w3, artifacts):
    return make_sender(w3, artifacts, 12)  # a PSB officer per config/consortium.yaml


def _fresh_account(w3):
    return w3.to_checksum_address(os.urandom(20))


def test_pipelined_calls_are_all_mined_in_order(identity, registrar, w3):
    people = [(_fresh_account(w3), os.urandom(32)) for _ in range(60)]
    before = w3.eth.get_transaction_count(registrar.account.address)
    receipts = registrar.transact_many([identity.functions.bindPerson(a, c, os.urandom(32), 1) for a, c in people])
    assert [r.status for r in receipts] == [1] * 60
    assert w3.eth.get_transaction_count(registrar.account.address) == before + 60
    blocks = [r.block_number for r in receipts]
    assert blocks == sorted(blocks)
    for account, commitment in people:
        assert bytes(identity.functions.identityOf(account).call()) == commitment


def test_revert_is_a_typed_error_with_decoded_arguments(identity, registrar, w3):
    account, commitment = _fresh_account(w3), os.urandom(32)
    registrar.transact(identity.functions.bindPerson(account, commitment, os.urandom(32), 2))
    other = _fresh_account(w3)
    nonce_before = w3.eth.get_transaction_count(registrar.account.address)
    error_class = revert_class("IdentityRegistryIdentityAlreadyBound")
    with pytest.raises(error_class) as excinfo:
        registrar.transact(identity.functions.bindPerson(other, commitment, os.urandom(32), 2))
    error = excinfo.value
    assert isinstance(error, ContractRevert) and error.contract == "IdentityRegistry"
    assert error.arguments == {"identity": commitment, "account": account}
    assert str(error) == f"IdentityRegistryIdentityAlreadyBound(identity=0x{commitment.hex()}, account='{account}')"
    # refused at estimation: nothing was sent
    assert w3.eth.get_transaction_count(registrar.account.address) == nonce_before


def test_a_mined_revert_is_decoded_after_all_receipts(identity, registrar, w3):
    account, commitment = _fresh_account(w3), os.urandom(32)
    calls = [
        Call.of(identity.functions.bindPerson(account, commitment, os.urandom(32), 1), gas=200_000),
        Call.of(identity.functions.bindPerson(_fresh_account(w3), commitment, os.urandom(32), 1), gas=200_000),  # same identity
        Call.of(identity.functions.bindPerson(_fresh_account(w3), os.urandom(32), os.urandom(32), 1), gas=200_000),
    ]
    with pytest.raises(revert_class("IdentityRegistryIdentityAlreadyBound")) as excinfo:
        registrar.transact_many(calls)
    assert excinfo.value.tx_hash is not None
    statuses = [w3.eth.get_transaction_receipt(h)["status"] for h in _last_hashes(w3, registrar.account.address, 3)]
    assert statuses == [1, 0, 1]


def test_nothing_to_send(registrar):
    assert registrar.transact_many([]) == []


def test_unauthorized_caller_is_reported_by_name(identity, w3, artifacts):
    outsider = make_sender(w3, artifacts, 9)
    with pytest.raises(revert_class("AccessControlUnauthorizedAccount")) as excinfo:
        outsider.transact(identity.functions.bindPerson(_fresh_account(w3), os.urandom(32), os.urandom(32), 1))
    assert excinfo.value.arguments["account"] == outsider.account.address


def _last_hashes(w3, sender, count):
    hashes = []
    block = w3.eth.block_number
    while len(hashes) < count and block > 0:
        for tx in reversed(w3.eth.get_block(block, full_transactions=True)["transactions"]):
            if tx["from"] == sender:
                hashes.append(tx["hash"])
        block -= 1
    return list(reversed(hashes[:count]))
