"""govchain.deploy: the administrator's deploy, idempotent, handing governance to the timelock."""

from __future__ import annotations

import copy
import json

from conftest import make_sender
from govchain.clients.credit import dev_reader_key, reader_public_key
from govchain.connection import Deployment, Suite
from govchain.deploy import ADMIN_ROLE, SUITE, code32, deploy_suite, load_consortium, role_id
from govchain.signer import dev_accounts


def test_deploys_every_component_and_writes_the_file(suite_deployment, w3):
    assert suite_deployment.deployed == [c.name for c in SUITE]
    data = json.loads(suite_deployment.path.read_text())
    assert data["chainId"] == w3.eth.chain_id
    for component in SUITE:
        entry = data["contracts"][component.name]
        assert w3.eth.get_code(entry["address"]) and entry["block"] > 0


def test_consortium_is_set_up_and_handed_to_the_timelock(suite_deployment, w3, artifacts):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    departments = suite.contract("DepartmentRegistry").functions
    consortium = load_consortium()
    codes = [bytes(c) for c in departments.departmentCodes().call()]
    assert codes == [code32(d["code"]) for d in consortium["departments"]]
    accounts = dev_accounts(w3.eth.chain_id)
    psb_officer = accounts[12].address
    assert bytes(departments.departmentOf(psb_officer).call()) == code32("PSB")
    identity = suite.contract("IdentityRegistry").functions
    assert identity.hasRole(role_id("REGISTRAR_ROLE"), psb_officer).call()
    assert not identity.hasRole(role_id("REGISTRAR_ROLE"), accounts[4].address).call()
    timelock = suite.deployment.address("GovTimelock")
    deployer = accounts[0].address
    for name in ("DepartmentRegistry", "IdentityRegistry"):
        fn = suite.contract(name).functions
        assert fn.hasRole(ADMIN_ROLE, timelock).call()
        assert not fn.hasRole(ADMIN_ROLE, deployer).call()
        assert fn.getRoleMemberCount(ADMIN_ROLE).call() == 1


def test_rerun_deploys_nothing_and_lists_governance_actions(suite_deployment, w3, artifacts):
    consortium = copy.deepcopy(load_consortium())
    again = deploy_suite(w3, make_sender(w3, artifacts), artifacts, suite_deployment.path, consortium)
    assert again.deployed == [] and again.transactions == 0
    assert again.addresses == suite_deployment.addresses

    consortium["departments"].append({"code": "AUDIT", "name": "青岛市审计局", "officers": [{"account": 19}]})
    later = deploy_suite(w3, make_sender(w3, artifacts), artifacts, suite_deployment.path, consortium)
    assert later.transactions == 0  # the deployer is no longer admin: nothing is sent ...
    assert any("registerDepartment(AUDIT)" in a for a in later.governance_actions)  # ... it is listed instead


def test_workflows_are_wired(suite_deployment, w3, artifacts):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    engine = suite.contract("WorkflowEngine").functions
    registry = suite.contract("EnterpriseRegistry")
    consortium = load_consortium()
    data = json.loads(suite_deployment.path.read_text())
    assert list(data["workflows"]) == [w["key"] for w in consortium["workflows"]]
    assert engine.templateCount().call() == len(consortium["workflows"])
    assert registry.functions.registrationTemplate().call() == data["workflows"]["ENTERPRISE_REGISTRATION"]
    assert engine.hasRole(role_id("CASE_OPENER_ROLE"), registry.address).call()
    samr_officer = dev_accounts(w3.eth.chain_id)[4].address
    assert engine.hasRole(role_id("SAMR_REVIEWER_ROLE"), samr_officer).call()
    investment = engine.templateInfo(data["workflows"]["INVESTMENT_PROJECT"]).call()
    assert [bytes(step[0]) for step in investment[4]] == [role_id(r) for r in ("DRC_REVIEWER_ROLE", "FIN_REVIEWER_ROLE", "TAX_REVIEWER_ROLE")]
    assert [step[1] for step in investment[4]] == [120 * 3600, 72 * 3600, 48 * 3600]


def test_credit_categories_and_writers(suite_deployment, w3, artifacts):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    credit = suite.contract("CreditRegistry").functions
    for entry in load_consortium()["credit_categories"]:
        owner = code32(entry["owner"])
        assert tuple(credit.getCategory(entry["id"]).call()) == (True, True, entry["public"], entry["min_delta"], entry["max_delta"], owner)
        readers = [bytes(r) for r in credit.categoryReaders(entry["id"]).call()]
        assert readers == [code32(r) for r in entry.get("readers", [])]
        assert entry["public"] or owner in readers  # the owner reads its sealed records
        for reader in entry.get("readers", []):
            key = reader_public_key(dev_reader_key(w3.eth.chain_id, reader))
            assert bytes(credit.readerKey(code32(reader)).call()) == key
    tax_officer = dev_accounts(w3.eth.chain_id)[6].address
    assert credit.hasRole(role_id("CREDIT_WRITER_ROLE"), tax_officer).call()
    assert not credit.hasRole(role_id("CREDIT_WRITER_ROLE"), dev_accounts(w3.eth.chain_id)[12].address).call()


def test_funds_are_wired(suite_deployment, w3, artifacts):
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    token = suite.contract("FiscalToken").functions
    ledger = suite.deployment.address("Disbursements")
    for role in ("MINTER_ROLE", "DISBURSER_ROLE", "SETTLER_ROLE"):
        assert token.hasRole(role_id(role), ledger).call()
    bank = dev_accounts(w3.eth.chain_id)[19].address
    assert token.isRegistered(ledger).call() and token.isRegistered(bank).call()
    assert token.hasRole(role_id("SETTLER_ROLE"), bank).call()
    deployer = dev_accounts(w3.eth.chain_id)[0].address
    assert not token.hasRole(role_id("ACCOUNT_REGISTRAR_ROLE"), deployer).call()  # bootstrap role given up
    budgets = suite.contract("BudgetRegistry").functions
    assert (budgets.requiredFinanceApprovals().call(), budgets.requiredOtherApprovals().call()) == (2, 1)
    hrss = dev_accounts(w3.eth.chain_id)[10].address
    ledger_fn = suite.contract("Disbursements").functions
    assert ledger_fn.hasRole(role_id("OPERATOR_ROLE"), hrss).call() and ledger_fn.hasRole(role_id("EXECUTOR_ROLE"), hrss).call()
    assert ledger_fn.hasRole(role_id("BANK_ROLE"), bank).call()  # the partner bank confirms bank-settled refunds
    assert not ledger_fn.hasRole(role_id("BANK_ROLE"), hrss).call()
    assert ledger_fn.executorSeparation().call() is False  # payouts.separate_executor: false
    for name in ("FiscalToken", "BudgetRegistry", "EligibilityRegistry", "ProgramRegistry", "Disbursements"):
        fn = suite.contract(name).functions
        assert fn.hasRole(ADMIN_ROLE, suite.deployment.address("GovTimelock")).call()
        assert not fn.hasRole(ADMIN_ROLE, deployer).call()


def test_the_consortium_can_require_a_separate_executor(w3, artifacts, tmp_path):
    consortium = copy.deepcopy(load_consortium())
    consortium["payouts"] = {"separate_executor": True}
    path = tmp_path / "deployment.json"
    deploy_suite(w3, make_sender(w3, artifacts), artifacts, path, consortium)
    ledger = Suite(w3, Deployment.load(path), artifacts).contract("Disbursements").functions
    assert ledger.executorSeparation().call() is True  # set during bootstrap, before governance went to the timelock
    assert deploy_suite(w3, make_sender(w3, artifacts), artifacts, path, consortium).transactions == 0
    consortium["payouts"]["separate_executor"] = False
    later = deploy_suite(w3, make_sender(w3, artifacts), artifacts, path, consortium)
    assert later.transactions == 0 and "Disbursements.setExecutorSeparation(False)" in later.governance_actions


def test_officers_leaving_a_department_lose_their_roles_everywhere(suite_deployment, w3, artifacts):
    """Every contract with department roles lets the DepartmentRegistry (alone) revoke them and is registered with it."""
    suite = Suite(w3, Deployment.load(suite_deployment.path), artifacts)
    departments = suite.deployment.address("DepartmentRegistry")
    with_roles = [c.name for c in SUITE if any(i.get("name") == "revokeOfficer" for i in artifacts.abi(c.name))]
    assert set(with_roles) == {
        "IdentityRegistry", "CreditRegistry", "WorkflowEngine", "EnterpriseRegistry", "FiscalToken",
        "BudgetRegistry", "EligibilityRegistry", "ProgramRegistry", "Disbursements",
    }  # fmt: skip
    registered = suite.contract("DepartmentRegistry").functions.roleContracts().call()
    assert registered == [suite.deployment.address(name) for name in with_roles]
    for name in with_roles:
        fn = suite.contract(name).functions
        assert fn.getRoleMembers(role_id("DEPARTMENT_REGISTRY_ROLE")).call() == [departments]
    # the engine lists the step roles it would revoke, e.g. every reviewer role of the consortium's templates
    engine_roles = {bytes(r) for r in suite.contract("WorkflowEngine").functions.officerRoles().call()}
    assert {role_id(f"{d}_REVIEWER_ROLE") for d in ("SAMR", "TAX", "FIN", "DRC", "CIVIL")} <= engine_roles
