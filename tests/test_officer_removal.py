"""Leaving a department ends every power that came with it (review finding 7), across the suite.

The suite is deployed by govchain.deploy as in production (consortium.yaml officers and roles, the
DepartmentRegistry registered with every contract with department roles, governance handed to the
timelock). The timelock then removes, moves or deactivates officers, and each one's next act on
every contract is refused with OpenZeppelin's AccessControlUnauthorizedAccount while the state it
would have changed stays as it was.
"""

from __future__ import annotations

import brownie
import pytest
from eth_utils import keccak

from conftest import Governance, reverts_with, unauthorized
from fundskit import APPROVED, WALLET, Funds, approve, approved_budget, bind, code, create_program, enroll, person, propose
from govchain.deploy import code32, load_consortium, role_id
from govchain.domain import uscc_bytes, uscc_check_character

SUITE_WITH_ROLES = (
    "IdentityRegistry", "CreditRegistry", "WorkflowEngine", "EnterpriseRegistry", "FiscalToken",
    "BudgetRegistry", "EligibilityRegistry", "ProgramRegistry", "Disbursements",
)  # fmt: skip
PEOPLE = [person(i) for i in range(3)]
REASON = b"\x5a" * 32
APPROVE = 0  # IWorkflowEngine.Decision
IN_REVIEW = 1  # IWorkflowEngine.CaseStatus
APPLIED = 1  # IEnterpriseRegistry.Status
TAX_COMPLIANCE = 1  # credit category (consortium.yaml)


def _uscc(n: int) -> bytes:
    first17 = f"9137020{n:010d}"
    return uscc_bytes(first17 + uscc_check_character(first17))


USCC = _uscc(7)


@pytest.fixture(scope="module")
def suite(suite_deployment):
    """The deployed suite as brownie contracts, by name."""
    contracts = {name: getattr(brownie, name).at(address) for name, address in suite_deployment.addresses.items()}
    return contracts


@pytest.fixture(scope="module")
def gov(suite, accounts):
    proposer = accounts[load_consortium()["governance"]["proposers"][0]["account"]]
    return Governance(suite["GovTimelock"], proposer)


@pytest.fixture(scope="module")
def funds(suite, accounts):
    """The deployed funds contracts with the consortium's officers: finance 7-9, social security
    10-11, police 12, development and reform 14 (consortium.yaml)."""
    return Funds(
        departments=suite["DepartmentRegistry"], identity=suite["IdentityRegistry"], token=suite["FiscalToken"],
        budgets=suite["BudgetRegistry"], eligibility=suite["EligibilityRegistry"], programs=suite["ProgramRegistry"],
        ledger=suite["Disbursements"], words=None, admin=accounts[0], fin=[accounts[7], accounts[8], accounts[9]],
        hrss=[accounts[10], accounts[11]], police=accounts[12], bank=accounts[19], drc=accounts[14],
        civil=accounts[15], outsider=accounts[17], citizens=[],
    )  # fmt: skip


@pytest.fixture(scope="module")
def ready(suite, funds, accounts):
    """What the review found the removed officers still acting on: an approved payout batch waiting
    for execution, and an enterprise application waiting for its review decision."""
    approved_budget(funds, [("PENSION", 10**10)])
    program_id = create_program(funds, 1)
    bind(funds, PEOPLE)
    enroll(funds, program_id, PEOPLE)
    funds.ledger.fundProgram(program_id, 10**9, {"from": funds.fin[0]})
    batch_id, entries, _ = propose(funds, program_id, 0, WALLET, [(p, 100_000) for p in PEOPLE])
    approve(funds, batch_id)
    citizen = accounts[16]
    suite["IdentityRegistry"].bindPerson(citizen, keccak(text="citizen-16"), keccak(text="tag-citizen-16"), 2, {"from": funds.police})
    case_id = suite["EnterpriseRegistry"].applyForRegistration(
        USCC, "青岛胶州湾物流有限公司", keccak(text="legal rep"), 10**8, keccak(text="scope"), {"from": citizen}
    ).return_value
    return {"program": program_id, "batch": batch_id, "entries": entries, "case": case_id, "citizen": citizen}


def holds_nothing(suite, officer) -> None:
    """`officer` holds none of the roles any registered contract revokes."""
    for address in suite["DepartmentRegistry"].roleContracts():
        contract = next(c for c in suite.values() if c.address == address)
        assert not any(contract.hasRole(r, officer) for r in contract.officerRoles()), contract._name


def test_the_reviews_attack_removed_officers_can_neither_pay_nor_decide(suite, gov, funds, ready, accounts):
    """The timelock removes a payout executor and a case reviewer; the batch and the case wait, untouched."""
    ledger, engine = suite["Disbursements"], suite["WorkflowEngine"]
    executor, reviewer = funds.hrss[0], accounts[4]
    assert ledger.hasRole(ledger.EXECUTOR_ROLE(), executor) and engine.hasRole(role_id("SAMR_REVIEWER_ROLE"), reviewer)
    supply = funds.token.totalSupply()

    removed = gov.call(suite["DepartmentRegistry"], "removeOfficer", executor)
    assert removed.events["OfficerRemoved"]["officer"] == executor
    revoked = {(bytes(e["role"]), e["account"], e["sender"]) for e in removed.events["RoleRevoked"]}
    assert (bytes(ledger.EXECUTOR_ROLE()), executor, suite["DepartmentRegistry"].address) in revoked
    gov.call(suite["DepartmentRegistry"], "removeOfficer", reviewer)

    with reverts_with(*unauthorized(executor, ledger.EXECUTOR_ROLE())):
        ledger.executeWalletBatch(ready["batch"], ready["entries"], {"from": executor})
    assert ledger.batch(ready["batch"])[5] == APPROVED and funds.token.totalSupply() == supply
    with reverts_with(*unauthorized(reviewer, role_id("SAMR_REVIEWER_ROLE"))):
        engine.decide(ready["case"], APPROVE, REASON, {"from": reviewer})
    assert engine.caseInfo(ready["case"])[4] == IN_REVIEW
    assert suite["EnterpriseRegistry"].statusOf(USCC) == APPLIED
    holds_nothing(suite, executor)
    holds_nothing(suite, reviewer)


def test_every_power_of_a_removed_officer_ends(suite, gov, funds, ready, accounts):
    """Finance, social security, market regulation and police officers, removed: each act refused."""
    fin, hrss, samr, police = funds.fin[0], funds.hrss[0], accounts[4], funds.police
    for officer in (fin, hrss, samr, police):
        gov.call(suite["DepartmentRegistry"], "removeOfficer", officer)
        holds_nothing(suite, officer)
    budgets, programs, ledger, token = funds.budgets, funds.programs, funds.ledger, funds.token
    identity, credit, registry = suite["IdentityRegistry"], suite["CreditRegistry"], suite["EnterpriseRegistry"]
    before = (budgets.budgetCount(), programs.programCount(), ledger.batchCount(), ledger.programAccount(ready["program"]))
    entry = (TAX_COMPLIANCE, -5, REASON, 0, 0)
    refusals = [
        # finance: budgets, programs, funding, approvals, fiscal accounts
        (fin, budgets.BUDGET_PROPOSER_ROLE(), lambda: budgets.proposeBudget(2027, REASON, [(code("X"), "x", 1)], {"from": fin})),
        (fin, programs.PROGRAM_ADMIN_ROLE(), lambda: create_program(funds, 1)),
        (fin, ledger.TREASURER_ROLE(), lambda: ledger.fundProgram(ready["program"], 1, {"from": fin})),
        (fin, token.ACCOUNT_REGISTRAR_ROLE(), lambda: token.registerAccount(accounts[17], code("X"), {"from": fin})),
        # social security: batches, enrolment, proof of life, credit records
        (hrss, ledger.OPERATOR_ROLE(), lambda: propose(funds, ready["program"], 1, WALLET, [(PEOPLE[0], 1)], hrss)),
        (hrss, programs.PROGRAM_OPERATOR_ROLE(), lambda: programs.enroll(ready["program"], [person(9)], {"from": hrss})),
        (hrss, funds.eligibility.ATTESTER_ROLE(), lambda: funds.eligibility.attest([PEOPLE[0]], REASON, {"from": hrss})),
        (hrss, credit.CREDIT_WRITER_ROLE(), lambda: credit.append(REASON, entry, {"from": hrss})),
        # market regulation: enterprise records, enterprise identities, credit records
        (samr, registry.MARKET_REGULATOR_ROLE(), lambda: registry.suspend(USCC, REASON, {"from": samr})),
        (samr, identity.ENTERPRISE_REGISTRAR_ROLE(), lambda: identity.bindEnterprise(accounts[17], _uscc(8), 3, {"from": samr})),
        (samr, credit.CREDIT_WRITER_ROLE(), lambda: credit.append(REASON, entry, {"from": samr})),
        # police: citizens' e-IDs
        (police, identity.REGISTRAR_ROLE(), lambda: identity.bindPerson(accounts[17], keccak(text="p-17"), keccak(text="tag-p-17"), 2, {"from": police})),
        (police, identity.REGISTRAR_ROLE(), lambda: identity.revoke(keccak(text="citizen-16"), REASON, {"from": police})),
        # finance's four-eyes approval of payout batches
        (fin, ledger.APPROVER_ROLE(), lambda: ledger.approveBatch(ready["batch"], ledger.batch(ready["batch"])[0], {"from": fin})),
    ]
    for officer, needed, act in refusals:
        with reverts_with(*unauthorized(officer, needed)):
            act()
    assert (budgets.budgetCount(), programs.programCount(), ledger.batchCount(), ledger.programAccount(ready["program"])) == before
    assert identity.identityOf(accounts[17]) == "0x" + "00" * 32
    assert credit.recordCountOf(REASON) == 0
    # the officers who stay keep theirs
    assert ledger.hasRole(ledger.EXECUTOR_ROLE(), funds.hrss[1]) and identity.hasRole(identity.REGISTRAR_ROLE(), accounts[13])


def test_moving_an_officer_ends_the_old_departments_powers(suite, gov, ready, accounts):
    departments, engine, registry = suite["DepartmentRegistry"], suite["WorkflowEngine"], suite["EnterpriseRegistry"]
    officer = accounts[5]  # SAMR
    gov.call(departments, "assignOfficer", officer, code32("TAX"))
    assert departments.departmentOf(officer) == "0x" + code32("TAX").hex()
    holds_nothing(suite, officer)  # the TAX powers are granted afresh by governance
    with reverts_with(*unauthorized(officer, role_id("SAMR_REVIEWER_ROLE"))):
        engine.decide(ready["case"], APPROVE, REASON, {"from": officer})
    with reverts_with(*unauthorized(officer, registry.MARKET_REGULATOR_ROLE())):
        registry.suspend(USCC, REASON, {"from": officer})
    gov.call(engine, "grantRole", role_id("TAX_REVIEWER_ROLE"), officer)
    assert engine.hasRole(role_id("TAX_REVIEWER_ROLE"), officer)


def test_deactivating_a_department_ends_its_officers_powers(suite, gov, funds, accounts):
    departments, engine = suite["DepartmentRegistry"], suite["WorkflowEngine"]
    drc = funds.drc
    budget_id = funds.budgets.proposeBudget(2027, REASON, [(code("X"), "x", 1)], {"from": funds.fin[0]}).events[
        "BudgetProposed"]["budgetId"]
    gov.call(departments, "setDepartmentActive", code32("DRC"), False)
    holds_nothing(suite, drc)
    assert departments.officersOf(code32("DRC")) == [drc]  # still a member, with no power
    with reverts_with(*unauthorized(drc, funds.budgets.BUDGET_APPROVER_ROLE())):
        funds.budgets.approveBudget(budget_id, {"from": drc})
    assert len(funds.budgets.approvals(budget_id)) == 0
    # reactivating the department gives nothing back by itself
    gov.call(departments, "setDepartmentActive", code32("DRC"), True)
    assert not engine.hasRole(role_id("DRC_REVIEWER_ROLE"), drc)


def test_only_the_department_registry_revokes(suite, accounts):
    """revokeOfficer is the DepartmentRegistry's alone, on every contract; the outsider changes nothing."""
    outsider, officer = accounts[17], accounts[10]
    for name in SUITE_WITH_ROLES:
        contract = suite[name]
        with reverts_with(*unauthorized(outsider, contract.DEPARTMENT_REGISTRY_ROLE())):
            contract.revokeOfficer(officer, {"from": outsider})
    assert suite["Disbursements"].hasRole(suite["Disbursements"].EXECUTOR_ROLE(), officer)


def test_a_contract_that_takes_the_registrys_role_back_blocks_the_removal(suite, gov, funds, accounts):
    """No officer is half removed: one refusing contract reverts the whole governance action."""
    departments, credit = suite["DepartmentRegistry"], suite["CreditRegistry"]
    gov.call(credit, "revokeRole", credit.DEPARTMENT_REGISTRY_ROLE(), departments)
    with reverts_with(*unauthorized(departments, credit.DEPARTMENT_REGISTRY_ROLE())):
        gov.call(departments, "removeOfficer", funds.hrss[0])
    assert departments.departmentOf(funds.hrss[0]) == "0x" + code32("HRSS").hex()
    assert funds.ledger.hasRole(funds.ledger.EXECUTOR_ROLE(), funds.hrss[0])
    # governance deregisters it (or grants the role again); then the removal goes through
    gov.call(departments, "deregisterRoleContract", credit)
    gov.call(departments, "removeOfficer", funds.hrss[0])
    assert not funds.ledger.hasRole(funds.ledger.EXECUTOR_ROLE(), funds.hrss[0])
    assert credit.hasRole(credit.CREDIT_WRITER_ROLE(), funds.hrss[0])  # the deregistered contract was left alone
