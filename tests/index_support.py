"""Shared by the index tests: a payout whose projection fails, without touching the indexer's code.

The index's projection rows of a program are deleted, as a projection bug that lost them would leave
them; the program's next payout then cannot be projected (no enrollment to name its beneficiaries),
while the raw event store still holds every event, so a replay of the projections heals the index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete

from conftest import make_sender
from govchain.clients import DisbursementClient, PayoutMode
from govchain.indexer.funds import enrollments
from web_support import HRSS, HRSS2


def drop_enrollments(engine: Engine, program_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(enrollments).where(enrollments.c.program_id == program_id))


def pay_pension(w3: Any, artifacts: Any, funds: dict[str, Any], period: int) -> Any:
    """Pay period `period` of web_support.seed_funds' pension to its attested beneficiaries; the receipt of the execution."""
    operator = DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS))
    [batch] = operator.propose(funds["pension"], period, PayoutMode.WALLET, [(c, 100_000) for c in funds["commitments"][1:4]])
    DisbursementClient(funds["suite"], make_sender(w3, artifacts, HRSS2)).approve(batch)
    return operator.execute_wallet(batch)
