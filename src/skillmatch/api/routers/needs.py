"""``/v1/needs``: employers' stated skill needs (reads; posting one comes with keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.common import Page
from ..schemas.records import Need, NeedDetail
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page

router = APIRouter(prefix=V1 + "/needs", tags=["employers"])
KIND = "need"


@router.get("", summary="List employer needs, a page at a time", responses=listed(Need))
def list_needs(
        engine: Engine, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT,
        employer: Annotated[str | None, Query(max_length=300,
                                              examples=["Bayou Senior Living"])] = None,
        occupation_code: Annotated[str | None, Query(max_length=100,
                                                     examples=["31-1131.00"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Need]:
    return Page[Need].model_validate(page(
        engine, KIND, Need, cursor, limit,
        {"employer": employer, "occupation_code": occupation_code, "region": region}))


@router.get("/{record_id}", summary="One need, with its skills and their evidence",
            responses=responses(404))
def get_need(engine: Engine, record_id: RecordId) -> NeedDetail:
    detail: NeedDetail = one(engine, KIND, NeedDetail, record_id)
    return detail
