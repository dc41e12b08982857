"""The event indexer: every event of the suite, in SQL (SQLite by default, PostgreSQL for large deployments)."""

from govchain.indexer import funds as _funds  # noqa: F401 - registers the projection tables in `metadata`
from govchain.indexer.ingest import Indexer, SyncResult
from govchain.indexer.projection import ProjectionFailure
from govchain.indexer.schema import metadata

__all__ = ["Indexer", "ProjectionFailure", "SyncResult", "metadata"]
