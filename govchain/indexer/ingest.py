"""Ingest the suite's events from eth_getLogs into SQL: resumable, idempotent, reorg-safe.

`Indexer.sync()` reads from the block after the checkpoint to the chain head in chunks; each chunk
(its events, their blocks and the new checkpoint) is written in one database transaction, so an
interrupted run resumes where the last committed chunk ended. Before each run the checkpoint's
block hash is compared with the chain: if it changed, the index is rolled back to the highest
stored block whose hash still matches, and re-ingested from there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select
from web3 import Web3

from govchain.artifacts import Artifacts
from govchain.connection import Deployment
from govchain.events import EventDecoder, checksum
from govchain.exceptions import GovchainError
from govchain.indexer import funds
from govchain.indexer.schema import SCHEMA_VERSION, blocks, checkpoint, contracts, events, meta, metadata

DEFAULT_CHUNK = 5_000  # blocks per eth_getLogs request (halved when the node refuses a range)


class IndexerError(GovchainError):
    """The index and the chain disagree in a way the indexer cannot repair by itself."""


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
class SyncResult:
    from_block: int
    to_block: int
    events: int
    seconds: float
    rolled_back_to: int | None = None


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
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.engine: Engine = create_engine(database_url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self.projection = funds.FundsProjection()
        self.chunk = chunk
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
                for table in (events, blocks, checkpoint):
                    conn.execute(delete(table))
                funds.clear(conn)
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
            funds.rollback(conn, fork)
            conn.execute(delete(blocks).where(blocks.c.number > fork))
            conn.execute(delete(checkpoint))
            if fork >= 0:
                conn.execute(insert(checkpoint).values(id=1, block_number=fork, block_hash=fork_hash))
        return fork

    # --- ingest -------------------------------------------------------------------------------

    def sync(self, to_block: int | None = None, progress: Callable[[int, int], None] | None = None) -> SyncResult:
        """Ingest up to `to_block` (default: the head). Safe to re-run at any time."""
        started = time.perf_counter()
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
        return SyncResult(first, head, total, time.perf_counter() - started, rolled_back_to)

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
        decoded = []
        for log in raw_logs:
            if log.get("removed"):
                continue
            contract = self.addresses.get(log["address"].lower())
            decoder = self.decoders.get(log["topics"][0]) if log["topics"] else None
            if contract is None or decoder is None:
                continue
            decoded.append(
                DecodedEvent(
                    int(log["blockNumber"], 16),
                    int(log["logIndex"], 16),
                    log["transactionHash"],
                    checksum(log["address"]),
                    contract,
                    decoder.name,
                    decoder.decode(log["topics"], log["data"]),
                )
            )
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
        decoded = self.decode_logs(raw_logs)
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
                self.projection.apply(conn, decoded)
            conn.execute(delete(checkpoint))
            conn.execute(insert(checkpoint).values(id=1, block_number=end, block_hash=end_hash))
        return len(rows)

    # --- reading ------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of indexed events."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(events)).scalar_one()

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, ordered (for comparing an index with a fresh re-index)."""
        with self.engine.connect() as conn:
            return {
                table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                for table in metadata.sorted_tables
            }


class _RangeTooLarge(Exception):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
