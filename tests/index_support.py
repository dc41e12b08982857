"""Shared by the index tests: a payout whose projection fails, without touching the indexer's code.

A batch's projected entries are deleted between its proposal and its execution, as a projection bug
that lost them would leave them; its execution then cannot be projected (the executed count and total
no longer match the projected entries), while the raw event store still holds every event, so a
replay of the projections heals the index.
"""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Engine, delete

from conftest import make_sender
from govchain.clients import DisbursementClient, PayoutMode
from govchain.indexer.funds import batch_entries
from web_support import HRSS, HRSS2


def drop_entries(engine: Engine, batch_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(batch_entries).where(batch_entries.c.batch_id == batch_id))


def pay_pension(w3: Any, artifacts: Any, funds: dict[str, Any], period: int, before_execution: Callable[[int], Any] | None = None) -> Any:
    """Pay period `period` of web_support.seed_funds' pension to its attested beneficiaries; the receipt of
    the execution. `before_execution(batch id)` runs once the batch is approved."""
    operator = DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS))
    [batch] = operator.propose(funds["pension"], period, PayoutMode.WALLET, [(c, 100_000) for c in funds["commitments"][1:4]])
    DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS2)).approve(batch)
    if before_execution is not None:
        before_execution(batch.batch_id)
    return operator.execute_wallet(batch).receipt
