// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {ICreditRegistry} from "@govchain/interfaces/ICreditRegistry.sol";

/// @title CreditRegistry
/// @notice The shared credit ledger (信用体系): append-only records about persons and enterprises,
/// a score per subject readable on chain, corrections and revocations as new records.
/// @dev Storage is cut to what the contract itself must read, so that a record costs at most one
/// subject storage slot (the events carry everything else for the indexer):
/// - `_ledgers[subject]`, ONE packed word per subject:
///     bits   0..31  score (int32, two's complement)
///     bits  32..63  record count (uint32)
///     bits 64..255  deltas of records 0..11 (12 x int16, record i at bit 64 + 16 i)
///   An append about a subject reads and writes this word only: 5,000 gas when the subject has a
///   score, 22,100 for a new subject.
/// - `_overflowDeltas[subject][page]`: the deltas of records 12, 13, ... (16 int16 per word).
///   Only subjects with more than 12 records pay for it: one more slot write per record from the
///   13th on (22,100 when a page starts, every 16 records; 5,000 otherwise).
/// - `_revokedFlags[subject][word]`: one bit per record, set when a later record revokes or
///   supersedes it. Touched by corrections and revocations only.
/// A revocation record stores the mark type(int16).min as its delta (categories cannot reach it), which
/// makes it final (not amendable) without another flag; it reads as delta 0.
/// The contract must keep old deltas because a correction or revocation subtracts the amended
/// record's delta from the score; it trusts no caller-supplied copy.
/// The per-record path of a batch is kept lean to meet its gas budget (about 12,000 gas a record,
/// of which ~10,000 are the slot update, the event and the calldata): a category's range is read
/// once per run of records in that category, and each entry's words are read from calldata once,
/// checked by hand, and copied into the event as they are (`_checkEntry`, `_emitRecorded`).
/// Role checks are local (AccessControlEnumerable in this contract, one cold SLOAD); the writer's
/// department is resolved off chain through DepartmentRegistry. DEFAULT_ADMIN_ROLE is governance
/// (the timelock after bootstrap): it configures categories and grants CREDIT_WRITER_ROLE.
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

    /// @dev Stored delta of a revocation record (outside every category's range).
    int16 private constant REVOCATION_MARK = type(int16).min;
    /// @dev Bit position of the record count in a ledger word (the score occupies bits 0..31).
    uint256 private constant COUNT_SHIFT = 32;
    /// @dev Bits 0..63 of a ledger word: score and record count.
    uint256 private constant HEADER_MASK = type(uint64).max;
    /// @dev Bit position of record 0's delta in a ledger word.
    uint256 private constant INLINE_SHIFT = 64;
    /// @dev Number of deltas kept in the ledger word (records 0..11).
    uint256 private constant INLINE_DELTAS = 12;
    /// @dev Width of a stored delta, in bits.
    uint256 private constant DELTA_BITS = 16;
    /// @dev Deltas per overflow page (16 x 16 bits = one word).
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

    mapping(uint16 id => Category) private _categories;
    mapping(bytes32 subject => uint256 ledger) private _ledgers;
    mapping(bytes32 subject => mapping(uint256 page => uint256 deltas)) private _overflowDeltas;
    mapping(bytes32 subject => mapping(uint256 word => uint256 flags)) private _revokedFlags;

    /// @param admin the bootstrap governance account (the deployer, who later hands over to the timelock)
    constructor(address admin) {
        if (admin == address(0)) revert CreditRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ICreditRegistry
    function configureCategory(
        uint16 category,
        string calldata name,
        bool active,
        bool isPublic,
        int16 minDelta,
        int16 maxDelta
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (category == REVOCATION_CATEGORY) revert CreditRegistryReservedCategory(category);
        if (bytes(name).length == 0 || bytes(name).length > MAX_NAME_BYTES) {
            revert CreditRegistryInvalidCategoryName(category);
        }
        if (minDelta > maxDelta || minDelta == REVOCATION_MARK) {
            revert CreditRegistryInvalidDeltaRange(category, minDelta, maxDelta);
        }
        _categories[category] =
            Category({configured: true, active: active, isPublic: isPublic, minDelta: minDelta, maxDelta: maxDelta});
        emit CategoryConfigured(category, name, active, isPublic, minDelta, maxDelta);
    }

    /// @inheritdoc ICreditRegistry
    function append(bytes32 subject, Entry calldata entry)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint32 index)
    {
        (int16 minDelta, int16 maxDelta) = _activeRange(0, entry.category);
        index = _append(0, subject, entry, minDelta, maxDelta);
    }

    /// @inheritdoc ICreditRegistry
    function appendBatch(bytes32[] calldata subjects, Entry[] calldata entries) external onlyRole(CREDIT_WRITER_ROLE) {
        uint256 size = subjects.length;
        if (entries.length != size) revert CreditRegistryLengthMismatch(size, entries.length);
        if (size == 0) revert CreditRegistryEmptyBatch();
        if (size > MAX_BATCH_SIZE) revert CreditRegistryBatchTooLarge(size, MAX_BATCH_SIZE);
        // a sync batch is mostly one category: its range is read again only when the category changes
        uint16 loaded = entries[0].category;
        (int16 minDelta, int16 maxDelta) = _activeRange(0, loaded);
        for (uint256 i; i < size; ++i) {
            Entry calldata entry = entries[i];
            uint16 id = entry.category;
            if (id != loaded) {
                (minDelta, maxDelta) = _activeRange(i, id);
                loaded = id;
            }
            _append(i, subjects[i], entry, minDelta, maxDelta);
        }
    }

    /// @inheritdoc ICreditRegistry
    function correct(bytes32 subject, uint32 refIndex, Entry calldata entry)
        external
        onlyRole(CREDIT_WRITER_ROLE)
        returns (uint32 index)
    {
        uint256 ledger = _ledgers[subject];
        int16 oldDelta = _amendableDelta(subject, ledger, refIndex);
        (int16 minDelta, int16 maxDelta) = _activeRange(0, entry.category);
        int16 delta = _checkEntry(0, entry, minDelta, maxDelta);
        int32 score = _checkedScore(subject, int256(_score(ledger)) - oldDelta + delta);
        _markRevoked(subject, refIndex);
        index = _push(subject, ledger, score, delta);
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
        int16 oldDelta = _amendableDelta(subject, ledger, refIndex);
        int32 score = _checkedScore(subject, int256(_score(ledger)) - oldDelta);
        _markRevoked(subject, refIndex);
        index = _push(subject, ledger, score, REVOCATION_MARK);
        emit CreditRecorded(subject, REVOCATION_CATEGORY, _msgSender(), 0, evidenceHash, uint40(block.timestamp), 0);
        emit CreditRecordAmended(subject, refIndex, index, AmendmentKind.Revocation);
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
        int16 stored = _deltaAt(subject, ledger, index);
        state.isRevocation = stored == REVOCATION_MARK;
        state.delta = state.isRevocation ? int16(0) : stored;
        state.revoked = _revokedFlags[subject][index / FLAGS_PER_WORD] & _flagBit(index) != 0;
    }

    /// @inheritdoc ICreditRegistry
    function getCategory(uint16 category) external view returns (Category memory) {
        return _categories[category];
    }

    /// @inheritdoc ICreditRegistry
    function recordId(bytes32 subject, uint32 index) external pure returns (bytes32) {
        return keccak256(abi.encode(subject, index));
    }

    /// @dev Checks and appends `entry` about `subject`; its category is active with delta range
    /// [`minDelta`, `maxDelta`]. `position` is the record's place in the call, for errors.
    function _append(uint256 position, bytes32 subject, Entry calldata entry, int16 minDelta, int16 maxDelta)
        private
        returns (uint32 index)
    {
        if (subject == bytes32(0)) revert CreditRegistryZeroSubject(position);
        int16 delta = _checkEntry(position, entry, minDelta, maxDelta);
        uint256 ledger = _ledgers[subject];
        int256 score;
        unchecked {
            score = int256(_score(ledger)) + delta; // an int32 plus an int16 cannot overflow an int256
        }
        index = _push(subject, ledger, _checkedScore(subject, score), delta);
        _emitRecorded(subject, entry);
    }

    /// @dev The delta range of category `id`, which must be configured and active (one SLOAD).
    function _activeRange(uint256 position, uint16 id) private view returns (int16 minDelta, int16 maxDelta) {
        Category memory config = _categories[id];
        if (!config.configured) revert CreditRegistryUnknownCategory(position, id);
        if (!config.active) revert CreditRegistryInactiveCategory(position, id);
        return (config.minDelta, config.maxDelta);
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

    /// @dev The stored delta of record `refIndex` of `subject`, which must exist, not be revoked and
    /// not be a revocation record.
    function _amendableDelta(bytes32 subject, uint256 ledger, uint32 refIndex) private view returns (int16 delta) {
        uint32 count = _count(ledger);
        if (refIndex >= count) revert CreditRegistryUnknownRecord(subject, refIndex, count);
        delta = _deltaAt(subject, ledger, refIndex);
        if (delta == REVOCATION_MARK) revert CreditRegistryRevocationNotAmendable(subject, refIndex);
        if (_revokedFlags[subject][refIndex / FLAGS_PER_WORD] & _flagBit(refIndex) != 0) {
            revert CreditRegistryRecordAlreadyRevoked(subject, refIndex);
        }
    }

    /// @dev Sets the revoked flag of record `index` of `subject`.
    function _markRevoked(bytes32 subject, uint32 index) private {
        _revokedFlags[subject][index / FLAGS_PER_WORD] |= _flagBit(index);
    }

    /// @dev Appends a record with stored delta `storedDelta` to `subject`, whose ledger word was
    /// `ledger`, and sets the subject's score to `score`. Returns the new record's index.
    function _push(bytes32 subject, uint256 ledger, int32 score, int16 storedDelta) private returns (uint32 index) {
        index = _count(ledger);
        if (index == type(uint32).max) revert CreditRegistryTooManyRecords(subject);
        uint256 bits = uint256(uint16(storedDelta));
        // unchecked: index < 2^32 - 1, so no count, shift amount or page number below can overflow
        unchecked {
            if (index < INLINE_DELTAS) {
                ledger |= bits << (INLINE_SHIFT + DELTA_BITS * index);
            } else if (bits != 0) {
                // a zero delta leaves the (zero-initialised) overflow slot as it is
                uint256 overflow = index - INLINE_DELTAS;
                _overflowDeltas[subject][overflow / PAGE_DELTAS] |= bits << (DELTA_BITS * (overflow % PAGE_DELTAS));
            }
            _ledgers[subject] =
                (ledger & ~HEADER_MASK) | (uint256(index + 1) << COUNT_SHIFT) | uint256(uint32(score));
        }
    }

    /// @dev The stored delta of record `index` of `subject` (REVOCATION_MARK for a revocation record).
    function _deltaAt(bytes32 subject, uint256 ledger, uint32 index) private view returns (int16) {
        // unchecked: index < 2^32, so no shift amount or page number below can overflow
        unchecked {
            if (index < INLINE_DELTAS) return int16(uint16(ledger >> (INLINE_SHIFT + DELTA_BITS * index)));
            uint256 overflow = index - INLINE_DELTAS;
            uint256 page = _overflowDeltas[subject][overflow / PAGE_DELTAS];
            return int16(uint16(page >> (DELTA_BITS * (overflow % PAGE_DELTAS))));
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
