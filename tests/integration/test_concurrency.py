"""Several writer threads and processes import postings and post needs while reader
threads and processes run recommend and align on the same workspace (real SQLite,
real FAISS files, real processes; the fake embedder keeps it within seconds: the
embedder is not what is tested). No error, no lost write, no half-applied write seen,
and the indexes pass the consistency check."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from skillmatch.app import SkillMatch
from skillmatch.settings import Settings
from tests.conftest import tiny_bundle
from tests.flow_data import import_catalogue, onet_bundle
from tests.integration import workers

BATCHES, SIZE = 6, 4


def _workspace(tmp_path: Path) -> dict[str, object]:
    settings = {"home": str(tmp_path / "ws"), "embedder": "fake", "link_threshold": 0.3,
                "import_batch_size": SIZE}
    app = SkillMatch(Settings(**settings))
    app.taxonomies.save(tiny_bundle())
    app.taxonomies.save(onet_bundle())
    app.build_indexes()
    import_catalogue(app, tmp_path)
    app.close()
    return settings


def test_writers_and_readers_in_threads_and_processes(tmp_path) -> None:
    settings = _workspace(tmp_path)
    acked = tmp_path / "acked.txt"
    stop = tmp_path / "stop"
    deadline = time.time() + 240
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(3) as pool:
        writer_procs = [pool.apply_async(workers.write, (settings, f"proc{i}", BATCHES, SIZE,
                                                         str(acked))) for i in range(2)]
        reader_proc = pool.apply_async(workers.read, (settings, str(stop), deadline))
        # in this process: one shared app, as a server holds it, used by every thread
        app = SkillMatch(Settings(**settings))
        errors: list[BaseException] = []
        rounds = [0]

        def guarded(fn, *args) -> None:
            try:
                fn(*args)
            except BaseException as exc:  # noqa: BLE001 - asserted below
                errors.append(exc)

        def reader() -> None:
            while not stop.exists() and time.time() < deadline:
                workers.check_snapshot(app)
                assert app.recommend(occupation="31-1131.00", k=3)["results"]
                app.align("cna", k=3)
                rounds[0] += 1

        threads = [threading.Thread(target=guarded, args=(workers.write, settings,
                                                          f"thread{i}", BATCHES, SIZE,
                                                          str(acked))) for i in range(2)]
        readers = [threading.Thread(target=guarded, args=(reader,)) for _ in range(2)]
        for t in threads + readers:
            t.start()
        for t in threads:
            t.join(timeout=240)
        for w in writer_procs:
            w.get(timeout=240)  # re-raises a writer process's error
        stop.touch()
        for t in readers:
            t.join(timeout=60)
        process_rounds = reader_proc.get(timeout=60)
        assert not any(t.is_alive() for t in threads + readers)
        assert errors == [], errors
        assert rounds[0] > 0 and process_rounds > 0
        app.close()

    expected = set(acked.read_text().split())
    assert len(expected) == 4 * BATCHES * (SIZE + 1)  # every write was acknowledged
    fresh = SkillMatch(Settings(**settings))  # a new process's view
    stored = {r["code"] for k in ("posting", "need")
              for r in fresh.list_records(k, limit=None)["records"]}
    assert expected <= stored  # no acknowledged write lost
    demand = fresh.demand_model
    counted = set(demand.code_[demand.alive_].tolist())
    assert expected <= counted and demand.size()["records"] == len(stored)
    for result in fresh.check_indexes():
        assert result["ok"], result  # every stored record has exactly one vector
    fresh.close()
