"""Ingest the suite's events from eth_getLogs into SQL: resumable, idempotent, reorg-safe.

`Indexer.sync()` reads from the block after the checkpoint to the chain head in chunks; each chunk
(its events, their blocks and the new checkpoint) is written in one database transaction, so an
interrupted run resumes where the last committed chunk ended. Before each run the checkpoint's
block hash is compared with the chain: if it changed, the index is rolled back to the highest
stored block whose hash still matches, and re-ingested from there.

Projections (govchain.indexer.projection) are built from the events in the same transaction; an
event a projection cannot apply is recorded in `projection_failures`, never silently skipped, and
never stops the raw event store. The first sync of an `Indexer` replays the projections from the
stored events when failures are recorded, so a fixed projection heals the index.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, tuple_
from web3 import Web3

from govchain.artifacts import Artifacts
from govchain.connection import Deployment
from govchain.events import EventDecoder, checksum
from govchain.exceptions import GovchainError
from govchain.indexer import funds, projection
from govchain.indexer.projection import DecodedEvent, Projection, ProjectionFailure
from govchain.indexer.schema import (
    SCHEMA_VERSION, blocks, checkpoint, contracts, event_addresses, events, meta, metadata, projection_failures,
)  # fmt: skip

DEFAULT_CHUNK = 5_000  # blocks per eth_getLogs request (halved when the node refuses a range)
REPLAY_CHUNK = 5_000  # stored events per projection step when the projections are replayed
GENERATION = "projected"  # meta key: counts replays of the projections (part of the index version)


class IndexerError(GovchainError):
    """The index and the chain disagree in a way the indexer cannot repair by itself."""


@dataclass(frozen=True)
class SyncResult:
    from_block: int
    to_block: int
    events: int
    seconds: float
    rolled_back_to: int | None = None
    reprojected: bool = False  # the projections were replayed from the stored events (failures were recorded)
    failures: int = 0  # projection failures recorded in the index after this sync (0: healthy)


class Indexer:
    """Indexes every event of the deployed suite into the database at `database_url`."""

    def __init__(
        self,
        w3: Web3,
        deployment: Deployment,
        artifacts: Artifacts,
        database_url: str,
        *,
        chunk: int = DEFAULT_CHUNK,
        projections: Sequence[Projection] | None = None,
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.engine: Engine = create_engine(database_url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self.projections: list[Projection] = list(projections) if projections is not None else [funds.FundsProjection()]
        self.chunk = chunk
        self._replay_checked = False  # the first sync replays the projections if failures are recorded
        self.addresses = {info["address"].lower(): name for name, info in deployment.contracts.items()}
        self.decoders: dict[str, EventDecoder] = {}
        for topic, (contract, abi) in artifacts.events.items():
            self.decoders["0x" + topic.hex()] = EventDecoder(contract, abi)
        self.reindexed = self._track_contracts()

    def _track_contracts(self) -> bool:
        """Record which contracts the index covers; if the deployment added one, start over."""
        with self.engine.begin() as conn:
            known = {row.address for row in conn.execute(select(contracts.c.address))}
            wanted = set(self.addresses)
            version = conn.execute(select(meta.c.value).where(meta.c.key == "schema")).scalar_one_or_none()
            relaid = version is not None and version != SCHEMA_VERSION
            if relaid:  # tables of another layout (columns may differ): recreate them empty
                metadata.drop_all(conn)
                metadata.create_all(conn)
            if version != SCHEMA_VERSION:
                conn.execute(delete(meta))
                conn.execute(insert(meta).values(key="schema", value=SCHEMA_VERSION))
                known = set()  # written by another layout: start over
            if known == wanted:
                return False
            restart = relaid or bool(known) or conn.execute(select(func.count()).select_from(events)).scalar_one() > 0
            if restart:
                for table in (events, event_addresses, blocks, checkpoint):
                    conn.execute(delete(table))
                projection.clear(conn, self.projections)
            conn.execute(delete(contracts))
            conn.execute(insert(contracts), [{"address": a, "name": n} for a, n in self.addresses.items()])
            return restart
    # --- checkpoint and reorgs ---------------------------------------------------------------

    def checkpoint(self) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(checkpoint.c.block_number, checkpoint.c.block_hash)).first()
        return (row[0], row[1]) if row else None

    def _chain_hash(self, number: int) -> str | None:
        block = self.w3.provider.make_request("eth_getBlockByNumber", [hex(number), False]).get("result")
        return block["hash"] if block else None

    def _repair_reorg(self) -> int | None:
        """Roll back above the fork if the chain no longer has the checkpoint's block; return the fork block."""
        current = self.checkpoint()
        if current is None or self._chain_hash(current[0]) == current[1]:
            return None
        with self.engine.connect() as conn:
            stored = conn.execute(select(blocks.c.number, blocks.c.hash).order_by(blocks.c.number.desc())).all()
        fork = self.deployment.start_block() - 1
        for number, block_hash in stored:
            if self._chain_hash(number) == block_hash:
                fork = number
                break
        fork_hash = self._chain_hash(fork) if fork >= 0 else "0x"
        with self.engine.begin() as conn:
            conn.execute(delete(events).where(events.c.block_number > fork))
            conn.execute(delete(event_addresses).where(event_addresses.c.block_number > fork))
            projection.rollback(conn, self.projections, fork)
            conn.execute(delete(blocks).where(blocks.c.number > fork))
            conn.execute(delete(checkpoint))
            if fork >= 0:
                conn.execute(insert(checkpoint).values(id=1, block_number=fork, block_hash=fork_hash))
        return fork

    # --- ingest -------------------------------------------------------------------------------

    def sync(self, to_block: int | None = None, progress: Callable[[int, int], None] | None = None) -> SyncResult:
        """Ingest up to `to_block` (default: the head). Safe to re-run at any time."""
        started = time.perf_counter()
        reprojected = False
        if not self._replay_checked:
            self._replay_checked = True
            if self.failure_count():  # recorded by an earlier run: perhaps with a projection fixed since
                self.reproject()
                reprojected = True
        rolled_back_to = self._repair_reorg()
        current = self.checkpoint()
        first = current[0] + 1 if current else self.deployment.start_block()
        head = self.w3.eth.block_number if to_block is None else to_block
        total = 0
        start = first
        chunk = self.chunk
        while start <= head:
            end = min(start + chunk - 1, head)
            try:
                raw_logs = self._get_logs(start, end)
            except _RangeTooLarge:
                if chunk == 1:
                    raise IndexerError(f"the node refuses eth_getLogs even for block {start}") from None
                chunk = max(1, chunk // 2)
                continue
            end_hash = self._chain_hash(end)
            if end_hash is None:
                raise IndexerError(f"block {end} vanished while indexing; re-run to repair")
            total += self._write_chunk(raw_logs, end, end_hash)
            if progress:
                progress(end - first + 1, head - first + 1)
            start = end + 1
        return SyncResult(first, head, total, time.perf_counter() - started, rolled_back_to, reprojected, self.failure_count())

    def _get_logs(self, start: int, end: int) -> list[dict[str, Any]]:
        params = {"fromBlock": hex(start), "toBlock": hex(end), "address": list(self.addresses)}
        reply = self.w3.provider.make_request("eth_getLogs", [params])
        if "error" in reply:
            message = str(reply["error"].get("message", reply["error"]))
            if any(word in message.lower() for word in ("range", "too many", "limit", "exceed")):
                raise _RangeTooLarge(message)
            raise IndexerError(f"eth_getLogs({start}..{end}) failed: {message}")
        return reply["result"]

    def decode_logs(self, raw_logs: Iterable[dict[str, Any]]) -> list[DecodedEvent]:
        return [event for event, _ in self._decode(raw_logs)]

    def _decode(self, raw_logs: Iterable[dict[str, Any]]) -> list[tuple[DecodedEvent, EventDecoder]]:
        decoded = []
        for log in raw_logs:
            if log.get("removed"):
                continue
            contract = self.addresses.get(log["address"].lower())
            decoder = self.decoders.get(log["topics"][0]) if log["topics"] else None
            if contract is None or decoder is None:
                continue
            event = DecodedEvent(
                int(log["blockNumber"], 16),
                int(log["logIndex"], 16),
                log["transactionHash"],
                checksum(log["address"]),
                contract,
                decoder.name,
                decoder.decode(log["topics"], log["data"]),
            )
            decoded.append((event, decoder))
        return decoded

    def _block_rows(self, raw_logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_number: dict[int, dict[str, Any]] = {}
        missing_timestamp: list[int] = []
        for log in raw_logs:
            number = int(log["blockNumber"], 16)
            if number in by_number:
                continue
            timestamp = log.get("blockTimestamp")
            by_number[number] = {"number": number, "hash": log["blockHash"], "timestamp": int(timestamp, 16) if timestamp else 0}
            if not timestamp:
                missing_timestamp.append(number)
        for start in range(0, len(missing_timestamp), 500):
            chunk = missing_timestamp[start : start + 500]
            replies = self.w3.provider.make_batch_request([("eth_getBlockByNumber", [hex(n), False]) for n in chunk])
            for number, reply in zip(chunk, replies):
                by_number[number]["timestamp"] = int(reply["result"]["timestamp"], 16)
        return list(by_number.values())

    def _write_chunk(self, raw_logs: list[dict[str, Any]], end: int, end_hash: str) -> int:
        pairs = self._decode(raw_logs)
        decoded = [event for event, _ in pairs]
        named = [
            {"address": address, "block_number": e.block_number, "log_index": e.log_index, "arg": arg}
            for e, decoder in pairs
            for arg, address in decoder.addresses(e.args)
        ]  # fmt: skip
        rows = [
            {
                "block_number": e.block_number,
                "log_index": e.log_index,
                "tx_hash": e.tx_hash,
                "address": e.address,
                "contract": e.contract,
                "event": e.event,
                "args": e.args,
            }
            for e in decoded
        ]
        block_rows = self._block_rows(raw_logs) if rows else []
        with self.engine.begin() as conn:
            if rows:
                conn.execute(insert(blocks), block_rows)
                conn.execute(insert(events), rows)
                if named:
                    conn.execute(insert(event_addresses), named)
                self._project(conn, decoded)
            conn.execute(delete(checkpoint))
            conn.execute(insert(checkpoint).values(id=1, block_number=end, block_hash=end_hash))
        return len(rows)

    # --- projections --------------------------------------------------------------------------

    def _project(self, conn: Connection, decoded: list[DecodedEvent]) -> None:
        for view in self.projections:
            projection.record(conn, projection.project(conn, view, decoded))

    def reproject(self) -> int:
        """Rebuild every projection from the stored events (nothing is fetched from the chain), in one
        transaction; returns the number of failures recorded now (0: the index is healthy)."""
        handled = {pair for view in self.projections for pair in view.events}
        names = sorted({name for _, name in handled})
        after = (-1, -1)
        with self.engine.begin() as conn:
            projection.clear(conn, self.projections)
            while True:
                query = (
                    select(events)
                    .where(events.c.event.in_(names), tuple_(events.c.block_number, events.c.log_index) > after)
                    .order_by(events.c.block_number, events.c.log_index)
                    .limit(REPLAY_CHUNK)
                )  # fmt: skip
                rows = conn.execute(query).all()
                if not rows:
                    break
                after = (rows[-1].block_number, rows[-1].log_index)
                decoded = [
                    DecodedEvent(r.block_number, r.log_index, r.tx_hash, r.address, r.contract, r.event, r.args)
                    for r in rows
                    if (r.contract, r.event) in handled
                ]  # fmt: skip
                self._project(conn, decoded)
            generation = conn.execute(select(meta.c.value).where(meta.c.key == GENERATION)).scalar_one_or_none()
            conn.execute(delete(meta).where(meta.c.key == GENERATION))
            conn.execute(insert(meta).values(key=GENERATION, value=str(int(generation or 0) + 1)))
        return self.failure_count()

    def failure_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(projection_failures)).scalar_one()

    def failures(self, limit: int | None = None) -> list[ProjectionFailure]:
        """The recorded projection failures, oldest event first (empty in a healthy index)."""
        columns = projection_failures.c
        query = select(projection_failures).order_by(columns.block_number, columns.log_index, columns.projection).limit(limit)
        with self.engine.connect() as conn:
            return [ProjectionFailure(**row._mapping) for row in conn.execute(query)]

    def version(self) -> tuple[int, str, int] | None:
        """(checkpoint block, its hash, projection generation): changes whenever what the index serves does."""
        with self.engine.connect() as conn:
            row = conn.execute(select(checkpoint.c.block_number, checkpoint.c.block_hash)).first()
            generation = conn.execute(select(meta.c.value).where(meta.c.key == GENERATION)).scalar_one_or_none()
        return (int(row[0]), str(row[1]), int(generation or 0)) if row else None

    # --- reading ------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of indexed events."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(events)).scalar_one()

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table derived from the chain, ordered (for comparing an index with a fresh
        re-index); `meta` is this database's own bookkeeping (layout version, projection replays)."""
        with self.engine.connect() as conn:
            return {
                table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                for table in metadata.sorted_tables
                if table is not meta
            }


class _RangeTooLarge(Exception):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
