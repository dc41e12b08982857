// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IBudgetRegistry} from "@govchain/interfaces/IBudgetRegistry.sol";
import {IDepartmentRegistry} from "@govchain/interfaces/IDepartmentRegistry.sol";
import {IEligibilityRegistry} from "@govchain/interfaces/IEligibilityRegistry.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";
import {IProgramRegistry} from "@govchain/interfaces/IProgramRegistry.sol";

/// @title ProgramRegistry
/// @notice Programs' terms and beneficiary lists (see IProgramRegistry). Holds no money: the
/// disbursement ledger funds programs and pays their beneficiaries.
/// @dev Two slots per enrollment (beneficiary -> index, index -> beneficiary).
contract ProgramRegistry is DepartmentRoles, IProgramRegistry {
    /// @notice Finance bureau officers who create programs on approved budget lines.
    bytes32 public constant PROGRAM_ADMIN_ROLE = keccak256("PROGRAM_ADMIN_ROLE");
    /// @notice Officers of running departments who keep beneficiary lists (checked against the program's department).
    bytes32 public constant PROGRAM_OPERATOR_ROLE = keccak256("PROGRAM_OPERATOR_ROLE");

    /// @notice Most beneficiaries enrolled in one call (about 13M gas, under the 16,777,216 per-transaction cap).
    uint256 public constant MAX_ENROLL_BATCH = 250;

    IDepartmentRegistry private immutable _departments;
    IIdentityRegistry private immutable _identities;
    IEligibilityRegistry private immutable _eligibility;
    IBudgetRegistry private immutable _budgets;

    uint256 private _programCount;
    mapping(uint256 programId => Program) private _programs;
    mapping(uint256 programId => mapping(bytes32 beneficiary => Enrollment)) private _enrollments;
    mapping(uint256 programId => mapping(uint256 index => bytes32 beneficiary)) private _beneficiaryAt;

    /// @param admin the bootstrap governance account
    /// @param departments the consortium's DepartmentRegistry
    /// @param identities the e-ID registry
    /// @param eligibility the proof-of-life registry
    /// @param budgets the BudgetRegistry whose approved lines programs draw on
    constructor(
        address admin,
        IDepartmentRegistry departments,
        IIdentityRegistry identities,
        IEligibilityRegistry eligibility,
        IBudgetRegistry budgets
    ) {
        if (
            admin == address(0) || address(departments) == address(0) || address(identities) == address(0)
                || address(eligibility) == address(0) || address(budgets) == address(0)
        ) revert ProgramRegistryZeroAddress();
        _departments = departments;
        _identities = identities;
        _eligibility = eligibility;
        _budgets = budgets;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IProgramRegistry
    function createProgram(string calldata name, ProgramTerms calldata terms)
        external
        onlyRole(PROGRAM_ADMIN_ROLE)
        returns (uint256 programId)
    {
        if (terms.interval == 0 || terms.periodCount == 0) {
            revert ProgramRegistryInvalidSchedule(terms.interval, terms.periodCount);
        }
        if (terms.periodLimit > type(uint64).max) revert ProgramRegistryAmountOverflow(terms.periodLimit);
        // both revert when the line's budget is not in force or the department is unknown
        IBudgetRegistry.Line memory budgetLine = _budgets.approvedLine(terms.lineId);
        if (!_departments.department(terms.department).active) {
            revert ProgramRegistryInactiveDepartment(terms.department);
        }

        programId = ++_programCount;
        _programs[programId] = Program({
            lineId: uint64(terms.lineId),
            start: terms.start,
            interval: terms.interval,
            periodCount: terms.periodCount,
            attestationMaxAge: terms.attestationMaxAge,
            enrolled: 0,
            department: terms.department,
            periodLimit: uint64(terms.periodLimit),
            separateExecutor: terms.separateExecutor
        });
        emit ProgramCreated(programId, terms.lineId, terms.department, budgetLine.budgetId, name, terms);
    }

    /// @inheritdoc IProgramRegistry
    function enroll(uint256 programId, bytes32[] calldata beneficiaries) external onlyRole(PROGRAM_OPERATOR_ROLE) {
        Program storage found = _operatedProgram(programId);
        uint256 size = beneficiaries.length;
        if (size == 0) revert ProgramRegistryEmptyBatch();
        if (size > MAX_ENROLL_BATCH) revert ProgramRegistryBatchTooLarge(size, MAX_ENROLL_BATCH);
        uint32 next = found.enrolled;
        for (uint256 i; i < size; ++i) {
            bytes32 beneficiary = beneficiaries[i];
            IIdentityRegistry.Binding memory bound = _identities.binding(beneficiary);
            if (bound.kind != IIdentityRegistry.Kind.Person || bound.revoked) {
                revert ProgramRegistryUnknownIdentity(beneficiary);
            }
            Enrollment storage entry = _enrollments[programId][beneficiary];
            if (entry.active) revert ProgramRegistryAlreadyEnrolled(programId, beneficiary);
            if (!entry.enrolled) {
                entry.enrolled = true;
                entry.index = next;
                _beneficiaryAt[programId][next] = beneficiary;
                ++next;
            }
            entry.active = true;
            emit BeneficiaryEnrolled(programId, beneficiary, entry.index);
        }
        found.enrolled = next;
    }

    /// @inheritdoc IProgramRegistry
    function removeBeneficiary(uint256 programId, bytes32 beneficiary, bytes32 reasonHash)
        external
        onlyRole(PROGRAM_OPERATOR_ROLE)
    {
        _operatedProgram(programId);
        Enrollment storage entry = _enrollments[programId][beneficiary];
        if (!entry.active) revert ProgramRegistryNotEnrolled(programId, beneficiary);
        entry.active = false;
        emit BeneficiaryRemoved(programId, beneficiary, entry.index, reasonHash);
    }

    /// @inheritdoc IProgramRegistry
    function program(uint256 programId) external view returns (Program memory) {
        return _program(programId);
    }

    /// @inheritdoc IProgramRegistry
    function programCount() external view returns (uint256) {
        return _programCount;
    }

    /// @inheritdoc IProgramRegistry
    function enrollment(uint256 programId, bytes32 beneficiary) external view returns (Enrollment memory) {
        return _enrollments[programId][beneficiary];
    }

    /// @inheritdoc IProgramRegistry
    function beneficiaryAt(uint256 programId, uint256 index) external view returns (bytes32) {
        if (index >= _program(programId).enrolled) revert ProgramRegistryUnknownIndex(programId, index);
        return _beneficiaryAt[programId][index];
    }

    /// @inheritdoc IProgramRegistry
    function dueAt(uint256 programId, uint256 period) external view returns (uint256) {
        Program storage found = _program(programId);
        return uint256(found.start) + period * found.interval;
    }

    /// @inheritdoc IProgramRegistry
    function resolve(uint256 programId, bytes32[] calldata beneficiaries)
        external
        view
        returns (Resolution[] memory resolved)
    {
        uint256 maxAge = _program(programId).attestationMaxAge;
        uint256 size = beneficiaries.length;
        resolved = new Resolution[](size);
        for (uint256 i; i < size; ++i) {
            bytes32 beneficiary = beneficiaries[i];
            Enrollment memory entry = _enrollments[programId][beneficiary];
            if (!entry.active) revert ProgramRegistryNotEnrolled(programId, beneficiary);
            IIdentityRegistry.Binding memory bound = _identities.binding(beneficiary);
            Refusal refusal = Refusal.None;
            if (bound.revoked) {
                refusal = Refusal.IdentityRevoked;
            } else if (maxAge != 0) {
                uint256 at = _eligibility.attestedAt(beneficiary);
                if (at == 0) refusal = Refusal.NoAttestation;
                else if (block.timestamp - at > maxAge) refusal = Refusal.AttestationExpired;
            }
            resolved[i] = Resolution({
                index: entry.index,
                account: refusal == Refusal.IdentityRevoked ? address(0) : bound.account,
                refusal: refusal
            });
        }
    }

    function _program(uint256 programId) private view returns (Program storage found) {
        found = _programs[programId];
        if (found.interval == 0) revert ProgramRegistryUnknownProgram(programId);
    }

    /// @dev The program, if the caller is an officer of its running department.
    function _operatedProgram(uint256 programId) private view returns (Program storage found) {
        found = _program(programId);
        if (_departments.activeDepartmentOf(msg.sender) != found.department) {
            revert ProgramRegistryWrongDepartment(programId, msg.sender);
        }
    }
}
