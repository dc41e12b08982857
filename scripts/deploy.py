"""Deploy the govchain suite and set up the consortium from config/consortium.yaml.

    brownie run scripts/deploy.py --network <network>

Writes deployments/<chain-id>.json. Re-running deploys nothing twice: a contract already listed
in that file with code on chain is reused. Bootstrap grants are made by the deployer, who then
hands governance (DEFAULT_ADMIN_ROLE) to the timelock and renounces it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from brownie import DepartmentRegistry, GovTimelock, ZERO_ADDRESS, accounts, chain, web3

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(os.environ.get("GOVCHAIN_CONSORTIUM", ROOT / "config" / "consortium.yaml"))
ADMIN_ROLE = b"\0" * 32


def code32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def resolve(entry: dict[str, Any]) -> str:
    """An officer entry from the YAML: {address: 0x..} or, on a dev chain, {account: N}."""
    if "address" in entry:
        return web3.to_checksum_address(entry["address"])
    return accounts[int(entry["account"])].address


class Deployment:
    """deployments/<chain-id>.json: which contract lives where, and the block it was deployed in."""

    def __init__(self, chain_id: int) -> None:
        self.path = ROOT / "deployments" / f"{chain_id}.json"
        self.data: dict[str, Any] = {"chainId": chain_id, "contracts": {}}
        if self.path.exists():
            self.data = json.loads(self.path.read_text())

    def get_or_deploy(self, container: Any, *args: Any, sender: Any) -> tuple[Any, bool]:
        name = container._name
        known = self.data["contracts"].get(name)
        if known and len(web3.eth.get_code(known["address"])) > 0:
            return container.at(known["address"]), False
        contract = container.deploy(*args, {"from": sender})
        self.data["contracts"][name] = {"address": contract.address, "block": contract.tx.block_number}
        self.save()
        return contract, True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2) + "\n")


def main() -> dict[str, str]:
    config = yaml.safe_load(CONFIG.read_text())
    deployer = accounts[0]
    deployment = Deployment(chain.id)
    deployment.data["deployer"] = deployer.address

    gov = config["governance"]
    proposers = [resolve(p) for p in gov["proposers"]]
    timelock, _ = deployment.get_or_deploy(
        GovTimelock, gov["min_delay_seconds"], proposers, proposers, ZERO_ADDRESS, sender=deployer
    )
    departments, fresh = deployment.get_or_deploy(DepartmentRegistry, deployer, sender=deployer)
    if fresh:
        bootstrap_departments(departments, config, deployer)
        departments.grantRole(ADMIN_ROLE, timelock, {"from": deployer})
        departments.renounceRole(ADMIN_ROLE, deployer, {"from": deployer})

    addresses = {name: info["address"] for name, info in deployment.data["contracts"].items()}
    print(f"govchain deployed on chain {chain.id} ({deployment.path.relative_to(ROOT)}):")
    for name, address in addresses.items():
        print(f"  {name:<22} {address}")
    return addresses


def bootstrap_departments(departments: Any, config: dict[str, Any], deployer: Any) -> None:
    for entry in config["departments"]:
        departments.registerDepartment(code32(entry["code"]), entry["name"], {"from": deployer})
        for officer in entry.get("officers", []):
            departments.assignOfficer(resolve(officer), code32(entry["code"]), {"from": deployer})
    for regulator in config.get("regulators", []):
        departments.grantRole(departments.REGULATOR_ROLE(), resolve(regulator), {"from": deployer})
