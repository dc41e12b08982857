// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Fiscal-year budgets and their multi-party approval
/// @notice The finance bureau (BUDGET_PROPOSER_ROLE) proposes a fiscal-year budget made of lines
/// (basic pension, medical insurance, enterprise subsidies, procurement, ...). It takes effect only
/// when enough officers holding BUDGET_APPROVER_ROLE have approved it: `requiredFinanceApprovals`
/// officers of the finance department plus `requiredOtherApprovals` officers of other departments
/// (e.g. 2 of 3 finance officers plus the development and reform commission). The proposer cannot
/// approve. Every approval is kept on chain (`approvals`). Funds are minted against approved lines
/// only, by the disbursement ledger (IDisbursements.fundProgram).
interface IBudgetRegistry {
    /// @notice Where a budget stands.
    enum BudgetStatus {
        None, // no such budget
        Proposed, // collecting approvals
        Approved, // in force: its lines can fund programs
        Withdrawn // withdrawn by finance before approval
    }

    /// @notice A budget, packed in two slots.
    struct Budget {
        uint16 fiscalYear; // e.g. 2026
        BudgetStatus status; // see BudgetStatus
        uint8 financeApprovals; // approvals so far by finance-department officers
        uint8 otherApprovals; // approvals so far by officers of other departments
        uint16 lineCount; // number of lines; their ids are firstLineId .. firstLineId + lineCount - 1
        uint64 firstLineId; // id of the budget's first line
        uint64 total; // sum of the lines, in fen
        uint64 approvedAt; // block timestamp when it took effect (0 before)
        address proposer; // the finance officer who proposed it
        uint64 proposedAt; // block timestamp of the proposal
    }

    /// @notice A budget line, packed in two slots.
    struct Line {
        uint64 budgetId; // the budget it belongs to
        uint64 amount; // amount allocated to the line, in fen
        bytes32 code; // category code, e.g. "PENSION", "MEDICAL", "SUBSIDY", "PROCUREMENT"
    }

    /// @notice A line as proposed.
    struct LineInput {
        bytes32 code; // category code (non-zero)
        string name; // display name, e.g. "城乡居民基本养老保险" (kept in the event only)
        uint256 amount; // fen, 1 .. type(uint64).max
    }

    /// @notice One approval, as recorded.
    struct Approval {
        address approver; // the officer
        bytes32 department; // their department when approving (DepartmentRegistry code)
        uint64 approvedAt; // block timestamp
    }

    error BudgetRegistryZeroAddress();
    /// @notice The approval policy needs at least one approval of each kind.
    error BudgetRegistryInvalidPolicy(uint8 financeApprovals, uint8 otherApprovals);
    error BudgetRegistryInvalidFiscalYear(uint16 fiscalYear);
    error BudgetRegistryNoLines();
    error BudgetRegistryTooManyLines(uint256 count, uint256 max);
    /// @notice Line `line` (0-based position in the proposal) has a zero category code.
    error BudgetRegistryInvalidLineCode(uint256 line);
    /// @notice Line `line` (0-based position in the proposal) is for zero fen.
    error BudgetRegistryZeroAmount(uint256 line);
    /// @notice Line `line`'s amount, or the running total, does not fit in a uint64 of fen.
    error BudgetRegistryAmountOverflow(uint256 line, uint256 amount);
    error BudgetRegistryUnknownBudget(uint256 budgetId);
    error BudgetRegistryUnknownLine(uint256 lineId);
    /// @notice The budget is not collecting approvals (or cannot be withdrawn) in `status`.
    error BudgetRegistryNotProposed(uint256 budgetId, BudgetStatus status);
    /// @notice The budget of a line is not in force.
    error BudgetRegistryNotApproved(uint256 budgetId, BudgetStatus status);
    /// @notice The proposer of a budget cannot approve it.
    error BudgetRegistryProposerCannotApprove(uint256 budgetId, address officer);
    error BudgetRegistryAlreadyApproved(uint256 budgetId, address officer);

    /// @notice Emitted when finance proposes budget `budgetId`; its lines follow as BudgetLineAdded.
    /// @param documentHash hash of the full budget document kept off chain
    event BudgetProposed(
        uint256 indexed budgetId, uint16 indexed fiscalYear, address indexed proposer, uint64 total, bytes32 documentHash
    );
    /// @notice Emitted for every line of a proposed budget.
    event BudgetLineAdded(uint256 indexed lineId, uint256 indexed budgetId, bytes32 indexed code, string name, uint64 amount);
    /// @notice Emitted for every approval, with the counts reached.
    event BudgetApprovalRecorded(
        uint256 indexed budgetId,
        address indexed approver,
        bytes32 indexed department,
        uint8 financeApprovals,
        uint8 otherApprovals
    );
    /// @notice Emitted when the last required approval puts the budget in force.
    event BudgetApproved(uint256 indexed budgetId, uint64 total);
    /// @notice Emitted when finance withdraws a budget before approval.
    event BudgetWithdrawn(uint256 indexed budgetId, address indexed officer, bytes32 reasonHash);

    /// @notice Proposes the budget of `fiscalYear` with `lines`. BUDGET_PROPOSER_ROLE.
    /// @return budgetId the new budget's id (from 1)
    /// @dev Reverts with BudgetRegistryInvalidFiscalYear, BudgetRegistryNoLines, BudgetRegistryTooManyLines,
    /// BudgetRegistryInvalidLineCode, BudgetRegistryZeroAmount, BudgetRegistryAmountOverflow.
    /// Emits BudgetProposed and one BudgetLineAdded per line.
    function proposeBudget(uint16 fiscalYear, bytes32 documentHash, LineInput[] calldata lines)
        external
        returns (uint256 budgetId);

    /// @notice Records the caller's approval of `budgetId`; the last required one puts it in force.
    /// BUDGET_APPROVER_ROLE, and the caller must be an officer of an active department.
    /// @dev Reverts with BudgetRegistryUnknownBudget, BudgetRegistryNotProposed,
    /// BudgetRegistryProposerCannotApprove, BudgetRegistryAlreadyApproved, and the DepartmentRegistry's
    /// DepartmentRegistryNotAnOfficer / DepartmentRegistryInactiveOfficer. Emits BudgetApprovalRecorded,
    /// then BudgetApproved when complete.
    function approveBudget(uint256 budgetId) external;

    /// @notice Withdraws `budgetId` before it is in force. BUDGET_PROPOSER_ROLE.
    /// @dev Reverts with BudgetRegistryUnknownBudget, BudgetRegistryNotProposed. Emits BudgetWithdrawn.
    function withdrawBudget(uint256 budgetId, bytes32 reasonHash) external;

    /// @notice Budget `budgetId`. Reverts with BudgetRegistryUnknownBudget.
    function budget(uint256 budgetId) external view returns (Budget memory);

    /// @notice Line `lineId`. Reverts with BudgetRegistryUnknownLine.
    function line(uint256 lineId) external view returns (Line memory);

    /// @notice Line `lineId`, only if its budget is in force.
    /// @dev Reverts with BudgetRegistryUnknownLine, BudgetRegistryNotApproved.
    function approvedLine(uint256 lineId) external view returns (Line memory);

    /// @notice Every approval of `budgetId`, in order. Reverts with BudgetRegistryUnknownBudget.
    function approvals(uint256 budgetId) external view returns (Approval[] memory);

    /// @notice Number of budgets proposed so far (ids are 1 .. budgetCount).
    function budgetCount() external view returns (uint256);

    /// @notice Number of lines proposed so far (ids are 1 .. lineCount).
    function lineCount() external view returns (uint256);

    /// @notice The department whose officers give the finance approvals (e.g. "FIN").
    function financeDepartment() external view returns (bytes32);

    /// @notice Approvals needed from finance-department officers.
    function requiredFinanceApprovals() external view returns (uint8);

    /// @notice Approvals needed from officers of other departments.
    function requiredOtherApprovals() external view returns (uint8);
}
