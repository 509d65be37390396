import numpy as np

from skillmatch.embeddings import CachedEmbedder, EmbeddingCache, FakeEmbedder


def test_fake_is_deterministic_and_shares_words() -> None:
    a, b = FakeEmbedder(), FakeEmbedder()
    v = a.embed(["take vital signs", "take vital signs of patients", "weld steel"])
    assert np.allclose(v, b.embed(["take vital signs", "take vital signs of patients",
                                   "weld steel"]))
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_embeds_each_text_once(tmp_path) -> None:
    inner = FakeEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    first = cached.embed(["a b", "c d", "a b"])
    assert inner.texts_embedded_ == 2 and cached.misses_ == 2
    again = CachedEmbedder(FakeEmbedder(), EmbeddingCache(tmp_path / "c.sqlite"))
    second = again.embed(["c d", "a b", "new text"])
    assert again.inner.texts_embedded_ == 1  # type: ignore[attr-defined]
    assert np.allclose(second[0], first[1]) and np.allclose(second[1], first[0])
    assert len(again.cache) == 3


def test_cache_keys_include_the_model(tmp_path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    CachedEmbedder(FakeEmbedder(64), cache).embed(["x"])
    other = FakeEmbedder(32)
    CachedEmbedder(other, cache).embed(["x"])
    assert other.texts_embedded_ == 1
