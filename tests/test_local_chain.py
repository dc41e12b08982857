"""govchain.chain: the persistent local chain keeps its ledger across a restart."""

from __future__ import annotations

import socket
import time

import pytest

from govchain.chain import LocalChain, rpc
from govchain.exceptions import ChainNotRunning


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def local_chain(tmp_path):
    chain = LocalChain(home=tmp_path, port=_free_port())
    yield chain
    chain.stop()


def test_restart_keeps_the_ledger(local_chain):
    status, started = local_chain.start()
    assert started and status.running and status.chain_id == 31337
    sender = rpc(local_chain.rpc_url, "eth_accounts")[0]
    tx = {"from": sender, "to": "0x" + "11" * 20, "value": hex(12345)}
    tx_hash = rpc(local_chain.rpc_url, "eth_sendTransaction", [tx])
    deadline = time.monotonic() + 10
    while rpc(local_chain.rpc_url, "eth_getTransactionReceipt", [tx_hash]) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    block = local_chain.status().block_number
    assert block >= 1

    _, started_again = local_chain.start()
    assert not started_again  # a running chain is reused, not restarted

    assert local_chain.stop()
    assert not local_chain.status().running
    status, started = local_chain.start()
    assert started and status.block_number == block
    assert int(rpc(local_chain.rpc_url, "eth_getBalance", ["0x" + "11" * 20, "latest"]), 16) == 12345


def test_status_and_rpc_when_nothing_runs(tmp_path):
    chain = LocalChain(home=tmp_path, port=_free_port())
    assert not chain.status().running
    assert chain.stop() is False
    with pytest.raises(ChainNotRunning, match="govchain chain start"):
        rpc(chain.rpc_url, "eth_chainId")
