"""``/v1/demand``: the most demanded skills of a region, occupation and time window (with
their trends when asked), and one skill's demand over time."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from ...errors import InputError
from ..auth import Caller
from ..deps import Engine, Reports
from ..problems import responses
from ..schemas.demand import DemandResponse, SkillSeries
from ._params import V1, TaxonomyQuery, names

router = APIRouter(prefix=V1 + "/demand", tags=["catalogue"])

Region = Annotated[str | None, Query(max_length=100, description="ST or ST-Place (ST covers "
                                     "its places).", examples=["TX"])]
Occupation = Annotated[str | None, Query(max_length=300, description="Code or title (adds "
                                         "skill tiers to a demand table).",
                                         examples=["31-1131.00"])]
Since = Annotated[date | None, Query(description="Window start (inclusive).",
                                     examples=["2026-01-01"])]
Until = Annotated[date | None, Query(description="Window end (exclusive).",
                                     examples=["2027-01-01"])]


@router.get("", summary="Employer demand per skill, from postings and stated needs",
            responses=responses(404, 503), response_model_exclude_unset=True)
def demand(engine: Engine, reports: Reports, principal: Caller,
           region: Region = None, occupation: Occupation = None, since: Since = None,
           until: Until = None,
           top: Annotated[int, Query(ge=1, le=200, examples=[20])] = 20,
           order: Annotated[Literal["score", "share"],
                            Query(description="Specificity-adjusted score, or raw share.",
                                  examples=["score"])] = "score",
           taxonomy: TaxonomyQuery = [],  # noqa: B006
           trend: Annotated[bool, Query(description="Each skill's share in the window (the "
                                        "year to the reference date without one) against "
                                        "the window of the same length before it.",
                                        examples=[True])] = False) -> DemandResponse:
    if since and until and since >= until:
        raise InputError(f"since {since} is not before until {until} (the window would "
                         "be empty)", field="since")
    return DemandResponse.model_validate(reports.demand(
        region=region, occupation=occupation, since=since, until=until, top=top,
        order=order, taxonomies=names(taxonomy), trend=trend,
        visible=engine.writes.visible_rule(principal)))


@router.get("/skills/{skill_id:path}/series", summary="One skill's share of postings per "
            "month (quarter, year) of a window", responses=responses(404, 503),
            response_model_exclude_unset=True)
def skill_series(reports: Reports,
                 skill_id: Annotated[str, Path(min_length=1, max_length=300,
                                               description="The skill's id in its "
                                               "taxonomy.", examples=["s:cpr"])],
                 interval: Annotated[Literal["month", "quarter", "year"],
                                     Query(examples=["month"])] = "month",
                 region: Region = None, occupation: Occupation = None,
                 since: Since = None, until: Until = None,
                 taxonomy: TaxonomyQuery = []) -> SkillSeries:  # noqa: B006
    """Default window: the twelve months (four quarters, five years) to the reference
    date's; at most 120 intervals."""
    return SkillSeries.model_validate(reports.skill_series(
        skill_id, interval=interval, region=region, occupation=occupation, since=since,
        until=until, taxonomies=names(taxonomy)))
