"""``/v1/taxonomies``: the loaded taxonomies, their versions and what they hold; an admin
uploads one (ESCO's or O*NET's zip, a CSV or JSON of your own skills, Rich Skill
Descriptors), imported and indexed in the background as an import job
(``GET /v1/imports/{id}`` follows it)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .. import pagination
from ..auth import AdminKey
from ..deps import Engine
from ..problems import responses
from ..schemas.admin import Taxonomy
from ..schemas.common import Page
from ..schemas.imports import ImportJob
from ._params import V1, Cursor, Limit, example_page
from ._uploads import upload_job

router = APIRouter(prefix=V1 + "/taxonomies", tags=["catalogue"])
KIND = "taxonomy"


@router.get("", summary="List the loaded taxonomies (by name), with their counts",
            responses={**responses(422), **example_page(Taxonomy, KIND)})
def list_taxonomies(engine: Engine, cursor: Cursor = None,
                    limit: Limit = pagination.DEFAULT_LIMIT) -> Page[Taxonomy]:
    loaded = engine.list_taxonomies()
    start = pagination.decode(KIND, cursor)
    end = start + limit
    return Page[Taxonomy].model_validate({
        "items": [{"name": t.name, "kind": t.kind, "version": t.version,  # no source:
                   "imported_at": t.imported_at, "counts": t.counts}  # a server path
                  for t in loaded[start:end]], "total": len(loaded),
        "limit": limit,
        "next_cursor": pagination.encode(KIND, end) if end < len(loaded) else None})


UPLOAD = {"requestBody": {"required": True, "description": "The taxonomy file as it is: "
                          "ESCO's CSV export or O*NET's text files as a zip, a CSV or JSON "
                          "of skills, an RSD collection.", "content": {
                              "application/octet-stream": {
                                  "schema": {"type": "string", "format": "binary"}}}}}


@router.post("", status_code=202, response_model=ImportJob, openapi_extra=UPLOAD,
             responses={**responses(401, 403, 413, 422, 429),
                        200: {"model": ImportJob, "description": "Imported (wait=true)"}},
             summary="Import a taxonomy (admins): the import job; its indexes are built")
async def upload_taxonomy(
        request: Request, engine: Engine, principal: AdminKey,
        kind: Annotated[Literal["esco", "onet", "custom", "rsd"], Query(
            examples=["custom"], description="What the file is.")],
        filename: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^/\\]+$",
                                       examples=["district-skills.csv"],
                                       description="The file's name (.zip, .csv, .json).")],
        name: Annotated[str | None, Query(min_length=1, max_length=100,
                                          pattern=r"^[A-Za-z0-9_.-]+$", examples=["district"],
                                          description="Store it under this name (default: "
                                          "the kind).")] = None,
        version: Annotated[str | None, Query(max_length=100, examples=["2026-11"],
                                             description="Its version (default: read from "
                                             "the file).")] = None,
        replace: Annotated[bool, Query(examples=[False], description="Update a taxonomy "
                                       "of the same name.")] = False,
        index: Annotated[bool, Query(examples=[True], description="Build its skill and "
                                     "occupation indexes (needed to link to it).")] = True,
        wait: Annotated[bool, Query(examples=[False], description="Answer when done "
                                    "(200): for small files.")] = False,
) -> JSONResponse:
    params = {"target": "taxonomy", "kind": kind, "name": name, "version": version,
              "replace": replace, "index": index}
    return await upload_job(request, engine.import_jobs, filename, owner="",
                            key_id=principal.key_id, params=params, access=None, wait=wait)
