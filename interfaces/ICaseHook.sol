// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @dev The reason hash a WorkflowEngine passes to `onCaseClosed` when a returned case expired
/// (the applicant sent no material in time and no officer decided it).
bytes32 constant CASE_EXPIRED_REASON = keccak256("govchain.WorkflowEngine.CaseExpired");

/// @title Receiver of a workflow case's outcome
/// @notice A WorkflowEngine template may name a hook contract; the engine calls it once, when a
/// case of that template closes (approved at its last step, rejected at any step, or expired while
/// returned to its applicant), after the
/// case's final state and events are written. The hook is trusted: governance sets it with the
/// template. A hook that reverts reverts the closing decision with it, so the case's outcome and
/// the hook's own record (e.g. an enterprise's registration) never disagree.
interface ICaseHook {
    /// @notice Called by the engine when case `caseId` closes.
    /// @param caseId the closed case
    /// @param subject what the case was about, as given when it was opened (e.g. bytes32(USCC))
    /// @param approved true when the last step approved it, false when a step rejected it or it expired
    /// @param reasonHash hash of the closing decision's reason document (the rejection reason;
    /// for an approval, the last officer's opinion, possibly zero); CASE_EXPIRED_REASON when it expired
    function onCaseClosed(uint256 caseId, bytes32 subject, bool approved, bytes32 reasonHash) external;
}
