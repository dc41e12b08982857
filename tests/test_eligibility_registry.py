"""EligibilityRegistry: proof-of-life attestations recorded by the social-security bureau."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain

from conftest import reverts_with, unauthorized
from fundskit import YEAR, ZERO32, b32, bind, deploy_funds, person

EVIDENCE = b"\xee" * 32



@pytest.fixture(scope="module")
def funds(accounts):
    funds = deploy_funds(accounts)
    bind(funds, [person(i) for i in range(4)])
    return funds


@pytest.fixture(scope="module")
def eligibility(funds):
    return funds.eligibility


def test_attest_records_the_time(funds, eligibility):
    people = [person(0), person(1)]
    tx = eligibility.attest(people, EVIDENCE, {"from": funds.hrss[0]})
    events = tx.events["EligibilityAttested"]
    assert [b32(e["person"]) for e in events] == people
    assert all(e["attester"] == funds.hrss[0] and e["attestedAt"] == tx.timestamp for e in events)
    assert b32(events[0]["evidenceHash"]) == EVIDENCE
    assert eligibility.attestedAt(person(0)) == tx.timestamp
    assert eligibility.isAttested(person(1), YEAR) and not eligibility.isAttested(person(2), YEAR)
    chain.sleep(YEAR + 1)
    chain.mine()
    assert not eligibility.isAttested(person(0), YEAR) and eligibility.isAttested(person(0), 2 * YEAR)


def test_attest_rejects_unknown_persons_all_or_nothing(funds, eligibility):
    officer = funds.hrss[0]
    with reverts_with("EligibilityRegistryUnknownPerson", person(99)):
        eligibility.attest([person(0), person(99)], EVIDENCE, {"from": officer})
    funds.identity.revoke(person(1), ZERO32, {"from": funds.police})
    with reverts_with("EligibilityRegistryUnknownPerson", person(1)):
        eligibility.attest([person(1)], EVIDENCE, {"from": officer})
    with reverts_with("EligibilityRegistryEmptyBatch"):
        eligibility.attest([], EVIDENCE, {"from": officer})
    with reverts_with("EligibilityRegistryBatchTooLarge", 501, 500):
        eligibility.attest([person(0)] * 501, EVIDENCE, {"from": officer})
    assert eligibility.attestedAt(person(0)) == 0


def test_revoke_attestation(funds, eligibility):
    officer = funds.hrss[0]
    eligibility.attest([person(2)], EVIDENCE, {"from": officer})
    tx = eligibility.revokeAttestation(person(2), b"\x0d" * 32, {"from": officer})
    event = tx.events["AttestationRevoked"]
    assert b32(event["person"]) == person(2) and event["attester"] == officer
    assert b32(event["reasonHash"]) == b"\x0d" * 32
    assert eligibility.attestedAt(person(2)) == 0 and not eligibility.isAttested(person(2), YEAR)
    with reverts_with("EligibilityRegistryNotAttested", person(2)):
        eligibility.revokeAttestation(person(2), ZERO32, {"from": officer})


def test_unauthorized_callers_are_rejected(funds, eligibility, EligibilityRegistry):
    outsider, role = funds.outsider, eligibility.ATTESTER_ROLE()
    with reverts_with(*unauthorized(outsider, role)):
        eligibility.attest([person(0)], EVIDENCE, {"from": outsider})
    eligibility.attest([person(0)], EVIDENCE, {"from": funds.hrss[0]})
    with reverts_with(*unauthorized(outsider, role)):
        eligibility.revokeAttestation(person(0), ZERO32, {"from": outsider})
    assert eligibility.attestedAt(person(0)) > 0
    with reverts_with("EligibilityRegistryZeroAddress"):
        EligibilityRegistry.deploy(funds.admin, brownie.ZERO_ADDRESS, {"from": funds.admin})
    with reverts_with("EligibilityRegistryZeroAddress"):
        EligibilityRegistry.deploy(brownie.ZERO_ADDRESS, funds.identity, {"from": funds.admin})
