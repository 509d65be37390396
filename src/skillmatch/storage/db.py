"""The SQLite database of a workspace: connections, WAL, migrations, transactions.

Concurrency model: every thread gets its own connection (:class:`Database`), so no
connection is ever used by two threads; the database runs in WAL mode, so readers
are never blocked by the one writer, and writers are serialized by SQLite's write
lock (``BEGIN IMMEDIATE``, waiting up to ``busy_timeout``) across threads and
processes alike. Migrations run inside their write transaction and re-read the
schema version there, so several workers opening a fresh workspace at once apply
each migration exactly once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from ..errors import ArtifactError
from .migrations import MIGRATIONS

log = logging.getLogger(__name__)

SCHEMA_VERSION = MIGRATIONS[-1][0]
BUSY_TIMEOUT_MS = 60_000


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``: one
    connection, for the calling thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False only so that Database.close() may close a connection
    # from another thread; each connection is used by the thread that opened it
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    _enable_wal(conn, path)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    migrate(conn, path)
    return conn


def _enable_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch the database to WAL mode. Switching needs an exclusive lock, and when
    several processes open a fresh database at once SQLite may answer "database is
    locked" at once, without waiting on the busy handler: retry, with backoff, for up
    to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise ArtifactError(
                    f"{path}: cannot switch the database to WAL mode: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Apply every migration newer than the database, each in its own transaction
    that first re-reads the version (safe when processes migrate at once)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return SCHEMA_VERSION  # the common case, without taking the write lock
    while True:
        with transaction(conn):
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise ArtifactError(
                    f"{path}: database schema version {current} is newer than this "
                    f"skillmatch supports ({SCHEMA_VERSION}); upgrade skillmatch"
                )
            pending = [m for m in MIGRATIONS if m[0] > current]
            if not pending:
                return current
            number, name, sql = pending[0]
            log.info("applying migration %d (%s)", number, name)
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything inside commits, or nothing does."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction (WAL: a snapshot of the committed database): every read
    inside sees the same state, whatever commits meanwhile. Inside a transaction
    already, it joins it."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


class Database:
    """A workspace database opened once per thread.

    :attr:`conn` is a stand-in for a connection that forwards each call to the
    calling thread's own connection (opened and migrated on first use), so stores
    built on it can be shared by threads while no connection is. :meth:`close`
    closes every connection it opened, in any thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            with self._lock:
                self._opened.append(conn)
            self._local.conn = conn
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        return cast(sqlite3.Connection, _ThreadConnection(self))

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._opened)

    def close(self) -> None:
        """Close every connection opened through this object (a thread that calls
        again afterwards gets a new one)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            try:
                conn.close()
            except sqlite3.Error as exc:  # pragma: no cover - closing is best effort
                log.warning("closing %s: %s", self.path, exc)
        self._local = threading.local()


class _ThreadConnection:
    """Forwards attribute access to the calling thread's connection."""

    __slots__ = ("_db",)

    def __init__(self, db: Database) -> None:
        self._db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db.connection(), name)
