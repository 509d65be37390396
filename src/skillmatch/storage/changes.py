"""The change log: every committed write, numbered in order (its *generation*).

A write appends its changes inside its own transaction, so the log and the data
commit together. A process that holds a read snapshot at generation ``g`` brings it
up to date by applying ``since(g)``: only the records that changed are read again,
not the corpus. Index files and the persisted demand snapshot record the generation
they reflect and catch up the same way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

SCOPES = ("record", "taxonomy", "crosswalk", "index")
OPS = ("upsert", "delete", "replace")


@dataclass(frozen=True)
class Change:
    generation: int
    scope: str  # record | taxonomy | crosswalk | index (a skill index was rebuilt)
    kind: str  # the record kind (credential, posting, need) or the taxonomy's name
    op: str  # upsert | delete | replace
    row_id: int | None  # the record's row id (scope record)


def log_changes(conn: sqlite3.Connection, scope: str, kind: str, op: str,
                row_ids: Iterable[int | None] = (None,)) -> None:
    """Append changes; call inside the write transaction that makes them."""
    if scope not in SCOPES or op not in OPS:
        raise ValueError(f"change ({scope!r}, {op!r}): expected a scope of {SCOPES} "
                         f"and an op of {OPS}")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.executemany(
        "INSERT INTO changes (scope, kind, op, row_id, at) VALUES (?, ?, ?, ?, ?)",
        [(scope, kind, op, rid, now) for rid in row_ids])


def generation(conn: sqlite3.Connection) -> int:
    """The generation of the last committed change (0 for none)."""
    return int(conn.execute("SELECT coalesce(max(generation), 0) FROM changes").fetchone()[0])


def linker_generation(conn: sqlite3.Connection) -> int:
    """The generation of the last change a linker is fitted on: a taxonomy, a
    crosswalk or a rebuilt skill index (0 for none)."""
    return int(conn.execute(
        "SELECT coalesce(max(generation), 0) FROM changes WHERE scope IN ('taxonomy',"
        " 'crosswalk', 'index')").fetchone()[0])


def taxonomy_generation(conn: sqlite3.Connection) -> int:
    """The generation of the last taxonomy or crosswalk change (0 for none): what the
    linker, the occupation codes and the demand's crosswalking were derived from."""
    return int(conn.execute(
        "SELECT coalesce(max(generation), 0) FROM changes WHERE scope IN ('taxonomy',"
        " 'crosswalk')").fetchone()[0])


def since(conn: sqlite3.Connection, after: int, upto: int | None = None) -> list[Change]:
    """The changes after generation ``after`` (up to ``upto`` when given), in order."""
    cur = conn.cursor()
    cur.row_factory = None
    rows = cur.execute(
        "SELECT generation, scope, kind, op, row_id FROM changes WHERE generation > ?"
        " AND generation <= ? ORDER BY generation",
        (after, upto if upto is not None else 2**62)).fetchall()
    return [Change(int(g), s, k, o, None if r is None else int(r)) for g, s, k, o, r in rows]


def record_changes_after(conn: sqlite3.Connection, kind: str, after: int) -> bool:
    """Whether any ``kind`` record changed after generation ``after``."""
    return conn.execute(
        "SELECT 1 FROM changes WHERE generation > ? AND scope = 'record' AND kind = ? LIMIT 1",
        (after, kind)).fetchone() is not None
