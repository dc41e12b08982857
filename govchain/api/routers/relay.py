"""Citizens' signed applications (EIP-712 ForwardRequests), relayed through GovForwarder; citizens pay no gas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Path

from govchain.api.common import API_PREFIX, PortalDep
from govchain.api.models import WRITE_RESPONSES, Nonce, RelayDomain, SignedRequestBody, WriteResult
from govchain.portal import Portal
from govchain.relay import FORWARD_REQUEST_TYPES, SignedRequest, domain

router = APIRouter(prefix=API_PREFIX + "/relay", tags=["citizen applications"], responses=WRITE_RESPONSES)


@router.get("/domain", response_model=RelayDomain, summary="The EIP-712 domain and types a citizen's wallet signs")
def relay_domain(portal: Portal = PortalDep) -> Any:
    forwarder = portal.deployment.address("GovForwarder")
    return {
        "domain": domain(forwarder, portal.chain_id),
        "types": FORWARD_REQUEST_TYPES,
        "primary_type": "ForwardRequest",
        "relay_targets": {name: portal.deployment.address(name) for name in sorted(portal.relay_targets)},
    }


@router.get("/nonce/{address}", response_model=Nonce, summary="The nonce a citizen's next signed request must carry")
def relay_nonce(address: str = Path(pattern=r"^0x[0-9a-fA-F]{40}$"), portal: Portal = PortalDep) -> Any:
    from eth_utils import to_checksum_address

    address = to_checksum_address(address)
    return {"address": address, "nonce": portal.relay_nonce(address)}


@router.post("", response_model=WriteResult, summary="Relay a citizen's signed application (checked and simulated first)")
def relay(body: SignedRequestBody = Body(), portal: Portal = PortalDep) -> Any:
    return portal.relay(SignedRequest.from_json(body.model_dump()))
