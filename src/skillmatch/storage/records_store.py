"""All SQL about credentials, postings, needs and their skill mentions.

:class:`RecordStore` writes and reads them; the keyset pages and the access rules
(:class:`Access`, :class:`Scope`) are in :mod:`.record_access`, the column reads of
vectors, mentions and demand in :mod:`.record_columns`, the tables in
:mod:`.record_tables`: every name is importable from here as before."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..catalog.models import Credential, Posting, Record, content_hash
from ..errors import NotFoundError
from .changes import log_changes
from .db import transaction
from .record_access import Access, RecordPages, Scope, check
from .record_columns import RecordColumns
from .record_tables import JSON_COLUMNS, OWNED, TABLES, decode_row, table_of

__all__ = ["JSON_COLUMNS", "OWNED", "TABLES", "Access", "Mention", "RecordStore", "Scope",
           "decode_row", "kind_of"]


@dataclass(frozen=True)
class Mention:
    skill_id: int
    score: float
    source: str  # linked | declared
    role: str = ""  # needs: required | preferred
    start: int | None = None
    end: int | None = None
    text: str = ""


def _row(record: Record) -> dict[str, Any]:
    j = json.dumps
    if isinstance(record, Credential):
        return dict(code=record.id, title=record.title, provider=record.provider,
                    type=record.type, description=record.description, level=record.level,
                    hours=record.hours, cost=record.cost, delivery=record.delivery,
                    region=record.region, url=record.url,
                    occupation_codes=j(record.occupation_codes),
                    declared_skills=j(record.skills), meta=j(record.meta, sort_keys=True))
    if isinstance(record, Posting):
        return dict(code=record.id, title=record.title, employer=record.employer,
                    description=record.description, region=record.region,
                    date_posted=record.date_posted, openings=record.openings,
                    occupation_code=record.occupation_code, declared_skills=j(record.skills),
                    meta=j(record.meta, sort_keys=True))
    return dict(code=record.id, employer=record.employer, role=record.role,
                occupation_code=record.occupation_code,
                required_skills=j(record.required_skills),
                preferred_skills=j(record.preferred_skills), openings=record.openings,
                region=record.region, date=record.date, meta=j(record.meta, sort_keys=True))


def replace_mentions(conn: sqlite3.Connection, kind: str, rid: int,
                     mentions: Sequence[Mention]) -> None:
    """Replace the skill mentions of one record (call inside its write transaction)."""
    conn.execute("DELETE FROM skill_mentions WHERE record_kind=? AND record_id=?",
                 (kind, rid))
    conn.executemany(
        "INSERT INTO skill_mentions (record_kind, record_id, skill_id, score, source, role,"
        " evidence_start, evidence_end, evidence_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(kind, rid, m.skill_id, m.score, m.source, m.role, m.start, m.end, m.text)
         for m in mentions])


def kind_of(record: Record) -> str:
    if isinstance(record, Credential):
        return "credential"
    return "posting" if isinstance(record, Posting) else "need"


class RecordStore(RecordPages, RecordColumns):
    """Credentials, postings and needs with their skill mentions: writes, reads by code
    and id, and (mixed in) keyset pages (:mod:`.record_access`) and column reads of
    vectors, mentions and demand (:mod:`.record_columns`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def hashes(self, kind: str, codes: Sequence[str]) -> dict[str, str]:
        """Stored content hashes of the given codes (absent ones are left out)."""
        out: dict[str, str] = {}
        table = TABLES[kind]
        for i in range(0, len(codes), 900):
            chunk = list(codes[i : i + 900])
            marks = ",".join("?" * len(chunk))
            for code, digest in self.conn.execute(
                f"SELECT code, content_hash FROM {table} WHERE code IN ({marks})", chunk
            ):
                out[code] = digest
        return out

    def save_batch(self, items: Sequence[tuple[Record, Sequence[Mention]]],
                   vectors: np.ndarray | None = None, model: str = "",
                   access: Mapping[str, Access] | None = None) -> dict[str, int]:
        """Upsert records and replace their mentions (and, given, their embeddings:
        one row of ``vectors`` per item, from ``model``), logging each as a change, all
        in one transaction: a reader sees a record with its skills and its vector, or
        not at all. ``access`` (record id -> :class:`Access`, postings and needs only)
        sets owner and privacy and checks what the write expects; a record without one
        is stored with no owner, public, and an update keeps what it had. A failed
        check writes nothing of the batch."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        ids: dict[str, int] = {}
        if vectors is not None and len(vectors) != len(items):
            raise ValueError(f"{len(vectors)} vectors for {len(items)} records")
        with transaction(self.conn) as c:
            for record, mentions in items:
                kind = kind_of(record)
                row = {**_row(record), "content_hash": content_hash(record), "updated_at": now}
                rule = (access or {}).get(record.id)
                if rule is not None:
                    check(c, kind, record.id, rule)
                    if kind in OWNED:
                        row.update(owner=rule.owner, private=int(rule.private))
                cols = ", ".join(row)
                sets = ", ".join(f"{k}=excluded.{k}" for k in row if k != "code")
                rid = c.execute(
                    f"INSERT INTO {TABLES[kind]} ({cols}) VALUES ({','.join('?' * len(row))})"
                    f" ON CONFLICT(code) DO UPDATE SET {sets} RETURNING id",
                    list(row.values()),
                ).fetchone()[0]
                ids[record.id] = int(rid)
                replace_mentions(c, kind, int(rid), mentions)
            if vectors is not None:
                c.executemany(
                    "INSERT OR REPLACE INTO record_vectors (record_kind, record_id, model,"
                    " vector) VALUES (?, ?, ?, ?)",
                    [(kind_of(r), ids[r.id], model,
                      np.ascontiguousarray(v, dtype=np.float32).tobytes())
                     for (r, _), v in zip(items, vectors)])
            for kind in {kind_of(r) for r, _ in items}:
                log_changes(c, "record", kind, "upsert",
                            [ids[r.id] for r, _ in items if kind_of(r) == kind])
        return ids

    def get(self, kind: str, code: str) -> dict[str, Any]:
        """The stored row of the ``kind`` record ``code``; :class:`NotFoundError` for an
        unknown kind (naming the kinds there are) or an unknown code."""
        row = self.conn.execute(f"SELECT * FROM {table_of(kind)} WHERE code=?",
                                (code,)).fetchone()
        if row is None:
            raise NotFoundError(f"no {kind} with id {code!r}")
        return dict(row)

    def count(self, kind: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {TABLES[kind]}").fetchone()[0])

    def page(self, kind: str, *, limit: int | None, offset: int = 0
             ) -> tuple[int, list[dict[str, Any]]]:
        """(how many ``kind`` records are stored, the rows from ``offset`` on, at most
        ``limit`` of them, in import order), each with ``skill_count``: its skill mentions."""
        table = TABLES[kind]
        rows = self.conn.execute(
            f"SELECT r.*, (SELECT count(*) FROM skill_mentions m WHERE m.record_kind=?"
            f" AND m.record_id=r.id) AS skill_count FROM {table} r ORDER BY r.id"
            " LIMIT ? OFFSET ?",
            (kind, -1 if limit is None else limit, offset))
        return self.count(kind), [decode_row(dict(r)) for r in rows]

    def delete(self, kind: str, codes: Sequence[str],
               before_commit: Callable[[list[int]], None] | None = None,
               owner: str | None = None) -> list[str]:
        """Delete records by id with their skill mentions, in one transaction.

        Every id must exist (and, with ``owner``, be owned by ``owner``): another raises
        :class:`NotFoundError` naming it and nothing is deleted. ``before_commit(row
        ids)`` runs inside the transaction (e.g. to drop the records' vectors); if it
        raises, the deletion is rolled back."""
        table = TABLES[kind]
        wanted = list(dict.fromkeys(codes))
        mine = "" if owner is None else " AND owner=?"
        with transaction(self.conn) as c:
            found: dict[str, int] = {}
            for i in range(0, len(wanted), 900):
                chunk = wanted[i : i + 900]
                found.update((code, int(rid)) for code, rid in c.execute(
                    f"SELECT code, id FROM {table} WHERE code IN ({','.join('?' * len(chunk))})"
                    f"{mine}", chunk + ([] if owner is None else [owner])))
            missing = [code for code in wanted if code not in found]
            if missing:
                which = (f"id {missing[0]!r}" if len(missing) == 1
                         else "ids " + ", ".join(repr(m) for m in missing))
                raise NotFoundError(f"no {kind} with {which}; nothing deleted")
            ids = [found[code] for code in wanted]
            for i in range(0, len(ids), 900):
                part = ids[i : i + 900]
                marks = ",".join("?" * len(part))
                c.execute(f"DELETE FROM skill_mentions WHERE record_kind=? AND record_id IN"
                          f" ({marks})", [kind, *part])
                c.execute(f"DELETE FROM {table} WHERE id IN ({marks})", part)
                c.execute(f"DELETE FROM record_vectors WHERE record_kind=? AND record_id IN"
                          f" ({marks})", [kind, *part])
            log_changes(c, "record", kind, "delete", ids)
            if before_commit is not None:
                before_commit(ids)
        return wanted

    def ids(self, kind: str) -> list[int]:
        return [int(r[0]) for r in self.conn.execute(f"SELECT id FROM {TABLES[kind]} ORDER BY id")]

    def rows(self, kind: str, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
        table = TABLES[kind]
        if ids is None:
            return [dict(r) for r in self.conn.execute(f"SELECT * FROM {table} ORDER BY id")]
        wanted = list(ids)
        out: list[dict[str, Any]] = []
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            out.extend(dict(r) for r in self.conn.execute(
                f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def mentions(self, kind: str) -> list[tuple[int, int, float, str, str]]:
        """(record id, skill id, score, source, role) of every mention of ``kind``."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(
            "SELECT record_id, skill_id, score, source, role FROM skill_mentions"
            " WHERE record_kind=?", (kind,)
        ).fetchall()

    def occupation_postings(self) -> list[tuple[int, str, str]]:
        """(posting id, occupation code, title) of every posting with a code."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute("SELECT id, occupation_code, CASE WHEN private THEN '' ELSE title"
                           " END FROM postings WHERE occupation_code != '' ORDER BY id"
                           ).fetchall()

    def evidence(self, kind: str, record_id: int) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT skill_id, score, source, role, evidence_start, evidence_end, evidence_text"
            " FROM skill_mentions WHERE record_kind=? AND record_id=? ORDER BY score DESC",
            (kind, record_id))]
