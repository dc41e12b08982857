"""Connecting to the chain and to the deployed suite."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from web3 import HTTPProvider, Web3
from web3.contract import Contract

from govchain.artifacts import Artifacts
from govchain.config import Config
from govchain.exceptions import ChainNotRunning, DeploymentError, WrongNetwork

RPC_TIMEOUT_S = 30


def connect(config: Config) -> Web3:
    """A Web3 for `config.rpc_url`, checked to answer and to be the configured chain."""
    w3 = Web3(HTTPProvider(config.rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_S}))
    try:
        chain_id = w3.eth.chain_id
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise ChainNotRunning.at(config.rpc_url) from exc
    if config.chain_id is not None and chain_id != config.chain_id:
        raise WrongNetwork(f"the chain at {config.rpc_url} has id {chain_id}, but the configuration expects {config.chain_id}")
    return w3


@dataclass(frozen=True)
class Deployment:
    """deployments/<chain-id>.json: where each contract of the suite lives, and since which block."""

    path: Path
    chain_id: int
    contracts: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, path: Path) -> "Deployment":
        if not path.exists():
            raise DeploymentError(f"no deployment file {path}; deploy first with `govchain deploy`")
        try:
            data = json.loads(path.read_text())
            return cls(path, int(data["chainId"]), dict(data["contracts"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise DeploymentError(f"deployment file {path} is malformed: {exc}") from exc

    def address(self, name: str) -> str:
        if name not in self.contracts:
            raise DeploymentError(f"{name} is not in {self.path}; re-run `govchain deploy`")
        return self.contracts[name]["address"]

    def start_block(self) -> int:
        return min((int(c.get("block", 0)) for c in self.contracts.values()), default=0)


class Suite:
    """The deployed contracts as web3.py Contract objects, checked against the chain."""

    def __init__(self, w3: Web3, deployment: Deployment, artifacts: Artifacts) -> None:
        chain_id = w3.eth.chain_id
        if deployment.chain_id != chain_id:
            raise WrongNetwork(f"{deployment.path} is for chain {deployment.chain_id}, but the node is chain {chain_id}")
        self.w3 = w3
        self.deployment = deployment
        self.artifacts = artifacts
        self._contracts: dict[str, Contract] = {}

    @classmethod
    def from_config(cls, config: Config, w3: Web3 | None = None) -> "Suite":
        w3 = w3 or connect(config)
        deployment = Deployment.load(config.deployment_path(w3.eth.chain_id))
        return cls(w3, deployment, Artifacts(config.build_dir))

    def contract(self, name: str) -> Contract:
        if name not in self._contracts:
            address = self.deployment.address(name)
            if not self.w3.eth.get_code(address):
                raise DeploymentError(f"{name} at {address} has no code on this chain; was the chain reset? re-deploy")
            self._contracts[name] = self.w3.eth.contract(address=address, abi=self.artifacts.abi(name))
        return self._contracts[name]
