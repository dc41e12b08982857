"""Shared brownie fixtures: a real Anvil chain, real compiled contracts.

Deploy fixtures are module-scoped; `isolate` (autouse) snapshots the chain around every test so
tests never see each other's transactions.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import importlib.util
from pathlib import Path

import brownie
import pytest
from brownie import chain, web3
from brownie.exceptions import VirtualMachineError

GOV_DELAY = 2 * 24 * 3600  # seconds a governance operation waits in the timelock


@pytest.fixture(autouse=True)
def isolate(fn_isolation: None) -> None:
    """Every test starts from the module's deployed state (brownie's fn_isolation)."""


@pytest.fixture(scope="session", autouse=True)
def _brownie_waits_for_receipts() -> Iterator[None]:
    """Every test: brownie waits for each receipt before declaring a transaction dropped (fundskit)."""
    from fundskit import receipts_awaited

    with receipts_awaited():
        yield


def _pure_python_stateful() -> object:
    """brownie 1.22's compiled (mypyc) `brownie.test.stateful` rejects every generated state machine
    ("_BrownieStateMachine object expected"); its pure-Python source, shipped beside it, works."""
    source = Path(brownie.__file__).parent / "test" / "stateful.py"
    spec = importlib.util.spec_from_file_location("govchain_tests_stateful", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_stateful = _pure_python_stateful()


@pytest.fixture
def state_machine() -> object:
    """brownie's `state_machine` fixture, from the pure-Python module (see _pure_python_stateful)."""
    return _stateful.state_machine


def dept(code: str) -> bytes:
    """Department code as bytes32, e.g. dept('SAMR')."""
    return code.encode().ljust(32, b"\0")


def _as_decoded(value: Any) -> Any:
    """The value as eth-abi decodes it: addresses lower-case, bytes32 as bytes."""
    if hasattr(value, "address"):
        value = value.address
    if isinstance(value, bytes):  # brownie's HexString prints as 0x.. but decodes as bytes
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        return value.lower() if len(value) == 42 else bytes.fromhex(value[2:])
    return value


def _format_error(name: str, args: tuple[Any, ...]) -> str:
    # brownie renders a decoded custom error as "Name: arg, arg" (brownie.exceptions.decode_typed_error)
    return f"{name}: {', '.join(str(_as_decoded(a)) for a in args)}"


@contextmanager
def reverts_with(name: str, *args: Any) -> Iterator[None]:
    """Assert that the block reverts with custom error `name` carrying exactly `args`."""
    expected = _format_error(name, args)
    with pytest.raises(VirtualMachineError) as excinfo:
        yield
    assert excinfo.value.revert_msg == expected, f"reverted with {excinfo.value.revert_msg!r}, expected {expected!r}"


def unauthorized(account: Any, role: bytes) -> tuple[str, str, bytes]:
    """Arguments for OpenZeppelin's AccessControlUnauthorizedAccount(account, role)."""
    return ("AccessControlUnauthorizedAccount", str(account), role)


class Governance:
    """Runs operations through the GovTimelock: schedule, wait the delay, execute."""

    def __init__(self, timelock: Any, proposer: Any) -> None:
        self.timelock = timelock
        self.proposer = proposer
        self._salt = 0

    def execute(self, target: Any, calldata: str) -> Any:
        self._salt += 1
        salt = self._salt.to_bytes(32, "big")
        zero = b"\0" * 32
        delay = self.timelock.getMinDelay()
        self.timelock.schedule(target, 0, calldata, zero, salt, delay, {"from": self.proposer})
        chain.sleep(delay + 1)
        return self.timelock.execute(target, 0, calldata, zero, salt, {"from": self.proposer})

    def call(self, contract: Any, fn: str, *args: Any) -> Any:
        """Governance calls `contract.fn(*args)` through the timelock."""
        return self.execute(contract, getattr(contract, fn).encode_input(*args))


@pytest.fixture(scope="module")
def admin(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="module")
def governors(accounts: Any) -> list[Any]:
    return [accounts[1], accounts[2], accounts[3]]


@pytest.fixture(scope="module")
def timelock(GovTimelock: Any, admin: Any, governors: list[Any]) -> Any:
    return GovTimelock.deploy(GOV_DELAY, governors, governors, brownie.ZERO_ADDRESS, {"from": admin})


@pytest.fixture(scope="module")
def gov(timelock: Any, governors: list[Any]) -> Governance:
    return Governance(timelock, governors[0])


@pytest.fixture(scope="module")
def departments(DepartmentRegistry: Any, admin: Any, timelock: Any, accounts: Any) -> Any:
    """DepartmentRegistry bootstrapped with two departments, then handed to the timelock."""
    registry = DepartmentRegistry.deploy(admin, {"from": admin})
    registry.registerDepartment(dept("SAMR"), "青岛市市场监督管理局", {"from": admin})
    registry.registerDepartment(dept("TAX"), "国家税务总局青岛市税务局", {"from": admin})
    registry.assignOfficer(accounts[4], dept("SAMR"), {"from": admin})
    registry.grantRole(registry.REGULATOR_ROLE(), accounts[9], {"from": admin})
    registry.grantRole(registry.DEFAULT_ADMIN_ROLE(), timelock, {"from": admin})
    registry.renounceRole(registry.DEFAULT_ADMIN_ROLE(), admin, {"from": admin})
    return registry


def latest_timestamp() -> int:
    return web3.eth.get_block("latest")["timestamp"]


# --- the govchain client layer against the same Anvil (web3.py only, no brownie objects) ---------


@pytest.fixture(scope="module")
def w3() -> Any:
    from web3 import HTTPProvider, Web3

    return Web3(HTTPProvider(web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def artifacts() -> Any:
    from govchain.artifacts import Artifacts
    from govchain.paths import PROJECT_ROOT

    return Artifacts(PROJECT_ROOT / "build" / "contracts")


def make_sender(w3: Any, artifacts: Any, index: int = 0) -> Any:
    """A fresh TransactionSender for Anvil account `index` (fresh per test: chain snapshots rewind nonces)."""
    from govchain.sender import TransactionSender
    from govchain.signer import dev_accounts

    return TransactionSender(w3, dev_accounts(w3.eth.chain_id, index + 1)[index], artifacts)


@pytest.fixture(scope="module")
def suite_deployment(w3: Any, artifacts: Any, tmp_path_factory: Any) -> Any:
    """The whole suite deployed by govchain.deploy (as `govchain deploy` does) into a temp deployment file."""
    from govchain.deploy import deploy_suite

    path = tmp_path_factory.mktemp("deployments") / f"{w3.eth.chain_id}.json"
    return deploy_suite(w3, make_sender(w3, artifacts), artifacts, path)


# --- the explorer in a real browser (tests/browser_support.py); a module using these defines `portal` ---


@pytest.fixture(scope="module")
def base_url(portal: Any) -> Iterator[str]:
    """The app over the module's `portal` under uvicorn, for the module."""
    from browser_support import served

    with served(portal) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for the module."""
    from browser_support import chromium

    with chromium() as launched:
        yield launched
