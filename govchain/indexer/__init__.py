"""The event indexer: every event of the suite, in SQL (SQLite by default, PostgreSQL for large deployments)."""

from govchain.indexer.ingest import Indexer, SyncResult
from govchain.indexer.schema import metadata

__all__ = ["Indexer", "SyncResult", "metadata"]
