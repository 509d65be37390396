"""Read snapshots: what the flows read, at one generation of the workspace.

A :class:`Snapshot` holds the demand model, the occupation codes, and (made on first
use, under the snapshot's lock) the catalogue view and the posting centroids, all as
of one generation of the change log (:mod:`skillmatch.storage.changes`). It is never
changed. :class:`SnapshotHolder` hands out the current one: each call compares the
database's generation with its snapshot's (one indexed query) and, when another
thread or process has committed since, builds the next snapshot from the previous
one plus just the changed records (:meth:`DemandModel.with_changes`,
:meth:`CatalogView.with_changes`), reading them in one read transaction so a record
is never seen without its skills or its skills without their demand. The new
snapshot is swapped in whole; readers still holding the old one finish with it.

The demand model is persisted (``derived/demand/``, ``.npy`` files and a manifest
naming its generation, written under a unique name and switched atomically) so a
new process starts warm: it loads the newest persisted model and applies the changes
since. A taxonomy or crosswalk change refits demand from the database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import DemandModel
from ..errors import ArtifactError
from ..flows.catalog_view import CatalogView, Centroids, posting_centroids, update_centroids
from ..flows.demand_view import demand_columns, fit_demand, new_demand_model
from ..locks import file_lock
from ..progress import ProgressFn
from ..storage import changes
from ..storage.db import read_transaction
from .context import Context

if TYPE_CHECKING:
    from ..taxonomy.crosswalk import OccupationCodes

log = logging.getLogger(__name__)

# persist the demand model when a snapshot is this many changes past the persisted one
PERSIST_AFTER = 500
# refit instead of applying changes when they touch more than this share of records
REFIT_SHARE = 0.3


@dataclass
class Snapshot:
    """The workspace as of :attr:`generation` (see the module's docstring)."""

    generation: int
    taxonomy_generation: int
    demand: DemandModel
    codes: OccupationCodes
    persisted: int  # the generation of the newest persisted demand model
    _ctx: Context = field(repr=False)
    _catalog: CatalogView | None = field(default=None, repr=False)
    _centroids: Centroids | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def catalog(self) -> CatalogView:
        """The stored credentials: rows, text vectors and taught skills."""
        with self._lock:
            if self._catalog is None:
                self._catalog = CatalogView.load(self._ctx.records,
                                                 self._ctx.embedder.dimension)
            return self._catalog

    @property
    def centroids(self) -> Centroids:
        """Per occupation code used by postings: its most common title and the unit
        mean of its postings' vectors."""
        with self._lock:
            if self._centroids is None:
                self._centroids = posting_centroids(self._ctx.records,
                                                    self._ctx.embedder.dimension)
            return self._centroids


class SnapshotHolder:
    """Hands out the current :class:`Snapshot`, building the next one when the
    workspace has changed (one builder at a time; see the module's docstring)."""

    def __init__(self, ctx: Context,
                 on_taxonomy_change: Callable[[], None] | None = None) -> None:
        self._ctx = ctx
        self._on_taxonomy_change = on_taxonomy_change
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def demand_dir(self) -> Path:
        return self._ctx.workspace.derived_dir("demand")

    def current(self, progress: ProgressFn | None = None) -> Snapshot:
        conn = self._ctx.conn
        snap = self._snapshot
        if snap is not None and snap.generation == changes.generation(conn):
            return snap
        with self._lock:
            if self._snapshot is None:
                self._reconcile_indexes()
            with read_transaction(conn):
                generation = changes.generation(conn)
                snap = self._snapshot
                if snap is None or snap.generation != generation:
                    snap = self._next(snap, generation, progress)
            self._snapshot = snap
        if snap.generation - snap.persisted >= PERSIST_AFTER:
            self.persist(snap)
        return snap

    def drop(self) -> None:
        """Forget the snapshot (the next call builds one from the persisted state)."""
        with self._lock:
            self._snapshot = None

    def _reconcile_indexes(self) -> None:
        """On open, the record index files are reconciled from the database when they
        lag it: a process killed between its commit and its index save, or a workspace
        from before record vectors were kept in the database (their vectors are then
        stored from the index files, once)."""
        from ..catalog.pipeline import INDEXED, index_lock
        from ..index.faiss_index import exists, read_manifest
        from ..index.sync import sync_record_index

        records, conn = self._ctx.records, self._ctx.conn
        for kind, name in INDEXED.items():
            directory = self._ctx.workspace.index_dir(name)
            if not exists(directory):
                continue
            behind = changes.record_changes_after(
                conn, kind, int(read_manifest(directory).get("generation", -1)))
            if behind or records.count(kind) > records.vector_count(kind):
                log.info("bringing the %s index up to the database", name)
                sync_record_index(records, kind, directory, index_lock(directory),
                                  self._ctx.embedder.dimension,
                                  {"name": name, "model": self._ctx.embedder.model_id,
                                   "records": kind})

    # ---------------------------------------------------------------- build
    def _next(self, old: Snapshot | None, generation: int,
              progress: ProgressFn | None) -> Snapshot:
        conn = self._ctx.conn
        tax_gen = changes.taxonomy_generation(conn)
        if old is not None and old.taxonomy_generation != tax_gen:
            if self._on_taxonomy_change is not None:
                self._on_taxonomy_change()
            old = None
        if old is None:
            return self._open(generation, tax_gen, progress)
        new = self._advance(old, generation)
        assert new is not None  # without refit_share it always applies the changes
        return new

    def _codes(self) -> OccupationCodes:
        from ..storage.crosswalk_store import CrosswalkStore
        from ..taxonomy.crosswalk import OccupationCodes

        store = CrosswalkStore(self._ctx.conn)
        return OccupationCodes(self._ctx.occupations.codes_of_kind("onet"),
                               store.mapping("onet-2010"), store.mapping("soc-2010"))

    def _open(self, generation: int, tax_gen: int, progress: ProgressFn | None) -> Snapshot:
        """The persisted demand model caught up to ``generation``, or a fresh fit."""
        codes = self._codes()
        loaded = self._load(tax_gen)
        if loaded is not None:
            model, base = loaded
            snap = Snapshot(base, tax_gen, model, codes, base, self._ctx)
            if base == generation:
                return snap
            advanced = self._advance(snap, generation, refit_share=REFIT_SHARE)
            if advanced is not None:
                return advanced
        started = time.perf_counter()
        model = fit_demand(self._ctx.records, self._ctx.settings, codes.canonical, progress)
        log.info("demand fitted on %d records in %.1f s", len(model.row_id_),
                 time.perf_counter() - started)
        return Snapshot(generation, tax_gen, model, codes, -PERSIST_AFTER, self._ctx)

    def _advance(self, old: Snapshot, generation: int,
                 refit_share: float | None = None) -> Snapshot | None:
        """``old`` plus the record changes up to ``generation`` (None when they touch
        more than ``refit_share`` of the records: a refit is cheaper)."""
        conn = self._ctx.conn
        touched: dict[str, set[int]] = {"credential": set(), "posting": set(), "need": set()}
        for change in changes.since(conn, old.generation, generation):
            if change.scope == "record" and change.row_id is not None:
                touched[change.kind].add(change.row_id)
        demand_ids = {k: sorted(touched[k]) for k in ("posting", "need")}
        n_changed = sum(len(v) for v in demand_ids.values())
        if refit_share is not None and n_changed > refit_share * max(
                len(old.demand.row_id_), 1):
            return None
        demand = old.demand
        if n_changed:
            added, _, recode = demand_columns(self._ctx.records, demand_ids,
                                              old.codes.canonical, self._ctx.settings)
            demand = demand.with_changes(
                [(k, rid) for k, ids in demand_ids.items() for rid in ids], added)
            for was, now in recode.items():
                if was != now:
                    before = demand.recoded_.get(was, (now, 0))[1]
                    demand.recoded_[was] = (now, before + 1)
        new = Snapshot(generation, old.taxonomy_generation, demand, old.codes,
                       old.persisted, self._ctx)
        dimension = self._ctx.embedder.dimension
        if old._catalog is not None:
            new._catalog = (old._catalog.with_changes(self._ctx.records,
                                                      touched["credential"], dimension)
                            if touched["credential"] else old._catalog)
        if old._centroids is not None:
            if touched["posting"]:
                dirty = _posting_codes(self._ctx, touched["posting"]) | _old_codes(
                    old.demand, touched["posting"])
                new._centroids = update_centroids(old._centroids, self._ctx.records,
                                                  dimension, dirty)
            else:
                new._centroids = old._centroids
        return new

    # ------------------------------------------------------------ persisted
    def _fingerprint(self, tax_gen: int) -> dict[str, Any]:
        model = new_demand_model(self._ctx.settings)
        return {"params": model.get_params(), "taxonomy_generation": tax_gen}

    def _load(self, tax_gen: int) -> tuple[DemandModel, int] | None:
        directory = self.demand_dir
        try:
            name = (directory / "CURRENT").read_text().strip()
            model, meta = DemandModel.load(directory / name)
        except (FileNotFoundError, ArtifactError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.warning("persisted demand not used: %s", exc)
            return None
        if meta.get("fingerprint") != json.loads(json.dumps(self._fingerprint(tax_gen))):
            log.info("persisted demand is for other settings or taxonomies: refitting")
            return None
        return model, int(meta["generation"])

    def persisted_generation(self) -> int:
        """The generation of the newest persisted demand model (-1 for none)."""
        try:
            live = (self.demand_dir / "CURRENT").read_text().strip()
            meta = json.loads((self.demand_dir / live / "manifest.json").read_text())
            return int(meta.get("generation", -1))
        except (FileNotFoundError, ValueError):
            return -1

    def persist(self, snap: Snapshot | None = None) -> None:
        """Write the snapshot's demand model (default: the current one) as the newest
        persisted version, unless a newer one is already there."""
        snap = snap or self.current()
        directory = self.demand_dir
        directory.mkdir(parents=True, exist_ok=True)
        with file_lock(directory.parent / ".demand.lock"):
            if self.persisted_generation() >= snap.generation:
                snap.persisted = snap.generation
                return
            try:
                live = (directory / "CURRENT").read_text().strip()
            except FileNotFoundError:
                live = ""
            version = f"v-{snap.generation:012d}-{uuid.uuid4().hex[:8]}"
            tmp = directory / f".{version}.tmp"
            snap.demand.save(tmp, {"generation": snap.generation,
                                   "fingerprint": self._fingerprint(snap.taxonomy_generation)})
            os.rename(tmp, directory / version)
            pointer = directory / f".CURRENT.{uuid.uuid4().hex}.tmp"
            pointer.write_text(version + "\n")
            os.replace(pointer, directory / "CURRENT")
            for old in directory.glob("v-*"):
                if old.name not in (version, live):
                    shutil.rmtree(old, ignore_errors=True)
            snap.persisted = snap.generation
        log.info("persisted demand at generation %d", snap.generation)


def _posting_codes(ctx: Context, ids: set[int]) -> set[str]:
    return {r["occupation_code"] for r in ctx.records.rows("posting", sorted(ids))}


def _old_codes(demand: DemandModel, ids: set[int]) -> set[str]:
    """Occupation codes (as written) of postings in ``demand`` among ``ids``: the
    centroids they leave when changed or deleted."""
    at = (demand.kind_ == 0) & demand.alive_ & np.isin(
        demand.row_id_, np.array(sorted(ids), dtype=np.int64))
    counted = {str(demand.occupations_[i]) for i in demand.occupation_[at].tolist()}
    raw = {was for was, (now, _) in demand.recoded_.items() if now in counted}
    return counted | raw
