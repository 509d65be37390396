"""BM25 over skill labels: lexical evidence that survives word order and inflection.

Each skill is one document: its preferred, alternative and hidden labels, tokenised
to lower-case word stems (a light suffix strip: "welding" and "welds" meet "weld").
A text is scored only against the skills the dense search proposed (the candidates),
so the cost per text is its number of distinct words times its candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it of on or other such that the their "
    "to use using with within without".split())


def stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


class LabelBM25:
    """Okapi BM25 with documents = skills (all their labels); :meth:`fit` then score."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b

    def fit(self, rows: Iterable[tuple[int, str]]) -> LabelBM25:
        """``rows``: (skill id, label text), several per skill."""
        docs: dict[int, Counter[str]] = {}
        for owner, text in rows:
            docs.setdefault(owner, Counter()).update(tokens(text))
        df: Counter[str] = Counter()
        for counts in docs.values():
            df.update(counts.keys())
        n = max(len(docs), 1)
        self.idf_ = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.docs_ = docs
        self.lengths_ = {owner: sum(c.values()) for owner, c in docs.items()}
        self.avg_length_ = sum(self.lengths_.values()) / n if docs else 1.0
        return self

    def scores(self, text: str, owners: Iterable[int]) -> dict[int, float]:
        """BM25 of ``text`` (the query) against each of ``owners``; 0 for unknown skills."""
        query = set(tokens(text)) & self.idf_.keys()
        out = {}
        for owner in owners:
            doc = self.docs_.get(owner)
            if not doc or not query:
                out[owner] = 0.0
                continue
            norm = self.k1 * (1 - self.b + self.b * self.lengths_[owner] / self.avg_length_)
            total = 0.0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    total += self.idf_[term] * tf * (self.k1 + 1) / (tf + norm)
            out[owner] = total
        return out
