"""What linking derives from a taxonomy, built once beside its skill index.

:meth:`~.linker.SkillLinker.fit` needs, for every taxonomy it links against: the skill
that owns each label id the index returns, the lexicon of normalised labels, the skill
rows, BM25 over the labels, each skill's preferred label, acronym aliases and label
stems, the hierarchy, the occupation titles, and the preferred-label and description
vectors of every skill. All of it follows from the taxonomy's import alone (the vectors
from the index's model too), so ``skillmatch index build`` computes it once (:func:`write`,
called by :func:`~..index.catalog.build_index`) into a folder beside the skill index,
``indexes/skills-<name>/linking-<time>-<random>/``, that the ``linking`` entry of the
index manifest names together with what the tables depend on: the format, the
derivation parameters (:data:`DERIVATION`), the import's ``imported_at`` and the model.

A linker loads them (:func:`tables`): ``.npy`` files, memory-mapped when large, strings
among them as UTF-8 columns (:mod:`.columns`) decoded only when read; a few small lists
as JSON, parsed on first use; nothing pickled. A skill index without
them (built by an older release), or with tables of another import or other parameters,
is linked as before, from tables computed from the database
(:class:`ComputedTables`), with a warning naming the command that rebuilds them.
Bump :data:`FORMAT` whenever what the tables hold, or how it is derived, changes.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..errors import ArtifactError
from ..index.faiss_index import read_manifest
from ..storage.taxonomy_store import LabelRow, SkillRow, TaxonomyStore
from . import bm25 as _bm25
from . import document as _document
from . import lexicon as _lexicon
from .bm25 import LabelBM25
from .columns import Grouped, StringColumn, arrays_with
from .document import TitleMatcher, acronym_entries
from .lexicon import Lexicon

log = logging.getLogger(__name__)

FORMAT = 3  # 3: strings as UTF-8 columns, the lexicon by first token
ENTRY = "linking"  # the key of the index manifest naming the folder
PREFIX = "linking-"
META = "meta.json"
REBUILD = "skillmatch index build --force"
MAP_BYTES = 1 << 16  # arrays this large are memory-mapped, smaller ones read
KEEP_SECONDS = 60.0  # a replaced folder stays this long for linkers still opening it

K = TypeVar("K")
V = TypeVar("V")


def _digest() -> str:
    """Every parameter and word list the tables depend on, digested: changing any of
    them makes tables saved before stale."""
    lex, bm25 = Lexicon(), LabelBM25()
    parts = {
        "lexicon": [lex.min_chars, _lexicon.MAX_TOKENS, sorted(_lexicon._STOP)],
        "bm25": [bm25.k1, bm25.b, sorted(_bm25.STOPWORDS)],
        "document": [_document._ACRONYM.pattern, sorted(_document._STEM_STOP),
                     sorted(_document._SENIORITY), _document._BRACKETS.pattern],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


DERIVATION = _digest()
SETTINGS = {"lexicon_min_chars": Lexicon().min_chars, "lexicon_max_tokens": _lexicon.MAX_TOKENS,
            "bm25_k1": LabelBM25().k1, "bm25_b": LabelBM25().b}


class Lazy(Mapping[K, V]):
    """A mapping built on first use (a part of the tables few links read)."""

    def __init__(self, load: Callable[[], Mapping[K, V]]) -> None:
        self._load: Callable[[], Mapping[K, V]] | None = load
        self._data: Mapping[K, V] = {}

    @property
    def data(self) -> Mapping[K, V]:
        if self._load is not None:
            self._data, self._load = self._load(), None
        return self._data

    def __getitem__(self, key: K) -> V:
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def __iter__(self) -> Iterator[K]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class SkillTable(Mapping[int, SkillRow]):
    """Skill row id -> :class:`SkillRow` of one taxonomy, from saved columns; a row is
    made on first use (a link reads a handful of the thousands)."""

    COLUMNS = ("code", "label", "description", "skill_type", "reuse_level")

    def __init__(self, taxonomy: str, ids: list[int], columns: Mapping[str, Sequence[str]]
                 ) -> None:
        self.taxonomy = taxonomy
        self._ids = ids
        self._pos = dict(zip(ids, range(len(ids))))
        self._columns = columns
        self._rows: dict[int, SkillRow] = {}

    def __getitem__(self, sid: int) -> SkillRow:
        row = self._rows.get(sid)
        if row is None:
            i, c = self._pos[sid], self._columns
            row = SkillRow(self._ids[i], c["code"][i], c["label"][i], self.taxonomy,
                           c["description"][i], c["skill_type"][i], c["reuse_level"][i])
            self._rows[sid] = row
        return row

    def __contains__(self, sid: object) -> bool:
        return sid in self._pos

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class SkillChain(Mapping[int, SkillRow]):
    """The skill rows of several taxonomies, by ascending id."""

    def __init__(self, parts: list[Mapping[int, SkillRow]]) -> None:
        self.parts = parts

    def __getitem__(self, sid: int) -> SkillRow:
        for part in self.parts:
            if sid in part:
                return part[sid]
        raise KeyError(sid)

    def __contains__(self, sid: object) -> bool:
        return any(sid in part for part in self.parts)

    def __iter__(self) -> Iterator[int]:
        return heapq.merge(*self.parts)

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)


FeatureVectors = tuple[np.ndarray, np.ndarray, np.ndarray]  # skill ids, preferred, description


class TaxonomyTables:
    """What linking derives from one taxonomy; each part computed or read on first use."""

    source = "computed"

    def __init__(self, name: str, imported_at: str) -> None:
        self.name = name
        self.imported_at = imported_at

    @cached_property
    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Label row ids (ascending) and the skill row id owning each."""
        raise NotImplementedError

    @cached_property
    def lexicon(self) -> Lexicon:
        raise NotImplementedError

    @cached_property
    def skills(self) -> Mapping[int, SkillRow]:
        raise NotImplementedError

    @cached_property
    def bm25(self) -> LabelBM25:
        raise NotImplementedError

    @cached_property
    def preferred(self) -> Mapping[int, int]:
        """Skill row id -> its preferred label's row id."""
        raise NotImplementedError

    @cached_property
    def acronyms(self) -> frozenset[int]:
        """Row ids of the alternative and hidden labels that are acronyms."""
        raise NotImplementedError

    @cached_property
    def label_stems(self) -> Mapping[int, frozenset[str]]:
        raise NotImplementedError

    @cached_property
    def parents(self) -> Mapping[int, set[str]]:
        """Skill row id -> the codes of its broader concepts."""
        raise NotImplementedError

    @cached_property
    def titles(self) -> TitleMatcher:
        raise NotImplementedError

    @cached_property
    def vectors(self) -> FeatureVectors | None:
        """Every skill's preferred-label and description vector (rows in ascending skill
        id order), when saved; None: the linker reads them from the index."""
        return None


class ComputedTables(TaxonomyTables):
    """The tables computed from the database (what every start did before they were
    saved with the index)."""

    def __init__(self, store: TaxonomyStore, name: str, imported_at: str) -> None:
        super().__init__(name, imported_at)
        self.store = store

    @cached_property
    def _labels(self) -> list[LabelRow]:
        return list(self.store.labels([self.name]))

    @cached_property
    def _document(self) -> tuple[set[int], dict[int, int], dict[int, frozenset[str]]]:
        return acronym_entries(self._labels)

    @cached_property
    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        ids, owners = self.store.label_owners([self.name])
        return np.array(ids, dtype=np.int64), np.array(owners, dtype=np.int64)

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon().fit(self.store.lexical_rows([self.name]))

    @cached_property
    def skills(self) -> Mapping[int, SkillRow]:
        return {s.id: s for s in self.store.skills([self.name])}

    @cached_property
    def bm25(self) -> LabelBM25:
        return LabelBM25().fit((lab.skill_id, lab.label) for lab in self._labels)

    @cached_property
    def preferred(self) -> Mapping[int, int]:
        return self._document[1]

    @cached_property
    def acronyms(self) -> frozenset[int]:
        return frozenset(self._document[0])

    @cached_property
    def label_stems(self) -> Mapping[int, frozenset[str]]:
        return self._document[2]

    @cached_property
    def parents(self) -> Mapping[int, set[str]]:
        parents: dict[int, set[str]] = {}
        for sid, code in self.store.broader_codes([self.name]):
            parents.setdefault(sid, set()).add(code)
        return parents

    @cached_property
    def titles(self) -> TitleMatcher:
        return TitleMatcher().fit(self.store.occupation_titles([self.name]))


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


# ------------------------------------------------------------------------- write
def write(directory: Path, tables: TaxonomyTables, *, model: str,
          vectors: FeatureVectors | None = None) -> dict[str, Any]:
    """Save ``tables`` in a new folder of ``directory`` (written under a temporary name,
    then renamed) and return the manifest entry naming it (:data:`ENTRY`)."""
    started = time.perf_counter()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    folder = f"{PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    tmp = directory / f".{folder}.tmp"
    tmp.mkdir()
    files: list[str] = []

    def array(name: str, value: np.ndarray) -> None:
        np.save(tmp / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)
        files.append(f"{name}.npy")

    def text(name: str, value: Any) -> None:
        (tmp / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False))
        files.append(f"{name}.json")

    try:
        ids, owners = tables.entries
        array("entry_ids", ids)
        array("entry_owners", owners)
        skills = tables.skills
        skill_ids = sorted(skills)
        rows = [skills[s] for s in skill_ids]
        array("skill_ids", np.array(skill_ids, dtype=np.int64))
        for column in SkillTable.COLUMNS:
            blob, offsets = StringColumn.encode(getattr(r, column) for r in rows)
            array(f"skills_{column}_blob", blob)
            array(f"skills_{column}_offsets", offsets)
        lex_meta, lex_arrays = tables.lexicon.export()
        text("lexicon", {"firsts": lex_meta.pop("firsts")})
        for name, value in lex_arrays.items():
            array(f"lexicon_{name}", value)
        bm25_meta, bm25_arrays = tables.bm25.export()
        text("bm25", {"vocab": bm25_meta.pop("vocab")})
        for name, value in bm25_arrays.items():
            array(f"bm25_{name}", value)
        preferred = tables.preferred
        array("preferred_label", np.array([preferred.get(s, -1) for s in skill_ids],
                                          dtype=np.int64))
        array("acronyms", np.array(sorted(tables.acronyms), dtype=np.int64))
        for name, groups in (("label_stems", tables.label_stems), ("parents", tables.parents)):
            for part, value in Grouped.encode(groups).items():
                array(f"{name}_{part}", value)
        table = tables.titles.table_
        text("titles", {"keys": list(table), "taxonomies": [v[0] for v in table.values()],
                        "codes": [v[1] for v in table.values()],
                        "labels": [v[2] for v in table.values()]})
        if vectors is not None:
            vector_ids, pref, desc = vectors
            if vector_ids.tolist() != skill_ids:
                raise ValueError("feature vectors are not in the order of the skill ids")
            array("pref_vectors", pref.astype(np.float32))
            array("desc_vectors", desc.astype(np.float32))
        entry = {
            "format": FORMAT,
            "folder": folder,
            "derivation": DERIVATION,
            "settings": SETTINGS,
            "taxonomy": {"name": tables.name, "imported_at": tables.imported_at},
            "model": model,
            "counts": {"labels": int(len(ids)), "skills": len(skill_ids),
                       "lexicon_keys": len(tables.lexicon.starts_) - 1,
                       "bm25_terms": len(tables.bm25.vocab_), "titles": len(table)},
            "files": sorted(files),
        }
        meta = {**entry, "lexicon": lex_meta, "bm25": bm25_meta}
        (tmp / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        os.rename(tmp, directory / folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    entry["build_seconds"] = round(time.perf_counter() - started, 2)
    log.info("saved the linking tables of %s in %s (%.1f s)", tables.name, folder,
             entry["build_seconds"])
    return entry


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


# -------------------------------------------------------------------------- read
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
