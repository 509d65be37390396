"""``/v1/recommendations``: credentials for a student, ranked and explained."""

from __future__ import annotations

from fastapi import APIRouter

from ..auth import Caller
from ..deps import Engine
from ..problems import responses
from ..schemas.recommendations import RecommendationRequest, RecommendationResponse
from ._params import V1

router = APIRouter(prefix=V1 + "/recommendations", tags=["counselors"])


@router.post("", summary="Credentials for free text, a target occupation or known skills",
             responses=responses(404, 503), response_model_exclude_unset=True)
def recommend(body: RecommendationRequest, engine: Engine,
              principal: Caller) -> RecommendationResponse:
    return RecommendationResponse.model_validate(engine.recommend(
        body.query, occupation=body.occupation, known_skills=body.known_skills,
        max_cost=body.max_cost, max_hours=body.max_hours, types=body.types,
        delivery=body.delivery, region=body.region, k=body.k,
        include_unknown_cost=body.include_unknown_cost,
        include_unknown_hours=body.include_unknown_hours, taxonomies=body.taxonomies,
        visible=engine.writes.visible_rule(principal)))
