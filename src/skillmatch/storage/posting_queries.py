"""Read-only SQL about stored postings that the flows show beside their results."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


class PostingQueries:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def titles(self, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Posting code -> (title, employer), for the stored postings among ``codes``."""
        wanted = sorted(set(codes))
        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(wanted), 900):
            chunk = wanted[i:i + 900]
            out.update({r[0]: (r[1], r[2]) for r in self.conn.execute(
                f"SELECT code, title, employer FROM postings WHERE code IN "
                f"({','.join('?' * len(chunk))})", chunk)})
        return out
