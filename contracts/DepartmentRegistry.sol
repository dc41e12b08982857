// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";

/// @title DepartmentRegistry
/// @notice The consortium's member list: departments, their officers and the regulator's flags.
/// @dev DEFAULT_ADMIN_ROLE is governance. The deployer holds it only to bootstrap, hands it to
/// the TimelockController and renounces it (scripts/deploy.py), so later changes are delayed.
/// Role holders are enumerable (AccessControlEnumerable) for audits.
contract DepartmentRegistry is AccessControlEnumerable, IDepartmentRegistry {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Regulators / auditors: may flag records of any registry, may change nothing.
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");

    /// @notice Longest department name accepted, in UTF-8 bytes.
    uint256 public constant MAX_NAME_BYTES = 128;

    mapping(bytes32 code => Department) private _departments;
    mapping(bytes32 code => EnumerableSet.AddressSet) private _officers;
    mapping(address officer => bytes32 code) private _departmentOf;
    bytes32[] private _codes;

    /// @param admin the bootstrap governance account (the deployer, who later hands over to the timelock)
    constructor(address admin) {
        if (admin == address(0)) revert DepartmentRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IDepartmentRegistry
    function registerDepartment(bytes32 code, string calldata name) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (code == bytes32(0) || _departments[code].registeredAt != 0) {
            revert DepartmentRegistryInvalidDepartment(code);
        }
        if (bytes(name).length == 0 || bytes(name).length > MAX_NAME_BYTES) revert DepartmentRegistryInvalidName(code);
        _departments[code] = Department({name: name, active: true, registeredAt: uint64(block.timestamp)});
        _codes.push(code);
        emit DepartmentRegistered(code, name);
    }

    /// @inheritdoc IDepartmentRegistry
    function setDepartmentActive(bytes32 code, bool active) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireDepartment(code).active = active;
        emit DepartmentStatusChanged(code, active);
    }

    /// @inheritdoc IDepartmentRegistry
    function assignOfficer(address officer, bytes32 code) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (officer == address(0)) revert DepartmentRegistryZeroAddress();
        _requireDepartment(code);
        bytes32 current = _departmentOf[officer];
        if (current == code) revert DepartmentRegistryAlreadyAssigned(officer, code);
        if (current != bytes32(0)) _removeOfficer(officer, current);
        _departmentOf[officer] = code;
        // always true: `officer` belongs to no department at this point (_departmentOf mirrors the sets)
        // slither-disable-next-line unused-return
        _officers[code].add(officer);
        emit OfficerAssigned(officer, code);
    }

    /// @inheritdoc IDepartmentRegistry
    function removeOfficer(address officer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 current = _departmentOf[officer];
        if (current == bytes32(0)) revert DepartmentRegistryNotAnOfficer(officer);
        _removeOfficer(officer, current);
    }

    /// @inheritdoc IDepartmentRegistry
    function flagRecord(address registry, bytes32 recordId, bytes32 reasonHash) external onlyRole(REGULATOR_ROLE) {
        emit RecordFlagged(registry, recordId, msg.sender, reasonHash);
    }

    /// @inheritdoc IDepartmentRegistry
    function department(bytes32 code) external view returns (Department memory) {
        Department storage dept = _departments[code];
        if (dept.registeredAt == 0) revert DepartmentRegistryUnknownDepartment(code);
        return dept;
    }

    /// @inheritdoc IDepartmentRegistry
    function departmentCodes() external view returns (bytes32[] memory) {
        return _codes;
    }

    /// @inheritdoc IDepartmentRegistry
    function departmentOf(address officer) external view returns (bytes32) {
        return _departmentOf[officer];
    }

    /// @inheritdoc IDepartmentRegistry
    function activeDepartmentOf(address officer) external view returns (bytes32 code) {
        code = _departmentOf[officer];
        if (code == bytes32(0)) revert DepartmentRegistryNotAnOfficer(officer);
        if (!_departments[code].active) revert DepartmentRegistryInactiveOfficer(officer);
    }

    /// @inheritdoc IDepartmentRegistry
    function officersOf(bytes32 code) external view returns (address[] memory) {
        return _officers[code].values();
    }

    function _requireDepartment(bytes32 code) private view returns (Department storage dept) {
        dept = _departments[code];
        if (dept.registeredAt == 0) revert DepartmentRegistryUnknownDepartment(code);
    }

    function _removeOfficer(address officer, bytes32 code) private {
        delete _departmentOf[officer];
        // always true: `officer` is in the set of `code` (_departmentOf mirrors the sets)
        // slither-disable-next-line unused-return
        _officers[code].remove(officer);
        emit OfficerRemoved(officer, code);
    }
}
