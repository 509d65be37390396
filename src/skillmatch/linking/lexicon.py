"""Exact and alias matching of taxonomy labels in text, with character offsets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..text import tokens

# Labels that are ordinary words in running text would fire everywhere.
_STOP = frozenset(
    "a an and are as at be by for from in into is it of on or the to with you your we our "
    "will can may must should this that these those work working use using new other all any "
    "help make manage support team teams care plan able ability skills skill knowledge job "
    "role time people data service services".split()
)

MAX_TOKENS = 8


@dataclass(frozen=True)
class LexicalHit:
    owner: int  # skill row id
    entry: int  # label row id
    kind: str  # preferred | alternative | hidden
    start: int
    end: int


class Lexicon:
    """Maps normalised labels to the skills that carry them."""

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
        self.table_ = table
        self.max_len_ = max((k.count(" ") + 1 for k in table), default=0)
        # every token prefix of every key, so a scan stops as soon as no label can match
        prefixes: set[str] = set()
        for key in table:
            parts = key.split(" ")
            for j in range(1, len(parts) + 1):
                prefixes.add(" ".join(parts[:j]))
        self.prefixes_ = frozenset(prefixes)
        return self

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LexicalHit]:
        """Every label occurrence in ``text[start:end]``; longest matches only."""
        toks = tokens(text[start:end])
        words = [t for t, _, _ in toks]
        table, prefixes = self.table_, self.prefixes_
        hits: list[LexicalHit] = []
        covered_until = -1
        for i in range(len(words)):
            key = ""
            longest = 0
            for n in range(1, min(self.max_len_, len(words) - i) + 1):
                key = words[i] if n == 1 else f"{key} {words[i + n - 1]}"
                if key not in prefixes:
                    break
                if key in table:
                    longest, found = n, key
            if not longest:
                continue
            s, e = toks[i][1] + start, toks[i + longest - 1][2] + start
            if e <= covered_until:
                continue  # inside a longer match found earlier
            hits.extend(LexicalHit(o, en, k, s, e) for o, en, k in table[found])
            covered_until = e
        return hits
