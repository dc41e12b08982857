// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EnterpriseName} from "../libraries/EnterpriseName.sol";

/// @title EnterpriseNameHarness
/// @notice Test-only: exposes the EnterpriseName library for any bytes (a `string` argument could not
/// carry malformed UTF-8 from the Python tests), so govchain.domain's twin is compared with it.
contract EnterpriseNameHarness {
    function validate(bytes calldata name) external pure {
        EnterpriseName.validate(name);
    }
}
