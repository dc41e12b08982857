// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IBudgetRegistry} from "@govchain/interfaces/IBudgetRegistry.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";

/// @title BudgetRegistry
/// @notice Fiscal-year budgets, their lines and their multi-party approval (see IBudgetRegistry).
/// @dev DEFAULT_ADMIN_ROLE is governance (the timelock after bootstrap). The approval policy is fixed
/// at deployment; changing it means deploying a new registry through governance.
contract BudgetRegistry is DepartmentRoles, IBudgetRegistry {
    /// @notice Finance bureau officers who draft budgets.
    bytes32 public constant BUDGET_PROPOSER_ROLE = keccak256("BUDGET_PROPOSER_ROLE");
    /// @notice Officers who may approve budgets (finance officers and officers of the co-approving departments).
    bytes32 public constant BUDGET_APPROVER_ROLE = keccak256("BUDGET_APPROVER_ROLE");

    /// @notice Most lines in one budget.
    uint256 public constant MAX_LINES = 64;

    IDepartmentRegistry private immutable _departments;
    bytes32 private immutable _financeDepartment;
    uint8 private immutable _requiredFinance;
    uint8 private immutable _requiredOther;

    uint256 private _budgetCount;
    uint256 private _lineCount;
    mapping(uint256 budgetId => Budget) private _budgets;
    mapping(uint256 lineId => Line) private _lines;
    mapping(uint256 budgetId => Approval[]) private _approvals;
    mapping(uint256 budgetId => mapping(address officer => bool approved)) private _approvedBy;

    /// @param admin the bootstrap governance account
    /// @param departments the consortium's DepartmentRegistry (tells each approver's department)
    /// @param finance code of the finance bureau's department, e.g. "FIN"
    /// @param requiredFinance approvals needed from finance officers (e.g. 2)
    /// @param requiredOther approvals needed from officers of other departments (e.g. 1)
    constructor(
        address admin,
        IDepartmentRegistry departments,
        bytes32 finance,
        uint8 requiredFinance,
        uint8 requiredOther
    ) {
        if (admin == address(0) || address(departments) == address(0)) revert BudgetRegistryZeroAddress();
        if (requiredFinance == 0 || requiredOther == 0 || finance == bytes32(0)) {
            revert BudgetRegistryInvalidPolicy(requiredFinance, requiredOther);
        }
        _departments = departments;
        _financeDepartment = finance;
        _requiredFinance = requiredFinance;
        _requiredOther = requiredOther;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IBudgetRegistry
    function proposeBudget(uint16 fiscalYear, bytes32 documentHash, LineInput[] calldata lines)
        external
        onlyRole(BUDGET_PROPOSER_ROLE)
        returns (uint256 budgetId)
    {
        if (fiscalYear == 0) revert BudgetRegistryInvalidFiscalYear(fiscalYear);
        uint256 count = lines.length;
        if (count == 0) revert BudgetRegistryNoLines();
        if (count > MAX_LINES) revert BudgetRegistryTooManyLines(count, MAX_LINES);
        uint256 total = 0;
        for (uint256 i; i < count; ++i) {
            uint256 amount = lines[i].amount;
            if (lines[i].code == bytes32(0)) revert BudgetRegistryInvalidLineCode(i);
            if (amount == 0) revert BudgetRegistryZeroAmount(i);
            total += amount;
            if (total > type(uint64).max) revert BudgetRegistryAmountOverflow(i, amount);
        }

        budgetId = ++_budgetCount;
        uint256 firstLineId = _lineCount + 1;
        _lineCount += count;
        _budgets[budgetId] = Budget({
            fiscalYear: fiscalYear,
            status: BudgetStatus.Proposed,
            financeApprovals: 0,
            otherApprovals: 0,
            lineCount: uint16(count),
            firstLineId: uint64(firstLineId),
            total: uint64(total),
            approvedAt: 0,
            proposer: msg.sender,
            proposedAt: uint64(block.timestamp)
        });
        emit BudgetProposed(budgetId, fiscalYear, msg.sender, uint64(total), documentHash);
        for (uint256 i; i < count; ++i) {
            uint64 amount = uint64(lines[i].amount);
            _lines[firstLineId + i] = Line({budgetId: uint64(budgetId), amount: amount, code: lines[i].code});
            emit BudgetLineAdded(firstLineId + i, budgetId, lines[i].code, lines[i].name, amount);
        }
    }

    /// @inheritdoc IBudgetRegistry
    function approveBudget(uint256 budgetId) external onlyRole(BUDGET_APPROVER_ROLE) {
        Budget storage proposed = _proposedBudget(budgetId);
        if (proposed.proposer == msg.sender) revert BudgetRegistryProposerCannotApprove(budgetId, msg.sender);
        if (_approvedBy[budgetId][msg.sender]) revert BudgetRegistryAlreadyApproved(budgetId, msg.sender);
        bytes32 department = _departments.activeDepartmentOf(msg.sender);

        _approvedBy[budgetId][msg.sender] = true;
        _approvals[budgetId].push(
            Approval({approver: msg.sender, department: department, approvedAt: uint64(block.timestamp)})
        );
        if (department == _financeDepartment) {
            ++proposed.financeApprovals;
        } else {
            ++proposed.otherApprovals;
        }
        emit BudgetApprovalRecorded(budgetId, msg.sender, department, proposed.financeApprovals, proposed.otherApprovals);
        if (proposed.financeApprovals >= _requiredFinance && proposed.otherApprovals >= _requiredOther) {
            proposed.status = BudgetStatus.Approved;
            proposed.approvedAt = uint64(block.timestamp);
            emit BudgetApproved(budgetId, proposed.total);
        }
    }

    /// @inheritdoc IBudgetRegistry
    function withdrawBudget(uint256 budgetId, bytes32 reasonHash) external onlyRole(BUDGET_PROPOSER_ROLE) {
        _proposedBudget(budgetId).status = BudgetStatus.Withdrawn;
        emit BudgetWithdrawn(budgetId, msg.sender, reasonHash);
    }

    /// @inheritdoc IBudgetRegistry
    function budget(uint256 budgetId) external view returns (Budget memory) {
        return _budget(budgetId);
    }

    /// @inheritdoc IBudgetRegistry
    function line(uint256 lineId) external view returns (Line memory) {
        return _line(lineId);
    }

    /// @inheritdoc IBudgetRegistry
    function approvedLine(uint256 lineId) external view returns (Line memory found) {
        found = _line(lineId);
        BudgetStatus status = _budgets[found.budgetId].status;
        if (status != BudgetStatus.Approved) revert BudgetRegistryNotApproved(found.budgetId, status);
    }

    /// @inheritdoc IBudgetRegistry
    function approvals(uint256 budgetId) external view returns (Approval[] memory) {
        _budget(budgetId);
        return _approvals[budgetId];
    }

    /// @inheritdoc IBudgetRegistry
    function budgetCount() external view returns (uint256) {
        return _budgetCount;
    }

    /// @inheritdoc IBudgetRegistry
    function lineCount() external view returns (uint256) {
        return _lineCount;
    }

    /// @inheritdoc IBudgetRegistry
    function financeDepartment() external view returns (bytes32) {
        return _financeDepartment;
    }

    /// @inheritdoc IBudgetRegistry
    function requiredFinanceApprovals() external view returns (uint8) {
        return _requiredFinance;
    }

    /// @inheritdoc IBudgetRegistry
    function requiredOtherApprovals() external view returns (uint8) {
        return _requiredOther;
    }

    function _budget(uint256 budgetId) private view returns (Budget storage found) {
        found = _budgets[budgetId];
        if (found.status == BudgetStatus.None) revert BudgetRegistryUnknownBudget(budgetId);
    }

    function _proposedBudget(uint256 budgetId) private view returns (Budget storage found) {
        found = _budget(budgetId);
        if (found.status != BudgetStatus.Proposed) revert BudgetRegistryNotProposed(budgetId, found.status);
    }

    function _line(uint256 lineId) private view returns (Line storage found) {
        found = _lines[lineId];
        if (found.budgetId == 0) revert BudgetRegistryUnknownLine(lineId);
    }
}
