"""Typed clients against the deployed suite on Anvil: batching, decoded events, typed errors."""

from __future__ import annotations

import os

import pytest

from conftest import make_sender
from govchain.clients import (
    CaseStatus,
    ClientError,
    CreditClient,
    CreditEntry,
    Decision,
    EnterpriseClient,
    EnterpriseStatus,
    IdentityClient,
    PersonBinding,
    UnknownCase,
    WorkflowClient,
)
from govchain.connection import Deployment, Suite
from govchain.domain import InvalidUSCC, uscc_check_character, uscc_subject
from govchain.exceptions import revert_class
from govchain.signer import DEV_IDENTITY_TAG_KEY

USCC = "91370200163562681G"


@pytest.fixture
def suite(suite_deployment, w3, artifacts):
    return Suite(w3, Deployment.load(suite_deployment.path), artifacts)


def _people(w3, n):
    return [PersonBinding(w3.to_checksum_address(os.urandom(20)), os.urandom(32), os.urandom(32)) for _ in range(n)]


def test_bind_persons_splits_below_the_batch_limit(suite, w3, artifacts):
    identity = IdentityClient(suite, make_sender(w3, artifacts, 12))
    people = _people(w3, 650)
    receipts = identity.bind_persons(people, 2)
    assert len(receipts) == 4  # MAX_BATCH is 200
    events = [e for r in receipts for e in identity.events(r)]
    assert [type(e).__name__ for e in events] == ["IdentityBound"] * 650
    first = events[0]
    expected = (people[0].account, "0x" + people[0].commitment.hex(), 2, "0x" + people[0].tag.hex())
    assert (first.account, first.identity, first.level, first.tag) == expected
    assert first.block_number == receipts[0].block_number and first.tx_hash == receipts[0].tx_hash
    with pytest.raises(Exception):
        first.level = 3  # frozen
    assert identity.binding(people[-1].commitment).account == people[-1].account
    assert identity.tag_holder(people[-1].tag) == people[-1].commitment


def test_enterprise_application_through_its_workflow(suite, w3, artifacts):
    citizen = make_sender(w3, artifacts, 19)
    IdentityClient(suite, make_sender(w3, artifacts, 12)).bind_person(
        PersonBinding.of(citizen.account.address, "11010519491231002X", b"\x07" * 32, DEV_IDENTITY_TAG_KEY), 2
    )
    enterprises = EnterpriseClient(suite, citizen)
    receipt = enterprises.apply(USCC, "青岛海湾化工有限公司", b"\x02" * 32, 5_000_000, b"\x03" * 32)
    applied = [e for e in enterprises.events(receipt) if type(e).__name__ == "EnterpriseApplied"][0]
    record = enterprises.get(USCC)
    assert record.status == EnterpriseStatus.APPLIED and record.case_id == applied.caseId and applied.name == "青岛海湾化工有限公司"

    workflow = WorkflowClient(suite, make_sender(w3, artifacts, 4))  # a SAMR reviewer
    case = workflow.case(record.case_id)
    assert case.status == CaseStatus.IN_REVIEW and case.applicant == citizen.account.address
    assert case.subject == "0x" + uscc_subject(USCC).hex() and not case.overdue
    workflow.decide(record.case_id, Decision.APPROVE)
    assert enterprises.get(USCC).status == EnterpriseStatus.REGISTERED
    assert workflow.case(record.case_id).status == CaseStatus.APPROVED


def test_contested_and_expired_applications_through_the_clients(suite, w3, artifacts):
    """A squatter's application: the owner contests it, the officer rejects it (the code is reserved
    for the owner); another one, returned and left, expires and anyone closes it."""
    police = IdentityClient(suite, make_sender(w3, artifacts, 12))
    squatter, owner = make_sender(w3, artifacts, 19), make_sender(w3, artifacts, 16)
    for n, (person, id_number) in enumerate(((squatter, "370202195001011239"), (owner, "370203194805052345"))):
        police.bind_person(PersonBinding.of(person.account.address, id_number, bytes([n + 9]) * 32, DEV_IDENTITY_TAG_KEY), 2)
    reviewer = WorkflowClient(suite, make_sender(w3, artifacts, 4))
    application = ("青岛琴岛贸易有限公司", b"\x02" * 32, 5_000_000, b"\x03" * 32)
    EnterpriseClient(suite, squatter).apply(USCC, *application)
    case_id = EnterpriseClient(suite).get(USCC).case_id
    EnterpriseClient(suite, owner).contest(USCC, b"\x0e" * 32)
    assert EnterpriseClient(suite).get(USCC).contested and EnterpriseClient(suite).claimant(USCC) == owner.account.address
    reviewer.decide(case_id, Decision.REJECT, b"\x0f" * 32)
    record = EnterpriseClient(suite).get(USCC)
    assert record.status == EnterpriseStatus.REJECTED and not record.contested and record.reserved_until > 0
    with pytest.raises(revert_class("EnterpriseRegistryReserved")):
        EnterpriseClient(suite, squatter).apply(USCC, *application)
    EnterpriseClient(suite, owner).apply(USCC, *application)

    other = "91370200MA3C4BWL4" + uscc_check_character("91370200MA3C4BWL4")
    EnterpriseClient(suite, squatter).apply(other, *application)
    returned = EnterpriseClient(suite).get(other).case_id
    reviewer.decide(returned, Decision.RETURN, b"\x0f" * 32)
    case = reviewer.case(returned)
    assert case.status == CaseStatus.RETURNED and case.expires_at == case.step_started_at + 30 * 24 * 3600
    w3.provider.make_request("evm_increaseTime", [30 * 24 * 3600 + 60])
    w3.provider.make_request("evm_mine", [])
    WorkflowClient(suite, make_sender(w3, artifacts, 17)).expire(returned)
    assert reviewer.case(returned).status == CaseStatus.EXPIRED
    assert EnterpriseClient(suite).get(other).status == EnterpriseStatus.REJECTED


def test_client_errors_are_typed_and_send_nothing(suite, w3, artifacts):
    sender = make_sender(w3, artifacts, 4)
    nonce = w3.eth.get_transaction_count(sender.account.address)
    enterprises = EnterpriseClient(suite, sender)
    with pytest.raises(InvalidUSCC, match="check character"):
        enterprises.suspend(USCC[:17] + "H", b"\x01" * 32)
    with pytest.raises(revert_class("EnterpriseRegistryTransitionNotAllowed")):
        enterprises.suspend(USCC, b"\x01" * 32)  # never registered
    workflow = WorkflowClient(suite, sender)
    with pytest.raises(UnknownCase):
        workflow.case(10**6)
    with pytest.raises(ClientError, match="reason"):
        workflow.decide(1, Decision.REJECT)
    with pytest.raises(ClientError, match="read-only"):
        WorkflowClient(suite).decide(1, Decision.APPROVE)
    assert w3.eth.get_transaction_count(sender.account.address) == nonce


def test_credit_append_many_is_pipelined_and_scored(suite, w3, artifacts):
    credit = CreditClient(suite, make_sender(w3, artifacts, 6))  # a tax officer: owns category 1
    drc = CreditClient(suite, make_sender(w3, artifacts, 14))  # a DRC officer: owns 3, 4 and 6
    subjects = [os.urandom(32) for _ in range(40)]
    receipts = credit.append_many([(s, CreditEntry(1, -5, os.urandom(32))) for s in subjects] * 2)
    receipts += drc.append_many([(subjects[0], CreditEntry(4, 30, b"\x09" * 32))])
    assert all(r.status == 1 for r in receipts)
    assert credit.score(subjects[0]) == -10 + 30 and credit.score(subjects[1]) == -10
    with pytest.raises(revert_class("CreditRegistryNotCategoryOwner")):
        credit.revoke(subjects[0], 2, b"\x0a" * 32)  # the commendation is DRC's
    drc.revoke(subjects[0], 2, b"\x0a" * 32)
    assert credit.score(subjects[0]) == -10 and credit.record_count(subjects[0]) == 4
    with pytest.raises(revert_class("CreditRegistryDeltaOutOfRange")):
        drc.append(subjects[1], CreditEntry(3, 5, b"\x01" * 32))  # judgments cannot raise a score
    with pytest.raises(revert_class("CreditRegistryNonPublicCategory")):
        credit.append(subjects[1], CreditEntry(5, -1, b"\x01" * 32))  # a non-public category is sealed only


def test_credit_sealed_records_round_trip(suite, w3, artifacts):
    from govchain.clients.credit import dev_reader_key, open_sealed_events

    hrss = CreditClient(suite, make_sender(w3, artifacts, 10))
    subject = os.urandom(32)
    sealed, receipts = hrss.append_sealed([(subject, CreditEntry(5, -4, b"\x05" * 32, 1_735_689_600, 0))])
    assert [s.readers for s in sealed] == [(b"HRSS".ljust(32, b"\0"), b"DRC".ljust(32, b"\0"))]
    args = [e.__dict__ for r in receipts for e in hrss.events(r) if type(e).__name__ == "CreditRecordSealed"]
    opened = open_sealed_events(args, "DRC", dev_reader_key(w3.eth.chain_id, "DRC"))
    assert [(o.subject, o.entry, o.sealed_id) for o in opened] == [(subject, sealed[0].record.entry, sealed[0].record.sealed_id)]
    assert hrss.sealed_state(sealed[0].record.sealed_id) == (5, False)
    hrss.revoke_sealed(sealed[0].record.sealed_id, b"\x06" * 32)
    assert hrss.sealed_state(sealed[0].record.sealed_id) == (5, True)
    assert hrss.score(subject) == 0
