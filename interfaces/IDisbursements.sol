// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IProgramRegistry} from "./IProgramRegistry.sol";

/// @title Disbursements: the ledger that funds programs and pays their beneficiaries
/// @notice The ledger holds every program's funds (FiscalToken) and keeps the accounts of each
/// program and budget line. A batch goes through four steps:
/// 1. propose: an officer of the running department (OPERATOR_ROLE) proposes a period's payouts.
///    Here, and only here, each entry is checked: enrolled (else the program registry's
///    ProgramRegistryNotEnrolled), amount non-zero and within uint64, not twice in the batch, not
///    already paid or reserved for this program and period. Eligibility (revoked e-ID, missing or
///    stale proof of life) is not an error: the entry is left out and reported in PayoutRefused,
///    the rest of the batch goes ahead. Accepted entries reserve their bit in the program's
///    (period, enrollment index) bitmap and their amount in the program's funds; the batch keeps
///    only a running hash of its entries (PayoutWord). Large batches are proposed in parts
///    (`extendBatch`) before any approval. A batch's content is the sequence of pairs
///    (PayoutWord, beneficiary commitment); its content hash chains both words of every pair.
/// 2. approve: a second officer of the running department (APPROVER_ROLE, not the proposer)
///    approves the exact content hash: four eyes. When the batch brings the period's total over
///    the program's period limit it also needs FULL_APPROVAL_FINANCE_APPROVALS approvals of
///    finance-department officers (the full approval).
/// 3. execute (EXECUTOR_ROLE, an officer of the running department; where the program or the
///    consortium requires it, not the proposer nor an approver): the entries are sent again as
///    calldata; the ledger checks their hash against the approved one and reads, in one call to
///    the e-ID registry, the account each beneficiary acts through now. An entry whose identity was
///    revoked, or (wallet mode) whose key was replaced by a recovery after the proposal, is
///    withheld (PayoutWithheld): not paid, its reservation released so that it can be proposed
///    again to the current account. Wallet mode: one token transfer per paid entry. Bank mode: the
///    bank has paid in fiat; the ledger records each entry with its settlement reference
///    (BankPayoutsRecorded), computes on chain the Merkle root over the (batchId, beneficiary
///    commitment, amount, settlement reference) leaves of the recorded entries, in order, and burns
///    their total. The root citizens verify against is thus exactly that of the approved, executed
///    records; no caller supplies it.
/// 4. refund: an erroneous payout is corrected by a refund to the program that names the batch and
///    the beneficiary; history is never edited. A wallet refund pulls the money back from the payee
///    (with their allowance). A bank-settled refund re-mints what the bank returned, so it needs two
///    parties: an operator requests it against the payout's Merkle proof (naming its settlement
///    reference) and the partner bank (BANK_ROLE) or a second officer of the running department
///    confirms it. Refunds of a payout never exceed it, and those of a batch never exceed what it paid.
/// Every line's figures add up: allocated = disbursed + remaining - refunded.
interface IDisbursements {
    /// @notice How a batch pays its beneficiaries. Amounts are in fen (the token's 2 decimals) and fit a uint64.
    enum PayoutMode {
        Wallet, // a token transfer to the account bound to the beneficiary's e-ID
        Bank // the bank pays in fiat; the chain records (commitment, amount, settlement reference) and burns the tokens
    }

    /// @notice Where a batch stands.
    enum BatchStatus {
        None, // no such batch
        Proposed, // collecting entries and approvals
        Approved, // approved: may be executed until it expires
        Executed, // paid
        Cancelled // cancelled before execution; its reservations were released
    }

    /// @notice A disbursement batch, packed in three slots.
    struct Batch {
        bytes32 contentHash; // running hash of the accepted entries' PayoutWords
        uint64 programId; // the program paying
        uint32 period; // the schedule period paid
        uint32 count; // accepted entries
        uint64 total; // sum of the accepted entries, fen
        BatchStatus status; // see BatchStatus
        PayoutMode mode; // wallet or bank-settled
        bool needsFullApproval; // the period's total exceeds the program's period limit
        bool departmentApproved; // a second officer of the running department approved
        uint8 financeApprovals; // finance-department approvals (counted only when needsFullApproval)
        address proposer; // the officer who proposed it (cannot approve it)
        uint64 proposedAt; // block timestamp of the proposal; the batch expires BATCH_VALIDITY later
        uint32 gasEstimate; // wallet mode: estimated execution gas of the payouts (fresh vs existing holders)
    }

    /// @notice A program's money, packed in three slots (the first one is all that execution writes).
    struct ProgramAccount {
        uint64 lineId; // the budget line funding it (0 until first funded)
        uint64 disbursed; // fen paid out
        uint64 reserved; // fen held by batches proposed but not yet executed or cancelled
        uint64 refunded; // fen refunded back to the program
        uint64 allocation; // fen allocated from the line (and minted to the ledger)
        bool separateExecutor; // the program requires an executor who neither proposed nor approved (copied at funding)
        bytes32 department; // the running department (copied from the program registry at funding)
    }

    /// @notice What became of one payout after execution, in one slot (written only by withholding and refunds).
    struct PayoutState {
        uint64 refunded; // fen refunded so far
        uint64 pending; // fen of bank refunds requested and not yet confirmed or cancelled
        bool withheld; // withheld at execution (nothing paid, nothing refundable)
    }

    /// @notice A batch's money after execution, in one slot (written only by withholding and refunds).
    struct BatchFunds {
        uint64 withheld; // fen withheld at execution (not paid)
        uint64 refunded; // fen refunded; never more than total - withheld
    }

    /// @notice Where a bank-settled refund stands.
    enum RefundStatus {
        None, // no such request
        Pending, // requested, awaiting the bank's or a second officer's confirmation
        Confirmed, // confirmed: re-minted to the program
        Cancelled // withdrawn or refused
    }

    /// @notice A requested bank-settled refund, in three slots.
    struct BankRefund {
        uint64 batchId; // the executed bank-settled batch
        uint64 amount; // fen returned by the bank
        RefundStatus status; // see RefundStatus
        address requester; // the operator who requested it (cannot confirm it)
        bytes32 beneficiary; // the payout's beneficiary commitment
        bytes32 settlementRef; // the original settlement reference of the payout (proved by its Merkle proof)
    }

    /// @notice A budget line's money as the ledger tracks it, in one slot.
    struct LineAccount {
        uint64 assigned; // fen allocated from the line to programs
        uint64 disbursed; // fen paid out by the line's programs
        uint64 refunded; // fen refunded to the line's programs
    }

    /// @notice A budget line's figures; always allocated = disbursed + remaining - refunded.
    struct LineFigures {
        uint256 allocated; // the approved line amount
        uint256 assigned; // of which allocated to programs (and minted)
        uint256 disbursed; // paid out
        uint256 refunded; // refunded
        uint256 remaining; // allocated - disbursed + refunded
    }

    /// @notice One proposed payout.
    struct PayoutRequest {
        bytes32 beneficiary; // e-ID identity commitment, enrolled in the program
        uint256 amount; // fen, 1 .. type(uint64).max
    }

    /// @notice One bank-settled payout as recorded at execution: an approved entry and its settlement reference.
    struct BankRecord {
        uint32 index; // the beneficiary's enrollment index (IProgramRegistry.beneficiaryAt)
        uint64 amount; // fen paid by the bank
        bytes32 beneficiary; // the beneficiary's identity commitment (part of the approved content)
        bytes32 settlementRef; // hash of the bank's settlement reference (zero only for an entry withheld at execution)
    }

    /// @notice A bank-settled payout with its Merkle proof (for citizens' checks and refunds).
    struct BankPayout {
        bytes32 beneficiary; // identity commitment
        uint64 amount; // fen
        bytes32 settlementRef; // hash of the bank's settlement reference
        bytes32[] proof; // sibling hashes up to the batch's Merkle root
    }

    /// @notice Where a batch's money came from.
    struct Trace {
        uint256 programId; // the paying program
        uint256 lineId; // its budget line
        uint256 budgetId; // the line's budget (its approvals: IBudgetRegistry.approvals)
    }

    error DisbursementsZeroAddress();
    /// @notice The program has never been funded by the ledger.
    error DisbursementsProgramNotFunded(uint256 programId);
    error DisbursementsZeroFunding(uint256 programId);
    /// @notice Funding would allocate more than the line has left unassigned.
    error DisbursementsLineExceeded(uint256 lineId, uint256 requested, uint256 unassigned);
    /// @notice `officer` is not an officer of the program's running department.
    error DisbursementsWrongDepartment(uint256 programId, address officer);
    error DisbursementsPeriodOutOfSchedule(uint256 programId, uint256 period, uint256 periodCount);
    error DisbursementsPeriodNotDue(uint256 programId, uint256 period, uint256 dueAt);
    error DisbursementsEmptyBatch();
    /// @notice The batch would hold `size` entries; at most `max` fit its payout mode.
    error DisbursementsBatchTooLarge(uint256 size, uint256 max);
    /// @notice The wallet batch's estimated execution gas exceeds WALLET_GAS_BUDGET (too many fresh holders).
    error DisbursementsBatchGasTooHigh(uint256 estimate, uint256 budget);
    error DisbursementsZeroAmount(bytes32 beneficiary);
    /// @notice The amount does not fit in a uint64 of fen.
    error DisbursementsAmountOverflow(bytes32 beneficiary, uint256 amount);
    error DisbursementsDuplicateBeneficiary(bytes32 beneficiary);
    /// @notice `beneficiary` is already paid, or reserved by a pending batch (or an earlier part of
    /// this one), for this program and period.
    error DisbursementsAlreadyPaid(uint256 programId, uint256 period, bytes32 beneficiary);
    /// @notice Every entry was refused (see ProgramRegistry.resolve for the reasons).
    error DisbursementsNoEligibleBeneficiary(uint256 programId, uint256 period);
    error DisbursementsInsufficientFunds(uint256 programId, uint256 requested, uint256 available);
    /// @notice Entries can be added only to a proposed batch that no one has approved yet.
    error DisbursementsBatchLocked(uint256 batchId);
    error DisbursementsNotProposer(uint256 batchId, address officer);
    error DisbursementsBatchNotProposed(uint256 batchId, BatchStatus status);
    /// @notice The entries (or the approved hash) differ from the batch's content.
    error DisbursementsContentMismatch(uint256 batchId, bytes32 expected, bytes32 actual);
    /// @notice The proposer cannot approve their own batch.
    error DisbursementsSameOfficer(uint256 batchId, address officer);
    error DisbursementsAlreadyApproved(uint256 batchId, address officer);
    /// @notice `officer` (of `department`) may not approve this batch.
    error DisbursementsApproverNotAllowed(uint256 batchId, address officer, bytes32 department);
    error DisbursementsBatchExpired(uint256 batchId, uint256 expiredAt);
    error DisbursementsBatchNotApproved(uint256 batchId, BatchStatus status);
    error DisbursementsWrongMode(uint256 batchId, PayoutMode mode);
    error DisbursementsZeroSettlementRef(uint256 batchId, uint256 position);
    error DisbursementsBatchNotCancellable(uint256 batchId, BatchStatus status);
    error DisbursementsBatchNotExecuted(uint256 batchId, BatchStatus status);
    /// @notice No entry at `position` of the batch.
    error DisbursementsUnknownPayout(uint256 batchId, uint256 position);
    error DisbursementsInvalidProof(uint256 batchId, bytes32 beneficiary);
    error DisbursementsUnknownBatch(uint256 batchId);
    /// @notice Refunds of one payout cannot exceed it: `refundable` fen are left (pending bank refunds counted).
    error DisbursementsRefundExceedsPayout(uint256 batchId, bytes32 beneficiary, uint256 amount, uint256 refundable);
    /// @notice Refunds of a batch cannot exceed what it paid: `refundable` fen are left.
    error DisbursementsRefundExceedsBatch(uint256 batchId, uint256 amount, uint256 refundable);
    /// @notice The payout was withheld at execution: nothing was paid, nothing can be refunded.
    error DisbursementsPayoutWithheld(uint256 batchId, bytes32 beneficiary);
    /// @notice `officer` is not an officer of the finance department.
    error DisbursementsNotFinanceOfficer(address officer);
    /// @notice The program (or the consortium) requires an executor who neither proposed nor approved batch `batchId`.
    error DisbursementsExecutorNotSeparate(uint256 batchId, address executor);
    error DisbursementsUnknownRefund(uint256 refundId);
    error DisbursementsRefundNotPending(uint256 refundId, RefundStatus status);
    /// @notice `account` may not confirm (or cancel) refund `refundId`: it needs BANK_ROLE, or APPROVER_ROLE
    /// as an officer of the running department other than the requester.
    error DisbursementsRefundConfirmerNotAllowed(uint256 refundId, address account);

    /// @notice Emitted when finance allocates `amount` fen of line `lineId` to program `programId` (minted to the ledger).
    event ProgramFunded(uint256 indexed programId, uint256 indexed lineId, uint64 amount, uint64 allocation);
    /// @notice Emitted when `proposer` opens batch `batchId`; its entries follow in BatchEntriesAdded.
    event BatchProposed(
        uint256 indexed batchId, uint256 indexed programId, uint32 indexed period, PayoutMode mode, address proposer
    );
    /// @notice Emitted for each part of a batch: the accepted `entries` as (PayoutWord, beneficiary
    /// commitment) pairs, in order, and the batch's running totals. Execution re-sends the
    /// concatenated entries of all parts.
    event BatchEntriesAdded(
        uint256 indexed batchId, uint256[] entries, uint64 total, uint32 count, bytes32 contentHash, bool needsFullApproval
    );
    /// @notice Emitted for each entry left out of batch `batchId`, with the reason.
    event PayoutRefused(uint256 indexed batchId, bytes32 indexed beneficiary, IProgramRegistry.Refusal reason);
    /// @notice Emitted for each approval; `complete` when the batch may now be executed.
    event BatchApproved(uint256 indexed batchId, address indexed approver, bytes32 indexed department, bool complete);
    /// @notice Emitted when batch `batchId` pays out (wallet: the Transfer events of the same
    /// transaction are its payouts; bank: see BankPayoutsRecorded).
    event BatchExecuted(
        uint256 indexed batchId, uint256 indexed programId, uint32 indexed period, PayoutMode mode, uint64 total, uint32 count
    );
    /// @notice Emitted when a bank-settled batch is recorded: each record and the Merkle root computed
    /// on chain over the leaves of the records not withheld (zero when every entry was withheld).
    event BankPayoutsRecorded(uint256 indexed batchId, bytes32 indexed merkleRoot, BankRecord[] records);
    /// @notice Emitted at execution for each entry not paid: the identity was revoked, or its account
    /// is no longer `account` (`current`: the account bound now, zero when revoked).
    event PayoutWithheld(
        uint256 indexed batchId, bytes32 indexed beneficiary, uint32 index, uint64 amount, address account, address current
    );
    /// @notice Emitted when `requester` asks to re-mint `amount` fen of a bank-settled payout returned by the bank.
    event BankRefundRequested(
        uint256 indexed refundId,
        uint256 indexed batchId,
        bytes32 indexed beneficiary,
        uint64 amount,
        bytes32 settlementRef,
        address requester,
        bytes32 reasonHash
    );
    /// @notice Emitted when the bank or a second officer confirms bank refund `refundId` (PayoutRefunded follows).
    event BankRefundConfirmed(uint256 indexed refundId, address indexed confirmer);
    /// @notice Emitted when bank refund `refundId` is withdrawn or refused.
    event BankRefundCancelled(uint256 indexed refundId, address indexed officer, bytes32 reasonHash);
    /// @notice Emitted when governance sets whether every batch needs an executor separate from its proposer and approvers.
    event ExecutorSeparationSet(bool required);
    /// @notice Emitted when a batch is cancelled before execution.
    event BatchCancelled(uint256 indexed batchId, address indexed officer, bytes32 reasonHash);
    /// @notice Emitted when `amount` fen of `beneficiary`'s payout in batch `batchId` are refunded to program
    /// `programId` (a wallet refund, or a confirmed bank refund).
    event PayoutRefunded(
        uint256 indexed batchId, bytes32 indexed beneficiary, uint256 indexed programId, uint64 amount, bytes32 reasonHash
    );

    /// @notice Allocates `amount` fen of the program's approved budget line to program `programId`
    /// and mints them to the ledger. TREASURER_ROLE, officer of the finance department.
    /// @dev Reverts with DisbursementsNotFinanceOfficer, DisbursementsZeroFunding, DisbursementsLineExceeded, the program registry's
    /// ProgramRegistryUnknownProgram and the budget registry's BudgetRegistryNotApproved. Emits ProgramFunded.
    function fundProgram(uint256 programId, uint256 amount) external;

    /// @notice Proposes a batch paying `requests` for `period` of program `programId`. OPERATOR_ROLE,
    /// officer of the running department.
    /// @return batchId the new batch (its accepted entries are in BatchEntriesAdded, refusals in PayoutRefused)
    /// @dev Reverts with DisbursementsProgramNotFunded, DisbursementsWrongDepartment,
    /// DisbursementsPeriodOutOfSchedule, DisbursementsPeriodNotDue and the entry errors listed in the
    /// contract notice; nothing changes when it reverts.
    function proposeBatch(uint256 programId, uint32 period, PayoutMode mode, PayoutRequest[] calldata requests)
        external
        returns (uint256 batchId);

    /// @notice Adds `requests` to the caller's batch `batchId` before anyone approved it.
    /// @dev Reverts with DisbursementsBatchLocked, DisbursementsNotProposer, DisbursementsBatchExpired
    /// and the entry errors. Emits BatchEntriesAdded (and PayoutRefused).
    function extendBatch(uint256 batchId, PayoutRequest[] calldata requests) external;

    /// @notice Approves batch `batchId` whose content hash is `contentHash`. APPROVER_ROLE.
    /// @dev Reverts with DisbursementsBatchNotProposed, DisbursementsContentMismatch,
    /// DisbursementsSameOfficer, DisbursementsBatchExpired, DisbursementsAlreadyApproved,
    /// DisbursementsApproverNotAllowed. Emits BatchApproved.
    function approveBatch(uint256 batchId, bytes32 contentHash) external;

    /// @notice Pays approved wallet batch `batchId`; `entries` is its content: (PayoutWord, beneficiary
    /// commitment) pairs in order, as emitted in BatchEntriesAdded. Entries whose identity is revoked
    /// or whose account changed since the proposal are withheld. EXECUTOR_ROLE, officer of the
    /// running department (separate from the proposer and approvers where required).
    /// @dev Reverts with DisbursementsBatchNotApproved, DisbursementsWrongMode, DisbursementsBatchExpired,
    /// DisbursementsContentMismatch, DisbursementsWrongDepartment, DisbursementsExecutorNotSeparate.
    /// Emits BatchExecuted, PayoutWithheld per withheld entry and one Transfer per paid entry.
    function executeWalletBatch(uint256 batchId, uint256[] calldata entries) external;

    /// @notice Records approved bank-settled batch `batchId` as paid by the bank: `records` are its
    /// entries in order with their settlement references. Entries whose identity is revoked are
    /// withheld; the Merkle root over the other records' leaves (govchain.domain.payout_leaf) is
    /// computed and stored, and their total burned. EXECUTOR_ROLE, as executeWalletBatch.
    /// @dev Reverts as executeWalletBatch, and with DisbursementsZeroSettlementRef for a recorded entry
    /// without one. Emits BankPayoutsRecorded, BatchExecuted, PayoutWithheld, and the token's Transfer and Settled.
    function executeBankBatch(uint256 batchId, BankRecord[] calldata records) external;

    /// @notice Cancels proposed or approved batch `batchId` (its `entries`, the content pairs, are needed to
    /// release the reservations). OPERATOR_ROLE, running department.
    /// @dev Reverts with DisbursementsBatchNotCancellable, DisbursementsWrongDepartment,
    /// DisbursementsContentMismatch. Emits BatchCancelled.
    function cancelBatch(uint256 batchId, uint256[] calldata entries, bytes32 reasonHash) external;

    /// @notice Refunds `amount` fen of the wallet payout at `position` (counted in pairs) of executed batch
    /// `batchId` (whose content `entries` prove it) from the payee's account back to the program. The
    /// payee must have approved the ledger for `amount`. OPERATOR_ROLE, running department.
    /// @dev Reverts with DisbursementsBatchNotExecuted, DisbursementsWrongMode, DisbursementsWrongDepartment,
    /// DisbursementsContentMismatch, DisbursementsUnknownPayout, DisbursementsZeroAmount, DisbursementsPayoutWithheld,
    /// DisbursementsRefundExceedsPayout, DisbursementsRefundExceedsBatch, ERC20InsufficientAllowance. Emits PayoutRefunded.
    function refundWalletPayout(
        uint256 batchId,
        uint256[] calldata entries,
        uint256 position,
        uint256 amount,
        bytes32 reasonHash
    ) external;

    /// @notice Requests the refund of `amount` fen of bank-settled `payout` of executed batch `batchId`,
    /// returned by the bank, to the program. Nothing is minted until the bank (BANK_ROLE) or a second
    /// officer of the running department confirms it. OPERATOR_ROLE, running department.
    /// @return refundId the request
    /// @dev Reverts with DisbursementsBatchNotExecuted, DisbursementsWrongMode, DisbursementsWrongDepartment,
    /// DisbursementsInvalidProof, DisbursementsZeroAmount, DisbursementsRefundExceedsPayout. Emits BankRefundRequested.
    function requestBankRefund(uint256 batchId, BankPayout calldata payout, uint256 amount, bytes32 reasonHash)
        external
        returns (uint256 refundId);

    /// @notice Confirms pending bank refund `refundId`: re-mints its amount to the ledger for the program.
    /// BANK_ROLE, or APPROVER_ROLE as an officer of the running department who did not request it.
    /// @dev Reverts with DisbursementsUnknownRefund, DisbursementsRefundNotPending,
    /// DisbursementsRefundConfirmerNotAllowed, DisbursementsRefundExceedsBatch. Emits BankRefundConfirmed, PayoutRefunded.
    function confirmBankRefund(uint256 refundId) external;

    /// @notice Withdraws or refuses pending bank refund `refundId`. Its requester, the bank, or a
    /// running-department approver.
    /// @dev Reverts with DisbursementsUnknownRefund, DisbursementsRefundNotPending,
    /// DisbursementsRefundConfirmerNotAllowed. Emits BankRefundCancelled.
    function cancelBankRefund(uint256 refundId, bytes32 reasonHash) external;

    /// @notice Requires (or stops requiring) for every program an executor who neither proposed nor
    /// approved the batch. DEFAULT_ADMIN_ROLE (governance). Programs can require it on their own
    /// (IProgramRegistry.ProgramTerms.separateExecutor).
    /// @dev Emits ExecutorSeparationSet.
    function setExecutorSeparation(bool required) external;

    /// @notice Whether every batch needs an executor separate from its proposer and approvers.
    function executorSeparation() external view returns (bool);

    /// @notice Batch `batchId` (status None when unknown).
    function batch(uint256 batchId) external view returns (Batch memory);

    /// @notice Number of batches (ids 1 .. batchCount).
    function batchCount() external view returns (uint256);

    /// @notice Program `programId`'s money.
    function programAccount(uint256 programId) external view returns (ProgramAccount memory);

    /// @notice Fen program `programId` can still put in new batches.
    function available(uint256 programId) external view returns (uint256);

    /// @notice Budget line `lineId`'s figures. Reverts with BudgetRegistryUnknownLine.
    function lineFigures(uint256 lineId) external view returns (LineFigures memory);

    /// @notice Fen of program `programId` proposed for `period` in batches not cancelled.
    function periodTotal(uint256 programId, uint256 period) external view returns (uint256);

    /// @notice Whether enrollment `index` of program `programId` is paid or reserved for `period`.
    function isPaid(uint256 programId, uint256 period, uint256 index) external view returns (bool);

    /// @notice Merkle root of executed bank-settled batch `batchId` (zero otherwise).
    function merkleRoot(uint256 batchId) external view returns (bytes32);

    /// @notice Whether (beneficiary, amount, settlementRef) is a payout of bank-settled batch `batchId`.
    function verifyBankPayout(
        uint256 batchId,
        bytes32 beneficiary,
        uint64 amount,
        bytes32 settlementRef,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice Fen refunded so far of `beneficiary`'s payout in batch `batchId`.
    function refunded(uint256 batchId, bytes32 beneficiary) external view returns (uint256);

    /// @notice Refunds and withholding of `beneficiary`'s payout in batch `batchId`.
    function payoutState(uint256 batchId, bytes32 beneficiary) external view returns (PayoutState memory);

    /// @notice Withheld and refunded totals of batch `batchId`.
    function batchFunds(uint256 batchId) external view returns (BatchFunds memory);

    /// @notice Bank refund request `refundId` (status None when unknown).
    function bankRefund(uint256 refundId) external view returns (BankRefund memory);

    /// @notice Number of bank refund requests (ids 1 .. bankRefundCount).
    function bankRefundCount() external view returns (uint256);

    /// @notice The department approver of batch `batchId` (zero before the department approval).
    function departmentApprover(uint256 batchId) external view returns (address);

    /// @notice The program, budget line and budget that batch `batchId` drew on.
    /// @dev Reverts with DisbursementsUnknownBatch.
    function trace(uint256 batchId) external view returns (Trace memory);
}
