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
    path = tmp_path / "ws" / "skillmatch.db"
    path.parent.mkdir()
    spawn = multiprocessing.get_context("spawn")
    manager = spawn.Manager()
    barrier = manager.Barrier(4)
    with spawn.Pool(4) as pool:
        versions = pool.starmap(_open, [(str(path), barrier)] * 4, chunksize=1)
    assert versions == [SCHEMA_VERSION] * 4
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name IN ('changes', 'skills')")]
    assert sorted(tables) == ["changes", "skills"]
    conn.close()
