"""``skillmatch serve``: the pages and the HTTP API under uvicorn.

Workers are separate processes that each call :func:`skillmatch.api.create_app`
(``factory=True``), so the settings reach them through the environment: the root
options ``--home`` and ``--embedder`` are exported as ``SKILLMATCH_HOME`` and
``SKILLMATCH_EMBEDDER``, and every other ``SKILLMATCH_*`` variable is inherited.
``--sample`` first loads the built-in sample into an empty workspace (what
``skillmatch demo`` loads), which is how ``make run`` brings the service up.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import click

from ..progress import Progress
from ._common import _settings

APP = "skillmatch.api.app:create_app"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; all share the workspace.")
@click.option("--sample", is_flag=True,
              help="Load the built-in sample data first if no taxonomy is loaded.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                "debug"]), default="info", show_default=True)
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Log a line per request (the metrics count them either way).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, sample: bool,
          log_level: str, access_log: bool) -> None:
    """Serve the HTTP API (docs at /docs) until Ctrl-C."""
    import uvicorn

    settings = _settings(ctx)
    os.environ["SKILLMATCH_HOME"] = str(settings.home.resolve())
    os.environ["SKILLMATCH_EMBEDDER"] = settings.embedder
    if settings.threads == 0:  # the cores shared out: oversubscribing them costs more
        os.environ["SKILLMATCH_THREADS"] = str(worker_threads(workers))
    threads = os.environ.get("SKILLMATCH_THREADS") or str(settings.threads)
    if threads != "0":  # native pools start at that size in each worker (skillmatch.threads)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, threads)
    prepare(settings, sample, click.echo)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    click.echo(f"serving {base} (pages at {base}/, API under {base}/v1, docs at {base}/docs) with "
               f"{workers} worker{'s' if workers > 1 else ''}; Ctrl-C stops it")
    metrics_dir = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # every worker's metrics in one place, so /v1/metrics sums them
        metrics_dir = tempfile.mkdtemp(prefix="skillmatch-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers,
                    log_level=log_level, access_log=access_log)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def worker_threads(workers: int, cores: int | None = None) -> int:
    """Compute threads per worker when the setting leaves it to us (0): the cores
    divided among the workers, at least one (two workers on two cores: one each)."""
    return max(1, (cores or os.cpu_count() or 1) // max(workers, 1))


def prepare(settings: Any, sample: bool, say: Callable[[str], None]) -> None:
    """Load the sample when asked and the workspace has no taxonomy; ``say`` what the
    workspace holds."""
    from ..app import SkillMatch

    with SkillMatch(settings) as engine:
        if sample and not engine.list_taxonomies():
            from ..demo import run_demo

            say(f"workspace {settings.home} is empty: loading the built-in sample "
                f"({settings.demo_data})")
            run_demo(engine, progress=Progress())
        taxonomies = [f"{t.name} ({t.counts['skills']:,} skills"
                      + (f", version {t.version})" if t.version != "unknown" else ")")
                      for t in engine.list_taxonomies()]
        counts = {kind: engine.lookup.records_page(kind, limit=1)["total"]
                  for kind in ("credential", "posting", "need")}
    held = ", ".join(taxonomies) or "none (import one: skillmatch taxonomy import)"
    say(f"workspace {settings.home}: taxonomies {held}; "
        + ", ".join(f"{n:,} {kind}s" for kind, n in counts.items()))
