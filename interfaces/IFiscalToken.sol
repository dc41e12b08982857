// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title Fiscal unit: a closed-loop ERC20 in yuan with 2 decimals (fen)
/// @notice Every movement of public funds is a standard ERC20 `Transfer`, so any block explorer shows it.
/// The loop is closed:
/// - tokens are minted only by the disbursement ledger (MINTER_ROLE) against an approved budget line
///   (program funding) or to re-credit a bank-returned payout;
/// - tokens are burned only by `settle`, when a bank (or the ledger, for bank-settled batches) has
///   paid the yuan out in fiat, with the bank's settlement reference;
/// - beneficiaries receive tokens only through `payBatch`, which the ledger calls after a batch of
///   enrolled, eligible beneficiaries was approved; every other transfer (and mint) must go to a
///   registered account (departments, the ledger, partner banks, registered merchants). So a
///   citizen can spend or cash out, but public money never leaves the registered circle.
interface IFiscalToken is IERC20Metadata {
    /// @notice The account is the zero address.
    error FiscalTokenZeroAddress();
    /// @notice `account` is not registered and may not receive tokens by transfer or mint.
    error FiscalTokenUnregisteredAccount(address account);
    /// @notice `account` is already registered.
    error FiscalTokenAlreadyRegistered(address account);
    /// @notice `account` is not registered.
    error FiscalTokenNotRegistered(address account);
    /// @notice A mint or settlement of zero fen.
    error FiscalTokenZeroAmount();
    /// @notice A settlement without a bank settlement reference.
    error FiscalTokenZeroReference();
    /// @notice `payBatch` with no entries.
    error FiscalTokenEmptyBatch();

    /// @notice Emitted when `account` is registered as a holder; `label` names it (e.g. "BANK", "DEPT:FIN").
    event AccountRegistered(address indexed account, bytes32 label);
    /// @notice Emitted when `account` can no longer receive tokens (it keeps and may still spend its balance).
    event AccountDeregistered(address indexed account);
    /// @notice Emitted when `account` burned `amount` fen that a bank paid out in fiat under `settlementRef`.
    event Settled(address indexed account, uint256 amount, bytes32 indexed settlementRef);

    /// @notice Registers `account` as a holder that may receive transfers. ACCOUNT_REGISTRAR_ROLE.
    /// @dev Reverts with FiscalTokenZeroAddress, FiscalTokenAlreadyRegistered. Emits AccountRegistered.
    function registerAccount(address account, bytes32 label) external;

    /// @notice Stops `account` from receiving transfers. ACCOUNT_REGISTRAR_ROLE.
    /// @dev Reverts with FiscalTokenNotRegistered. Emits AccountDeregistered.
    function deregisterAccount(address account) external;

    /// @notice Mints `amount` fen to the registered account `to`. MINTER_ROLE (the disbursement ledger only).
    /// @dev Reverts with FiscalTokenZeroAmount, FiscalTokenUnregisteredAccount. Emits Transfer(0, to, amount).
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` fen of the caller's balance, paid out in fiat by a bank under `settlementRef`.
    /// SETTLER_ROLE (partner banks' settlement accounts and the ledger).
    /// @dev Reverts with FiscalTokenZeroAmount, FiscalTokenZeroReference, ERC20InsufficientBalance.
    /// Emits Transfer(caller, 0, amount) and Settled.
    function settle(uint256 amount, bytes32 settlementRef) external;

    /// @notice Pays every entry of an approved batch from the caller's balance. DISBURSER_ROLE (the ledger only).
    /// @param payouts entries packed as in PayoutWord: [index:32][amount:64][account:160]; the index is ignored
    /// @dev The recipients need not be registered: the ledger checked at proposal that each is an
    /// enrolled, eligible beneficiary's bound account. Reverts with FiscalTokenEmptyBatch,
    /// ERC20InvalidReceiver (a zero account), ERC20InsufficientBalance. Emits one Transfer per entry.
    function payBatch(uint256[] calldata payouts) external;

    /// @notice Whether `account` may receive transfers and mints.
    function isRegistered(address account) external view returns (bool);
}
