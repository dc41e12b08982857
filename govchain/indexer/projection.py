"""Projections: tables derived from the raw event store, built in the transaction that ingests the events.

A projection turns decoded events into rows of its own tables; every row carries the block of the
event it comes from, so a reorg rollback (rows above the fork) and a fresh re-index give the same
tables.

A projection error on one event never stops the index, and is never silent. The event stays in the
raw store (`events`) and the checkpoint moves on; the projection records the failure (block, log
index, tx, event, error) in `projection_failures`, skips only that event, and goes on. Handlers check
what they depend on, so an event whose input a failed one should have produced fails too (and is
recorded) instead of projecting a wrong row. `govchain index` prints the failures and exits
non-zero, /api/health reports the index as degraded, the explorer shows a notice. At its first sync
an `Indexer` replays the projections from the raw store when failures are recorded: a fixed
projection heals the index without fetching anything from the chain again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import Connection, Table, delete, insert
from sqlalchemy.exc import DataError, IntegrityError, MultipleResultsFound, NoResultFound

from govchain.exceptions import GovchainError
from govchain.indexer.schema import projection_failures

MAX_ERROR_TEXT = 1_000  # characters of an error message kept in projection_failures


class ProjectionError(GovchainError):
    """An event contradicts what the projection holds (or needs a row a failed event should have made)."""


# Errors that come from the data of an event (a bug in a handler, or an event the projection does not
# expect). Anything else (a lost database connection, a locked file) aborts the chunk and the sync
# fails loudly, to be retried; it is not the event's fault.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    ProjectionError, IntegrityError, DataError, NoResultFound, MultipleResultsFound,
    LookupError, ValueError, TypeError, ArithmeticError, AttributeError,
)  # fmt: skip


@dataclass(frozen=True)
class DecodedEvent:
    """One log of the suite, decoded: where it is, who emitted it, and its named arguments."""

    block_number: int
    log_index: int
    tx_hash: str
    address: str
    contract: str
    event: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ProjectionFailure:
    """One event a projection could not apply, and why."""

    projection: str
    block_number: int
    log_index: int
    tx_hash: str
    contract: str
    event: str
    error: str

    def describe(self) -> str:
        return (f"block {self.block_number} log {self.log_index} (tx {self.tx_hash}) {self.contract}.{self.event}: "
                f"{self.projection} projection failed: {self.error}")  # fmt: skip


class Projection(Protocol):
    """What the indexer needs of a projection."""

    name: str
    tables: tuple[Table, ...]  # every table has a `block_number` column
    events: frozenset[tuple[str, str]]  # (contract, event) pairs it handles

    def apply(self, conn: Connection, decoded: Sequence[DecodedEvent]) -> None:
        """Write the rows of `decoded` (events it handles, in log order); raise on the first bad one."""


def project(conn: Connection, projection: Projection, decoded: Iterable[DecodedEvent]) -> list[ProjectionFailure]:
    """Apply `decoded` to `projection` inside `conn`'s transaction; return the events that failed.

    The whole chunk is tried at once (bulk inserts); if that fails, it is rolled back to its savepoint
    and replayed one event at a time, each in its own savepoint, to find and skip exactly the bad ones.
    """
    relevant = [e for e in decoded if (e.contract, e.event) in projection.events]
    if not relevant:
        return []
    try:
        with conn.begin_nested():
            projection.apply(conn, relevant)
        return []
    except DATA_ERRORS:
        pass
    failures = []
    for event in relevant:
        try:
            with conn.begin_nested():
                projection.apply(conn, [event])
        except DATA_ERRORS as exc:
            failures.append(_failure(projection.name, event, exc))
    return failures


def record(conn: Connection, failures: list[ProjectionFailure]) -> None:
    if failures:
        conn.execute(insert(projection_failures), [vars(f) for f in failures])


def rollback(conn: Connection, projections: Iterable[Projection], fork: int) -> None:
    """Delete every projection row (and recorded failure) above block `fork`."""
    for table in (*_tables(projections), projection_failures):
        conn.execute(delete(table).where(table.c.block_number > fork))


def clear(conn: Connection, projections: Iterable[Projection]) -> None:
    for table in (*_tables(projections), projection_failures):
        conn.execute(delete(table))


def _tables(projections: Iterable[Projection]) -> list[Table]:
    return [table for projection in projections for table in projection.tables]


def _failure(name: str, event: DecodedEvent, exc: BaseException) -> ProjectionFailure:
    cause = getattr(exc, "orig", None) or exc  # a database error: the driver's message, without the SQL
    text = f"{type(cause).__name__}: {cause}"[:MAX_ERROR_TEXT]
    return ProjectionFailure(name, event.block_number, event.log_index, event.tx_hash, event.contract, event.event, text)
