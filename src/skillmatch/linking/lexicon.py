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
        return self

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LexicalHit]:
        """Every label occurrence in ``text[start:end]``; longest matches only."""
        toks = tokens(text[start:end])
        hits: list[LexicalHit] = []
        covered_until = -1
        for i in range(len(toks)):
            for n in range(min(self.max_len_, len(toks) - i), 0, -1):
                key = " ".join(t for t, _, _ in toks[i : i + n])
                owners = self.table_.get(key)
                if not owners:
                    continue
                s, e = toks[i][1] + start, toks[i + n - 1][2] + start
                if e <= covered_until:
                    break  # inside a longer match found earlier
                hits.extend(LexicalHit(o, en, k, s, e) for o, en, k in owners)
                covered_until = e
                break
        return hits
