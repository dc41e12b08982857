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


# --- end to end: a citizen's signed application relayed through the deployed suite -------------------

from conftest import make_sender  # noqa: E402
from govchain.connection import Deployment, Suite  # noqa: E402
from govchain.domain import identity_commitment, identity_tag, uscc_bytes  # noqa: E402
from govchain.signer import DEV_IDENTITY_TAG_KEY  # noqa: E402
from govchain.exceptions import revert_class  # noqa: E402
from govchain.relay import InvalidSignature, Relayer, RequestExpired  # noqa: E402

USCC = "91370200163562681G"


@pytest.fixture
def suite(suite_deployment, w3, artifacts):
    return Suite(w3, Deployment.load(suite_deployment.path), artifacts)


@pytest.fixture
def citizen(suite, w3, artifacts):
    person = Account.create()
    police = make_sender(w3, artifacts, 12)
    number = "11010519491231002X"
    binding = (identity_commitment(number, b"\x01" * 32), identity_tag(number, DEV_IDENTITY_TAG_KEY))
    police.transact(suite.contract("IdentityRegistry").functions.bindPerson(person.address, *binding, 2))
    return person


@pytest.fixture
def relayer(suite, w3, artifacts):
    return Relayer(make_sender(w3, artifacts, 16), suite.contract("GovForwarder"))  # a big-data bureau account relays


def _application(suite, uscc: bytes = uscc_bytes(USCC)):
    registry = suite.contract("EnterpriseRegistry")
    call = registry.functions.applyForRegistration(uscc, "青岛崂山矿泉饮品有限公司", b"\x02" * 32, 10_000_000, b"\x03" * 32)
    return registry, bytes.fromhex(call._encode_transaction_data()[2:])


def test_relayed_application_is_the_citizens(suite, citizen, relayer, w3):
    registry, data = _application(suite)
    request = sign_request(citizen, relayer.forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address))
    relayer.relay(request)
    enterprise = registry.functions.enterprise(uscc_bytes(USCC)).call()
    case = suite.contract("WorkflowEngine").functions.caseInfo(enterprise[3]).call()
    assert enterprise[0] == 1 and case[0] == citizen.address  # Applied, and the applicant is the citizen, not the relayer
    assert w3.eth.get_balance(citizen.address) == 0  # the citizen paid no gas (and holds none)


def test_ethers_signed_application_is_accepted_on_chain(suite, citizen, relayer, w3):
    registry, data = _application(suite)
    unsigned = sign_request(citizen, relayer.forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address))
    job = {"domain": domain(relayer.forwarder.address, w3.eth.chain_id), "types": FORWARD_REQUEST_TYPES, "message": _ethers_message(unsigned)}
    signature = ethers({**job, "action": "sign", "privateKey": citizen.key.hex()})["signature"]
    receipt = relayer.relay(SignedRequest(**{**unsigned.to_json(), "signature": signature}))
    assert receipt.status == 1
    assert registry.functions.statusOf(uscc_bytes(USCC)).call() == 1


def test_replay_expiry_and_wrong_signer_are_refused(suite, citizen, relayer, w3):
    registry, data = _application(suite)
    forwarder = relayer.forwarder
    request = sign_request(citizen, forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address))
    relayer.relay(request)
    with pytest.raises(InvalidSignature, match="already relayed"):
        relayer.relay(request)
    # the chain refuses the replay too, with its own typed error
    with pytest.raises(revert_class("ERC2771ForwarderInvalidSigner")):
        relayer.sender.transact(forwarder.functions.execute(request.request_data()))

    now = w3.eth.get_block("latest")["timestamp"]
    expired = sign_request(citizen, forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address), deadline=now - 1)
    with pytest.raises(RequestExpired):
        relayer.relay(expired)
    with pytest.raises(revert_class("ERC2771ForwarderExpiredRequest")):
        relayer.sender.transact(forwarder.functions.execute(expired.request_data()))

    impostor = Account.create()
    forged = sign_request(impostor, forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address))
    forged = SignedRequest(**{**forged.to_json(), "sender": citizen.address})
    with pytest.raises(InvalidSignature, match="signed by"):
        relayer.relay(forged)


def test_refused_application_costs_nothing_and_names_the_reason(suite, citizen, relayer, w3):
    bad = USCC[:17] + "H"
    registry, data = _application(suite, bad.encode())
    request = sign_request(citizen, relayer.forwarder.address, w3.eth.chain_id, registry.address, data, relayer.nonce(citizen.address))
    nonce = w3.eth.get_transaction_count(relayer.sender.account.address)
    with pytest.raises(revert_class("USCCInvalidCheckCharacter")) as excinfo:
        relayer.relay(request)
    assert excinfo.value.arguments["expected"] == b"G"
    assert w3.eth.get_transaction_count(relayer.sender.account.address) == nonce
