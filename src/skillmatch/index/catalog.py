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


def occupation_entries(conn: sqlite3.Connection, taxonomy: str) -> list[Entry]:
    rows = conn.execute(
        "SELECT l.id, l.occupation_id, l.label FROM occupation_labels l JOIN occupations o"
        " ON o.id=l.occupation_id JOIN taxonomies t ON t.id=o.taxonomy_id WHERE t.name=?"
        " ORDER BY l.id",
        (taxonomy,),
    ).fetchall()
    entries = [Entry(int(r[0]), int(r[1]), r[2]) for r in rows]
    for r in conn.execute(
        "SELECT o.id, o.label, o.description FROM occupations o JOIN taxonomies t"
        " ON t.id=o.taxonomy_id WHERE t.name=? AND o.description != '' ORDER BY o.id",
        (taxonomy,),
    ):
        entries.append(Entry(DESC_OFFSET + int(r[0]), int(r[0]), describe(r[1], r[2])))
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
) -> dict[str, Any]:
    """Embed ``entries`` and save the index with its manifest; return the manifest."""
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
        exact_max=settings.exact_index_max,
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
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    index.save(directory, manifest)
    log.info("built index %s: %d vectors (%s)", name, index.count, index.index_type_)
    return read_manifest(directory)


def is_current(directory: Path, embedder: Embedder, info: TaxonomyInfo, settings: Settings) -> bool:
    """True when the index on disk matches the model, the import and the settings."""
    try:
        manifest = read_manifest(directory)
    except ArtifactError:
        return False
    return (
        manifest.get("model") == embedder.model_id
        and manifest.get("taxonomy", {}).get("imported_at") == info.imported_at
        and manifest.get("alt_labels") == settings.index_alt_labels
        and manifest.get("index_type") == index_type_for(int(manifest.get("count", 0)),
                                                         settings.exact_index_max)
    )
