"""``/v1/pathways``: a short, cheap sequence of credentials toward an occupation."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import Engine
from ..problems import responses
from ..schemas.pathways import PathwayRequest, PathwayResponse
from ._params import V1

router = APIRouter(prefix=V1 + "/pathways", tags=["counselors"])


@router.post("", summary="The cheapest short sequence of credentials toward an occupation",
             responses=responses(404, 503), response_model_exclude_unset=True)
def pathway(body: PathwayRequest, engine: Engine) -> PathwayResponse:
    return PathwayResponse.model_validate(engine.pathway(
        body.occupation, known_skills=body.known_skills, by=body.by,
        max_steps=body.max_steps, target_coverage=body.target_coverage,
        max_cost=body.max_cost, region=body.region,
        include_unknown_cost=body.include_unknown_cost, taxonomies=body.taxonomies))
