"""WorkflowEngine: templates of role-owned, time-limited steps; cases that never skip or go back."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain
from brownie.test import strategy
from eth_utils import keccak

from conftest import Governance, reverts_with, unauthorized

ADMIN_ROLE = b"\0" * 32
ZERO32 = b"\0" * 32
DAY = 24 * 3600  # seconds
INTAKE, REVIEW, DECIDE = (keccak(text=f"SAMR_{name}_ROLE") for name in ("INTAKE", "REVIEWER", "APPROVER"))
STEPS = [(INTAKE, 1 * DAY), (REVIEW, 3 * DAY), (DECIDE, 2 * DAY)]
LEVEL = 2  # minimum verification level of the test template
NAME = keccak(text="食品经营许可")
APPROVE, REJECT, RETURN = 0, 1, 2
NONE, IN_REVIEW, RETURNED, APPROVED, REJECTED, EXPIRED = 0, 1, 2, 3, 4, 5
RETURN_EXPIRY = 30 * DAY  # the engine's default
EXPIRED_REASON = keccak(text="govchain.WorkflowEngine.CaseExpired")  # ICaseHook.sol CASE_EXPIRED_REASON
REASON = b"\x5a" * 32
MATERIAL = b"\x6b" * 32
SUBJECT = b"\x7c" * 32


@pytest.fixture(scope="module")
def identity(IdentityRegistry, admin, accounts):
    """The real IdentityRegistry: applicants 15 (level 2) and 16 (level 1) bound, 17 unbound."""
    registry = IdentityRegistry.deploy(admin, {"from": admin})
    registry.grantRole(registry.REGISTRAR_ROLE(), accounts[12], {"from": admin})
    registry.bindPerson(accounts[15], keccak(text="person-15"), keccak(text="tag-15"), 2, {"from": accounts[12]})
    registry.bindPerson(accounts[16], keccak(text="person-16"), keccak(text="tag-16"), 1, {"from": accounts[12]})
    registry.bindPerson(accounts[18], keccak(text="person-18"), keccak(text="tag-18"), 3, {"from": accounts[12]})
    return registry


@pytest.fixture(scope="module")
def officers(accounts):
    """Officers of the three steps: intake, reviewer, approver."""
    return accounts[4], accounts[5], accounts[6]


@pytest.fixture(scope="module")
def engine(WorkflowEngine, identity, admin, officers, accounts):
    engine = WorkflowEngine.deploy(admin, identity, brownie.ZERO_ADDRESS, {"from": admin})
    for role, officer in zip((INTAKE, REVIEW, DECIDE), officers):
        engine.grantRole(role, officer, {"from": admin})
    engine.grantRole(engine.CASE_OPENER_ROLE(), accounts[7], {"from": admin})
    engine.createTemplate(NAME, STEPS, brownie.ZERO_ADDRESS, LEVEL, {"from": admin})
    return engine


@pytest.fixture(scope="module")
def applicant(accounts):
    return accounts[15]


def info(engine, case_id):
    """caseInfo as a dict."""
    keys = ("applicant", "templateId", "step", "stepCount", "status", "stepStartedAt", "deadline", "role", "subject",
            "expiresAt")
    return dict(zip(keys, engine.caseInfo(case_id)))


def open_case(engine, applicant):
    return engine.openCase(1, SUBJECT, {"from": applicant}).return_value


def test_deploy_rejects_zero_addresses(WorkflowEngine, identity, admin):
    with reverts_with("WorkflowEngineZeroAddress"):
        WorkflowEngine.deploy(brownie.ZERO_ADDRESS, identity, brownie.ZERO_ADDRESS, {"from": admin})
    with reverts_with("WorkflowEngineZeroAddress"):
        WorkflowEngine.deploy(admin, brownie.ZERO_ADDRESS, brownie.ZERO_ADDRESS, {"from": admin})


def test_create_template(engine, identity, admin):
    assert engine.identityRegistry() == identity
    steps = [(REVIEW, 600)]
    tx = engine.createTemplate(keccak(text="x"), steps, brownie.ZERO_ADDRESS, 3, {"from": admin})
    assert tx.return_value == 2 and engine.templateCount() == 2
    event = tx.events["TemplateCreated"]
    assert event["templateId"] == 2 and bytes(event["nameHash"]) == keccak(text="x")
    assert event["hook"] == brownie.ZERO_ADDRESS and event["minLevel"] == 3
    assert [(bytes(r), t) for r, t in event["steps"]] == steps
    name_hash, hook, min_level, active, stored = engine.templateInfo(1)
    assert (bytes(name_hash), hook, min_level, active) == (NAME, brownie.ZERO_ADDRESS, LEVEL, True)
    assert [(bytes(r), t) for r, t in stored] == STEPS


def test_create_template_rejects_bad_input(engine, admin, accounts):
    too_many = [(REVIEW, 60)] * 17
    cases = [
        (("WorkflowEngineInvalidStepCount", 0, 16), ([], brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidStepCount", 17, 16), (too_many, brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidStep", 1), ([(REVIEW, 60), (DECIDE, 0)], brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidStep", 0), ([(ADMIN_ROLE, 60)], brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidStep", 2), ([(REVIEW, 60)] * 2 + [(engine.CASE_OPENER_ROLE(), 60)], brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidStep", 0), ([(engine.DEPARTMENT_REGISTRY_ROLE(), 60)], brownie.ZERO_ADDRESS)),
        (("WorkflowEngineInvalidHook", accounts[9]), ([(REVIEW, 60)], accounts[9])),
    ]
    for error, (steps, hook) in cases:
        with reverts_with(*error):
            engine.createTemplate(NAME, steps, hook, LEVEL, {"from": admin})
    # sixteen steps is the maximum and fits
    engine.createTemplate(NAME, [(REVIEW, 60)] * 16, brownie.ZERO_ADDRESS, LEVEL, {"from": admin})
    assert engine.templateCount() == 2
    with reverts_with("WorkflowEngineUnknownTemplate", 3):
        engine.templateInfo(3)


def test_template_through_governance(engine, admin, timelock, governors):
    """After hand-over only the timelock creates templates, after its delay."""
    engine.grantRole(ADMIN_ROLE, timelock, {"from": admin})
    engine.renounceRole(ADMIN_ROLE, admin, {"from": admin})
    with reverts_with(*unauthorized(admin, ADMIN_ROLE)):
        engine.createTemplate(NAME, STEPS, brownie.ZERO_ADDRESS, LEVEL, {"from": admin})
    tx = Governance(timelock, governors[0]).call(engine, "createTemplate", NAME, STEPS, brownie.ZERO_ADDRESS, 1)
    assert tx.events["TemplateCreated"]["templateId"] == 2


def test_deactivate_template(engine, admin, applicant, officers):
    case_id = open_case(engine, applicant)
    tx = engine.deactivateTemplate(1, {"from": admin})
    assert tx.events["TemplateDeactivated"]["templateId"] == 1
    assert engine.templateInfo(1)[3] is False
    with reverts_with("WorkflowEngineTemplateInactive", 1):
        engine.openCase(1, SUBJECT, {"from": applicant})
    with reverts_with("WorkflowEngineTemplateInactive", 1):
        engine.deactivateTemplate(1, {"from": admin})
    with reverts_with("WorkflowEngineUnknownTemplate", 7):
        engine.deactivateTemplate(7, {"from": admin})
    # an open case runs to the end
    engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
    assert info(engine, case_id)["step"] == 1


def test_open_case(engine, applicant):
    tx = engine.openCase(1, SUBJECT, {"from": applicant})
    case_id = tx.return_value
    assert case_id == 1 and engine.caseCount() == 1
    opened = tx.events["CaseOpened"]
    assert (opened["caseId"], opened["templateId"], opened["applicant"], bytes(opened["subject"]), opened["openedBy"]) == (
        1, 1, applicant, SUBJECT, applicant)
    started = tx.events["StepStarted"]
    assert (started["caseId"], started["step"], started["deadline"]) == (1, 0, tx.timestamp + DAY)
    assert info(engine, 1) == {
        "applicant": applicant, "templateId": 1, "step": 0, "stepCount": 3, "status": IN_REVIEW,
        "stepStartedAt": tx.timestamp, "deadline": tx.timestamp + DAY, "role": "0x" + INTAKE.hex(),
        "subject": "0x" + SUBJECT.hex(), "expiresAt": 0,
    }
    assert not engine.isOverdue(1)
    # the subject is optional
    second = engine.openCase(1, ZERO32, {"from": applicant}).return_value
    assert second == 2 and info(engine, 2)["subject"] == "0x" + ZERO32.hex()


def test_open_case_needs_a_verified_applicant(engine, identity, accounts):
    with reverts_with("WorkflowEngineApplicantNotVerified", accounts[17], LEVEL):
        engine.openCase(1, SUBJECT, {"from": accounts[17]})  # never bound
    with reverts_with("WorkflowEngineApplicantNotVerified", accounts[16], LEVEL):
        engine.openCase(1, SUBJECT, {"from": accounts[16]})  # level 1 < 2
    identity.revoke(keccak(text="person-15"), REASON, {"from": accounts[12]})
    with reverts_with("WorkflowEngineApplicantNotVerified", accounts[15], LEVEL):
        engine.openCase(1, SUBJECT, {"from": accounts[15]})  # revoked
    for template in (0, 2):
        with reverts_with("WorkflowEngineUnknownTemplate", template):
            engine.openCase(template, SUBJECT, {"from": accounts[18]})
    assert engine.caseCount() == 0


def test_open_case_for_an_applicant(engine, accounts, applicant):
    opener = accounts[7]
    tx = engine.openCaseFor(applicant, 1, SUBJECT, {"from": opener})
    opened = tx.events["CaseOpened"]
    assert (opened["applicant"], opened["openedBy"]) == (applicant, opener)
    assert info(engine, tx.return_value)["applicant"] == applicant
    with reverts_with("WorkflowEngineApplicantNotVerified", accounts[17], LEVEL):
        engine.openCaseFor(accounts[17], 1, SUBJECT, {"from": opener})


def test_case_walks_every_step_in_order(engine, applicant, officers):
    case_id = open_case(engine, applicant)
    for step, (officer, (role, limit)) in enumerate(zip(officers, STEPS)):
        assert info(engine, case_id)["role"] == "0x" + role.hex()
        opinion = bytes([step + 1]) * 32
        tx = engine.decide(case_id, APPROVE, opinion, {"from": officer})
        decided = tx.events["StepDecided"]
        assert (decided["caseId"], decided["step"], decided["decision"], decided["officer"], bytes(decided["reasonHash"])) == (
            case_id, step, APPROVE, officer, opinion)
        if step < 2:
            assert dict(tx.events["StepStarted"]) == {"caseId": case_id, "step": step + 1, "deadline": tx.timestamp + STEPS[step + 1][1]}
            assert "CaseClosed" not in tx.events
            now = info(engine, case_id)
            assert (now["step"], now["status"], now["stepStartedAt"]) == (step + 1, IN_REVIEW, tx.timestamp)
        else:
            assert dict(tx.events["CaseClosed"]) == {"caseId": case_id, "applicant": applicant, "approved": True}
            assert "StepStarted" not in tx.events
    closed = info(engine, case_id)
    assert (closed["status"], closed["step"], closed["deadline"]) == (APPROVED, 2, 0)
    with reverts_with("WorkflowEngineCaseNotInReview", case_id, APPROVED):
        engine.decide(case_id, APPROVE, ZERO32, {"from": officers[2]})


def test_decide_needs_the_steps_role(engine, applicant, officers, admin):
    case_id = open_case(engine, applicant)
    for caller in (officers[1], officers[2], admin, applicant):
        with reverts_with(*unauthorized(caller, INTAKE)):
            engine.decide(case_id, APPROVE, ZERO32, {"from": caller})
    engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
    # the intake officer cannot decide the review step
    with reverts_with(*unauthorized(officers[0], REVIEW)):
        engine.decide(case_id, REJECT, REASON, {"from": officers[0]})


def test_reject_closes_the_case(engine, applicant, officers):
    case_id = open_case(engine, applicant)
    engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
    with reverts_with("WorkflowEngineReasonRequired", case_id, REJECT):
        engine.decide(case_id, REJECT, ZERO32, {"from": officers[1]})
    tx = engine.decide(case_id, REJECT, REASON, {"from": officers[1]})
    assert tx.events["StepDecided"]["decision"] == REJECT and bytes(tx.events["StepDecided"]["reasonHash"]) == REASON
    assert dict(tx.events["CaseClosed"]) == {"caseId": case_id, "applicant": applicant, "approved": False}
    assert (info(engine, case_id)["status"], info(engine, case_id)["step"]) == (REJECTED, 1)
    with reverts_with("WorkflowEngineCaseNotInReview", case_id, REJECTED):
        engine.decide(case_id, APPROVE, ZERO32, {"from": officers[1]})
    with reverts_with("WorkflowEngineCaseNotReturned", case_id, REJECTED):
        engine.resubmit(case_id, MATERIAL, {"from": applicant})


def test_return_and_resubmit_restart_the_same_step(engine, applicant, officers, accounts):
    case_id = open_case(engine, applicant)
    engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
    with reverts_with("WorkflowEngineReasonRequired", case_id, RETURN):
        engine.decide(case_id, RETURN, ZERO32, {"from": officers[1]})
    with reverts_with("WorkflowEngineCaseNotReturned", case_id, IN_REVIEW):
        engine.resubmit(case_id, MATERIAL, {"from": applicant})
    tx = engine.decide(case_id, RETURN, REASON, {"from": officers[1]})
    assert tx.events["StepDecided"]["decision"] == RETURN
    returned = tx.events["CaseReturned"]
    assert (returned["caseId"], returned["applicant"], returned["step"], bytes(returned["reasonHash"])) == (
        case_id, applicant, 1, REASON)
    returned_case = info(engine, case_id)
    assert (returned_case["status"], returned_case["deadline"], returned_case["stepStartedAt"], returned_case["expiresAt"]) == (
        RETURNED, 0, tx.timestamp, tx.timestamp + RETURN_EXPIRY)
    chain.sleep(10 * DAY)
    assert not engine.isOverdue(case_id)  # the clock is on the applicant
    # a returned case is approved or returned again only after the applicant's material
    for decision, reason in ((APPROVE, ZERO32), (RETURN, REASON)):
        with reverts_with("WorkflowEngineCaseNotInReview", case_id, RETURNED):
            engine.decide(case_id, decision, reason, {"from": officers[1]})
    with reverts_with("WorkflowEngineNotApplicant", case_id, accounts[18]):
        engine.resubmit(case_id, MATERIAL, {"from": accounts[18]})
    with reverts_with("WorkflowEngineMaterialRequired", case_id):
        engine.resubmit(case_id, ZERO32, {"from": applicant})
    tx = engine.resubmit(case_id, MATERIAL, {"from": applicant})
    assert dict(tx.events["CaseResubmitted"]) == {"caseId": case_id, "step": 1, "materialHash": "0x" + MATERIAL.hex()}
    assert dict(tx.events["StepStarted"]) == {"caseId": case_id, "step": 1, "deadline": tx.timestamp + 3 * DAY}
    now = info(engine, case_id)
    assert (now["status"], now["step"], now["stepStartedAt"], now["deadline"]) == (
        IN_REVIEW, 1, tx.timestamp, tx.timestamp + 3 * DAY)
    assert now["expiresAt"] == 0 and not engine.isOverdue(case_id)


def test_a_returned_case_can_be_rejected(engine, applicant, officers):
    """The review's lock: a returned case could be neither rejected nor closed. Its step's officer rejects it now."""
    case_id = open_case(engine, applicant)
    engine.decide(case_id, RETURN, REASON, {"from": officers[0]})
    with reverts_with(*unauthorized(officers[1], INTAKE)):
        engine.decide(case_id, REJECT, REASON, {"from": officers[1]})
    with reverts_with("WorkflowEngineReasonRequired", case_id, REJECT):
        engine.decide(case_id, REJECT, ZERO32, {"from": officers[0]})
    assert info(engine, case_id)["status"] == RETURNED
    tx = engine.decide(case_id, REJECT, REASON, {"from": officers[0]})
    decided = tx.events["StepDecided"]
    assert (decided["step"], decided["decision"], decided["officer"]) == (0, REJECT, officers[0])
    assert dict(tx.events["CaseClosed"]) == {"caseId": case_id, "applicant": applicant, "approved": False}
    closed = info(engine, case_id)
    assert (closed["status"], closed["step"], closed["deadline"], closed["expiresAt"]) == (REJECTED, 0, 0, 0)
    with reverts_with("WorkflowEngineCaseNotReturned", case_id, REJECTED):
        engine.resubmit(case_id, MATERIAL, {"from": applicant})


def test_a_returned_case_expires(engine, applicant, officers, accounts):
    case_id = open_case(engine, applicant)
    returned = engine.decide(case_id, RETURN, REASON, {"from": officers[0]})
    expires_at = returned.timestamp + RETURN_EXPIRY
    with reverts_with("WorkflowEngineCaseNotExpired", case_id, expires_at):
        engine.expireCase(case_id, {"from": accounts[9]})
    chain.sleep(RETURN_EXPIRY + 60)
    # too late for the applicant's material ...
    with reverts_with("WorkflowEngineCaseExpired", case_id, expires_at):
        engine.resubmit(case_id, MATERIAL, {"from": applicant})
    assert info(engine, case_id)["status"] == RETURNED
    # ... and anyone may close it
    tx = engine.expireCase(case_id, {"from": accounts[9]})
    assert dict(tx.events["CaseExpired"]) == {"caseId": case_id, "applicant": applicant, "step": 0, "closedBy": accounts[9]}
    assert "CaseClosed" not in tx.events
    closed = info(engine, case_id)
    assert (closed["status"], closed["step"], closed["deadline"], closed["expiresAt"]) == (EXPIRED, 0, 0, 0)
    assert not engine.isOverdue(case_id)
    with reverts_with("WorkflowEngineCaseNotInReview", case_id, EXPIRED):
        engine.decide(case_id, REJECT, REASON, {"from": officers[0]})
    with reverts_with("WorkflowEngineCaseNotReturned", case_id, EXPIRED):
        engine.resubmit(case_id, MATERIAL, {"from": applicant})
    with reverts_with("WorkflowEngineCaseNotReturned", case_id, EXPIRED):
        engine.expireCase(case_id, {"from": accounts[9]})
    # only a returned case expires
    other = open_case(engine, applicant)
    with reverts_with("WorkflowEngineCaseNotReturned", other, IN_REVIEW):
        engine.expireCase(other, {"from": accounts[9]})
    with reverts_with("WorkflowEngineUnknownCase", 99):
        engine.expireCase(99, {"from": accounts[9]})


def test_return_expiry_is_set_by_governance(engine, admin, applicant, officers, accounts):
    assert engine.returnExpiry() == RETURN_EXPIRY == engine.DEFAULT_RETURN_EXPIRY()
    case_id = open_case(engine, applicant)
    returned = engine.decide(case_id, RETURN, REASON, {"from": officers[0]})
    low, high = engine.MIN_RETURN_EXPIRY(), engine.MAX_RETURN_EXPIRY()
    assert (low, high) == (DAY, 365 * DAY)
    for period in (0, low - 1, high + 1):
        with reverts_with("WorkflowEngineInvalidReturnExpiry", period, low, high):
            engine.setReturnExpiry(period, {"from": admin})
    with reverts_with(*unauthorized(officers[0], ADMIN_ROLE)):
        engine.setReturnExpiry(7 * DAY, {"from": officers[0]})
    assert engine.returnExpiry() == RETURN_EXPIRY
    tx = engine.setReturnExpiry(7 * DAY, {"from": admin})
    assert dict(tx.events["ReturnExpirySet"]) == {"period": 7 * DAY}
    # it applies to cases already returned
    assert info(engine, case_id)["expiresAt"] == returned.timestamp + 7 * DAY
    chain.sleep(7 * DAY + 60)
    assert engine.expireCase(case_id, {"from": accounts[9]}).events["CaseExpired"]["caseId"] == case_id


def test_no_officer_decides_their_own_case(engine, identity, officers, accounts):
    """The officer of a step who applied for the case may not decide it; another holder of the role may."""
    officer = officers[0]
    identity.bindPerson(officer, keccak(text="officer-4"), keccak(text="tag-officer-4"), 2, {"from": accounts[12]})
    case_id = open_case(engine, officer)
    for decision, reason in ((APPROVE, ZERO32), (REJECT, REASON), (RETURN, REASON)):
        with reverts_with("WorkflowEngineSelfDecision", case_id, officer):
            engine.decide(case_id, decision, reason, {"from": officer})
    assert (info(engine, case_id)["status"], info(engine, case_id)["step"]) == (IN_REVIEW, 0)
    engine.grantRole(INTAKE, accounts[8], {"from": accounts[0]})
    engine.decide(case_id, APPROVE, ZERO32, {"from": accounts[8]})
    assert info(engine, case_id)["step"] == 1


def test_the_expiry_reason_is_the_engines_alone(engine, applicant, officers):
    """An officer cannot pass a rejection off as an expiry (hooks treat the two differently)."""
    case_id = open_case(engine, applicant)
    for decision in (REJECT, RETURN):
        with reverts_with("WorkflowEngineReasonRequired", case_id, decision):
            engine.decide(case_id, decision, EXPIRED_REASON, {"from": officers[0]})
    assert info(engine, case_id)["status"] == IN_REVIEW


def test_overdue_steps_are_visible(engine, applicant, officers):
    case_id = open_case(engine, applicant)
    deadline = info(engine, case_id)["deadline"]
    chain.sleep(DAY - 60)
    chain.mine()
    assert not engine.isOverdue(case_id)
    chain.sleep(120)
    chain.mine()
    assert brownie.web3.eth.get_block("latest")["timestamp"] > deadline
    assert engine.isOverdue(case_id)
    # overdue is visible, not blocking: the officer can still decide, and the next step starts afresh
    tx = engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
    assert not engine.isOverdue(case_id)
    assert info(engine, case_id)["deadline"] == tx.timestamp + 3 * DAY


def test_hook_templates_are_opened_by_openers_and_a_refusing_hook_blocks_the_close(
    engine, EnterpriseRegistry, admin, applicant, officers, accounts
):
    """The real EnterpriseRegistry as hook: it refuses a case it did not open, and so the decision."""
    hook = EnterpriseRegistry.deploy(admin, engine, brownie.ZERO_ADDRESS, {"from": admin})
    template = engine.createTemplate(NAME, [(REVIEW, DAY)], hook, LEVEL, {"from": admin}).return_value
    assert engine.templateInfo(template)[1] == hook
    with reverts_with("WorkflowEngineOpenerRequired", template):
        engine.openCase(template, SUBJECT, {"from": applicant})
    case_id = engine.openCaseFor(applicant, template, SUBJECT, {"from": accounts[7]}).return_value
    for decision, reason in ((APPROVE, ZERO32), (REJECT, REASON)):
        with reverts_with("EnterpriseRegistryUnexpectedCase", case_id, SUBJECT):
            engine.decide(case_id, decision, reason, {"from": officers[1]})
    assert info(engine, case_id)["status"] == IN_REVIEW  # the close was rolled back with the hook


def test_unknown_case(engine, applicant, officers):
    for case_id in (0, 5):
        with reverts_with("WorkflowEngineUnknownCase", case_id):
            engine.decide(case_id, APPROVE, ZERO32, {"from": officers[0]})
        with reverts_with("WorkflowEngineUnknownCase", case_id):
            engine.resubmit(case_id, MATERIAL, {"from": applicant})
        with reverts_with("WorkflowEngineUnknownCase", case_id):
            engine.caseInfo(case_id)
        with reverts_with("WorkflowEngineUnknownCase", case_id):
            engine.isOverdue(case_id)


def test_unauthorized_callers_are_rejected(engine, applicant, officers, accounts):
    outsider = accounts[9]
    case_id = open_case(engine, applicant)
    opener_role = engine.CASE_OPENER_ROLE()
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        engine.createTemplate(NAME, STEPS, brownie.ZERO_ADDRESS, LEVEL, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        engine.deactivateTemplate(1, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        engine.grantRole(INTAKE, outsider, {"from": outsider})
    with reverts_with(*unauthorized(applicant, opener_role)):
        engine.openCaseFor(applicant, 1, SUBJECT, {"from": applicant})
    with reverts_with(*unauthorized(outsider, INTAKE)):
        engine.decide(case_id, APPROVE, ZERO32, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        engine.setReturnExpiry(7 * DAY, {"from": outsider})
    with reverts_with(*unauthorized(outsider, engine.DEPARTMENT_REGISTRY_ROLE())):
        engine.revokeOfficer(officers[0], {"from": outsider})
    assert engine.hasRole(INTAKE, officers[0])
    engine.decide(case_id, RETURN, REASON, {"from": officers[0]})
    with reverts_with("WorkflowEngineNotApplicant", case_id, outsider):
        engine.resubmit(case_id, MATERIAL, {"from": outsider})
    with reverts_with("WorkflowEngineNotApplicant", case_id, officers[0]):
        engine.resubmit(case_id, MATERIAL, {"from": officers[0]})
    assert info(engine, case_id)["status"] == RETURNED


def test_role_holders_can_be_listed(engine, officers, accounts, admin):
    assert engine.getRoleMembers(INTAKE) == [officers[0]]
    assert engine.getRoleMembers(engine.CASE_OPENER_ROLE()) == [accounts[7]]
    assert engine.getRoleMembers(ADMIN_ROLE) == [admin]


class _Cases:
    """Stateful: each case's step only stays or moves forward by one, and status follows the model.

    The model keeps, per case, its current step and status, and the sequence of steps announced by
    StepStarted: it must be 0, then each entry equal to the previous one (a restart after
    resubmission) or one more (an approval); decisions land only on the current step.
    """

    st_case = strategy("uint256", max_value=255)
    st_officer = strategy("uint256", max_value=2)
    st_decision = strategy("uint256", max_value=2)
    st_reason = strategy("bool")
    st_days = strategy("uint256", min_value=0, max_value=4)

    def __init__(self, engine, applicant, officers, outsider, admin):
        self.engine, self.applicant, self.officers, self.outsider = engine, applicant, officers, outsider
        self.admin = admin

    def setup(self):
        self.engine.setReturnExpiry(DAY, {"from": self.admin})  # the shortest: returned cases expire often
        self.cases: list[dict] = []  # case id - 1 -> {"step", "status", "started", "returned_at"}
        self.rule_open()

    def _record_started(self, case, tx):
        for event in tx.events["StepStarted"] if "StepStarted" in tx.events else []:
            case["started"].append(event["step"])

    def rule_open(self):
        tx = self.engine.openCase(1, SUBJECT, {"from": self.applicant})
        case = {"step": 0, "status": IN_REVIEW, "started": [], "returned_at": None}
        self._record_started(case, tx)
        self.cases.append(case)
        assert tx.return_value == len(self.cases)

    def rule_decide(self, st_case, st_officer, st_decision, st_reason):
        """Any of the three officers decides (mostly refused: wrong step, closed case, no reason)."""
        if self.cases:
            self._decide(st_case % len(self.cases), st_officer, st_decision, st_reason)

    def rule_decide_current_step(self, st_case, st_decision):
        """The officer of the case's current step decides, with a reason: the case moves."""
        if self.cases:
            index = st_case % len(self.cases)
            self._decide(index, self.cases[index]["step"], st_decision, True)

    def _decide(self, st_case, st_officer, st_decision, st_reason):
        case, case_id = self.cases[st_case], st_case + 1
        reason = REASON if st_reason else ZERO32
        officer = self.officers[st_officer]
        call = lambda: self.engine.decide(case_id, st_decision, reason, {"from": officer})  # noqa: E731
        if case["status"] != IN_REVIEW and not (case["status"] == RETURNED and st_decision == REJECT):
            with reverts_with("WorkflowEngineCaseNotInReview", case_id, case["status"]):
                call()
        elif st_officer != case["step"]:
            with reverts_with(*unauthorized(officer, STEPS[case["step"]][0])):
                call()
        elif st_decision != APPROVE and not st_reason:
            with reverts_with("WorkflowEngineReasonRequired", case_id, st_decision):
                call()
        else:
            tx = call()
            assert tx.events["StepDecided"]["step"] == case["step"]
            if st_decision == APPROVE and case["step"] < len(STEPS) - 1:
                case["step"] += 1
            elif st_decision == RETURN:
                case["status"], case["returned_at"] = RETURNED, tx.timestamp
            else:
                case["status"] = APPROVED if st_decision == APPROVE else REJECTED
            self._record_started(case, tx)

    def rule_resubmit(self, st_case, st_reason):
        if not self.cases:
            return
        index = st_case % len(self.cases)
        case, case_id = self.cases[index], index + 1
        if case["status"] != RETURNED:
            with reverts_with("WorkflowEngineCaseNotReturned", case_id, case["status"]):
                self.engine.resubmit(case_id, MATERIAL, {"from": self.applicant})
        elif not st_reason:
            with reverts_with("WorkflowEngineNotApplicant", case_id, self.outsider):
                self.engine.resubmit(case_id, MATERIAL, {"from": self.outsider})
        elif self._expired(case):
            with reverts_with("WorkflowEngineCaseExpired", case_id, case["returned_at"] + DAY):
                self.engine.resubmit(case_id, MATERIAL, {"from": self.applicant})
        else:
            tx = self.engine.resubmit(case_id, MATERIAL, {"from": self.applicant})
            case["status"], case["returned_at"] = IN_REVIEW, None
            self._record_started(case, tx)

    def rule_expire(self, st_case):
        """Anyone closes a case; only a returned one past its expiry closes."""
        if not self.cases:
            return
        index = st_case % len(self.cases)
        case, case_id = self.cases[index], index + 1
        call = lambda: self.engine.expireCase(case_id, {"from": self.outsider})  # noqa: E731
        if case["status"] != RETURNED:
            with reverts_with("WorkflowEngineCaseNotReturned", case_id, case["status"]):
                call()
        elif not self._expired(case):
            with reverts_with("WorkflowEngineCaseNotExpired", case_id, case["returned_at"] + DAY):
                call()
        else:
            assert call().events["CaseExpired"]["step"] == case["step"]
            case["status"] = EXPIRED

    def _expired(self, case):
        """Whether the next block is past the case's expiry (a block is mined first, so that time
        slept is on chain, and kept clear of the boundary second)."""
        expires_at = case["returned_at"] + DAY
        chain.mine()
        if abs(brownie.web3.eth.get_block("latest")["timestamp"] - expires_at) < 60:
            chain.sleep(120)
            chain.mine()
        return brownie.web3.eth.get_block("latest")["timestamp"] > expires_at

    def rule_wait(self, st_days):
        chain.sleep(st_days * DAY)

    def invariant_chain_matches_model(self):
        for index, case in enumerate(self.cases):
            now = info(self.engine, index + 1)
            assert (now["step"], now["status"]) == (case["step"], case["status"])
            if case["status"] != IN_REVIEW:
                assert now["deadline"] == 0 and not self.engine.isOverdue(index + 1)

    def invariant_never_skips_nor_goes_back(self):
        for case in self.cases:
            started = case["started"]
            assert started[0] == 0
            assert all(later - earlier in (0, 1) for earlier, later in zip(started, started[1:]))
            assert started[-1] == case["step"]


def test_cases_never_skip_nor_go_back(state_machine, engine, applicant, officers, accounts, admin):
    state_machine(_Cases, engine, applicant, officers, accounts[9], admin,
                  settings={"max_examples": 20, "stateful_step_count": 25})
