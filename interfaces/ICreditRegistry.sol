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
/// Writers hold CREDIT_WRITER_ROLE and are officers of an active department (DepartmentRegistry).
/// Every category has an OWNER department, set by governance: only the owner's writers append records
/// in it, and only they correct or revoke a record of it (a correction's new record must be in a
/// category they own as well). An event names the writing account.
///
/// Public and non-public categories. Records of a PUBLIC category are plaintext: their events carry
/// subject, category and delta, every department and every citizen reads them, and they make up the
/// on-chain score. Records of a NON-PUBLIC category never reach the chain in plaintext: they can only
/// be written through the SEALED path (`appendSealed`), which refuses public categories just as the
/// plaintext path refuses non-public ones (CreditRegistryNonPublicCategory). A sealed record puts on
/// chain only
/// - its category id (public, so that the contract can check the writer owns it; the subject, delta,
///   evidence and validity are not), the writing account and a sealed-record id;
/// - a salted commitment `sealCommitment(subject, entry, salt)` =
///   keccak256(abi.encode(subject, entry.category, entry.delta, entry.evidenceHash, entry.validFrom,
///   entry.validUntil, salt)), with a random 32-byte salt so that nobody can test guesses against it;
/// - one ciphertext per department entitled to read the category (`categoryReaders`, in that order):
///   the record (subject | category | delta | evidenceHash | validFrom | validUntil | salt, packed
///   big-endian as bytes32, uint16, int16, bytes32, uint40, uint40, bytes32: 110 bytes) encrypted with
///   ECIES on secp256k1 (eciespy: ephemeral key, HKDF-SHA256, AES-256-GCM) to that department's
///   public key (`readerKey`, registered by governance; the department keeps the private key).
/// A reader decrypts its ciphertext and checks the record against the commitment (and the category);
/// the contract cannot check either, so a ciphertext that does not open to the commitment is evidence
/// against its writer. Sealed records do NOT enter the public on-chain score (`scoreOf`): the
/// entitled departments compute what they need from the records they open. A sealed record is revoked
/// by its category's owner (`revokeSealed`); a correction is a revocation plus a new sealed record.
interface ICreditRegistry {
    /// @notice How a later record amends an older one.
    enum AmendmentKind {
        Correction, // the old record is superseded by a new record with its own category and delta
        Revocation // the old record is revoked; the new record carries delta 0 and REVOCATION_CATEGORY
    }

    /// @notice A record category.
    struct Category {
        bool configured; // governance configured it at least once (unknown categories are refused)
        bool active; // new records and corrections may use it; records in it can be revoked either way
        bool isPublic; // plaintext records everyone reads; false: sealed records only its readers open
        int16 minDelta; // lowest delta a record of this category may carry (>= MIN_DELTA)
        int16 maxDelta; // highest delta a record of this category may carry (<= MAX_DELTA)
        bytes32 owner; // code of the department (DepartmentRegistry) that writes, corrects and revokes its records
    }

    /// @notice A sealed record as its writer sends it (see the interface notice).
    struct SealedEntry {
        bytes32 commitment; // sealCommitment(subject, entry, salt)
        bytes[] ciphertexts; // the record encrypted to each of categoryReaders(category), in that order
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
        uint16 category; // the record's category (REVOCATION_CATEGORY for a revocation record)
    }

    /// @notice The constructor's admin is the zero address.
    error CreditRegistryZeroAddress();
    /// @notice Category id REVOCATION_CATEGORY is reserved for revocation records and cannot be configured.
    error CreditRegistryReservedCategory(uint16 category);
    /// @notice The category name is empty or longer than MAX_NAME_BYTES.
    error CreditRegistryInvalidCategoryName(uint16 category);
    /// @notice Category ids run from 1 to MAX_CATEGORY (a record stores its category in 6 bits).
    error CreditRegistryCategoryOutOfRange(uint16 category, uint16 maxCategory);
    /// @notice `minDelta` > `maxDelta`, or the range leaves [MIN_DELTA, MAX_DELTA] (a record stores its delta in 10 bits).
    error CreditRegistryInvalidDeltaRange(uint16 category, int16 minDelta, int16 maxDelta);
    /// @notice The category's owner is the zero code, longer than MAX_OWNER_CODE_BYTES, or an inactive
    /// department (DepartmentRegistry refuses unregistered codes itself: DepartmentRegistryUnknownDepartment).
    error CreditRegistryInvalidOwner(uint16 category, bytes32 owner);
    /// @notice Record number `position` of the call is in, or amends a record in, `category`, which
    /// `department` (the writer's) does not own: `owner` does.
    error CreditRegistryNotCategoryOwner(uint256 position, uint16 category, bytes32 department, bytes32 owner);
    /// @notice Record number `position` of a plaintext call is in non-public `category`: use appendSealed.
    error CreditRegistryNonPublicCategory(uint256 position, uint16 category);
    /// @notice appendSealed was called for public `category`: its records are plaintext (append).
    error CreditRegistryPublicCategory(uint16 category);
    /// @notice A reader public key is not a 33-byte compressed secp256k1 point encoding (0x02 / 0x03 prefix).
    error CreditRegistryInvalidReaderKey(bytes32 department);
    /// @notice Department `department` has no reader key registered (setReaderKey first).
    error CreditRegistryNoReaderKey(bytes32 department);
    /// @notice Non-public `category` has no reader configured, so nobody could open a sealed record in it.
    error CreditRegistryNoReaders(uint16 category);
    /// @notice The reader list names a department twice or is longer than MAX_READERS.
    error CreditRegistryInvalidReaders(uint16 category);
    /// @notice Sealed record number `position` of the call has `count` ciphertexts, not one per reader (`readers`).
    error CreditRegistryCiphertextCount(uint256 position, uint256 count, uint256 readers);
    /// @notice Sealed record number `position` of the call has the zero commitment.
    error CreditRegistryZeroCommitment(uint256 position);
    /// @notice There is no sealed record `sealedId` (there are `count`).
    error CreditRegistryUnknownSealedRecord(uint256 sealedId, uint256 count);
    /// @notice Sealed record `sealedId` was already revoked.
    error CreditRegistrySealedRecordAlreadyRevoked(uint256 sealedId);
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
    /// @param owner the department that writes, corrects and revokes the category's records
    event CategoryConfigured(
        uint16 indexed category, string name, bool active, bool isPublic, int16 minDelta, int16 maxDelta, bytes32 owner
    );
    /// @notice Emitted when governance sets the departments entitled to read sealed records of `category`.
    event CategoryReadersSet(uint16 indexed category, bytes32[] readers);
    /// @notice Emitted when governance registers (or rotates) `department`'s reader public key; records
    /// sealed before keep the key they were sealed to.
    event ReaderKeySet(bytes32 indexed department, bytes publicKey);
    /// @notice Emitted for every sealed record (see the interface notice); nothing in it is the record in plaintext.
    /// @param sealedId the record's id among all sealed records, from 0
    /// @param category the record's (non-public) category
    /// @param writer the CREDIT_WRITER_ROLE account that wrote it, an officer of the category's owner
    /// @param commitment sealCommitment(subject, entry, salt)
    /// @param readers the departments the record is encrypted to (categoryReaders at the time)
    /// @param ciphertexts the record encrypted to each reader's key, in the order of `readers`
    event CreditRecordSealed(
        uint256 indexed sealedId,
        uint16 indexed category,
        address writer,
        bytes32 commitment,
        bytes32[] readers,
        bytes[] ciphertexts
    );
    /// @notice Emitted when the category's owner revokes sealed record `sealedId`.
    /// @param reasonCommitment a commitment to the (sealed) reason, for the record's readers
    event SealedCreditRecordRevoked(uint256 indexed sealedId, address writer, bytes32 reasonCommitment);
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

    /// @notice Configures category `category`: display `name`, `active`, `isPublic`, the delta range and
    /// the `owner` department. Governance only (DEFAULT_ADMIN_ROLE). A new range applies to later records
    /// only; a new owner amends the category's earlier records too. A category made non-public later
    /// keeps its earlier plaintext records (they were public when written).
    /// @dev Reverts with CreditRegistryReservedCategory, CreditRegistryCategoryOutOfRange,
    /// CreditRegistryInvalidCategoryName, CreditRegistryInvalidDeltaRange, CreditRegistryInvalidOwner,
    /// and DepartmentRegistryUnknownDepartment when `owner` is not registered. Emits CategoryConfigured.
    function configureCategory(
        uint16 category,
        string calldata name,
        bool active,
        bool isPublic,
        int16 minDelta,
        int16 maxDelta,
        bytes32 owner
    ) external;

    /// @notice Sets the departments entitled to read sealed records of `category` (each needs a reader
    /// key). Later sealed records are encrypted to them; earlier ones keep their readers. Governance only.
    /// @dev Reverts with CreditRegistryCategoryOutOfRange, CreditRegistryNoReaders (empty list),
    /// CreditRegistryInvalidReaders, CreditRegistryNoReaderKey. Emits CategoryReadersSet.
    function setCategoryReaders(uint16 category, bytes32[] calldata readers) external;

    /// @notice Registers `department`'s reader public key (33-byte compressed secp256k1), to which
    /// sealed records are encrypted. Governance only.
    /// @dev Reverts with CreditRegistryInvalidReaderKey. Emits ReaderKeySet.
    function setReaderKey(bytes32 department, bytes calldata publicKey) external;

    /// @notice Appends one record about `subject`, in a public category its department owns.
    /// CREDIT_WRITER_ROLE, officer of an active department.
    /// @dev Reverts with DepartmentRegistryNotAnOfficer / DepartmentRegistryInactiveOfficer,
    /// CreditRegistryZeroSubject, CreditRegistryUnknownCategory, CreditRegistryInactiveCategory,
    /// CreditRegistryNonPublicCategory, CreditRegistryNotCategoryOwner, CreditRegistryDeltaOutOfRange,
    /// CreditRegistryInvalidValidity, CreditRegistryScoreOverflow, CreditRegistryTooManyRecords (the
    /// errors' `position` is 0). An entry word that does not fit its field's type reverts without data,
    /// as any ABI decoding failure. Emits CreditRecorded.
    /// @return index the new record's index among the subject's records
    function append(bytes32 subject, Entry calldata entry) external returns (uint32 index);

    /// @notice Appends `entries[i]` about `subjects[i]` for every i, in order, in one transaction.
    /// CREDIT_WRITER_ROLE. All or nothing: one bad record reverts the batch with its error, whose
    /// `position` is its place in the batch. At most MAX_BATCH_SIZE records; the client splits.
    /// @dev Reverts with CreditRegistryLengthMismatch, CreditRegistryEmptyBatch,
    /// CreditRegistryBatchTooLarge and the errors of `append`. Emits CreditRecorded per record.
    function appendBatch(bytes32[] calldata subjects, Entry[] calldata entries) external;

    /// @notice Supersedes record `refIndex` of `subject` with a new record `entry`: the old delta stops
    /// counting, the new one counts. CREDIT_WRITER_ROLE, officer of the department that owns the old
    /// record's category and the new record's category.
    /// @dev Reverts with CreditRegistryUnknownRecord, CreditRegistryRecordAlreadyRevoked,
    /// CreditRegistryRevocationNotAmendable, CreditRegistryNotCategoryOwner (the old record's category),
    /// then the errors of `append` except CreditRegistryZeroSubject (a zero subject has no record to
    /// correct). Emits CreditRecorded, then CreditRecordAmended (Correction).
    /// @return index the correcting record's index
    function correct(bytes32 subject, uint32 refIndex, Entry calldata entry) external returns (uint32 index);

    /// @notice Revokes record `refIndex` of `subject` with a new revocation record (delta 0, category
    /// REVOCATION_CATEGORY, valid from the block time, open-ended) citing `evidenceHash`. The revoked
    /// record's category plays no part (it may have been deactivated since). A revocation is final:
    /// to undo one, append a new record. CREDIT_WRITER_ROLE, officer of the department that owns the
    /// revoked record's category (now).
    /// @dev Reverts with DepartmentRegistryNotAnOfficer / DepartmentRegistryInactiveOfficer,
    /// CreditRegistryUnknownRecord, CreditRegistryRecordAlreadyRevoked, CreditRegistryRevocationNotAmendable,
    /// CreditRegistryNotCategoryOwner, CreditRegistryScoreOverflow, CreditRegistryTooManyRecords.
    /// Emits CreditRecorded, then CreditRecordAmended (Revocation).
    /// @return index the revocation record's index
    function revoke(bytes32 subject, uint32 refIndex, bytes32 evidenceHash) external returns (uint32 index);

    /// @notice Appends sealed records in non-public `category`, which the writer's department owns (see
    /// the interface notice). CREDIT_WRITER_ROLE, officer of an active department. All or nothing, at
    /// most MAX_BATCH_SIZE records. The public score does not change.
    /// @dev Reverts with DepartmentRegistryNotAnOfficer / DepartmentRegistryInactiveOfficer,
    /// CreditRegistryEmptyBatch, CreditRegistryBatchTooLarge, CreditRegistryUnknownCategory,
    /// CreditRegistryInactiveCategory, CreditRegistryPublicCategory, CreditRegistryNotCategoryOwner,
    /// CreditRegistryNoReaders, CreditRegistryZeroCommitment, CreditRegistryCiphertextCount.
    /// Emits CreditRecordSealed per record.
    /// @return firstId the sealed-record id of `records[0]` (the others follow in order)
    function appendSealed(uint16 category, SealedEntry[] calldata records) external returns (uint256 firstId);

    /// @notice Revokes sealed record `sealedId`. CREDIT_WRITER_ROLE, officer of the department that owns
    /// its category (now).
    /// @dev Reverts with DepartmentRegistryNotAnOfficer / DepartmentRegistryInactiveOfficer,
    /// CreditRegistryUnknownSealedRecord, CreditRegistrySealedRecordAlreadyRevoked,
    /// CreditRegistryNotCategoryOwner. Emits SealedCreditRecordRevoked.
    function revokeSealed(uint256 sealedId, bytes32 reasonCommitment) external;

    /// @notice The category of sealed record `sealedId` and whether it was revoked.
    /// @dev Reverts with CreditRegistryUnknownSealedRecord.
    function sealedRecordState(uint256 sealedId) external view returns (uint16 category, bool revoked);

    /// @notice How many sealed records exist (ids 0 .. count - 1).
    function sealedRecordCount() external view returns (uint256);

    /// @notice The departments entitled to read sealed records of `category` (empty when none).
    function categoryReaders(uint16 category) external view returns (bytes32[] memory);

    /// @notice `department`'s reader public key (33-byte compressed secp256k1; empty when none).
    function readerKey(bytes32 department) external view returns (bytes memory);

    /// @notice The commitment a sealed record about `subject` with content `entry` carries:
    /// keccak256(abi.encode(subject, entry, salt)), `salt` being 32 random bytes.
    function sealCommitment(bytes32 subject, Entry calldata entry, bytes32 salt) external pure returns (bytes32);

    /// @notice The current score of `subject`: the sum of the deltas of its (plaintext) records that are
    /// not revoked or superseded (0 for a subject without records). Validity periods and sealed records
    /// do not enter it.
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
