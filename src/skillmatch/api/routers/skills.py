"""``/v1/skills``: link the skills of any text; autocomplete skill labels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Engine
from ..problems import responses
from ..schemas.skills import LinkRequest, LinkResponse, Suggestions
from ._params import V1, TaxonomyQuery, names

router = APIRouter(prefix=V1 + "/skills", tags=["skills"])


@router.post("/link", summary="Link the skills stated in a text, with evidence",
             responses=responses(404, 503), response_model_exclude_unset=True)
def link(body: LinkRequest, engine: Engine) -> LinkResponse:
    [result] = engine.link([body.text], top_k=body.top_k, threshold=body.threshold,
                           taxonomies=body.taxonomies)
    return LinkResponse.model_validate(
        {**result.to_dict(), "provenance": engine.provenance(body.taxonomies)})


@router.get("", summary="Autocomplete skills: prefix, word and fuzzy matches of labels")
def suggest(engine: Engine,
            q: Annotated[str, Query(min_length=1, max_length=200, description="What the "
                                    "user typed so far.", examples=["vital s"])],
            limit: Annotated[int, Query(ge=1, le=50, examples=[10])] = 10,
            taxonomy: TaxonomyQuery = []) -> Suggestions:  # noqa: B006 - FastAPI copies it
    return Suggestions.model_validate(
        engine.lookup.skills(q, limit=limit, taxonomies=names(taxonomy)))
