"""The persistent local chain: Anvil with its state file under the state folder.

`start` keeps the ledger across restarts: anvil --state loads the file at start and dumps it when
Anvil exits; `stop` asks Anvil to exit (SIGTERM) so it writes the state. Periodic dumps
(--state-interval) are deliberately off: on Anvil 1.7.1 they stall automining (a pipeline of 2,000
transactions fell from ~800 to ~60 per second, and transactions were left unmined after a dump), so
a hard kill loses what was mined since the last start; clients re-send what the chain lost
(govchain.sender re-sends its own signed transactions).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from govchain.exceptions import ChainError, ChainNotRunning
from govchain.paths import anvil_command, state_dir

DEFAULT_PORT = 8545
DEFAULT_CHAIN_ID = 31337
ACCOUNTS = 20  # funded development accounts: deployer, governance, officers, regulators
BLOCK_GAS_LIMIT = 300_000_000  # a permissioned chain: room for whole pipelines of large batches per block
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ChainStatus:
    """What `status` found at the chain's RPC URL."""

    running: bool
    rpc_url: str
    pid: int | None = None
    chain_id: int | None = None
    block_number: int | None = None
    state_file: str | None = None


def rpc(url: str, method: str, params: list | None = None, timeout: float = 2.0) -> object:
    """One JSON-RPC call; raises ChainNotRunning when nothing answers."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply = json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise ChainNotRunning.at(url) from exc
    if "error" in reply:
        raise ChainError(f"{method} failed at {url}: {reply['error'].get('message', reply['error'])}")
    return reply["result"]


def status_at(url: str) -> ChainStatus:
    """Whether a chain answers at `url` (any node, local or remote), and which."""
    try:
        chain_id = int(str(rpc(url, "eth_chainId")), 16)
        block = int(str(rpc(url, "eth_blockNumber")), 16)
    except ChainNotRunning:
        return ChainStatus(False, url)
    return ChainStatus(True, url, chain_id=chain_id, block_number=block)


def local_port(url: str) -> int | None:
    """The port when `url` is a chain on this machine (http://127.0.0.1:PORT or localhost), else None."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or parts.path not in ("", "/"):
        return None
    return parts.port or 80


class LocalChain:
    """Anvil on 127.0.0.1:`port` keeping its ledger in `home`/anvil-state.json."""

    def __init__(self, home: Path | None = None, port: int = DEFAULT_PORT, chain_id: int = DEFAULT_CHAIN_ID) -> None:
        self.home = home or state_dir()
        self.port = port
        self.chain_id = chain_id
        self.rpc_url = f"http://127.0.0.1:{port}"
        self.state_file = self.home / "anvil-state.json"
        self.pid_file = self.home / "anvil.pid"
        self.log_file = self.home / "anvil.log"

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def status(self) -> ChainStatus:
        """Whether a chain answers at the RPC URL, and which."""
        found = status_at(self.rpc_url)
        if not found.running:
            return ChainStatus(False, self.rpc_url, state_file=str(self.state_file))
        return ChainStatus(True, self.rpc_url, self._pid(), found.chain_id, found.block_number, str(self.state_file))

    def start(self) -> tuple[ChainStatus, bool]:
        """Start Anvil unless a chain already answers; returns (status, started_now)."""
        current = self.status()
        if current.running:
            if current.chain_id != self.chain_id:
                raise ChainError(
                    f"a chain with id {current.chain_id} already runs at {self.rpc_url}; expected {self.chain_id}"
                )
            return current, False
        self.home.mkdir(parents=True, exist_ok=True)
        command = [
            anvil_command(),
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--accounts", str(ACCOUNTS),
            "--gas-limit", str(BLOCK_GAS_LIMIT),
            "--base-fee", "0",
            "--state", str(self.state_file),
        ]  # fmt: skip
        try:
            with self.log_file.open("ab") as log:
                process = subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
                )
        except FileNotFoundError as exc:
            raise ChainError(f"anvil not found ({command[0]}); run `make setup` (npm ci) first") from exc
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ChainError(f"anvil exited with code {process.returncode}; see {self.log_file}")
            status = self.status()
            if status.running:
                return status, True
            time.sleep(0.1)
        process.terminate()
        raise ChainError(f"anvil did not answer at {self.rpc_url} within {START_TIMEOUT_S:.0f}s; see {self.log_file}")

    def stop(self, timeout: float = 15.0) -> bool:
        """Stop the Anvil this folder started (it dumps its state on exit); False if none ran."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)  # reap it if this process started it
            except ChildProcessError:
                pass
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            raise ChainError(f"anvil (pid {pid}) did not exit within {timeout:.0f}s")
        self.pid_file.unlink(missing_ok=True)
        return True
