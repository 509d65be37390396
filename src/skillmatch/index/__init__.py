"""Vector indexes: an interface and the FAISS backend."""

from .base import VectorIndex
from .faiss_index import FaissIndex, read_manifest

__all__ = ["FaissIndex", "VectorIndex", "read_manifest"]
