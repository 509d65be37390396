"""A deterministic fake embedder for fast unit tests: no model, no I/O.

Each lower-cased word and word bigram is hashed (blake2b, stable across
processes) to a signed position; texts sharing words get higher cosine.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from .base import Embedder, ProgressFn

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")


class FakeEmbedder(Embedder):
    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.model_id = f"fake-hash-{dimension}"
        self.calls_ = 0
        self.texts_embedded_ = 0

    def _slot(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dimension, 1.0 if (value >> 40) & 1 else -1.0

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        self.calls_ += 1
        self.texts_embedded_ += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            features = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
            for feature in features:
                slot, sign = self._slot(feature)
                out[row, slot] += sign
            if not features:
                out[row, 0] = 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        if progress:
            progress(len(texts), len(texts))
        return out
