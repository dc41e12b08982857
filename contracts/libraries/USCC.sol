// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title USCC: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015)
/// @notice A code is 18 ASCII characters from the 31-character alphabet
/// "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z). The 18th is a check character:
/// with character values c_i (their index in the alphabet) and weights w_i = 3^(i-1) mod 31,
/// c_18 = (31 - (sum_{i=1..17} c_i * w_i) mod 31) mod 31.
/// @dev The off-chain twin is govchain/domain.py (`validate_uscc`); tests compare the two.
library USCC {
    /// @notice Character `position` (0-based) of `uscc` is not in the GB 32100 alphabet.
    error USCCInvalidCharacter(bytes18 uscc, uint256 position);
    /// @notice The 18th character of `uscc` is not its check character `expected`.
    error USCCInvalidCheckCharacter(bytes18 uscc, bytes1 expected);

    /// @notice Number of characters in the GB 32100 alphabet (the check-digit modulus).
    uint256 internal constant RADIX = 31;
    /// @notice Weights 3^(i-1) mod 31 for positions 1..17, one byte each, position 1 in the highest byte.
    uint256 internal constant WEIGHTS = 0x0103091b131a1011141d190d08180a1e1c;
    /// @notice The alphabet "0123456789ABCDEFGHJKLMNPQRTUWXY" (31 bytes, left-aligned).
    bytes32 internal constant ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// @notice Reverts unless `uscc` is a well-formed code with a correct check character.
    function validate(bytes18 uscc) internal pure {
        (uint256 badPosition, bytes1 expected) = _check(uscc);
        if (badPosition < 18) revert USCCInvalidCharacter(uscc, badPosition);
        if (uscc[17] != expected) revert USCCInvalidCheckCharacter(uscc, expected);
    }

    /// @notice Whether `uscc` is a well-formed code with a correct check character.
    function isValid(bytes18 uscc) internal pure returns (bool) {
        (uint256 badPosition, bytes1 expected) = _check(uscc);
        return badPosition == 18 && uscc[17] == expected;
    }

    /// @notice The code as a credit-record subject: its 18 bytes left-aligned in a bytes32.
    function subject(bytes18 uscc) internal pure returns (bytes32) {
        return bytes32(uscc);
    }

    /// @dev The first character outside the alphabet (18 if none) and the expected check character.
    function _check(bytes18 uscc) private pure returns (uint256 badPosition, bytes1 expected) {
        uint256 sum = 0;
        for (uint256 i; i < 17; ++i) {
            uint256 value = _value(uint8(uscc[i]));
            if (value == RADIX) return (i, 0);
            sum += value * ((WEIGHTS >> (8 * (16 - i))) & 0xff);
        }
        if (_value(uint8(uscc[17])) == RADIX) return (17, 0);
        return (18, ALPHABET[(RADIX - (sum % RADIX)) % RADIX]);
    }

    /// @dev Value of ASCII character `c` in the alphabet, or RADIX when it is not in it.
    function _value(uint8 c) private pure returns (uint256) {
        if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
        if (c >= 0x41 && c <= 0x48) return c - 0x41 + 10; // A-H
        if (c >= 0x4a && c <= 0x4e) return c - 0x4a + 18; // J-N
        if (c >= 0x50 && c <= 0x52) return c - 0x50 + 23; // P-R
        if (c == 0x54 || c == 0x55) return c - 0x54 + 26; // T-U
        if (c >= 0x57 && c <= 0x59) return c - 0x57 + 28; // W-Y
        return RADIX;
    }
}
