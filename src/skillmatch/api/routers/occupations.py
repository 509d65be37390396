"""``/v1/occupations``: autocomplete occupation titles and codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Engine
from ..schemas.occupations import OccupationSuggestions
from ._params import V1, TaxonomyQuery, names

router = APIRouter(prefix=V1 + "/occupations", tags=["occupations"])


@router.get("", summary="Autocomplete occupations: titles, other titles and codes")
def suggest(engine: Engine,
            q: Annotated[str, Query(min_length=1, max_length=200, description="A title "
                                    "or code as typed so far.", examples=["nursing as"])],
            limit: Annotated[int, Query(ge=1, le=50, examples=[10])] = 10,
            taxonomy: TaxonomyQuery = []) -> OccupationSuggestions:  # noqa: B006
    return OccupationSuggestions.model_validate(
        engine.lookup.occupations(q, limit=limit, taxonomies=names(taxonomy)))
