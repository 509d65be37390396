"""Read-only SQL about skill labels by skill id (what the same-skill rule compares)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence


class SkillLabels:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def visible(self, ids: Sequence[int]) -> Iterator[tuple[int, str, str]]:
        """(skill id, label, kind) of the preferred and alternative labels of ``ids``
        (hidden labels, misspellings, left out)."""
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            yield from self.conn.execute(
                "SELECT skill_id, label, kind FROM skill_labels WHERE kind != 'hidden' AND "
                f"skill_id IN ({','.join('?' * len(chunk))})", chunk)
