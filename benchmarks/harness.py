"""A throw-away Anvil with the suite deployed by govchain (web3.py only), for client-side benchmarks."""

from __future__ import annotations

import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from web3 import HTTPProvider, Web3

from govchain.artifacts import Artifacts
from govchain.chain import LocalChain
from govchain.connection import Deployment, Suite
from govchain.deploy import deploy_suite
from govchain.sender import TransactionSender
from govchain.signer import dev_accounts
from report import ROOT


@dataclass
class Bench:
    w3: Web3
    artifacts: Artifacts
    deployment: Deployment
    home: Path

    def sender(self, index: int = 0) -> TransactionSender:
        return TransactionSender(self.w3, dev_accounts(self.w3.eth.chain_id, index + 1)[index], self.artifacts)

    def contract(self, name: str):  # noqa: ANN201
        return self.w3.eth.contract(address=self.deployment.address(name), abi=self.artifacts.abi(name))

    def suite(self) -> Suite:
        return Suite(self.w3, self.deployment, self.artifacts)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def deployed_chain() -> Iterator[Bench]:
    with tempfile.TemporaryDirectory(prefix="govchain-bench-") as tmp:
        chain = LocalChain(home=Path(tmp), port=_free_port())
        chain.start()
        try:
            w3 = Web3(HTTPProvider(chain.rpc_url, request_kwargs={"timeout": 60}))
            artifacts = Artifacts(ROOT / "build" / "contracts")
            path = Path(tmp) / "deployment.json"
            deploy_suite(w3, TransactionSender(w3, dev_accounts(w3.eth.chain_id)[0], artifacts), artifacts, path)
            yield Bench(w3, artifacts, Deployment.load(path), Path(tmp))
        finally:
            chain.stop()
