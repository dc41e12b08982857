"""Compiled artifacts (brownie's build/contracts/*.json): ABIs, bytecode, and error/event indexes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address

from govchain.exceptions import ArtifactError, ContractRevert, UnknownRevert, revert_class

_PANIC = bytes.fromhex("4e487b71")
_ERROR_STRING = bytes.fromhex("08c379a0")


def _canonical_type(item: dict[str, Any]) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_canonical_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return item["type"]


def signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(_canonical_type(i) for i in item['inputs'])})"


@dataclass(frozen=True)
class ErrorAbi:
    contract: str
    abi: dict[str, Any]

    @property
    def name(self) -> str:
        return self.abi["name"]

    def decode(self, data: bytes) -> dict[str, Any]:
        types = [_canonical_type(i) for i in self.abi["inputs"]]
        values = decode(types, data[4:]) if types else ()
        return {
            i["name"] or f"arg{n}": to_checksum_address(v) if i["type"] == "address" else v
            for n, (i, v) in enumerate(zip(self.abi["inputs"], values))
        }


class Artifacts:
    """Reads brownie artifacts from `build_dir` (never imports brownie)."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = Path(build_dir)
        self._cache: dict[str, dict[str, Any]] = {}

    def artifact(self, name: str) -> dict[str, Any]:
        if name not in self._cache:
            path = self.build_dir / f"{name}.json"
            if not path.exists():
                raise ArtifactError(f"no compiled artifact for {name} in {self.build_dir}; run `make compile`")
            self._cache[name] = json.loads(path.read_text())
        return self._cache[name]

    def abi(self, name: str) -> list[dict[str, Any]]:
        return self.artifact(name)["abi"]

    def bytecode(self, name: str) -> str:
        code = self.artifact(name).get("bytecode", "")
        if not code:
            raise ArtifactError(f"{name} has no bytecode (an interface or abstract contract?)")
        return code if code.startswith("0x") else "0x" + code

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.build_dir.glob("*.json"))

    def _deployables_first(self) -> list[str]:
        # an error or event is attributed to a deployable contract rather than to its interface
        return sorted(self.names(), key=lambda name: (not self.artifact(name).get("bytecode"), name))

    @cached_property
    def errors(self) -> dict[bytes, ErrorAbi]:
        """4-byte selector -> custom error, over every artifact in the build."""
        index: dict[bytes, ErrorAbi] = {}
        for name in self._deployables_first():
            for item in self.abi(name):
                if item["type"] == "error":
                    index.setdefault(function_signature_to_4byte_selector(signature(item)), ErrorAbi(name, item))
        return index

    @cached_property
    def events(self) -> dict[bytes, tuple[str, dict[str, Any]]]:
        """topic0 -> (contract, event ABI), over every artifact in the build."""
        index: dict[bytes, tuple[str, dict[str, Any]]] = {}
        for name in self._deployables_first():
            for item in self.abi(name):
                if item["type"] == "event" and not item.get("anonymous"):
                    index.setdefault(keccak(text=signature(item)), (name, item))
        return index

    def decode_revert(self, data: bytes, tx_hash: str | None = None) -> ContractRevert | UnknownRevert:
        """Turn revert data into a typed exception (never a bare hex blob when the error is known)."""
        selector = bytes(data[:4])
        if selector in self.errors:
            error = self.errors[selector]
            return revert_class(error.name)(error.name, error.decode(bytes(data)), error.contract, tx_hash)
        if selector == _ERROR_STRING:
            return revert_class("Error")("Error", {"message": decode(["string"], bytes(data)[4:])[0]}, None, tx_hash)
        if selector == _PANIC:
            return revert_class("Panic")("Panic", {"code": decode(["uint256"], bytes(data)[4:])[0]}, None, tx_hash)
        if not data:
            return UnknownRevert("the transaction reverted without data (out of gas or a bare revert)", tx_hash)
        return UnknownRevert(f"the transaction reverted with unknown data 0x{bytes(data).hex()}", tx_hash)
