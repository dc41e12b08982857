// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title PayoutWord: one batch entry packed in one 256-bit word
/// @notice Layout, high to low bits: [enrollment index: 32][amount in fen: 64][account: 160].
/// Bank-settled entries carry account zero. A batch's content hash chains these words
/// (h_0 = 0, h_i = keccak256(h_{i-1} ‖ word_i)); execution re-sends them as calldata.
/// @dev Contracts produce the words (Disbursements, at proposal) and emit them in
/// `IDisbursements.BatchEntriesAdded`; clients copy them back unchanged, so no off-chain copy of
/// this layout is needed.
library PayoutWord {
    /// @notice Bit offset of the amount (above the 160-bit account).
    uint256 internal constant AMOUNT_SHIFT = 160;
    /// @notice Bit offset of the enrollment index (above account and amount).
    uint256 internal constant INDEX_SHIFT = 224;

    /// @notice Packs an entry.
    function encode(uint32 entryIndex, uint64 fen, address payee) internal pure returns (uint256) {
        return (uint256(entryIndex) << INDEX_SHIFT) | (uint256(fen) << AMOUNT_SHIFT) | uint256(uint160(payee));
    }

    /// @notice The account paid (zero for bank-settled entries).
    function account(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    /// @notice The amount in fen.
    function amount(uint256 word) internal pure returns (uint64) {
        return uint64(word >> AMOUNT_SHIFT);
    }

    /// @notice The beneficiary's enrollment index in the program.
    function index(uint256 word) internal pure returns (uint32) {
        return uint32(word >> INDEX_SHIFT);
    }

    /// @notice Extends a running content hash by one word: keccak256(hash ‖ word).
    function chain(bytes32 hash, uint256 word) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            mstore(0x00, hash)
            mstore(0x20, word)
            result := keccak256(0x00, 0x40)
        }
    }

    /// @notice The running content hash of `words`, starting from `hash`.
    function chainAll(bytes32 hash, uint256[] calldata words) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            result := hash
            let p := words.offset
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                mstore(0x00, result)
                mstore(0x20, calldataload(p))
                result := keccak256(0x00, 0x40)
            }
        }
    }
}
