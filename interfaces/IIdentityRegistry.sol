// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title e-ID registry: accounts bound to identity commitments and enterprise codes
/// @notice A person is known on chain only by a commitment: a salted hash of their ID-card number
/// computed off chain (govchain/domain.py `identity_commitment`); the number itself never reaches
/// the chain. An enterprise is known by its unified social credit code (USCC, GB 32100-2015),
/// which is public; its identity key is the code left-aligned in a bytes32 (`USCC.subject`).
/// Bindings are one-to-one in both directions. The public-security registrar (REGISTRAR_ROLE)
/// binds persons, market regulation (ENTERPRISE_REGISTRAR_ROLE) binds enterprises; a lost key is
/// recovered by re-binding the identity to a new account, proposed by one registrar and confirmed
/// by a second, different one.
///
/// One person, one binding: every person binding carries a uniqueness tag, HMAC-SHA256 of the
/// normalised ID-card number under a key only the identity authority holds (govchain/domain.py
/// `identity_tag`). The tag is the same whatever salt the commitment uses, reveals nothing without
/// the key, and is registered for good: a second binding with a used tag is refused, recovery keeps
/// the tag with its identity, and a revoked identity keeps it (revocation is for good). The chain
/// cannot tell a true tag from invented bytes; it refuses any registrar who presents the true tag
/// of a person already bound, which is what the authority's binding procedure produces.
interface IIdentityRegistry {
    /// @notice What an identity key stands for.
    enum Kind {
        None, // no binding
        Person, // key = identity commitment
        Enterprise // key = bytes32(USCC)
    }

    /// @notice A binding, packed in one storage slot.
    struct Binding {
        address account; // the account the identity acts through
        Kind kind; // Person or Enterprise
        uint8 level; // verification level, 1 (real-name) .. MAX_LEVEL (in person, e-ID card)
        bool revoked; // true once revoked; a revoked identity is never verified again
    }

    /// @notice A pending lost-key recovery, waiting for a second registrar.
    struct Recovery {
        address newAccount; // the account the identity moves to
        address proposer; // the registrar who proposed it; the confirmer must be someone else
        uint64 expiresAt; // the proposal lapses after this time
    }

    error IdentityRegistryZeroAccount();
    error IdentityRegistryZeroIdentity();
    /// @notice A person binding needs a uniqueness tag.
    error IdentityRegistryZeroTag();
    error IdentityRegistryInvalidLevel(uint8 level);
    /// @notice `account` is already bound to `identity`.
    error IdentityRegistryAccountAlreadyBound(address account, bytes32 identity);
    /// @notice `identity` is already bound to `account`.
    error IdentityRegistryIdentityAlreadyBound(bytes32 identity, address account);
    /// @notice The person with uniqueness tag `tag` is already bound as `identity` (under whatever salt).
    error IdentityRegistryTagAlreadyUsed(bytes32 tag, bytes32 identity);
    error IdentityRegistryUnknownIdentity(bytes32 identity);
    error IdentityRegistryIdentityRevoked(bytes32 identity);
    /// @notice The batch has `accounts` accounts but `other` commitments or tags.
    error IdentityRegistryLengthMismatch(uint256 accounts, uint256 other);
    error IdentityRegistryEmptyBatch();
    error IdentityRegistryBatchTooLarge(uint256 size, uint256 max);
    error IdentityRegistryNoPendingRecovery(bytes32 identity);
    /// @notice The confirmation names another account than the proposal.
    error IdentityRegistryRecoveryMismatch(bytes32 identity, address proposed, address confirmed);
    /// @notice The proposer cannot also confirm a recovery.
    error IdentityRegistrySameOfficer(address officer);
    error IdentityRegistryRecoveryExpired(bytes32 identity, uint256 expiredAt);

    /// @notice Emitted when `account` is bound to `identity`; `tag` is the person's uniqueness tag
    /// (zero for an enterprise, whose code is its own unique key).
    event IdentityBound(address indexed account, bytes32 indexed identity, Kind kind, uint8 level, bytes32 tag);
    /// @notice Emitted when a registrar changes the verification level of `identity`.
    event IdentityLevelChanged(bytes32 indexed identity, uint8 level);
    /// @notice Emitted when `identity` (bound to `account`) is revoked; `reasonHash` names the off-chain decision.
    event IdentityRevoked(bytes32 indexed identity, address indexed account, bytes32 reasonHash);
    /// @notice Emitted when a registrar proposes moving `identity` to `newAccount`.
    event RecoveryProposed(bytes32 indexed identity, address indexed newAccount, address indexed proposer, uint64 expiresAt);
    /// @notice Emitted when a second registrar confirms the recovery: `identity` moved from `oldAccount` to `newAccount`.
    event IdentityRecovered(bytes32 indexed identity, address indexed oldAccount, address indexed newAccount);

    /// @notice Binds `account` to the person identity `commitment` at verification `level`. REGISTRAR_ROLE.
    /// Emits IdentityBound. Reverts with IdentityRegistryTagAlreadyUsed when the person (`tag`) is
    /// already bound, under any commitment, even a revoked one.
    /// @param account the person's account, not bound yet
    /// @param commitment the person's identity commitment (salted hash of the ID-card number)
    /// @param tag the person's uniqueness tag (keyed HMAC of the ID-card number), never used before
    /// @param level verification level, 1 .. MAX_LEVEL
    function bindPerson(address account, bytes32 commitment, bytes32 tag, uint8 level) external;

    /// @notice Binds `accounts[i]` to `commitments[i]` with tag `tags[i]`, all at `level`, in one
    /// transaction. REGISTRAR_ROLE.
    /// @dev All or nothing: one bad entry reverts the batch with that entry's error, including a tag
    /// that an earlier entry of the same batch used.
    function bindPersons(address[] calldata accounts, bytes32[] calldata commitments, bytes32[] calldata tags, uint8 level)
        external;

    /// @notice Binds `account` to the enterprise with code `uscc` (validated, GB 32100). ENTERPRISE_REGISTRAR_ROLE.
    function bindEnterprise(address account, bytes18 uscc, uint8 level) external;

    /// @notice Changes the verification level of a bound, unrevoked identity. Registrar of its kind.
    function setLevel(bytes32 identity, uint8 level) external;

    /// @notice Revokes `identity` for good. Registrar of its kind.
    function revoke(bytes32 identity, bytes32 reasonHash) external;

    /// @notice First of two registrars: proposes moving `identity` to unbound `newAccount`.
    function proposeRecovery(bytes32 identity, address newAccount) external;

    /// @notice Second registrar (not the proposer): confirms the pending recovery to `newAccount`.
    function confirmRecovery(bytes32 identity, address newAccount) external;

    /// @notice The identity key bound to `account`, or zero.
    function identityOf(address account) external view returns (bytes32);

    /// @notice The binding of `identity` (account zero when unbound).
    function binding(bytes32 identity) external view returns (Binding memory);

    /// @notice The person identity registered with uniqueness tag `tag`, or zero when the tag is unused.
    function tagHolder(bytes32 tag) external view returns (bytes32 identity);

    /// @notice The pending recovery of `identity` (newAccount zero when none).
    function pendingRecovery(bytes32 identity) external view returns (Recovery memory);

    /// @notice Whether `account` is bound to an unrevoked identity of at least `minLevel`.
    function isVerified(address account, uint8 minLevel) external view returns (bool);

    /// @notice The account each person identity acts through now: zero where the identity is
    /// unknown, an enterprise, or revoked. The disbursement ledger reads it at execution, so a
    /// payout never goes to a key lost before a recovery or to a revoked identity (one storage
    /// read per identity).
    /// @param identities person identity commitments
    /// @return accounts the current account of each, or zero
    function currentAccounts(bytes32[] calldata identities) external view returns (address[] memory accounts);
}
