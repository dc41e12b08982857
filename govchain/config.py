"""Connection settings: defaults, then a YAML file, then environment variables (highest).

    GOVCHAIN_CONFIG        path of the YAML file (default: ./govchain.yaml when it exists)
    GOVCHAIN_RPC_URL       JSON-RPC endpoint                     (default http://127.0.0.1:8545)
    GOVCHAIN_CHAIN_ID      expected chain id; checked on connect (default: whatever the node says)
    GOVCHAIN_DEPLOYMENT    deployment file                       (default deployments/<chain-id>.json)
    GOVCHAIN_DATABASE_URL  indexer database (SQLAlchemy URL)     (default sqlite:///.govchain/index.db)
    GOVCHAIN_BUILD_DIR     compiled artifacts                    (default build/contracts)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from govchain.exceptions import ConfigError
from govchain.paths import PROJECT_ROOT, state_dir

_ENV = {
    "rpc_url": "GOVCHAIN_RPC_URL",
    "chain_id": "GOVCHAIN_CHAIN_ID",
    "deployment_file": "GOVCHAIN_DEPLOYMENT",
    "database_url": "GOVCHAIN_DATABASE_URL",
    "build_dir": "GOVCHAIN_BUILD_DIR",
}


@dataclass(frozen=True)
class Config:
    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int | None = None
    deployment_file: Path | None = None
    database_url: str = field(default_factory=lambda: f"sqlite:///{state_dir() / 'index.db'}")
    build_dir: Path = PROJECT_ROOT / "build" / "contracts"

    @classmethod
    def load(cls, path: Path | None = None, env: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        file = path or (Path(env["GOVCHAIN_CONFIG"]) if env.get("GOVCHAIN_CONFIG") else Path("govchain.yaml"))
        if path is not None or env.get("GOVCHAIN_CONFIG") or file.exists():
            try:
                loaded = yaml.safe_load(file.read_text()) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(f"cannot read config file {file}: {exc}") from exc
            unknown = set(loaded) - set(_ENV)
            if unknown:
                raise ConfigError(f"unknown setting(s) in {file}: {', '.join(sorted(unknown))}")
            values.update(loaded)
        for name, variable in _ENV.items():
            if env.get(variable):
                values[name] = env[variable]
        return cls()._with(values)

    def _with(self, values: dict[str, Any]) -> "Config":
        if "chain_id" in values and values["chain_id"] is not None:
            try:
                values["chain_id"] = int(values["chain_id"])
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"chain_id must be an integer, got {values['chain_id']!r}") from exc
        for name in ("deployment_file", "build_dir"):
            if values.get(name) is not None:
                values[name] = Path(values[name])
        return replace(self, **values)

    def deployment_path(self, chain_id: int) -> Path:
        return self.deployment_file or PROJECT_ROOT / "deployments" / f"{chain_id}.json"
