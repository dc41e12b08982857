// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";
import {IDepartmentRoles} from "@govchain/interfaces/IDepartmentRoles.sol";

/// @title DepartmentRegistry
/// @notice The consortium's member list: departments, their officers and the regulator's flags.
/// @dev DEFAULT_ADMIN_ROLE is governance. The deployer holds it only to bootstrap, hands it to
/// the TimelockController and renounces it (scripts/deploy.py), so later changes are delayed.
/// Role holders are enumerable (AccessControlEnumerable) for audits.
///
/// Revocation: the registered role contracts are the suite's own (governance registers them at
/// deployment, scripts/deploy.py), so they are trusted; the calls to them come last, after this
/// registry's state and events, and `revokeOfficer` calls nothing back. One contract that refuses
/// (e.g. it took this registry's role back) makes the whole governance action revert: an officer
/// is never half removed.
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
    EnumerableSet.AddressSet private _roleContracts;

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
        if (!active) {
            address[] memory officers = _officers[code].values();
            for (uint256 i; i < officers.length; ++i) {
                _revokeEverywhere(officers[i]);
            }
        }
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
        if (current != bytes32(0)) _revokeEverywhere(officer); // the old department's powers end
    }

    /// @inheritdoc IDepartmentRegistry
    function removeOfficer(address officer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        bytes32 current = _departmentOf[officer];
        if (current == bytes32(0)) revert DepartmentRegistryNotAnOfficer(officer);
        _removeOfficer(officer, current);
        _revokeEverywhere(officer);
    }

    /// @inheritdoc IDepartmentRegistry
    function registerRoleContract(address target) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_acceptsRevocation(target)) revert DepartmentRegistryNotRoleContract(target);
        if (!_roleContracts.add(target)) revert DepartmentRegistryRoleContractRegistered(target);
        emit RoleContractRegistered(target);
    }

    /// @inheritdoc IDepartmentRegistry
    function deregisterRoleContract(address target) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_roleContracts.remove(target)) revert DepartmentRegistryRoleContractUnknown(target);
        emit RoleContractDeregistered(target);
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

    /// @inheritdoc IDepartmentRegistry
    function roleContracts() external view returns (address[] memory) {
        return _roleContracts.values();
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

    /// @dev Every registered contract takes all its roles away from `officer` (interactions last:
    /// callers have written their state and emitted their events; see the contract's note).
    function _revokeEverywhere(address officer) private {
        address[] memory targets = _roleContracts.values();
        for (uint256 i; i < targets.length; ++i) {
            // slither-disable-next-line calls-loop
            IDepartmentRoles(targets[i]).revokeOfficer(officer);
        }
    }

    /// @dev Whether `target` is an IDepartmentRoles contract on which this registry holds DEPARTMENT_REGISTRY_ROLE.
    function _acceptsRevocation(address target) private view returns (bool) {
        if (target.code.length == 0) return false;
        try IERC165(target).supportsInterface(type(IDepartmentRoles).interfaceId) returns (bool supported) {
            if (!supported) return false;
        } catch {
            return false;
        }
        return IAccessControl(target).hasRole(IDepartmentRoles(target).DEPARTMENT_REGISTRY_ROLE(), address(this));
    }
}
