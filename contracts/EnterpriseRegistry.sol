// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IEnterpriseRegistry} from "@govchain/interfaces/IEnterpriseRegistry.sol";
import {ICaseHook, CASE_EXPIRED_REASON} from "@govchain/interfaces/ICaseHook.sol";
import {IIdentityRegistry} from "@govchain/interfaces/IIdentityRegistry.sol";
import {IWorkflowEngine} from "@govchain/interfaces/IWorkflowEngine.sol";
import {EnterpriseName} from "./libraries/EnterpriseName.sol";
import {USCC} from "./libraries/USCC.sol";

/// @title EnterpriseRegistry
/// @notice Enterprise registration (企业登记) keyed by the USCC, reviewed through a WorkflowEngine case.
/// @dev Wiring (scripts/deploy.py): this registry holds the engine's CASE_OPENER_ROLE, and the
/// registration template names this registry as its hook. DEFAULT_ADMIN_ROLE is governance
/// (handed to the timelock after bootstrap); MARKET_REGULATOR_ROLE is held by the market
/// regulation department's officers (市场监督管理局). Applicants are verified by the engine
/// (the template's minimum identity level), so the registry makes no identity call of its own on
/// that path; a contestant is checked here, against the same registry and level.
/// Personal data never reaches the chain: the legal representative is an identity commitment and the
/// business scope a document hash. The name and registered capital are public registration data, in
/// plaintext. All of them are carried by events only (nothing on chain reads them).
contract EnterpriseRegistry is DepartmentRoles, ERC2771Context, IEnterpriseRegistry {
    /// @notice Market regulation officers: record changes, suspend, reinstate, deregister.
    bytes32 public constant MARKET_REGULATOR_ROLE = keccak256("MARKET_REGULATOR_ROLE");

    /// @notice Seconds an upheld contest reserves the code for its claimant (30 days).
    uint40 public constant RESERVATION_PERIOD = 30 days;

    IWorkflowEngine private immutable _engine;

    uint32 private _registrationTemplate;
    mapping(bytes18 uscc => Enterprise) private _enterprises;
    /// @dev The pending contest's contestant, or the claimant of a reservation (Enterprise.reservedUntil).
    mapping(bytes18 uscc => address claimant) private _claimants;

    /// @param admin the bootstrap governance account (the deployer, who later hands over to the timelock)
    /// @param engine_ the WorkflowEngine that reviews applications
    /// @param trustedForwarder the GovForwarder relaying citizens' signed applications (zero: none)
    constructor(address admin, address engine_, address trustedForwarder) ERC2771Context(trustedForwarder) {
        if (admin == address(0) || engine_ == address(0)) revert EnterpriseRegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _engine = IWorkflowEngine(engine_);
    }

    /// @inheritdoc IEnterpriseRegistry
    function setRegistrationTemplate(uint32 templateId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address hook = _engine.templateInfo(templateId).hook;
        if (hook != address(this)) revert EnterpriseRegistryTemplateHookMismatch(templateId, hook);
        _registrationTemplate = templateId;
        emit RegistrationTemplateSet(templateId);
    }

    /// @inheritdoc IEnterpriseRegistry
    function applyForRegistration(
        bytes18 uscc,
        string calldata name,
        bytes32 legalRepCommitment,
        uint256 registeredCapitalFen,
        bytes32 businessScopeHash
    ) external returns (uint256 caseId) {
        USCC.validate(uscc);
        EnterpriseName.validate(bytes(name));
        if (legalRepCommitment == bytes32(0) || businessScopeHash == bytes32(0)) {
            revert EnterpriseRegistryIncompleteApplication(uscc);
        }
        uint32 templateId = _registrationTemplate;
        if (templateId == 0) revert EnterpriseRegistryNoTemplate();
        Enterprise storage record = _enterprises[uscc];
        record.status = _transition(uscc, record.status, Action.Apply);
        uint40 reservedUntil = record.reservedUntil;
        if (reservedUntil != 0) _takeReservation(uscc, record, reservedUntil);
        record.appliedAt = uint40(block.timestamp); // fits until the year 36812
        record.decidedAt = 0;
        // The case id is only known from the call, so it is written (and announced) after it. Safe:
        // the engine is trusted (immutable, set at deployment) and opening a case makes no call back
        // here (it only reads the identity registry); the hook runs when a case closes, which takes a
        // later decision, and it accepts only the case id stored here, which a re-entrant call could
        // not match.
        // slither-disable-next-line reentrancy-no-eth,reentrancy-events
        caseId = _engine.openCaseFor(_msgSender(), templateId, USCC.subject(uscc));
        record.caseId = SafeCast.toUint64(caseId);
        emit EnterpriseApplied(
            uscc, caseId, _msgSender(), name, legalRepCommitment, registeredCapitalFen, businessScopeHash
        );
    }

    /// @inheritdoc ICaseHook
    function onCaseClosed(uint256 caseId, bytes32 subject, bool approved, bytes32 reasonHash) external {
        if (msg.sender != address(_engine)) revert EnterpriseRegistryNotEngine(msg.sender); // the engine calls directly, never via the forwarder
        bytes18 uscc = bytes18(subject);
        Enterprise storage record = _enterprises[uscc];
        // only the registration case this registry opened for `uscc` may decide it
        if (record.caseId != caseId || USCC.subject(uscc) != subject) {
            revert EnterpriseRegistryUnexpectedCase(caseId, subject);
        }
        record.status = _transition(uscc, record.status, approved ? Action.Approve : Action.Reject);
        record.decidedAt = uint40(block.timestamp);
        if (record.contested) {
            address contestant = _claimants[uscc];
            // a contested application is approved only after an officer dismissed the contest
            if (approved) revert EnterpriseRegistryContestPending(uscc, caseId, contestant);
            record.contested = false;
            emit EnterpriseRejected(uscc, caseId, reasonHash);
            if (reasonHash == CASE_EXPIRED_REASON) {
                delete _claimants[uscc]; // nobody ruled: the code is free to all
                emit EnterpriseContestLapsed(uscc, caseId, contestant);
            } else {
                uint40 reservedUntil = uint40(block.timestamp) + RESERVATION_PERIOD;
                record.reservedUntil = reservedUntil;
                emit EnterpriseContestUpheld(uscc, caseId, contestant, reservedUntil);
            }
            return;
        }
        if (approved) emit EnterpriseRegistered(uscc, caseId);
        else emit EnterpriseRejected(uscc, caseId, reasonHash);
    }

    /// @inheritdoc IEnterpriseRegistry
    function contest(bytes18 uscc, bytes32 evidenceHash) external {
        if (evidenceHash == bytes32(0)) revert EnterpriseRegistryMissingHash(uscc);
        Enterprise storage record = _enterprises[uscc];
        _transition(uscc, record.status, Action.Contest); // status stays Applied
        uint256 caseId = record.caseId;
        if (record.contested) revert EnterpriseRegistryContestPending(uscc, caseId, _claimants[uscc]);
        address contestant = _msgSender();
        IWorkflowEngine.CaseInfo memory info = _engine.caseInfo(caseId);
        if (contestant == info.applicant) revert EnterpriseRegistryContestParty(uscc, contestant);
        uint8 minLevel = _engine.templateInfo(info.templateId).minLevel;
        if (!IIdentityRegistry(_engine.identityRegistry()).isVerified(contestant, minLevel)) {
            revert EnterpriseRegistryContestantNotVerified(contestant, minLevel);
        }
        record.contested = true;
        _claimants[uscc] = contestant;
        emit EnterpriseContested(uscc, caseId, contestant, evidenceHash);
    }

    /// @inheritdoc IEnterpriseRegistry
    function dismissContest(bytes18 uscc, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert EnterpriseRegistryMissingHash(uscc);
        Enterprise storage record = _enterprises[uscc];
        if (!record.contested) revert EnterpriseRegistryNoContest(uscc);
        uint256 caseId = record.caseId;
        IWorkflowEngine.CaseInfo memory info = _engine.caseInfo(caseId);
        address officer = _msgSender();
        // the officers who may decide the case's current step resolve its contest
        if (!IAccessControl(address(_engine)).hasRole(info.role, officer)) {
            revert AccessControlUnauthorizedAccount(officer, info.role);
        }
        if (officer == info.applicant || officer == _claimants[uscc]) revert EnterpriseRegistryContestParty(uscc, officer);
        record.contested = false;
        delete _claimants[uscc];
        emit EnterpriseContestDismissed(uscc, caseId, officer, reasonHash);
    }

    /// @inheritdoc IEnterpriseRegistry
    function claimant(bytes18 uscc) external view returns (address) {
        return _claimants[uscc];
    }

    /// @inheritdoc IEnterpriseRegistry
    function recordChange(bytes18 uscc, ChangeKind kind, bytes32 newValueHash)
        external
        onlyRole(MARKET_REGULATOR_ROLE)
    {
        if (kind == ChangeKind.Name || kind == ChangeKind.RegisteredCapital) revert EnterpriseRegistryPublicChange(uscc, kind);
        if (newValueHash == bytes32(0)) revert EnterpriseRegistryMissingHash(uscc);
        _transition(uscc, _enterprises[uscc].status, Action.RecordChange); // status stays Registered
        emit EnterpriseChanged(uscc, kind, newValueHash, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function changeName(bytes18 uscc, string calldata name) external onlyRole(MARKET_REGULATOR_ROLE) {
        EnterpriseName.validate(bytes(name));
        _transition(uscc, _enterprises[uscc].status, Action.RecordChange); // status stays Registered
        emit EnterpriseNameChanged(uscc, name, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function changeRegisteredCapital(bytes18 uscc, uint256 registeredCapitalFen)
        external
        onlyRole(MARKET_REGULATOR_ROLE)
    {
        _transition(uscc, _enterprises[uscc].status, Action.RecordChange); // status stays Registered
        emit EnterpriseCapitalChanged(uscc, registeredCapitalFen, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function suspend(bytes18 uscc, bytes32 reasonHash) external onlyRole(MARKET_REGULATOR_ROLE) {
        _apply(uscc, reasonHash, Action.Suspend);
        emit EnterpriseSuspended(uscc, reasonHash, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function reinstate(bytes18 uscc, bytes32 reasonHash) external onlyRole(MARKET_REGULATOR_ROLE) {
        _apply(uscc, reasonHash, Action.Reinstate);
        emit EnterpriseReinstated(uscc, reasonHash, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function deregister(bytes18 uscc, bytes32 reasonHash) external onlyRole(MARKET_REGULATOR_ROLE) {
        _apply(uscc, reasonHash, Action.Deregister);
        emit EnterpriseDeregistered(uscc, reasonHash, _msgSender());
    }

    /// @inheritdoc IEnterpriseRegistry
    function enterprise(bytes18 uscc) external view returns (Enterprise memory) {
        return _enterprises[uscc];
    }

    /// @inheritdoc IEnterpriseRegistry
    function statusOf(bytes18 uscc) external view returns (Status) {
        return _enterprises[uscc].status;
    }

    /// @inheritdoc IEnterpriseRegistry
    function isValidUSCC(bytes18 uscc) external pure returns (bool) {
        return USCC.isValid(uscc);
    }

    /// @inheritdoc IEnterpriseRegistry
    function validateUSCC(bytes18 uscc) external pure {
        USCC.validate(uscc);
    }

    /// @inheritdoc IEnterpriseRegistry
    function engine() external view returns (address) {
        return address(_engine);
    }

    /// @inheritdoc IEnterpriseRegistry
    function registrationTemplate() external view returns (uint32) {
        return _registrationTemplate;
    }

    /// @dev An application for a code reserved until `reservedUntil`: only its claimant may make it
    /// before then; the reservation ends with the application (or found over).
    function _takeReservation(bytes18 uscc, Enterprise storage record, uint40 reservedUntil) private {
        address holder = _claimants[uscc];
        if (block.timestamp <= reservedUntil && _msgSender() != holder) {
            revert EnterpriseRegistryReserved(uscc, holder, reservedUntil);
        }
        record.reservedUntil = 0;
        delete _claimants[uscc];
    }

    /// @dev A regulator's status change with a required reason: checks the transition, writes the status.
    function _apply(bytes18 uscc, bytes32 reasonHash, Action action) private {
        if (reasonHash == bytes32(0)) revert EnterpriseRegistryMissingHash(uscc);
        Enterprise storage record = _enterprises[uscc];
        record.status = _transition(uscc, record.status, action);
    }

    /// @dev The status `action` moves `uscc` to from `current`; reverts when the transition is not allowed.
    /// This is the whole transition table (see IEnterpriseRegistry).
    function _transition(bytes18 uscc, Status current, Action action) private pure returns (Status) {
        if (action == Action.Apply) {
            if (current == Status.None || current == Status.Rejected) return Status.Applied;
        } else if (action == Action.Approve) {
            if (current == Status.Applied) return Status.Registered;
        } else if (action == Action.Reject) {
            if (current == Status.Applied) return Status.Rejected;
        } else if (action == Action.RecordChange) {
            if (current == Status.Registered) return Status.Registered;
        } else if (action == Action.Suspend) {
            if (current == Status.Registered) return Status.Suspended;
        } else if (action == Action.Reinstate) {
            if (current == Status.Suspended) return Status.Registered;
        } else if (action == Action.Deregister) {
            if (current == Status.Registered || current == Status.Suspended) return Status.Deregistered;
        } else if (action == Action.Contest) {
            if (current == Status.Applied) return Status.Applied;
        }
        revert EnterpriseRegistryTransitionNotAllowed(uscc, current, action);
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
