"""The skill profiles of credential texts (the learned matcher's ``skills`` signal),
kept so that aligning a catalogued credential does not link its text again.

A profile is the ranked linking of a text (its :data:`~.features.PROFILE_DEPTH` best
skills and their scores): about 20 ms of a 50 ms alignment on the 100k workspace, and
the same answer every time for the same text and linker. The cache maps
sha256(linker fingerprint, text) to the profile, in a SQLite file of its own under
``Workspace.derived_dir("credential-profiles")`` (the embedding cache's store: one
connection per thread, WAL, so server workers read and write it side by side). Like
the embedding cache it can be deleted at any time and only costs linking again.

The fingerprint (:func:`linker_fingerprint`) names everything a profile depends on: the
embedding model, the linker's settings, ranker, taxonomies (versions and import times)
and skill indexes, and the source of the linking code; a change to any gives new keys,
so a stale profile is never read. The engine fills the cache for every catalogued
credential in the background once it is ready (:meth:`ProfileCache.fill`), and any
alignment stores what it had to compute.

A value is the profile's skill row ids (int32) then their scores (float32), in one
blob; the stored "dimension" is the number of skills.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..storage.embedding_cache_store import EmbeddingCacheStore

log = logging.getLogger(__name__)

DIRNAME = "credential-profiles"
FILENAME = "profiles.sqlite"
FORMAT = 1  # of the stored value; part of every key

Profile = tuple[np.ndarray, np.ndarray]  # skill row ids (int64), scores (float32)


def linker_fingerprint(linker: Any) -> str:
    """sha256 over everything a profile of ``linker`` depends on."""
    from .cache import linker_key

    key = {"format": FORMAT, **linker_key(linker)}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


class ProfileCache:
    """Profiles by text, for one linker (its :func:`linker_fingerprint`)."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint
        self.store = EmbeddingCacheStore(self.path)

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.fingerprint}\x00{text}".encode()).digest()

    def get_many(self, texts: Sequence[str]) -> dict[int, Profile]:
        """The stored profile of each text that has one, by position."""
        keys = [self._key(t) for t in texts]
        found = self.store.get_many(list(dict.fromkeys(keys)))
        out: dict[int, Profile] = {}
        for i, key in enumerate(keys):
            blob = found.get(key)
            if blob is not None:
                n = len(blob) // 8
                out[i] = (np.frombuffer(blob, dtype=np.int32, count=n).astype(np.int64),
                          np.frombuffer(blob, dtype=np.float32, offset=4 * n, count=n))
        return out

    def put_many(self, texts: Sequence[str], profiles: Sequence[Profile]) -> None:
        rows = []
        for text, (ids, scores) in zip(texts, profiles):
            ids32 = np.asarray(ids, dtype=np.int32)
            blob = ids32.tobytes() + np.asarray(scores, dtype=np.float32).tobytes()
            rows.append((self._key(text), len(ids32), blob))
        if rows:
            self.store.put_many(rows)

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts with no stored profile."""
        distinct = list(dict.fromkeys(texts))
        found = self.get_many(distinct)
        return [t for i, t in enumerate(distinct) if i not in found]

    def fill(self, texts: Sequence[str], compute: Callable[[list[str]], list[Profile]],
             batch: int = 200, stop: Callable[[], bool] | None = None) -> int:
        """Compute and store the profiles ``texts`` lack, ``batch`` at a time (stopping
        early when ``stop()`` says so); how many were computed."""
        todo = self.missing(texts)
        done = 0
        for start in range(0, len(todo), batch):
            if stop is not None and stop():
                break
            chunk = todo[start:start + batch]
            self.put_many(chunk, compute(chunk))
            done += len(chunk)
        return done

    def close(self) -> None:
        self.store.close()
