"""The embedder interface every backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

ProgressFn = Callable[[int, int], None]  # (done, total)


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    ``model_id`` names the model and its version (it keys the embedding cache
    and is written into index manifests); ``dimension`` is the vector size.
    """

    model_id: str
    dimension: int

    @abstractmethod
    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        """Return an ``(len(texts), dimension)`` float32 array of unit vectors."""

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of passing queries (what a user typed or pasted): the same vectors
        as :meth:`embed`; a cached embedder does not keep them on disk."""
        return self.embed(texts)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release what the embedder holds (cache connections, a loaded model); it
        stays usable and loads again on the next :meth:`embed`."""

    def __enter__(self) -> Embedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
