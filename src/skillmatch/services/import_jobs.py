"""Files uploaded to ``/v1/imports``, imported in the background.

The upload is written to ``<workspace>/uploads/<job>/`` under a temporary name as it
arrives (never held in memory) and renamed when complete; a job row
(:mod:`skillmatch.storage.import_jobs_store`) records it; a thread of the worker that
received it runs :class:`.imports.FileImports` on it, beating a heartbeat every few
seconds and counting records done, then stores the report and removes the upload. Any
worker answers for any job (the row is in the workspace database); a job whose worker
died reads as interrupted. Small files may be imported before the answer (``wait``).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SkillmatchError
from ..storage.import_jobs_store import ImportJobStore
from ..storage.records_store import Access
from .context import Context

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
Run = Callable[..., dict[str, Any]]  # SkillMatch.import_files


class ImportJobs:
    """``run``: imports files of records (``SkillMatch.import_files``); ``taxonomy``:
    imports a taxonomy file and builds its indexes (``SkillMatch.import_taxonomy_file``),
    for jobs whose ``params["target"]`` is ``taxonomy``."""

    def __init__(self, ctx: Context, run: Run, taxonomy: Run | None = None) -> None:
        self._ctx = ctx
        self._run = run
        self._taxonomy = taxonomy

    @property
    def store(self) -> ImportJobStore:
        return ImportJobStore(self._ctx.conn)

    def folder(self) -> Path:
        """A new upload folder of its own, for one job."""
        job_id = uuid.uuid4().hex[:16]
        path = self._ctx.workspace.home / "uploads" / job_id
        path.mkdir(parents=True)
        return path

    def start(self, folder: Path, filename: str, size: int, *, owner: str, key_id: str,
              params: dict[str, Any], access: Access | None, wait: bool) -> dict[str, Any]:
        """Record the job of the upload in ``folder`` and run it (in this thread when
        ``wait``, else in a thread of its own); the job as stored."""
        job_id = folder.name
        self.store.add(job_id, owner=owner, key_id=key_id, filename=filename, size=size,
                       params=params)
        if wait:
            self._work(job_id, folder, filename, params, access)
        else:
            threading.Thread(target=self._work, args=(job_id, folder, filename, params,
                                                      access),
                             name=f"import-{job_id}", daemon=True).start()
        return self.store.get(job_id)

    def _work(self, job_id: str, folder: Path, filename: str, params: dict[str, Any],
              access: Access | None) -> None:
        stop = threading.Event()
        store = ImportJobStore(self._ctx.conn)  # this thread's connection
        store.beat(job_id)
        last = [time.monotonic()]

        def heartbeat() -> None:
            beats = ImportJobStore(self._ctx.conn)
            while not stop.wait(HEARTBEAT_SECONDS):
                beats.beat(job_id)

        def progress(stage: str, done: int, total: int) -> None:
            if time.monotonic() - last[0] >= 1.0:
                last[0] = time.monotonic()
                store.beat(job_id, done=done)

        beating = threading.Thread(target=heartbeat, name=f"beat-{job_id}", daemon=True)
        beating.start()
        try:
            if params.get("target") == "taxonomy":
                assert self._taxonomy is not None
                result = self._taxonomy(folder / filename, kind=params["kind"],
                                        name=params.get("name"),
                                        version=params.get("version"),
                                        replace=bool(params.get("replace")),
                                        index=bool(params.get("index", True)),
                                        progress=progress)
            else:
                result = self._run([folder / filename], progress=progress, access=access,
                                   **_options(params))
            store.finish(job_id, _relative(result, folder))
        except SkillmatchError as exc:
            store.finish(job_id, None, str(exc).replace(f"{folder}/", ""))
        except Exception:  # noqa: BLE001 - a job never takes its worker down
            log.exception("import job %s failed", job_id)
            store.finish(job_id, None, "the import failed on the server (see its log)")
        finally:
            stop.set()
            beating.join()
            shutil.rmtree(folder, ignore_errors=True)


def _options(params: dict[str, Any]) -> dict[str, Any]:
    from ..formats.mapping import load_mapping, parse_mapping

    mapping = None
    if params.get("mapping_file"):
        mapping = load_mapping(params["mapping_file"])
    if params.get("map"):
        given = parse_mapping(params["map"], origin="map")
        mapping = mapping.combined(given) if mapping is not None else given
    return {"fmt": params.get("format", "auto"), "kind": params.get("kind"),
            "mapping": mapping, "atomic": bool(params.get("atomic")),
            "dry_run": bool(params.get("dry_run")),
            "taxonomies": tuple(params.get("taxonomies") or ())}


def _relative(result: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The report with the server's upload folder taken out of every path."""
    prefix = f"{folder}/"
    for f in result.get("files", []):
        f["path"] = str(f["path"]).replace(prefix, "")
        for r in f.get("rejected", []):
            r["path"] = str(r["path"]).replace(prefix, "")
            r["reason"] = str(r["reason"]).replace(prefix, "")
        if f.get("refused"):
            f["refused"] = str(f["refused"]).replace(prefix, "")
    return result
