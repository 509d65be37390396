"""Exact and alias matching of taxonomy labels in text, with character offsets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..text import tokens
from .columns import StringColumn

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

    Kept as arrays, so that it saves with the index and loads without refitting
    (:meth:`export`, :meth:`restore`): label group ``g`` (one normalised key) owns rows
    ``starts_[g]`` to ``starts_[g + 1]`` of ``owners_``, ``entries_`` and ``kinds_``, in
    the order the labels were given. ``strings_`` holds every key and every token prefix
    of a key (``values_``: the key's group, -1 for a prefix only), grouped by first
    token; the scan reads the strings of a text's words only (:meth:`_shard`), so a
    lexicon of 100,000 labels starts without building a dict of them all."""

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
        rows = [row for key in table for row in table[key]]
        starts = np.zeros(len(table) + 1, dtype=np.int64)
        np.cumsum([len(v) for v in table.values()], out=starts[1:])
        # every key and every token prefix of a key, so that a scan stops as soon as no
        # label can match, grouped by first token
        value = {key: g for g, key in enumerate(table)}
        for key in table:
            i = key.find(" ")
            while i >= 0:
                value.setdefault(key[:i], -1)
                i = key.find(" ", i + 1)
        shards: dict[str, list[str]] = {}
        for key in value:
            shards.setdefault(key.partition(" ")[0], []).append(key)
        strings = [key for keys in shards.values() for key in keys]
        shard_starts = np.zeros(len(shards) + 1, dtype=np.int64)
        np.cumsum([len(keys) for keys in shards.values()], out=shard_starts[1:])
        self._set(
            strings, np.array([value[k] for k in strings], dtype=np.int64), list(shards),
            shard_starts, np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.int64),
            np.array([KINDS.index(r[2]) for r in rows], dtype=np.int8), starts,
            max((k.count(" ") + 1 for k in table), default=0))
        return self

    def _set(self, strings: Sequence[str], values: np.ndarray, firsts: list[str],
             shard_starts: np.ndarray, owners: np.ndarray, entries: np.ndarray,
             kinds: np.ndarray, starts: np.ndarray, max_len: int) -> None:
        self.strings_, self.values_ = strings, values
        self.firsts_ = firsts
        self.shard_of_ = dict(zip(firsts, range(len(firsts))))
        self.shard_starts_ = shard_starts
        self.owners_, self.entries_, self.kinds_, self.starts_ = owners, entries, kinds, starts
        self.max_len_ = max_len
        self._shards: dict[int, dict[str, int]] = {}

    def _shard(self, s: int) -> dict[str, int]:
        """Every key and key prefix starting with the first token number ``s`` -> its
        group (-1: a prefix only), made on first use."""
        shard = self._shards.get(s)
        if shard is None:
            a, b = int(self.shard_starts_[s]), int(self.shard_starts_[s + 1])
            shard = self._shards[s] = dict(zip(self.strings_[a:b],
                                               self.values_[a:b].tolist()))
        return shard

    def table(self) -> dict[str, list[tuple[int, int, str]]]:
        """Key -> its (owner, entry, kind) rows, in order (what :meth:`fit` read)."""
        out: dict[str, list[tuple[int, int, str]]] = {}
        groups = {int(v): k for k, v in zip(self.strings_, self.values_.tolist()) if v >= 0}
        for g in range(len(self.starts_) - 1):
            out[groups[g]] = [self._row(j) for j in range(int(self.starts_[g]),
                                                          int(self.starts_[g + 1]))]
        return out

    def _row(self, j: int) -> tuple[int, int, str]:
        return int(self.owners_[j]), int(self.entries_[j]), KINDS[int(self.kinds_[j])]

    # ------------------------------------------------------------ save, load
    def export(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What :meth:`restore` needs: the parameters and first tokens (JSON), the rest
        as arrays."""
        meta: dict[str, Any] = {"min_chars": self.min_chars, "max_tokens": MAX_TOKENS,
                                "max_len": self.max_len_, "firsts": self.firsts_}
        blob, offsets = StringColumn.encode(self.strings_)
        arrays: dict[str, np.ndarray] = {
            "strings_blob": blob, "strings_offsets": offsets, "values": self.values_,
            "shard_starts": self.shard_starts_, "owners": self.owners_,
            "entries": self.entries_, "kinds": self.kinds_, "starts": self.starts_,
        }
        return meta, arrays

    @classmethod
    def restore(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Lexicon:
        """The lexicon :meth:`export` saved, as :meth:`fit` left it."""
        lex = cls(int(meta["min_chars"]))
        lex._set(StringColumn(arrays["strings_blob"], arrays["strings_offsets"]),
                 arrays["values"], list(meta["firsts"]), arrays["shard_starts"],
                 arrays["owners"], arrays["entries"], arrays["kinds"], arrays["starts"],
                 int(meta["max_len"]))
        return lex

    # ----------------------------------------------------------------- match
    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LexicalHit]:
        """Every label occurrence in ``text[start:end]``; longest matches only."""
        toks = tokens(text[start:end])
        words = [t for t, _, _ in toks]
        hits: list[LexicalHit] = []
        covered_until = -1
        shard_of, shards = self.shard_of_, self._shards
        for i in range(len(words)):
            s = shard_of.get(words[i])
            if s is None:
                continue  # no label starts with this word
            shard = shards.get(s) or self._shard(s)
            key = ""
            longest = 0
            group = -1
            for n in range(1, min(self.max_len_, len(words) - i) + 1):
                key = words[i] if n == 1 else f"{key} {words[i + n - 1]}"
                g = shard.get(key)
                if g is None:
                    break  # no label starts with these words
                if g >= 0:
                    longest, group = n, g
            if not longest:
                continue
            a, e = toks[i][1] + start, toks[i + longest - 1][2] + start
            if e <= covered_until:
                continue  # inside a longer match found earlier
            hits.extend(LexicalHit(*self._row(j), a, e)
                        for j in range(int(self.starts_[group]), int(self.starts_[group + 1])))
            covered_until = e
        return hits

