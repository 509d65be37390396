"""SQL for finding occupations: by code, by label, by index entry."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

_SELECT = ("SELECT o.id, o.code, o.label, o.description, t.name AS taxonomy, t.kind"
           " FROM occupations o JOIN taxonomies t ON t.id=o.taxonomy_id")


class OccupationStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_codes(self, codes: Sequence[str]) -> list[dict[str, Any]]:
        """Occupations of every loaded taxonomy with one of ``codes``, in taxonomy order."""
        if not codes:
            return []
        return [dict(r) for r in self.conn.execute(
            f"{_SELECT} WHERE o.code IN ({','.join('?' * len(codes))}) ORDER BY t.id, o.code",
            list(codes))]

    def by_ids(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        out: dict[int, dict[str, Any]] = {}
        for i in range(0, len(wanted), 900):
            chunk = wanted[i:i + 900]
            for r in self.conn.execute(
                    f"{_SELECT} WHERE o.id IN ({','.join('?' * len(chunk))})", chunk):
                out[int(r["id"])] = dict(r)
        return out

    def by_label(self, text: str) -> list[tuple[dict[str, Any], str]]:
        """Occupations with a label equal to ``text`` (case-insensitive), each with the
        kind of the label that matched (preferred first)."""
        rows = self.conn.execute(
            f"{_SELECT.replace('SELECT ', 'SELECT l.kind AS label_kind, ', 1)}"
            " JOIN occupation_labels l ON l.occupation_id=o.id WHERE lower(l.label)=lower(?)"
            " ORDER BY l.kind='preferred' DESC, t.id, o.code", (text,)).fetchall()
        out: dict[int, tuple[dict[str, Any], str]] = {}
        for r in rows:
            row = dict(r)
            kind = row.pop("label_kind")
            out.setdefault(int(row["id"]), (row, kind))
        return list(out.values())

    def label_owners(self, label_ids: Sequence[int]) -> dict[int, int]:
        """Occupation label id -> its occupation's id."""
        if not label_ids:
            return {}
        return {int(a): int(b) for a, b in self.conn.execute(
            f"SELECT id, occupation_id FROM occupation_labels WHERE id IN "
            f"({','.join('?' * len(label_ids))})", list(label_ids))}

    def codes_of_kind(self, kind: str) -> set[str]:
        """Occupation codes of the loaded taxonomies of ``kind`` (e.g. onet)."""
        return {r[0] for r in self.conn.execute(
            "SELECT o.code FROM occupations o JOIN taxonomies t ON t.id=o.taxonomy_id"
            " WHERE t.kind=?", (kind,))}

    def posting_count(self, code: str) -> tuple[int, str]:
        """How many stored postings use ``code``, and the most common title of the
        public ones (a private posting's title is never shown)."""
        row = self.conn.execute(
            "SELECT count(*), (SELECT title FROM postings WHERE occupation_code=? AND"
            " private=0 GROUP BY title ORDER BY count(*) DESC LIMIT 1) FROM postings"
            " WHERE occupation_code=?",
            (code, code)).fetchone()
        return int(row[0]), row[1] or ""

    def taxonomy_names(self) -> list[str]:
        """Names of the loaded taxonomies (whose occupation indexes a search reads), in
        name order."""
        return [r[0] for r in self.conn.execute("SELECT name FROM taxonomies ORDER BY name")]

    def relations(self, code: str, taxonomy: str) -> list[tuple[int, str, str]]:
        """(skill id, relation, meta JSON) of the occupation ``code`` in ``taxonomy``:
        ESCO's essential and optional skills, O*NET's technologies."""
        return [(int(r[0]), r[1], r[2]) for r in self.conn.execute(
            "SELECT r.skill_id, r.relation, r.meta FROM occupation_skills r JOIN taxonomies t"
            " ON t.id=r.taxonomy_id WHERE r.occupation_code=? AND t.name=?",
            (code, taxonomy))]

    def tasks(self, occupation_id: int, limit: int) -> list[str]:
        """The first ``limit`` task statements of the occupation, in import order."""
        return [r[0] for r in self.conn.execute(
            "SELECT text FROM occupation_tasks WHERE occupation_id=? ORDER BY id LIMIT ?",
            (occupation_id, limit))]

    def tasks_by_occupation(self, taxonomy: str) -> dict[int, list[str]]:
        """Occupation id -> its task statements (import order), for ``taxonomy``."""
        return self._grouped(
            "SELECT t.occupation_id, t.text FROM occupation_tasks t JOIN occupations o"
            " ON o.id=t.occupation_id JOIN taxonomies x ON x.id=o.taxonomy_id"
            " WHERE x.name=? ORDER BY t.id", taxonomy)

    def alternative_titles(self, taxonomy: str) -> dict[int, list[str]]:
        """Occupation id -> its alternative titles (import order), for ``taxonomy``."""
        return self._grouped(
            "SELECT l.occupation_id, l.label FROM occupation_labels l JOIN occupations o"
            " ON o.id=l.occupation_id JOIN taxonomies x ON x.id=o.taxonomy_id"
            " WHERE x.name=? AND l.kind='alternative' ORDER BY l.id", taxonomy)

    def _grouped(self, sql: str, taxonomy: str) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for oid, text in self.conn.execute(sql, (taxonomy,)):
            out.setdefault(int(oid), []).append(text)
        return out
