"""``/v1/demand``: the most demanded skills of a region, occupation and time window."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...errors import InputError
from ..auth import Caller
from ..deps import Engine
from ..problems import responses
from ..schemas.demand import DemandResponse
from ._params import V1, TaxonomyQuery, names

router = APIRouter(prefix=V1 + "/demand", tags=["catalogue"])


@router.get("", summary="Employer demand per skill, from postings and stated needs",
            responses=responses(404, 503), response_model_exclude_unset=True)
def demand(engine: Engine, principal: Caller,
           region: Annotated[str | None, Query(max_length=100, description="ST or "
                                               "ST-Place (ST covers its places).",
                                               examples=["TX"])] = None,
           occupation: Annotated[str | None, Query(max_length=300, description="Code or "
                                                   "title; adds skill tiers.",
                                                   examples=["31-1131.00"])] = None,
           since: Annotated[date | None, Query(description="Window start (inclusive).",
                                               examples=["2026-01-01"])] = None,
           until: Annotated[date | None, Query(description="Window end (exclusive).",
                                               examples=["2027-01-01"])] = None,
           top: Annotated[int, Query(ge=1, le=200, examples=[20])] = 20,
           order: Annotated[Literal["score", "share"],
                            Query(description="Specificity-adjusted score, or raw share.",
                                  examples=["score"])] = "score",
           taxonomy: TaxonomyQuery = []) -> DemandResponse:  # noqa: B006
    if since and until and since >= until:
        raise InputError(f"since {since} is not before until {until} (the window would "
                         "be empty)", field="since")
    window = ((since or date.min).isoformat(), (until or date.max).isoformat()) \
        if since or until else None
    return DemandResponse.model_validate(engine.demand(
        region=region, occupation=occupation, window=window, top=top, order=order,
        taxonomies=names(taxonomy), visible=engine.writes.visible_rule(principal)))
