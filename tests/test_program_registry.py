"""ProgramRegistry: programs on approved budget lines, beneficiary lists, eligibility resolution."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain, web3

from conftest import reverts_with, unauthorized
from fundskit import (
    ATTESTATION_EXPIRED,
    ELIGIBLE,
    INTERVAL,
    NO_ATTESTATION,
    REVOKED,
    YEAR,
    ZERO32,
    approved_budget,
    attest,
    b32,
    bind,
    code,
    create_program,
    deploy_funds,
    person,
)

PEOPLE = [person(i) for i in range(6)]



@pytest.fixture(scope="module")
def funds(accounts):
    funds = deploy_funds(accounts)
    approved_budget(funds, [("PENSION", 10**9), ("MEDICAL", 10**9)])
    bind(funds, PEOPLE)
    return funds


@pytest.fixture(scope="module")
def programs(funds):
    return funds.programs


def test_create_program_on_an_approved_line(funds, programs):
    start = web3.eth.get_block("latest")["timestamp"]
    terms = (1, code("HRSS"), start, INTERVAL, 12, 5_000_000, YEAR, False)
    tx = programs.createProgram("城乡居民基本养老保险", terms, {"from": funds.fin[0]})
    event = tx.events["ProgramCreated"]
    assert (event["programId"], event["lineId"], b32(event["department"]), event["budgetId"]) == (1, 1, code("HRSS"), 1)
    assert event["name"] == "城乡居民基本养老保险" and event["terms"][5] == 5_000_000
    found = programs.program(1)
    assert tuple(found)[:6] == (1, start, INTERVAL, 12, YEAR, 0)
    assert b32(found[6]) == code("HRSS") and found[7] == 5_000_000
    assert programs.programCount() == 1
    assert programs.dueAt(1, 0) == start and programs.dueAt(1, 3) == start + 3 * INTERVAL


def test_create_program_rejects_bad_terms(funds, programs):
    now = web3.eth.get_block("latest")["timestamp"]

    def create(line=1, dept="HRSS", interval=INTERVAL, periods=12, limit=1):
        return programs.createProgram("x", (line, code(dept), now, interval, periods, limit, 0, False), {"from": funds.fin[0]})

    with reverts_with("ProgramRegistryInvalidSchedule", 0, 12):
        create(interval=0)
    with reverts_with("ProgramRegistryInvalidSchedule", INTERVAL, 0):
        create(periods=0)
    with reverts_with("ProgramRegistryAmountOverflow", 2**64):
        create(limit=2**64)
    with reverts_with("BudgetRegistryUnknownLine", 9):
        create(line=9)
    with reverts_with("DepartmentRegistryUnknownDepartment", code("NOPE")):
        create(dept="NOPE")
    funds.departments.setDepartmentActive(code("CIVIL"), False, {"from": funds.admin})
    with reverts_with("ProgramRegistryInactiveDepartment", code("CIVIL")):
        create(dept="CIVIL")
    # a line of a budget not (yet) in force
    funds.budgets.proposeBudget(2027, ZERO32, [(code("PENSION"), "x", 1)], {"from": funds.fin[0]})
    with reverts_with("BudgetRegistryNotApproved", 2, 1):
        create(line=3)
    assert programs.programCount() == 0


def test_enroll_assigns_permanent_indices(funds, programs):
    create_program(funds, 1)
    tx = programs.enroll(1, PEOPLE[:3], {"from": funds.hrss[0]})
    enrolled = [(b32(e["beneficiary"]), e["index"]) for e in tx.events["BeneficiaryEnrolled"]]
    assert enrolled == [(p, i) for i, p in enumerate(PEOPLE[:3])]
    assert programs.program(1)[5] == 3
    assert tuple(programs.enrollment(1, PEOPLE[1])) == (True, True, 1)
    assert b32(programs.beneficiaryAt(1, 2)) == PEOPLE[2]
    tx = programs.removeBeneficiary(1, PEOPLE[1], b"\x0b" * 32, {"from": funds.hrss[1]})
    removed = tx.events["BeneficiaryRemoved"]
    assert (b32(removed["beneficiary"]), removed["index"], b32(removed["reasonHash"])) == (PEOPLE[1], 1, b"\x0b" * 32)
    assert tuple(programs.enrollment(1, PEOPLE[1])) == (True, False, 1)
    # reinstated with the same index, so its paid periods stay paid; newcomers continue the sequence
    tx = programs.enroll(1, [PEOPLE[3], PEOPLE[1]], {"from": funds.hrss[0]})
    enrolled = [(b32(e["beneficiary"]), e["index"]) for e in tx.events["BeneficiaryEnrolled"]]
    assert enrolled == [(PEOPLE[3], 3), (PEOPLE[1], 1)]
    assert programs.program(1)[5] == 4
    with reverts_with("ProgramRegistryUnknownIndex", 1, 4):
        programs.beneficiaryAt(1, 4)


def test_enroll_rejects_bad_lists_all_or_nothing(funds, programs):
    create_program(funds, 1)
    officer = funds.hrss[0]
    programs.enroll(1, [PEOPLE[0]], {"from": officer})
    with reverts_with("ProgramRegistryAlreadyEnrolled", 1, PEOPLE[0]):
        programs.enroll(1, [PEOPLE[1], PEOPLE[0]], {"from": officer})
    with reverts_with("ProgramRegistryAlreadyEnrolled", 1, PEOPLE[2]):
        programs.enroll(1, [PEOPLE[2], PEOPLE[2]], {"from": officer})
    with reverts_with("ProgramRegistryUnknownIdentity", person(99)):
        programs.enroll(1, [person(99)], {"from": officer})
    funds.identity.revoke(PEOPLE[3], ZERO32, {"from": funds.police})
    with reverts_with("ProgramRegistryUnknownIdentity", PEOPLE[3]):
        programs.enroll(1, [PEOPLE[3]], {"from": officer})
    with reverts_with("ProgramRegistryEmptyBatch"):
        programs.enroll(1, [], {"from": officer})
    with reverts_with("ProgramRegistryBatchTooLarge", 251, 250):
        programs.enroll(1, [PEOPLE[4]] * 251, {"from": officer})
    with reverts_with("ProgramRegistryUnknownProgram", 7):
        programs.enroll(7, [PEOPLE[4]], {"from": officer})
    # only officers of the running department keep the list
    with reverts_with("ProgramRegistryWrongDepartment", 1, funds.civil):
        programs.enroll(1, [PEOPLE[4]], {"from": funds.civil})
    with reverts_with("ProgramRegistryWrongDepartment", 1, funds.civil):
        programs.removeBeneficiary(1, PEOPLE[0], ZERO32, {"from": funds.civil})
    with reverts_with("ProgramRegistryNotEnrolled", 1, PEOPLE[1]):
        programs.removeBeneficiary(1, PEOPLE[1], ZERO32, {"from": officer})
    assert programs.program(1)[5] == 1 and not programs.enrollment(1, PEOPLE[1])[0]


def test_resolve_reports_eligibility(funds, programs):
    create_program(funds, 1, attestation_max_age=YEAR)
    create_program(funds, 2, department="CIVIL")  # no proof of life required
    programs.enroll(1, PEOPLE[:4], {"from": funds.hrss[0]})
    programs.enroll(2, PEOPLE[:2], {"from": funds.civil})
    attest(funds, [PEOPLE[1]])
    chain.sleep(YEAR + 1)
    attest(funds, [PEOPLE[0], PEOPLE[2]])
    funds.identity.revoke(PEOPLE[2], ZERO32, {"from": funds.police})
    resolved = programs.resolve(1, PEOPLE[:4])
    wallets = [funds.wallets[p] for p in PEOPLE[:4]]
    assert [tuple(r) for r in resolved] == [
        (0, wallets[0], ELIGIBLE),
        (1, wallets[1], ATTESTATION_EXPIRED),
        (2, brownie.ZERO_ADDRESS, REVOKED),
        (3, wallets[3], NO_ATTESTATION),
    ]
    assert [tuple(r) for r in programs.resolve(2, [PEOPLE[1]])] == [(1, wallets[1], ELIGIBLE)]
    with reverts_with("ProgramRegistryNotEnrolled", 1, PEOPLE[5]):
        programs.resolve(1, [PEOPLE[0], PEOPLE[5]])
    with reverts_with("ProgramRegistryUnknownProgram", 3):
        programs.resolve(3, [PEOPLE[0]])


def test_unauthorized_callers_are_rejected(funds, programs, ProgramRegistry):
    outsider = funds.outsider
    create_program(funds, 1)
    now = web3.eth.get_block("latest")["timestamp"]
    terms = (1, code("HRSS"), now, INTERVAL, 12, 1, 0, False)
    calls = [
        (programs.PROGRAM_ADMIN_ROLE(), lambda: programs.createProgram("x", terms, {"from": outsider})),
        (programs.PROGRAM_OPERATOR_ROLE(), lambda: programs.enroll(1, [PEOPLE[0]], {"from": outsider})),
        (
            programs.PROGRAM_OPERATOR_ROLE(),
            lambda: programs.removeBeneficiary(1, PEOPLE[0], ZERO32, {"from": outsider}),
        ),
    ]
    for role, call in calls:
        with reverts_with(*unauthorized(outsider, role)):
            call()
    # the running department's officers cannot create programs; finance cannot keep their lists
    with reverts_with(*unauthorized(funds.hrss[0], programs.PROGRAM_ADMIN_ROLE())):
        programs.createProgram("x", terms, {"from": funds.hrss[0]})
    with reverts_with(*unauthorized(funds.fin[0], programs.PROGRAM_OPERATOR_ROLE())):
        programs.enroll(1, [PEOPLE[0]], {"from": funds.fin[0]})
    assert programs.programCount() == 1 and programs.program(1)[5] == 0
    args = [funds.departments, funds.identity, funds.eligibility, funds.budgets]
    for i in range(len(args)):
        broken = list(args)
        broken[i] = brownie.ZERO_ADDRESS
        with reverts_with("ProgramRegistryZeroAddress"):
            ProgramRegistry.deploy(funds.admin, *broken, {"from": funds.admin})
