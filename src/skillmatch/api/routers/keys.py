"""``/v1/keys``: API keys, for admins (:mod:`skillmatch.services.keys`): a new key is
shown once, in the answer that makes it; lists and revocations name its public id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from .. import pagination
from ..auth import AdminKey
from ..deps import Keys
from ..problems import responses
from ..schemas.admin import Key, KeyCreated, KeyIn
from ..schemas.common import Page
from ._params import V1, Cursor, Limit, example_page

router = APIRouter(prefix=V1 + "/keys", tags=["admin"])
KIND = "key"
ERRORS = responses(401, 403, 404, 422, 429)
KeyId = Annotated[str, Path(min_length=1, max_length=100, examples=["3463c837"],
                            description="The key's public id (as listed).")]


@router.post("", summary="Make an API key (admins): the key is shown this once",
             status_code=201, response_model=KeyCreated, responses=ERRORS)
def create_key(body: KeyIn, keys: Keys, principal: AdminKey, request: Request
               ) -> JSONResponse:
    made = KeyCreated.model_validate(keys.create(body.role, employer=body.employer,
                                                 name=body.name))
    return JSONResponse(made.model_dump(mode="json"), status_code=201,
                        headers={"Location": f"{request.url.path.rstrip('/')}/{made.id}",
                                 "Cache-Control": "no-store"})


@router.get("", summary="List API keys (admins), in the order made; never the keys",
            responses={**ERRORS, **example_page(Key, KIND)})
def list_keys(keys: Keys, principal: AdminKey, cursor: Cursor = None,
              limit: Limit = pagination.DEFAULT_LIMIT,
              revoked: Annotated[bool, Query(examples=[False], description="Include "
                                             "revoked keys.")] = True) -> Page[Key]:
    rows = keys.list(revoked)
    start = pagination.decode(KIND, cursor)
    end = start + limit
    return Page[Key].model_validate({
        "items": rows[start:end], "total": len(rows), "limit": limit,
        "next_cursor": pagination.encode(KIND, end) if end < len(rows) else None})


@router.delete("/{key_id}", summary="Revoke an API key (admins): it stops at once, in "
               "every worker", responses=ERRORS)
def revoke_key(key_id: KeyId, keys: Keys, principal: AdminKey) -> Key:
    return Key.model_validate(keys.revoke(key_id))
