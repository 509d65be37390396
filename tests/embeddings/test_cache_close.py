"""Closing the embedder closes every connection of its cache, in every thread."""

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from skillmatch.embeddings import CachedEmbedder, EmbeddingCache, FakeEmbedder, make_embedder
from skillmatch.settings import Settings
from skillmatch.storage import embedding_cache_store


@pytest.fixture
def opened(monkeypatch) -> list[sqlite3.Connection]:
    """Every connection the cache store opens."""
    conns: list[sqlite3.Connection] = []
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conns.append(real(*args, **kwargs))
        return conns[-1]

    monkeypatch.setattr(embedding_cache_store.sqlite3, "connect", connect)
    return conns


def is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return False
    return True


def test_close_closes_the_connections_of_every_thread(tmp_path, opened) -> None:
    path = tmp_path / "cache.sqlite"
    embedder = CachedEmbedder(FakeEmbedder(), EmbeddingCache(path))
    embedder.embed(["take vital signs"])
    with ThreadPoolExecutor(max_workers=1) as pool:  # as an import embeds
        pool.submit(embedder.embed, ["weld steel"]).result()
        assert len(opened) == 2 and all(is_open(c) for c in opened)
        embedder.close()  # from another thread than the worker's
        assert not any(is_open(c) for c in opened)
    # the last connection closed: SQLite checkpointed and removed the write-ahead log
    assert not (tmp_path / "cache.sqlite-wal").exists()
    # the file is free: a connection can take it exclusively and write
    other = sqlite3.connect(path, timeout=0)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("DELETE FROM vectors")
    other.execute("COMMIT")
    other.close()
    # and the cache still works after close, with its own connection again
    assert embedder.embed(["weld steel"]).shape == (1, 256)
    assert len(embedder.cache) == 1
    embedder.close()
    assert not any(is_open(c) for c in opened)


def test_the_made_embedder_closes_its_cache(tmp_path, opened) -> None:
    embedder = make_embedder(Settings(home=tmp_path / "ws", embedder="fake"),
                             cache_path=tmp_path / "cache.sqlite")
    embedder.embed(["a text"])
    with embedder:
        assert all(is_open(c) for c in opened) and opened
    assert not any(is_open(c) for c in opened)


def test_a_finished_threads_connection_is_closed_when_the_next_opens(tmp_path, opened) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    worker = threading.Thread(target=len, args=(cache,))
    worker.start()
    worker.join()
    assert len(opened) == 1 and is_open(opened[0])
    assert len(cache) == 0  # this thread opens its own; the ended thread's is closed
    assert not is_open(opened[0]) and is_open(opened[1])
    assert cache.store.open_connections == 1
    cache.close()
