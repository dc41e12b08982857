"""Reliability: the node dies mid-pipeline and restarts from its state file; nothing is lost or doubled."""

from __future__ import annotations

import os
import signal
import socket

from web3 import HTTPProvider, Web3

from govchain.chain import LocalChain
from govchain.clients.credit import CreditEntry
from govchain.connection import Deployment
from govchain.deploy import deploy_suite
from govchain.sender import Call, TransactionSender
from govchain.signer import dev_accounts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_killed_node_mid_pipeline_loses_nothing_and_doubles_nothing(tmp_path, artifacts):
    chain = LocalChain(home=tmp_path, port=_free_port())
    chain.start()
    try:
        w3 = Web3(HTTPProvider(chain.rpc_url))
        path = tmp_path / "deployment.json"
        deploy_suite(w3, TransactionSender(w3, dev_accounts(31337)[0], artifacts), artifacts, path)
        chain.stop()  # a clean stop writes the state file: the suite is in it, the pipeline below is not
        chain.start()
        credit = w3.eth.contract(address=Deployment.load(path).address("CreditRegistry"), abi=artifacts.abi("CreditRegistry"))
        subjects = [os.urandom(32) for _ in range(400)]
        entry = CreditEntry(1, -5, b"\x01" * 32).as_tuple()
        calls = [Call.of(credit.functions.append(s, entry), gas=120_000) for s in subjects]
        # small batches and a small in-flight window: the kill lands while most of the pipeline is unsent or unmined
        sender = TransactionSender(w3, dev_accounts(31337, 7)[6], artifacts, batch_size=50, max_in_flight=100)
        killed = []

        def kill_and_restart(confirmed: int) -> None:
            if confirmed >= 100 and not killed:  # part of the pipeline is mined, part is not
                os.kill(int(chain.pid_file.read_text()), signal.SIGKILL)  # no state dump: a crash
                killed.append(confirmed)
                chain.start()  # back from the state file, without any of this pipeline

        receipts = sender.transact_many(calls, progress=kill_and_restart)
        assert killed, "the node was never killed: the test proved nothing"
        assert len(sender.resent) >= killed[0]  # what was mined before the crash was lost with it, and re-sent ...
        assert sorted(sender.resent) == sorted(set(sender.resent))  # ... once each
        assert all(r.status == 1 for r in receipts)
        counts = [credit.functions.recordCountOf(s).call() for s in subjects]
        assert counts == [1] * len(subjects)  # every record exactly once
        assert w3.eth.get_transaction_count(sender.account.address) == len(subjects)
    finally:
        chain.stop()
