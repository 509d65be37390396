"""Taxonomies, occupation crosswalks and the indexes built from them.

Imports and index builds are entries of the change log (:mod:`..storage.changes`), so
:attr:`TaxonomyService.generation` moves in every process when any process imports a
taxonomy or rebuilds an index, and each linking service refits its linker; the flows'
read snapshot (:mod:`.snapshot`) refits demand after a taxonomy or crosswalk import
(occupation codes, and what demand counts them toward, may move).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ArtifactError, InputError
from ..index.faiss_index import FaissIndex, read_manifest
from ..progress import ProgressFn
from ..storage.taxonomy_store import TaxonomyInfo
from .context import Context
from .state import State

log = logging.getLogger(__name__)


def log_index_build(conn: Any, name: str) -> None:
    """An index of ``name`` was rebuilt: every process's linker refits."""
    from ..storage.changes import log_changes
    from ..storage.db import transaction

    with transaction(conn) as c:
        log_changes(c, "index", name, "replace")

NOTHING_LOADED = "no taxonomy is loaded; run `skillmatch taxonomy import esco|onet|custom PATH`"


class TaxonomyService:
    """Import and list taxonomies and crosswalks; build, check and load the indexes."""

    def __init__(self, ctx: Context, state: State) -> None:
        self._ctx = ctx
        self._state = state

    @property
    def generation(self) -> int:
        """The change-log generation of the last taxonomy, crosswalk or index change:
        what a linker is fitted on."""
        from ..storage.changes import linker_generation

        return linker_generation(self._ctx.conn)

    # ------------------------------------------------------------ taxonomies
    def import_taxonomy(self, kind: str, path: str | Path, *, name: str | None = None,
                        version: str | None = None, replace: bool = False) -> TaxonomyInfo:
        """Parse a taxonomy source and store it in one transaction."""
        from ..taxonomy import read_taxonomy  # importers load only when importing

        bundle = read_taxonomy(kind, path, name=name, version=version)
        info = self._ctx.taxonomies.save(bundle, replace=replace)
        self._state.changed()
        log.info("imported %s %s: %s", info.name, info.version, info.counts)
        return info

    def list_taxonomies(self) -> list[TaxonomyInfo]:
        return self._ctx.taxonomies.all()

    def import_crosswalk(self, path: str | Path, kind: str | None = None
                         ) -> list[dict[str, Any]]:
        """Store the occupation code crosswalks in ``path`` (O*NET's 2010 to 2019 csv,
        BLS's SOC 2010 to 2018 xlsx, or a folder with either), each in one transaction
        (replacing one of the same kind)."""
        from ..storage.crosswalk_store import CrosswalkStore
        from ..taxonomy.crosswalk import read_crosswalks

        store = CrosswalkStore(self._ctx.conn)
        saved = [store.save(c) for c in read_crosswalks(path, kind)]
        self._state.changed()
        return saved

    def list_crosswalks(self) -> list[dict[str, Any]]:
        from ..storage.crosswalk_store import CrosswalkStore

        return CrosswalkStore(self._ctx.conn).all()

    def selection(self, taxonomies: Sequence[str] | None) -> list[str] | None:
        """The taxonomies asked for (names, or comma lists of names; else the setting
        ``taxonomies``), each checked to be loaded; None for all of them."""
        names = [p.strip() for n in taxonomies or () for p in n.split(",") if p.strip()]
        names = names or [n for n in self._ctx.settings.taxonomies if n.strip()]
        if not names:
            return None
        loaded = [t.name for t in self._ctx.taxonomies.all()]
        for name in names:
            if name not in loaded:
                raise InputError(f"unknown taxonomy {name!r} (loaded: "
                                 f"{', '.join(loaded) or 'none'})", field="taxonomy")
        return list(dict.fromkeys(names))

    # --------------------------------------------------------------- indexes
    def build_indexes(self, taxonomies: Sequence[str] = (), *, force: bool = False,
                      progress: ProgressFn | None = None) -> list[dict[str, Any]]:
        """Build the skill and occupation indexes of the named (default: all) taxonomies.

        An index already current for the model, the import and the settings is
        kept unless ``force``; the embedding cache makes rebuilds cheap.
        """
        from ..index import catalog

        ctx = self._ctx
        store = ctx.taxonomies
        infos = [store.get(n) for n in taxonomies] if taxonomies else store.all()
        if not infos:
            raise InputError(NOTHING_LOADED)
        built = []
        for info in infos:
            jobs = [
                (f"skills-{info.name}", lambda i=info: catalog.skill_entries(
                    store, i.name, ctx.settings.index_alt_labels)),
                (f"occupations-{info.name}", lambda i=info: catalog.occupation_entries(
                    ctx.conn, i.name)),
            ]
            for name, entries in jobs:
                directory = ctx.workspace.index_dir(name)
                if not force and catalog.is_current(directory, ctx.embedder, info,
                                                    ctx.settings):
                    built.append({**read_manifest(directory), "status": "current"})
                    continue
                manifest = catalog.build_index(
                    name, entries(), ctx.embedder, ctx.settings, directory, info, progress,
                    store=store)
                built.append({**manifest, "status": "built"})
                log_index_build(ctx.conn, name)
        return built

    def index_status(self) -> list[dict[str, Any]]:
        """Each taxonomy's skill and occupation index: current, stale or missing."""
        out = []
        for info in self._ctx.taxonomies.all():
            for prefix in ("skills", "occupations"):
                directory = self._ctx.workspace.index_dir(f"{prefix}-{info.name}")
                try:
                    manifest = read_manifest(directory)
                except ArtifactError:
                    out.append({"name": directory.name, "status": "missing"})
                    continue
                current = manifest.get("taxonomy", {}).get("imported_at") == info.imported_at
                out.append({**manifest, "status": "current" if current else "stale"})
        return out

    def skill_indexes(self) -> dict[str, FaissIndex]:
        """The skill indexes to link against: every loaded taxonomy that has one; the
        ones the setting ``taxonomies`` names must have one."""
        ctx = self._ctx
        store = ctx.taxonomies
        named = self.selection(None) or []
        names = [t.name for t in store.all()]
        if not names:
            raise InputError(NOTHING_LOADED)
        indexes = {}
        for name in names:
            info = store.get(name)
            directory = ctx.workspace.index_dir(f"skills-{name}")
            if name not in named and not (directory / "manifest.json").exists():
                if not named:
                    log.warning("taxonomy %s has no index yet; linking without it", name)
                continue
            index, manifest = FaissIndex.load(directory, read_only=True)
            if manifest.get("model") != ctx.embedder.model_id:
                raise ArtifactError(
                    f"{directory}: built with model {manifest.get('model')!r} but the active "
                    f"model is {ctx.embedder.model_id!r}; run `skillmatch index build`"
                )
            if manifest.get("taxonomy", {}).get("imported_at") != info.imported_at:
                log.warning("index %s is older than the %s import; rebuild it", directory, name)
            indexes[name] = index
        if not indexes:
            raise ArtifactError(
                f"no skill index built for {', '.join(names)}; run `skillmatch index build`"
            )
        return indexes
