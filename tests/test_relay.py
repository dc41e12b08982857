"""EIP-712 ForwardRequests: govchain's signatures against ethers.js and the forwarder on chain."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3

from govchain.relay import FORWARD_REQUEST_TYPES, SignedRequest, domain, recover_signer, sign_request

ROOT = Path(__file__).resolve().parents[1]


def ethers(job: dict) -> dict:
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "eip712.mjs")], input=json.dumps(job), capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def _ethers_message(request: SignedRequest) -> dict:
    message = request.message()
    return {**message, "data": request.data}


@pytest.fixture(scope="module")
def forwarder(GovForwarder, admin, w3, artifacts):
    deployed = GovForwarder.deploy({"from": admin})
    return w3.eth.contract(address=deployed.address, abi=artifacts.abi("GovForwarder"))


def test_domain_matches_the_contract(forwarder, w3):
    fields = forwarder.functions.eip712Domain().call()
    expected = domain(forwarder.address, w3.eth.chain_id)
    assert (fields[1], fields[2], fields[3], fields[4]) == (
        expected["name"], expected["version"], expected["chainId"], expected["verifyingContract"]
    )


def test_govchain_and_ethers_produce_the_same_signature(forwarder, w3):
    citizen = Account.create()
    request = sign_request(citizen, forwarder.address, w3.eth.chain_id, "0x" + "22" * 20, b"\x12\x34" * 40, 0, deadline=2_000_000_000)
    job = {"domain": domain(forwarder.address, w3.eth.chain_id), "types": FORWARD_REQUEST_TYPES, "message": _ethers_message(request)}
    by_ethers = ethers({**job, "action": "sign", "privateKey": citizen.key.hex()})["signature"]
    assert by_ethers == request.signature  # RFC 6979 signatures are deterministic: byte-identical
    assert ethers({**job, "action": "verify", "signature": request.signature})["signer"] == citizen.address
    assert recover_signer(SignedRequest(**{**request.to_json(), "signature": by_ethers}), forwarder.address, w3.eth.chain_id) == citizen.address


def test_tampered_request_recovers_another_signer(forwarder, w3):
    citizen = Account.create()
    request = sign_request(citizen, forwarder.address, w3.eth.chain_id, "0x" + "22" * 20, b"\x01", 0)
    tampered = SignedRequest(**{**request.to_json(), "data": "0x02"})
    assert recover_signer(tampered, forwarder.address, w3.eth.chain_id) != citizen.address
    assert Web3.is_checksum_address(request.sender)
