// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Approval workflows (审批): templates of ordered steps, cases that walk through them
/// @notice Governance (DEFAULT_ADMIN_ROLE) defines templates: ordered steps, each owned by a
/// department role of the engine (e.g. keccak256("SAMR_REVIEWER_ROLE")) and carrying a time limit.
/// A verified applicant (IIdentityRegistry.isVerified at the template's minimum level) opens a case,
/// or a contract holding CASE_OPENER_ROLE opens one on an applicant's behalf (cases of a template
/// with a hook are opened only that way: the hook's contract keeps its own record of each case it
/// opens and refuses any other). At each step an
/// officer holding the step's role decides: Approve (the next step starts, or after the last step
/// the case closes approved), Reject (the case closes rejected, with a reason hash) or Return (the
/// case waits for the applicant's further material; their resubmission restarts the same step with
/// a fresh time limit). A returned case may still be rejected by the step's officers, and it
/// expires `returnExpiry` seconds after it was returned (governance sets the period, 30 days by
/// default): from then on the applicant can no longer resubmit and anyone may close it as Expired,
/// which tells the hook as a rejection (reason CASE_EXPIRED_REASON), so a returned case never holds
/// what it is about (e.g. an enterprise's code) for ever. No officer decides a case they applied
/// for. A case never skips a step and never goes back to a finished one.
/// Every step and timestamp is public through the events; overdue steps are visible through
/// `isOverdue` and `caseInfo`. When a case closes, the template's hook (if any) is told the outcome.
interface IWorkflowEngine {
    /// @notice An officer's decision on the current step of a case.
    enum Decision {
        Approve, // the step is done: the next step starts, or the case closes approved after the last
        Reject, // the case closes rejected (reason required)
        Return // the case waits for the applicant's further material (reason required)
    }

    /// @notice Where a case stands.
    enum CaseStatus {
        None, // no such case
        InReview, // the current step waits for an officer's decision
        Returned, // the current step waits for the applicant's further material
        Approved, // closed: every step approved
        Rejected, // closed: a step rejected it
        Expired // closed: returned to the applicant and not resubmitted within returnExpiry
    }

    /// @notice One step of a template.
    struct Step {
        bytes32 role; // the engine role whose holders decide this step
        uint32 timeLimit; // seconds an officer has to decide once the step starts (or restarts)
    }

    /// @notice A template as returned by `templateInfo`.
    struct TemplateInfo {
        bytes32 nameHash; // hash of the template's name / legal basis document
        address hook; // ICaseHook told when a case closes, or zero
        uint8 minLevel; // minimum identity verification level of an applicant
        bool active; // false once deactivated: no new cases (open ones run to the end)
        Step[] steps; // the ordered steps
    }

    /// @notice A case as returned by `caseInfo`.
    struct CaseInfo {
        address applicant; // the verified applicant the case belongs to
        uint32 templateId; // the template it follows
        uint8 step; // index of the current step (of the last one decided, once closed)
        uint8 stepCount; // number of steps of its template
        CaseStatus status; // where it stands
        uint40 stepStartedAt; // when the current step started or last restarted; when it was returned, while Returned
        uint40 deadline; // stepStartedAt + the step's time limit while InReview, else 0
        bytes32 role; // the role that decides the current step
        bytes32 subject; // what the case is about (e.g. bytes32(USCC)), zero if nothing was named
        uint40 expiresAt; // while Returned: stepStartedAt + returnExpiry, the last moment to resubmit; else 0
    }

    /// @notice `steps` is empty or has more than `max` steps.
    error WorkflowEngineInvalidStepCount(uint256 count, uint256 max);
    /// @notice Step `index` has a zero time limit or a role that cannot own a step
    /// (DEFAULT_ADMIN_ROLE or CASE_OPENER_ROLE).
    error WorkflowEngineInvalidStep(uint256 index);
    /// @notice The hook is neither zero nor a contract.
    error WorkflowEngineInvalidHook(address hook);
    /// @notice The identity registry is the zero address.
    error WorkflowEngineZeroAddress();
    /// @notice No template has id `templateId`.
    error WorkflowEngineUnknownTemplate(uint32 templateId);
    /// @notice Template `templateId` is deactivated: it takes no new cases.
    error WorkflowEngineTemplateInactive(uint32 templateId);
    /// @notice Template `templateId` has a hook: its cases are opened only through `openCaseFor`.
    error WorkflowEngineOpenerRequired(uint32 templateId);
    /// @notice `applicant` is not bound to an unrevoked identity of at least `minLevel`.
    error WorkflowEngineApplicantNotVerified(address applicant, uint8 minLevel);
    /// @notice No case has id `caseId`.
    error WorkflowEngineUnknownCase(uint256 caseId);
    /// @notice A decision needs the case InReview (or Returned, for a Reject); it is `status`.
    error WorkflowEngineCaseNotInReview(uint256 caseId, CaseStatus status);
    /// @notice `officer` applied for case `caseId`: nobody decides their own case.
    error WorkflowEngineSelfDecision(uint256 caseId, address officer);
    /// @notice Returned case `caseId` expired at `expiresAt`: it can no longer be resubmitted.
    error WorkflowEngineCaseExpired(uint256 caseId, uint40 expiresAt);
    /// @notice Returned case `caseId` expires only after `expiresAt`.
    error WorkflowEngineCaseNotExpired(uint256 caseId, uint40 expiresAt);
    /// @notice A return expiry of `period` seconds is outside [min, max].
    error WorkflowEngineInvalidReturnExpiry(uint32 period, uint32 min, uint32 max);
    /// @notice A resubmission needs the case Returned; it is `status`.
    error WorkflowEngineCaseNotReturned(uint256 caseId, CaseStatus status);
    /// @notice Only the case's applicant may resubmit material.
    error WorkflowEngineNotApplicant(uint256 caseId, address caller);
    /// @notice A Reject or Return decision needs a reason hash, neither zero nor CASE_EXPIRED_REASON
    /// (which only an expiry gives).
    error WorkflowEngineReasonRequired(uint256 caseId, Decision decision);
    /// @notice A resubmission needs a non-zero material hash.
    error WorkflowEngineMaterialRequired(uint256 caseId);

    /// @notice Emitted when governance creates template `templateId`.
    event TemplateCreated(uint32 indexed templateId, bytes32 indexed nameHash, address hook, uint8 minLevel, Step[] steps);
    /// @notice Emitted when governance deactivates template `templateId`.
    event TemplateDeactivated(uint32 indexed templateId);
    /// @notice Emitted when `openedBy` (the applicant or a CASE_OPENER_ROLE contract) opens case `caseId`.
    event CaseOpened(
        uint256 indexed caseId, uint32 indexed templateId, address indexed applicant, bytes32 subject, address openedBy
    );
    /// @notice Emitted when step `step` of case `caseId` starts or restarts; `deadline` = now + its time limit.
    event StepStarted(uint256 indexed caseId, uint8 step, uint40 deadline);
    /// @notice Emitted when `officer` decides step `step` of case `caseId`.
    event StepDecided(uint256 indexed caseId, uint8 step, Decision decision, address indexed officer, bytes32 reasonHash);
    /// @notice Emitted when case `caseId` is returned to `applicant` for further material at step `step`.
    event CaseReturned(uint256 indexed caseId, address indexed applicant, uint8 step, bytes32 reasonHash);
    /// @notice Emitted when the applicant resubmits material `materialHash` for step `step` of case `caseId`.
    event CaseResubmitted(uint256 indexed caseId, uint8 step, bytes32 materialHash);
    /// @notice Emitted when case `caseId` closes by a decision, approved or rejected (before the hook is called).
    event CaseClosed(uint256 indexed caseId, address indexed applicant, bool approved);
    /// @notice Emitted when `closedBy` closes returned case `caseId` as Expired at step `step` (before the hook is called).
    event CaseExpired(uint256 indexed caseId, address indexed applicant, uint8 step, address closedBy);
    /// @notice Emitted when governance sets how long a returned case waits for its applicant.
    event ReturnExpirySet(uint32 period);

    /// @notice Creates a template. Governance (DEFAULT_ADMIN_ROLE) only.
    /// @param nameHash hash of the template's name / legal basis document
    /// @param steps the ordered steps (1..MAX_STEPS), each with a non-zero time limit in seconds
    /// @param hook an ICaseHook contract told when a case closes, or zero for none
    /// @param minLevel the minimum identity verification level of an applicant (0 or 1: any bound,
    /// unrevoked identity)
    /// @return templateId the new template's id (ids start at 1)
    /// @dev Reverts with WorkflowEngineInvalidStepCount, WorkflowEngineInvalidStep, WorkflowEngineInvalidHook.
    /// Emits TemplateCreated.
    function createTemplate(bytes32 nameHash, Step[] calldata steps, address hook, uint8 minLevel)
        external
        returns (uint32 templateId);

    /// @notice Deactivates a template: it takes no new cases; open cases run to the end. Governance only.
    /// @dev Reverts with WorkflowEngineUnknownTemplate, WorkflowEngineTemplateInactive. Emits TemplateDeactivated.
    function deactivateTemplate(uint32 templateId) external;

    /// @notice Opens a case of template `templateId` for the caller, who must be a verified applicant.
    /// @param subject what the case is about (zero if nothing in particular)
    /// @return caseId the new case's id (ids start at 1)
    /// @dev Reverts with WorkflowEngineUnknownTemplate, WorkflowEngineTemplateInactive,
    /// WorkflowEngineOpenerRequired (the template has a hook), WorkflowEngineApplicantNotVerified.
    /// Emits CaseOpened and StepStarted for step 0.
    function openCase(uint32 templateId, bytes32 subject) external returns (uint256 caseId);

    /// @notice Opens a case on behalf of verified `applicant`. CASE_OPENER_ROLE only (e.g. EnterpriseRegistry).
    /// @dev Same checks and events as `openCase`, and templates with a hook are allowed.
    function openCaseFor(address applicant, uint32 templateId, bytes32 subject) external returns (uint256 caseId);

    /// @notice Decides the current step of case `caseId`. Holders of the step's role only, never
    /// the case's applicant. A Returned case may be rejected (not approved or returned again).
    /// @param reasonHash hash of the reason / opinion document; required for Reject and Return (non-zero,
    /// not CASE_EXPIRED_REASON)
    /// @dev Reverts with WorkflowEngineUnknownCase, WorkflowEngineCaseNotInReview,
    /// AccessControlUnauthorizedAccount, WorkflowEngineSelfDecision, WorkflowEngineReasonRequired.
    /// Emits StepDecided, then StepStarted (Approve of a non-final step), CaseClosed (final Approve,
    /// Reject) or CaseReturned (Return). A closing decision then calls the template's hook.
    function decide(uint256 caseId, Decision decision, bytes32 reasonHash) external;

    /// @notice The applicant of returned case `caseId` resubmits material before it expires; the same step restarts.
    /// @dev Reverts with WorkflowEngineUnknownCase, WorkflowEngineNotApplicant, WorkflowEngineCaseNotReturned,
    /// WorkflowEngineCaseExpired, WorkflowEngineMaterialRequired. Emits CaseResubmitted and StepStarted.
    function resubmit(uint256 caseId, bytes32 materialHash) external;

    /// @notice Closes returned case `caseId` as Expired once `returnExpiry` seconds have passed since
    /// it was returned. Anyone may call it. The template's hook is told as of a rejection, with
    /// reason CASE_EXPIRED_REASON (e.g. EnterpriseRegistry releases the enterprise code).
    /// @dev Reverts with WorkflowEngineUnknownCase, WorkflowEngineCaseNotReturned,
    /// WorkflowEngineCaseNotExpired. Emits CaseExpired, then calls the hook.
    function expireCase(uint256 caseId) external;

    /// @notice Sets how long a returned case waits for its applicant's material, in seconds, for
    /// every returned case (also those returned before). Governance (DEFAULT_ADMIN_ROLE) only.
    /// @dev Reverts with WorkflowEngineInvalidReturnExpiry outside [MIN_RETURN_EXPIRY, MAX_RETURN_EXPIRY].
    /// Emits ReturnExpirySet.
    function setReturnExpiry(uint32 period) external;

    /// @notice Seconds a returned case waits for its applicant before it expires (30 days until governance changes it).
    function returnExpiry() external view returns (uint32);

    /// @notice Case `caseId`: applicant, template, current step, status, step start, deadline, role,
    /// subject, and while Returned when it expires.
    /// @dev Reverts with WorkflowEngineUnknownCase.
    function caseInfo(uint256 caseId) external view returns (CaseInfo memory);

    /// @notice Whether case `caseId` is InReview past its current step's deadline.
    /// @dev Reverts with WorkflowEngineUnknownCase.
    function isOverdue(uint256 caseId) external view returns (bool);

    /// @notice Template `templateId`.
    /// @dev Reverts with WorkflowEngineUnknownTemplate.
    function templateInfo(uint32 templateId) external view returns (TemplateInfo memory);

    /// @notice Number of templates created (the last template id).
    function templateCount() external view returns (uint32);

    /// @notice Number of cases opened (the last case id).
    function caseCount() external view returns (uint256);

    /// @notice The identity registry that verifies applicants.
    function identityRegistry() external view returns (address);
}
