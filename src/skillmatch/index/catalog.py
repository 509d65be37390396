"""Which texts of a taxonomy get embedded, and building their indexes.

Each loaded taxonomy gets two indexes: ``skills-<name>`` (preferred labels,
optionally alternative labels, and ``label: description`` texts) and
``occupations-<name>`` (titles, alternative titles and descriptions). Vector
ids are the database row ids of the labels; description vectors use the
owner's row id plus :data:`DESC_OFFSET`, so every id is stable across rebuilds.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..embeddings.base import Embedder
from ..errors import ArtifactError
from ..linking import derived
from ..settings import Settings
from ..storage.taxonomy_store import TaxonomyInfo, TaxonomyStore
from .faiss_index import FaissIndex, index_type_for, read_manifest

log = logging.getLogger(__name__)

DESC_OFFSET = 1 << 40
ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Entry:
    id: int
    owner: int  # skill or occupation row id
    text: str


def skill_entries(store: TaxonomyStore, taxonomy: str, alt_labels: bool) -> list[Entry]:
    kinds = ["preferred", "alternative"] if alt_labels else ["preferred"]
    entries = [Entry(r.id, r.skill_id, r.label) for r in store.labels([taxonomy], kinds)]
    for s in store.skills([taxonomy]):
        if s.description:
            entries.append(Entry(DESC_OFFSET + s.id, s.id, describe(s.label, s.description)))
    return entries


def occupation_entries(conn: sqlite3.Connection | TaxonomyStore, taxonomy: str) -> list[Entry]:
    store = conn if isinstance(conn, TaxonomyStore) else TaxonomyStore(conn)
    entries = [Entry(i, owner, label) for i, owner, label in store.occupation_label_rows(taxonomy)]
    for oid, label, description in store.occupation_descriptions(taxonomy):
        entries.append(Entry(DESC_OFFSET + oid, oid, describe(label, description)))
    return entries


def describe(label: str, description: str, limit: int = 400) -> str:
    """The text embedded for a description: the label, then the description."""
    text = f"{label}: {description.strip()}"
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def build_index(
    name: str,
    entries: list[Entry],
    embedder: Embedder,
    settings: Settings,
    directory: Path,
    info: TaxonomyInfo,
    progress: ProgressFn | None = None,
    *,
    store: TaxonomyStore | None = None,
) -> dict[str, Any]:
    """Embed ``entries`` and save the index with its manifest; return the manifest.

    With ``store``, a skill index (``skills-<taxonomy>``) is saved with what linking
    derives from the taxonomy (:mod:`..linking.derived`: lexicon, BM25, label tables,
    feature vectors), so that a linker loads them instead of recomputing them at every
    start; the manifest's ``linking`` entry names them."""
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        if progress:
            progress(name, done, total)

    vectors = (
        embedder.embed([e.text for e in entries], progress=report)
        if entries
        else np.empty((0, embedder.dimension), dtype=np.float32)
    )
    index = FaissIndex(
        embedder.dimension,
        exact_max=exact_max_for(name, settings),
        hnsw_m=settings.hnsw_m,
        ef_construction=settings.hnsw_ef_construction,
        ef_search=settings.hnsw_ef_search,
        threads=settings.threads,
    ).build(np.array([e.id for e in entries], dtype=np.int64), vectors)
    manifest = {
        "name": name,
        "model": embedder.model_id,
        "taxonomy": {
            "name": info.name,
            "kind": info.kind,
            "version": info.version,
            "imported_at": info.imported_at,
        },
        "entries": {
            "labels": sum(1 for e in entries if e.id < DESC_OFFSET),
            "descriptions": sum(1 for e in entries if e.id >= DESC_OFFSET),
        },
        "alt_labels": settings.index_alt_labels,
    }
    linking: dict[str, Any] | None = None
    if store is not None and name == skill_index_name(info.name):
        previous = derived.live_folder(directory)
        linking = derived.write(
            directory, derived.ComputedTables(store, info.name, info.imported_at),
            model=embedder.model_id, vectors=feature_vectors(store, info.name, entries, vectors))
        manifest[derived.ENTRY] = linking
    manifest["build_seconds"] = round(time.perf_counter() - started, 2)
    index.save(directory, manifest)
    if linking is not None:
        derived.prune(directory, {linking["folder"], previous})
    log.info("built index %s: %d vectors (%s)", name, index.count, index.index_type_)
    return read_manifest(directory)


def skill_index_name(taxonomy: str) -> str:
    return f"skills-{taxonomy}"


def feature_vectors(store: TaxonomyStore, taxonomy: str, entries: list[Entry],
                    vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every skill's preferred-label and description vector (zeros where the index has
    none), rows in ascending skill id order: what the ranker's features read, taken from
    the vectors just embedded for the index rather than read back from it."""
    row_of = {e.id: i for i, e in enumerate(entries)}
    ids = sorted(s.id for s in store.skills([taxonomy]))
    preferred = {lab.skill_id: lab.id for lab in store.labels([taxonomy], ["preferred"])}
    dim = vectors.shape[1]
    pref = np.zeros((len(ids), dim), dtype=np.float32)
    desc = np.zeros((len(ids), dim), dtype=np.float32)
    for target, entry_of in ((pref, preferred.get), (desc, lambda sid: DESC_OFFSET + sid)):
        pairs = [(i, row_of[entry]) for i, sid in enumerate(ids)
                 if (entry := entry_of(sid)) is not None and entry in row_of]
        if pairs:
            rows, at = zip(*pairs)
            target[list(rows)] = vectors[list(at)]
    return np.array(ids, dtype=np.int64), pref, desc


def is_current(directory: Path, embedder: Embedder, info: TaxonomyInfo, settings: Settings) -> bool:
    """True when the index on disk matches the model, the import and the settings (and a
    skill index holds current linking tables, :mod:`..linking.derived`)."""
    try:
        manifest = read_manifest(directory)
    except ArtifactError:
        return False
    if Path(directory).name == skill_index_name(info.name):
        if derived.stale_reason(manifest.get(derived.ENTRY), info.imported_at) is not None:
            return False
    return (
        manifest.get("model") == embedder.model_id
        and manifest.get("taxonomy", {}).get("imported_at") == info.imported_at
        and manifest.get("alt_labels") == settings.index_alt_labels
        and manifest.get("index_type") == index_type_for(
            int(manifest.get("count", 0)), exact_max_for(Path(directory).name, settings))
    )


def exact_max_for(name: str, settings: Settings) -> int:
    """Up to how many entries the index ``name`` is exact (flat): occupation indexes
    have a threshold of their own."""
    return (settings.occupation_exact_index_max if name.startswith("occupations-")
            else settings.exact_index_max)
