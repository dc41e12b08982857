// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Credit records (信用体系): an append-only ledger of what departments record about a subject
/// @notice A subject is a person's identity commitment (govchain/domain.py `identity_commitment`) or an
/// enterprise's code left-aligned in a bytes32 (`USCC.subject`). A record says, in one of the
/// categories governance configures (tax compliance, administrative penalty, court judgment,
/// commendation, ...), that the subject's score changes by `delta`, with the hash of the evidence
/// document and a validity period. Records are never edited or deleted: a correction or a revocation
/// is a NEW record that closes an older one of the same subject. A record is identified by
/// (subject, index), index counting the subject's records from 0 (`recordId` gives the bytes32 key
/// that DepartmentRegistry.flagRecord takes).
///
/// The score of a subject is always the sum of the deltas of its records that are not revoked or
/// superseded. Validity periods (validFrom / validUntil) are informational: they travel in the
/// events for the off-chain views (e.g. "penalties of the last three years") and do NOT change the
/// on-chain score.
///
/// Writers hold CREDIT_WRITER_ROLE; an event names the writing account, whose department the
/// indexer resolves through DepartmentRegistry (OfficerAssigned / OfficerRemoved, as of the
/// record's block). Every department reads the same records from the events.
interface ICreditRegistry {
    /// @notice How a later record amends an older one.
    enum AmendmentKind {
        Correction, // the old record is superseded by a new record with its own category and delta
        Revocation // the old record is revoked; the new record carries delta 0 and REVOCATION_CATEGORY
    }

    /// @notice A record category, packed in one storage slot.
    struct Category {
        bool configured; // governance configured it at least once (unknown categories are refused)
        bool active; // new records and corrections may use it; records in it can be revoked either way
        bool isPublic; // the public explorer shows its records (every department sees all of them)
        int16 minDelta; // lowest delta a record of this category may carry
        int16 maxDelta; // highest delta a record of this category may carry
    }

    /// @notice What a writer states about a subject: the content of one record.
    struct Entry {
        uint16 category; // a configured, active category id
        int16 delta; // score change, within the category's [minDelta, maxDelta]
        bytes32 evidenceHash; // hash of the evidence document kept off chain (decision, judgment, ...)
        uint40 validFrom; // informational: start of validity, unix seconds
        uint40 validUntil; // informational: end of validity (exclusive), unix seconds; 0 = open-ended
    }

    /// @notice The on-chain state of one record (the rest of it is in its CreditRecorded event).
    struct RecordState {
        int16 delta; // the record's delta (0 for a revocation record)
        bool revoked; // a later record revoked or superseded it: its delta no longer counts
        bool isRevocation; // the record is itself a revocation (final: it cannot be amended)
    }

    /// @notice The constructor's admin is the zero address.
    error CreditRegistryZeroAddress();
    /// @notice Category id REVOCATION_CATEGORY is reserved for revocation records and cannot be configured.
    error CreditRegistryReservedCategory(uint16 category);
    /// @notice The category name is empty or longer than MAX_NAME_BYTES.
    error CreditRegistryInvalidCategoryName(uint16 category);
    /// @notice `minDelta` > `maxDelta`, or `minDelta` is type(int16).min (the revocation mark).
    error CreditRegistryInvalidDeltaRange(uint16 category, int16 minDelta, int16 maxDelta);
    /// @notice Record number `position` of the call (0 for single-record calls) has the zero subject.
    error CreditRegistryZeroSubject(uint256 position);
    /// @notice Record number `position` of the call names a category governance never configured.
    error CreditRegistryUnknownCategory(uint256 position, uint16 category);
    /// @notice Record number `position` of the call names an inactive category.
    error CreditRegistryInactiveCategory(uint256 position, uint16 category);
    /// @notice Record number `position` of the call has a delta outside its category's range.
    error CreditRegistryDeltaOutOfRange(uint256 position, uint16 category, int16 delta, int16 minDelta, int16 maxDelta);
    /// @notice Record number `position` of the call ends its validity (non-zero `validUntil`) at or before it starts.
    error CreditRegistryInvalidValidity(uint256 position, uint40 validFrom, uint40 validUntil);
    /// @notice The subject's score would leave the int32 range.
    error CreditRegistryScoreOverflow(bytes32 subject, int256 score);
    /// @notice `subject` has 2^32 - 1 records, the most a ledger word counts.
    error CreditRegistryTooManyRecords(bytes32 subject);
    /// @notice The batch has no record.
    error CreditRegistryEmptyBatch();
    /// @notice The batch has more than MAX_BATCH_SIZE records; the client splits it.
    error CreditRegistryBatchTooLarge(uint256 size, uint256 max);
    /// @notice The batch's arrays differ in length.
    error CreditRegistryLengthMismatch(uint256 subjects, uint256 entries);
    /// @notice `subject` has no record `index` (it has `recordCount` records).
    error CreditRegistryUnknownRecord(bytes32 subject, uint32 index, uint32 recordCount);
    /// @notice Record `index` of `subject` was already revoked or superseded.
    error CreditRegistryRecordAlreadyRevoked(bytes32 subject, uint32 index);
    /// @notice Record `index` of `subject` is a revocation record, which is final.
    error CreditRegistryRevocationNotAmendable(bytes32 subject, uint32 index);

    /// @notice Emitted when governance configures (or reconfigures) category `category`.
    /// @param name display name, e.g. "纳税信用" (tax compliance); kept only in this event
    event CategoryConfigured(
        uint16 indexed category, string name, bool active, bool isPublic, int16 minDelta, int16 maxDelta
    );
    /// @notice Emitted for every record, including corrections and revocations (followed by CreditRecordAmended).
    /// A record's index is its position among the CreditRecorded events of its subject, in log order,
    /// counting from 0 (recordCountOf gives the total; CreditRecordAmended names indices explicitly).
    /// @param subject identity commitment or bytes32(USCC)
    /// @param category the record's category (REVOCATION_CATEGORY for a revocation)
    /// @param writer the CREDIT_WRITER_ROLE account that wrote it (its department: DepartmentRegistry)
    /// @param delta the score change (0 for a revocation)
    /// @param evidenceHash hash of the evidence document kept off chain
    /// @param validFrom informational start of validity (the block time for a revocation)
    /// @param validUntil informational end of validity, exclusive; 0 = open-ended
    event CreditRecorded(
        bytes32 indexed subject,
        uint16 indexed category,
        address writer,
        int16 delta,
        bytes32 evidenceHash,
        uint40 validFrom,
        uint40 validUntil
    );
    /// @notice Emitted right after the CreditRecorded of a correction or revocation: record `amendedIndex`
    /// of `subject` no longer counts, because of record `amendmentIndex`.
    event CreditRecordAmended(
        bytes32 indexed subject, uint32 indexed amendedIndex, uint32 amendmentIndex, AmendmentKind kind
    );

    /// @notice Configures category `category`: display `name`, `active`, `isPublic` and the delta range.
    /// Governance only (DEFAULT_ADMIN_ROLE). A new range applies to later records only.
    /// @dev Reverts with CreditRegistryReservedCategory, CreditRegistryInvalidCategoryName,
    /// CreditRegistryInvalidDeltaRange. Emits CategoryConfigured.
    function configureCategory(
        uint16 category,
        string calldata name,
        bool active,
        bool isPublic,
        int16 minDelta,
        int16 maxDelta
    ) external;

    /// @notice Appends one record about `subject`. CREDIT_WRITER_ROLE.
    /// @dev Reverts with CreditRegistryZeroSubject, CreditRegistryUnknownCategory,
    /// CreditRegistryInactiveCategory, CreditRegistryDeltaOutOfRange, CreditRegistryInvalidValidity,
    /// CreditRegistryScoreOverflow, CreditRegistryTooManyRecords (the errors' `position` is 0). An entry
    /// word that does not fit its field's type reverts without data, as any ABI decoding failure.
    /// Emits CreditRecorded.
    /// @return index the new record's index among the subject's records
    function append(bytes32 subject, Entry calldata entry) external returns (uint32 index);

    /// @notice Appends `entries[i]` about `subjects[i]` for every i, in order, in one transaction.
    /// CREDIT_WRITER_ROLE. All or nothing: one bad record reverts the batch with its error, whose
    /// `position` is its place in the batch. At most MAX_BATCH_SIZE records; the client splits.
    /// @dev Reverts with CreditRegistryLengthMismatch, CreditRegistryEmptyBatch,
    /// CreditRegistryBatchTooLarge and the errors of `append`. Emits CreditRecorded per record.
    function appendBatch(bytes32[] calldata subjects, Entry[] calldata entries) external;

    /// @notice Supersedes record `refIndex` of `subject` with a new record `entry`: the old delta stops
    /// counting, the new one counts. CREDIT_WRITER_ROLE.
    /// @dev Reverts with CreditRegistryUnknownRecord, CreditRegistryRecordAlreadyRevoked,
    /// CreditRegistryRevocationNotAmendable, then the errors of `append` except CreditRegistryZeroSubject
    /// (a zero subject has no record to correct). Emits CreditRecorded, then CreditRecordAmended (Correction).
    /// @return index the correcting record's index
    function correct(bytes32 subject, uint32 refIndex, Entry calldata entry) external returns (uint32 index);

    /// @notice Revokes record `refIndex` of `subject` with a new revocation record (delta 0, category
    /// REVOCATION_CATEGORY, valid from the block time, open-ended) citing `evidenceHash`. The revoked
    /// record's category plays no part (it may have been deactivated since). A revocation is final:
    /// to undo one, append a new record. CREDIT_WRITER_ROLE.
    /// @dev Reverts with CreditRegistryUnknownRecord, CreditRegistryRecordAlreadyRevoked,
    /// CreditRegistryRevocationNotAmendable, CreditRegistryScoreOverflow, CreditRegistryTooManyRecords.
    /// Emits CreditRecorded, then CreditRecordAmended (Revocation).
    /// @return index the revocation record's index
    function revoke(bytes32 subject, uint32 refIndex, bytes32 evidenceHash) external returns (uint32 index);

    /// @notice The current score of `subject`: the sum of the deltas of its records that are not
    /// revoked or superseded (0 for a subject without records). Validity periods do not enter it.
    function scoreOf(bytes32 subject) external view returns (int32);

    /// @notice How many records `subject` has (revoked, superseded and revocation records included).
    function recordCountOf(bytes32 subject) external view returns (uint32);

    /// @notice The on-chain state of record `index` of `subject`.
    /// @dev Reverts with CreditRegistryUnknownRecord.
    function recordState(bytes32 subject, uint32 index) external view returns (RecordState memory);

    /// @notice Category `category` as governance configured it (all fields false/0 when unknown).
    function getCategory(uint16 category) external view returns (Category memory);

    /// @notice The bytes32 key of record `index` of `subject`, as DepartmentRegistry.flagRecord takes it:
    /// keccak256(abi.encode(subject, index)).
    function recordId(bytes32 subject, uint32 index) external pure returns (bytes32);
}
