// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title GovTimelock
/// @notice Governance of the consortium: every role grant, role revocation and department change
/// is proposed by a governance officer, waits `minDelay` seconds in public, then is executed.
/// @dev OpenZeppelin's TimelockController unchanged; this contract only gives it a deployable name.
contract GovTimelock is TimelockController {
    /// @param minDelay seconds between scheduling and execution
    /// @param proposers governance officers who may schedule (and cancel) operations
    /// @param executors accounts that may execute ready operations (address(0) = anyone)
    /// @param admin optional bootstrap admin of the timelock itself (address(0) = none)
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
