"""The deployment for integrators: each deployed contract's name, address and ABI, and the chain id,
so a client needs neither the sources nor a compiler (plain web3.py or ethers reads the chain with it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from govchain.api.common import API_PREFIX, PortalDep
from govchain.api.models import ERROR_RESPONSES, Contracts
from govchain.portal import Portal

router = APIRouter(prefix=API_PREFIX, tags=["integration"], responses=ERROR_RESPONSES)


@router.get("/contracts", response_model=Contracts, summary="The deployed contracts: name, address, ABI; and the chain id")
def contracts(portal: Portal = PortalDep) -> Any:
    deployed = sorted(portal.deployment.contracts.items())
    return {
        "chain_id": portal.chain_id,
        "contracts": [
            {"name": name, "address": entry["address"], "deployed_block": entry.get("block"), "abi": portal.artifacts.abi(name)}
            for name, entry in deployed
        ],
    }
