"""``/v1/credentials``: the catalogue's credentials. Anyone reads them; an admin key
creates (one, or in bulk: each item its own result, or all or nothing), replaces,
changes and deletes them, through the same write path as employers' postings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ..auth import AdminKey
from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.catalogue import (
    CredentialExport,
    CredentialIn,
    CredentialPatch,
    CredentialsBulk,
    CredentialWritten,
)
from ..schemas.common import CredentialType, Delivery, Page
from ..schemas.records import Credential, CredentialDetail
from ..schemas.writes import BulkResult
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page
from ._writes import WRITE_ERRORS, Atomic, Resume, create_bulk, create_one, written

router = APIRouter(prefix=V1 + "/credentials", tags=["catalogue"])
KIND = "credential"


@router.get("", summary="List credentials, a page at a time", responses=listed(Credential))
def list_credentials(
        engine: Engine, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT,
        type: Annotated[CredentialType | None, Query(examples=["certification"])] = None,
        delivery: Annotated[Delivery | None, Query(examples=["online"])] = None,
        provider: Annotated[str | None, Query(max_length=300,
                                              examples=["Lakeview ISD Health Science"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Credential]:
    return Page[Credential].model_validate(page(
        engine, KIND, Credential, cursor, limit,
        {"type": type, "delivery": delivery, "provider": provider, "region": region}))


@router.get("/{record_id}", summary="One credential, with its skills and their evidence",
            responses=responses(404))
def get_credential(engine: Engine, record_id: RecordId) -> CredentialDetail:
    detail: CredentialDetail = one(engine, KIND, CredentialDetail, record_id)
    return detail


@router.get("/{record_id}/export", summary="A credential's skills as Open Badges 3.0 "
            "alignment entries or CTDL competency alignments, with provenance",
            responses=responses(404, 422))
def export_credential(
        engine: Engine, record_id: RecordId,
        standard: Annotated[Literal["ob3", "ctdl"], Query(
            examples=["ob3"],
            description="ob3: Alignment objects for an Achievement's `alignment`; ctdl: "
            "ceterms:CredentialAlignmentObject entries under the property its type "
            "takes.")] = "ob3",
        min_score: Annotated[float, Query(ge=0, le=1, examples=[0.5], description="Leave "
                                          "out linked skills below this score.")] = 0.0,
) -> CredentialExport:
    return CredentialExport.model_validate(
        engine.exports.skills(record_id, standard, min_score=min_score))


@router.post("", summary="Add a credential (admins): its skills linked, with evidence",
             status_code=201, response_model=CredentialWritten, responses=WRITE_ERRORS)
def post_credential(body: CredentialIn, engine: Engine, principal: AdminKey,
                    request: Request) -> JSONResponse:
    return create_one(engine, KIND, body, principal, request)


@router.post("/bulk", summary="Import many credentials (admins): each its own result, or "
             "all or nothing", response_model=BulkResult, responses=WRITE_ERRORS)
def post_credentials(body: CredentialsBulk, engine: Engine, principal: AdminKey,
                     request: Request, atomic: Atomic = False,
                     resume: Resume = False) -> JSONResponse:
    return create_bulk(engine, KIND, CredentialIn, body.items, principal, atomic, request,
                       resume)


@router.put("/{record_id}", summary="Replace a credential (admins)", responses=WRITE_ERRORS)
def replace_credential(record_id: RecordId, body: CredentialIn, engine: Engine,
                       principal: AdminKey) -> CredentialWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(mode="json"), principal)
    return CredentialWritten.model_validate(written(KIND, answer))


@router.patch("/{record_id}", summary="Change some fields of a credential (admins)",
              responses=WRITE_ERRORS)
def change_credential(record_id: RecordId, body: CredentialPatch, engine: Engine,
                      principal: AdminKey) -> CredentialWritten:
    answer = engine.writes.update(KIND, record_id, body.model_dump(
        mode="json", exclude_unset=True), principal, partial=True)
    return CredentialWritten.model_validate(written(KIND, answer))


@router.delete("/{record_id}", summary="Delete a credential (admins)", status_code=204,
               response_class=Response, responses=WRITE_ERRORS)
def delete_credential(record_id: RecordId, engine: Engine, principal: AdminKey) -> Response:
    engine.writes.delete(KIND, record_id, principal)
    return Response(status_code=204)
