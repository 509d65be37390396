"""What the record routers (credentials, postings, needs) share: a page of a list and
one record, as their schemas."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from ...app import SkillMatch
from ...services.keys import Principal
from .. import pagination
from ..schemas.records import Record

RecordId = Annotated[str, Path(min_length=1, max_length=300,
                               description="The record's id (as imported).",
                               examples=["cred:cna"])]


def listed(model: type[Record]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI example of a page of ``model`` (its own example, one item)."""
    extra: Any = model.model_config.get("json_schema_extra") or {}
    example = extra.get("examples", [{}])[0]
    return {200: {"content": {"application/json": {"example": {
        "items": [example], "total": 61, "limit": 1,
        "next_cursor": pagination.encode("credential", 1)}}}}}


def page(engine: SkillMatch, kind: str, model: type[Record], cursor: str | None,
         limit: int, filters: dict[str, Any], principal: Principal | None = None
         ) -> dict[str, Any]:
    """A page of ``kind`` records after ``cursor`` among those ``principal`` may see, as
    ``model``s, with the total."""
    found = engine.lookup.records_page(
        kind, after=pagination.decode(kind, cursor), limit=limit,
        filters={k: str(v) for k, v in filters.items() if v is not None},
        scope=engine.writes.scope(principal))
    after = found["next_after"]
    return {"items": [model.from_row(r) for r in found["records"]], "total": found["total"],
            "limit": limit,
            "next_cursor": None if after is None else pagination.encode(kind, after)}


def one(engine: SkillMatch, kind: str, model: type[Record], record_id: str,
        principal: Principal | None = None) -> Any:
    """One ``kind`` record with its skills and their evidence, if ``principal`` may see
    it (else 404, as for one that does not exist)."""
    return model.from_row(engine.writes.read(kind, record_id, principal))
