"""The resources every service shares: settings, workspace, embedder, database.

Everything opens lazily on first use and stays open, so a long-lived process (the API
server) pays for it once. The database connection is reached through :attr:`Context.conn`
at call time, never kept by a long-lived object (stores are made per call): what the
property returns may change (a connection per thread), and every caller follows.
"""

from __future__ import annotations

import sqlite3

from ..embeddings import make_embedder
from ..embeddings.base import Embedder
from ..settings import Settings
from ..storage.occupation_store import OccupationStore
from ..storage.records_store import RecordStore
from ..storage.taxonomy_store import TaxonomyStore
from ..workspace import Workspace


class Context:
    """Settings, workspace, the embedder and the database connection of one workspace."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.workspace = Workspace(settings.home)
        self._embedder = embedder
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        """The database connection (opened and migrated on first use)."""
        if self._conn is None:
            self._conn = self.workspace.connect()
        return self._conn

    @property
    def embedder(self) -> Embedder:
        """The embedder of the settings (made on first use), or the one given."""
        if self._embedder is None:
            self._embedder = make_embedder(self.settings, cache_path=self.workspace.cache_path)
        return self._embedder

    @property
    def taxonomies(self) -> TaxonomyStore:
        return TaxonomyStore(self.conn)

    @property
    def records(self) -> RecordStore:
        return RecordStore(self.conn)

    @property
    def occupations(self) -> OccupationStore:
        return OccupationStore(self.conn)

    def close(self) -> None:
        """Close the database connection (a later call opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
