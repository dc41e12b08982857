"""indexer.events_per_s: indexing a chain of >= 100,000 suite events from scratch into SQLite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import deployed_chain  # noqa: E402
from report import record  # noqa: E402

from govchain.indexer import Indexer  # noqa: E402

EVENTS = 100_000
PER_TX = 200  # IdentityRegistry.MAX_BATCH: one IdentityBound event per binding


def main() -> None:
    with deployed_chain() as bench:
        identity = bench.contract("IdentityRegistry")
        registrar = bench.sender(12)  # a PSB officer (config/consortium.yaml)
        calls = []
        for _ in range(EVENTS // PER_TX + 1):
            accounts = [bench.w3.to_checksum_address(os.urandom(20)) for _ in range(PER_TX)]
            commitments, tags = ([os.urandom(32) for _ in range(PER_TX)] for _ in range(2))
            calls.append(identity.functions.bindPersons(accounts, commitments, tags, 1))
        registrar.transact_many(calls, gas=15_000_000)
        indexer = Indexer(bench.w3, bench.deployment, bench.artifacts, f"sqlite:///{bench.home / 'index.db'}")
        result = indexer.sync()
        assert indexer.count() >= EVENTS, indexer.count()
        record({"indexer.events_per_s": round(result.events / result.seconds), "indexer.events_indexed": result.events})


if __name__ == "__main__":
    main()
