"""All SQL about API keys (only their HMAC is stored) and the shared rate-limit counters."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from ..errors import ConflictError, NotFoundError
from .db import transaction

KEY_COLUMNS = "id, role, employer, name, created_at, revoked_at"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class KeyStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, key_id: str, digest: str, role: str, employer: str, name: str
            ) -> dict[str, Any]:
        """Store a key by its id and HMAC; :class:`ConflictError` when the id is taken."""
        try:
            with transaction(self.conn) as c:
                c.execute("INSERT INTO api_keys (id, hash, role, employer, name, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?)",
                          (key_id, digest, role, employer, name, _now()))
        except sqlite3.IntegrityError:
            raise ConflictError(f"key id {key_id!r} is taken") from None
        return self.get(key_id)

    def get(self, key_id: str) -> dict[str, Any]:
        row = self.conn.execute(f"SELECT {KEY_COLUMNS} FROM api_keys WHERE id=?",
                                (key_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no API key with id {key_id!r}")
        return dict(row)

    def all(self, revoked: bool = True) -> list[dict[str, Any]]:
        """Every key (without its hash), in the order made; only live ones unless ``revoked``."""
        where = "" if revoked else " WHERE revoked_at IS NULL"
        return [dict(r) for r in self.conn.execute(
            f"SELECT {KEY_COLUMNS} FROM api_keys{where} ORDER BY rowid")]

    def by_hash(self, digest: str) -> dict[str, Any] | None:
        """The live key whose HMAC is ``digest`` (with its ``hash``), or None."""
        row = self.conn.execute(
            f"SELECT {KEY_COLUMNS}, hash FROM api_keys WHERE hash=? AND revoked_at IS NULL",
            (digest,)).fetchone()
        return None if row is None else dict(row)

    def revoke(self, key_id: str) -> dict[str, Any]:
        """Mark a key revoked (kept for the record); revoking twice keeps the first time."""
        with transaction(self.conn) as c:
            found = c.execute("UPDATE api_keys SET revoked_at=coalesce(revoked_at, ?)"
                              " WHERE id=?", (_now(), key_id)).rowcount
        if not found:
            raise NotFoundError(f"no API key with id {key_id!r}")
        return self.get(key_id)


class RateCounters:
    """Fixed-window counters in the workspace database, so that every worker (every
    process on the workspace) counts against the same numbers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def hit(self, bucket: str, slot: int) -> int:
        """Count one request of ``bucket`` in window ``slot``; how many it has made in
        that window, this one included. The first hit of a window drops the counters of
        windows before the previous one."""
        with transaction(self.conn) as c:
            hits = int(c.execute(
                "INSERT INTO rate_limits (bucket, slot, hits) VALUES (?, ?, 1)"
                " ON CONFLICT (bucket, slot) DO UPDATE SET hits = hits + 1 RETURNING hits",
                (bucket, slot)).fetchone()[0])
            if hits == 1:
                c.execute("DELETE FROM rate_limits WHERE slot < ?", (slot - 1,))
        return hits
