"""Tables of the index. Every row derives from one log (block_number, log_index) or one block, so a
reorg is undone by deleting rows above the fork and the tables converge to a fresh re-index."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table

metadata = MetaData()

blocks = Table(
    "blocks",
    metadata,
    Column("number", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(66), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("log_index", Integer, primary_key=True, autoincrement=False),
    Column("tx_hash", String(66), nullable=False),
    Column("address", String(42), nullable=False),
    Column("contract", String(64), nullable=False),
    Column("event", String(64), nullable=False),
    Column("args", JSON, nullable=False),
    Index("ix_events_contract_event", "contract", "event"),
    Index("ix_events_tx", "tx_hash"),
)

event_addresses = Table(
    "event_addresses",
    metadata,
    Column("address", String(42), primary_key=True),
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("log_index", Integer, primary_key=True, autoincrement=False),
    Column("arg", String(64), primary_key=True),
    Index("ix_event_addresses_log", "block_number", "log_index"),
)
"""Every address an event names in an address-typed argument (address, address[], structs of them, per
the ABI; checksummed), with the argument's name: an address's history is a lookup here by address
(the primary key's first column), newest first."""

checkpoint = Table(
    "checkpoint",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("block_number", BigInteger, nullable=False),
    Column("block_hash", String(66), nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    Column("address", String(42), primary_key=True),
    Column("name", String(64), nullable=False),
)
"""The contracts the index covers; a deployment that adds one triggers a re-index (see Indexer)."""

meta = Table(
    "meta",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", String(256), nullable=False),
)
"""`schema`: the index layout version; an index written by another version is rebuilt from scratch."""

projection_failures = Table(
    "projection_failures",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("log_index", Integer, primary_key=True, autoincrement=False),
    Column("projection", String(32), primary_key=True),
    Column("tx_hash", String(66), nullable=False),
    Column("contract", String(64), nullable=False),
    Column("event", String(64), nullable=False),
    Column("error", String(1000), nullable=False),
)
"""Events a projection could not apply (see govchain.indexer.projection); empty in a healthy index."""

SCHEMA_VERSION = "7"  # 7: event_addresses; 3: fund-flow projection tables (govchain.indexer.funds); 5: projection_failures; 6: withheld payouts, bank refunds
