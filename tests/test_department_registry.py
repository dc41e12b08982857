"""DepartmentRegistry: departments, officers, regulator flags, governance through the timelock."""

from __future__ import annotations

import brownie
import pytest
from brownie import chain

from conftest import dept, reverts_with, unauthorized

ADMIN = b"\0" * 32


@pytest.fixture(scope="module")
def token(FiscalToken, departments, admin, accounts):
    """A suite contract with a department role (ACCOUNT_REGISTRAR_ROLE, held by SAMR officer 4 and
    outsider 9), letting the DepartmentRegistry revoke officers; not registered yet."""
    token = FiscalToken.deploy(admin, {"from": admin})
    token.grantRole(token.DEPARTMENT_REGISTRY_ROLE(), departments, {"from": admin})
    for holder in (accounts[4], accounts[9]):
        token.grantRole(token.ACCOUNT_REGISTRAR_ROLE(), holder, {"from": admin})
    return token


def test_bootstrap_handed_to_timelock(departments, timelock, admin):
    assert departments.hasRole(ADMIN, timelock)
    assert not departments.hasRole(ADMIN, admin)
    # every holder of every role can be listed for an audit
    assert [departments.getRoleMember(ADMIN, i) for i in range(departments.getRoleMemberCount(ADMIN))] == [timelock]
    regulators = departments.getRoleMembers(departments.REGULATOR_ROLE())
    assert len(regulators) == 1


def test_register_department_through_governance(departments, gov):
    tx = gov.call(departments, "registerDepartment", dept("FIN"), "青岛市财政局")
    assert tx.events["DepartmentRegistered"]["code"] == "0x" + dept("FIN").hex()
    assert tx.events["DepartmentRegistered"]["name"] == "青岛市财政局"
    info = departments.department(dept("FIN"))
    assert info[0] == "青岛市财政局" and info[1] is True and info[2] > 0
    assert len(departments.departmentCodes()) == 3


def test_governance_waits_for_the_delay(departments, timelock, governors):
    calldata = departments.registerDepartment.encode_input(dept("FIN"), "青岛市财政局")
    zero = b"\0" * 32
    timelock.schedule(departments, 0, calldata, zero, zero, timelock.getMinDelay(), {"from": governors[0]})
    op = timelock.hashOperation(departments, 0, calldata, zero, zero)
    with reverts_with("TimelockUnexpectedOperationState", op, b"\0" * 31 + b"\x04"):
        timelock.execute(departments, 0, calldata, zero, zero, {"from": governors[1]})
    chain.sleep(timelock.getMinDelay() + 1)
    timelock.execute(departments, 0, calldata, zero, zero, {"from": governors[1]})
    assert departments.department(dept("FIN"))[0] == "青岛市财政局"


def test_register_department_rejects_bad_input(departments, gov):
    calls = [
        ("DepartmentRegistryInvalidDepartment", (ADMIN,), ("registerDepartment", ADMIN, "x")),
        ("DepartmentRegistryInvalidDepartment", (dept("SAMR"),), ("registerDepartment", dept("SAMR"), "x")),
        ("DepartmentRegistryInvalidName", (dept("FIN"),), ("registerDepartment", dept("FIN"), "")),
        ("DepartmentRegistryInvalidName", (dept("FIN"),), ("registerDepartment", dept("FIN"), "部" * 43)),
    ]
    for error, args, (fn, *fn_args) in calls:
        calldata = getattr(departments, fn).encode_input(*fn_args)
        # the timelock bubbles the target's custom error up unchanged
        with reverts_with(error, *args):
            gov.execute(departments, calldata)
    assert len(departments.departmentCodes()) == 2


def test_assign_move_and_remove_officer(departments, gov, accounts):
    officer = accounts[5]
    tx = gov.call(departments, "assignOfficer", officer, dept("SAMR"))
    assert tx.events["OfficerAssigned"]["officer"] == officer
    assert departments.activeDepartmentOf(officer) == "0x" + dept("SAMR").hex()
    tx = gov.call(departments, "assignOfficer", officer, dept("TAX"))
    assert tx.events["OfficerRemoved"]["code"] == "0x" + dept("SAMR").hex()
    assert tx.events["OfficerAssigned"]["code"] == "0x" + dept("TAX").hex()
    assert officer not in departments.officersOf(dept("SAMR"))
    assert departments.officersOf(dept("TAX")) == [officer]
    tx = gov.call(departments, "removeOfficer", officer)
    assert tx.events["OfficerRemoved"]["officer"] == officer
    assert departments.departmentOf(officer) == "0x" + "00" * 32
    with reverts_with("DepartmentRegistryNotAnOfficer", str(officer)):
        departments.activeDepartmentOf(officer)


def test_assign_officer_rejects_bad_input(departments, gov, accounts):
    samr_officer = accounts[4]
    cases = [
        ("DepartmentRegistryZeroAddress", (), (brownie.ZERO_ADDRESS, dept("SAMR"))),
        ("DepartmentRegistryUnknownDepartment", (dept("NOPE"),), (accounts[5], dept("NOPE"))),
        ("DepartmentRegistryAlreadyAssigned", (str(samr_officer), dept("SAMR")), (samr_officer, dept("SAMR"))),
    ]
    for error, args, fn_args in cases:
        with reverts_with(error, *args):
            gov.call(departments, "assignOfficer", *fn_args)
    with reverts_with("DepartmentRegistryNotAnOfficer", str(accounts[5])):
        gov.call(departments, "removeOfficer", accounts[5])
    assert departments.officersOf(dept("SAMR")) == [samr_officer]


def test_deactivated_department_officers_cannot_act(departments, gov, accounts):
    tx = gov.call(departments, "setDepartmentActive", dept("SAMR"), False)
    assert tx.events["DepartmentStatusChanged"]["active"] is False
    with reverts_with("DepartmentRegistryInactiveOfficer", str(accounts[4])):
        departments.activeDepartmentOf(accounts[4])
    with reverts_with("DepartmentRegistryUnknownDepartment", dept("NOPE")):
        gov.call(departments, "setDepartmentActive", dept("NOPE"), True)


def test_regulator_flags_but_changes_nothing(departments, accounts):
    regulator = accounts[9]
    record = b"\x11" * 32
    tx = departments.flagRecord(departments, record, b"\x22" * 32, {"from": regulator})
    event = tx.events["RecordFlagged"]
    assert event["registry"] == departments and event["regulator"] == regulator
    assert event["recordId"] == "0x" + record.hex()
    # the regulator holds no governance power
    with reverts_with(*unauthorized(regulator, ADMIN)):
        departments.registerDepartment(dept("FIN"), "x", {"from": regulator})


def test_unauthorized_callers_are_rejected(departments, accounts, admin):
    outsider = accounts[8]
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.registerDepartment(dept("FIN"), "x", {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.setDepartmentActive(dept("SAMR"), False, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.assignOfficer(outsider, dept("SAMR"), {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.removeOfficer(accounts[4], {"from": outsider})
    with reverts_with(*unauthorized(outsider, departments.REGULATOR_ROLE())):
        departments.flagRecord(departments, b"\x11" * 32, b"\x22" * 32, {"from": outsider})
    # the former bootstrap admin lost its power at hand-over
    with reverts_with(*unauthorized(admin, ADMIN)):
        departments.grantRole(ADMIN, outsider, {"from": admin})


def test_register_and_deregister_role_contracts(departments, gov, token, timelock, FiscalToken, admin, accounts):
    tx = gov.call(departments, "registerRoleContract", token)
    assert tx.events["RoleContractRegistered"]["target"] == token
    assert departments.roleContracts() == [token]
    with reverts_with("DepartmentRegistryRoleContractRegistered", str(token)):
        gov.call(departments, "registerRoleContract", token)
    # only an IDepartmentRoles contract that granted this registry its role can be registered
    ungranted = FiscalToken.deploy(admin, {"from": admin})  # never granted the registry its role
    for target in (accounts[9], timelock, departments, ungranted):
        with reverts_with("DepartmentRegistryNotRoleContract", str(target)):
            gov.call(departments, "registerRoleContract", target)
    assert departments.roleContracts() == [token]
    tx = gov.call(departments, "deregisterRoleContract", token)
    assert tx.events["RoleContractDeregistered"]["target"] == token
    assert departments.roleContracts() == []
    with reverts_with("DepartmentRegistryRoleContractUnknown", str(token)):
        gov.call(departments, "deregisterRoleContract", token)


def test_removing_an_officer_revokes_their_roles(departments, gov, token, accounts):
    officer, other = accounts[4], accounts[9]
    registrar = token.ACCOUNT_REGISTRAR_ROLE()
    assert token.officerRoles() == [registrar]  # governance's and the registry's own roles are not listed
    gov.call(departments, "registerRoleContract", token)
    tx = gov.call(departments, "removeOfficer", officer)
    assert tx.events["OfficerRemoved"]["officer"] == officer
    assert [dict(e) for e in tx.events["RoleRevoked"]] == [{"role": "0x" + bytes(registrar).hex(), "account": officer, "sender": departments}]
    assert not token.hasRole(registrar, officer) and token.hasRole(registrar, other)
    with reverts_with(*unauthorized(officer, registrar)):
        token.registerAccount(accounts[10], dept("X"), {"from": officer})
    assert not token.isRegistered(accounts[10])


def test_moving_or_deactivating_revokes_too(departments, gov, token, accounts):
    officer = accounts[4]
    registrar = token.ACCOUNT_REGISTRAR_ROLE()
    gov.call(departments, "registerRoleContract", token)
    tx = gov.call(departments, "assignOfficer", officer, dept("TAX"))
    assert tx.events["RoleRevoked"]["account"] == officer and not token.hasRole(registrar, officer)
    # the token's governance grants the new department's powers afresh; deactivating the department ends them
    token.grantRole(registrar, officer, {"from": accounts[0]})
    tx = gov.call(departments, "setDepartmentActive", dept("TAX"), False)
    assert tx.events["RoleRevoked"]["account"] == officer and not token.hasRole(registrar, officer)
    assert departments.officersOf(dept("TAX")) == [officer]


def test_role_contract_registration_is_governance_only(departments, token, accounts):
    outsider = accounts[8]
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.registerRoleContract(token, {"from": outsider})
    with reverts_with(*unauthorized(outsider, ADMIN)):
        departments.deregisterRoleContract(token, {"from": outsider})
    assert departments.roleContracts() == []


def test_the_role_list_lives_in_its_erc7201_namespace(token):
    """DepartmentRoles keeps its list at the ERC-7201 slot of "govchain.storage.DepartmentRoles", so
    inheriting it moves none of a contract's own slots; the set's first word is its length."""
    from eth_utils import keccak

    base = int.from_bytes(keccak(text="govchain.storage.DepartmentRoles"), "big") - 1
    slot = int.from_bytes(keccak(base.to_bytes(32, "big")), "big") & ~0xFF
    assert int.from_bytes(brownie.web3.eth.get_storage_at(token.address, slot), "big") == len(token.officerRoles()) == 1
