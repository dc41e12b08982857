// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title GovForwarder
/// @notice Citizens and enterprises sign their applications as EIP-712 typed data (a ForwardRequest)
/// with their own key and pay no gas; a government relayer submits them here. The forwarder checks
/// the signature, the signer's nonce (no replay) and the deadline, then calls the target contract,
/// which trusts it (ERC2771Context) and sees the citizen as the sender.
/// @dev OpenZeppelin's ERC2771Forwarder unchanged. EIP-712 domain: name "GovForwarder", version "1".
/// Type: ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,uint48 deadline,bytes data)
contract GovForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("GovForwarder") {}
}
