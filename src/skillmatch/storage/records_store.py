"""All SQL about credentials, postings, needs and their skill mentions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ..catalog.models import Credential, Posting, Record, content_hash
from ..errors import ConflictError, NotFoundError
from .changes import log_changes
from .db import transaction

TABLES = {"credential": "credentials", "posting": "postings", "need": "needs"}
OWNED = ("posting", "need")  # the kinds with an owner and a private flag


def _table(kind: str) -> str:
    """The table of record ``kind``; :class:`NotFoundError` naming the known kinds."""
    try:
        return TABLES[kind]
    except KeyError:
        raise NotFoundError(f"unknown record kind {kind!r} (choose one of "
                            f"{', '.join(TABLES)})") from None


@dataclass(frozen=True)
class Mention:
    skill_id: int
    score: float
    source: str  # linked | declared
    role: str = ""  # needs: required | preferred
    start: int | None = None
    end: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Access:
    """How a posting or need is written: its ``owner`` (an employer; '' for none), whether
    it is ``private``, and what the write expects, checked inside its transaction:
    ``create`` (the id is new, else :class:`ConflictError`), ``update`` (the record exists
    and ``owner`` owns it, else :class:`NotFoundError`) or ``upsert`` (either). A
    credential's has no owner and is never private: only its mode counts."""

    owner: str = ""
    private: bool = False
    mode: str = "upsert"


@dataclass(frozen=True)
class Scope:
    """The postings and needs a reader may see: every one (the default), only those of
    ``owner``, or (``public_only``) those not private."""

    owner: str | None = None
    public_only: bool = False

    def sql(self) -> tuple[str, list[Any]]:
        """The ``AND`` conditions on table alias ``r`` and their parameters."""
        where, params = "", []
        if self.owner is not None:
            where, params = " AND r.owner=?", [self.owner]
        if self.public_only:
            where += " AND r.private=0"
        return where, params


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


JSON_COLUMNS = frozenset({"occupation_codes", "declared_skills", "required_skills",
                          "preferred_skills", "meta"})


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as callers show it: the JSON columns (lists, ``meta``) decoded."""
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v
            for k, v in row.items()}


def kind_of(record: Record) -> str:
    if isinstance(record, Credential):
        return "credential"
    return "posting" if isinstance(record, Posting) else "need"


class RecordStore:
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
                    _check(c, kind, record.id, rule)
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
                c.execute("DELETE FROM skill_mentions WHERE record_kind=? AND record_id=?",
                          (kind, rid))
                c.executemany(
                    "INSERT INTO skill_mentions (record_kind, record_id, skill_id, score, source,"
                    " role, evidence_start, evidence_end, evidence_text)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(kind, rid, m.skill_id, m.score, m.source, m.role, m.start, m.end, m.text)
                     for m in mentions],
                )
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
        row = self.conn.execute(f"SELECT * FROM {_table(kind)} WHERE code=?",
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

    # ------------------------------------------------------------- vectors
    def vectors(self, kind: str, ids: Sequence[int], dimension: int
                ) -> tuple[np.ndarray, np.ndarray]:
        """(the ids among ``ids`` that have a stored vector, their vectors)."""
        found: list[int] = []
        blobs: list[bytes] = []
        wanted = list(ids)
        cur = self.conn.cursor()
        cur.row_factory = None
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            for rid, blob in cur.execute(
                    "SELECT record_id, vector FROM record_vectors WHERE record_kind=? AND"
                    f" record_id IN ({','.join('?' * len(chunk))})", [kind, *chunk]):
                found.append(int(rid))
                blobs.append(blob)
        matrix = (np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(-1, dimension)
                  if blobs else np.zeros((0, dimension), dtype=np.float32))
        return np.array(found, dtype=np.int64), matrix

    def vector_count(self, kind: str) -> int:
        """How many ``kind`` records have a stored vector."""
        return int(self.conn.execute("SELECT count(*) FROM record_vectors WHERE"
                                     " record_kind=?", (kind,)).fetchone()[0])

    def vector_ids(self, kind: str) -> set[int]:
        """Row ids of the ``kind`` records that have a stored vector."""
        return {int(r[0]) for r in self.conn.execute(
            "SELECT record_id FROM record_vectors WHERE record_kind=?", (kind,))}

    def save_vectors(self, kind: str, ids: Sequence[int], vectors: np.ndarray,
                     model: str) -> None:
        """Store vectors of existing records (a workspace from before vectors were kept
        in the database is back-filled from its index files)."""
        with transaction(self.conn) as c:
            c.executemany(
                "INSERT OR REPLACE INTO record_vectors (record_kind, record_id, model, vector)"
                " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "
                f"{TABLES[kind]} WHERE id=?)",
                [(kind, int(i), model, np.ascontiguousarray(v, dtype=np.float32).tobytes(),
                  int(i)) for i, v in zip(ids, vectors)])

    def mentions_of(self, kind: str, ids: Sequence[int]
                    ) -> list[tuple[int, int, float, str, str]]:
        """(record id, skill id, score, source, role) of the mentions of some records."""
        out: list[tuple[int, int, float, str, str]] = []
        wanted = list(ids)
        cur = self.conn.cursor()
        cur.row_factory = None
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            out.extend(cur.execute(
                "SELECT record_id, skill_id, score, source, role FROM skill_mentions WHERE"
                f" record_kind=? AND record_id IN ({','.join('?' * len(chunk))})",
                [kind, *chunk]).fetchall())
        return out

    # -------------------------------------------------------------- demand
    def demand_rows(self, kind: str, ids: Sequence[int] | None = None
                    ) -> list[tuple[int, str, str, str, str | None, int]]:
        """(id, code, region, occupation code, date, openings) of postings or needs,
        all of them or those of ``ids``, in id order."""
        day = "date_posted" if kind == "posting" else "date"
        sql = (f"SELECT id, code, region, occupation_code, {day}, openings FROM "
               f"{TABLES[kind]}")
        return self._by_ids(sql, "id", ids, " ORDER BY id")

    def demand_mentions(self, kind: str, ids: Sequence[int] | None = None
                        ) -> list[tuple[int, int, int]]:
        """(record id, skill id, 1 if preferred else 0) of the mentions of ``kind``
        records (all, or those of ``ids``)."""
        sql = ("SELECT record_id, skill_id, role = 'preferred' FROM skill_mentions"
               f" WHERE record_kind = '{kind}'")
        return self._by_ids(sql, "record_id", ids, "", where=False)

    def _by_ids(self, sql: str, column: str, ids: Sequence[int] | None, tail: str,
                where: bool = True) -> list[Any]:
        cur = self.conn.cursor()
        cur.row_factory = None
        if ids is None:
            return cur.execute(sql + tail).fetchall()
        out: list[Any] = []
        wanted = list(ids)
        glue = " WHERE " if where else " AND "
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            out.extend(cur.execute(f"{sql}{glue}{column} IN ({','.join('?' * len(chunk))})"
                                   f"{tail}", chunk).fetchall())
        return out

    # --------------------------------------------------------- keyset pages
    # the columns a page may be filtered on (equality), per kind: never a caller's name
    PAGE_FILTERS = {"credential": ("type", "delivery", "provider", "region"),
                    "posting": ("employer", "occupation_code", "region"),
                    "need": ("employer", "occupation_code", "region")}

    def keyset_page(self, kind: str, *, after: int = 0, limit: int = 20,
                    filters: dict[str, str] | None = None, scope: Scope | None = None
                    ) -> tuple[int, list[dict[str, Any]]]:
        """(how many ``kind`` records match ``filters``, up to ``limit`` of them with a row
        id above ``after``, by row id), read in one transaction so the total and the rows
        agree; each row decoded and with ``skill_count``. A page is found by the primary
        key whatever its depth (no OFFSET). ``filters``: column -> value, the columns of
        :attr:`PAGE_FILTERS` only (another is a ValueError); ``scope``: the postings and
        needs the reader may see."""
        table = _table(kind)
        filters = filters or {}
        unknown = sorted(set(filters) - set(self.PAGE_FILTERS[kind]))
        if unknown:
            raise ValueError(f"cannot filter {kind}s on {unknown}")
        where = "".join(f" AND r.{col}=?" for col in filters)
        params = list(filters.values())
        if scope is not None and kind in OWNED:
            extra, more = scope.sql()
            where, params = where + extra, params + more
        c = self.conn
        own = not c.in_transaction  # a read transaction: one committed state for both
        if own:
            c.execute("BEGIN")
        try:
            total = int(c.execute(f"SELECT count(*) FROM {table} r WHERE 1=1{where}",
                                  params).fetchone()[0])
            rows = c.execute(
                f"SELECT r.*, (SELECT count(*) FROM skill_mentions m WHERE m.record_kind=?"
                f" AND m.record_id=r.id) AS skill_count FROM {table} r WHERE r.id > ?{where}"
                " ORDER BY r.id LIMIT ?", [kind, after, *params, limit]).fetchall()
        finally:
            if own:
                c.execute("COMMIT")
        return total, [decode_row(dict(r)) for r in rows]

    def hidden(self, kind: str, codes: Collection[str], owner: str | None) -> set[str]:
        """The private ones among the ``kind`` records ``codes`` that ``owner`` (an
        employer; None: nobody) does not own."""
        if kind not in OWNED:
            return set()
        wanted = sorted(set(codes))
        theirs = "" if owner is None else " AND owner != ?"
        out: set[str] = set()
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            out.update(r[0] for r in self.conn.execute(
                f"SELECT code FROM {TABLES[kind]} WHERE private=1{theirs} AND code IN"
                f" ({','.join('?' * len(chunk))})", ([] if owner is None else [owner]) + chunk))
        return out


def _check(conn: sqlite3.Connection, kind: str, code: str, rule: Access) -> None:
    """What a write of ``code`` expects (:class:`Access`), inside its transaction
    (credentials have no owner: only the mode is checked)."""
    if kind not in OWNED and (rule.owner or rule.private):
        raise ValueError(f"{kind}s have no owner")
    if rule.mode == "upsert":
        return
    owner = "owner" if kind in OWNED else "''"
    row = conn.execute(f"SELECT {owner} FROM {TABLES[kind]} WHERE code=?", (code,)).fetchone()
    if rule.mode == "create" and row is not None:
        raise ConflictError(f"a {kind} with id {code!r} exists already (choose another id, "
                            "or update it)")
    if rule.mode == "update" and (row is None or row[0] != rule.owner):
        raise NotFoundError(f"no {kind} with id {code!r}")
