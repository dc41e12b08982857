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


def test_killed_node_mid_payout_batches_pays_everyone_exactly_once(tmp_path, artifacts):
    """Eight approved wallet batches are executed in one pipeline; the node is killed after the first
    receipts and restarts from its state file: every beneficiary ends up paid exactly once."""
    from eth_account import Account

    from govchain.clients import BudgetClient, BudgetLine, DisbursementClient, IdentityClient, PayoutMode, PersonBinding, ProgramClient
    from govchain.connection import Suite

    chain = LocalChain(home=tmp_path, port=_free_port())
    chain.start()
    try:
        w3 = Web3(HTTPProvider(chain.rpc_url))
        officer = dev_accounts(31337)

        def sender(i: int, **kwargs) -> TransactionSender:
            return TransactionSender(w3, officer[i], artifacts, **kwargs)

        path = tmp_path / "deployment.json"
        deploy_suite(w3, sender(0), artifacts, path)
        suite = Suite(w3, Deployment.load(path), artifacts)
        people = [(Account.create().address, os.urandom(32)) for _ in range(80)]
        IdentityClient(suite, sender(12)).bind_persons([PersonBinding(a, c, os.urandom(32)) for a, c in people], 2)
        budget, [line] = BudgetClient(suite, sender(7)).propose(2026, b"\x01" * 32, [BudgetLine("PENSION", "pension", 10**9)])
        for approver in (8, 9, 14):
            BudgetClient(suite, sender(approver)).approve(budget)
        now = w3.eth.get_block("latest")["timestamp"]
        program = ProgramClient(suite, sender(7)).create("pension", line, "HRSS", now - 3600, 86400, 12, 10**9)
        DisbursementClient(suite, sender(7)).fund(program, 10**8)
        ProgramClient(suite, sender(10)).enroll(program, [c for _, c in people])
        operator, approver = DisbursementClient(suite, sender(10)), DisbursementClient(suite, sender(11))
        batches = [b for chunk in range(8) for b in operator.propose(program, 0, PayoutMode.WALLET, [(c, 1_000) for _, c in people[chunk * 10 : chunk * 10 + 10]])]
        for batch in batches:
            approver.approve(batch)
        chain.stop()  # the approved, unexecuted batches are in the state file
        chain.start()

        executor = sender(10, batch_size=2, max_in_flight=2)
        killed = []

        def kill_and_restart(confirmed: int) -> None:
            if confirmed >= 2 and not killed:
                os.kill(int(chain.pid_file.read_text()), signal.SIGKILL)
                killed.append(confirmed)
                chain.start()

        calls = [Call.of(suite.contract("Disbursements").functions.executeWalletBatch(b.batch_id, b.content), gas=2_000_000) for b in batches]
        receipts = executor.transact_many(calls, progress=kill_and_restart)
        assert killed and executor.resent, "the node was never killed mid-pipeline"
        assert all(r.status == 1 for r in receipts)
        token = suite.contract("FiscalToken").functions
        assert [token.balanceOf(account).call() for account, _ in people] == [1_000] * len(people)  # each paid once
        ledger = suite.contract("Disbursements").functions
        assert ledger.programAccount(program).call()[1] == 1_000 * len(people)  # disbursed: nothing lost, nothing doubled
        print(f"re-sent after the crash: {executor.resent}")
    finally:
        chain.stop()
