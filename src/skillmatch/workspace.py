"""A workspace: one directory holding the database, the embedding cache and indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .storage.db import Database, connect


class Workspace:
    """Paths of a workspace; opening the database is explicit (no I/O in __init__)."""

    DB_NAME = "skillmatch.db"
    CACHE_NAME = "embeddings.sqlite"

    def __init__(self, home: Path) -> None:
        self.home = Path(home)

    @property
    def db_path(self) -> Path:
        return self.home / self.DB_NAME

    @property
    def cache_path(self) -> Path:
        return self.home / self.CACHE_NAME

    @property
    def indexes_dir(self) -> Path:
        return self.home / "indexes"

    def index_dir(self, name: str) -> Path:
        return self.indexes_dir / name

    def derived_dir(self, name: str) -> Path:
        """A folder of results derived from the database and indexes (safe to delete:
        they are recomputed), e.g. the learned matcher's occupation signals."""
        return self.home / "derived" / name

    def connect(self) -> sqlite3.Connection:
        self.home.mkdir(parents=True, exist_ok=True)
        return connect(self.db_path)

    def database(self) -> Database:
        """The database, with a connection per thread (opened on first use)."""
        self.home.mkdir(parents=True, exist_ok=True)
        return Database(self.db_path)

    def lock_path(self, name: str) -> Path:
        """A lock file for writers of ``name`` (an index, the demand snapshot)."""
        return self.home / "locks" / f"{name}.lock"
