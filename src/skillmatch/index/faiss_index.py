"""FAISS backend: exact (flat) below a size threshold, HNSW above it.

Vectors sit at positions ``0..n-1`` inside FAISS; ``ids_`` maps positions to
the caller's stable ids. Removal marks positions dead (HNSW cannot delete) and
searches skip them; when a fifth of the positions are dead the index is
compacted. On disk an index is a directory of versions: each save writes a new
folder ``v-<time>-<random>/`` (``index.faiss``, ``ids.npy``, ``alive.npy``,
``manifest.json``) and then switches ``CURRENT`` to it with an atomic rename; the
top-level ``manifest.json`` is the live version's. Nothing is pickled.

Searches pass ``efSearch`` as a per-call parameter and set OpenMP's thread count
only for the calling thread, so concurrent searches never change each other's.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid
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


_thread = threading.local()


def _omp_threads(n: int) -> None:
    """Set OpenMP's thread count for searches from this thread. libgomp keeps the
    count per calling thread, so threads of a server do not change each other's; it is
    set only when it differs from what this thread last set."""
    if getattr(_thread, "omp", None) != n:
        faiss.omp_set_num_threads(n)
        _thread.omp = n


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
        self.read_only_ = False  # set by load(read_only=True)

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
        self._writable()
        ids, vectors = self._check(ids, vectors)
        _, last = np.unique(ids[::-1], return_index=True)
        keep = np.sort(len(ids) - 1 - last)  # the last vector given for each id wins
        ids, vectors = ids[keep], vectors[keep]
        self.remove(ids)
        self._append(ids, vectors)
        self._maybe_compact()

    def remove(self, ids: np.ndarray) -> int:
        self._writable()
        removed = 0
        for external in np.asarray(ids, dtype=np.int64).reshape(-1).tolist():
            pos = self.pos_.pop(external, None)
            if pos is not None:
                self.alive_[pos] = False
                removed += 1
        if removed:
            self._maybe_compact()
        return removed

    def _writable(self) -> None:
        if self.read_only_:
            raise ArtifactError("this index was loaded read-only (memory-mapped); load it "
                                "with read_only=False to change it")

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
        _omp_threads(1 if n < 8 else self.threads or os.cpu_count() or 1)
        params = (faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                      efSearch=max(self.ef_search, fetch))
                  if self.index_type_ == "hnsw" else None)
        raw_scores, positions = self.faiss_.search(queries, fetch, params=params)
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
        """Write a new version of the index and switch to it atomically.

        The files go to a folder of their own under a unique temporary name, which is
        renamed to its version name once complete; then ``CURRENT`` (the name of the
        live version) and the top-level ``manifest.json`` are each replaced with
        ``os.replace``. A reader therefore finds the old version or the new one, never
        a missing or half-written one, and two writers never share a file. Versions
        older than the previous one are removed once no reader can still be opening
        them (:data:`KEEP_SECONDS`)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        version = f"v-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        tmp = directory / f".{version}.tmp"
        tmp.mkdir()
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
            **{k: v for k, v in manifest.items() if k not in COMPUTED_MANIFEST},
            "version": version,
        }
        text = json.dumps(full, indent=2, sort_keys=True) + "\n"
        (tmp / MANIFEST).write_text(text)
        os.rename(tmp, directory / version)
        _replace_text(directory / CURRENT, version + "\n")
        _replace_text(directory / MANIFEST, text)
        for legacy in ("index.faiss", "ids.npy", "alive.npy"):  # the flat layout of format 1
            (directory / legacy).unlink(missing_ok=True)
        _prune(directory, version)

    @classmethod
    def load(cls, directory: Path, *, read_only: bool = False
             ) -> tuple[FaissIndex, dict[str, Any]]:
        """The live version of the index in ``directory`` (retried when a writer
        replaces it between reading ``CURRENT`` and opening the files). ``read_only``
        memory-maps the vectors instead of reading them (a fraction of the time for the
        big skill indexes, and shared between processes through the page cache); such
        an index can be searched but not changed."""
        directory = Path(directory)
        for attempt in range(5):
            try:
                return cls._load(directory, read_only)
            except FileNotFoundError:
                if attempt == 4 or not (directory / MANIFEST).exists():
                    raise ArtifactError(
                        f"{directory}: no index here; run `skillmatch index build`") from None
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    @classmethod
    def _load(cls, directory: Path, read_only: bool = False
              ) -> tuple[FaissIndex, dict[str, Any]]:
        folder = live_folder(directory)
        manifest = _read_json_manifest(folder / MANIFEST)
        params = manifest.get("params", {})
        index = cls(
            int(manifest["dimension"]),
            exact_max=int(params.get("exact_max", 200_000)),
            hnsw_m=int(params.get("hnsw_m", 32)),
            ef_construction=int(params.get("ef_construction", 80)),
            ef_search=int(params.get("ef_search", 128)),
        )
        if not (folder / "index.faiss").exists():
            raise FileNotFoundError(folder / "index.faiss")
        try:
            flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if read_only else 0
            index.faiss_ = faiss.read_index(str(folder / "index.faiss"), flags)
            index.ids_ = np.load(folder / "ids.npy", allow_pickle=False)
            index.alive_ = np.load(folder / "alive.npy", allow_pickle=False)
        except FileNotFoundError:
            raise
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
        index.read_only_ = read_only
        return index, manifest


# manifest keys :meth:`FaissIndex.save` computes itself (the rest name what the index holds)
COMPUTED_MANIFEST = frozenset({"format", "index_type", "metric", "dimension", "count",
                               "positions", "params", "versions", "saved_at", "version"})
CURRENT = "CURRENT"
# a replaced version stays this long, for readers that read CURRENT just before the switch
KEEP_SECONDS = 60.0


_shared_lock = threading.Lock()
_shared: dict[Path, tuple[tuple[str, int], FaissIndex]] = {}
SHARED_MAX = 32


def load_shared(directory: Path) -> FaissIndex:
    """The live version of the index in ``directory``, memory-mapped read-only and kept
    for the process: opened again only when a writer saved another version (``CURRENT``
    or the manifest changed). For searching only (several threads may share it); a
    flow that searches per call reads one stat and one small file instead of the index.
    """
    directory = Path(directory).resolve()
    try:
        key = (live_folder(directory).name, (directory / MANIFEST).stat().st_mtime_ns)
    except FileNotFoundError:
        raise ArtifactError(f"{directory}: no index here; run `skillmatch index build`") \
            from None
    with _shared_lock:
        hit = _shared.get(directory)
    if hit is not None and hit[0] == key:
        return hit[1]
    index, _ = FaissIndex.load(directory, read_only=True)
    with _shared_lock:
        if len(_shared) >= SHARED_MAX:
            _shared.pop(next(iter(_shared)))
        _shared[directory] = (key, index)
    return index


def live_folder(directory: Path) -> Path:
    """The folder holding the live version's files: the one ``CURRENT`` names, or
    ``directory`` itself for an index saved in the flat layout of older releases."""
    try:
        name = (Path(directory) / CURRENT).read_text().strip()
    except FileNotFoundError:
        return Path(directory)
    return Path(directory) / name


def exists(directory: Path) -> bool:
    """Whether an index has been saved in ``directory``."""
    return (Path(directory) / MANIFEST).exists()


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _prune(directory: Path, live: str) -> None:
    """Remove versions older than the previous one (and temporary folders of writers
    that died) once they are :data:`KEEP_SECONDS` old."""
    now = time.time()
    versions = sorted(p for p in directory.glob("v-*") if p.is_dir() and p.name != live)
    stale = versions[:-1] + [p for p in directory.glob(".v-*.tmp") if p.is_dir()]
    for path in stale:
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            continue


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of the live version of the index in ``directory``."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        raise ArtifactError(f"{directory}: no index here; run `skillmatch index build`")
    return _read_json_manifest(path)


def _read_json_manifest(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{path}: corrupt manifest ({exc}); rebuild the index") from exc
    if data.get("format") != FORMAT_VERSION:
        raise ArtifactError(
            f"{path}: index format {data.get('format')!r}, expected {FORMAT_VERSION}; rebuild it"
        )
    return data
