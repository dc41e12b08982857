"""BudgetRegistry: fiscal-year budgets, their lines, and the multi-party approval on record."""

from __future__ import annotations

import brownie
import pytest

from conftest import reverts_with, unauthorized
from fundskit import ZERO32, b32, code, deploy_funds

PROPOSED, APPROVED, WITHDRAWN = 1, 2, 3
U64_MAX = 2**64 - 1
LINES = [
    (code("PENSION"), "城乡居民基本养老保险", 900_000_000),
    (code("MEDICAL"), "城乡居民医疗保险", 500_000_000),
    (code("SUBSIDY"), "企业稳岗补贴", 100_000_000),
]



@pytest.fixture(scope="module")
def funds(accounts):
    return deploy_funds(accounts)


@pytest.fixture(scope="module")
def budgets(funds):
    return funds.budgets


def _propose(funds, lines=LINES, year=2026):
    return funds.budgets.proposeBudget(year, b"\xdd" * 32, lines, {"from": funds.fin[0]})


def test_propose_records_budget_and_lines(funds, budgets):
    tx = _propose(funds)
    proposed = tx.events["BudgetProposed"]
    assert proposed["budgetId"] == 1 and proposed["fiscalYear"] == 2026 and proposed["proposer"] == funds.fin[0]
    assert proposed["total"] == 1_500_000_000 and b32(proposed["documentHash"]) == b"\xdd" * 32
    added = tx.events["BudgetLineAdded"]
    assert [(e["lineId"], e["budgetId"], b32(e["code"]), e["name"], e["amount"]) for e in added] == [
        (i + 1, 1, c, name, amount) for i, (c, name, amount) in enumerate(LINES)
    ]
    budget = budgets.budget(1)
    assert tuple(budget)[:7] == (2026, PROPOSED, 0, 0, 3, 1, 1_500_000_000)
    assert budget[7] == 0 and budget[8] == funds.fin[0] and budget[9] > 0
    line = budgets.line(2)
    assert (line[0], line[1], b32(line[2])) == (1, 500_000_000, code("MEDICAL"))
    assert budgets.budgetCount() == 1 and budgets.lineCount() == 3


def test_propose_rejects_bad_budgets_and_changes_nothing(funds, budgets):
    cases = [
        (("BudgetRegistryInvalidFiscalYear", 0), dict(year=0)),
        (("BudgetRegistryNoLines",), dict(lines=[])),
        (("BudgetRegistryTooManyLines", 65, 64), dict(lines=[(code("L"), "x", 1)] * 65)),
        (("BudgetRegistryInvalidLineCode", 1), dict(lines=[LINES[0], (ZERO32, "x", 1)])),
        (("BudgetRegistryZeroAmount", 2), dict(lines=[LINES[0], LINES[1], (code("X"), "x", 0)])),
        (("BudgetRegistryAmountOverflow", 0, 2**64), dict(lines=[(code("X"), "x", 2**64)])),
        (("BudgetRegistryAmountOverflow", 1, U64_MAX), dict(lines=[(code("X"), "x", 1), (code("Y"), "y", U64_MAX)])),
    ]
    for error, kwargs in cases:
        with reverts_with(*error):
            _propose(funds, **kwargs)
    assert budgets.budgetCount() == 0 and budgets.lineCount() == 0


def test_two_finance_officers_and_another_department_approve(funds, budgets):
    _propose(funds)
    with reverts_with("BudgetRegistryNotApproved", 1, PROPOSED):
        budgets.approvedLine(1)
    tx = budgets.approveBudget(1, {"from": funds.fin[1]})
    recorded = tx.events["BudgetApprovalRecorded"]
    assert recorded["approver"] == funds.fin[1] and b32(recorded["department"]) == code("FIN")
    assert (recorded["financeApprovals"], recorded["otherApprovals"]) == (1, 0)
    assert "BudgetApproved" not in tx.events
    # two finance officers are not enough without a second department
    tx = budgets.approveBudget(1, {"from": funds.fin[2]})
    assert "BudgetApproved" not in tx.events and budgets.budget(1)[1] == PROPOSED
    tx = budgets.approveBudget(1, {"from": funds.drc})
    assert b32(tx.events["BudgetApprovalRecorded"]["department"]) == code("DRC")
    assert tx.events["BudgetApproved"]["budgetId"] == 1 and tx.events["BudgetApproved"]["total"] == 1_500_000_000
    budget = budgets.budget(1)
    assert tuple(budget)[1:4] == (APPROVED, 2, 1) and budget[7] == tx.timestamp
    approvals = budgets.approvals(1)
    assert [(a[0], b32(a[1])) for a in approvals] == [
        (funds.fin[1], code("FIN")),
        (funds.fin[2], code("FIN")),
        (funds.drc, code("DRC")),
    ]
    assert approvals[2][2] == tx.timestamp
    line = budgets.approvedLine(3)
    assert (line[0], line[1], b32(line[2])) == (1, 100_000_000, code("SUBSIDY"))
    with reverts_with("BudgetRegistryNotProposed", 1, APPROVED):
        budgets.approveBudget(1, {"from": funds.fin[0]})


def test_approval_rejections_change_nothing(funds, budgets, accounts):
    _propose(funds)
    budgets.approveBudget(1, {"from": funds.fin[1]})
    with reverts_with("BudgetRegistryProposerCannotApprove", 1, funds.fin[0]):
        budgets.approveBudget(1, {"from": funds.fin[0]})
    with reverts_with("BudgetRegistryAlreadyApproved", 1, funds.fin[1]):
        budgets.approveBudget(1, {"from": funds.fin[1]})
    with reverts_with("BudgetRegistryUnknownBudget", 9):
        budgets.approveBudget(9, {"from": funds.fin[1]})
    # an approver who belongs to no department is refused by the department registry
    budgets.grantRole(budgets.BUDGET_APPROVER_ROLE(), accounts[5], {"from": funds.admin})
    with reverts_with("DepartmentRegistryNotAnOfficer", accounts[5]):
        budgets.approveBudget(1, {"from": accounts[5]})
    funds.departments.setDepartmentActive(code("DRC"), False, {"from": funds.admin})
    with reverts_with("DepartmentRegistryInactiveOfficer", funds.drc):
        budgets.approveBudget(1, {"from": funds.drc})
    assert tuple(budgets.budget(1))[1:4] == (PROPOSED, 1, 0) and len(budgets.approvals(1)) == 1


def test_withdraw_before_approval(funds, budgets):
    _propose(funds)
    tx = budgets.withdrawBudget(1, b"\x01" * 32, {"from": funds.fin[0]})
    event = tx.events["BudgetWithdrawn"]
    assert event["budgetId"] == 1 and event["officer"] == funds.fin[0] and b32(event["reasonHash"]) == b"\x01" * 32
    assert budgets.budget(1)[1] == WITHDRAWN
    with reverts_with("BudgetRegistryNotProposed", 1, WITHDRAWN):
        budgets.approveBudget(1, {"from": funds.fin[1]})
    with reverts_with("BudgetRegistryNotApproved", 1, WITHDRAWN):
        budgets.approvedLine(1)
    with reverts_with("BudgetRegistryNotProposed", 1, WITHDRAWN):
        budgets.withdrawBudget(1, ZERO32, {"from": funds.fin[0]})
    with reverts_with("BudgetRegistryUnknownBudget", 2):
        budgets.withdrawBudget(2, ZERO32, {"from": funds.fin[0]})


def test_views_reject_unknown_ids(budgets):
    with reverts_with("BudgetRegistryUnknownBudget", 1):
        budgets.budget(1)
    with reverts_with("BudgetRegistryUnknownBudget", 1):
        budgets.approvals(1)
    with reverts_with("BudgetRegistryUnknownLine", 1):
        budgets.line(1)
    with reverts_with("BudgetRegistryUnknownLine", 1):
        budgets.approvedLine(1)


def test_policy_is_fixed_at_deployment(funds, budgets, BudgetRegistry):
    assert b32(budgets.financeDepartment()) == code("FIN")
    assert (budgets.requiredFinanceApprovals(), budgets.requiredOtherApprovals()) == (2, 1)
    admin, departments = funds.admin, funds.departments
    with reverts_with("BudgetRegistryZeroAddress"):
        BudgetRegistry.deploy(brownie.ZERO_ADDRESS, departments, code("FIN"), 2, 1, {"from": admin})
    with reverts_with("BudgetRegistryZeroAddress"):
        BudgetRegistry.deploy(admin, brownie.ZERO_ADDRESS, code("FIN"), 2, 1, {"from": admin})
    for finance, other, dept_code in ((0, 1, code("FIN")), (2, 0, code("FIN")), (2, 1, ZERO32)):
        with reverts_with("BudgetRegistryInvalidPolicy", finance, other):
            BudgetRegistry.deploy(admin, departments, dept_code, finance, other, {"from": admin})


def test_unauthorized_callers_are_rejected(funds, budgets):
    outsider = funds.outsider
    _propose(funds)
    calls = [
        (budgets.BUDGET_PROPOSER_ROLE(), lambda: budgets.proposeBudget(2026, ZERO32, LINES, {"from": outsider})),
        (budgets.BUDGET_APPROVER_ROLE(), lambda: budgets.approveBudget(1, {"from": outsider})),
        (budgets.BUDGET_PROPOSER_ROLE(), lambda: budgets.withdrawBudget(1, ZERO32, {"from": outsider})),
    ]
    for role, call in calls:
        with reverts_with(*unauthorized(outsider, role)):
            call()
    # a finance approver cannot draft budgets
    with reverts_with(*unauthorized(funds.fin[1], budgets.BUDGET_PROPOSER_ROLE())):
        budgets.proposeBudget(2026, ZERO32, LINES, {"from": funds.fin[1]})
    assert budgets.budgetCount() == 1 and budgets.budget(1)[1] == PROPOSED
