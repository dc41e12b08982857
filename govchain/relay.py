"""Citizen-signed applications: EIP-712 ForwardRequests relayed through GovForwarder.

A citizen (or enterprise) signs a `ForwardRequest` with their own key (`sign_request`); a government
relayer submits it (`Relayer.relay`) and pays the gas. The forwarder refuses replays (the nonce is
part of the signed data), expired deadlines and wrong signers; the relayer checks all of that, and
simulates the inner call as the citizen, before it sends anything, so a refused application costs
nothing and comes back as a typed error naming the reason.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError

from govchain.exceptions import GovchainError
from govchain.sender import Call, Receipt, TransactionSender

DOMAIN_NAME = "GovForwarder"
DOMAIN_VERSION = "1"
DEFAULT_GAS = 500_000  # gas the citizen grants the inner call
FORWARDER_OVERHEAD_GAS = 80_000  # signature check, nonce, call forwarding, on top of the request's own gas
DEFAULT_VALIDITY_S = 3600  # a signed application expires after an hour unless told otherwise

FORWARD_REQUEST_TYPES: dict[str, list[dict[str, str]]] = {
    "ForwardRequest": [
        {"name": "from", "type": "address"},
        {"name": "to", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "gas", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint48"},
        {"name": "data", "type": "bytes"},
    ]
}


class RelayError(GovchainError):
    """A signed application was refused before it was sent (the message says why)."""


class RequestExpired(RelayError):
    pass


class InvalidSignature(RelayError):
    """The signature is not from `from` for this request and nonce (wrong signer, tampered or replayed)."""


@dataclass(frozen=True)
class SignedRequest:
    """A ForwardRequest and its signature, as a citizen's wallet hands it to the relayer."""

    sender: str  # `from` in the typed data
    to: str
    value: int
    gas: int
    nonce: int
    deadline: int
    data: str  # 0x-hex calldata
    signature: str  # 0x-hex, 65 bytes

    def message(self) -> dict[str, Any]:
        return {
            "from": self.sender,
            "to": self.to,
            "value": self.value,
            "gas": self.gas,
            "nonce": self.nonce,
            "deadline": self.deadline,
            "data": HexBytes(self.data),
        }

    def request_data(self) -> tuple[Any, ...]:
        """The ForwardRequestData struct `execute` takes (no nonce: the forwarder reads its own)."""
        return (self.sender, self.to, self.value, self.gas, self.deadline, HexBytes(self.data), HexBytes(self.signature))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SignedRequest":
        try:
            return cls(
                sender=Web3.to_checksum_address(data["sender"]),
                to=Web3.to_checksum_address(data["to"]),
                value=int(data.get("value", 0)),
                gas=int(data["gas"]),
                nonce=int(data["nonce"]),
                deadline=int(data["deadline"]),
                data=str(data["data"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RelayError(f"malformed signed request: {exc}") from exc


def domain(forwarder: str, chain_id: int) -> dict[str, Any]:
    return {"name": DOMAIN_NAME, "version": DOMAIN_VERSION, "chainId": chain_id, "verifyingContract": forwarder}


def typed_data(forwarder: str, chain_id: int, message: dict[str, Any]) -> dict[str, Any]:
    """The full EIP-712 document a wallet shows and signs (eth_signTypedData_v4 format)."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            **FORWARD_REQUEST_TYPES,
        },
        "primaryType": "ForwardRequest",
        "domain": domain(forwarder, chain_id),
        "message": message,
    }


def sign_request(
    account: LocalAccount,
    forwarder: str,
    chain_id: int,
    to: str,
    data: bytes,
    nonce: int,
    *,
    deadline: int | None = None,
    gas: int = DEFAULT_GAS,
    value: int = 0,
) -> SignedRequest:
    """Sign an application (calldata `data` for contract `to`) as `account`; the citizen's side."""
    deadline = deadline if deadline is not None else int(time.time()) + DEFAULT_VALIDITY_S
    unsigned = SignedRequest(account.address, Web3.to_checksum_address(to), value, gas, nonce, deadline, "0x" + bytes(data).hex(), "0x")
    signable = encode_typed_data(full_message=typed_data(forwarder, chain_id, unsigned.message()))
    signature = account.sign_message(signable).signature
    return SignedRequest(**{**asdict(unsigned), "signature": "0x" + bytes(signature).hex()})


def recover_signer(request: SignedRequest, forwarder: str, chain_id: int) -> str:
    signable = encode_typed_data(full_message=typed_data(forwarder, chain_id, request.message()))
    return Account.recover_message(signable, signature=HexBytes(request.signature))


class Relayer:
    """The government relayer: checks signed applications and submits them through the forwarder."""

    def __init__(self, sender: TransactionSender, forwarder: Contract) -> None:
        self.sender = sender
        self.forwarder = forwarder
        self.chain_id = sender.chain_id

    def nonce(self, citizen: str) -> int:
        """The nonce the citizen's next request must carry."""
        return self.forwarder.functions.nonces(citizen).call()

    def check(self, request: SignedRequest, expected_nonce: int | None = None) -> None:
        """Refuse (typed) anything the forwarder or the target would refuse; sends nothing."""
        now = self.sender.w3.eth.get_block("latest")["timestamp"]
        if request.deadline < now:
            raise RequestExpired(f"the request expired at {request.deadline} (chain time {now}); sign a new one")
        try:
            signer = recover_signer(request, self.forwarder.address, self.chain_id)
        except Exception as exc:  # noqa: BLE001 - malformed signatures raise various errors
            raise InvalidSignature(f"the signature cannot be decoded: {exc}") from exc
        if signer != request.sender:
            raise InvalidSignature(f"the request is signed by {signer}, not by {request.sender}")
        expected = self.nonce(request.sender) if expected_nonce is None else expected_nonce
        if request.nonce != expected:
            raise InvalidSignature(
                f"nonce {request.nonce} is not {request.sender}'s next nonce ({expected}): already relayed or out of order"
            )
        self._simulate_inner_call(request)

    def _simulate_inner_call(self, request: SignedRequest) -> None:
        # ERC2771: the forwarder appends the citizen's address to the calldata.
        call = {
            "from": self.forwarder.address,
            "to": request.to,
            "data": HexBytes(request.data) + HexBytes(request.sender),
            "gas": request.gas,
        }
        try:
            self.sender.w3.eth.call(call)
        except (ContractCustomError, ContractLogicError) as exc:
            raise self.sender._decode_exception(exc) from None

    def relay(self, request: SignedRequest) -> Receipt:
        """Check, then submit; returns the receipt of the forwarder's `execute`."""
        self.check(request)
        return self.sender.transact(Call.of(self.forwarder.functions.execute(request.request_data()), label="relay"))

    def relay_many(self, requests: list[SignedRequest]) -> list[Receipt]:
        """Check every request (all or nothing), then pipeline them; a citizen's requests run in nonce order.

        The inner calls are simulated on the current state, so requests that depend on an earlier
        one of the same batch (other than by nonce) belong in a later batch.
        """
        next_nonce: dict[str, int] = {}
        for request in requests:
            expected = next_nonce.get(request.sender)
            self.check(request, expected if expected is not None else self.nonce(request.sender))
            next_nonce[request.sender] = request.nonce + 1
        calls = [
            Call(self.forwarder.address, HexBytes(self.forwarder.functions.execute(r.request_data())._encode_transaction_data()),
                 gas=r.gas + FORWARDER_OVERHEAD_GAS, label="relay")
            for r in requests
        ]  # fmt: skip
        return self.sender.transact_many(calls)
