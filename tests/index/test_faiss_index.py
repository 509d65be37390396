import json

import numpy as np
import pytest

from skillmatch.errors import ArtifactError, InputError
from skillmatch.index import FaissIndex


def unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    v = rng.standard_normal((n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_search_returns_external_ids_best_first(kind: str) -> None:
    rng = np.random.default_rng(0)
    vecs = unit(rng, 200)
    ids = np.arange(1000, 1200, dtype=np.int64)
    index = FaissIndex(16, index_type=kind).build(ids, vecs)
    scores, found = index.search(vecs[:5], 3)
    assert found[:, 0].tolist() == ids[:5].tolist()
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_type_follows_size() -> None:
    rng = np.random.default_rng(1)
    small = FaissIndex(16, exact_max=50).build(np.arange(50), unit(rng, 50))
    big = FaissIndex(16, exact_max=50).build(np.arange(51), unit(rng, 51))
    assert (small.index_type_, big.index_type_) == ("flat", "hnsw")


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_remove_update_and_compaction(kind: str) -> None:
    rng = np.random.default_rng(2)
    vecs = unit(rng, 100)
    index = FaissIndex(16, index_type=kind).build(np.arange(100), vecs)
    assert index.remove(np.array([0, 1, 999])) == 2
    assert index.count == 98 and 0 not in index
    _, found = index.search(vecs[:2], 5)
    assert 0 not in found[0] and 1 not in found[1]
    # update: id 5 now holds the vector of id 50
    index.add(np.array([5]), vecs[50:51])
    assert index.count == 98
    assert np.allclose(index.vectors(np.array([5]))[0], vecs[50], atol=1e-6)
    # enough removals trigger a compaction; ids stay stable
    index.remove(np.arange(10, 40))
    assert len(index.ids_) == index.count == 68
    _, found = index.search(vecs[60:61], 1)
    assert found[0, 0] == 60


def test_fewer_vectors_than_k_pads_with_minus_one() -> None:
    rng = np.random.default_rng(3)
    index = FaissIndex(16).build(np.array([7, 8]), unit(rng, 2))
    scores, found = index.search(unit(rng, 1), 4)
    assert sorted(found[0, :2].tolist()) == [7, 8]
    assert found[0, 2:].tolist() == [-1, -1] and np.isinf(scores[0, 2:]).all()


def test_save_load_roundtrip_with_manifest(tmp_path) -> None:
    rng = np.random.default_rng(4)
    vecs = unit(rng, 30)
    index = FaissIndex(16, index_type="hnsw").build(np.arange(30) * 3, vecs)
    index.remove(np.array([0]))
    index.save(tmp_path / "ix", {"model": "fake", "name": "t"})
    manifest = json.loads((tmp_path / "ix" / "manifest.json").read_text())
    assert manifest["index_type"] == "hnsw" and manifest["count"] == 29
    assert manifest["dimension"] == 16 and manifest["model"] == "fake"
    assert "faiss" in manifest["versions"]
    loaded, _ = FaissIndex.load(tmp_path / "ix")
    assert loaded.count == 29 and 0 not in loaded
    assert loaded.search(vecs[4:5], 1)[1][0, 0] == 12


def test_bad_input_and_missing_index(tmp_path) -> None:
    with pytest.raises(InputError, match="expected \\(n, 16\\)"):
        FaissIndex(16).build(np.arange(2), np.zeros((2, 8), dtype=np.float32))
    with pytest.raises(InputError, match="duplicate ids"):
        FaissIndex(16).build(np.array([1, 1]), np.zeros((2, 16), dtype=np.float32))
    with pytest.raises(ArtifactError, match="skillmatch index build"):
        FaissIndex.load(tmp_path / "nothing")
