"""All SQL about corrections of linked skills and the review queue.

A correction rewrites the skill mentions of the record it was made on in the same
transaction that stores it, with a change-log row for that record, so demand in every
process follows at its next read; accepting one may rewrite other records' mentions the
same way (:meth:`CorrectionStore.review`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ..errors import ConflictError, NotFoundError
from ..text import normalize
from .changes import log_changes
from .db import transaction
from .records_store import TABLES, Mention, replace_mentions

# (the record's owner, its mentions) -> (its mentions corrected, how many were changed)
Rewrite = Callable[[str, list[Mention]], tuple[list[Mention], int]]

COLUMNS = ("owner", "key_id", "record_kind", "record_code", "phrase", "norm", "taxonomy",
           "skill_code", "action", "with_taxonomy", "with_code", "note")
STATUSES = ("pending", "accepted", "rejected")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CorrectionStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # ------------------------------------------------------------- writing
    def create(self, fields: dict[str, Any], owner: str | None, rewrite: Rewrite
               ) -> tuple[int, int]:
        """Store a correction of the record ``fields`` names and apply it there, in one
        transaction: the record (with ``owner``: only if that employer owns it, else
        :class:`NotFoundError`) has its mentions rewritten by ``rewrite`` (which may
        raise, writing nothing) and its change logged. (the correction's id, the
        mentions changed)."""
        kind, code = fields["record_kind"], fields["record_code"]
        with transaction(self.conn) as c:
            found = c.execute(f"SELECT id, owner FROM {TABLES[kind]} WHERE code=?",
                              (code,)).fetchone()
            if found is None or (owner is not None and found[1] != owner):
                raise NotFoundError(f"no {kind} with id {code!r}")
            rid = int(found[0])
            mentions, changed = rewrite(found[1], self._mentions(kind, rid))
            if changed:
                self._replace(kind, rid, mentions)
            cid = c.execute(
                f"INSERT INTO corrections ({', '.join(COLUMNS)}, applied, created_at) VALUES"
                f" ({', '.join('?' * (len(COLUMNS) + 2))}) RETURNING id",
                [fields.get(col, "") for col in COLUMNS] + [int(changed > 0), _now()]
            ).fetchone()[0]
        return int(cid), changed

    def review(self, cid: int, status: str, reviewer: str, note: str = "", *,
               reapply: tuple[Sequence[int], str, Rewrite] | None = None
               ) -> tuple[dict[str, Any], int]:
        """Set a correction's review ``status`` (accepted or rejected; the same status
        twice is a :class:`ConflictError`); with ``reapply`` = (skill row ids, the
        phrase's lexical key, rewrite), in the same transaction, every posting and need
        whose mention of one of those skills has that phrase as evidence is rewritten.
        (the correction, the records rewritten)."""
        if status not in ("accepted", "rejected"):
            raise ValueError(f"review status {status!r}")
        with transaction(self.conn) as c:
            row = self._get(cid)
            if row["status"] == status:
                raise ConflictError(f"correction {cid} is {status} already")
            rewritten = 0
            if reapply is not None:
                skill_ids, norm, rewrite = reapply
                rewritten = self._reapply(skill_ids, norm, rewrite)
            c.execute("UPDATE corrections SET status=?, reviewed_at=?, reviewed_by=?,"
                      " review_note=?, applied=applied+? WHERE id=?",
                      (status, _now(), reviewer, note, rewritten, cid))
        return self.get(cid), rewritten

    def _reapply(self, skill_ids: Sequence[int], norm: str, rewrite: Rewrite) -> int:
        marks = ",".join("?" * len(skill_ids))
        found: dict[tuple[str, int], None] = {}
        for kind, rid, text in self.conn.execute(
                "SELECT record_kind, record_id, evidence_text FROM skill_mentions WHERE"
                f" skill_id IN ({marks}) AND record_kind IN ('posting', 'need')"
                " ORDER BY record_kind, record_id", list(skill_ids)):
            if normalize(text) == norm:
                found[(kind, int(rid))] = None
        done = 0
        for kind, rid in found:
            owner = self.conn.execute(f"SELECT owner FROM {TABLES[kind]} WHERE id=?",
                                      (rid,)).fetchone()[0]
            mentions, changed = rewrite(owner, self._mentions(kind, rid))
            if changed:
                self._replace(kind, rid, mentions)
                done += 1
        return done

    def _mentions(self, kind: str, rid: int) -> list[Mention]:
        cur = self.conn.cursor()
        cur.row_factory = None
        return [Mention(int(s), float(score), source, role, start, end, text)
                for s, score, source, role, start, end, text in cur.execute(
                    "SELECT skill_id, score, source, role, evidence_start, evidence_end,"
                    " evidence_text FROM skill_mentions WHERE record_kind=? AND"
                    " record_id=? ORDER BY id", (kind, rid))]

    def _replace(self, kind: str, rid: int, mentions: Sequence[Mention]) -> None:
        """The record's mentions replaced, its ``updated_at`` moved and its change logged
        (inside a transaction)."""
        c = self.conn
        c.execute(f"UPDATE {TABLES[kind]} SET updated_at=? WHERE id=?", (_now(), rid))
        replace_mentions(c, kind, rid, mentions)
        log_changes(c, "record", kind, "upsert", [rid])

    # ------------------------------------------------------------- reading
    def get(self, cid: int) -> dict[str, Any]:
        """One correction; :class:`NotFoundError` for an unknown id."""
        return self._get(cid)

    def _get(self, cid: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM corrections WHERE id=?", (cid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no correction with id {cid}")
        return dict(row)

    def page(self, *, after: int = 0, limit: int = 20, owner: str | None = None,
             status: str | None = None) -> tuple[int, list[dict[str, Any]]]:
        """(how many corrections match, up to ``limit`` of them with an id above
        ``after``, by id); ``owner``: only that employer's; ``status``: only those."""
        where, params = "", []
        if owner is not None:
            where, params = " AND owner=?", [owner]
        if status is not None:
            where, params = where + " AND status=?", [*params, status]
        c = self.conn
        own = not c.in_transaction  # the total and the rows from one committed state
        if own:
            c.execute("BEGIN")
        try:
            total = int(c.execute(f"SELECT count(*) FROM corrections WHERE 1=1{where}",
                                  params).fetchone()[0])
            rows = c.execute(f"SELECT * FROM corrections WHERE id > ?{where} ORDER BY id"
                             " LIMIT ?", [after, *params, limit]).fetchall()
        finally:
            if own:
                c.execute("COMMIT")
        return total, [dict(r) for r in rows]

    def rules(self) -> list[tuple[int, str, str, str, int, int | None]]:
        """(id, owner, status, phrase key, skill row id, replacement's row id or None)
        of every correction whose skills are loaded, oldest first."""
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(
            "SELECT c.id, c.owner, c.status, c.norm, s.id, w.id FROM corrections c"
            " JOIN taxonomies t ON t.name = c.taxonomy"
            " JOIN skills s ON s.taxonomy_id = t.id AND s.code = c.skill_code"
            " LEFT JOIN taxonomies wt ON wt.name = c.with_taxonomy"
            " LEFT JOIN skills w ON w.taxonomy_id = wt.id AND w.code = c.with_code"
            " WHERE c.action = 'reject' OR w.id IS NOT NULL ORDER BY c.id").fetchall()

    def skills(self, code: str, taxonomy: str = "") -> list[tuple[int, str, str, str]]:
        """(row id, code, label, taxonomy) of the loaded skills with ``code`` (in
        ``taxonomy`` when given), by taxonomy name."""
        cur = self.conn.cursor()
        cur.row_factory = None
        mine = " AND t.name=?" if taxonomy else ""
        return [(int(i), c, label, t) for i, c, label, t in cur.execute(
            "SELECT s.id, s.code, s.label, t.name FROM skills s JOIN taxonomies t ON"
            f" t.id = s.taxonomy_id WHERE s.code=?{mine} ORDER BY t.name",
            [code, *([taxonomy] if taxonomy else [])])]

    def owners(self, kind: str, codes: Sequence[str]) -> dict[str, str]:
        """code -> owner of the stored ``kind`` records among ``codes``."""
        out: dict[str, str] = {}
        wanted = list(dict.fromkeys(codes))
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            out.update((code, owner) for code, owner in self.conn.execute(
                f"SELECT code, owner FROM {TABLES[kind]} WHERE code IN"
                f" ({','.join('?' * len(chunk))})", chunk))
        return out
