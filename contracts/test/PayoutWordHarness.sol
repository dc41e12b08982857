// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {PayoutWord} from "../libraries/PayoutWord.sol";

/// @title PayoutWordHarness
/// @notice Test-only: exposes the PayoutWord library so tests build and read entries with the
/// contract's own code instead of an off-chain copy of the layout.
contract PayoutWordHarness {
    function encode(uint32 entryIndex, uint64 fen, address payee) external pure returns (uint256) {
        return PayoutWord.encode(entryIndex, fen, payee);
    }

    function decode(uint256 word) external pure returns (uint32 entryIndex, uint64 fen, address payee) {
        return (PayoutWord.index(word), PayoutWord.amount(word), PayoutWord.account(word));
    }

    function chainAll(uint256[] calldata words) external pure returns (bytes32) {
        return PayoutWord.chainAll(bytes32(0), words);
    }
}
