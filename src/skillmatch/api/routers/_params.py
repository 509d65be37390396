"""What several routers share: the version prefix, query parameters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from .. import pagination
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT
from ..schemas.common import MAX_TAXONOMIES

V1 = "/v1"  # in each router's own prefix, so a route's template is its whole path

TaxonomyQuery = Annotated[
    list[str], Query(alias="taxonomy", max_length=MAX_TAXONOMIES,
                     description="Only this taxonomy (repeatable, or a comma list).",
                     examples=["demo"])]
Cursor = Annotated[str | None, Query(max_length=200, description="The next_cursor of "
                                     "the previous page; none for the first page.",
                                     examples=["eyJrIjoiY3JlZGVudGlhbCIsImEiOjIwfQ"])]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.",
                             examples=[DEFAULT_LIMIT])]


def names(values: list[str]) -> list[str]:
    """``?taxonomy=a&taxonomy=b`` or ``?taxonomy=a,b``."""
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def example_page(model: type[BaseModel], kind: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI example of a page of ``model`` (its own example, one item)."""
    extra: Any = model.model_config.get("json_schema_extra") or {}
    return {200: {"content": {"application/json": {"example": {
        "items": extra.get("examples", [{}])[:1], "total": 3, "limit": 1,
        "next_cursor": pagination.encode(kind, 1)}}}}}
