"""``/v1/needs``: employers' stated skill needs. Anyone reads the needs that are not
private; an employer key lists, reads, writes and deletes only its own (private ones
included); an admin key all of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ..auth import Caller, EmployerKey
from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.common import Page
from ..schemas.records import Need, NeedDetail
from ..schemas.writes import BulkResult, NeedIn, NeedPatch, NeedsBulk, NeedWritten
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page
from ._writes import WRITE_ERRORS, Atomic, Resume, create_bulk, create_one, written

router = APIRouter(prefix=V1 + "/needs", tags=["employers"])
KIND = "need"


@router.get("", summary="List employer needs, a page at a time", responses=listed(Need))
def list_needs(
        engine: Engine, principal: Caller, cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
        employer: Annotated[str | None, Query(max_length=300,
                                              examples=["Bayou Senior Living"])] = None,
        occupation_code: Annotated[str | None, Query(max_length=100,
                                                     examples=["31-1131.00"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Need]:
    return Page[Need].model_validate(page(
        engine, KIND, Need, cursor, limit,
        {"employer": employer, "occupation_code": occupation_code, "region": region},
        principal))


@router.get("/{record_id}", summary="One need, with its skills and their evidence",
            responses=responses(404))
def get_need(engine: Engine, principal: Caller, record_id: RecordId) -> NeedDetail:
    detail: NeedDetail = one(engine, KIND, NeedDetail, record_id, principal)
    return detail


@router.post("", summary="Post a need: what it was understood as, who supplies it",
             status_code=201, response_model=NeedWritten, responses=WRITE_ERRORS)
def post_need(body: NeedIn, engine: Engine, principal: EmployerKey,
              request: Request) -> JSONResponse:
    return create_one(engine, KIND, body, principal, request)


@router.post("/bulk", summary="Post many needs: each its own result, or all or nothing",
             response_model=BulkResult, responses=WRITE_ERRORS)
def post_needs(body: NeedsBulk, engine: Engine, principal: EmployerKey, request: Request,
               atomic: Atomic = False,
               resume: Resume = False) -> JSONResponse:
    return create_bulk(engine, KIND, NeedIn, body.items, principal, atomic, request,
                       resume)


@router.put("/{record_id}", summary="Replace a need of yours", responses=WRITE_ERRORS)
def replace_need(record_id: RecordId, body: NeedIn, engine: Engine,
                 principal: EmployerKey) -> NeedWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(mode="json"), principal)
    return NeedWritten.model_validate(written(KIND, answer))


@router.patch("/{record_id}", summary="Change some fields of a need of yours",
              responses=WRITE_ERRORS)
def change_need(record_id: RecordId, body: NeedPatch, engine: Engine,
                principal: EmployerKey) -> NeedWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(
        mode="json", exclude_unset=True), principal, partial=True)
    return NeedWritten.model_validate(written(KIND, answer))


@router.delete("/{record_id}", summary="Delete a need of yours", status_code=204,
               response_class=Response, responses=WRITE_ERRORS)
def delete_need(record_id: RecordId, engine: Engine, principal: EmployerKey) -> Response:
    engine.writes.delete(KIND, record_id, principal)
    return Response(status_code=204)
