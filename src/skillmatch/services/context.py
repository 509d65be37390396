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
from ..storage.db import Database
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
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """The database (each thread gets its own connection, opened on first use)."""
        if self._db is None:
            self._db = self.workspace.database()
        return self._db

    @property
    def conn(self) -> sqlite3.Connection:
        """The calling thread's database connection (opened and migrated on first
        use): what it stands for follows the thread that calls."""
        return self.db.conn

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
        """Close every database connection (of every thread) and the embedder's cache
        (a later call opens them again)."""
        if self._db is not None:
            self._db.close()
        if self._embedder is not None:
            self._embedder.close()
