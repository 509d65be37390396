"""Embedding backends behind one interface, and the content-hash cache."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigurationError
from ..settings import Settings
from .base import Embedder
from .cache import CachedEmbedder, EmbeddingCache
from .fake import FakeEmbedder

BACKENDS = ("onnx", "sentence-transformers", "fake")


def make_embedder(settings: Settings, cache_path: Path | None = None) -> Embedder:
    """The embedder the settings ask for, behind the cache when ``cache_path`` is given."""
    inner: Embedder
    if settings.embedder == "onnx":
        from .onnx_backend import OnnxEmbedder

        inner = OnnxEmbedder(
            settings.models_dir / settings.model_name,
            batch_size=settings.batch_size,
            max_tokens=settings.max_tokens,
            threads=settings.threads,
        )
    elif settings.embedder == "sentence-transformers":
        from .st_backend import SentenceTransformerEmbedder

        inner = SentenceTransformerEmbedder(
            batch_size=settings.batch_size, max_tokens=settings.max_tokens
        )
    elif settings.embedder == "fake":
        inner = FakeEmbedder()
    else:
        raise ConfigurationError(
            f"unknown embedder {settings.embedder!r} (choose one of {', '.join(BACKENDS)})"
        )
    return CachedEmbedder(inner, EmbeddingCache(cache_path)) if cache_path else inner


__all__ = ["BACKENDS", "CachedEmbedder", "Embedder", "EmbeddingCache", "FakeEmbedder",
           "make_embedder"]
