// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";
import {USCC} from "./libraries/USCC.sol";

/// @title IdentityRegistry
/// @notice The e-ID registry: one account per identity and one identity per account.
/// @dev Storage per person binding: three slots, one per key looked up (account -> identity,
/// identity -> packed Binding, uniqueness tag -> identity); an enterprise needs no tag slot, its
/// code is its identity key. Everything else is in events. DEFAULT_ADMIN_ROLE is governance (the
/// timelock after bootstrap).
contract IdentityRegistry is DepartmentRoles, IIdentityRegistry {
    /// @notice Public security officers (公安局): bind, re-level, revoke and recover persons.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @notice Market regulation officers (市场监督管理局): the same for enterprises.
    bytes32 public constant ENTERPRISE_REGISTRAR_ROLE = keccak256("ENTERPRISE_REGISTRAR_ROLE");

    /// @notice Highest verification level (3 = verified in person with the e-ID card).
    uint8 public constant MAX_LEVEL = 3;
    /// @notice Most bindings in one `bindPersons` call (about 14.5M gas, under the 16,777,216 per-transaction cap).
    uint256 public constant MAX_BATCH = 200;
    /// @notice Seconds a proposed recovery waits for its second registrar before it lapses (7 days).
    uint64 public constant RECOVERY_WINDOW = 7 days;

    mapping(address account => bytes32 identity) private _identityOf;
    mapping(bytes32 identity => Binding) private _bindings;
    mapping(bytes32 identity => Recovery) private _recoveries;
    mapping(bytes32 tag => bytes32 identity) private _tagHolders;

    /// @param admin the bootstrap governance account
    constructor(address admin) {
        if (admin == address(0)) revert IdentityRegistryZeroAccount();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IIdentityRegistry
    function bindPerson(address account, bytes32 commitment, bytes32 tag, uint8 level) external onlyRole(REGISTRAR_ROLE) {
        _checkLevel(level);
        _bindPerson(account, commitment, tag, level);
    }

    /// @inheritdoc IIdentityRegistry
    function bindPersons(address[] calldata accounts, bytes32[] calldata commitments, bytes32[] calldata tags, uint8 level)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        uint256 size = accounts.length;
        if (size != commitments.length) revert IdentityRegistryLengthMismatch(size, commitments.length);
        if (size != tags.length) revert IdentityRegistryLengthMismatch(size, tags.length);
        if (size == 0) revert IdentityRegistryEmptyBatch();
        if (size > MAX_BATCH) revert IdentityRegistryBatchTooLarge(size, MAX_BATCH);
        _checkLevel(level);
        for (uint256 i; i < size; ++i) {
            _bindPerson(accounts[i], commitments[i], tags[i], level);
        }
    }

    /// @inheritdoc IIdentityRegistry
    function bindEnterprise(address account, bytes18 uscc, uint8 level) external onlyRole(ENTERPRISE_REGISTRAR_ROLE) {
        USCC.validate(uscc);
        _checkLevel(level);
        _bind(account, USCC.subject(uscc), Kind.Enterprise, level, bytes32(0));
    }

    /// @inheritdoc IIdentityRegistry
    function setLevel(bytes32 identity, uint8 level) external {
        Binding storage bound = _activeBinding(identity);
        _checkRole(_registrarRole(bound.kind));
        _checkLevel(level);
        bound.level = level;
        emit IdentityLevelChanged(identity, level);
    }

    /// @inheritdoc IIdentityRegistry
    function revoke(bytes32 identity, bytes32 reasonHash) external {
        Binding storage bound = _activeBinding(identity);
        _checkRole(_registrarRole(bound.kind));
        bound.revoked = true;
        delete _recoveries[identity];
        emit IdentityRevoked(identity, bound.account, reasonHash);
    }

    /// @inheritdoc IIdentityRegistry
    function proposeRecovery(bytes32 identity, address newAccount) external {
        Binding storage bound = _activeBinding(identity);
        _checkRole(_registrarRole(bound.kind));
        _checkUnbound(newAccount);
        uint64 expiresAt = uint64(block.timestamp) + RECOVERY_WINDOW;
        _recoveries[identity] = Recovery({newAccount: newAccount, proposer: msg.sender, expiresAt: expiresAt});
        emit RecoveryProposed(identity, newAccount, msg.sender, expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function confirmRecovery(bytes32 identity, address newAccount) external {
        Binding storage bound = _activeBinding(identity);
        _checkRole(_registrarRole(bound.kind));
        Recovery memory pending = _recoveries[identity];
        if (pending.newAccount == address(0)) revert IdentityRegistryNoPendingRecovery(identity);
        if (pending.newAccount != newAccount) {
            revert IdentityRegistryRecoveryMismatch(identity, pending.newAccount, newAccount);
        }
        if (pending.proposer == msg.sender) revert IdentityRegistrySameOfficer(msg.sender);
        if (block.timestamp > pending.expiresAt) revert IdentityRegistryRecoveryExpired(identity, pending.expiresAt);
        _checkUnbound(newAccount);

        address oldAccount = bound.account;
        delete _recoveries[identity];
        delete _identityOf[oldAccount];
        _identityOf[newAccount] = identity;
        bound.account = newAccount;
        emit IdentityRecovered(identity, oldAccount, newAccount);
    }

    /// @inheritdoc IIdentityRegistry
    function identityOf(address account) external view returns (bytes32) {
        return _identityOf[account];
    }

    /// @inheritdoc IIdentityRegistry
    function binding(bytes32 identity) external view returns (Binding memory) {
        return _bindings[identity];
    }

    /// @inheritdoc IIdentityRegistry
    function tagHolder(bytes32 tag) external view returns (bytes32) {
        return _tagHolders[tag];
    }

    /// @inheritdoc IIdentityRegistry
    function pendingRecovery(bytes32 identity) external view returns (Recovery memory) {
        return _recoveries[identity];
    }

    /// @inheritdoc IIdentityRegistry
    function isVerified(address account, uint8 minLevel) external view returns (bool) {
        bytes32 identity = _identityOf[account];
        if (identity == bytes32(0)) return false;
        Binding memory bound = _bindings[identity];
        return !bound.revoked && bound.level >= minLevel;
    }

    /// @inheritdoc IIdentityRegistry
    function currentAccounts(bytes32[] calldata identities) external view returns (address[] memory accounts) {
        uint256 size = identities.length;
        accounts = new address[](size);
        for (uint256 i; i < size; ++i) {
            Binding storage bound = _bindings[identities[i]];
            if (bound.kind == Kind.Person && !bound.revoked) accounts[i] = bound.account;
        }
    }

    /// @dev The tag is registered for good: never deleted on revocation, untouched by recovery.
    function _bindPerson(address account, bytes32 commitment, bytes32 tag, uint8 level) private {
        if (tag == bytes32(0)) revert IdentityRegistryZeroTag();
        bytes32 holder = _tagHolders[tag];
        if (holder != bytes32(0)) revert IdentityRegistryTagAlreadyUsed(tag, holder);
        _tagHolders[tag] = commitment;
        _bind(account, commitment, Kind.Person, level, tag);
    }

    function _bind(address account, bytes32 identity, Kind kind, uint8 level, bytes32 tag) private {
        if (identity == bytes32(0)) revert IdentityRegistryZeroIdentity();
        _checkUnbound(account);
        address holder = _bindings[identity].account;
        if (holder != address(0)) revert IdentityRegistryIdentityAlreadyBound(identity, holder);
        _identityOf[account] = identity;
        _bindings[identity] = Binding({account: account, kind: kind, level: level, revoked: false});
        emit IdentityBound(account, identity, kind, level, tag);
    }

    function _checkUnbound(address account) private view {
        if (account == address(0)) revert IdentityRegistryZeroAccount();
        bytes32 existing = _identityOf[account];
        if (existing != bytes32(0)) revert IdentityRegistryAccountAlreadyBound(account, existing);
    }

    function _checkLevel(uint8 level) private pure {
        if (level == 0 || level > MAX_LEVEL) revert IdentityRegistryInvalidLevel(level);
    }

    function _activeBinding(bytes32 identity) private view returns (Binding storage bound) {
        bound = _bindings[identity];
        if (bound.account == address(0)) revert IdentityRegistryUnknownIdentity(identity);
        if (bound.revoked) revert IdentityRegistryIdentityRevoked(identity);
    }

    function _registrarRole(Kind kind) private pure returns (bytes32) {
        return kind == Kind.Enterprise ? ENTERPRISE_REGISTRAR_ROLE : REGISTRAR_ROLE;
    }
}
