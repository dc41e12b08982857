"""Gas benchmarks run brownie as a library: load the project, start its development Anvil."""

from __future__ import annotations

import os
from typing import Any

from brownie import network, project

from report import ROOT


def load() -> Any:
    """The compiled govchain project, connected to a fresh development Anvil.

    $GOVCHAIN_BENCH_NETWORK picks another brownie development network (default `development`, port 8555).
    """
    loaded = project.load(ROOT, name="GovchainBench")
    loaded.load_config()
    network.connect(os.environ.get("GOVCHAIN_BENCH_NETWORK", "development"))
    return loaded


def per(gas_used: int, count: int) -> float:
    """Gas per item, rounded to one decimal (receipts' gasUsed, 21,000 base included)."""
    return round(gas_used / count, 1)
