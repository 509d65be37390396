"""The vector index interface: stable external ids over unit vectors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np


class VectorIndex(ABC):
    """Inner-product search (cosine on unit vectors) with stable int64 ids.

    Lifecycle: construct with parameters, then :meth:`build` (or :meth:`load`);
    :meth:`add` with an id already present replaces its vector (update).
    """

    index_type_: str

    @abstractmethod
    def build(self, ids: np.ndarray, vectors: np.ndarray) -> VectorIndex: ...

    @abstractmethod
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    @abstractmethod
    def remove(self, ids: np.ndarray) -> int: ...

    @abstractmethod
    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(scores, ids)``, each ``(n, k)``; missing hits have id -1."""

    @abstractmethod
    def save(self, directory: Path, manifest: dict[str, Any]) -> None: ...

    @property
    @abstractmethod
    def count(self) -> int: ...
