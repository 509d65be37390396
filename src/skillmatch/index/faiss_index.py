"""FAISS backend: exact (flat) below a size threshold, HNSW above it.

Vectors sit at positions ``0..n-1`` inside FAISS; ``ids_`` maps positions to
the caller's stable ids. Removal marks positions dead (HNSW cannot delete) and
searches skip them; when a fifth of the positions are dead the index is
compacted. On disk an index is a directory: ``index.faiss``, ``ids.npy``,
``alive.npy`` and ``manifest.json``; nothing is pickled.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ..errors import ArtifactError, InputError
from .base import VectorIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def index_type_for(count: int, exact_max: int) -> str:
    """Exact (flat) up to ``exact_max`` vectors, HNSW above."""
    return "flat" if count <= exact_max else "hnsw"


class FaissIndex(VectorIndex):
    def __init__(
        self,
        dimension: int,
        *,
        exact_max: int = 200_000,
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 128,
        index_type: str = "auto",
        threads: int = 0,
    ) -> None:
        if index_type not in ("auto", "flat", "hnsw"):
            raise InputError(
                f"unknown index type {index_type!r} (expected auto, flat or hnsw)",
                field="index_type",
            )
        self.dimension = dimension
        self.exact_max = exact_max
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.index_type = index_type
        self.threads = threads

    # ----------------------------------------------------------------- build
    def build(self, ids: np.ndarray, vectors: np.ndarray) -> FaissIndex:
        ids, vectors = self._check(ids, vectors)
        if len(np.unique(ids)) != len(ids):
            raise InputError("duplicate ids given to the index build", field="ids")
        kind = self.index_type
        if kind == "auto":
            kind = index_type_for(len(ids), self.exact_max)
        self.index_type_ = kind
        self.faiss_ = self._new_faiss(kind)
        self.ids_ = np.empty(0, dtype=np.int64)
        self.alive_ = np.empty(0, dtype=bool)
        self.pos_: dict[int, int] = {}
        self._append(ids, vectors)
        return self

    def _new_faiss(self, kind: str) -> Any:
        if kind == "flat":
            return faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexHNSWFlat(self.dimension, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        index.hnsw.efSearch = self.ef_search
        return index

    def _check(self, ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids = np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise InputError(
                f"vectors have shape {vectors.shape}, expected (n, {self.dimension})",
                field="vectors",
            )
        if len(ids) != len(vectors):
            raise InputError(f"{len(ids)} ids for {len(vectors)} vectors", field="ids")
        if len(ids) and ids.min() < 0:
            raise InputError("ids must be non-negative", field="ids")
        return ids, vectors

    def _append(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        start = len(self.ids_)
        if len(ids):
            self.faiss_.add(vectors)
        self.ids_ = np.concatenate([self.ids_, ids])
        self.alive_ = np.concatenate([self.alive_, np.ones(len(ids), dtype=bool)])
        for offset, external in enumerate(ids.tolist()):
            self.pos_[external] = start + offset

    # ---------------------------------------------------------------- change
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors; an id already present has its vector replaced."""
        ids, vectors = self._check(ids, vectors)
        _, last = np.unique(ids[::-1], return_index=True)
        keep = np.sort(len(ids) - 1 - last)  # the last vector given for each id wins
        ids, vectors = ids[keep], vectors[keep]
        self.remove(ids)
        self._append(ids, vectors)
        self._maybe_compact()

    def remove(self, ids: np.ndarray) -> int:
        removed = 0
        for external in np.asarray(ids, dtype=np.int64).reshape(-1).tolist():
            pos = self.pos_.pop(external, None)
            if pos is not None:
                self.alive_[pos] = False
                removed += 1
        if removed:
            self._maybe_compact()
        return removed

    def _maybe_compact(self) -> None:
        dead = int((~self.alive_).sum())
        if dead and dead * 5 >= len(self.alive_):
            self.compact()

    def compact(self) -> None:
        """Rebuild without dead positions (choosing the type for the new size)."""
        live = np.flatnonzero(self.alive_)
        vectors = self.faiss_.reconstruct_n(0, len(self.ids_))[live] if len(live) else np.empty(
            (0, self.dimension), dtype=np.float32
        )
        self.build(self.ids_[live], vectors)

    # ---------------------------------------------------------------- search
    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(vectors, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries[None, :]
        n = len(queries)
        dead = len(self.alive_) - len(self.pos_)
        fetch = min(k + dead, len(self.ids_))
        scores = np.full((n, k), -np.inf, dtype=np.float32)
        found = np.full((n, k), -1, dtype=np.int64)
        if fetch == 0 or n == 0:
            return scores, found
        faiss.omp_set_num_threads(1 if n < 8 else self.threads or os.cpu_count() or 1)
        if self.index_type_ == "hnsw":
            self.faiss_.hnsw.efSearch = max(self.ef_search, fetch)
        raw_scores, positions = self.faiss_.search(queries, fetch)
        if dead == 0:
            m = min(k, fetch)
            pos = positions[:, :m]
            valid = pos >= 0
            found[:, :m] = np.where(valid, self.ids_[np.maximum(pos, 0)], -1)
            scores[:, :m] = np.where(valid, raw_scores[:, :m], -np.inf)
            return scores, found
        for row in range(n):
            pos = positions[row]
            ok = (pos >= 0) & self.alive_[np.maximum(pos, 0)]
            hits = pos[ok][:k]
            scores[row, : len(hits)] = raw_scores[row][ok][:k]
            found[row, : len(hits)] = self.ids_[hits]
        return scores, found

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (KeyError for an unknown id)."""
        return np.stack([self.faiss_.reconstruct(self.pos_[int(i)]) for i in ids])

    @property
    def count(self) -> int:
        return len(self.pos_)

    def __contains__(self, external: int) -> bool:
        return int(external) in self.pos_

    # ------------------------------------------------------------ save, load
    def save(self, directory: Path, manifest: dict[str, Any]) -> None:
        """Write atomically: a crash leaves the old index or the new one, never half."""
        directory = Path(directory)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        faiss.write_index(self.faiss_, str(tmp / "index.faiss"))
        np.save(tmp / "ids.npy", self.ids_)
        np.save(tmp / "alive.npy", self.alive_)
        full = {
            "format": FORMAT_VERSION,
            "index_type": self.index_type_,
            "metric": "inner_product",
            "dimension": self.dimension,
            "count": self.count,
            "positions": len(self.ids_),
            "params": {
                "exact_max": self.exact_max,
                "hnsw_m": self.hnsw_m,
                "ef_construction": self.ef_construction,
                "ef_search": self.ef_search,
            },
            "versions": {"faiss": faiss.__version__, "numpy": np.__version__},
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **manifest,
        }
        (tmp / MANIFEST).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> tuple[FaissIndex, dict[str, Any]]:
        directory = Path(directory)
        manifest = read_manifest(directory)
        params = manifest.get("params", {})
        index = cls(
            int(manifest["dimension"]),
            exact_max=int(params.get("exact_max", 200_000)),
            hnsw_m=int(params.get("hnsw_m", 32)),
            ef_construction=int(params.get("ef_construction", 80)),
            ef_search=int(params.get("ef_search", 128)),
        )
        try:
            index.faiss_ = faiss.read_index(str(directory / "index.faiss"))
            index.ids_ = np.load(directory / "ids.npy", allow_pickle=False)
            index.alive_ = np.load(directory / "alive.npy", allow_pickle=False)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ArtifactError(f"{directory}: unreadable index ({exc}); rebuild it") from exc
        if index.faiss_.ntotal != len(index.ids_) or index.faiss_.d != index.dimension:
            raise ArtifactError(
                f"{directory}: index holds {index.faiss_.ntotal} vectors of dimension "
                f"{index.faiss_.d} but the manifest says {len(index.ids_)} of "
                f"{index.dimension}; rebuild it with `skillmatch index build`"
            )
        index.index_type_ = manifest["index_type"]
        live = np.flatnonzero(index.alive_)
        index.pos_ = dict(zip(index.ids_[live].tolist(), live.tolist()))
        return index, manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise ArtifactError(f"{directory}: no index here; run `skillmatch index build`")
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path}: corrupt manifest ({exc}); rebuild the index") from exc
    if data.get("format") != FORMAT_VERSION:
        raise ArtifactError(
            f"{path}: index format {data.get('format')!r}, expected {FORMAT_VERSION}; rebuild it"
        )
    return data
