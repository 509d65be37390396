"""Native thread pools held to a process's share of the cores (``skillmatch.threads``),
and the server applying it for its lifetime."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from threadpoolctl import threadpool_info

from skillmatch.api.app import create_app
from skillmatch.settings import Settings
from skillmatch.threads import NativeThreads, limit_native_threads


def _blas() -> int:
    """The most threads a process-wide BLAS pool (numpy's, scipy's: pthreads) may use.
    OpenMP's counts are per thread, so a limit set in one thread does not show in
    another: `serve` sets OMP_NUM_THREADS for its workers (tests/api/test_server.py)."""
    import numpy  # noqa: F401

    return max(int(p["num_threads"]) for p in threadpool_info()
               if p.get("threading_layer") == "pthreads")


def test_limits_hold_every_pool_and_restore_them() -> None:
    before = _blas()
    handle = limit_native_threads(1)
    try:
        assert _blas() == 1
        assert set(handle.pools().values()) == {1}
    finally:
        handle.restore()
    assert _blas() == before


def test_zero_leaves_the_pools_alone() -> None:
    before = _blas()
    handle = limit_native_threads(0)
    assert _blas() == before
    handle.restore()
    assert _blas() == before


def test_the_server_holds_the_pools_to_its_threads_while_it_runs(tmp_path: Path,
                                                                 monkeypatch) -> None:
    # the lifespan limits the pools (under uvicorn it runs in the main thread, where
    # OpenBLAS takes the limit for every thread; the tests above check the mechanism,
    # tests/api/test_server.py the workers' environment) and restores them at shutdown
    import skillmatch.api.app as app_module

    calls: list[int] = []
    restored: list[bool] = []

    def recording(threads: int) -> NativeThreads:
        calls.append(threads)
        handle = NativeThreads(None, threads)
        handle.restore = lambda: restored.append(True)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(app_module, "limit_native_threads", recording)
    app = create_app(Settings(home=tmp_path / "ws", embedder="fake", threads=1))
    with TestClient(app):
        assert calls == [1] and app.state.native_threads.threads == 1
        assert not restored
    assert restored == [True]
