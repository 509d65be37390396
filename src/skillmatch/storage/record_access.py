"""Who writes and who reads postings and needs: :class:`Access` (owner, privacy and what
a write expects, checked by :func:`check` inside its transaction), :class:`Scope` (what
a reader may see) and the keyset pages a reader lists (:class:`RecordPages`, mixed into
:class:`~.records_store.RecordStore`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..errors import ConflictError, NotFoundError
from .record_tables import OWNED, TABLES, decode_row, table_of


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


class RecordPages:
    """Keyset pages and private records of a :class:`~.records_store.RecordStore`."""

    conn: sqlite3.Connection

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
        table = table_of(kind)
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


def check(conn: sqlite3.Connection, kind: str, code: str, rule: Access) -> None:
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
