"""Projections: every event sequence the contracts allow is projected (a beneficiary removed and enrolled
again), and a projection failure is recorded, never silent, and healed by a replay.

Kept apart from tests/test_indexer.py, whose reorg tests rewind the chain under that module's suite."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from conftest import make_sender
from govchain.clients import IdentityClient, PersonBinding, ProgramClient
from govchain.connection import Deployment
from govchain.indexer import Indexer
from govchain.indexer.funds import enrollments, payouts
from index_support import drop_entries, pay_pension
from web_support import HRSS, PSB, seed_funds


@pytest.fixture
def deployment(suite_deployment):
    return Deployment.load(suite_deployment.path)


def _indexer(tmp_path, name, w3, deployment, artifacts, **kwargs):
    return Indexer(w3, deployment, artifacts, f"sqlite:///{tmp_path / name}.db", **kwargs)


def test_a_beneficiary_removed_and_enrolled_again_is_projected(tmp_path, w3, deployment, artifacts, suite_deployment):
    funds = seed_funds(w3, artifacts, suite_deployment.path)
    pension, person = funds["pension"], funds["commitments"][1]
    indexer = _indexer(tmp_path, "h", w3, deployment, artifacts)
    indexer.sync()
    hrss = make_sender(w3, artifacts, HRSS)
    programs = ProgramClient(funds["suite"], hrss)
    index = programs.index_of(pension, person)
    hrss.transact(programs.functions.removeBeneficiary(pension, person, b"\x0d" * 32))
    assert indexer.sync().failures == 0
    programs.enroll(pension, [person])  # BeneficiaryEnrolled again, with the same index
    assert indexer.sync().failures == 0
    paid = pay_pension(w3, artifacts, funds, 1)
    result = indexer.sync()
    assert result.failures == 0 and indexer.failures() == [] and result.to_block == w3.eth.block_number

    with indexer.engine.connect() as conn:
        rows = conn.execute(select(enrollments.c.idx, enrollments.c.beneficiary).where(enrollments.c.program_id == pension)).all()
        paid_rows = conn.execute(select(payouts.c.beneficiary, payouts.c.amount).where(payouts.c.tx_hash == paid.tx_hash)).all()
    enrolled = programs.functions.program(pension).call()[5]
    assert sorted(rows) == [(i, "0x" + programs.functions.beneficiaryAt(pension, i).call().hex()) for i in range(enrolled)]
    assert rows.count((index, "0x" + person.hex())) == 1
    assert ("0x" + person.hex(), 100_000) in paid_rows and len(paid_rows) == 3
    history = [r[5] for r in indexer.dump()["events"] if r[6].get("beneficiary") == "0x" + person.hex() and r[4] == "ProgramRegistry"]
    assert history == ["BeneficiaryEnrolled", "BeneficiaryRemoved", "BeneficiaryEnrolled"]
    fresh = _indexer(tmp_path, "i", w3, deployment, artifacts)
    fresh.sync()
    assert indexer.dump() == fresh.dump()


def test_a_projection_failure_is_recorded_the_index_goes_on_and_a_replay_heals_it(tmp_path, w3, deployment, artifacts, suite_deployment):
    funds = seed_funds(w3, artifacts, suite_deployment.path)
    indexer = _indexer(tmp_path, "j", w3, deployment, artifacts)
    assert indexer.sync().failures == 0
    # the batch's entries are projected, then lost, as a projection bug that lost them would
    paid = pay_pension(w3, artifacts, funds, 1, lambda batch_id: (indexer.sync(), drop_entries(indexer.engine, batch_id)))
    newcomer = os.urandom(32)  # then an enrolment that does not depend on the lost rows
    binding = PersonBinding(w3.to_checksum_address(os.urandom(20)), newcomer, os.urandom(32))  # stand-in tag
    IdentityClient(funds["suite"], make_sender(w3, artifacts, PSB)).bind_person(binding, 2)
    ProgramClient(funds["suite"], make_sender(w3, artifacts, HRSS)).enroll(funds["subsidy"], [newcomer])
    result = indexer.sync()

    assert result.failures == 1 and result.to_block == w3.eth.block_number == indexer.checkpoint()[0]  # not stuck
    [failure] = indexer.failures()
    executed = [r for r in indexer.dump()["events"] if r[2] == paid.tx_hash and r[5] == "BatchExecuted"]
    assert len(executed) == 1  # the raw event store kept it
    assert (failure.projection, failure.block_number, failure.log_index, failure.tx_hash, failure.contract, failure.event) == (
        "funds", paid.block_number, executed[0][1], paid.tx_hash, "Disbursements", "BatchExecuted"
    )  # fmt: skip
    assert "ProjectionError" in failure.error and "executed 3 entries" in failure.error and "0 entries" in failure.error
    with indexer.engine.connect() as conn:  # the events after the failed one are projected
        assert conn.execute(select(enrollments).where(enrollments.c.beneficiary == "0x" + newcomer.hex())).first() is not None
        assert conn.execute(select(payouts).where(payouts.c.tx_hash == paid.tx_hash)).first() is None
    assert indexer.sync().failures == 1  # the same process does not drop or silently retry it

    restarted = _indexer(tmp_path, "j", w3, deployment, artifacts)  # a new run (with the fix deployed)
    healed = restarted.sync()
    assert healed.reprojected and healed.failures == 0 and restarted.failures() == []
    fresh = _indexer(tmp_path, "k", w3, deployment, artifacts)
    fresh.sync()
    assert restarted.dump() == fresh.dump()
    assert restarted.version()[2] == 1 and fresh.version()[2] == 0  # caches keyed on the version see the replay
