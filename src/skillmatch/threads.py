"""The native thread pools of a process (OpenBLAS or MKL under numpy and scipy, OpenMP
under FAISS) held to the compute threads it was given.

ONNX Runtime and FAISS take a thread count per session or per call
(``Settings.threads``), but numpy's BLAS starts one thread per core for the whole
process. Two server workers on two cores then run four BLAS threads that spin while
they wait: measured on the 100k workspace, recommend by occupation took 3.5 ms a call in
one process and 11 ms in each of two at once; with the pools held to one thread each,
3 ms in each (docs/performance.md). :func:`limit_native_threads` uses threadpoolctl,
the maintained library for this, and gives back a handle that restores the limits.
A limit reaches only the libraries loaded when it is set, so it first loads those the
engine computes with (numpy's and scipy's BLAS, FAISS with its own OpenBLAS and OpenMP).
Call it from the main thread (the server's lifespan runs there under uvicorn): OpenBLAS
takes a limit set there for every thread, while OpenMP's count is per thread, which is
why ``skillmatch serve`` also sets ``OMP_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` for
its workers, read by each library as it loads.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class NativeThreads:
    """Limits in force until :meth:`restore` (a no-op when nothing was limited)."""

    def __init__(self, limiter: Any | None, threads: int) -> None:
        self._limiter = limiter
        self.threads = threads

    def pools(self) -> dict[str, int]:
        """Each native pool's thread count now, by library file (``openblas:libfoo.so``)."""
        from threadpoolctl import threadpool_info

        return {f"{info['internal_api']}:{Path(info['filepath']).name}": int(info["num_threads"])
                for info in threadpool_info()}

    def restore(self) -> None:
        if self._limiter is not None:
            self._limiter.restore_original_limits()
            self._limiter = None


def limit_native_threads(threads: int) -> NativeThreads:
    """Hold every native thread pool of this process to ``threads`` (0: leave them)."""
    if threads <= 0:
        return NativeThreads(None, 0)
    import faiss  # noqa: F401 - loaded first: a limit reaches only loaded libraries
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_limits

    handle = NativeThreads(threadpool_limits(limits=threads), threads)
    log.debug("native thread pools limited to %d: %s", threads, handle.pools())
    return handle
