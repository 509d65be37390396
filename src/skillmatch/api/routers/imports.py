"""``/v1/imports``: a file in the field's standards, uploaded and imported in the
background (:mod:`skillmatch.services.import_jobs`). Admins import credentials and
postings; an employer imports postings, which are its own. The body is the file itself
(any content type), streamed to disk up to the upload limit (413 above it)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from ...errors import InputError, NotFoundError
from ...storage.records_store import Access
from .. import pagination
from ..auth import EmployerKey
from ..deps import Engine
from ..problems import responses
from ..schemas.common import Page
from ..schemas.imports import ImportJob
from ._params import V1, Cursor, Limit, example_page
from ._uploads import upload_job

router = APIRouter(prefix=V1 + "/imports", tags=["catalogue"])
KIND = "import"
ERRORS = responses(401, 403, 404, 413, 422, 429)
UPLOAD_ANSWERS = {**ERRORS, 200: {"model": ImportJob, "description": "Imported (wait=true): "
                                  "the job, done or failed, with its report"}}
MAPPINGS = FilePath(__file__).resolve().parents[4] / "data" / "mappings"
Format = Literal["auto", "ctdl", "openbadges", "jobposting", "records", "spreadsheet"]
JobId = Annotated[str, Path(min_length=1, max_length=64, examples=["5f1c2a9e0b7d4c3a"])]


def _mapping_file(name: str | None) -> str | None:
    """A saved mapping shipped with skillmatch, by name (never a path a client picks)."""
    if name is None:
        return None
    shipped = sorted(p.stem for p in MAPPINGS.glob("*.toml"))
    if name not in shipped:
        raise InputError(f"no saved mapping {name!r} (choose one of: "
                         f"{', '.join(shipped) or 'none shipped'})", field="mapping")
    return str(MAPPINGS / f"{name}.toml")


@router.post("", status_code=202, response_model=ImportJob, responses=UPLOAD_ANSWERS,
             openapi_extra={"requestBody": {"required": True, "description": "The file, "
                            "as it is (gzip and zip too).", "content": {
                                "application/octet-stream": {
                                    "schema": {"type": "string", "format": "binary"}}}}},
             summary="Import a file (Open Badges, CTDL, JobPosting/JDX, CSV/JSON Lines, a "
             "spreadsheet with a mapping): the job, then its report")
async def upload(
        request: Request, engine: Engine, principal: EmployerKey,
        filename: Annotated[str, Query(min_length=1, max_length=200,
                                       pattern=r"^[^/\\]+$", examples=["programs.jsonld"],
                                       description="The file's name; its suffix helps "
                                       "detect the format (.jsonl.gz, .xlsx, .zip).")],
        format: Annotated[Format, Query(examples=["auto"], description="The file's "
                                        "format (auto: detected, and said in the "
                                        "report).")] = "auto",
        kind: Annotated[Literal["credentials", "postings"] | None, Query(
            examples=["credentials"],
            description="The records a file holds when its format does not say.")] = None,
        mapping: Annotated[str | None, Query(max_length=100, examples=["twc-etpl-2024"],
                                             description="A saved column mapping shipped "
                                             "with skillmatch (data/mappings).")] = None,
        map: Annotated[list[str], Query(max_length=50, examples=[['title="Program Name"']],
                                        description="Column mapping entries FIELD=EXPR "
                                        "(docs/data-formats.md).")] = [],  # noqa: B006
        atomic: Annotated[bool, Query(examples=[False], description="All or nothing: one "
                                      "rejected record imports none of the file.")] = False,
        dry_run: Annotated[bool, Query(examples=[True], description="Report the first "
                                       "records as they would be imported; store "
                                       "nothing.")] = False,
        wait: Annotated[bool, Query(examples=[True], description="Answer when the import "
                                    "is done (200) instead of at once (202): for small "
                                    "files.")] = False,
) -> JSONResponse:
    employer = principal.employer if principal.role == "employer" else ""
    if employer and kind == "credentials":
        raise InputError("an employer key imports postings, not credentials", field="kind")
    params = {"format": format, "kind": "postings" if employer else kind, "atomic": atomic,
              "dry_run": dry_run, "map": list(map),
              "mapping_file": _mapping_file(mapping), "mapping": mapping}
    return await upload_job(request, engine.import_jobs, filename, owner=employer,
                            key_id=principal.key_id, params=params,
                            access=Access(owner=employer) if employer else None, wait=wait)


@router.get("/{job_id}", summary="An import job: its status, progress and report",
            response_model=ImportJob, responses=ERRORS)
def job(job_id: JobId, engine: Engine, principal: EmployerKey) -> ImportJob:
    found = engine.import_jobs.store.get(job_id)
    if principal.role != "admin" and found["owner"] != principal.employer:
        raise NotFoundError(f"no import job {job_id!r}")  # another's: as if absent
    return ImportJob.model_validate(found)


@router.get("", summary="Import jobs, newest first (an employer: its own)",
            responses={**ERRORS, **example_page(ImportJob, KIND)})
def jobs(engine: Engine, principal: EmployerKey, cursor: Cursor = None,
         limit: Limit = pagination.DEFAULT_LIMIT) -> Page[ImportJob]:
    owner = None if principal.role == "admin" else principal.employer
    start = pagination.decode(KIND, cursor)
    rows, total = engine.import_jobs.store.page(owner, start, limit)
    end = start + len(rows)
    return Page[ImportJob].model_validate({
        "items": rows, "total": total, "limit": limit,
        "next_cursor": pagination.encode(KIND, end) if end < total else None})
