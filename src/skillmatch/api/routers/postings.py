"""``/v1/postings``: job postings. Anyone reads the postings that are not private; an
employer key lists, reads, writes and deletes only its own (private ones included); an
admin key all of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ..auth import Caller, EmployerKey
from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.common import Page
from ..schemas.records import Posting, PostingDetail
from ..schemas.writes import BulkResult, PostingIn, PostingPatch, PostingsBulk, PostingWritten
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page
from ._writes import WRITE_ERRORS, Atomic, Resume, create_bulk, create_one, written

router = APIRouter(prefix=V1 + "/postings", tags=["employers"])
KIND = "posting"


@router.get("", summary="List job postings, a page at a time", responses=listed(Posting))
def list_postings(
        engine: Engine, principal: Caller, cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
        employer: Annotated[str | None, Query(max_length=300,
                                              examples=["Bayou Senior Living"])] = None,
        occupation_code: Annotated[str | None, Query(max_length=100,
                                                     examples=["31-1131.00"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Posting]:
    return Page[Posting].model_validate(page(
        engine, KIND, Posting, cursor, limit,
        {"employer": employer, "occupation_code": occupation_code, "region": region},
        principal))


@router.get("/{record_id}", summary="One posting, with its skills and their evidence",
            responses=responses(404))
def get_posting(engine: Engine, principal: Caller, record_id: RecordId) -> PostingDetail:
    detail: PostingDetail = one(engine, KIND, PostingDetail, record_id, principal)
    return detail


@router.post("", summary="Post a job posting: its skills linked, with evidence",
             status_code=201, response_model=PostingWritten, responses=WRITE_ERRORS)
def post_posting(body: PostingIn, engine: Engine, principal: EmployerKey,
                 request: Request) -> JSONResponse:
    return create_one(engine, KIND, body, principal, request)


@router.post("/bulk", summary="Post many postings: each its own result, or all or nothing",
             response_model=BulkResult, responses=WRITE_ERRORS)
def post_postings(body: PostingsBulk, engine: Engine, principal: EmployerKey,
                  request: Request, atomic: Atomic = False,
                  resume: Resume = False) -> JSONResponse:
    return create_bulk(engine, KIND, PostingIn, body.items, principal, atomic, request,
                       resume)


@router.put("/{record_id}", summary="Replace a posting of yours", responses=WRITE_ERRORS)
def replace_posting(record_id: RecordId, body: PostingIn, engine: Engine,
                    principal: EmployerKey) -> PostingWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(mode="json"), principal)
    return PostingWritten.model_validate(written(KIND, answer))


@router.patch("/{record_id}", summary="Change some fields of a posting of yours",
              responses=WRITE_ERRORS)
def change_posting(record_id: RecordId, body: PostingPatch, engine: Engine,
                   principal: EmployerKey) -> PostingWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(
        mode="json", exclude_unset=True), principal, partial=True)
    return PostingWritten.model_validate(written(KIND, answer))


@router.delete("/{record_id}", summary="Delete a posting of yours", status_code=204,
               response_class=Response, responses=WRITE_ERRORS)
def delete_posting(record_id: RecordId, engine: Engine, principal: EmployerKey) -> Response:
    engine.writes.delete(KIND, record_id, principal)
    return Response(status_code=204)
