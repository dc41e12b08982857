// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IEligibilityRegistry} from "@govchain/interfaces/IEligibilityRegistry.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";

/// @title EligibilityRegistry
/// @notice Proof-of-life attestations by the social-security bureau (see IEligibilityRegistry).
/// @dev One slot per person (the latest attestation time); evidence and history are in events.
contract EligibilityRegistry is DepartmentRoles, IEligibilityRegistry {
    /// @notice Social-security officers (人社局) who record attestations.
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");

    /// @notice Most persons attested in one call.
    uint256 public constant MAX_BATCH = 500;

    IIdentityRegistry private immutable _identities;
    mapping(bytes32 person => uint64 attestedAt) private _attestedAt;

    /// @param admin the bootstrap governance account
    /// @param identities the e-ID registry (attested persons must be bound and unrevoked)
    constructor(address admin, IIdentityRegistry identities) {
        if (admin == address(0) || address(identities) == address(0)) revert EligibilityRegistryZeroAddress();
        _identities = identities;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IEligibilityRegistry
    function attest(bytes32[] calldata persons, bytes32 evidenceHash) external onlyRole(ATTESTER_ROLE) {
        uint256 size = persons.length;
        if (size == 0) revert EligibilityRegistryEmptyBatch();
        if (size > MAX_BATCH) revert EligibilityRegistryBatchTooLarge(size, MAX_BATCH);
        uint64 now_ = uint64(block.timestamp);
        for (uint256 i; i < size; ++i) {
            bytes32 person = persons[i];
            IIdentityRegistry.Binding memory bound = _identities.binding(person);
            if (bound.kind != IIdentityRegistry.Kind.Person || bound.revoked) {
                revert EligibilityRegistryUnknownPerson(person);
            }
            _attestedAt[person] = now_;
            emit EligibilityAttested(person, msg.sender, now_, evidenceHash);
        }
    }

    /// @inheritdoc IEligibilityRegistry
    function revokeAttestation(bytes32 person, bytes32 reasonHash) external onlyRole(ATTESTER_ROLE) {
        if (_attestedAt[person] == 0) revert EligibilityRegistryNotAttested(person);
        delete _attestedAt[person];
        emit AttestationRevoked(person, msg.sender, reasonHash);
    }

    /// @inheritdoc IEligibilityRegistry
    function attestedAt(bytes32 person) external view returns (uint64) {
        return _attestedAt[person];
    }

    /// @inheritdoc IEligibilityRegistry
    function isAttested(bytes32 person, uint256 maxAge) external view returns (bool) {
        uint256 at = _attestedAt[person];
        return at != 0 && block.timestamp - at <= maxAge;
    }
}
