"""trace.program_p95_ms (indexed) vs trace.getlogs_scan_p95_ms (eth_getLogs from genesis), >= 100,000 payouts.

5,000 beneficiaries of one program are paid for 20 periods in bank-settled batches (1,000 records
each): 100,000 payout rows. The same program trace (totals, payouts and refunds by period) is then
answered from the index and by scanning the chain's logs, in the same run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import deployed_chain  # noqa: E402
from report import record  # noqa: E402

from govchain.clients import BudgetClient, BudgetLine, DisbursementClient, IdentityClient, PayoutMode, PersonBinding, ProgramClient  # noqa: E402
from govchain.indexer import Indexer  # noqa: E402
from govchain.tracer import trace_program  # noqa: E402

BENEFICIARIES = 5_000
PERIODS = 20
DAY = 24 * 3600
FIN, FIN2, FIN3, HRSS, HRSS2, PSB, DRC = 7, 8, 9, 10, 11, 12, 14


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 2)


def seed(bench) -> int:  # noqa: ANN001
    suite = bench.suite()
    people = [(bench.w3.to_checksum_address(os.urandom(20)), os.urandom(32)) for _ in range(BENEFICIARIES)]
    IdentityClient(suite, bench.sender(PSB)).bind_persons([PersonBinding(a, c, os.urandom(32)) for a, c in people], 2)
    budget, [line] = BudgetClient(suite, bench.sender(FIN)).propose(2026, b"\x01" * 32, [BudgetLine("PENSION", "pension", 10**12)])
    for officer in (FIN2, FIN3, DRC):
        BudgetClient(suite, bench.sender(officer)).approve(budget)
    now = bench.w3.eth.get_block("latest")["timestamp"]
    program = ProgramClient(suite, bench.sender(FIN)).create("pension", line, "HRSS", now - (PERIODS + 1) * DAY, DAY, PERIODS, 10**12)
    DisbursementClient(suite, bench.sender(FIN)).fund(program, BENEFICIARIES * PERIODS * 100)
    ProgramClient(suite, bench.sender(HRSS)).enroll(program, [c for _, c in people])
    operator, approver = DisbursementClient(suite, bench.sender(HRSS)), DisbursementClient(suite, bench.sender(HRSS2))
    for period in range(PERIODS):
        for batch in operator.propose(program, period, PayoutMode.BANK, [(c, 100) for _, c in people]):
            approver.approve(batch)
            operator.execute_bank(batch, {c: c for _, c in people})  # the settlement reference: any non-zero hash
    return program


def scan_logs(bench, program: int) -> dict[int, tuple[int, int]]:  # noqa: ANN001
    """The same totals by period, from eth_getLogs over the whole chain (BatchExecuted + PayoutRefunded)."""
    ledger = bench.contract("Disbursements")
    executed = ledger.events.BatchExecuted().get_logs(from_block=0, argument_filters={"programId": program})
    refunded = ledger.events.PayoutRefunded().get_logs(from_block=0, argument_filters={"programId": program})
    by_period: dict[int, tuple[int, int]] = {}
    for log in executed:
        total, count = by_period.get(log["args"]["period"], (0, 0))
        by_period[log["args"]["period"]] = (total + log["args"]["total"], count + log["args"]["count"])
    assert not refunded
    return by_period


def main() -> None:
    with deployed_chain() as bench:
        program = seed(bench)
        indexer = Indexer(bench.w3, bench.deployment, bench.artifacts, f"sqlite:///{bench.home / 'index.db'}")
        indexer.sync()
        expected = scan_logs(bench, program)
        answer = trace_program(indexer.engine, program)
        assert answer.payouts == BENEFICIARIES * PERIODS >= 100_000
        assert {p["period"]: (p["disbursed"], p["payouts"]) for p in answer.by_period} == expected

        indexed = []
        for _ in range(200):
            start = time.perf_counter()
            trace_program(indexer.engine, program)
            indexed.append(time.perf_counter() - start)
        scanned = []
        for _ in range(20):
            start = time.perf_counter()
            scan_logs(bench, program)
            scanned.append(time.perf_counter() - start)
        record({"trace.program_p95_ms": p95(indexed), "trace.getlogs_scan_p95_ms": p95(scanned), "trace.indexed_payouts": answer.payouts})


if __name__ == "__main__":
    main()
