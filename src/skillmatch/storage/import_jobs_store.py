"""All SQL about import jobs (``/v1/imports``): made, run, finished, read."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import NotFoundError
from .db import transaction

STALE = timedelta(seconds=60)  # a running job silent this long lost its worker
COLUMNS = ("id, owner, key_id, filename, bytes, params, status, done, result, error, "
           "created_at, heartbeat_at, finished_at")


def _now() -> datetime:
    return datetime.now(UTC)


def _text(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


class ImportJobStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, job_id: str, *, owner: str, key_id: str, filename: str, size: int,
            params: dict[str, Any]) -> dict[str, Any]:
        now = _text(_now())
        with transaction(self.conn) as c:
            c.execute("INSERT INTO import_jobs (id, owner, key_id, filename, bytes, params,"
                      " created_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (job_id, owner, key_id, filename, size, json.dumps(params), now, now))
        return self.get(job_id)

    def beat(self, job_id: str, *, status: str = "running", done: int | None = None) -> None:
        """The job is alive (and ``done`` records so far)."""
        with transaction(self.conn) as c:
            c.execute("UPDATE import_jobs SET status=?, heartbeat_at=?, done=coalesce(?, done)"
                      " WHERE id=? AND status IN ('queued', 'running')",
                      (status, _text(_now()), done, job_id))

    def finish(self, job_id: str, result: dict[str, Any] | None, error: str = "") -> None:
        now = _text(_now())
        done = sum(f["created"] + f["updated"] + f["unchanged"]
                   for f in (result or {}).get("files", []))
        with transaction(self.conn) as c:
            c.execute("UPDATE import_jobs SET status=?, result=?, error=?, done=?,"
                      " heartbeat_at=?, finished_at=? WHERE id=?",
                      ("failed" if error else "done",
                       None if result is None else json.dumps(result), error, done, now, now,
                       job_id))

    def get(self, job_id: str) -> dict[str, Any]:
        row = self.conn.execute(f"SELECT {COLUMNS} FROM import_jobs WHERE id=?",
                                (job_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no import job {job_id!r}")
        return _decode(dict(row))

    def page(self, owner: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Jobs of ``owner`` (None: everyone's), newest first: ``limit`` after ``offset``,
        and how many there are."""
        where, args = ("", []) if owner is None else (" WHERE owner=?", [owner])
        total = self.conn.execute(f"SELECT count(*) FROM import_jobs{where}",
                                  args).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT {COLUMNS} FROM import_jobs{where} ORDER BY created_at DESC, id DESC"
            " LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return [_decode(dict(r)) for r in rows], int(total)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row["params"] = json.loads(row["params"] or "{}")
    row["result"] = json.loads(row["result"]) if row["result"] else None
    if row["status"] in ("queued", "running") and _now() - datetime.fromisoformat(
            row["heartbeat_at"]) > STALE:
        row["status"] = "failed"
        row["error"] = ("interrupted: the server process running it stopped (import the "
                        "file again; records already imported are unchanged by a re-import)")
    return row
