"""The tables linking derives from a taxonomy (see :mod:`.derived`): their types and
the format they are saved in.

:class:`TaxonomyTables` names what :meth:`~.linker.SkillLinker.fit` reads, each part
computed or read on first use; :class:`ComputedTables` computes them from the database,
:class:`~.derived.LoadedTables` reads those :func:`~.derived_write.write` saved.
:data:`FORMAT` and :data:`DERIVATION` (every parameter and word list they depend on,
digested) say which saved tables this release can read.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TypeVar

import numpy as np

from ..storage.taxonomy_store import LabelRow, SkillRow, TaxonomyStore
from . import bm25 as _bm25
from . import document as _document
from . import lexicon as _lexicon
from .bm25 import LabelBM25
from .document import TitleMatcher, acronym_entries
from .lexicon import Lexicon

FORMAT = 3  # 3: strings as UTF-8 columns, the lexicon by first token
ENTRY = "linking"  # the key of the index manifest naming the folder
PREFIX = "linking-"
META = "meta.json"
REBUILD = "skillmatch index build --force"

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

