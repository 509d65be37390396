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
from typing import Any

import numpy as np

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
    """Okapi BM25 with documents = skills (all their labels); :meth:`fit` then score.

    Kept flat, so that it saves to arrays and loads without refitting (:meth:`export`,
    :meth:`restore`): ``vocab_`` (sorted terms) with their ``idf_``, ``owners_``
    (sorted skill ids) with their ``lengths_``, and each skill's term ids and term
    frequencies at positions ``starts_[r]`` to ``starts_[r + 1]`` of ``terms_``, ``tfs_``.
    """

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
        vocab = sorted(df)
        term_id = {t: i for i, t in enumerate(vocab)}
        owners = sorted(docs)
        terms: list[int] = []
        tfs: list[int] = []
        starts = [0]
        for owner in owners:
            for term, tf in sorted(docs[owner].items()):
                terms.append(term_id[term])
                tfs.append(tf)
            starts.append(len(terms))
        self._set(vocab, [math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in vocab],
                  owners, [sum(docs[o].values()) for o in owners],
                  np.array(terms, dtype=np.int32), np.array(tfs, dtype=np.int32),
                  np.array(starts, dtype=np.int64))
        return self

    def _set(self, vocab: list[str], idf: list[float], owners: list[int], lengths: list[int],
             terms: np.ndarray, tfs: np.ndarray, starts: np.ndarray) -> None:
        self.vocab_, self.idf_ = vocab, idf
        self.term_id_ = dict(zip(vocab, range(len(vocab))))
        self.owners_, self.lengths_ = owners, lengths
        self.row_ = dict(zip(owners, range(len(owners))))
        self.terms_, self.tfs_, self.starts_ = terms, tfs, starts
        self.avg_length_ = sum(lengths) / max(len(owners), 1) if owners else 1.0

    # ------------------------------------------------------------ save, load
    def export(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What :meth:`restore` needs: the parameters and terms (JSON), the rest arrays."""
        meta: dict[str, Any] = {"k1": self.k1, "b": self.b, "vocab": self.vocab_}
        arrays: dict[str, np.ndarray] = {
            "idf": np.array(self.idf_, dtype=np.float64),
            "owners": np.array(self.owners_, dtype=np.int64),
            "lengths": np.array(self.lengths_, dtype=np.int64),
            "terms": self.terms_, "tfs": self.tfs_, "starts": self.starts_,
        }
        return meta, arrays

    @classmethod
    def restore(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> LabelBM25:
        """The model :meth:`export` saved, as :meth:`fit` left it."""
        bm25 = cls(float(meta["k1"]), float(meta["b"]))
        bm25._set(list(meta["vocab"]), arrays["idf"].tolist(), arrays["owners"].tolist(),
                  arrays["lengths"].tolist(), arrays["terms"], arrays["tfs"], arrays["starts"])
        return bm25

    # ----------------------------------------------------------------- score
    def scores(self, text: str, owners: Iterable[int]) -> dict[int, float]:
        """BM25 of ``text`` (the query) against each of ``owners``; 0 for unknown skills."""
        term_id = self.term_id_
        query = sorted({term_id[t] for t in tokens(text) if t in term_id})
        out = {}
        for owner in owners:
            row = self.row_.get(owner)
            if row is None or not query:
                out[owner] = 0.0
                continue
            a, z = int(self.starts_[row]), int(self.starts_[row + 1])
            doc = dict(zip(self.terms_[a:z].tolist(), self.tfs_[a:z].tolist()))
            norm = self.k1 * (1 - self.b + self.b * self.lengths_[row] / self.avg_length_)
            total = 0.0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    total += self.idf_[term] * tf * (self.k1 + 1) / (tf + norm)
            out[owner] = total
        return out
