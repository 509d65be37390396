"""Record indexes follow the database: catch-up, reconciliation and the consistency check.

The database is the truth: a credential or posting is committed together with its
skills, its vector (``record_vectors``) and a change-log entry. The FAISS index files
of a kind then *follow*: :func:`sync_record_index` takes the writers' lock, loads the
live version, applies the changes committed since the generation that version
reflects (vectors of records written, tombstones for records deleted), reconciles
whatever is still out of step (a process killed between its commit and its index
save), and saves a new version (:meth:`FaissIndex.save`: unique names, atomic
switch). Writers never lose each other's vectors, because each applies the database
to the newest version under the lock instead of saving its own copy over it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..locks import file_lock
from ..storage import changes
from ..storage.records_store import RecordStore
from .faiss_index import FaissIndex, exists

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Consistency:
    """Every live record has exactly one live vector, and no live vector belongs to a
    deleted record."""

    kind: str
    records: int
    vectors: int
    missing: list[int]  # live records without a live vector
    orphans: list[int]  # live vectors of records that no longer exist
    duplicates: int  # positions alive more than once for one id

    @property
    def ok(self) -> bool:
        return not self.missing and not self.orphans and not self.duplicates

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "records": self.records, "vectors": self.vectors,
                "missing": self.missing[:20], "orphans": self.orphans[:20],
                "duplicates": self.duplicates, "ok": self.ok}


def open_index(directory: Path, dimension: int) -> tuple[FaissIndex, dict[str, Any]]:
    if exists(directory):
        return FaissIndex.load(directory)
    empty = FaissIndex(dimension).build(np.empty(0, dtype=np.int64),
                                        np.empty((0, dimension), dtype=np.float32))
    return empty, {}


def sync_record_index(store: RecordStore, kind: str, directory: Path, lock: Path,
                      dimension: int, manifest: dict[str, Any]) -> dict[str, Any]:
    """Bring the index files of ``kind`` up to the committed database (see the
    module's docstring); returns what it did: vectors added and removed, the ids that
    reconciliation restored (``restored``: records the index lacked outside the
    change log's window) and the generation the index now reflects."""
    with file_lock(lock):
        index, saved = open_index(directory, dimension)
        target = changes.generation(store.conn)
        done: dict[str, Any] = {"added": 0, "removed": 0, "restored": [],
                                "generation": target}
        base = int(saved.get("generation", -1))
        if base >= 0:
            latest: dict[int, str] = {}
            for change in changes.since(store.conn, base, target):
                if change.scope == "record" and change.kind == kind and change.row_id:
                    latest[change.row_id] = change.op
            gone = [rid for rid, op in latest.items() if op == "delete"]
            written = [rid for rid, op in latest.items() if op == "upsert"]
        else:  # an index from before the change log: reconcile everything
            gone, written = [], []
        done["removed"] += index.remove(np.array(gone, dtype=np.int64))
        ids, vectors = store.vectors(kind, written, dimension)
        if len(ids):
            index.add(ids, vectors)
            done["added"] += len(ids)
        fixed = _reconcile(store, kind, index, dimension, full=base < 0)
        done["added"] += len(fixed["added"])
        done["removed"] += fixed["removed"]
        done["restored"] = fixed["added"]
        if done["added"] or done["removed"] or base != target or not exists(directory):
            index.save(directory, {**manifest, "generation": target})
        return done


def _reconcile(store: RecordStore, kind: str, index: FaissIndex, dimension: int,
               full: bool) -> dict[str, Any]:
    """Vectors for live records the index lacks (from the database), tombstones for
    index entries of records that are gone; and back-fills the database's vectors of
    records indexed before vectors were stored there (``full``: check for them even
    when the counts agree)."""
    live = set(store.ids(kind))
    indexed = set(index.pos_)
    out: dict[str, Any] = {"added": [], "removed": 0}
    orphans = sorted(indexed - live)
    if orphans:
        out["removed"] = index.remove(np.array(orphans, dtype=np.int64))
        log.info("%s index: removed %d vectors of deleted records", kind, len(orphans))
    missing = sorted(live - indexed)
    if missing:
        ids, vectors = store.vectors(kind, missing, dimension)
        if len(ids):
            index.add(ids, vectors)
            out["added"] = ids.tolist()
        if len(ids) < len(missing):
            log.warning("%s index: %d records have no stored vector; re-import them with "
                        "--force", kind, len(missing) - len(ids))
    if full or store.vector_count(kind) < len(live):
        stored = store.vector_ids(kind)
        backfill = sorted((live & indexed) - stored)
        if backfill:
            log.info("%s: storing %d vectors from the index in the database", kind,
                     len(backfill))
            for i in range(0, len(backfill), 5000):
                part = np.array(backfill[i : i + 5000], dtype=np.int64)
                store.save_vectors(kind, part.tolist(), index.vectors(part), "")
    return out


def check(store: RecordStore, kind: str, directory: Path) -> Consistency:
    """The consistency check of one kind's index files against the database."""
    live = store.ids(kind)
    if not exists(directory):
        return Consistency(kind, len(live), 0, live, [], 0)
    index, _ = FaissIndex.load(directory)
    alive_ids = index.ids_[index.alive_]
    unique, counts = np.unique(alive_ids, return_counts=True)
    have = set(unique.tolist())
    wanted = set(live)
    return Consistency(kind, len(live), int(len(alive_ids)), sorted(wanted - have),
                       sorted(have - wanted), int((counts > 1).sum()))
