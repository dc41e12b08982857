// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Proof-of-life and other eligibility attestations
/// @notice The social-security bureau (ATTESTER_ROLE, 人社局) records when a person last proved
/// their eligibility, e.g. the annual proof of life (领取养老金资格认证) of a pensioner. Programs
/// that require it (IProgramRegistry terms `attestationMaxAge`) refuse payouts to persons whose
/// latest attestation is missing or older than that age. Persons are e-ID identity commitments.
interface IEligibilityRegistry {
    error EligibilityRegistryZeroAddress();
    error EligibilityRegistryEmptyBatch();
    error EligibilityRegistryBatchTooLarge(uint256 size, uint256 max);
    /// @notice `person` is not a bound, unrevoked person in the e-ID registry.
    error EligibilityRegistryUnknownPerson(bytes32 person);
    /// @notice `person` has no attestation to revoke.
    error EligibilityRegistryNotAttested(bytes32 person);

    /// @notice Emitted when `attester` records that `person` proved eligibility at `attestedAt`.
    /// @param evidenceHash hash of the evidence kept off chain (e.g. the face-check session record)
    event EligibilityAttested(bytes32 indexed person, address indexed attester, uint64 attestedAt, bytes32 evidenceHash);
    /// @notice Emitted when `attester` withdraws `person`'s attestation (e.g. a death was reported).
    event AttestationRevoked(bytes32 indexed person, address indexed attester, bytes32 reasonHash);

    /// @notice Records that every one of `persons` proved eligibility now. ATTESTER_ROLE.
    /// @dev All or nothing. Reverts with EligibilityRegistryEmptyBatch, EligibilityRegistryBatchTooLarge,
    /// EligibilityRegistryUnknownPerson. Emits EligibilityAttested per person.
    function attest(bytes32[] calldata persons, bytes32 evidenceHash) external;

    /// @notice Withdraws `person`'s attestation. ATTESTER_ROLE.
    /// @dev Reverts with EligibilityRegistryNotAttested. Emits AttestationRevoked.
    function revokeAttestation(bytes32 person, bytes32 reasonHash) external;

    /// @notice Block timestamp of `person`'s latest attestation, 0 when none.
    function attestedAt(bytes32 person) external view returns (uint64);

    /// @notice Whether `person` has an attestation at most `maxAge` seconds old.
    function isAttested(bytes32 person, uint256 maxAge) external view returns (bool);
}
