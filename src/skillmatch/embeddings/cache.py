"""An embedding cache keyed by content hash, so no text is embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Embedder, ProgressFn


def _key(model_id: str, text: str) -> bytes:
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).digest()


class EmbeddingCache:
    """A SQLite file mapping sha256(model id, text) to a float32 vector."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (a pipeline embeds in a worker thread; WAL lets the
        connections read and write side by side)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
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
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def get_many(self, model_id: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        keys = [_key(model_id, t) for t in texts]
        where: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            where.setdefault(k, []).append(i)
        found: dict[int, np.ndarray] = {}
        unique = list(where)
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = self.conn.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                for i in where[key]:
                    found[i] = vector
        return found

    def put_many(self, model_id: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (_key(model_id, t), int(v.shape[0]), np.ascontiguousarray(v, np.float32).tobytes())
            for t, v in zip(texts, vectors)
        ]
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for conn in self._conns:
                conn.close()
            self._conns.clear()
        self._local = threading.local()


class CachedEmbedder(Embedder):
    """Embeds only what the cache lacks (each distinct text once) and stores it."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits_ = 0
        self.misses_ = 0

    @property
    def model_id(self) -> str:  # type: ignore[override]
        return self.inner.model_id

    @property
    def dimension(self) -> int:  # type: ignore[override]
        return self.inner.dimension

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        found = self.cache.get_many(self.model_id, texts)
        for i, vector in found.items():
            out[i] = vector
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            if i not in found:
                missing.setdefault(text, []).append(i)
        self.hits_ += len(found)
        self.misses_ += len(missing)
        if missing:
            # longest last, across chunks too: batches of like lengths pad least
            todo = sorted(missing, key=len)
            step = 4096  # write as we go, so an interrupted build keeps its work
            for start in range(0, len(todo), step):
                chunk = todo[start : start + step]

                def report(done: int, total: int, base: int = start) -> None:
                    if progress:
                        progress(base + done, len(todo))

                vectors = self.inner.embed(chunk, progress=report)
                self.cache.put_many(self.model_id, chunk, vectors)
                for text, vector in zip(chunk, vectors):
                    for i in missing[text]:
                        out[i] = vector
        elif progress:
            progress(len(texts), len(texts))
        return out
