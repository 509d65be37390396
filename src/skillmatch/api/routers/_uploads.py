"""A file sent as a request body, streamed to an upload folder of its own under the
workspace (never held in memory; the body limit of its route applies as it arrives),
then imported as a job: what ``/v1/imports`` and ``/v1/taxonomies`` take."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ...errors import InputError
from ...services.import_jobs import ImportJobs
from ...storage.records_store import Access
from ..schemas.imports import ImportJob
from ._params import V1


async def receive(request: Request, jobs: ImportJobs, filename: str) -> tuple[Path, int]:
    """The job folder holding the body as ``filename`` (written under a temporary name,
    renamed when whole), and its size; the folder is removed on any failure."""
    folder = await run_in_threadpool(jobs.folder)
    size = 0
    partial = folder / f".{filename}.part"
    try:
        async with await anyio.open_file(partial, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                await out.write(chunk)
        if size == 0:
            raise InputError("the request body is empty (send the file as the body)",
                             field="body")
        partial.rename(folder / filename)
    except BaseException:
        await run_in_threadpool(shutil.rmtree, folder, True)
        raise
    return folder, size


async def upload_job(request: Request, jobs: ImportJobs, filename: str, *, owner: str,
                     key_id: str, params: dict[str, Any], access: Access | None,
                     wait: bool) -> JSONResponse:
    """Receive the body as ``filename`` and start its import job: the job, 202 (200 when
    ``wait``: answered once done), with its ``Location``."""
    folder, size = await receive(request, jobs, filename)
    job = await run_in_threadpool(jobs.start, folder, filename, size, owner=owner,
                                  key_id=key_id, params=params, access=access, wait=wait)
    body = ImportJob.model_validate(job).model_dump(mode="json")
    return JSONResponse(body, status_code=200 if wait else 202,
                        headers={"Location": f"{V1}/imports/{job['id']}"})
