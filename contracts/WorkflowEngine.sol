// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IWorkflowEngine} from "@govchain/interfaces/IWorkflowEngine.sol";
import {ICaseHook, CASE_EXPIRED_REASON} from "@govchain/interfaces/ICaseHook.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";

/// @title WorkflowEngine
/// @notice Approval workflows (审批): templates of ordered, role-owned, time-limited steps and the
/// cases that walk through them, one step at a time.
/// @dev DEFAULT_ADMIN_ROLE is governance (handed to the timelock after bootstrap): it creates and
/// deactivates templates and grants the step roles to department officers and CASE_OPENER_ROLE to
/// contracts that open cases for applicants (EnterpriseRegistry), and sets how long a returned case
/// waits for its applicant before anyone may close it as Expired (`setReturnExpiry`, 30 days at first).
/// An officer never decides a case they applied for (WorkflowEngineSelfDecision).
///
/// Gas: a case is one storage slot. A step decision reads that slot, the step's role (one slot),
/// the officer's role membership (one slot, local: no call to another contract) and, when the
/// next step starts, the packed time limits (one slot); it writes the case slot once.
///
/// Reentrancy: the only external call that is not a view is the close hook, made after the case
/// is in its final (closed) state and its events are emitted, and the hook is trusted (governance
/// names it with the template). A hook that calls back finds the case closed and every other path
/// behind the same role checks as any caller, so no invariant is in flux during the call; a guard
/// would only forbid legitimate chaining (a hook opening a follow-up case) and cost gas on every
/// decision.
contract WorkflowEngine is DepartmentRoles, ERC2771Context, IWorkflowEngine {
    /// @notice Contracts that open cases on behalf of applicants (e.g. EnterpriseRegistry).
    bytes32 public constant CASE_OPENER_ROLE = keccak256("CASE_OPENER_ROLE");

    /// @notice Most steps a template may have.
    uint256 public constant MAX_STEPS = 16;

    /// @notice Seconds a returned case waits for its applicant until governance sets another period (30 days).
    uint32 public constant DEFAULT_RETURN_EXPIRY = 30 days;
    /// @notice Shortest return expiry governance may set, in seconds (1 day).
    uint32 public constant MIN_RETURN_EXPIRY = 1 days;
    /// @notice Longest return expiry governance may set, in seconds (365 days).
    uint32 public constant MAX_RETURN_EXPIRY = 365 days;

    /// @dev A template. Slot 0 is all a case opening or closing reads; a decision reads one role
    /// and one time-limit slot. Templates never change after creation except `active`.
    struct TemplateRecord {
        address hook; // ICaseHook told when a case closes, or zero
        uint8 stepCount; // number of steps, 1..MAX_STEPS (0: no such template)
        uint8 minLevel; // minimum identity verification level of an applicant
        bool active; // false once deactivated
        bytes32 nameHash; // hash of the name / legal basis document (for clients' views)
        bytes32[MAX_STEPS] roles; // roles[i] decides step i
        uint32[MAX_STEPS] timeLimits; // timeLimits[i]: seconds to decide step i, 8 per slot
    }

    /// @dev A case, packed in one storage slot (20 + 4 + 1 + 1 + 1 + 5 = 32 bytes).
    struct CaseRecord {
        address applicant; // the verified applicant
        uint32 templateId; // the template it follows
        uint8 step; // index of the current step (of the last one decided, once closed)
        uint8 stepCount; // its template's step count, copied at opening: a decision knows if it is final
        CaseStatus status; // None / InReview / Returned / Approved / Rejected / Expired
        uint40 stepStartedAt; // block timestamp at which the current step started or last restarted (returned, while Returned)
    }

    IIdentityRegistry private immutable _identities;

    uint32 private _templateCount;
    uint32 private _returnExpiry; // seconds a returned case waits for its applicant
    uint256 private _caseCount;
    mapping(uint32 templateId => TemplateRecord) private _templates;
    mapping(uint256 caseId => CaseRecord) private _cases;
    /// @dev Written only for cases opened with a non-zero subject.
    mapping(uint256 caseId => bytes32 subject) private _subjects;

    /// @param admin the bootstrap governance account (the deployer, who later hands over to the timelock)
    /// @param identities the IdentityRegistry that verifies applicants
    /// @param trustedForwarder the GovForwarder relaying citizens' signed applications (zero: none)
    constructor(address admin, address identities, address trustedForwarder) ERC2771Context(trustedForwarder) {
        if (admin == address(0) || identities == address(0)) revert WorkflowEngineZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _identities = IIdentityRegistry(identities);
        _returnExpiry = DEFAULT_RETURN_EXPIRY;
    }

    /// @inheritdoc IWorkflowEngine
    function setReturnExpiry(uint32 period) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (period < MIN_RETURN_EXPIRY || period > MAX_RETURN_EXPIRY) {
            revert WorkflowEngineInvalidReturnExpiry(period, MIN_RETURN_EXPIRY, MAX_RETURN_EXPIRY);
        }
        _returnExpiry = period;
        emit ReturnExpirySet(period);
    }

    /// @inheritdoc IWorkflowEngine
    function createTemplate(bytes32 nameHash, Step[] calldata steps, address hook, uint8 minLevel)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint32 templateId)
    {
        uint256 count = steps.length;
        if (count == 0 || count > MAX_STEPS) revert WorkflowEngineInvalidStepCount(count, MAX_STEPS);
        if (hook != address(0) && hook.code.length == 0) revert WorkflowEngineInvalidHook(hook);
        templateId = ++_templateCount;
        TemplateRecord storage template = _templates[templateId];
        for (uint256 i; i < count; ++i) {
            Step calldata step = steps[i];
            if (
                step.timeLimit == 0 || step.role == DEFAULT_ADMIN_ROLE || step.role == CASE_OPENER_ROLE
                    || step.role == DEPARTMENT_REGISTRY_ROLE
            ) {
                revert WorkflowEngineInvalidStep(i);
            }
            template.roles[i] = step.role;
            template.timeLimits[i] = step.timeLimit;
        }
        template.hook = hook;
        template.stepCount = uint8(count); // count <= MAX_STEPS < 256
        template.minLevel = minLevel;
        template.active = true;
        template.nameHash = nameHash;
        emit TemplateCreated(templateId, nameHash, hook, minLevel, steps);
    }

    /// @inheritdoc IWorkflowEngine
    function deactivateTemplate(uint32 templateId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        TemplateRecord storage template = _requireTemplate(templateId);
        if (!template.active) revert WorkflowEngineTemplateInactive(templateId);
        template.active = false;
        emit TemplateDeactivated(templateId);
    }

    /// @inheritdoc IWorkflowEngine
    function openCase(uint32 templateId, bytes32 subject) external returns (uint256 caseId) {
        return _open(_msgSender(), templateId, subject, false);
    }

    /// @inheritdoc IWorkflowEngine
    function openCaseFor(address applicant, uint32 templateId, bytes32 subject)
        external
        onlyRole(CASE_OPENER_ROLE)
        returns (uint256 caseId)
    {
        return _open(applicant, templateId, subject, true);
    }

    /// @inheritdoc IWorkflowEngine
    function decide(uint256 caseId, Decision decision, bytes32 reasonHash) external {
        CaseRecord storage record = _cases[caseId];
        CaseRecord memory current = record;
        if (current.status != CaseStatus.InReview) {
            // a returned case may still be rejected (it then holds its subject no longer)
            if (current.status != CaseStatus.Returned || decision != Decision.Reject) {
                _revertNotInReview(caseId, current.status);
            }
        }
        TemplateRecord storage template = _templates[current.templateId];
        address officer = _msgSender();
        _checkRole(template.roles[current.step], officer);
        if (officer == current.applicant) revert WorkflowEngineSelfDecision(caseId, officer);
        if (decision != Decision.Approve && (reasonHash == bytes32(0) || reasonHash == CASE_EXPIRED_REASON)) {
            revert WorkflowEngineReasonRequired(caseId, decision);
        }

        if (decision == Decision.Approve && current.step + 1 < current.stepCount) {
            uint8 next = current.step + 1;
            uint40 startedAt = uint40(block.timestamp); // fits until the year 36812
            record.step = next;
            record.stepStartedAt = startedAt;
            emit StepDecided(caseId, current.step, decision, officer, reasonHash);
            emit StepStarted(caseId, next, startedAt + template.timeLimits[next]);
        } else if (decision == Decision.Return) {
            record.status = CaseStatus.Returned;
            record.stepStartedAt = uint40(block.timestamp); // the return expiry runs from now
            emit StepDecided(caseId, current.step, decision, officer, reasonHash);
            emit CaseReturned(caseId, current.applicant, current.step, reasonHash);
        } else {
            bool approved = decision == Decision.Approve;
            record.status = approved ? CaseStatus.Approved : CaseStatus.Rejected;
            emit StepDecided(caseId, current.step, decision, officer, reasonHash);
            emit CaseClosed(caseId, current.applicant, approved);
            address hook = template.hook;
            if (hook != address(0)) {
                // Interaction last: the case is closed and its events are out (see the contract's
                // note on reentrancy); the hook is trusted, set by governance with the template.
                ICaseHook(hook).onCaseClosed(caseId, _subjects[caseId], approved, reasonHash);
            }
        }
    }

    /// @inheritdoc IWorkflowEngine
    function resubmit(uint256 caseId, bytes32 materialHash) external {
        CaseRecord storage record = _cases[caseId];
        CaseRecord memory current = record;
        if (current.status == CaseStatus.None) revert WorkflowEngineUnknownCase(caseId);
        if (_msgSender() != current.applicant) revert WorkflowEngineNotApplicant(caseId, _msgSender());
        if (current.status != CaseStatus.Returned) revert WorkflowEngineCaseNotReturned(caseId, current.status);
        uint40 expiresAt = _expiresAt(current);
        if (block.timestamp > expiresAt) revert WorkflowEngineCaseExpired(caseId, expiresAt);
        if (materialHash == bytes32(0)) revert WorkflowEngineMaterialRequired(caseId);
        uint40 startedAt = uint40(block.timestamp);
        record.status = CaseStatus.InReview;
        record.stepStartedAt = startedAt;
        emit CaseResubmitted(caseId, current.step, materialHash);
        emit StepStarted(caseId, current.step, startedAt + _templates[current.templateId].timeLimits[current.step]);
    }

    /// @inheritdoc IWorkflowEngine
    function expireCase(uint256 caseId) external {
        CaseRecord storage record = _cases[caseId];
        CaseRecord memory current = _requireCase(caseId);
        if (current.status != CaseStatus.Returned) revert WorkflowEngineCaseNotReturned(caseId, current.status);
        uint40 expiresAt = _expiresAt(current);
        if (block.timestamp <= expiresAt) revert WorkflowEngineCaseNotExpired(caseId, expiresAt);
        record.status = CaseStatus.Expired;
        emit CaseExpired(caseId, current.applicant, current.step, _msgSender());
        address hook = _templates[current.templateId].hook;
        if (hook != address(0)) {
            // Interaction last, as in `decide`: the case is closed and its event is out.
            ICaseHook(hook).onCaseClosed(caseId, _subjects[caseId], false, CASE_EXPIRED_REASON);
        }
    }

    /// @inheritdoc IWorkflowEngine
    function returnExpiry() external view returns (uint32) {
        return _returnExpiry;
    }

    /// @inheritdoc IWorkflowEngine
    function caseInfo(uint256 caseId) external view returns (CaseInfo memory info) {
        CaseRecord memory current = _requireCase(caseId);
        TemplateRecord storage template = _templates[current.templateId];
        info = CaseInfo({
            applicant: current.applicant,
            templateId: current.templateId,
            step: current.step,
            stepCount: current.stepCount,
            status: current.status,
            stepStartedAt: current.stepStartedAt,
            deadline: current.status != CaseStatus.InReview
                ? 0
                : current.stepStartedAt + template.timeLimits[current.step],
            role: template.roles[current.step],
            subject: _subjects[caseId],
            expiresAt: current.status != CaseStatus.Returned ? 0 : _expiresAt(current)
        });
    }

    /// @inheritdoc IWorkflowEngine
    function isOverdue(uint256 caseId) external view returns (bool) {
        CaseRecord memory current = _requireCase(caseId);
        if (current.status != CaseStatus.InReview) return false;
        return block.timestamp > uint256(current.stepStartedAt) + _templates[current.templateId].timeLimits[current.step];
    }

    /// @inheritdoc IWorkflowEngine
    function templateInfo(uint32 templateId) external view returns (TemplateInfo memory info) {
        TemplateRecord storage template = _requireTemplate(templateId);
        uint256 count = template.stepCount;
        Step[] memory steps = new Step[](count);
        for (uint256 i; i < count; ++i) {
            steps[i] = Step({role: template.roles[i], timeLimit: template.timeLimits[i]});
        }
        info = TemplateInfo({
            nameHash: template.nameHash,
            hook: template.hook,
            minLevel: template.minLevel,
            active: template.active,
            steps: steps
        });
    }

    /// @inheritdoc IWorkflowEngine
    function templateCount() external view returns (uint32) {
        return _templateCount;
    }

    /// @inheritdoc IWorkflowEngine
    function caseCount() external view returns (uint256) {
        return _caseCount;
    }

    /// @inheritdoc IWorkflowEngine
    function identityRegistry() external view returns (address) {
        return address(_identities);
    }

    /// @param byOpener whether a CASE_OPENER_ROLE contract opens it (required for templates with a hook)
    function _open(address applicant, uint32 templateId, bytes32 subject, bool byOpener)
        private
        returns (uint256 caseId)
    {
        TemplateRecord storage template = _requireTemplate(templateId);
        if (!template.active) revert WorkflowEngineTemplateInactive(templateId);
        if (!byOpener && template.hook != address(0)) revert WorkflowEngineOpenerRequired(templateId);
        uint8 minLevel = template.minLevel;
        if (!_identities.isVerified(applicant, minLevel)) revert WorkflowEngineApplicantNotVerified(applicant, minLevel);

        caseId = ++_caseCount;
        uint40 startedAt = uint40(block.timestamp); // fits until the year 36812
        _cases[caseId] = CaseRecord({
            applicant: applicant,
            templateId: templateId,
            step: 0,
            stepCount: template.stepCount,
            status: CaseStatus.InReview,
            stepStartedAt: startedAt
        });
        if (subject != bytes32(0)) _subjects[caseId] = subject;
        emit CaseOpened(caseId, templateId, applicant, subject, _msgSender());
        emit StepStarted(caseId, 0, startedAt + template.timeLimits[0]);
    }

    function _requireTemplate(uint32 templateId) private view returns (TemplateRecord storage template) {
        template = _templates[templateId];
        if (template.stepCount == 0) revert WorkflowEngineUnknownTemplate(templateId);
    }

    function _requireCase(uint256 caseId) private view returns (CaseRecord memory current) {
        current = _cases[caseId];
        if (current.status != CaseStatus.None) return current;
        revert WorkflowEngineUnknownCase(caseId);
    }

    /// @dev The last moment returned case `current` may be resubmitted (the expiry runs from its return).
    function _expiresAt(CaseRecord memory current) private view returns (uint40) {
        return current.stepStartedAt + _returnExpiry;
    }

    function _revertNotInReview(uint256 caseId, CaseStatus status) private pure {
        if (status == CaseStatus.None) revert WorkflowEngineUnknownCase(caseId);
        revert WorkflowEngineCaseNotInReview(caseId, status);
    }

    /// @dev Citizens' applications arrive through the trusted GovForwarder (ERC-2771): the signer, not the relayer, is the sender.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}
