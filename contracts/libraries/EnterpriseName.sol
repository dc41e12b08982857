// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title EnterpriseName: an enterprise's registered name (企业名称), public registration data
/// @notice A name is 1 to MAX_BYTES bytes of well-formed UTF-8 (Unicode table 3-7: no overlong
/// forms, no surrogates, nothing above U+10FFFF) without control characters (Unicode category Cc:
/// U+0000-U+001F, U+007F-U+009F). Every decoder of the chain's events (the indexer, web3.py,
/// ethers, cast) decodes `string` as strict UTF-8: a malformed name would break them all, so the
/// registry refuses it.
/// @dev The off-chain twin is govchain/domain.py (`enterprise_name_problem`); tests compare the two.
library EnterpriseName {
    /// @notice The name is empty or longer than `maxLength` bytes.
    error EnterpriseNameLength(uint256 length, uint256 maxLength);
    /// @notice The byte at `offset` starts no well-formed UTF-8 character, or a control character.
    error EnterpriseNameInvalidCharacter(uint256 offset);

    /// @notice Longest name, in UTF-8 bytes: 50 Chinese characters of 3 bytes each.
    uint256 internal constant MAX_BYTES = 150;

    /// @notice Reverts unless `name` is a well-formed name (see the library's notice).
    function validate(bytes calldata name) internal pure {
        uint256 length = name.length;
        if (length == 0 || length > MAX_BYTES) revert EnterpriseNameLength(length, MAX_BYTES);
        uint256 offset = _firstInvalid(name);
        if (offset < length) revert EnterpriseNameInvalidCharacter(offset);
    }

    /// @dev The offset of the first byte that starts no well-formed, non-control UTF-8 character
    /// (`text.length` if there is none). In assembly, with a fast path for ASCII and for the
    /// three-byte characters most Chinese text is made of: plain Solidity cost ~500 gas per Chinese
    /// character. Reading past the end of the calldata gives zero bytes; a sequence cut short by the
    /// end is refused before its bytes are looked at.
    function _firstInvalid(bytes calldata text) private pure returns (uint256 bad) {
        assembly ("memory-safe") {
            let start := text.offset
            let length := text.length
            bad := length
            for { let i := 0 } lt(i, length) {} {
                let word := calldataload(add(start, i)) // the character at i, in the highest bytes
                let lead := byte(0, word)
                if lt(lead, 0x80) {
                    // ASCII: refuse the C0 controls and DEL
                    if or(lt(lead, 0x20), eq(lead, 0x7f)) {
                        bad := i
                        break
                    }
                    i := add(i, 1)
                    continue
                }
                // fast path, most Chinese characters: a lead E1..EC or EE..EF and two continuation bytes
                if and(
                    eq(and(shr(232, word), 0xf0c0c0), 0xe08080), // 1110xxxx 10xxxxxx 10xxxxxx
                    and(gt(sub(length, i), 2), and(iszero(eq(lead, 0xe0)), iszero(eq(lead, 0xed))))
                ) {
                    i := add(i, 3)
                    continue
                }
                // the sequence's length: C2..DF two bytes, E0..EF three, F0..F4 four
                let size := add(2, add(gt(lead, 0xdf), gt(lead, 0xef)))
                // the range of the second byte (Unicode table 3-7): 80..BF, except after
                // C2 (A0..BF: C2 80..9F are the C1 controls), E0 (A0..BF: no overlong forms),
                // ED (80..9F: no surrogates), F0 (90..BF: no overlong forms), F4 (80..8F: nothing above U+10FFFF)
                let low := add(0x80, add(mul(0x20, or(eq(lead, 0xc2), eq(lead, 0xe0))), mul(0x10, eq(lead, 0xf0))))
                let high := sub(0xbf, add(mul(0x20, eq(lead, 0xed)), mul(0x30, eq(lead, 0xf4))))
                let second := byte(1, word)
                // every byte after the lead is a continuation byte 10xxxxxx: of the three bytes after the
                // lead, masked with C0 and flipped with 80, the first size - 1 are zero
                let tail := shr(mul(sub(4, size), 8), xor(and(shr(232, shl(8, word)), 0xc0c0c0), 0x808080))
                if or(
                    or(lt(lead, 0xc2), gt(lead, 0xf4)), // a continuation byte, an overlong lead (C0, C1), or above U+10FFFF
                    or(lt(sub(length, i), size), or(or(lt(second, low), gt(second, high)), tail))
                ) {
                    bad := i
                    break
                }
                i := add(i, size)
            }
        }
    }
}
