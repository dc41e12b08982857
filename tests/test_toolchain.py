"""The offline compiler bridge: py-solc-x sees npm's solc-js as an installed solc."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import solcx
import yaml

ROOT = Path(__file__).resolve().parents[1]
BRIDGE = ROOT / "tools" / "solc-bridge.js"


def _pinned_version() -> str:
    return json.loads((ROOT / "package.json").read_text())["dependencies"]["solc"]


def test_versions_agree():
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    installed = json.loads((ROOT / "node_modules" / "solc" / "package.json").read_text())["version"]
    assert config["compiler"]["solc"]["version"] == _pinned_version() == installed


def test_py_solc_x_compiles_through_the_bridge_like_brownie():
    version = _pinned_version()
    remappings = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]["solc"]["remappings"]
    assert version in {str(v) for v in solcx.get_installed_solc_versions()}
    source = "contracts/DepartmentRegistry.sol"
    output = solcx.compile_standard(
        {
            "language": "Solidity",
            "sources": {source: {"urls": [str(ROOT / source)]}},
            "settings": {
                "remappings": remappings,
                "optimizer": {"enabled": True, "runs": 200},
                "evmVersion": "cancun",
                "outputSelection": {"*": {"*": ["abi", "evm.deployedBytecode.object"]}},
            },
        },
        solc_version=version,
        base_path=str(ROOT),
        allow_paths=[str(ROOT)],
    )
    compiled = output["contracts"][source]["DepartmentRegistry"]
    artifact = json.loads((ROOT / "build" / "contracts" / "DepartmentRegistry.json").read_text())
    by_name = lambda abi: sorted(abi, key=lambda item: (item["type"], item.get("name", "")))  # noqa: E731
    assert by_name(compiled["abi"]) == by_name(artifact["abi"])
    assert len(compiled["evm"]["deployedBytecode"]["object"]) > 1000


def test_bridge_reports_version_like_native_solc():
    out = subprocess.run(["node", str(BRIDGE), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[1].startswith(f"Version: {_pinned_version()}+commit.")


def test_bridge_without_node_modules_says_how_to_fix(tmp_path):
    env = {**os.environ, "GOVCHAIN_ROOT": str(tmp_path)}
    result = subprocess.run(["node", str(BRIDGE), "--version"], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "make setup" in result.stderr and "npm ci" in result.stderr and str(tmp_path) in result.stderr


def test_bridge_rejects_unknown_options():
    result = subprocess.run(["node", str(BRIDGE), "--bin", "x.sol"], capture_output=True, text=True)
    assert result.returncode == 2 and "unsupported option --bin" in result.stderr


def test_bridge_reports_missing_imports():
    request = {
        "language": "Solidity",
        "sources": {"A.sol": {"content": 'pragma solidity ^0.8.0; import "./Missing.sol"; contract A {}'}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    result = subprocess.run(
        ["node", str(BRIDGE), "--standard-json"], input=json.dumps(request), capture_output=True, text=True, check=True
    )
    errors = json.loads(result.stdout)["errors"]
    assert any("Missing.sol" in e["message"] for e in errors)
