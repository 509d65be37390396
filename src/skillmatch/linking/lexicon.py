"""Exact and alias matching of taxonomy labels in text, with character offsets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..text import tokens

# Labels that are ordinary words in running text would fire everywhere.
_STOP = frozenset(
    "a an and are as at be by for from in into is it of on or the to with you your we our "
    "will can may must should this that these those work working use using new other all any "
    "help make manage support team teams care plan able ability skills skill knowledge job "
    "role time people data service services".split()
)

MAX_TOKENS = 8
KINDS = ("preferred", "alternative", "hidden")


@dataclass(frozen=True)
class LexicalHit:
    owner: int  # skill row id
    entry: int  # label row id
    kind: str  # preferred | alternative | hidden
    start: int
    end: int


class Lexicon:
    """Maps normalised labels to the skills that carry them.

    The table is kept flat, so that it saves to arrays and loads without refitting
    (:meth:`export`, :meth:`restore`): ``keys_[g]`` is a label key, and its rows
    (owner, entry, kind) are positions ``starts_[g]`` to ``starts_[g + 1]`` of
    ``owners_``, ``entries_`` and ``kinds_``, in the order the labels were given."""

    def __init__(self, min_chars: int = 3) -> None:
        self.min_chars = min_chars

    def fit(self, labels: Iterable[tuple[int, int, str, str]]) -> Lexicon:
        """``labels``: (label id, skill id, normalised label, kind) rows."""
        table: dict[str, list[tuple[int, int, str]]] = {}
        for entry, owner, key, kind in labels:
            n = key.count(" ") + 1
            if not key or n > MAX_TOKENS or len(key) < self.min_chars or key in _STOP:
                continue
            table.setdefault(key, []).append((owner, entry, kind))
        keys = list(table)
        owners: list[int] = []
        entries: list[int] = []
        kinds: list[str] = []
        starts = [0]
        for key in keys:
            for owner, entry, kind in table[key]:
                owners.append(owner)
                entries.append(entry)
                kinds.append(kind)
            starts.append(len(owners))
        # every proper token prefix of every key, so a scan stops as soon as no label
        # can match
        proper: set[str] = set()
        for key in keys:
            parts = key.split(" ")
            for j in range(1, len(parts)):
                proper.add(" ".join(parts[:j]))
        self._set(keys, owners, entries, kinds, starts, sorted(proper - table.keys()))
        return self

    def _set(self, keys: list[str], owners: list[int], entries: list[int], kinds: list[str],
             starts: list[int], proper: list[str], max_len: int | None = None) -> None:
        self.keys_ = keys
        self.index_ = dict(zip(keys, range(len(keys))))
        self.owners_, self.entries_, self.kinds_, self.starts_ = owners, entries, kinds, starts
        self.proper_ = proper  # token prefixes of keys that are not keys themselves
        self.proper_set_ = frozenset(proper)
        self.max_len_ = (max((k.count(" ") + 1 for k in keys), default=0) if max_len is None
                         else max_len)

    # ------------------------------------------------------------ save, load
    def export(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What :meth:`restore` needs: the strings (JSON) and the rows (arrays)."""
        meta: dict[str, Any] = {"min_chars": self.min_chars, "max_tokens": MAX_TOKENS,
                                "max_len": self.max_len_, "keys": self.keys_,
                                "proper_prefixes": self.proper_}
        arrays: dict[str, np.ndarray] = {
            "owners": np.array(self.owners_, dtype=np.int64),
            "entries": np.array(self.entries_, dtype=np.int64),
            "kinds": np.array([KINDS.index(k) for k in self.kinds_], dtype=np.int8),
            "starts": np.array(self.starts_, dtype=np.int64),
        }
        return meta, arrays

    @classmethod
    def restore(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Lexicon:
        """The lexicon :meth:`export` saved, as :meth:`fit` left it."""
        lex = cls(int(meta["min_chars"]))
        lex._set(list(meta["keys"]), arrays["owners"].tolist(), arrays["entries"].tolist(),
                 [KINDS[k] for k in arrays["kinds"].tolist()], arrays["starts"].tolist(),
                 list(meta["proper_prefixes"]), meta.get("max_len"))
        return lex

    # ----------------------------------------------------------------- match
    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LexicalHit]:
        """Every label occurrence in ``text[start:end]``; longest matches only."""
        toks = tokens(text[start:end])
        words = [t for t, _, _ in toks]
        index, proper = self.index_, self.proper_set_
        hits: list[LexicalHit] = []
        covered_until = -1
        for i in range(len(words)):
            key = ""
            longest = 0
            group = -1
            for n in range(1, min(self.max_len_, len(words) - i) + 1):
                key = words[i] if n == 1 else f"{key} {words[i + n - 1]}"
                g = index.get(key)
                if g is not None:
                    longest, group = n, g
                elif key not in proper:
                    break  # no label starts with these words
            if not longest:
                continue
            s, e = toks[i][1] + start, toks[i + longest - 1][2] + start
            if e <= covered_until:
                continue  # inside a longer match found earlier
            hits.extend(LexicalHit(self.owners_[j], self.entries_[j], self.kinds_[j], s, e)
                        for j in range(self.starts_[group], self.starts_[group + 1]))
            covered_until = e
        return hits
