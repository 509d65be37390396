"""All SQL about occupation code crosswalks."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from ..taxonomy.crosswalk import Crosswalk
from .changes import log_changes
from .db import transaction


class CrosswalkStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def save(self, crosswalk: Crosswalk) -> dict[str, Any]:
        """Store a crosswalk in one transaction, replacing one of the same kind."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with transaction(self.conn) as c:
            log_changes(c, "crosswalk", crosswalk.kind, "replace")
            c.execute("DELETE FROM crosswalk_pairs WHERE kind=?", (crosswalk.kind,))
            c.execute("INSERT INTO crosswalks (kind, source, imported_at, pairs) VALUES"
                      " (?, ?, ?, ?) ON CONFLICT(kind) DO UPDATE SET source=excluded.source,"
                      " imported_at=excluded.imported_at, pairs=excluded.pairs",
                      (crosswalk.kind, crosswalk.source, now, 0))
            c.executemany(
                "INSERT OR IGNORE INTO crosswalk_pairs (kind, from_code, from_title, to_code,"
                " to_title) VALUES (?, ?, ?, ?, ?)",
                [(crosswalk.kind, p.from_code, p.from_title, p.to_code, p.to_title)
                 for p in crosswalk.pairs])
            n = c.execute("SELECT count(*) FROM crosswalk_pairs WHERE kind=?",
                          (crosswalk.kind,)).fetchone()[0]
            c.execute("UPDATE crosswalks SET pairs=? WHERE kind=?", (n, crosswalk.kind))
        return self.get(crosswalk.kind) or {}

    def get(self, kind: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT kind, source, imported_at, pairs FROM crosswalks"
                                " WHERE kind=?", (kind,)).fetchone()
        return dict(row) if row else None

    def all(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT kind, source, imported_at, pairs FROM crosswalks ORDER BY kind")]

    def mapping(self, kind: str) -> dict[str, set[str]]:
        """From code -> to codes of the stored crosswalk ``kind`` (empty when none)."""
        out: dict[str, set[str]] = {}
        for old, new in self.conn.execute(
                "SELECT from_code, to_code FROM crosswalk_pairs WHERE kind=?", (kind,)):
            out.setdefault(old, set()).add(new)
        return out
