"""Column reads of records: their stored vectors, their mentions by id and what demand
reads (:class:`RecordColumns`, mixed into :class:`~.records_store.RecordStore`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from .db import transaction
from .record_tables import TABLES


class RecordColumns:
    """Vectors, mentions and demand rows of records, read by row id in chunks."""

    conn: sqlite3.Connection

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
