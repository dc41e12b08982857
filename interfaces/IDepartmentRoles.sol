// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Department powers that end when an officer leaves their department
/// @notice Every suite contract whose roles are given to department officers implements this. The
/// DepartmentRegistry holds its DEPARTMENT_REGISTRY_ROLE (granted at deployment) and, in the same
/// governance action that removes an officer, moves them to another department or deactivates
/// their department, calls `revokeOfficer` on every contract registered with it: the officer loses
/// every role of that contract at once. No per-call membership check is needed on the officers'
/// paths, so their gas does not change.
///
/// The roles revoked are every role the contract has ever granted, except DEFAULT_ADMIN_ROLE
/// (governance) and DEPARTMENT_REGISTRY_ROLE: a contract role such as a token's MINTER_ROLE held by
/// the ledger is in the list too, and revoking it from an officer who never held it changes nothing.
interface IDepartmentRoles {
    /// @notice Takes every role listed by `officerRoles` away from `officer` (the roles they do not
    /// hold are skipped). DEPARTMENT_REGISTRY_ROLE only.
    /// @dev Reverts with AccessControlUnauthorizedAccount. Emits AccessControl's RoleRevoked for
    /// each role the officer held.
    function revokeOfficer(address officer) external;

    /// @notice The roles `revokeOfficer` takes away: every role granted so far except
    /// DEFAULT_ADMIN_ROLE and DEPARTMENT_REGISTRY_ROLE, in the order they were first granted.
    function officerRoles() external view returns (bytes32[] memory);

    /// @notice The role the DepartmentRegistry holds to call `revokeOfficer`
    /// (keccak256("DEPARTMENT_REGISTRY_ROLE")).
    function DEPARTMENT_REGISTRY_ROLE() external view returns (bytes32);
}
