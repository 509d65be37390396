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


class _Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts, progress=None):  # type: ignore[override]
        self.embedded += list(texts)
        return super().embed(texts, progress)


def test_queries_are_embedded_alike_but_never_written_to_the_cache(tmp_path) -> None:
    import skillmatch.embeddings.cache as cache_module

    inner = _Counting()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    cached.embed(["indexed label"])  # a document: kept on disk
    kept = len(cached.cache)
    interest = "likes biology and helping people"
    queries = [interest, "indexed label", interest]
    out = cached.embed_query(queries)
    np.testing.assert_allclose(out, FakeEmbedder().embed(queries))
    assert len(cached.cache) == kept  # nothing written
    assert inner.embedded == ["indexed label", "likes biology and helping people"]  # the
    # cached one read from disk, the new one embedded once
    cached.embed_query(["likes biology and helping people"])
    assert inner.embedded.count("likes biology and helping people") == 1  # from memory
    old = cache_module.QUERY_MEMORY
    cache_module.QUERY_MEMORY = 2
    try:
        cached.embed_query(["a", "b", "c"])  # the oldest remembered queries go
        cached.embed_query(["likes biology and helping people"])
        assert inner.embedded.count("likes biology and helping people") == 2
    finally:
        cache_module.QUERY_MEMORY = old


def test_an_embedder_without_a_cache_embeds_queries_as_texts() -> None:
    fake = FakeEmbedder()
    np.testing.assert_allclose(fake.embed_query(["welding"]), fake.embed(["welding"]))
