"""All SQL about taxonomies: reading skills, labels and occupations.

The write path (saving an imported bundle, a replace that updates in place) lives in
:mod:`.taxonomy_save`; :meth:`TaxonomyStore.save` is its entry point.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import NotFoundError
from ..records import TaxonomyBundle
from .taxonomy_save import save_bundle


@dataclass(frozen=True)
class TaxonomyInfo:
    name: str
    kind: str
    version: str
    source: str
    imported_at: str
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "version": self.version,
            "source": self.source,
            "imported_at": self.imported_at,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class SkillRow:
    id: int
    code: str
    label: str
    taxonomy: str
    description: str
    skill_type: str
    reuse_level: str


@dataclass(frozen=True)
class LabelRow:
    id: int
    skill_id: int
    label: str
    kind: str


class TaxonomyStore:
    """Reads and writes taxonomies in a workspace database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # ------------------------------------------------------------------ write
    def save(self, bundle: TaxonomyBundle, *, replace: bool = False) -> TaxonomyInfo:
        """Store ``bundle`` in one transaction (see :func:`.taxonomy_save.save_bundle`).

        A taxonomy of the same name is refused unless ``replace``; replacing updates
        in place, so every row that survives keeps its id.
        """
        save_bundle(self.conn, bundle, replace=replace)
        return self.get(bundle.name)

    # ------------------------------------------------------------------- read
    def get(self, name: str) -> TaxonomyInfo:
        row = self.conn.execute("SELECT * FROM taxonomies WHERE name=?", (name,)).fetchone()
        if row is None:
            known = ", ".join(t.name for t in self.all()) or "none loaded"
            raise NotFoundError(f"taxonomy {name!r} is not loaded (loaded: {known})")
        return self._info(row)

    def all(self) -> list[TaxonomyInfo]:
        rows = self.conn.execute("SELECT * FROM taxonomies ORDER BY name").fetchall()
        return [self._info(r) for r in rows]

    def _info(self, row: sqlite3.Row) -> TaxonomyInfo:
        tid = row["id"]
        q = self.conn.execute

        def count(sql: str) -> int:
            return int(q(sql, (tid,)).fetchone()[0])

        counts = {
            "skills": count("SELECT count(*) FROM skills WHERE taxonomy_id=?"),
            "labels": count(
                "SELECT count(*) FROM skill_labels l JOIN skills s ON s.id=l.skill_id"
                " WHERE s.taxonomy_id=?"
            ),
            "occupations": count("SELECT count(*) FROM occupations WHERE taxonomy_id=?"),
            "relations": count("SELECT count(*) FROM occupation_skills WHERE taxonomy_id=?"),
            "groups": count("SELECT count(*) FROM skill_groups WHERE taxonomy_id=?"),
            "hierarchy": count("SELECT count(*) FROM skill_broader WHERE taxonomy_id=?"),
            "collections": count(
                "SELECT count(*) FROM skill_collections c JOIN skills s ON s.id=c.skill_id"
                " WHERE s.taxonomy_id=?"
            ),
        }
        return TaxonomyInfo(
            name=row["name"],
            kind=row["kind"],
            version=row["version"],
            source=row["source"],
            imported_at=row["imported_at"],
            counts=counts,
        )

    def taxonomy_ids(self, names: Sequence[str] = ()) -> list[int]:
        """Row ids of the named taxonomies (all loaded ones when ``names`` is empty)."""
        if not names:
            return [int(r[0]) for r in self.conn.execute("SELECT id FROM taxonomies ORDER BY id")]
        out = []
        for name in names:
            row = self.conn.execute("SELECT id FROM taxonomies WHERE name=?", (name,)).fetchone()
            if row is None:
                self.get(name)  # raises NotFoundError naming the loaded ones
            out.append(int(row[0]))
        return out

    def labels(self, names: Sequence[str] = (), kinds: Iterable[str] = ()) -> Iterator[LabelRow]:
        """Every label of every skill in the named taxonomies, ordered by id."""
        tids = self.taxonomy_ids(names)
        kind_list = list(kinds) or ["preferred", "alternative", "hidden"]
        sql = (
            "SELECT l.id, l.skill_id, l.label, l.kind FROM skill_labels l JOIN skills s"
            f" ON s.id=l.skill_id WHERE s.taxonomy_id IN ({_marks(tids)})"
            f" AND l.kind IN ({_marks(kind_list)}) ORDER BY l.id"
        )
        for r in self._tuples(sql, [*tids, *kind_list]):
            yield LabelRow(int(r[0]), int(r[1]), r[2], r[3])

    def lexical_rows(self, names: Sequence[str] = ()) -> list[tuple[int, int, str, str]]:
        """(label id, skill id, normalised label, kind) of every label, for the lexicon."""
        tids = self.taxonomy_ids(names)
        sql = (
            "SELECT l.id, l.skill_id, l.norm, l.kind FROM skill_labels l JOIN skills s"
            f" ON s.id=l.skill_id WHERE s.taxonomy_id IN ({_marks(tids)})"
        )
        return self._tuples(sql, tids)

    def label_owners(self, names: Sequence[str] = ()) -> tuple[list[int], list[int]]:
        """Label row ids (ascending) and the skill row id of each."""
        tids = self.taxonomy_ids(names)
        sql = (
            "SELECT l.id, l.skill_id FROM skill_labels l JOIN skills s ON s.id=l.skill_id"
            f" WHERE s.taxonomy_id IN ({_marks(tids)}) ORDER BY l.id"
        )
        rows = self._tuples(sql, tids)
        return [r[0] for r in rows], [r[1] for r in rows]

    def broader_codes(self, names: Sequence[str] = ()) -> list[tuple[int, str]]:
        """(skill row id, code of a broader concept) for every hierarchy edge."""
        tids = self.taxonomy_ids(names)
        sql = (
            "SELECT s.id, b.broader_code FROM skill_broader b JOIN skills s"
            " ON s.taxonomy_id=b.taxonomy_id AND s.code=b.narrower_code"
            f" WHERE b.taxonomy_id IN ({_marks(tids)})"
        )
        return [(int(r[0]), r[1]) for r in self._tuples(sql, tids)]

    def skills(self, names: Sequence[str] = ()) -> list[SkillRow]:
        tids = self.taxonomy_ids(names)
        return self._skill_rows(f"s.taxonomy_id IN ({_marks(tids)})", tids)

    def skills_by_id(self, ids: Iterable[int]) -> dict[int, SkillRow]:
        wanted = sorted(set(ids))
        out: dict[int, SkillRow] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for row in self._skill_rows(f"s.id IN ({_marks(chunk)})", chunk):
                out[row.id] = row
        return out

    def _skill_rows(self, where: str, params: Sequence[Any]) -> list[SkillRow]:
        sql = (
            "SELECT s.id, s.code, s.label, t.name, s.description, s.skill_type, s.reuse_level"
            f" FROM skills s JOIN taxonomies t ON t.id=s.taxonomy_id WHERE {where} ORDER BY s.id"
        )
        return [SkillRow(*r) for r in self._tuples(sql, list(params))]

    def _tuples(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Rows as plain tuples (several times faster than sqlite3.Row for big reads)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def occupations(self, name: str) -> list[sqlite3.Row]:
        tid = self.taxonomy_ids([name])[0]
        return self.conn.execute(
            "SELECT id, code, label, description, group_code FROM occupations"
            " WHERE taxonomy_id=? ORDER BY id",
            (tid,),
        ).fetchall()

    def occupation_titles(self, names: Sequence[str] = ()) -> list[tuple[str, str, str, str]]:
        """(taxonomy, occupation code, preferred label, title) for every preferred and
        alternative title of every occupation in the named taxonomies."""
        tids = self.taxonomy_ids(names)
        sql = (
            "SELECT t.name, o.code, o.label, o.label FROM occupations o"
            f" JOIN taxonomies t ON t.id=o.taxonomy_id WHERE o.taxonomy_id IN ({_marks(tids)})"
            " UNION ALL SELECT t.name, o.code, o.label, l.label FROM occupation_labels l"
            " JOIN occupations o ON o.id=l.occupation_id JOIN taxonomies t ON t.id=o.taxonomy_id"
            f" WHERE o.taxonomy_id IN ({_marks(tids)})"
        )
        return self._tuples(sql, [*tids, *tids])

    def occupation_skills(self, name: str, relation: str) -> dict[str, set[str]]:
        """Occupation code -> the codes of its skills with ``relation``."""
        tid = self.taxonomy_ids([name])[0]
        out: dict[str, set[str]] = {}
        sql = (
            "SELECT r.occupation_code, s.code FROM occupation_skills r JOIN skills s"
            " ON s.id=r.skill_id WHERE r.taxonomy_id=? AND r.relation=?"
        )
        for occ, skill in self.conn.execute(sql, (tid, relation)):
            out.setdefault(occ, set()).add(skill)
        return out

    def versions(self, names: Sequence[str] = ()) -> dict[str, tuple[str, str, str]]:
        """Taxonomy name -> (kind, version, imported_at) of the named (default: all)
        taxonomies, without counting their rows as :meth:`get` and :meth:`all` do: what
        a linker's provenance, group order and staleness checks read."""
        sql = "SELECT name, kind, version, imported_at FROM taxonomies"
        params: list[Any] = list(names)
        if names:
            sql += f" WHERE name IN ({_marks(params)})"
        return {r[0]: (r[1], r[2], r[3]) for r in self._tuples(sql + " ORDER BY name", params)}

    def occupation_label_rows(self, name: str) -> list[tuple[int, int, str]]:
        """(title row id, occupation row id, title) of every title of the taxonomy's
        occupations, ordered by id: the texts its occupation index embeds."""
        tid = self.taxonomy_ids([name])[0]
        sql = (
            "SELECT l.id, l.occupation_id, l.label FROM occupation_labels l JOIN occupations o"
            " ON o.id=l.occupation_id WHERE o.taxonomy_id=? ORDER BY l.id"
        )
        return [(int(r[0]), int(r[1]), r[2]) for r in self._tuples(sql, [tid])]

    def occupation_descriptions(self, name: str) -> list[tuple[int, str, str]]:
        """(occupation row id, label, description) of the taxonomy's occupations that
        have a description, ordered by id."""
        tid = self.taxonomy_ids([name])[0]
        sql = (
            "SELECT id, label, description FROM occupations WHERE taxonomy_id=?"
            " AND description != '' ORDER BY id"
        )
        return [(int(r[0]), r[1], r[2]) for r in self._tuples(sql, [tid])]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values)) or "NULL"
