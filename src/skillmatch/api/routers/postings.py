"""``/v1/postings``: stored job postings (reads; employers' writes come with keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.common import Page
from ..schemas.records import Posting, PostingDetail
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page

router = APIRouter(prefix=V1 + "/postings", tags=["employers"])
KIND = "posting"


@router.get("", summary="List job postings, a page at a time", responses=listed(Posting))
def list_postings(
        engine: Engine, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT,
        employer: Annotated[str | None, Query(max_length=300,
                                              examples=["Bayou Senior Living"])] = None,
        occupation_code: Annotated[str | None, Query(max_length=100,
                                                     examples=["31-1131.00"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Posting]:
    return Page[Posting].model_validate(page(
        engine, KIND, Posting, cursor, limit,
        {"employer": employer, "occupation_code": occupation_code, "region": region}))


@router.get("/{record_id}", summary="One posting, with its skills and their evidence",
            responses=responses(404))
def get_posting(engine: Engine, record_id: RecordId) -> PostingDetail:
    detail: PostingDetail = one(engine, KIND, PostingDetail, record_id)
    return detail
