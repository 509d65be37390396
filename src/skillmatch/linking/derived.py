"""What linking derives from a taxonomy, built once beside its skill index.

:meth:`~.linker.SkillLinker.fit` needs, for every taxonomy it links against: the skill
that owns each label id the index returns, the lexicon of normalised labels, the skill
rows, BM25 over the labels, each skill's preferred label, acronym aliases and label
stems, the hierarchy, the occupation titles, and the preferred-label and description
vectors of every skill. All of it follows from the taxonomy's import alone (the vectors
from the index's model too), so ``skillmatch index build`` computes it once (:func:`write`,
in :mod:`.derived_write`, called by :func:`~..index.catalog.build_index`) into a folder
beside the skill index, ``indexes/skills-<name>/linking-<time>-<random>/``, that the
``linking`` entry of the index manifest names together with what the tables depend on:
the format, the derivation parameters (:data:`DERIVATION`), the import's ``imported_at``
and the model.

A linker loads them (:func:`tables`): ``.npy`` files, memory-mapped when large, strings
among them as UTF-8 columns (:mod:`.columns`) decoded only when read; a few small lists
as JSON, parsed on first use; nothing pickled. A skill index without
them (built by an older release), or with tables of another import or other parameters,
is linked as before, from tables computed from the database
(:class:`ComputedTables`), with a warning naming the command that rebuilds them.
Bump :data:`FORMAT` whenever what the tables hold, or how it is derived, changes.

This module is the read side (and the public names of all three): the table types and
the format are in :mod:`.derived_tables`, the write side in :mod:`.derived_write`.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError
from ..index.faiss_index import read_manifest
from ..storage.taxonomy_store import SkillRow, TaxonomyStore
from .bm25 import LabelBM25
from .columns import Grouped, StringColumn, arrays_with
from .derived_tables import (
    DERIVATION,
    ENTRY,
    FORMAT,
    META,
    PREFIX,
    REBUILD,
    SETTINGS,
    ComputedTables,
    FeatureVectors,
    Lazy,
    SkillChain,
    SkillTable,
    TaxonomyTables,
)
from .derived_write import write
from .document import TitleMatcher
from .lexicon import Lexicon

__all__ = ["DERIVATION", "ENTRY", "FORMAT", "KEEP_SECONDS", "MAP_BYTES", "META", "PREFIX",
           "REBUILD", "SETTINGS", "ComputedTables", "FeatureVectors", "Lazy", "LoadedTables",
           "SkillChain", "SkillTable", "TaxonomyTables", "live_folder", "load", "prune",
           "stale_reason", "tables", "write"]

log = logging.getLogger(__name__)

MAP_BYTES = 1 << 16  # arrays this large are memory-mapped, smaller ones read
KEEP_SECONDS = 60.0  # a replaced folder stays this long for linkers still opening it


class LoadedTables(TaxonomyTables):
    """The tables :func:`write` saved. Every file is opened when the tables are (the
    arrays memory-mapped, the JSON read), so a rebuild replacing the folder later
    cannot pull a file from under a linker; the JSON is parsed on first use."""

    source = "loaded"

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        super().__init__(meta["taxonomy"]["name"], meta["taxonomy"]["imported_at"])
        self.folder = folder
        self.meta = meta
        self._arrays = {p.stem: _array(p) for p in folder.glob("*.npy")}
        self._json = {p.stem: p.read_bytes() for p in folder.glob("*.json") if p.name != META}
        missing = (set(meta["files"]) - {f"{k}.npy" for k in self._arrays}
                   - {f"{k}.json" for k in self._json})
        if missing:
            raise FileNotFoundError(folder / sorted(missing)[0])

    def _parsed(self, name: str) -> Any:
        return json.loads(self._json[name])

    def _prefixed(self, prefix: str) -> dict[str, np.ndarray]:
        return arrays_with(prefix, self._arrays)

    @cached_property
    def _skill_ids(self) -> list[int]:
        ids: list[int] = self._arrays["skill_ids"].tolist()
        return ids

    @cached_property
    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        return self._arrays["entry_ids"], self._arrays["entry_owners"]

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon.restore({**self.meta["lexicon"], **self._parsed("lexicon")},
                               self._prefixed("lexicon_"))

    @cached_property
    def skills(self) -> Mapping[int, SkillRow]:
        return SkillTable(self.name, self._skill_ids, {
            c: StringColumn(self._arrays[f"skills_{c}_blob"], self._arrays[f"skills_{c}_offsets"])
            for c in SkillTable.COLUMNS})

    @cached_property
    def bm25(self) -> LabelBM25:
        return LabelBM25.restore({**self.meta["bm25"], **self._parsed("bm25")},
                                 self._prefixed("bm25_"))

    @cached_property
    def preferred(self) -> Mapping[int, int]:
        def load() -> dict[int, int]:
            labels = self._arrays["preferred_label"].tolist()
            return {s: p for s, p in zip(self._skill_ids, labels) if p >= 0}
        return Lazy(load)

    @cached_property
    def acronyms(self) -> frozenset[int]:
        return frozenset(self._arrays["acronyms"].tolist())

    @cached_property
    def label_stems(self) -> Mapping[int, frozenset[str]]:
        return Grouped.decode(arrays_with("label_stems_", self._arrays), frozenset)

    @cached_property
    def parents(self) -> Mapping[int, set[str]]:
        return Grouped.decode(arrays_with("parents_", self._arrays), set)

    @cached_property
    def titles(self) -> TitleMatcher:
        def load() -> dict[str, tuple[str, str, str]]:
            data = self._parsed("titles")
            return {k: (t, c, lab) for k, t, c, lab in
                    zip(data["keys"], data["taxonomies"], data["codes"], data["labels"])}
        return TitleMatcher.from_table(Lazy(load))

    @cached_property
    def vectors(self) -> FeatureVectors | None:
        if "pref_vectors" not in self._arrays:
            return None
        return (self._arrays["skill_ids"], self._arrays["pref_vectors"],
                self._arrays["desc_vectors"])


def _array(path: Path) -> np.ndarray:
    """A saved array: memory-mapped when large (a link reads a few rows of it), else read."""
    mapped = path.stat().st_size >= MAP_BYTES
    array: np.ndarray = np.load(path, mmap_mode="r" if mapped else None, allow_pickle=False)
    return array


def live_folder(directory: Path) -> str | None:
    """The folder the live manifest of the index in ``directory`` names, if any."""
    try:
        entry = read_manifest(directory).get(ENTRY)
    except ArtifactError:
        return None
    return entry.get("folder") if isinstance(entry, dict) else None


def prune(directory: Path, keep: set[str | None]) -> None:
    """Remove linking folders of ``directory`` not in ``keep`` (the live one and the one
    it replaced) and temporary folders of writers that died, once they are
    :data:`KEEP_SECONDS` old."""
    now = time.time()
    for path in [*Path(directory).glob(f"{PREFIX}*"), *Path(directory).glob(f".{PREFIX}*.tmp")]:
        if not path.is_dir() or path.name in keep:
            continue
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            continue


def stale_reason(entry: Any, imported_at: str) -> str | None:
    """Why a manifest's linking entry cannot be used for the import ``imported_at``;
    None when it can."""
    if not isinstance(entry, dict):
        return "the skill index was built without them (by an older release)"
    if entry.get("format") != FORMAT or entry.get("derivation") != DERIVATION:
        return (f"they were saved in format {entry.get('format')!r} "
                f"({entry.get('derivation')}), this release reads {FORMAT} ({DERIVATION})")
    if entry.get("taxonomy", {}).get("imported_at") != imported_at:
        return (f"they were built from the import of {entry.get('taxonomy', {}).get('imported_at')}"
                f", the taxonomy was imported at {imported_at}")
    return None


def load(directory: Path, name: str, imported_at: str) -> LoadedTables | str:
    """The tables saved beside the skill index in ``directory``, or why they cannot be
    used (missing, stale, unreadable)."""
    for attempt in range(3):
        try:
            manifest = read_manifest(directory)
        except ArtifactError:
            return "the taxonomy has no skill index"
        entry = manifest.get(ENTRY)
        reason = stale_reason(entry, imported_at)
        if reason is not None or not isinstance(entry, dict):
            return reason or "no linking entry"
        folder = Path(directory) / str(entry["folder"])
        try:
            meta = json.loads((folder / META).read_text())
            if meta.get("taxonomy", {}).get("name") != name:
                return f"they are the tables of taxonomy {meta.get('taxonomy', {}).get('name')!r}"
            return LoadedTables(folder, meta)
        except FileNotFoundError:  # replaced by a rebuild since the manifest was read
            if attempt == 2:
                return f"{folder.name} is incomplete"
            time.sleep(0.01 * (attempt + 1))
        except (OSError, ValueError, KeyError) as exc:
            return f"{folder.name} is unreadable ({exc})"
    raise AssertionError("unreachable")


def tables(store: TaxonomyStore, name: str, imported_at: str,
           directory: Path | None) -> TaxonomyTables:
    """The linking tables of taxonomy ``name``: those saved beside its skill index in
    ``directory`` when current, else computed from the database (with a warning naming
    the command that saves them, when a directory was given)."""
    if directory is not None:
        loaded = load(directory, name, imported_at)
        if isinstance(loaded, LoadedTables):
            return loaded
        log.warning("linking tables of taxonomy %s are not usable (%s): computing them, "
                    "which slows every start; save them with `%s`", name, loaded, REBUILD)
    return ComputedTables(store, name, imported_at)
