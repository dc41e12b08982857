// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlEnumerable} from "@openzeppelin/contracts/access/extensions/AccessControlEnumerable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IDepartmentRoles} from "@govchain/interfaces/IDepartmentRoles.sol";

/// @title DepartmentRoles
/// @notice Base of every suite contract with department roles: leaving a department ends every
/// power that came with it, in the same governance action (see IDepartmentRoles).
/// @dev Each role is remembered the first time it is granted (one storage write per role, on
/// governance's grants only), so a contract lists no roles of its own and a role added later, or a
/// workflow step role named by a template, is covered too. Officers' own paths read nothing more.
/// The list lives in ERC-7201 namespaced storage, so inheriting this base moves none of a
/// contract's own storage slots (tests and tools that read them by position keep working).
abstract contract DepartmentRoles is AccessControlEnumerable, IDepartmentRoles {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @custom:storage-location erc7201:govchain.storage.DepartmentRoles
    struct DepartmentRolesStorage {
        EnumerableSet.Bytes32Set officerRoles; // every role granted but DEFAULT_ADMIN_ROLE and DEPARTMENT_REGISTRY_ROLE
    }

    /// @inheritdoc IDepartmentRoles
    bytes32 public constant DEPARTMENT_REGISTRY_ROLE = keccak256("DEPARTMENT_REGISTRY_ROLE");

    /// @dev keccak256(abi.encode(uint256(keccak256("govchain.storage.DepartmentRoles")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DEPARTMENT_ROLES_STORAGE = 0xd7dd06e704cfdf01d9cfa70f0d2357d553c924205c65ede6968a71ec95f03c00;

    /// @inheritdoc IDepartmentRoles
    function revokeOfficer(address officer) external onlyRole(DEPARTMENT_REGISTRY_ROLE) {
        EnumerableSet.Bytes32Set storage roles = _storage().officerRoles;
        uint256 count = roles.length();
        for (uint256 i; i < count; ++i) {
            // false when the officer did not hold it: nothing to do
            // slither-disable-next-line unused-return
            _revokeRole(roles.at(i), officer);
        }
    }

    /// @inheritdoc IDepartmentRoles
    function officerRoles() external view returns (bytes32[] memory) {
        return _storage().officerRoles.values();
    }

    /// @inheritdoc AccessControlEnumerable
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(IDepartmentRoles).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Remembers every role granted but governance's and the registry's own.
    function _grantRole(bytes32 role, address account) internal virtual override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role != DEFAULT_ADMIN_ROLE && role != DEPARTMENT_REGISTRY_ROLE) {
            // false when the role is already listed
            // slither-disable-next-line unused-return
            _storage().officerRoles.add(role);
        }
    }

    function _storage() private pure returns (DepartmentRolesStorage storage $) {
        assembly ("memory-safe") {
            $.slot := DEPARTMENT_ROLES_STORAGE
        }
    }
}
