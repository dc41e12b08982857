// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Programs: who is entitled, when, and on which budget line
/// @notice A program (e.g. 城乡居民基本养老保险, run by the social-security bureau 人社局) draws on
/// one budget line. The finance bureau (PROGRAM_ADMIN_ROLE) creates it with its terms: the running
/// department, a payment schedule (`periodCount` periods of `interval` seconds from `start`; period
/// p is due from start + p * interval), the spending limit per period within which batches need only
/// the four-eyes approval, and, for pensions, the maximum age of the beneficiary's proof-of-life
/// attestation. Officers of the running department (PROGRAM_OPERATOR_ROLE) keep the beneficiary
/// list: e-ID identity commitments, each given a permanent enrollment index in the program. The
/// index is what disbursement bitmaps and bank records refer to; it never changes, even when a
/// beneficiary is removed and later reinstated, so a period is never paid twice.
interface IProgramRegistry {
    /// @notice Why an enrolled beneficiary is left out of a batch (the rest of the batch goes ahead).
    enum Refusal {
        None, // eligible
        IdentityRevoked, // the e-ID binding was revoked (e.g. death reported, fraud)
        NoAttestation, // the program requires a proof-of-life attestation and there is none
        AttestationExpired // the latest attestation is older than the program's maximum age
    }

    /// @notice A program's terms, packed in three slots.
    struct Program {
        uint64 lineId; // the budget line it draws on (IBudgetRegistry)
        uint64 start; // block timestamp when period 0 falls due
        uint32 interval; // seconds between periods (e.g. 30 days)
        uint32 periodCount; // periods in the schedule: 0 .. periodCount - 1
        uint32 attestationMaxAge; // seconds a proof-of-life attestation stays valid; 0 = not required
        uint32 enrolled; // beneficiaries ever enrolled = the next enrollment index
        bytes32 department; // the running department (DepartmentRegistry code)
        uint64 periodLimit; // fen per period payable with the four-eyes approval alone
        bool separateExecutor; // batches need an executor who neither proposed nor approved them
    }

    /// @notice A program's terms as given to `createProgram`.
    struct ProgramTerms {
        uint256 lineId; // the approved budget line to draw on
        bytes32 department; // the running department (must be active)
        uint64 start; // when period 0 falls due
        uint32 interval; // seconds between periods (> 0)
        uint32 periodCount; // number of periods (> 0)
        uint256 periodLimit; // fen per period under four-eyes approval (0 = every batch needs full approval)
        uint32 attestationMaxAge; // seconds; 0 = no proof-of-life required
        bool separateExecutor; // separation of duties: the executor of a batch is neither its proposer nor an approver
    }

    /// @notice A beneficiary's place in a program.
    struct Enrollment {
        bool enrolled; // ever enrolled (the index is then valid)
        bool active; // currently on the list
        uint32 index; // permanent enrollment index
    }

    /// @notice What `resolve` found for one beneficiary.
    struct Resolution {
        uint32 index; // enrollment index
        address account; // the account bound to the beneficiary's e-ID (zero when revoked)
        Refusal refusal; // None when eligible
    }

    error ProgramRegistryZeroAddress();
    error ProgramRegistryUnknownProgram(uint256 programId);
    /// @notice The running department is not active.
    error ProgramRegistryInactiveDepartment(bytes32 department);
    error ProgramRegistryInvalidSchedule(uint32 interval, uint32 periodCount);
    /// @notice The period limit does not fit in a uint64 of fen.
    error ProgramRegistryAmountOverflow(uint256 amount);
    /// @notice `officer` is not an officer of program `programId`'s running department.
    error ProgramRegistryWrongDepartment(uint256 programId, address officer);
    error ProgramRegistryEmptyBatch();
    error ProgramRegistryBatchTooLarge(uint256 size, uint256 max);
    /// @notice `identity` is not a bound, unrevoked person in the e-ID registry.
    error ProgramRegistryUnknownIdentity(bytes32 identity);
    error ProgramRegistryAlreadyEnrolled(uint256 programId, bytes32 beneficiary);
    /// @notice `beneficiary` is not (or no longer) on program `programId`'s list.
    error ProgramRegistryNotEnrolled(uint256 programId, bytes32 beneficiary);
    error ProgramRegistryUnknownIndex(uint256 programId, uint256 index);

    /// @notice Emitted when finance creates program `programId` on line `lineId` of budget `budgetId`.
    event ProgramCreated(
        uint256 indexed programId,
        uint256 indexed lineId,
        bytes32 indexed department,
        uint256 budgetId,
        string name,
        ProgramTerms terms
    );
    /// @notice Emitted when `beneficiary` joins (or rejoins, with the same index) program `programId`.
    event BeneficiaryEnrolled(uint256 indexed programId, bytes32 indexed beneficiary, uint32 index);
    /// @notice Emitted when `beneficiary` leaves program `programId`'s list.
    event BeneficiaryRemoved(uint256 indexed programId, bytes32 indexed beneficiary, uint32 index, bytes32 reasonHash);

    /// @notice Creates a program on an approved budget line. PROGRAM_ADMIN_ROLE.
    /// @return programId the new program's id (from 1)
    /// @dev Reverts with ProgramRegistryInvalidSchedule, ProgramRegistryAmountOverflow,
    /// ProgramRegistryInactiveDepartment, and the BudgetRegistry's / DepartmentRegistry's unknown or
    /// not-approved errors. Emits ProgramCreated.
    function createProgram(string calldata name, ProgramTerms calldata terms) external returns (uint256 programId);

    /// @notice Adds `beneficiaries` to program `programId` (reinstating removed ones with their index).
    /// PROGRAM_OPERATOR_ROLE, officer of the running department.
    /// @dev All or nothing. Reverts with ProgramRegistryUnknownProgram, ProgramRegistryWrongDepartment,
    /// ProgramRegistryEmptyBatch, ProgramRegistryBatchTooLarge, ProgramRegistryUnknownIdentity,
    /// ProgramRegistryAlreadyEnrolled. Emits BeneficiaryEnrolled per beneficiary.
    function enroll(uint256 programId, bytes32[] calldata beneficiaries) external;

    /// @notice Takes `beneficiary` off program `programId`'s list. PROGRAM_OPERATOR_ROLE, running department.
    /// @dev Payouts already proposed are not affected (cancel the batch to stop them). Reverts with
    /// ProgramRegistryUnknownProgram, ProgramRegistryWrongDepartment, ProgramRegistryNotEnrolled.
    /// Emits BeneficiaryRemoved.
    function removeBeneficiary(uint256 programId, bytes32 beneficiary, bytes32 reasonHash) external;

    /// @notice Program `programId`'s terms. Reverts with ProgramRegistryUnknownProgram.
    function program(uint256 programId) external view returns (Program memory);

    /// @notice Number of programs (ids 1 .. programCount).
    function programCount() external view returns (uint256);

    /// @notice `beneficiary`'s enrollment in program `programId`.
    function enrollment(uint256 programId, bytes32 beneficiary) external view returns (Enrollment memory);

    /// @notice The beneficiary with enrollment `index` in program `programId` (bank records name beneficiaries by index).
    /// @dev Reverts with ProgramRegistryUnknownIndex.
    function beneficiaryAt(uint256 programId, uint256 index) external view returns (bytes32);

    /// @notice Block timestamp from which period `period` of program `programId` is due.
    function dueAt(uint256 programId, uint256 period) external view returns (uint256);

    /// @notice For each of `beneficiaries`: its enrollment index, bound account and whether (and why
    /// not) it may be paid now. Use it to preview a batch.
    /// @dev Reverts with ProgramRegistryUnknownProgram, and ProgramRegistryNotEnrolled for the first
    /// beneficiary not on the list.
    function resolve(uint256 programId, bytes32[] calldata beneficiaries) external view returns (Resolution[] memory);
}
