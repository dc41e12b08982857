"""govchain.indexer: resumable, idempotent and reorg-safe ingestion against a real Anvil."""

from __future__ import annotations

import os

import brownie
import pytest

from web3 import Web3

from conftest import make_sender
from govchain import views
from govchain.connection import Deployment, Suite
from govchain.events import EventDecoder
from govchain.indexer import Indexer


@pytest.fixture
def deployment(suite_deployment):
    return Deployment.load(suite_deployment.path)


@pytest.fixture
def identity(deployment, w3, artifacts):
    return Suite(w3, deployment, artifacts).contract("IdentityRegistry")


def _bind(identity, sender, count):
    w3 = identity.w3
    people = [(w3.to_checksum_address(os.urandom(20)), os.urandom(32)) for _ in range(count)]
    sender.transact_many([identity.functions.bindPerson(a, c, os.urandom(32), 1) for a, c in people])
    return people


def _indexer(tmp_path, name, w3, deployment, artifacts, **kwargs):
    return Indexer(w3, deployment, artifacts, f"sqlite:///{tmp_path / name}.db", **kwargs)


def test_indexes_every_event_once(tmp_path, w3, deployment, artifacts, identity):
    people = _bind(identity, make_sender(w3, artifacts, 12), 12)
    indexer = _indexer(tmp_path, "a", w3, deployment, artifacts)
    first = indexer.sync()
    bound = [r for r in indexer.dump()["events"] if r[5] == "IdentityBound"]
    assert [(r[6]["account"], r[6]["identity"]) for r in bound[-12:]] == [(a, "0x" + c.hex()) for a, c in people]
    assert first.events == indexer.count() > 12  # the deploy's own events are indexed too
    again = indexer.sync()
    assert again.events == 0 and indexer.count() == first.events  # idempotent


def test_interrupted_ingest_resumes_to_the_same_tables(tmp_path, w3, deployment, artifacts, identity):
    _bind(identity, make_sender(w3, artifacts, 12), 20)
    head = w3.eth.block_number
    interrupted = _indexer(tmp_path, "b", w3, deployment, artifacts, chunk=7)
    interrupted.sync(to_block=head - 9)  # stops part-way, as a killed process would after a commit
    interrupted.sync()
    fresh = _indexer(tmp_path, "c", w3, deployment, artifacts)
    fresh.sync()
    assert interrupted.dump() == fresh.dump()


def test_reorg_of_depth_5_is_rolled_back_and_reingested(tmp_path, w3, deployment, artifacts, identity):
    registrar = make_sender(w3, artifacts, 12)
    _bind(identity, registrar, 3)
    fork_point = w3.provider.make_request("evm_snapshot", [])["result"]
    orphaned = [p for _ in range(5) for p in _bind(identity, registrar, 1)]  # five blocks that will be dropped
    indexer = _indexer(tmp_path, "d", w3, deployment, artifacts)
    indexer.sync()
    assert any(r[6].get("account") == orphaned[-1][0] for r in indexer.dump()["events"])

    assert w3.provider.make_request("evm_revert", [fork_point])["result"] is True
    registrar = make_sender(w3, artifacts, 12)
    replacement = [p for _ in range(6) for p in _bind(identity, registrar, 1)]  # a different, longer branch
    result = indexer.sync()
    assert result.rolled_back_to is not None and result.rolled_back_to < w3.eth.block_number - 5
    accounts = {r[6].get("account") for r in indexer.dump()["events"]}
    assert not accounts & {a for a, _ in orphaned}
    assert {a for a, _ in replacement} <= accounts
    fresh = _indexer(tmp_path, "e", w3, deployment, artifacts)
    fresh.sync()
    assert indexer.dump() == fresh.dump()


def test_anvil_reorg_is_detected(tmp_path, w3, deployment, artifacts, identity):
    _bind(identity, make_sender(w3, artifacts, 12), 8)
    indexer = _indexer(tmp_path, "f", w3, deployment, artifacts)
    indexer.sync()
    before = indexer.checkpoint()
    assert "error" not in w3.provider.make_request("anvil_reorg", [5, []])
    brownie.chain.snapshot()  # anvil_reorg drops every snapshot, brownie's isolation one included: take a new one
    assert w3.eth.get_block(before[0])["hash"].hex() != before[1].removeprefix("0x")
    result = indexer.sync()
    assert result.rolled_back_to is not None and result.rolled_back_to <= before[0] - 5
    fresh = _indexer(tmp_path, "g", w3, deployment, artifacts)
    fresh.sync()
    assert indexer.dump() == fresh.dump()


def test_reorg_removes_the_addresses_of_orphaned_events(tmp_path, w3, deployment, artifacts, identity):
    """event_addresses (an address's history) follows a reorg: the orphaned branch's accounts vanish
    from it, the new branch's appear, and it equals a fresh re-index's."""
    registrar = make_sender(w3, artifacts, 12)
    fork_point = w3.provider.make_request("evm_snapshot", [])["result"]
    orphaned = [p for _ in range(3) for p in _bind(identity, registrar, 2)]
    indexer = _indexer(tmp_path, "h", w3, deployment, artifacts)
    indexer.sync()
    named = {r[0] for r in indexer.dump()["event_addresses"]}
    assert {a for a, _ in orphaned} <= named
    assert [e.event for e in views.address_history(indexer.engine, orphaned[0][0])] == ["IdentityBound"]

    assert w3.provider.make_request("evm_revert", [fork_point])["result"] is True
    registrar = make_sender(w3, artifacts, 12)
    replacement = [p for _ in range(4) for p in _bind(identity, registrar, 1)]
    assert indexer.sync().rolled_back_to is not None
    named = {r[0] for r in indexer.dump()["event_addresses"]}
    assert not named & {a for a, _ in orphaned} and {a for a, _ in replacement} <= named
    assert views.address_history(indexer.engine, orphaned[0][0]) == [] and views.address_history_count(indexer.engine, orphaned[0][0]) == 0
    assert [e.args["account"] for e in views.address_history(indexer.engine, replacement[0][0])] == [replacement[0][0]]
    fresh = _indexer(tmp_path, "i", w3, deployment, artifacts)
    fresh.sync()
    assert indexer.dump() == fresh.dump()


def test_every_address_typed_argument_is_indexed_by_its_abi_type(artifacts):
    """Addresses are found by ABI type, whatever the argument's name, in arrays and structs too."""
    abi = {"name": "Paid", "inputs": [
        {"name": "from", "type": "address", "indexed": True},
        {"name": "payees", "type": "address[]", "indexed": False},
        {"name": "record", "type": "tuple", "indexed": False, "components": [
            {"name": "amount", "type": "uint256"}, {"name": "approver", "type": "address"}]},
        {"name": "hashed", "type": "address[]", "indexed": True},  # an indexed array is only its hash
    ]}  # fmt: skip
    a, b, c = ("0x" + x * 40 for x in "abc")
    args = {"from": a, "payees": [b, c, b], "record": [5, c], "hashed": "0x" + "00" * 32}
    found = list(EventDecoder("X", abi).addresses(args))
    a, b, c = (Web3.to_checksum_address(x) for x in (a, b, c))
    assert found == [("from", a), ("payees", b), ("payees", c), ("record", c)]
    approved = next(abi for _, abi in artifacts.events.values() if abi["name"] == "BatchApproved")
    assert [name for name, _ in EventDecoder("Disbursements", approved).address_args] == ["approver"]
