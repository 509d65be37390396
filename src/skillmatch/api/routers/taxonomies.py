"""``/v1/taxonomies``: the loaded taxonomies, their versions and what they hold."""

from __future__ import annotations

from fastapi import APIRouter

from .. import pagination
from ..deps import Engine
from ..problems import responses
from ..schemas.admin import Taxonomy
from ..schemas.common import Page
from ._params import V1, Cursor, Limit, example_page

router = APIRouter(prefix=V1 + "/taxonomies", tags=["catalogue"])
KIND = "taxonomy"


@router.get("", summary="List the loaded taxonomies (by name), with their counts",
            responses={**responses(422), **example_page(Taxonomy, KIND)})
def list_taxonomies(engine: Engine, cursor: Cursor = None,
                    limit: Limit = pagination.DEFAULT_LIMIT) -> Page[Taxonomy]:
    loaded = engine.list_taxonomies()
    start = pagination.decode(KIND, cursor)
    end = start + limit
    return Page[Taxonomy].model_validate({
        "items": [{"name": t.name, "kind": t.kind, "version": t.version,  # no source:
                   "imported_at": t.imported_at, "counts": t.counts}  # a server path
                  for t in loaded[start:end]], "total": len(loaded),
        "limit": limit,
        "next_cursor": pagination.encode(KIND, end) if end < len(loaded) else None})
