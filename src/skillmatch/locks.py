"""Exclusive file locks between processes (and threads) of one workspace."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_local_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) until the block ends:
    one holder at a time across processes (``flock``) and threads (a lock per path,
    since ``flock`` on separate descriptors of one process would also exclude, but a
    thread lock keeps the waiting cheap). A process that dies releases its lock."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _guard:
        local = _local_locks.setdefault(str(path.resolve()), threading.Lock())
    with local, open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
