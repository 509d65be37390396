"""Several processes opening a fresh workspace at once each find it migrated exactly
once; each thread has its own connection (real SQLite files, real processes)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

from skillmatch.storage.db import SCHEMA_VERSION, Database


def _open(path: str, barrier: Any) -> int:
    barrier.wait()  # all at the same moment
    db = Database(Path(path))
    version = int(db.conn.execute("PRAGMA user_version").fetchone()[0])
    db.close()
    return version


def test_workers_opening_a_fresh_workspace_together_migrate_it_once(tmp_path) -> None:
    # several rounds of eight processes: switching a fresh database to WAL mode at
    # the same moment made SQLite answer "database is locked" in about half of them
    # before connect() retried it
    spawn = multiprocessing.get_context("spawn")
    manager = spawn.Manager()
    with spawn.Pool(8) as pool:
        for round_ in range(6):
            path = tmp_path / f"ws{round_}" / "skillmatch.db"
            path.parent.mkdir()
            barrier = manager.Barrier(8)
            versions = pool.starmap(_open, [(str(path), barrier)] * 8, chunksize=1)
            assert versions == [SCHEMA_VERSION] * 8
            conn = sqlite3.connect(path)
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type='table' AND name IN ('changes', 'skills')")]
            assert sorted(tables) == ["changes", "skills"]
            conn.close()
