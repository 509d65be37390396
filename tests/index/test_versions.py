"""Index files are versioned: a reader never finds them missing or half-written while
writers save, and two writers never share a temporary name."""

from __future__ import annotations

import threading

import numpy as np

from skillmatch.index.faiss_index import CURRENT, FaissIndex, live_folder


def _index(n: int, seed: int) -> FaissIndex:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return FaissIndex(8).build(np.arange(n, dtype=np.int64), vectors)


def test_readers_see_whole_versions_while_writers_save(tmp_path) -> None:
    directory = tmp_path / "postings"
    _index(10, 0).save(directory, {"name": "postings", "generation": 10})
    errors: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def write(offset: int) -> None:
        try:
            for i in range(8):
                n = 10 + offset + 2 * i
                _index(n, n).save(directory, {"name": "postings", "generation": n})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def read() -> None:
        try:
            while not stop.is_set():
                index, manifest = FaissIndex.load(directory)
                # a whole version: its manifest describes exactly the files read
                assert index.count == manifest["count"] == manifest["generation"]
                seen.add(index.count)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(k,)) for k in (0, 1)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert len(seen) > 1  # the readers did see the index change under them
    final, manifest = FaissIndex.load(directory)
    assert live_folder(directory).name == (directory / CURRENT).read_text().strip()
    assert final.count == manifest["count"]
    assert not list(directory.glob(".*.tmp"))  # no temporary folder left behind


def test_an_index_of_the_flat_layout_still_loads_and_is_upgraded_on_save(tmp_path) -> None:
    import json

    import faiss

    directory = tmp_path / "old"
    directory.mkdir()
    index = _index(5, 1)
    faiss.write_index(index.faiss_, str(directory / "index.faiss"))
    np.save(directory / "ids.npy", index.ids_)
    np.save(directory / "alive.npy", index.alive_)
    (directory / "manifest.json").write_text(json.dumps({
        "format": 1, "index_type": "flat", "dimension": 8, "count": 5, "name": "old"}))
    loaded, manifest = FaissIndex.load(directory)
    assert loaded.count == 5 and manifest["name"] == "old"
    loaded.save(directory, manifest)
    assert (directory / CURRENT).exists() and not (directory / "index.faiss").exists()
    assert FaissIndex.load(directory)[0].count == 5
