"""All SQL of the embedding cache: a SQLite file mapping a key to a float32 vector.

The file is the cache's own (``Workspace.cache_path``), apart from the workspace
database: it can be deleted at any time and only costs re-embedding. Each thread
gets its own connection (an import embeds in a worker thread while the main thread
links; WAL lets the connections read and write side by side). The store keeps every
connection it opened: one whose thread has ended is closed when the next one opens,
and :meth:`EmbeddingCacheStore.close` closes them all, whichever thread opened them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

CHUNK = 500  # keys per SELECT (SQLite's default limit is 999 parameters)


class EmbeddingCacheStore:
    """Reads and writes ``(key, dimension, vector bytes)`` rows of one cache file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conns: dict[threading.Thread, sqlite3.Connection] = {}

    # ------------------------------------------------------------ connections
    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (again after :meth:`close`)."""
        thread = threading.current_thread()
        with self._lock:
            conn = self._conns.get(thread)
            if conn is not None:
                return conn
            # connections of threads that have ended are nobody's any more
            for done in [t for t in self._conns if not t.is_alive()]:
                self._conns.pop(done).close()
            conn = self._open()
            self._conns[thread] = conn
            return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            # keys are random hashes: lookups touch pages all over the file, so map it
            # and keep a large page cache instead of SQLite's 2 MB default
            conn.execute("PRAGMA mmap_size=4294967296")
            conn.execute("PRAGMA cache_size=-131072")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER NOT NULL,"
                " vector BLOB NOT NULL) WITHOUT ROWID"
            )
        except BaseException:
            conn.close()
            raise
        return conn

    @property
    def open_connections(self) -> int:
        """How many connections are open (every thread's)."""
        with self._lock:
            return len(self._conns)

    def close(self) -> None:
        """Close every connection this store opened, in any thread. The store stays
        usable: the next call opens a connection again."""
        with self._lock:
            conns = list(self._conns.values())
            self._conns.clear()
        for conn in conns:
            conn.close()

    # ------------------------------------------------------------------- data
    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored vector bytes of each of ``keys`` that is present."""
        found: dict[bytes, bytes] = {}
        conn = self.conn
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start : start + CHUNK])
            rows = conn.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((bytes(key), bytes(blob)) for key, blob in rows)
        return found

    def put_many(self, rows: Sequence[tuple[bytes, int, bytes]]) -> None:
        """Store ``(key, dimension, vector bytes)`` rows in one transaction."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM vectors").fetchone()[0])
