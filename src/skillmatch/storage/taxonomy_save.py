"""Writing an imported taxonomy bundle: the one write path of :class:`TaxonomyStore`.

A save is one transaction that logs the change first, then upserts the taxonomy's
skills, occupations and groups in place (by code; labels, titles and tasks by their
text) and deletes only what disappeared, so every surviving row keeps its id.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

from ..errors import ConflictError, NotFoundError
from ..records import TaxonomyBundle
from ..text import normalize
from .changes import log_changes
from .db import transaction

log = logging.getLogger(__name__)
K = TypeVar("K")


def save_bundle(conn: sqlite3.Connection, bundle: TaxonomyBundle, *, replace: bool = False) -> None:
    """Store ``bundle`` in one transaction.

    A taxonomy of the same name is refused unless ``replace``. Replacing
    updates in place: skills, occupations and groups are upserted by code,
    skill labels by (skill, label, kind), occupation titles and tasks by their
    text, and only what disappeared is deleted (with the skill mentions of
    records that named a deleted skill). So every row that survives keeps its
    id, and what refers to it (mentions, the vector ids of the indexes) stays
    valid. ``imported_at`` changes on every save (to the microsecond), which
    marks the taxonomy's indexes stale.
    """
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    with transaction(conn) as c:
        # in the change log first: every process drops what it derived from the old
        log_changes(c, "taxonomy", bundle.name, "replace" if replace else "upsert")
        row = c.execute("SELECT id, version FROM taxonomies WHERE name = ?", (bundle.name,))
        existing = row.fetchone()
        if existing and not replace:
            raise ConflictError(
                f"taxonomy {bundle.name!r} is already loaded (version {existing['version']}); "
                "import with --replace to update it, or choose another --name"
            )
        meta = json.dumps(bundle.meta, sort_keys=True)
        if existing:
            tax_id = int(existing["id"])
            c.execute(
                "UPDATE taxonomies SET kind=?, version=?, source=?, imported_at=?, meta=? "
                "WHERE id=?",
                (bundle.kind, bundle.version, bundle.source, now, meta, tax_id),
            )
        else:
            cur = c.execute(
                "INSERT INTO taxonomies (name, kind, version, source, imported_at, meta) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (bundle.name, bundle.kind, bundle.version, bundle.source, now, meta),
            )
            tax_id = int(cur.lastrowid or 0)
        skill_ids = _save_skills(c, tax_id, bundle)
        occ_ids = _save_occupations(c, tax_id, bundle)
        _save_relations(c, tax_id, bundle, skill_ids, occ_ids)
        _save_hierarchy(c, tax_id, bundle, skill_ids)


def _save_skills(
    c: sqlite3.Connection, tax_id: int, bundle: TaxonomyBundle
) -> dict[str, int]:
    """Upsert the skills by code and sync their labels; delete the skills (and their
    labels and mentions) that are no longer in ``bundle``. Return code -> row id."""
    old = {
        r["code"]: int(r["id"])
        for r in c.execute("SELECT id, code FROM skills WHERE taxonomy_id=?", (tax_id,))
    }
    c.executemany(
        "INSERT INTO skills (taxonomy_id, code, label, description, skill_type, reuse_level,"
        " meta) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (taxonomy_id, code) DO UPDATE SET"
        " label=excluded.label, description=excluded.description,"
        " skill_type=excluded.skill_type, reuse_level=excluded.reuse_level,"
        " meta=excluded.meta",
        [
            (tax_id, s.code, s.label, s.description, s.skill_type, s.reuse_level,
             json.dumps(s.meta, sort_keys=True))
            for s in bundle.skills
        ],
    )
    ids = {
        r["code"]: int(r["id"])
        for r in c.execute("SELECT id, code FROM skills WHERE taxonomy_id=?", (tax_id,))
    }
    gone = {old[code] for code in old.keys() - {s.code for s in bundle.skills}}
    wanted: list[tuple[int, str, str]] = []
    for s in bundle.skills:
        sid = ids[s.code]
        wanted.append((sid, s.label, "preferred"))
        wanted.extend((sid, a, "alternative") for a in _unique(s.alt_labels, s.label))
        wanted.extend((sid, h, "hidden") for h in _unique(s.hidden_labels, s.label))
    stored = c.execute(
        "SELECT l.id, l.skill_id, l.label, l.kind, l.norm FROM skill_labels l"
        " JOIN skills s ON s.id=l.skill_id WHERE s.taxonomy_id=? ORDER BY l.id",
        (tax_id,),
    ).fetchall()
    norms = {int(r[0]): r[4] for r in stored}
    drop, add, kept = _diff(((int(r[0]), (int(r[1]), r[2], r[3])) for r in stored), wanted)
    c.executemany("DELETE FROM skill_labels WHERE id=?", [(i,) for i in drop])
    c.executemany(
        "UPDATE skill_labels SET norm=? WHERE id=?",
        [(norm, i) for i, (_, label, _) in kept
         if norms[i] != (norm := normalize(label))],
    )
    c.executemany(
        "INSERT OR IGNORE INTO skill_labels (skill_id, label, kind, norm) VALUES (?, ?, ?, ?)",
        [(sid, label, kind, normalize(label)) for sid, label, kind in add],
    )
    # mentions and labels go with their skill (ON DELETE CASCADE); said outright so a
    # connection without foreign keys leaves no mention of a deleted skill behind
    for table in ("skill_mentions", "skill_labels", "skill_collections"):
        c.executemany(f"DELETE FROM {table} WHERE skill_id=?", [(i,) for i in gone])
    c.executemany("DELETE FROM skills WHERE id=?", [(i,) for i in gone])
    return {code: i for code, i in ids.items() if i not in gone}


def _save_occupations(
    c: sqlite3.Connection, tax_id: int, bundle: TaxonomyBundle
) -> dict[str, int]:
    """Upsert the occupations by code and sync their titles and tasks; delete the
    occupations no longer in ``bundle``. Return code -> row id."""
    old = {
        r["code"]: int(r["id"])
        for r in c.execute("SELECT id, code FROM occupations WHERE taxonomy_id=?", (tax_id,))
    }
    c.executemany(
        "INSERT INTO occupations (taxonomy_id, code, label, description, group_code, meta)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (taxonomy_id, code) DO UPDATE SET"
        " label=excluded.label, description=excluded.description,"
        " group_code=excluded.group_code, meta=excluded.meta",
        [
            (tax_id, o.code, o.label, o.description, o.group_code,
             json.dumps(o.meta, sort_keys=True))
            for o in bundle.occupations
        ],
    )
    ids = {
        r["code"]: int(r["id"])
        for r in c.execute("SELECT id, code FROM occupations WHERE taxonomy_id=?", (tax_id,))
    }
    gone = {old[code] for code in old.keys() - {o.code for o in bundle.occupations}}
    labels: list[tuple[int, str, str]] = []
    tasks: list[tuple[int, str]] = []
    for o in bundle.occupations:
        oid = ids[o.code]
        labels.append((oid, o.label, "preferred"))
        labels.extend((oid, a, "alternative") for a in _unique(o.alt_labels, o.label))
        tasks.extend((oid, t) for t in o.tasks)
    stored_labels = c.execute(
        "SELECT l.id, l.occupation_id, l.label, l.kind FROM occupation_labels l"
        " JOIN occupations o ON o.id=l.occupation_id WHERE o.taxonomy_id=? ORDER BY l.id",
        (tax_id,),
    ).fetchall()
    drop, add_labels, _ = _diff(
        ((int(r[0]), (int(r[1]), r[2], r[3])) for r in stored_labels), labels)
    c.executemany("DELETE FROM occupation_labels WHERE id=?", [(i,) for i in drop])
    c.executemany(
        "INSERT INTO occupation_labels (occupation_id, label, kind) VALUES (?, ?, ?)",
        add_labels,
    )
    stored_tasks = c.execute(
        "SELECT t.id, t.occupation_id, t.text FROM occupation_tasks t"
        " JOIN occupations o ON o.id=t.occupation_id WHERE o.taxonomy_id=? ORDER BY t.id",
        (tax_id,),
    ).fetchall()
    drop, add_tasks, _ = _diff(((int(r[0]), (int(r[1]), r[2])) for r in stored_tasks), tasks)
    c.executemany("DELETE FROM occupation_tasks WHERE id=?", [(i,) for i in drop])
    c.executemany("INSERT INTO occupation_tasks (occupation_id, text) VALUES (?, ?)",
                  add_tasks)
    c.executemany("DELETE FROM occupations WHERE id=?", [(i,) for i in gone])
    return {code: i for code, i in ids.items() if i not in gone}


def _save_relations(
    c: sqlite3.Connection,
    tax_id: int,
    bundle: TaxonomyBundle,
    skill_ids: dict[str, int],
    occ_ids: dict[str, int],
) -> None:
    c.execute("DELETE FROM occupation_skills WHERE taxonomy_id=?", (tax_id,))
    rows = []
    dangling: set[str] = set()
    for r in bundle.relations:
        skill = skill_ids.get(r.skill_code)
        if skill is None:
            raise NotFoundError(
                f"relation of {r.occupation_code!r} refers to skill {r.skill_code!r}, "
                f"which is not in taxonomy {bundle.name!r}"
            )
        if r.occupation_code not in occ_ids:
            dangling.add(r.occupation_code)
        rows.append(
            (tax_id, r.occupation_code, skill, r.relation, json.dumps(r.meta, sort_keys=True))
        )
    c.executemany(
        "INSERT OR REPLACE INTO occupation_skills"
        " (taxonomy_id, occupation_code, skill_id, relation, meta) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    if dangling:
        log.warning(
            "%s: %d relations name %d occupation(s) missing from its occupation list "
            "(kept): %s", bundle.name,
            sum(1 for r in bundle.relations if r.occupation_code in dangling),
            len(dangling), ", ".join(sorted(dangling)[:3]),
        )


def _save_hierarchy(
    c: sqlite3.Connection, tax_id: int, bundle: TaxonomyBundle, skill_ids: dict[str, int]
) -> None:
    # groups upserted by code (their ids kept), the ones no longer listed deleted
    c.executemany(
        "INSERT INTO skill_groups (taxonomy_id, code, label, description)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (taxonomy_id, code) DO UPDATE SET"
        " label=excluded.label, description=excluded.description",
        [(tax_id, g.code, g.label, g.description) for g in bundle.groups],
    )
    codes = {g.code for g in bundle.groups}
    c.executemany(
        "DELETE FROM skill_groups WHERE id=?",
        [(int(r[0]),) for r in c.execute(
            "SELECT id, code FROM skill_groups WHERE taxonomy_id=?", (tax_id,)
        ).fetchall() if r[1] not in codes],
    )
    c.execute("DELETE FROM skill_broader WHERE taxonomy_id=?", (tax_id,))
    c.executemany(
        "INSERT OR IGNORE INTO skill_broader (taxonomy_id, narrower_code, broader_code)"
        " VALUES (?, ?, ?)",
        [(tax_id, b.narrower_code, b.broader_code) for b in bundle.broader],
    )
    c.executemany(
        "DELETE FROM skill_collections WHERE skill_id=?", [(i,) for i in skill_ids.values()]
    )
    c.executemany(
        "INSERT OR IGNORE INTO skill_collections (skill_id, collection) VALUES (?, ?)",
        [
            (skill_ids[code], name)
            for name, codes in bundle.collections.items()
            for code in codes
            if code in skill_ids
        ],
    )


def _diff(
    stored: Iterable[tuple[int, K]], wanted: Iterable[K]
) -> tuple[list[int], list[K], list[tuple[int, K]]]:
    """Match stored rows ``(id, key)`` (by ascending id) to the ``wanted`` keys.

    Return the ids of stored rows no longer wanted, the wanted keys not stored yet (in
    the order given) and the stored rows kept. Each stored row matches one wanted key,
    the lowest id first, so a key wanted twice keeps two rows."""
    free: dict[K, list[int]] = {}
    for rid, key in stored:
        free.setdefault(key, []).append(rid)
    for rids in free.values():
        rids.reverse()
    add: list[K] = []
    kept: list[tuple[int, K]] = []
    for key in wanted:
        left = free.get(key)
        if left:
            kept.append((left.pop(), key))
        else:
            add.append(key)
    return sorted(i for rids in free.values() for i in rids), add, kept


def _unique(labels: Iterable[str], preferred: str) -> list[str]:
    seen = {preferred}
    out = []
    for label in labels:
        if label and label not in seen:
            seen.add(label)
            out.append(label)
    return out
