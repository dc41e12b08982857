// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICaseHook} from "@govchain/interfaces/ICaseHook.sol";

/// @title Enterprise registration (企业登记)
/// @notice Enterprises are keyed by their 18-character unified social credit code (USCC, GB 32100-2015),
/// validated on chain (contracts/libraries/USCC.sol: USCCInvalidCharacter, USCCInvalidCheckCharacter).
/// A verified applicant applies with the code, the enterprise name, the legal representative's
/// identity commitment (never their ID-card number), the registered capital and a hash of the
/// business-scope document. The name and the registered capital are public registration data (every
/// market regulator publishes them), so they are on chain in plaintext, in the events (the
/// contract never reads them back); the name is checked by contracts/libraries/EnterpriseName.sol. The application opens a case of the registration template
/// on the WorkflowEngine, where market regulation reviews it step by step; when the case closes the
/// engine calls this registry back (ICaseHook): approved -> Registered, rejected -> Rejected (a
/// rejected code may apply again). A case returned for material that its applicant lets expire
/// (WorkflowEngine.expireCase, open to anyone) closes as a rejection too (reason
/// CASE_EXPIRED_REASON), so an application never holds a code for ever. Market regulation
/// (MARKET_REGULATOR_ROLE) records changes of a registered enterprise (a new name or registered
/// capital in plaintext, anything else as a hash or commitment), suspends and reinstates it, and
/// deregisters it for good.
///
/// Contests: anyone may apply for any well-formed code, so the application binds its applicant to
/// the code, and whoever claims the enterprise (a verified identity, e.g. its real founder) may
/// contest the pending application with the hash of their evidence. While a contest is pending the
/// application cannot be approved: an officer who may decide the case's current step must resolve
/// it, either by dismissing the contest (the review goes on) or by rejecting the case, which upholds
/// the contest: the code is then reserved for the contestant alone for RESERVATION_PERIOD. A
/// contested case that expires releases the code to everyone (no officer ruled on the contest).
/// Nobody resolves a contest about their own application or their own claim.
///
/// Allowed transitions, by action (every other one reverts with EnterpriseRegistryTransitionNotAllowed):
///   Apply         None -> Applied, Rejected -> Applied         applyForRegistration (a reserved code: its claimant only)
///   Contest       Applied -> Applied                           contest (one pending contest at a time)
///   Approve       Applied -> Registered                        the registration case closes approved
///   Reject        Applied -> Rejected                          the registration case closes rejected
///   RecordChange  Registered -> Registered                     changeName, changeRegisteredCapital, recordChange
///   Suspend       Registered -> Suspended                      suspend
///   Reinstate     Suspended -> Registered                      reinstate
///   Deregister    Registered -> Deregistered, Suspended -> Deregistered   deregister (final)
/// Every transition emits an event; the block timestamp of its transaction is its time, and the
/// record keeps appliedAt and decidedAt so the time from application to decision is readable on chain.
interface IEnterpriseRegistry is ICaseHook {
    /// @notice An enterprise's registration status.
    enum Status {
        None, // never applied
        Applied, // application under review (a registration case is open)
        Registered, // approved and in business
        Rejected, // the last application was rejected; the code may apply again
        Suspended, // registered, business suspended by market regulation
        Deregistered // deregistered for good
    }

    /// @notice What moves an enterprise from one status to another (see the table above).
    enum Action {
        Apply,
        Approve,
        Reject,
        RecordChange,
        Suspend,
        Reinstate,
        Deregister,
        Contest
    }

    /// @notice What a recorded change changed. Name and RegisteredCapital are public: their new value is
    /// in plaintext (changeName, changeRegisteredCapital); the other kinds carry a hash (recordChange).
    enum ChangeKind {
        Name, // enterprise name (EnterpriseNameChanged: the new name)
        LegalRepresentative, // legal representative (new value: their identity commitment)
        RegisteredCapital, // registered capital (EnterpriseCapitalChanged: the new amount in fen)
        BusinessScope, // business scope (new value: hash of the scope document)
        Domicile, // registered address (new value: hash of the address)
        Other // anything else (new value: hash of the change document)
    }

    /// @notice An enterprise record, packed in one storage slot (1 + 5 + 5 + 8 + 1 + 5 = 25 bytes).
    struct Enterprise {
        Status status; // current status
        uint40 appliedAt; // block timestamp of the latest application
        uint40 decidedAt; // block timestamp at which the latest application was decided (0 while Applied)
        uint64 caseId; // the WorkflowEngine case of the latest application
        bool contested; // a contest of the pending application waits for an officer (see `claimant`)
        uint40 reservedUntil; // after an upheld contest: only the claimant may apply until then; else 0
    }

    /// @notice The admin or the engine is the zero address.
    error EnterpriseRegistryZeroAddress();
    /// @notice No registration template is configured yet.
    error EnterpriseRegistryNoTemplate();
    /// @notice Template `templateId` of the engine does not call this registry back (its hook is `hook`).
    error EnterpriseRegistryTemplateHookMismatch(uint32 templateId, address hook);
    /// @notice The legal-representative commitment or the business-scope hash is zero.
    error EnterpriseRegistryIncompleteApplication(bytes18 uscc);
    /// @notice A change of `kind` (the name or the registered capital) is public: it is recorded with its
    /// new value by changeName or changeRegisteredCapital, not as a hash.
    error EnterpriseRegistryPublicChange(bytes18 uscc, ChangeKind kind);
    /// @notice A change needs a non-zero new-value hash; a suspension, reinstatement or deregistration a reason hash.
    error EnterpriseRegistryMissingHash(bytes18 uscc);
    /// @notice `action` is not allowed on enterprise `uscc` while it is `current`.
    error EnterpriseRegistryTransitionNotAllowed(bytes18 uscc, Status current, Action action);
    /// @notice Only the WorkflowEngine may report a case's outcome; `caller` is not it.
    error EnterpriseRegistryNotEngine(address caller);
    /// @notice Case `caseId` is not the open registration case of subject `subject`.
    error EnterpriseRegistryUnexpectedCase(uint256 caseId, bytes32 subject);
    /// @notice `contestant` contests the application `caseId` of `uscc`: it cannot be approved, nor
    /// contested again, until an officer resolves the contest.
    error EnterpriseRegistryContestPending(bytes18 uscc, uint256 caseId, address contestant);
    /// @notice No contest of `uscc` is pending.
    error EnterpriseRegistryNoContest(bytes18 uscc);
    /// @notice `uscc` is reserved for `claimant` (an upheld contest) until `reservedUntil`.
    error EnterpriseRegistryReserved(bytes18 uscc, address claimant, uint40 reservedUntil);
    /// @notice `contestant` is not bound to an unrevoked identity of at least `minLevel` (the registration template's).
    error EnterpriseRegistryContestantNotVerified(address contestant, uint8 minLevel);
    /// @notice `account` is a party to the contest of `uscc` (its applicant or contestant) and may not file or resolve it.
    error EnterpriseRegistryContestParty(bytes18 uscc, address account);

    /// @notice Emitted when governance sets the engine template that registration cases follow.
    event RegistrationTemplateSet(uint32 indexed templateId);
    /// @notice Emitted when `applicant` applies to register `uscc` under `name`; case `caseId` reviews it.
    /// @param name the enterprise name (UTF-8, see EnterpriseName)
    /// @param registeredCapitalFen registered capital in fen (0.01 yuan)
    event EnterpriseApplied(
        bytes18 indexed uscc,
        uint256 indexed caseId,
        address indexed applicant,
        string name,
        bytes32 legalRepCommitment,
        uint256 registeredCapitalFen,
        bytes32 businessScopeHash
    );
    /// @notice Emitted when the registration case `caseId` of `uscc` closes approved.
    event EnterpriseRegistered(bytes18 indexed uscc, uint256 indexed caseId);
    /// @notice Emitted when the registration case `caseId` of `uscc` closes rejected, with its reason.
    event EnterpriseRejected(bytes18 indexed uscc, uint256 indexed caseId, bytes32 reasonHash);
    /// @notice Emitted when `contestant` contests the pending application (case `caseId`) of `uscc`.
    /// @param evidenceHash hash of the contestant's evidence document, kept off chain
    event EnterpriseContested(bytes18 indexed uscc, uint256 indexed caseId, address indexed contestant, bytes32 evidenceHash);
    /// @notice Emitted when `officer` dismisses the pending contest of `uscc`; the review of case `caseId` goes on.
    event EnterpriseContestDismissed(bytes18 indexed uscc, uint256 indexed caseId, address indexed officer, bytes32 reasonHash);
    /// @notice Emitted when contested case `caseId` of `uscc` is rejected: only `contestant` may apply until `reservedUntil`.
    event EnterpriseContestUpheld(bytes18 indexed uscc, uint256 indexed caseId, address indexed contestant, uint40 reservedUntil);
    /// @notice Emitted when contested case `caseId` of `uscc` expires: nobody ruled, the code is free to all.
    event EnterpriseContestLapsed(bytes18 indexed uscc, uint256 indexed caseId, address indexed contestant);
    /// @notice Emitted when market regulation records a change of registered enterprise `uscc` whose new
    /// value is not public (`kind` is neither Name nor RegisteredCapital).
    event EnterpriseChanged(bytes18 indexed uscc, ChangeKind kind, bytes32 newValueHash, address indexed officer);
    /// @notice Emitted when market regulation records the new name of registered enterprise `uscc`.
    event EnterpriseNameChanged(bytes18 indexed uscc, string name, address indexed officer);
    /// @notice Emitted when market regulation records the new registered capital (in fen) of registered enterprise `uscc`.
    event EnterpriseCapitalChanged(bytes18 indexed uscc, uint256 registeredCapitalFen, address indexed officer);
    /// @notice Emitted when market regulation suspends `uscc`.
    event EnterpriseSuspended(bytes18 indexed uscc, bytes32 reasonHash, address indexed officer);
    /// @notice Emitted when market regulation reinstates suspended `uscc`.
    event EnterpriseReinstated(bytes18 indexed uscc, bytes32 reasonHash, address indexed officer);
    /// @notice Emitted when market regulation deregisters `uscc` (final).
    event EnterpriseDeregistered(bytes18 indexed uscc, bytes32 reasonHash, address indexed officer);

    /// @notice Sets the engine template registration cases follow. Governance (DEFAULT_ADMIN_ROLE) only.
    /// @dev The template must exist and name this registry as its hook. Pending applications keep their
    /// case. Reverts with WorkflowEngineUnknownTemplate (from the engine) or
    /// EnterpriseRegistryTemplateHookMismatch. Emits RegistrationTemplateSet.
    function setRegistrationTemplate(uint32 templateId) external;

    /// @notice The caller (a verified identity) applies to register enterprise `uscc`.
    /// @param uscc the 18-character code, ASCII
    /// @param name the enterprise name: 1 to EnterpriseName.MAX_BYTES bytes of UTF-8, no control characters
    /// @param legalRepCommitment the legal representative's identity commitment
    /// @param registeredCapitalFen registered capital in fen (0.01 yuan)
    /// @param businessScopeHash hash of the business-scope document
    /// @return caseId the WorkflowEngine case that reviews the application
    /// @dev Reverts with USCCInvalidCharacter, USCCInvalidCheckCharacter, EnterpriseNameLength,
    /// EnterpriseNameInvalidCharacter, EnterpriseRegistryIncompleteApplication, EnterpriseRegistryTransitionNotAllowed,
    /// EnterpriseRegistryReserved, EnterpriseRegistryNoTemplate, and from the engine
    /// WorkflowEngineApplicantNotVerified / WorkflowEngineTemplateInactive. Emits EnterpriseApplied.
    function applyForRegistration(
        bytes18 uscc,
        string calldata name,
        bytes32 legalRepCommitment,
        uint256 registeredCapitalFen,
        bytes32 businessScopeHash
    ) external returns (uint256 caseId);

    /// @notice The caller (a verified identity, not the applicant) contests the pending application
    /// of `uscc`, claiming the enterprise, with the hash of their evidence. Until an officer resolves
    /// it the application cannot be approved.
    /// @dev Reverts with EnterpriseRegistryMissingHash, EnterpriseRegistryTransitionNotAllowed (not
    /// Applied), EnterpriseRegistryContestPending, EnterpriseRegistryContestParty,
    /// EnterpriseRegistryContestantNotVerified. Emits EnterpriseContested.
    function contest(bytes18 uscc, bytes32 evidenceHash) external;

    /// @notice Dismisses the pending contest of `uscc`; the application's review goes on. Only an
    /// officer holding the engine role that decides the case's current step, and neither its
    /// applicant nor the contestant. (To uphold the contest the officer rejects the case instead.)
    /// @dev Reverts with EnterpriseRegistryMissingHash, EnterpriseRegistryNoContest,
    /// AccessControlUnauthorizedAccount(officer, the step's role), EnterpriseRegistryContestParty.
    /// Emits EnterpriseContestDismissed.
    function dismissContest(bytes18 uscc, bytes32 reasonHash) external;

    /// @notice The contestant of the pending contest of `uscc`, or the claimant it is reserved for
    /// after an upheld contest (see `enterprise(uscc).reservedUntil`); zero when neither.
    function claimant(bytes18 uscc) external view returns (address);

    /// @notice Records a change of registered enterprise `uscc` whose new value is a hash or a commitment
    /// (legal representative, business scope, domicile, other). MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseRegistryPublicChange (kind Name or RegisteredCapital),
    /// EnterpriseRegistryMissingHash, EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseChanged.
    function recordChange(bytes18 uscc, ChangeKind kind, bytes32 newValueHash) external;

    /// @notice Records the new name of registered enterprise `uscc`. MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseNameLength, EnterpriseNameInvalidCharacter,
    /// EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseNameChanged.
    function changeName(bytes18 uscc, string calldata name) external;

    /// @notice Records the new registered capital of registered enterprise `uscc`, in fen (0.01 yuan).
    /// MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseCapitalChanged.
    function changeRegisteredCapital(bytes18 uscc, uint256 registeredCapitalFen) external;

    /// @notice Suspends registered enterprise `uscc`. MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseRegistryMissingHash, EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseSuspended.
    function suspend(bytes18 uscc, bytes32 reasonHash) external;

    /// @notice Reinstates suspended enterprise `uscc`. MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseRegistryMissingHash, EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseReinstated.
    function reinstate(bytes18 uscc, bytes32 reasonHash) external;

    /// @notice Deregisters registered or suspended enterprise `uscc`, for good. MARKET_REGULATOR_ROLE only.
    /// @dev Reverts with EnterpriseRegistryMissingHash, EnterpriseRegistryTransitionNotAllowed. Emits EnterpriseDeregistered.
    function deregister(bytes18 uscc, bytes32 reasonHash) external;

    /// @notice The record of `uscc` (status None and zeros when it never applied).
    function enterprise(bytes18 uscc) external view returns (Enterprise memory);

    /// @notice The status of `uscc`.
    function statusOf(bytes18 uscc) external view returns (Status);

    /// @notice Whether `uscc` is a well-formed code with a correct check character (GB 32100-2015).
    function isValidUSCC(bytes18 uscc) external pure returns (bool);

    /// @notice Reverts with USCCInvalidCharacter or USCCInvalidCheckCharacter unless `uscc` is valid.
    function validateUSCC(bytes18 uscc) external pure;

    /// @notice The WorkflowEngine that reviews applications.
    function engine() external view returns (address);

    /// @notice The engine template registration cases follow (0 until governance sets it).
    function registrationTemplate() external view returns (uint32);
}
