"""EnterpriseRegistry: USCC-keyed registration reviewed through a WorkflowEngine case."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain
from brownie.test import given, strategy
from eth_abi import encode
from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from conftest import reverts_with, unauthorized
from govchain.domain import (
    ID_CARD_CHECK,
    ID_CARD_WEIGHTS,
    ENTERPRISE_NAME_MAX_BYTES,
    USCC_ALPHABET,
    InvalidEnterpriseName,
    InvalidUSCC,
    enterprise_name_problem,
    identity_commitment,
    identity_tag,
    is_valid_uscc,
    uscc_bytes,
    uscc_check_character,
    uscc_subject,
    validate_enterprise_name,
    validate_uscc,
)
from govchain.signer import DEV_IDENTITY_TAG_KEY

ADMIN_ROLE = b"\0" * 32
ZERO32 = b"\0" * 32
DAY = 24 * 3600  # seconds
REVIEW = keccak(text="SAMR_REVIEWER_ROLE")
LEVEL = 2  # minimum verification level of an applicant
APPROVE, REJECT, RETURN = 0, 1, 2  # IWorkflowEngine.Decision
IN_REVIEW, RETURNED, CASE_REJECTED, CASE_EXPIRED = 1, 2, 4, 5  # IWorkflowEngine.CaseStatus
EXPIRED_REASON = keccak(text="govchain.WorkflowEngine.CaseExpired")  # ICaseHook.sol CASE_EXPIRED_REASON
RETURN_EXPIRY = 30 * DAY  # the engine's default
RESERVATION = 30 * DAY  # EnterpriseRegistry.RESERVATION_PERIOD
EVIDENCE = keccak(text="名称预先核准通知书 and articles of association")
NONE, APPLIED, REGISTERED, REJECTED, SUSPENDED, DEREGISTERED = range(6)  # IEnterpriseRegistry.Status
A_APPLY, A_APPROVE, A_REJECT, A_CHANGE, A_SUSPEND, A_REINSTATE, A_DEREGISTER, A_CONTEST = range(8)  # Action
NAME_CHANGE, LEGAL_REP_CHANGE, CAPITAL_CHANGE, SCOPE_CHANGE, DOMICILE_CHANGE, OTHER_CHANGE = range(6)  # ChangeKind
NAME = "青岛海纳电子科技有限公司"
SCOPE_HASH = keccak(text="经营范围: 电子产品研发、销售")
CAPITAL_FEN = 5_000_000 * 100  # 5 million yuan
REASON = b"\x5a" * 32
SALT = bytes(range(32))

# The transition table, written independently of the contract: action -> {from: to}.
TRANSITIONS = {
    A_APPLY: {NONE: APPLIED, REJECTED: APPLIED},
    A_APPROVE: {APPLIED: REGISTERED},
    A_REJECT: {APPLIED: REJECTED},
    A_CHANGE: {REGISTERED: REGISTERED},
    A_SUSPEND: {REGISTERED: SUSPENDED},
    A_REINSTATE: {SUSPENDED: REGISTERED},
    A_DEREGISTER: {REGISTERED: DEREGISTERED, SUSPENDED: DEREGISTERED},
    A_CONTEST: {APPLIED: APPLIED},
}


def id_number(first17: str) -> str:
    """A resident ID-card number with its GB 11643 check character."""
    return first17 + ID_CARD_CHECK[sum(int(d) * w for d, w in zip(first17, ID_CARD_WEIGHTS)) % 11]


APPLICANT_ID = id_number("37020219850312441")
LEGAL_REP_ID = id_number("37021219790708203")
NEW_LEGAL_REP_ID = id_number("37028119900215672")
LEGAL_REP = identity_commitment(LEGAL_REP_ID, SALT)


def code(n: int) -> bytes:
    """The n-th test USCC (valid), as bytes18."""
    first17 = f"9137020{n:010d}"
    return uscc_bytes(first17 + uscc_check_character(first17))


USCC = code(1)


def code_with_letters() -> bytes:
    first17 = "91370200MA3C4BWL4"
    return uscc_bytes(first17 + uscc_check_character(first17))


@pytest.fixture(scope="module")
def identity(IdentityRegistry, admin, accounts):
    """The real IdentityRegistry: applicant 15 and the enterprise's real owner 14 at level 2, 16 at level 1, 17 unbound."""
    registry = IdentityRegistry.deploy(admin, {"from": admin})
    registry.grantRole(registry.REGISTRAR_ROLE(), accounts[12], {"from": admin})
    applicant = (identity_commitment(APPLICANT_ID, SALT), identity_tag(APPLICANT_ID, DEV_IDENTITY_TAG_KEY))
    registry.bindPerson(accounts[15], *applicant, 2, {"from": accounts[12]})
    registry.bindPerson(accounts[14], keccak(text="person-14"), keccak(text="tag-14"), 2, {"from": accounts[12]})
    registry.bindPerson(accounts[16], keccak(text="person-16"), keccak(text="tag-16"), 1, {"from": accounts[12]})
    return registry


@pytest.fixture(scope="module")
def engine(WorkflowEngine, identity, admin, accounts):
    engine = WorkflowEngine.deploy(admin, identity, brownie.ZERO_ADDRESS, {"from": admin})
    engine.grantRole(REVIEW, accounts[5], {"from": admin})
    return engine


@pytest.fixture(scope="module")
def registry(EnterpriseRegistry, engine, admin, accounts):
    """Wired as the deploy script wires it: CASE_OPENER_ROLE, a one-step template hooked to the registry."""
    registry = EnterpriseRegistry.deploy(admin, engine, brownie.ZERO_ADDRESS, {"from": admin})
    engine.grantRole(engine.CASE_OPENER_ROLE(), registry, {"from": admin})
    template = engine.createTemplate(keccak(text="企业设立登记"), [(REVIEW, 15 * DAY)], registry, LEVEL, {"from": admin})
    registry.setRegistrationTemplate(template.return_value, {"from": admin})
    registry.grantRole(registry.MARKET_REGULATOR_ROLE(), accounts[6], {"from": admin})
    return registry


@pytest.fixture(scope="module")
def applicant(accounts):
    return accounts[15]


@pytest.fixture(scope="module")
def owner(accounts):
    """The enterprise's real owner (a verified citizen), who did not apply first."""
    return accounts[14]


@pytest.fixture(scope="module")
def reviewer(accounts):
    return accounts[5]


@pytest.fixture(scope="module")
def regulator(accounts):
    return accounts[6]


def apply(registry, applicant, uscc=USCC):
    return registry.applyForRegistration(uscc, NAME, LEGAL_REP, CAPITAL_FEN, SCOPE_HASH, {"from": applicant})


def fields(event) -> dict:
    """An event's fields, bytes values as plain bytes."""
    return {k: bytes(v) if isinstance(v, bytes) else v for k, v in event.items()}


def record(registry, uscc=USCC):
    """enterprise(uscc) as a dict."""
    return dict(zip(("status", "appliedAt", "decidedAt", "caseId", "contested", "reservedUntil"), registry.enterprise(uscc)))


FREE = {"contested": False, "reservedUntil": 0}  # a record with no contest and no reservation


def test_deploy_rejects_zero_addresses(EnterpriseRegistry, engine, admin):
    with reverts_with("EnterpriseRegistryZeroAddress"):
        EnterpriseRegistry.deploy(brownie.ZERO_ADDRESS, engine, brownie.ZERO_ADDRESS, {"from": admin})
    with reverts_with("EnterpriseRegistryZeroAddress"):
        EnterpriseRegistry.deploy(admin, brownie.ZERO_ADDRESS, brownie.ZERO_ADDRESS, {"from": admin})


def test_registration_template_must_call_the_registry_back(EnterpriseRegistry, registry, engine, admin, applicant):
    assert registry.engine() == engine and registry.registrationTemplate() == 1
    plain = engine.createTemplate(keccak(text="x"), [(REVIEW, DAY)], brownie.ZERO_ADDRESS, LEVEL, {"from": admin})
    with reverts_with("EnterpriseRegistryTemplateHookMismatch", plain.return_value, brownie.ZERO_ADDRESS):
        registry.setRegistrationTemplate(plain.return_value, {"from": admin})
    with reverts_with("WorkflowEngineUnknownTemplate", 9):
        registry.setRegistrationTemplate(9, {"from": admin})
    two_step = engine.createTemplate(keccak(text="y"), [(REVIEW, DAY)] * 2, registry, LEVEL, {"from": admin})
    tx = registry.setRegistrationTemplate(two_step.return_value, {"from": admin})
    assert tx.events["RegistrationTemplateSet"]["templateId"] == two_step.return_value
    # a registry without a template takes no applications
    fresh = EnterpriseRegistry.deploy(admin, engine, brownie.ZERO_ADDRESS, {"from": admin})
    assert fresh.registrationTemplate() == 0
    with reverts_with("EnterpriseRegistryNoTemplate"):
        fresh.applyForRegistration(USCC, NAME, LEGAL_REP, CAPITAL_FEN, SCOPE_HASH, {"from": applicant})


def test_apply_opens_a_review_case(registry, engine, applicant):
    tx = apply(registry, applicant)
    case_id = tx.return_value
    assert case_id == 1
    applied = tx.events["EnterpriseApplied"]
    assert bytes(applied["uscc"]) == USCC and applied["caseId"] == case_id and applied["applicant"] == applicant
    assert applied["name"] == NAME and bytes(applied["legalRepCommitment"]) == LEGAL_REP
    assert applied["registeredCapitalFen"] == CAPITAL_FEN and bytes(applied["businessScopeHash"]) == SCOPE_HASH
    opened = tx.events["CaseOpened"]
    assert (opened["caseId"], opened["applicant"], opened["openedBy"]) == (case_id, applicant, registry)
    assert bytes(opened["subject"]) == uscc_subject(USCC.decode())
    assert record(registry) == {"status": APPLIED, "appliedAt": tx.timestamp, "decidedAt": 0, "caseId": case_id, **FREE}
    assert registry.statusOf(USCC) == APPLIED
    case = engine.caseInfo(case_id)
    assert case[0] == applicant and bytes(case[8]) == uscc_subject(USCC.decode())


def test_approval_registers_and_the_time_to_approval_is_on_chain(registry, engine, applicant, reviewer):
    applied = apply(registry, applicant)
    chain.sleep(3 * DAY)
    tx = engine.decide(applied.return_value, APPROVE, ZERO32, {"from": reviewer})
    event = tx.events["EnterpriseRegistered"]
    assert bytes(event["uscc"]) == USCC and event["caseId"] == applied.return_value
    assert tx.events["CaseClosed"]["approved"] is True
    now = record(registry)
    assert (now["status"], now["appliedAt"], now["decidedAt"]) == (REGISTERED, applied.timestamp, tx.timestamp)
    assert now["decidedAt"] - now["appliedAt"] >= 3 * DAY


def test_rejection_and_a_new_application(registry, engine, applicant, reviewer):
    first = apply(registry, applicant).return_value
    tx = engine.decide(first, REJECT, REASON, {"from": reviewer})
    event = tx.events["EnterpriseRejected"]
    assert (bytes(event["uscc"]), event["caseId"], bytes(event["reasonHash"])) == (USCC, first, REASON)
    assert record(registry)["status"] == REJECTED and record(registry)["decidedAt"] == tx.timestamp
    again = apply(registry, applicant)
    assert again.return_value == first + 1
    assert record(registry) == {"status": APPLIED, "appliedAt": again.timestamp, "decidedAt": 0, "caseId": first + 1, **FREE}
    engine.decide(again.return_value, APPROVE, ZERO32, {"from": reviewer})
    assert registry.statusOf(USCC) == REGISTERED


def test_multi_step_review_with_returned_material(registry, engine, admin, applicant, reviewer):
    two_step = engine.createTemplate(keccak(text="y"), [(REVIEW, DAY)] * 2, registry, LEVEL, {"from": admin})
    registry.setRegistrationTemplate(two_step.return_value, {"from": admin})
    case_id = apply(registry, applicant).return_value
    engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    assert registry.statusOf(USCC) == APPLIED
    engine.decide(case_id, 2, REASON, {"from": reviewer})  # Return for more material
    engine.resubmit(case_id, b"\x01" * 32, {"from": applicant})
    tx = engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    assert "EnterpriseRegistered" in tx.events and registry.statusOf(USCC) == REGISTERED


def test_apply_rejects_invalid_codes(registry, applicant):
    valid = USCC.decode()
    expected = valid[17]
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(expected) + 1) % 31]
    bad_check = (valid[:17] + wrong).encode()
    with reverts_with("USCCInvalidCheckCharacter", bad_check, expected.encode()):
        apply(registry, applicant, bad_check)
    for position, char in ((3, "I"), (8, "O"), (10, "S"), (16, "V"), (17, "Z"), (0, "a"), (5, "b")):
        bad = (valid[:position] + char + valid[position + 1:]).encode()
        with reverts_with("USCCInvalidCharacter", bad, position):
            apply(registry, applicant, bad)
    lower = code_with_letters().lower()  # a valid code written in lower case
    assert lower[8:9] == b"m"
    with reverts_with("USCCInvalidCharacter", lower, 8):
        apply(registry, applicant, lower)
    assert registry.statusOf(bad_check) == NONE


def test_apply_rejects_incomplete_applications_and_unverified_applicants(registry, applicant, accounts):
    for legal_rep, scope in ((ZERO32, SCOPE_HASH), (LEGAL_REP, ZERO32)):
        with reverts_with("EnterpriseRegistryIncompleteApplication", USCC):
            registry.applyForRegistration(USCC, NAME, legal_rep, CAPITAL_FEN, scope, {"from": applicant})
    for outsider in (accounts[16], accounts[17]):  # level 1; unbound
        with reverts_with("WorkflowEngineApplicantNotVerified", outsider, LEVEL):
            apply(registry, outsider)
    assert registry.statusOf(USCC) == NONE


def test_apply_refused_when_the_template_is_deactivated(registry, engine, admin, applicant):
    engine.deactivateTemplate(1, {"from": admin})
    with reverts_with("WorkflowEngineTemplateInactive", 1):
        apply(registry, applicant)
    assert record(registry) == {"status": NONE, "appliedAt": 0, "decidedAt": 0, "caseId": 0, **FREE}


def test_apply_refused_while_applied_registered_suspended_or_deregistered(registry, engine, applicant, reviewer, regulator):
    case_id = apply(registry, applicant).return_value
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, APPLIED, A_APPLY):
        apply(registry, applicant)
    engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, REGISTERED, A_APPLY):
        apply(registry, applicant)
    registry.suspend(USCC, REASON, {"from": regulator})
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, SUSPENDED, A_APPLY):
        apply(registry, applicant)
    registry.deregister(USCC, REASON, {"from": regulator})
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, DEREGISTERED, A_APPLY):
        apply(registry, applicant)


def test_changes_suspension_reinstatement_and_deregistration(registry, engine, applicant, reviewer, regulator):
    engine.decide(apply(registry, applicant).return_value, APPROVE, ZERO32, {"from": reviewer})
    decided = record(registry)
    new_rep = identity_commitment(NEW_LEGAL_REP_ID, SALT)
    tx = registry.recordChange(USCC, LEGAL_REP_CHANGE, new_rep, {"from": regulator})
    event = tx.events["EnterpriseChanged"]
    assert (bytes(event["uscc"]), event["kind"], bytes(event["newValueHash"]), event["officer"]) == (
        USCC, LEGAL_REP_CHANGE, new_rep, regulator)
    assert record(registry) == decided  # a change is an event; the record keeps its status and times
    tx = registry.suspend(USCC, REASON, {"from": regulator})
    assert fields(tx.events["EnterpriseSuspended"]) == {"uscc": USCC, "reasonHash": REASON, "officer": regulator}
    assert registry.statusOf(USCC) == SUSPENDED
    tx = registry.reinstate(USCC, REASON, {"from": regulator})
    assert fields(tx.events["EnterpriseReinstated"]) == {"uscc": USCC, "reasonHash": REASON, "officer": regulator}
    assert registry.statusOf(USCC) == REGISTERED
    tx = registry.deregister(USCC, REASON, {"from": regulator})
    assert fields(tx.events["EnterpriseDeregistered"]) == {"uscc": USCC, "reasonHash": REASON, "officer": regulator}
    assert registry.statusOf(USCC) == DEREGISTERED
    # zero hashes are refused before anything else
    for call in (
        lambda: registry.recordChange(USCC, DOMICILE_CHANGE, ZERO32, {"from": regulator}),
        lambda: registry.suspend(USCC, ZERO32, {"from": regulator}),
        lambda: registry.reinstate(USCC, ZERO32, {"from": regulator}),
        lambda: registry.deregister(USCC, ZERO32, {"from": regulator}),
    ):
        with reverts_with("EnterpriseRegistryMissingHash", USCC):
            call()


def test_public_changes_carry_the_new_name_and_capital(registry, engine, applicant, reviewer, regulator):
    engine.decide(apply(registry, applicant).return_value, APPROVE, ZERO32, {"from": reviewer})
    decided = record(registry)
    renamed = "青岛海纳智能科技股份有限公司"
    tx = registry.changeName(USCC, renamed, {"from": regulator})
    assert fields(tx.events["EnterpriseNameChanged"]) == {"uscc": USCC, "name": renamed, "officer": regulator}
    tx = registry.changeRegisteredCapital(USCC, 12_000_000 * 100, {"from": regulator})
    assert fields(tx.events["EnterpriseCapitalChanged"]) == {"uscc": USCC, "registeredCapitalFen": 12_000_000 * 100, "officer": regulator}
    assert record(registry) == decided
    # a public change is never recorded as a mere hash: its value would be hidden
    for kind in (NAME_CHANGE, CAPITAL_CHANGE):
        with reverts_with("EnterpriseRegistryPublicChange", USCC, kind):
            registry.recordChange(USCC, kind, REASON, {"from": regulator})
    for kind in (LEGAL_REP_CHANGE, SCOPE_CHANGE, DOMICILE_CHANGE, OTHER_CHANGE):
        assert registry.recordChange(USCC, kind, REASON, {"from": regulator}).events["EnterpriseChanged"]["kind"] == kind
    with reverts_with("EnterpriseNameLength", 0, ENTERPRISE_NAME_MAX_BYTES):
        registry.changeName(USCC, "", {"from": regulator})
    with reverts_with("EnterpriseNameInvalidCharacter", 6):
        registry.changeName(USCC, "青岛\n海纳", {"from": regulator})


def _raw_application(registry, uscc: bytes, name: bytes) -> str:
    """applyForRegistration calldata whose `name` is any bytes (a string is encoded exactly as bytes)."""
    selector = registry.applyForRegistration.signature
    return selector + encode(["bytes18", "bytes", "bytes32", "uint256", "bytes32"], [uscc, name, LEGAL_REP, CAPITAL_FEN, SCOPE_HASH]).hex()


def test_apply_refuses_empty_long_and_malformed_names(registry, applicant):
    """An attack on every decoder of the events: a name that is not UTF-8 (sent as raw calldata, as
    any client could) would make the indexer, web3.py and cast fail on the event. Refused."""
    longest = "青" * (ENTERPRISE_NAME_MAX_BYTES // 3)
    for name, error in (("", ("EnterpriseNameLength", 0, ENTERPRISE_NAME_MAX_BYTES)),
                        (longest + "a", ("EnterpriseNameLength", ENTERPRISE_NAME_MAX_BYTES + 1, ENTERPRISE_NAME_MAX_BYTES)),
                        ("青岛\x00海纳", ("EnterpriseNameInvalidCharacter", 6)),
                        ("青岛海纳\u0085公司", ("EnterpriseNameInvalidCharacter", 12))):  # fmt: skip
        with reverts_with(*error):
            registry.applyForRegistration(USCC, name, LEGAL_REP, CAPITAL_FEN, SCOPE_HASH, {"from": applicant})
    for name, offset in ((b"\xff\xfe", 0), ("青岛".encode() + b"\xe6\xb5", 6), (b"ab\xed\xa0\x80", 2), (b"\xc0\xaf", 0)):
        with reverts_with("EnterpriseNameInvalidCharacter", offset):
            applicant.transfer(registry, 0, data=_raw_application(registry, USCC, name))
    assert registry.statusOf(USCC) == NONE
    tx = registry.applyForRegistration(USCC, longest, LEGAL_REP, CAPITAL_FEN, SCOPE_HASH, {"from": applicant})
    assert tx.events["EnterpriseApplied"]["name"] == longest


def test_every_transition_follows_the_table(registry, engine, applicant, owner, reviewer, regulator):
    """One enterprise in each status; every regulator/applicant action on each, against TRANSITIONS."""
    by_status = {status: code(10 + status) for status in range(6)}
    for status, uscc in by_status.items():
        if status == NONE:
            continue
        case_id = apply(registry, applicant, uscc).return_value
        if status != APPLIED:
            engine.decide(case_id, REJECT if status == REJECTED else APPROVE, REASON, {"from": reviewer})
        if status == SUSPENDED:
            registry.suspend(uscc, REASON, {"from": regulator})
        if status == DEREGISTERED:
            registry.deregister(uscc, REASON, {"from": regulator})
        assert registry.statusOf(uscc) == status
    actions = {
        A_APPLY: lambda u: apply(registry, applicant, u),
        A_CHANGE: lambda u: registry.recordChange(u, DOMICILE_CHANGE, REASON, {"from": regulator}),
        "rename": lambda u: registry.changeName(u, "青岛海纳新材料有限公司", {"from": regulator}),
        "capital": lambda u: registry.changeRegisteredCapital(u, CAPITAL_FEN * 2, {"from": regulator}),
        A_SUSPEND: lambda u: registry.suspend(u, REASON, {"from": regulator}),
        A_REINSTATE: lambda u: registry.reinstate(u, REASON, {"from": regulator}),
        A_DEREGISTER: lambda u: registry.deregister(u, REASON, {"from": regulator}),
        A_CONTEST: lambda u: registry.contest(u, EVIDENCE, {"from": owner}),
    }
    for key, call in actions.items():
        action = A_CHANGE if key in ("rename", "capital") else key  # public changes are RecordChange actions too
        for status, uscc in by_status.items():
            if status in TRANSITIONS[action]:
                chain.snapshot()
                call(uscc)
                assert registry.statusOf(uscc) == TRANSITIONS[action][status]
                chain.revert()
            else:
                with reverts_with("EnterpriseRegistryTransitionNotAllowed", uscc, status, action):
                    call(uscc)


# --- Finding 5: a squatter's application no longer locks a code ------------------------------


def squat(registry, engine, applicant, reviewer):
    """The review's attack: a citizen applies for a code that is not theirs; the officer returns it for material."""
    case_id = apply(registry, applicant).return_value
    engine.decide(case_id, RETURN, REASON, {"from": reviewer})
    return case_id


def test_a_returned_application_can_be_rejected_and_the_owner_applies(registry, engine, applicant, owner, reviewer):
    case_id = squat(registry, engine, applicant, reviewer)
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, APPLIED, A_APPLY):
        apply(registry, owner)  # the lock the review found ...
    tx = engine.decide(case_id, REJECT, REASON, {"from": reviewer})  # ... which the officer can now lift
    assert fields(tx.events["EnterpriseRejected"]) == {"uscc": USCC, "caseId": case_id, "reasonHash": REASON}
    assert engine.caseInfo(case_id)[4] == CASE_REJECTED
    assert record(registry)["status"] == REJECTED and record(registry)["decidedAt"] == tx.timestamp
    again = apply(registry, owner)
    assert again.events["EnterpriseApplied"]["applicant"] == owner
    engine.decide(again.return_value, APPROVE, ZERO32, {"from": reviewer})
    assert registry.statusOf(USCC) == REGISTERED


def test_a_returned_application_expires_and_releases_the_code(registry, engine, applicant, owner, reviewer, accounts):
    case_id = squat(registry, engine, applicant, reviewer)
    returned_at = engine.caseInfo(case_id)[5]
    with reverts_with("WorkflowEngineCaseNotExpired", case_id, returned_at + RETURN_EXPIRY):
        engine.expireCase(case_id, {"from": owner})
    assert record(registry)["status"] == APPLIED
    chain.sleep(RETURN_EXPIRY + 60)
    tx = engine.expireCase(case_id, {"from": accounts[9]})  # anyone may close it
    assert tx.events["CaseExpired"]["closedBy"] == accounts[9]
    assert fields(tx.events["EnterpriseRejected"]) == {"uscc": USCC, "caseId": case_id, "reasonHash": EXPIRED_REASON}
    assert record(registry)["status"] == REJECTED and record(registry)["decidedAt"] == tx.timestamp
    assert engine.caseInfo(case_id)[4] == CASE_EXPIRED
    apply(registry, owner)
    assert record(registry)["status"] == APPLIED


def test_the_owner_contests_and_the_rejection_reserves_the_code(registry, engine, applicant, owner, reviewer, accounts):
    case_id = squat(registry, engine, applicant, reviewer)
    tx = registry.contest(USCC, EVIDENCE, {"from": owner})
    assert fields(tx.events["EnterpriseContested"]) == {"uscc": USCC, "caseId": case_id, "contestant": owner, "evidenceHash": EVIDENCE}
    assert record(registry)["contested"] is True and registry.claimant(USCC) == owner
    # one contest at a time
    with reverts_with("EnterpriseRegistryContestPending", USCC, case_id, owner):
        registry.contest(USCC, EVIDENCE, {"from": accounts[18]})
    # the squatter resubmits; while the contest is pending the application cannot be approved
    engine.resubmit(case_id, b"\x01" * 32, {"from": applicant})
    with reverts_with("EnterpriseRegistryContestPending", USCC, case_id, owner):
        engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    assert engine.caseInfo(case_id)[4] == IN_REVIEW and record(registry)["status"] == APPLIED
    # the officer rejects it: the contest is upheld and the code is the owner's to apply for
    tx = engine.decide(case_id, REJECT, REASON, {"from": reviewer})
    reserved_until = tx.timestamp + RESERVATION
    assert fields(tx.events["EnterpriseContestUpheld"]) == {
        "uscc": USCC, "caseId": case_id, "contestant": owner, "reservedUntil": reserved_until}
    assert record(registry)["status"] == REJECTED
    assert (record(registry)["contested"], record(registry)["reservedUntil"]) == (False, reserved_until)
    with reverts_with("EnterpriseRegistryReserved", USCC, owner, reserved_until):
        apply(registry, applicant)
    assert record(registry)["status"] == REJECTED
    tx = apply(registry, owner)
    assert record(registry) == {"status": APPLIED, "appliedAt": tx.timestamp, "decidedAt": 0, "caseId": tx.return_value, **FREE}
    assert registry.claimant(USCC) == brownie.ZERO_ADDRESS
    engine.decide(tx.return_value, APPROVE, ZERO32, {"from": reviewer})
    assert registry.statusOf(USCC) == REGISTERED


def test_a_reservation_ends(registry, engine, applicant, owner, reviewer):
    case_id = apply(registry, applicant).return_value
    registry.contest(USCC, EVIDENCE, {"from": owner})
    engine.decide(case_id, REJECT, REASON, {"from": reviewer})
    chain.sleep(RESERVATION + 60)
    tx = apply(registry, applicant)  # the owner did not use it: the code is free again
    assert record(registry) == {"status": APPLIED, "appliedAt": tx.timestamp, "decidedAt": 0, "caseId": tx.return_value, **FREE}
    assert registry.claimant(USCC) == brownie.ZERO_ADDRESS


def test_a_reviewing_officer_dismisses_a_contest(registry, engine, admin, applicant, owner, reviewer, regulator):
    case_id = apply(registry, applicant).return_value
    registry.contest(USCC, EVIDENCE, {"from": owner})
    with reverts_with("EnterpriseRegistryMissingHash", USCC):
        registry.dismissContest(USCC, ZERO32, {"from": reviewer})
    # only an officer who may decide the case's current step resolves its contest
    for caller in (regulator, owner, applicant):
        with reverts_with(*unauthorized(caller, REVIEW)):
            registry.dismissContest(USCC, REASON, {"from": caller})
    # ... and not one who is a party to it
    for party in (owner, applicant):
        engine.grantRole(REVIEW, party, {"from": admin})
        with reverts_with("EnterpriseRegistryContestParty", USCC, party):
            registry.dismissContest(USCC, REASON, {"from": party})
    assert record(registry)["contested"] is True and registry.claimant(USCC) == owner
    tx = registry.dismissContest(USCC, REASON, {"from": reviewer})
    assert fields(tx.events["EnterpriseContestDismissed"]) == {"uscc": USCC, "caseId": case_id, "officer": reviewer, "reasonHash": REASON}
    assert record(registry)["contested"] is False and registry.claimant(USCC) == brownie.ZERO_ADDRESS
    with reverts_with("EnterpriseRegistryNoContest", USCC):
        registry.dismissContest(USCC, REASON, {"from": reviewer})
    tx = engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    assert "EnterpriseRegistered" in tx.events


def test_contest_refusals(registry, engine, applicant, owner, reviewer, accounts):
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, NONE, A_CONTEST):
        registry.contest(USCC, EVIDENCE, {"from": owner})
    with reverts_with("EnterpriseRegistryNoContest", USCC):
        registry.dismissContest(USCC, REASON, {"from": reviewer})
    case_id = apply(registry, applicant).return_value
    with reverts_with("EnterpriseRegistryMissingHash", USCC):
        registry.contest(USCC, ZERO32, {"from": owner})
    with reverts_with("EnterpriseRegistryContestParty", USCC, applicant):
        registry.contest(USCC, EVIDENCE, {"from": applicant})
    for unverified in (accounts[16], accounts[17]):  # level 1; unbound
        with reverts_with("EnterpriseRegistryContestantNotVerified", unverified, LEVEL):
            registry.contest(USCC, EVIDENCE, {"from": unverified})
    assert record(registry)["contested"] is False and registry.claimant(USCC) == brownie.ZERO_ADDRESS
    engine.decide(case_id, APPROVE, ZERO32, {"from": reviewer})
    with reverts_with("EnterpriseRegistryTransitionNotAllowed", USCC, REGISTERED, A_CONTEST):
        registry.contest(USCC, EVIDENCE, {"from": owner})


def test_a_contested_application_that_expires_frees_the_code_for_all(registry, engine, applicant, owner, reviewer):
    case_id = squat(registry, engine, applicant, reviewer)
    registry.contest(USCC, EVIDENCE, {"from": owner})
    chain.sleep(RETURN_EXPIRY + 60)
    tx = engine.expireCase(case_id, {"from": owner})
    assert fields(tx.events["EnterpriseContestLapsed"]) == {"uscc": USCC, "caseId": case_id, "contestant": owner}
    assert "EnterpriseContestUpheld" not in tx.events
    assert record(registry)["status"] == REJECTED and (record(registry)["contested"], record(registry)["reservedUntil"]) == (False, 0)
    assert registry.claimant(USCC) == brownie.ZERO_ADDRESS
    apply(registry, owner)
    assert record(registry)["status"] == APPLIED


def test_the_hook_answers_only_the_engine_and_its_own_case(registry, engine, admin, applicant, reviewer, accounts):
    case_id = apply(registry, applicant).return_value
    subject = uscc_subject(USCC.decode())
    with reverts_with("EnterpriseRegistryNotEngine", accounts[9]):
        registry.onCaseClosed(case_id, subject, True, ZERO32, {"from": accounts[9]})
    # another hooked template, opened by another opener, about the same enterprise: refused
    engine.grantRole(engine.CASE_OPENER_ROLE(), accounts[7], {"from": admin})
    other = engine.createTemplate(keccak(text="z"), [(REVIEW, DAY)], registry, LEVEL, {"from": admin}).return_value
    foreign = engine.openCaseFor(applicant, other, subject, {"from": accounts[7]}).return_value
    with reverts_with("EnterpriseRegistryUnexpectedCase", foreign, subject):
        engine.decide(foreign, APPROVE, ZERO32, {"from": reviewer})
    # the right case id with a subject that is not a bytes18 code: refused too
    padded = subject[:31] + b"\x01"
    bad = engine.openCaseFor(applicant, other, padded, {"from": accounts[7]}).return_value
    with reverts_with("EnterpriseRegistryUnexpectedCase", bad, padded):
        engine.decide(bad, APPROVE, ZERO32, {"from": reviewer})
    assert registry.statusOf(USCC) == APPLIED


def test_unauthorized_callers_are_rejected(registry, engine, applicant, reviewer, regulator, accounts):
    outsider = accounts[9]
    regulator_role = registry.MARKET_REGULATOR_ROLE()
    engine.decide(apply(registry, applicant).return_value, APPROVE, ZERO32, {"from": reviewer})
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        registry.setRegistrationTemplate(1, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN_ROLE)):
        registry.grantRole(regulator_role, outsider, {"from": outsider})
    for caller in (outsider, reviewer, applicant):
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.recordChange(USCC, DOMICILE_CHANGE, REASON, {"from": caller})
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.changeName(USCC, "青岛冒名贸易有限公司", {"from": caller})
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.changeRegisteredCapital(USCC, 1, {"from": caller})
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.suspend(USCC, REASON, {"from": caller})
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.reinstate(USCC, REASON, {"from": caller})
        with reverts_with(*unauthorized(caller, regulator_role)):
            registry.deregister(USCC, REASON, {"from": caller})
    with reverts_with("EnterpriseRegistryNotEngine", regulator):
        registry.onCaseClosed(1, uscc_subject(USCC.decode()), False, REASON, {"from": regulator})
    with reverts_with("WorkflowEngineApplicantNotVerified", outsider, LEVEL):
        apply(registry, outsider, code(2))
    apply(registry, applicant, code(3))
    with reverts_with("EnterpriseRegistryContestantNotVerified", outsider, LEVEL):
        registry.contest(code(3), EVIDENCE, {"from": outsider})
    registry.contest(code(3), EVIDENCE, {"from": accounts[14]})
    with reverts_with(*unauthorized(outsider, REVIEW)):
        registry.dismissContest(code(3), REASON, {"from": outsider})
    assert registry.claimant(code(3)) == accounts[14]
    with reverts_with(*unauthorized(outsider, registry.DEPARTMENT_REGISTRY_ROLE())):
        registry.revokeOfficer(regulator, {"from": outsider})
    assert registry.statusOf(USCC) == REGISTERED
    assert registry.getRoleMembers(regulator_role) == [regulator]


def test_id_numbers_never_reach_the_chain(registry, engine, identity, applicant, reviewer, regulator, accounts):
    """The applicant's and legal representatives' ID-card numbers appear in no calldata and no log."""
    start = chain.height
    legal_rep = (identity_commitment(LEGAL_REP_ID, SALT), identity_tag(LEGAL_REP_ID, DEV_IDENTITY_TAG_KEY))
    identity.bindPerson(accounts[18], *legal_rep, 2, {"from": accounts[12]})
    applied = apply(registry, applicant)
    engine.decide(applied.return_value, APPROVE, ZERO32, {"from": reviewer})
    registry.recordChange(USCC, LEGAL_REP_CHANGE, identity_commitment(NEW_LEGAL_REP_ID, SALT), {"from": regulator})
    needles = [number.encode().hex() for number in (APPLICANT_ID, LEGAL_REP_ID, NEW_LEGAL_REP_ID)]
    needles += [int(number[:17]).to_bytes(8, "big").hex() for number in (APPLICANT_ID, LEGAL_REP_ID, NEW_LEGAL_REP_ID)]
    seen = 0
    for height in range(start + 1, chain.height + 1):
        for tx_hash in brownie.web3.eth.get_block(height)["transactions"]:
            tx = brownie.web3.eth.get_transaction(tx_hash)
            receipt = brownie.web3.eth.get_transaction_receipt(tx_hash)
            blobs = [bytes(tx["input"]).hex()]
            blobs += [bytes(log["data"]).hex() + "".join(bytes(t).hex() for t in log["topics"]) for log in receipt["logs"]]
            assert all(needle not in blob for blob in blobs for needle in needles)
            seen += 1
    assert seen == 4
    # and the commitments did go on chain: the check looked where the data is
    logs = brownie.web3.eth.get_transaction_receipt(applied.txid)["logs"]
    assert any(LEGAL_REP.hex() in bytes(log["data"]).hex() for log in logs)


# --- USCC: the contract and govchain.domain agree on every input -----------------------------

_first17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
_valid = _first17.map(lambda f: (f + uscc_check_character(f)).encode())


def _replace(code_: bytes, position: int, byte: int) -> bytes:
    return code_[:position] + bytes([byte]) + code_[position + 1:]


_codes = st.one_of(
    _valid,
    # one character swapped for another of the alphabet (mostly a wrong check character)
    st.builds(_replace, _valid, st.integers(0, 17), st.sampled_from(USCC_ALPHABET.encode())),
    # one character swapped for any byte (mostly outside the alphabet: I O S V Z, lower case, controls, UTF-8)
    st.builds(_replace, _valid, st.integers(0, 17), st.integers(0, 255)),
    _valid.map(lambda c: c.lower()),
    st.binary(min_size=18, max_size=18),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(uscc=_codes)
def test_contract_and_python_agree_on_uscc(registry, uscc):
    text = uscc.decode("latin-1")  # one character per byte, as the contract reads it
    assert registry.isValidUSCC(uscc) == is_valid_uscc(text)
    try:
        validate_uscc(text)
    except InvalidUSCC as error:
        if error.expected is None:
            expected = ("USCCInvalidCharacter", uscc, error.position)
        else:
            expected = ("USCCInvalidCheckCharacter", uscc, error.expected.encode())
        with reverts_with(*expected):
            registry.validateUSCC(uscc)
    else:
        registry.validateUSCC(uscc)


# --- Enterprise names: the contract and govchain.domain agree on every input ---------------------

_names = st.one_of(
    st.text(min_size=0, max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),  # any code point, lone surrogates too
    st.binary(min_size=0, max_size=ENTERPRISE_NAME_MAX_BYTES + 2),
    st.lists(st.sampled_from([b"\xe9\x9d\x92", b"\xc2\x85", b"\xc2\xa0", b"\xed\x9f\xbf", b"\xed\xa0\x80", b"\xf4\x8f\xbf\xbf",
                              b"\xf4\x90\x80\x80", b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf", b"\x7f", b"\x1f", b"A", b"\xe9\x9d"]),
             max_size=52).map(b"".join),  # boundary sequences of table 3-7
)


@pytest.fixture(scope="module")
def names(EnterpriseNameHarness, admin):
    return EnterpriseNameHarness.deploy({"from": admin})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_names)
def test_contract_and_python_agree_on_enterprise_names(names, name):
    problem = enterprise_name_problem(name)
    if not name or len(name) > ENTERPRISE_NAME_MAX_BYTES:
        with reverts_with("EnterpriseNameLength", len(name), ENTERPRISE_NAME_MAX_BYTES):
            names.validate(name)
    elif problem is not None:
        with reverts_with("EnterpriseNameInvalidCharacter", problem):
            names.validate(name)
    else:
        names.validate(name)
        assert validate_enterprise_name(name.decode("utf-8")) == name
    if problem is not None and len(name) <= ENTERPRISE_NAME_MAX_BYTES:
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            return
        with pytest.raises(InvalidEnterpriseName):
            validate_enterprise_name(text)


# --- Stateful: statuses follow the table ------------------------------------------------------


class _Enterprises:
    """Random applications (by a squatter or the real owner), returns, resubmissions, expiries,
    contests, dismissals, decisions and regulator actions on three codes; the chain follows the
    model: TRANSITIONS for statuses, and a contested application is never approved, an upheld
    contest reserves the code for its contestant, an expired one releases it."""

    st_code = strategy("uint256", max_value=2)
    st_bool = strategy("bool")
    st_action = strategy("uint256", min_value=A_CHANGE, max_value=A_DEREGISTER)
    st_days = strategy("uint256", max_value=3)

    def __init__(self, registry, engine, admin, applicant, owner, reviewer, regulator):
        self.registry, self.engine, self.admin = registry, engine, admin
        self.applicant, self.owner, self.reviewer, self.regulator = applicant, owner, reviewer, regulator
        self.codes = [code(100 + n) for n in range(3)]

    def setup(self):
        self.engine.setReturnExpiry(DAY, {"from": self.admin})  # the shortest: returned cases expire often
        # per code: status, its latest case and that case's state, the contest and the reservation
        self.m = {u: {"status": NONE, "case": 0, "case_status": NONE, "returned_at": 0, "contested": False,
                      "claimant": brownie.ZERO_ADDRESS, "reserved_until": 0} for u in self.codes}  # fmt: skip
        self.rule_apply(0, False)

    def _past(self, moment):
        """Whether the next block is after `moment` (a block is mined first, so that time slept is
        on chain, and kept clear of the boundary second)."""
        chain.mine()
        if abs(brownie.web3.eth.get_block("latest")["timestamp"] - moment) < 60:
            chain.sleep(120)
            chain.mine()
        return brownie.web3.eth.get_block("latest")["timestamp"] > moment

    def _closed_case(self, m, final):
        m["case_status"] = final
        if m["contested"]:
            m["contested"] = False
            if final == CASE_EXPIRED:
                m["claimant"] = brownie.ZERO_ADDRESS

    def rule_apply(self, st_code, st_bool):
        uscc, who = self.codes[st_code], self.owner if st_bool else self.applicant
        m = self.m[uscc]
        if m["status"] not in TRANSITIONS[A_APPLY]:
            with reverts_with("EnterpriseRegistryTransitionNotAllowed", uscc, m["status"], A_APPLY):
                apply(self.registry, who, uscc)
        elif m["reserved_until"] and who != m["claimant"] and not self._past(m["reserved_until"]):
            with reverts_with("EnterpriseRegistryReserved", uscc, m["claimant"], m["reserved_until"]):
                apply(self.registry, who, uscc)
        else:
            tx = apply(self.registry, who, uscc)
            m.update(status=APPLIED, case=tx.return_value, case_status=IN_REVIEW, reserved_until=0,
                     claimant=brownie.ZERO_ADDRESS)  # fmt: skip

    def rule_decide(self, st_code, st_bool):
        uscc = self.codes[st_code]
        m = self.m[uscc]
        if m["case"] == 0:
            return
        decision = APPROVE if st_bool else REJECT
        call = lambda: self.engine.decide(m["case"], decision, REASON, {"from": self.reviewer})  # noqa: E731
        if m["case_status"] != IN_REVIEW and not (m["case_status"] == RETURNED and decision == REJECT):
            with reverts_with("WorkflowEngineCaseNotInReview", m["case"], m["case_status"]):
                call()
        elif decision == APPROVE and m["contested"]:
            with reverts_with("EnterpriseRegistryContestPending", uscc, m["case"], m["claimant"]):
                call()
        else:
            tx = call()
            m["status"] = TRANSITIONS[A_APPROVE if st_bool else A_REJECT][APPLIED]
            if m["contested"]:
                m["reserved_until"] = tx.timestamp + RESERVATION
                assert tx.events["EnterpriseContestUpheld"]["reservedUntil"] == m["reserved_until"]
            self._closed_case(m, 3 if st_bool else CASE_REJECTED)

    def rule_return(self, st_code):
        m = self.m[self.codes[st_code]]
        if m["case"] == 0:
            return
        call = lambda: self.engine.decide(m["case"], RETURN, REASON, {"from": self.reviewer})  # noqa: E731
        if m["case_status"] != IN_REVIEW:
            with reverts_with("WorkflowEngineCaseNotInReview", m["case"], m["case_status"]):
                call()
        else:
            m["case_status"], m["returned_at"] = RETURNED, call().timestamp

    def rule_resubmit(self, st_code):
        m = self.m[self.codes[st_code]]
        if m["case_status"] != RETURNED:
            return
        applicant = self.engine.caseInfo(m["case"])[0]
        call = lambda: self.engine.resubmit(m["case"], REASON, {"from": applicant})  # noqa: E731
        if self._past(m["returned_at"] + DAY):
            with reverts_with("WorkflowEngineCaseExpired", m["case"], m["returned_at"] + DAY):
                call()
        else:
            call()
            m["case_status"] = IN_REVIEW

    def rule_expire(self, st_code):
        uscc = self.codes[st_code]
        m = self.m[uscc]
        if m["case"] == 0:
            return
        call = lambda: self.engine.expireCase(m["case"], {"from": self.regulator})  # noqa: E731
        if m["case_status"] != RETURNED:
            with reverts_with("WorkflowEngineCaseNotReturned", m["case"], m["case_status"]):
                call()
        elif not self._past(m["returned_at"] + DAY):
            with reverts_with("WorkflowEngineCaseNotExpired", m["case"], m["returned_at"] + DAY):
                call()
        else:
            tx = call()
            assert bytes(tx.events["EnterpriseRejected"]["reasonHash"]) == EXPIRED_REASON
            m["status"] = REJECTED
            self._closed_case(m, CASE_EXPIRED)

    def rule_contest(self, st_code):
        uscc = self.codes[st_code]
        m = self.m[uscc]
        call = lambda: self.registry.contest(uscc, EVIDENCE, {"from": self.owner})  # noqa: E731
        if m["status"] != APPLIED:
            with reverts_with("EnterpriseRegistryTransitionNotAllowed", uscc, m["status"], A_CONTEST):
                call()
        elif m["contested"]:
            with reverts_with("EnterpriseRegistryContestPending", uscc, m["case"], self.owner):
                call()
        elif self.engine.caseInfo(m["case"])[0] == self.owner:
            with reverts_with("EnterpriseRegistryContestParty", uscc, self.owner):
                call()
        else:
            call()
            m["contested"], m["claimant"] = True, self.owner

    def rule_dismiss(self, st_code):
        uscc = self.codes[st_code]
        m = self.m[uscc]
        call = lambda: self.registry.dismissContest(uscc, REASON, {"from": self.reviewer})  # noqa: E731
        if not m["contested"]:
            with reverts_with("EnterpriseRegistryNoContest", uscc):
                call()
        else:
            call()
            m["contested"], m["claimant"] = False, brownie.ZERO_ADDRESS

    def rule_regulate(self, st_code, st_action):
        uscc = self.codes[st_code]
        m = self.m[uscc]
        fn = {A_CHANGE: "recordChange", A_SUSPEND: "suspend", A_REINSTATE: "reinstate", A_DEREGISTER: "deregister"}
        args = (uscc, DOMICILE_CHANGE, REASON) if st_action == A_CHANGE else (uscc, REASON)
        call = lambda: getattr(self.registry, fn[st_action])(*args, {"from": self.regulator})  # noqa: E731
        if m["status"] in TRANSITIONS[st_action]:
            call()
            m["status"] = TRANSITIONS[st_action][m["status"]]
        else:
            with reverts_with("EnterpriseRegistryTransitionNotAllowed", uscc, m["status"], st_action):
                call()

    def rule_wait(self, st_days):
        chain.sleep(st_days * DAY)

    def rule_wait_a_month(self):
        """Long enough for a reservation to end."""
        chain.sleep(RESERVATION)

    def invariant_records_match_the_model(self):
        for uscc in self.codes:
            m, now = self.m[uscc], record(self.registry, uscc)
            assert (now["status"], now["caseId"], now["contested"], now["reservedUntil"]) == (
                m["status"], m["case"], m["contested"], m["reserved_until"])
            assert self.registry.claimant(uscc) == m["claimant"]
            # decided exactly when the latest application is no longer pending
            assert (now["decidedAt"] == 0) == (now["status"] in (NONE, APPLIED))
            assert now["decidedAt"] == 0 or now["decidedAt"] >= now["appliedAt"]
            if m["case"]:
                assert self.engine.caseInfo(m["case"])[4] == m["case_status"]

    def invariant_a_contested_code_is_never_registered_by_its_contested_case(self):
        for uscc in self.codes:
            m = self.m[uscc]
            assert not (m["contested"] and m["status"] != APPLIED)


def test_statuses_follow_the_allowed_transitions(state_machine, registry, engine, admin, applicant, owner, reviewer, regulator):
    state_machine(_Enterprises, registry, engine, admin, applicant, owner, reviewer, regulator,
                  settings={"max_examples": 40, "stateful_step_count": 30})
