// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Consortium of government departments and their officers
/// @notice Government departments (市场监督管理局, 税务局, 财政局, ...) are the members of the
/// permissioned chain. Each officer account belongs to exactly one department. Departments and
/// officer assignments change only through governance (the DEFAULT_ADMIN_ROLE, held by a
/// TimelockController after bootstrap), so every change is delayed and on record.
/// A regulator (REGULATOR_ROLE) can flag any record of any registry for review but changes nothing.
///
/// Leaving a department ends every power that came with it, in the same governance action: the
/// suite contracts with department roles (IDepartmentRoles) are registered here, and removing an
/// officer, moving them to another department or deactivating their department calls
/// `revokeOfficer` on each of them for every officer concerned. Powers in the new department, or
/// again after reactivation, are granted afresh by governance.
interface IDepartmentRegistry {
    /// @notice A department of the consortium.
    struct Department {
        string name; // display name, e.g. "青岛市市场监督管理局"
        bool active; // false once governance deactivates it; its officers can no longer act
        uint64 registeredAt; // block timestamp of registration
    }

    /// @notice The department code is zero or already registered.
    error DepartmentRegistryInvalidDepartment(bytes32 code);
    /// @notice No department is registered under `code`.
    error DepartmentRegistryUnknownDepartment(bytes32 code);
    /// @notice The department name is empty or longer than MAX_NAME_BYTES.
    error DepartmentRegistryInvalidName(bytes32 code);
    /// @notice The account is the zero address.
    error DepartmentRegistryZeroAddress();
    /// @notice `officer` already belongs to department `code`.
    error DepartmentRegistryAlreadyAssigned(address officer, bytes32 code);
    /// @notice `officer` belongs to no department.
    error DepartmentRegistryNotAnOfficer(address officer);
    /// @notice `officer` does not belong to an active department.
    error DepartmentRegistryInactiveOfficer(address officer);
    /// @notice `target` is not an IDepartmentRoles contract that lets this registry revoke officers
    /// (it must grant this registry its DEPARTMENT_REGISTRY_ROLE first).
    error DepartmentRegistryNotRoleContract(address target);
    /// @notice `target` is already registered.
    error DepartmentRegistryRoleContractRegistered(address target);
    /// @notice `target` is not registered.
    error DepartmentRegistryRoleContractUnknown(address target);

    /// @notice Emitted when governance registers a department.
    event DepartmentRegistered(bytes32 indexed code, string name);
    /// @notice Emitted when governance activates or deactivates a department.
    event DepartmentStatusChanged(bytes32 indexed code, bool active);
    /// @notice Emitted when an officer is assigned to a department (moving an officer emits
    /// OfficerRemoved from the old department first).
    event OfficerAssigned(address indexed officer, bytes32 indexed code);
    /// @notice Emitted when an officer leaves their department.
    event OfficerRemoved(address indexed officer, bytes32 indexed code);
    /// @notice Emitted when governance registers `target`, whose roles officers lose when they leave.
    event RoleContractRegistered(address indexed target);
    /// @notice Emitted when governance deregisters `target`.
    event RoleContractDeregistered(address indexed target);
    /// @notice Emitted when a regulator flags a record of `registry` for review.
    /// @param registry the contract holding the record
    /// @param recordId the record's id in that registry (e.g. a USCC, a case id, a credit record key)
    /// @param reasonHash hash of the reason document kept off chain
    event RecordFlagged(address indexed registry, bytes32 indexed recordId, address indexed regulator, bytes32 reasonHash);

    /// @notice Registers department `code` with display `name`. Governance only.
    /// @dev Reverts with DepartmentRegistryInvalidDepartment when `code` is zero or taken,
    /// DepartmentRegistryInvalidName when `name` is empty or too long. Emits DepartmentRegistered.
    function registerDepartment(bytes32 code, string calldata name) external;

    /// @notice Activates or deactivates department `code`. Governance only. Deactivating it revokes
    /// every role of every registered contract from each of its officers (who stay assigned);
    /// reactivating it grants nothing back.
    /// @dev Reverts with DepartmentRegistryUnknownDepartment. Emits DepartmentStatusChanged (and each
    /// contract's RoleRevoked).
    function setDepartmentActive(bytes32 code, bool active) external;

    /// @notice Assigns `officer` to department `code`, moving them if they belong to another. Governance only.
    /// Moving them revokes every role of every registered contract from them first.
    /// @dev Reverts with DepartmentRegistryZeroAddress, DepartmentRegistryUnknownDepartment,
    /// DepartmentRegistryAlreadyAssigned. Emits OfficerAssigned (and OfficerRemoved and each
    /// contract's RoleRevoked when moving).
    function assignOfficer(address officer, bytes32 code) external;

    /// @notice Removes `officer` from their department and revokes every role of every registered
    /// contract from them. Governance only.
    /// @dev Reverts with DepartmentRegistryNotAnOfficer. Emits OfficerRemoved (and each contract's RoleRevoked).
    function removeOfficer(address officer) external;

    /// @notice Registers suite contract `target`: officers leaving a department lose its roles.
    /// Governance only.
    /// @dev `target` must implement IDepartmentRoles (ERC-165) and have granted this registry its
    /// DEPARTMENT_REGISTRY_ROLE. Reverts with DepartmentRegistryNotRoleContract,
    /// DepartmentRegistryRoleContractRegistered. Emits RoleContractRegistered.
    function registerRoleContract(address target) external;

    /// @notice Deregisters `target`: officers leaving later keep its roles. Governance only.
    /// @dev Reverts with DepartmentRegistryRoleContractUnknown. Emits RoleContractDeregistered.
    function deregisterRoleContract(address target) external;

    /// @notice Flags record `recordId` of contract `registry` for review. Regulator only; changes nothing else.
    /// @dev Emits RecordFlagged.
    function flagRecord(address registry, bytes32 recordId, bytes32 reasonHash) external;

    /// @notice The department registered under `code`.
    /// @dev Reverts with DepartmentRegistryUnknownDepartment.
    function department(bytes32 code) external view returns (Department memory);

    /// @notice Codes of every registered department, in registration order.
    function departmentCodes() external view returns (bytes32[] memory);

    /// @notice The department of `officer`, or zero when they belong to none.
    function departmentOf(address officer) external view returns (bytes32);

    /// @notice The department of `officer`; reverts unless it is registered and active.
    /// @dev Reverts with DepartmentRegistryNotAnOfficer or DepartmentRegistryInactiveOfficer.
    function activeDepartmentOf(address officer) external view returns (bytes32);

    /// @notice Every officer currently assigned to department `code`.
    function officersOf(bytes32 code) external view returns (address[] memory);

    /// @notice The contracts whose roles officers lose when they leave a department, in registration order
    /// (until one is deregistered).
    function roleContracts() external view returns (address[] memory);
}
