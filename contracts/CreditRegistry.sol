// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {ICreditRegistry} from "@govchain/interfaces/ICreditRegistry.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";

/// @title CreditRegistry
/// @notice The shared credit ledger (信用体系): append-only records about persons and enterprises,
/// a score per subject readable on chain, corrections and revocations as new records.
/// @dev Storage is cut to what the contract itself must read, so that a record costs at most one
/// subject storage slot (the events carry everything else for the indexer):
/// - `_ledgers[subject]`, ONE packed word per subject:
///     bits   0..31  score (int32, two's complement)
///     bits  32..63  record count (uint32)
///     bits 64..255  records 0..11 (12 x 16 bits, record i at bit 64 + 16 i)
///   A record is 16 bits: its category in bits 10..15 (1..MAX_CATEGORY), its delta in bits 0..9
///   (two's complement, MIN_DELTA..MAX_DELTA); a revocation record is 0 (category 0, delta 0).
///   An append about a subject reads and writes this word only: 5,000 gas when the subject has a
///   score, 22,100 for a new subject.
/// - `_overflowDeltas[subject][page]`: records 12, 13, ... (16 records of 16 bits per word).
///   Only subjects with more than 12 records pay for it: one more slot write per record from the
///   13th on (22,100 when a page starts, every 16 records; 5,000 otherwise).
/// - `_revokedFlags[subject][word]`: one bit per record, set when a later record revokes or
///   supersedes it. Touched by corrections and revocations only.
/// A revocation record is stored as 0, which no other record can be (categories start at 1): that
/// makes it final (not amendable) without another flag.
/// The contract must keep old deltas because a correction or revocation subtracts the amended
/// record's delta from the score, and old categories because only the category's owner amends a
/// record; it trusts no caller-supplied copy.
/// The per-record path of a batch is kept lean to meet its gas budget (about 12,000 gas a record,
/// of which ~10,000 are the slot update, the event and the calldata): a category's range is read
/// once per run of records in that category, and each entry's words are read from calldata once,
/// checked by hand, and copied into the event as they are (`_checkEntry`, `_emitRecorded`).
/// Role checks are local (AccessControlEnumerable in this contract, one cold SLOAD); the writer's
/// department comes from DepartmentRegistry.activeDepartmentOf, called once per transaction, and is
/// compared with a category's owner once per run of records in that category.
/// Sealed records (non-public categories) keep 16 bits each in `_sealedStates[id / 16]`: the category
/// and a revoked flag; everything else is in their events. DEFAULT_ADMIN_ROLE is governance (the
/// timelock after bootstrap): it configures categories, their owners and readers, the readers' keys,
/// and grants CREDIT_WRITER_ROLE.
contract CreditRegistry is DepartmentRoles, ICreditRegistry {
    /// @notice Department accounts that write credit records (appends, corrections, revocations).
    bytes32 public constant CREDIT_WRITER_ROLE = keccak256("CREDIT_WRITER_ROLE");

    /// @notice Most records one appendBatch takes; a client syncing more splits them (a full batch about
    /// new subjects uses about 7.2 million gas: a quarter of a 30-million block, under the 2^24
    /// per-transaction cap of EIP-7825).
    uint256 public constant MAX_BATCH_SIZE = 250;

    /// @notice Longest category name accepted, in UTF-8 bytes.
    uint256 public constant MAX_NAME_BYTES = 128;

    /// @notice The category of revocation records; governance cannot configure it.
    uint16 public constant REVOCATION_CATEGORY = 0;

    /// @notice Highest category id (a stored record keeps its category in 6 bits).
    uint16 public constant MAX_CATEGORY = 63;

    /// @notice Lowest delta a category may allow (a stored record keeps its delta in 10 bits).
    int16 public constant MIN_DELTA = -512;

    /// @notice Highest delta a category may allow.
    int16 public constant MAX_DELTA = 511;

    /// @notice Most departments a non-public category may have as readers (one ciphertext each per record).
    uint256 public constant MAX_READERS = 8;

    /// @notice Length of a reader public key: a compressed secp256k1 point, prefix 0x02 or 0x03 and x.
    uint256 public constant READER_KEY_BYTES = 33;

    /// @dev Stored form of a revocation record (category 0, delta 0).
    uint256 private constant REVOCATION_RECORD = 0;
    /// @dev Bit position of the category in a stored record; the delta takes the bits below it.
    uint256 private constant CATEGORY_SHIFT = 10;
    /// @dev The delta bits of a stored record.
    uint256 private constant STORED_DELTA_MASK = 0x3FF; // (1 << CATEGORY_SHIFT) - 1
    /// @dev Bits of a stored record above its delta: 16 - CATEGORY_SHIFT (for the sign extension).
    uint16 private constant STORED_DELTA_PAD = 6;
    /// @dev Bits 0..15 of a word: one stored record.
    uint256 private constant RECORD_MASK = type(uint16).max;
    /// @dev A StoredCategory word (see `_writableRange`): its three flag bytes, the flags of a writable
    /// public / non-public category, its owner's bits, the bit positions of its delta range.
    uint256 private constant CATEGORY_FLAGS_MASK = 0xFFFFFF;
    uint256 private constant CATEGORY_WRITABLE_PUBLIC = 0x010101;
    uint256 private constant CATEGORY_WRITABLE_SEALED = 0x000101;
    uint256 private constant CATEGORY_OWNER_MASK = ~uint256(type(uint56).max);
    uint256 private constant CATEGORY_MIN_SHIFT = 24;
    uint256 private constant CATEGORY_MAX_SHIFT = 40;
    /// @dev The revoked flag of a sealed record's 16-bit state (its category takes bits 0..5).
    uint256 private constant SEALED_REVOKED = 1 << 15;
    /// @dev Bit position of the record count in a ledger word (the score occupies bits 0..31).
    uint256 private constant COUNT_SHIFT = 32;
    /// @dev Bits 0..63 of a ledger word: score and record count.
    uint256 private constant HEADER_MASK = type(uint64).max;
    /// @dev Bit position of record 0's delta in a ledger word.
    uint256 private constant INLINE_SHIFT = 64;
    /// @dev Number of deltas kept in the ledger word (records 0..11).
    uint256 private constant INLINE_DELTAS = 12;
    /// @dev Width of a stored record, in bits.
    uint256 private constant DELTA_BITS = 16;
    /// @dev Records per overflow page or sealed-state word (16 x 16 bits = one word).
    uint256 private constant PAGE_DELTAS = 16;
    /// @dev Revoked flags per bitmap word.
    uint256 private constant FLAGS_PER_WORD = 256;
    /// @dev Byte offsets of an Entry's words in calldata (a static struct: one 32-byte word per field,
    /// in declaration order); the event's data copies the four words from ENTRY_DELTA on.
    uint256 private constant ENTRY_DELTA = 0x20;
    uint256 private constant ENTRY_VALID_FROM = 0x60;
    uint256 private constant ENTRY_VALID_UNTIL = 0x80;
    uint256 private constant ENTRY_TAIL_BYTES = 0x80;
    /// @dev Bit width of the uint40 timestamps.
    uint256 private constant TIMESTAMP_BITS = 40;
    /// @dev Index of the most significant byte of an int16, for SIGNEXTEND.
    uint256 private constant INT16_TOP_BYTE = 1;

    /// @notice Longest owner department code, in bytes: a category's settings and owner share one
    /// storage slot, read once per run of records in the category.
    uint256 public constant MAX_OWNER_CODE_BYTES = 25;

    /// @dev A category as stored: ICreditRegistry.Category in one slot (the owner code's bytes past
    /// MAX_OWNER_CODE_BYTES are zero, which configureCategory checks).
    struct StoredCategory {
        bool configured; // see ICreditRegistry.Category
        bool active; // see ICreditRegistry.Category
        bool isPublic; // see ICreditRegistry.Category
        int16 minDelta; // see ICreditRegistry.Category
        int16 maxDelta; // see ICreditRegistry.Category
        bytes25 owner; // the owner's department code, left-aligned
    }

    /// @dev The consortium: writers' departments (activeDepartmentOf), registered owners.
    IDepartmentRegistry private immutable _departments;

    mapping(uint16 id => StoredCategory) private _categories;
    mapping(bytes32 subject => uint256 ledger) private _ledgers;
    mapping(bytes32 subject => mapping(uint256 page => uint256 records)) private _overflowDeltas;
    mapping(bytes32 subject => mapping(uint256 word => uint256 flags)) private _revokedFlags;
    mapping(uint16 category => bytes32[] departments) private _readers;
    mapping(bytes32 department => bytes publicKey) private _readerKeys;
    mapping(uint256 word => uint256 states) private _sealedStates;
    uint256 private _sealedCount;

    /// @param admin the bootstrap governance account (the deployer, who later hands over to the timelock)
    /// @param departments the consortium's DepartmentRegistry
    constructor(address admin, IDepartmentRegistry departments) {
        if (admin == address(0) || address(departments) == address(0)) revert CreditRegistryZeroAddress();
        _departments = departments;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ICreditRegistry
    function configureCategory(
        uint16 category,
        string calldata name,
        bool active,
        bool isPublic,
        int16 minDelta,
        int16 maxDelta,
        bytes32 owner
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (category == REVOCATION_CATEGORY) revert CreditRegistryReservedCategory(category);
        _requireCategoryId(category);
        if (bytes(name).length == 0 || bytes(name).length > MAX_NAME_BYTES) {
            revert CreditRegistryInvalidCategoryName(category);
        }
        if (minDelta > maxDelta || minDelta < MIN_DELTA || maxDelta > MAX_DELTA) {
            revert CreditRegistryInvalidDeltaRange(category, minDelta, maxDelta);
        }
        // department() reverts for an unregistered code
        if (owner == bytes32(0) || bytes32(bytes25(owner)) != owner || !_departments.department(owner).active) {
            revert CreditRegistryInvalidOwner(category, owner);
        }
        _categories[category] = StoredCategory({
            configured: true,
            active: active,
            isPublic: isPublic,
            minDelta: minDelta,
            maxDelta: maxDelta,
            owner: bytes25(owner)
        });
        emit CategoryConfigured(category, name, active, isPublic, minDelta, maxDelta, owner);
    }

    /// @inheritdoc ICreditRegistry
    function setCategoryReaders(uint16 category, bytes32[] calldata readers) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireCategoryId(category);
        uint256 count = readers.length;
        if (count == 0) revert CreditRegistryNoReaders(category);
        if (count > MAX_READERS) revert CreditRegistryInvalidReaders(category);
        for (uint256 i; i < count; ++i) {
            bytes32 reader = readers[i];
            if (_readerKeys[reader].length == 0) revert CreditRegistryNoReaderKey(reader);
            for (uint256 j; j < i; ++j) {
                if (readers[j] == reader) revert CreditRegistryInvalidReaders(category);
            }
        }
        _readers[category] = readers;
        emit CategoryReadersSet(category, readers);
    }

    /// @inheritdoc ICreditRegistry
    function setReaderKey(bytes32 department, bytes calldata publicKey) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (publicKey.length != READER_KEY_BYTES || (publicKey[0] != 0x02 && publicKey[0] != 0x03)) {
            revert CreditRegistryInvalidReaderKey(department);
        }
        _readerKeys[department] = publicKey;
        emit ReaderKeySet(department, publicKey);
    }

    /// @inheritdoc ICreditRegistry
    function append(bytes32 subject, Entry calldata entry)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint32 index)
    {
        uint16 id = entry.category;
        (int16 minDelta, int16 maxDelta) = _writableRange(0, id, _writerDepartment(), true);
        index = _append(0, subject, entry, id, minDelta, maxDelta);
    }

    /// @inheritdoc ICreditRegistry
    function appendBatch(bytes32[] calldata subjects, Entry[] calldata entries) external onlyRole(CREDIT_WRITER_ROLE) {
        uint256 size = subjects.length;
        if (entries.length != size) revert CreditRegistryLengthMismatch(size, entries.length);
        if (size == 0) revert CreditRegistryEmptyBatch();
        if (size > MAX_BATCH_SIZE) revert CreditRegistryBatchTooLarge(size, MAX_BATCH_SIZE);
        // a sync batch is mostly one category: its range and owner are read again only when the
        // category changes; the writer's department once per batch
        bytes32 department = _writerDepartment();
        uint16 loaded = entries[0].category;
        (int16 minDelta, int16 maxDelta) = _writableRange(0, loaded, department, true);
        for (uint256 i; i < size; ++i) {
            Entry calldata entry = entries[i];
            uint16 id = entry.category;
            if (id != loaded) {
                (minDelta, maxDelta) = _writableRange(i, id, department, true);
                loaded = id;
            }
            _append(i, subjects[i], entry, id, minDelta, maxDelta);
        }
    }

    /// @inheritdoc ICreditRegistry
    function correct(bytes32 subject, uint32 refIndex, Entry calldata entry)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint32 index)
    {
        bytes32 department = _writerDepartment();
        uint256 ledger = _ledgers[subject];
        int16 oldDelta = _amendableDelta(subject, ledger, refIndex, department);
        uint16 id = entry.category;
        (int16 minDelta, int16 maxDelta) = _writableRange(0, id, department, true);
        int16 delta = _checkEntry(0, entry, minDelta, maxDelta);
        int32 score = _checkedScore(subject, int256(_score(ledger)) - oldDelta + delta);
        _markRevoked(subject, refIndex);
        index = _push(subject, ledger, score, _stored(id, delta));
        _emitRecorded(subject, entry);
        emit CreditRecordAmended(subject, refIndex, index, AmendmentKind.Correction);
    }

    /// @inheritdoc ICreditRegistry
    function revoke(bytes32 subject, uint32 refIndex, bytes32 evidenceHash)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint32 index)
    {
        uint256 ledger = _ledgers[subject];
        int16 oldDelta = _amendableDelta(subject, ledger, refIndex, _writerDepartment());
        int32 score = _checkedScore(subject, int256(_score(ledger)) - oldDelta);
        _markRevoked(subject, refIndex);
        index = _push(subject, ledger, score, REVOCATION_RECORD);
        emit CreditRecorded(subject, REVOCATION_CATEGORY, _msgSender(), 0, evidenceHash, uint40(block.timestamp), 0);
        emit CreditRecordAmended(subject, refIndex, index, AmendmentKind.Revocation);
    }

    /// @inheritdoc ICreditRegistry
    function appendSealed(uint16 category, SealedEntry[] calldata records)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint256 firstId)
    {
        uint256 size = records.length;
        if (size == 0) revert CreditRegistryEmptyBatch();
        if (size > MAX_BATCH_SIZE) revert CreditRegistryBatchTooLarge(size, MAX_BATCH_SIZE);
        _writableRange(0, category, _writerDepartment(), false);
        bytes32[] memory readers = _readers[category];
        if (readers.length == 0) revert CreditRegistryNoReaders(category);
        firstId = _sealedCount;
        // unchecked: ids stay far below 2^256; `size` <= MAX_BATCH_SIZE
        unchecked {
            for (uint256 i; i < size; ++i) {
                SealedEntry calldata record = records[i];
                if (record.commitment == bytes32(0)) revert CreditRegistryZeroCommitment(i);
                if (record.ciphertexts.length != readers.length) {
                    revert CreditRegistryCiphertextCount(i, record.ciphertexts.length, readers.length);
                }
                uint256 id = firstId + i;
                _sealedStates[id / PAGE_DELTAS] |= uint256(category) << (DELTA_BITS * (id % PAGE_DELTAS));
            }
            _sealedCount = firstId + size;
            for (uint256 i; i < size; ++i) {
                SealedEntry calldata record = records[i];
                emit CreditRecordSealed(
                    firstId + i, category, _msgSender(), record.commitment, readers, record.ciphertexts
                );
            }
        }
    }

    /// @inheritdoc ICreditRegistry
    function revokeSealed(uint256 sealedId, bytes32 reasonCommitment) external onlyRole(CREDIT_WRITER_ROLE) {
        bytes32 department = _writerDepartment();
        (uint16 category, bool revoked) = _sealedState(sealedId);
        if (revoked) revert CreditRegistrySealedRecordAlreadyRevoked(sealedId);
        _requireOwner(0, category, department);
        _sealedStates[sealedId / PAGE_DELTAS] |= SEALED_REVOKED << (DELTA_BITS * (sealedId % PAGE_DELTAS));
        emit SealedCreditRecordRevoked(sealedId, _msgSender(), reasonCommitment);
    }

    /// @inheritdoc ICreditRegistry
    function sealedRecordState(uint256 sealedId) external view returns (uint16 category, bool revoked) {
        return _sealedState(sealedId);
    }

    /// @inheritdoc ICreditRegistry
    function sealedRecordCount() external view returns (uint256) {
        return _sealedCount;
    }

    /// @inheritdoc ICreditRegistry
    function categoryReaders(uint16 category) external view returns (bytes32[] memory) {
        return _readers[category];
    }

    /// @inheritdoc ICreditRegistry
    function readerKey(bytes32 department) external view returns (bytes memory) {
        return _readerKeys[department];
    }

    /// @inheritdoc ICreditRegistry
    function sealCommitment(bytes32 subject, Entry calldata entry, bytes32 salt) external pure returns (bytes32) {
        return keccak256(abi.encode(subject, entry, salt));
    }

    /// @inheritdoc ICreditRegistry
    function scoreOf(bytes32 subject) external view returns (int32) {
        return _score(_ledgers[subject]);
    }

    /// @inheritdoc ICreditRegistry
    function recordCountOf(bytes32 subject) external view returns (uint32) {
        return _count(_ledgers[subject]);
    }

    /// @inheritdoc ICreditRegistry
    function recordState(bytes32 subject, uint32 index) external view returns (RecordState memory state) {
        uint256 ledger = _ledgers[subject];
        uint32 count = _count(ledger);
        if (index >= count) revert CreditRegistryUnknownRecord(subject, index, count);
        uint256 stored = _recordAt(subject, ledger, index);
        state.isRevocation = stored == REVOCATION_RECORD;
        state.delta = _storedDelta(stored);
        state.category = _storedCategory(stored);
        state.revoked = _revokedFlags[subject][index / FLAGS_PER_WORD] & _flagBit(index) != 0;
    }

    /// @inheritdoc ICreditRegistry
    function getCategory(uint16 category) external view returns (Category memory) {
        StoredCategory memory config = _categories[category];
        return Category({
            configured: config.configured,
            active: config.active,
            isPublic: config.isPublic,
            minDelta: config.minDelta,
            maxDelta: config.maxDelta,
            owner: bytes32(config.owner)
        });
    }

    /// @inheritdoc ICreditRegistry
    function recordId(bytes32 subject, uint32 index) external pure returns (bytes32) {
        return keccak256(abi.encode(subject, index));
    }

    /// @dev Checks and appends `entry` about `subject`; its category `id` is active, owned by the writer
    /// with delta range [`minDelta`, `maxDelta`]. `position` is the record's place in the call, for errors.
    function _append(
        uint256 position,
        bytes32 subject,
        Entry calldata entry,
        uint16 id,
        int16 minDelta,
        int16 maxDelta
    ) private returns (uint32 index) {
        if (subject == bytes32(0)) revert CreditRegistryZeroSubject(position);
        int16 delta = _checkEntry(position, entry, minDelta, maxDelta);
        uint256 ledger = _ledgers[subject];
        int256 score;
        unchecked {
            score = int256(_score(ledger)) + delta; // an int32 plus an int16 cannot overflow an int256
        }
        index = _push(subject, ledger, _checkedScore(subject, score), _stored(id, delta));
        _emitRecorded(subject, entry);
    }

    /// @dev The department of the calling writer, which must be an officer of an active department.
    /// The call is made in assembly (about 150 gas less than Solidity's, on every append): a static
    /// call with one word out, its revert data (DepartmentRegistry's custom errors) passed on as it is.
    function _writerDepartment() private view returns (bytes32 department) {
        bytes4 selector = IDepartmentRegistry.activeDepartmentOf.selector;
        address registry = address(_departments);
        address writer = _msgSender();
        assembly ("memory-safe") {
            mstore(0, selector)
            mstore(4, writer)
            if iszero(staticcall(gas(), registry, 0, 0x24, 0, 0x20)) {
                let data := mload(0x40) // free memory, not kept: the call reverts with it
                returndatacopy(data, 0, returndatasize())
                revert(data, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            department := mload(0)
        }
    }

    /// @dev The delta range of category `id`, which must be configured, active, public when `plaintext`
    /// (non-public otherwise) and owned by `department`. The category's slot is read once and decoded
    /// by hand on the way every append takes (StoredCategory's layout, from the low-order byte:
    /// configured, active, isPublic, minDelta (2 bytes), maxDelta (2 bytes), owner (25 bytes));
    /// anything unexpected takes the Solidity path below, which finds the error to revert with.
    function _writableRange(uint256 position, uint16 id, bytes32 department, bool plaintext)
        private
        view
        returns (int16 minDelta, int16 maxDelta)
    {
        StoredCategory storage stored = _categories[id];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        uint256 flags = plaintext ? CATEGORY_WRITABLE_PUBLIC : CATEGORY_WRITABLE_SEALED;
        if (word & CATEGORY_FLAGS_MASK == flags && bytes32(word & CATEGORY_OWNER_MASK) == department) {
            return (int16(uint16(word >> CATEGORY_MIN_SHIFT)), int16(uint16(word >> CATEGORY_MAX_SHIFT)));
        }
        StoredCategory memory config = stored;
        if (!config.configured) revert CreditRegistryUnknownCategory(position, id);
        if (!config.active) revert CreditRegistryInactiveCategory(position, id);
        if (config.isPublic != plaintext) {
            if (plaintext) revert CreditRegistryNonPublicCategory(position, id);
            revert CreditRegistryPublicCategory(id);
        }
        revert CreditRegistryNotCategoryOwner(position, id, department, bytes32(config.owner));
    }

    /// @dev Reverts unless `department` owns category `id` now.
    function _requireOwner(uint256 position, uint16 id, bytes32 department) private view {
        bytes32 owner = bytes32(_categories[id].owner);
        if (owner != department) revert CreditRegistryNotCategoryOwner(position, id, department, owner);
    }

    /// @dev Reverts unless `category` can be configured: 1 .. MAX_CATEGORY.
    function _requireCategoryId(uint16 category) private pure {
        if (category > MAX_CATEGORY) revert CreditRegistryCategoryOutOfRange(category, MAX_CATEGORY);
    }

    /// @dev Returns `entry`'s delta; reverts unless it is within [`minDelta`, `maxDelta`] and the
    /// validity period is well formed. The words are read once each in assembly (Solidity would
    /// validate a calldata field again on every read) and checked as Solidity's ABI decoder checks
    /// them: a word that does not fit its type reverts without data.
    function _checkEntry(uint256 position, Entry calldata entry, int16 minDelta, int16 maxDelta)
        private
        pure
        returns (int16 delta)
    {
        uint40 validFrom;
        uint40 validUntil;
        assembly ("memory-safe") {
            delta := calldataload(add(entry, ENTRY_DELTA))
            validFrom := calldataload(add(entry, ENTRY_VALID_FROM))
            validUntil := calldataload(add(entry, ENTRY_VALID_UNTIL))
            // an int16 equals its own sign extension from byte 1; a uint40 has no bit above bit 39
            let deltaFits := eq(signextend(INT16_TOP_BYTE, delta), delta)
            let timestampsFit := iszero(shr(TIMESTAMP_BITS, or(validFrom, validUntil)))
            if iszero(and(deltaFits, timestampsFit)) { revert(0, 0) }
        }
        if (delta < minDelta || delta > maxDelta) {
            revert CreditRegistryDeltaOutOfRange(position, entry.category, delta, minDelta, maxDelta);
        }
        if (validUntil != 0 && validUntil <= validFrom) {
            revert CreditRegistryInvalidValidity(position, validFrom, validUntil);
        }
    }

    /// @dev Emits CreditRecorded for `entry` about `subject`, written by `_msgSender()`: the same log
    /// as `emit CreditRecorded(subject, entry.category, _msgSender(), delta, evidenceHash, validFrom,
    /// validUntil)`, without re-encoding (this runs once per record of a batch). The data is the
    /// writer followed by the entry's last four words, copied from calldata as they are; callers
    /// have checked every one of them (`_checkEntry`; the category through Solidity's own read, a
    /// bytes32 needs no check). The tests decode these logs with the ABI.
    function _emitRecorded(bytes32 subject, Entry calldata entry) private {
        bytes32 topic = CreditRecorded.selector;
        address writer = _msgSender();
        assembly ("memory-safe") {
            let data := mload(0x40) // scratch space past the free memory pointer, not kept
            mstore(data, writer)
            calldatacopy(add(data, 0x20), add(entry, ENTRY_DELTA), ENTRY_TAIL_BYTES)
            log3(data, add(0x20, ENTRY_TAIL_BYTES), topic, subject, calldataload(entry))
        }
    }

    /// @dev The delta of record `refIndex` of `subject`, which must exist, not be revoked, not be a
    /// revocation record, and be in a category `department` owns.
    function _amendableDelta(bytes32 subject, uint256 ledger, uint32 refIndex, bytes32 department)
        private
        view
        returns (int16)
    {
        uint32 count = _count(ledger);
        if (refIndex >= count) revert CreditRegistryUnknownRecord(subject, refIndex, count);
        uint256 stored = _recordAt(subject, ledger, refIndex);
        if (stored == REVOCATION_RECORD) revert CreditRegistryRevocationNotAmendable(subject, refIndex);
        if (_revokedFlags[subject][refIndex / FLAGS_PER_WORD] & _flagBit(refIndex) != 0) {
            revert CreditRegistryRecordAlreadyRevoked(subject, refIndex);
        }
        _requireOwner(0, _storedCategory(stored), department);
        return _storedDelta(stored);
    }

    /// @dev Sets the revoked flag of record `index` of `subject`.
    function _markRevoked(bytes32 subject, uint32 index) private {
        _revokedFlags[subject][index / FLAGS_PER_WORD] |= _flagBit(index);
    }

    /// @dev Appends the record stored as `bits` (`_stored`, or REVOCATION_RECORD) to `subject`, whose
    /// ledger word was `ledger`, and sets the subject's score to `score`. Returns the new record's index.
    function _push(bytes32 subject, uint256 ledger, int32 score, uint256 bits) private returns (uint32 index) {
        index = _count(ledger);
        if (index == type(uint32).max) revert CreditRegistryTooManyRecords(subject);
        // unchecked: index < 2^32 - 1, so no count, shift amount or page number below can overflow
        unchecked {
            if (index < INLINE_DELTAS) {
                ledger |= bits << (INLINE_SHIFT + DELTA_BITS * index);
            } else if (bits != REVOCATION_RECORD) {
                // a revocation record (0) leaves the (zero-initialised) overflow slot as it is
                uint256 overflow = index - INLINE_DELTAS;
                _overflowDeltas[subject][overflow / PAGE_DELTAS] |= bits << (DELTA_BITS * (overflow % PAGE_DELTAS));
            }
            _ledgers[subject] =
                (ledger & ~HEADER_MASK) | (uint256(index + 1) << COUNT_SHIFT) | uint256(uint32(score));
        }
    }

    /// @dev Record `index` of `subject` as stored (REVOCATION_RECORD for a revocation record).
    function _recordAt(bytes32 subject, uint256 ledger, uint32 index) private view returns (uint256) {
        // unchecked: index < 2^32, so no shift amount or page number below can overflow
        unchecked {
            if (index < INLINE_DELTAS) return (ledger >> (INLINE_SHIFT + DELTA_BITS * index)) & RECORD_MASK;
            uint256 overflow = index - INLINE_DELTAS;
            uint256 page = _overflowDeltas[subject][overflow / PAGE_DELTAS];
            return (page >> (DELTA_BITS * (overflow % PAGE_DELTAS))) & RECORD_MASK;
        }
    }

    /// @dev A record of category `id` with `delta` as stored: category in bits 10..15, delta in bits 0..9
    /// (callers have checked `id` <= MAX_CATEGORY and MIN_DELTA <= `delta` <= MAX_DELTA).
    function _stored(uint16 id, int16 delta) private pure returns (uint256 bits) {
        assembly ("memory-safe") {
            bits := or(shl(CATEGORY_SHIFT, id), and(delta, STORED_DELTA_MASK))
        }
    }

    /// @dev The delta of a stored record: its low 10 bits, sign-extended.
    function _storedDelta(uint256 stored) private pure returns (int16) {
        return int16(uint16(stored) << STORED_DELTA_PAD) >> STORED_DELTA_PAD;
    }

    /// @dev The category of a stored record.
    function _storedCategory(uint256 stored) private pure returns (uint16) {
        return uint16(stored >> CATEGORY_SHIFT);
    }

    /// @dev The category and revoked flag of sealed record `sealedId`, which must exist.
    function _sealedState(uint256 sealedId) private view returns (uint16 category, bool revoked) {
        uint256 count = _sealedCount;
        if (sealedId >= count) revert CreditRegistryUnknownSealedRecord(sealedId, count);
        // unchecked: the shift is below 256
        unchecked {
            uint256 bits = (_sealedStates[sealedId / PAGE_DELTAS] >> (DELTA_BITS * (sealedId % PAGE_DELTAS))) & RECORD_MASK;
            return (uint16(bits & ~SEALED_REVOKED), bits & SEALED_REVOKED != 0);
        }
    }

    /// @dev `score` as int32, or CreditRegistryScoreOverflow.
    function _checkedScore(bytes32 subject, int256 score) private pure returns (int32) {
        if (score < type(int32).min || score > type(int32).max) revert CreditRegistryScoreOverflow(subject, score);
        return int32(score);
    }

    /// @dev The score held in ledger word `ledger`.
    function _score(uint256 ledger) private pure returns (int32) {
        return int32(uint32(ledger));
    }

    /// @dev The record count held in ledger word `ledger`.
    function _count(uint256 ledger) private pure returns (uint32) {
        return uint32(ledger >> COUNT_SHIFT);
    }

    /// @dev The bit of record `index` in its revoked-flags word.
    function _flagBit(uint32 index) private pure returns (uint256) {
        return 1 << (index % FLAGS_PER_WORD);
    }
}
