"""Read-only SQL for look-ups: every visible skill label and occupation title, with the
taxonomy and code of what it names (what the autocomplete index of
:mod:`skillmatch.services.lookup` is built from, once per taxonomy generation)."""

from __future__ import annotations

import sqlite3


def skill_labels(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str]]:
    """(taxonomy, skill code, preferred label, label, label kind) of every preferred and
    alternative label of every loaded skill (hidden labels, misspellings, left out), by
    taxonomy then skill."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(
        "SELECT t.name, s.code, s.label, l.label, l.kind FROM skill_labels l"
        " JOIN skills s ON s.id=l.skill_id JOIN taxonomies t ON t.id=s.taxonomy_id"
        " WHERE l.kind IN ('preferred', 'alternative') ORDER BY t.id, s.id, l.id").fetchall()


def occupation_titles(conn: sqlite3.Connection) -> list[tuple[str, str, str, str, str]]:
    """(taxonomy, occupation code, preferred title, title, title kind) of every
    occupation's preferred title (kind ``preferred``) and its other titles, by taxonomy
    then occupation."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(
        "SELECT t.name, o.code, o.label, o.label, 'preferred' FROM occupations o"
        " JOIN taxonomies t ON t.id=o.taxonomy_id"
        " UNION ALL SELECT t.name, o.code, o.label, l.label, l.kind FROM occupation_labels l"
        " JOIN occupations o ON o.id=l.occupation_id JOIN taxonomies t ON t.id=o.taxonomy_id"
        " WHERE l.label != o.label").fetchall()
