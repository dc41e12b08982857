// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DepartmentRoles} from "./access/DepartmentRoles.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IFiscalToken} from "@govchain/interfaces/IFiscalToken.sol";
import {PayoutWord} from "./libraries/PayoutWord.sol";

/// @title FiscalToken
/// @notice The city's fiscal unit (财政资金记账单位): 1 token = 1 yuan, 2 decimals (fen). Closed loop, see IFiscalToken.
/// @dev OpenZeppelin ERC20 unchanged except `_update`, which refuses transfers and mints to
/// unregistered accounts. `payBatch` calls ERC20's own `_update` directly: its recipients were
/// vetted by the ledger at proposal, so a payout costs no registry read per recipient.
contract FiscalToken is ERC20, DepartmentRoles, IFiscalToken {
    /// @notice The disbursement ledger: mints against approved budget lines.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice The disbursement ledger: pays approved batches to beneficiaries' wallets.
    bytes32 public constant DISBURSER_ROLE = keccak256("DISBURSER_ROLE");
    /// @notice Partner banks and the ledger: burn what they paid out in fiat.
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @notice Finance bureau officers: register the accounts that may receive transfers.
    bytes32 public constant ACCOUNT_REGISTRAR_ROLE = keccak256("ACCOUNT_REGISTRAR_ROLE");

    /// @notice Decimals of the unit: amounts are in fen, 100 fen = 1 yuan.
    uint8 public constant FEN_DECIMALS = 2;

    mapping(address account => bool registered) private _registered;

    /// @param admin the bootstrap governance account (hands DEFAULT_ADMIN_ROLE to the timelock)
    constructor(address admin) ERC20("Qingdao Fiscal Yuan", "QFY") {
        if (admin == address(0)) revert FiscalTokenZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice 2: balances are in fen.
    function decimals() public pure override(ERC20, IERC20Metadata) returns (uint8) {
        return FEN_DECIMALS;
    }

    /// @inheritdoc IFiscalToken
    function registerAccount(address account, bytes32 label) external onlyRole(ACCOUNT_REGISTRAR_ROLE) {
        if (account == address(0)) revert FiscalTokenZeroAddress();
        if (_registered[account]) revert FiscalTokenAlreadyRegistered(account);
        _registered[account] = true;
        emit AccountRegistered(account, label);
    }

    /// @inheritdoc IFiscalToken
    function deregisterAccount(address account) external onlyRole(ACCOUNT_REGISTRAR_ROLE) {
        if (!_registered[account]) revert FiscalTokenNotRegistered(account);
        _registered[account] = false;
        emit AccountDeregistered(account);
    }

    /// @inheritdoc IFiscalToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (amount == 0) revert FiscalTokenZeroAmount();
        _mint(to, amount);
    }

    /// @inheritdoc IFiscalToken
    function settle(uint256 amount, bytes32 settlementRef) external onlyRole(SETTLER_ROLE) {
        if (amount == 0) revert FiscalTokenZeroAmount();
        if (settlementRef == bytes32(0)) revert FiscalTokenZeroReference();
        _burn(msg.sender, amount);
        emit Settled(msg.sender, amount, settlementRef);
    }

    /// @inheritdoc IFiscalToken
    function payBatch(uint256[] calldata payouts) external onlyRole(DISBURSER_ROLE) {
        uint256 size = payouts.length;
        if (size == 0) revert FiscalTokenEmptyBatch();
        for (uint256 i; i < size; ++i) {
            uint256 word = payouts[i];
            address to = PayoutWord.account(word);
            if (to == address(0)) revert ERC20InvalidReceiver(address(0));
            ERC20._update(msg.sender, to, PayoutWord.amount(word));
        }
    }

    /// @inheritdoc IFiscalToken
    function isRegistered(address account) external view returns (bool) {
        return _registered[account];
    }

    /// @dev The closed loop: every transfer and mint goes to a registered account. Burns (to == 0)
    /// happen only through `settle`.
    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && !_registered[to]) revert FiscalTokenUnregisteredAccount(to);
        super._update(from, to, value);
    }
}
