"""``/v1/alignments``: a credential's alignment with employer demand (JSON)."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import Engine
from ..problems import responses
from ..schemas.alignments import AlignmentRequest, AlignmentResponse
from ._params import V1

router = APIRouter(prefix=V1 + "/alignments", tags=["program designers"])


@router.post("", summary="Alignment report of a catalogued credential or posted text",
             responses=responses(404, 503), response_model_exclude_unset=True)
def align(body: AlignmentRequest, engine: Engine) -> AlignmentResponse:
    return AlignmentResponse.model_validate(engine.align(
        body.credential, description=body.description, occupations=body.occupations,
        region=body.region, k=body.k, taxonomies=body.taxonomies))
