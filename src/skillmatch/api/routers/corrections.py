"""Corrections of linked skills and their review queue: an employer key corrects a skill
linked in one of its own postings or needs (``POST /v1/{postings|needs}/{id}/corrections``)
and lists its own corrections; an admin key lists all of them and accepts or rejects
each (:mod:`skillmatch.services.corrections` holds the rules). Another employer's
correction, or a record it may not change, answers 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse

from .. import pagination
from ..auth import AdminKey, EmployerKey
from ..deps import Engine
from ..problems import responses
from ..schemas.common import Page
from ..schemas.corrections import Correction, CorrectionIn, CorrectionWritten, Review, Reviewed
from ..schemas.records import NeedDetail, PostingDetail
from ._params import V1, Cursor, Limit, example_page
from ._records import RecordId

router = APIRouter(prefix=V1, tags=["employers"])
KIND = "correction"
ERRORS = responses(401, 403, 404, 409, 422, 429)
ReviewBody = Annotated[Review | None, Body(examples=[{"note": "BLS is what CNA postings "
                                                             "ask for."}])]
CorrectionId = Annotated[int, Path(ge=1, le=2**62, description="The correction's id.",
                                   examples=[7])]


def _made(engine: Engine, kind: str, record_id: str, body: CorrectionIn,
          principal: EmployerKey) -> JSONResponse:
    answer = engine.corrections.create(kind, record_id, body.as_body(), principal)
    detail = PostingDetail if kind == "posting" else NeedDetail
    out = CorrectionWritten(correction=Correction.model_validate(answer["correction"]),
                            record=detail.from_row(answer["record"]))
    return JSONResponse(out.model_dump(mode="json", by_alias=True), status_code=201,
                        headers={"Location": f"{V1}/corrections/{out.correction.id}"})


@router.post("/postings/{record_id}/corrections", status_code=201,
             summary="Correct a skill linked in a posting of yours (queued for review)",
             response_model=CorrectionWritten, responses=ERRORS)
def correct_posting(record_id: RecordId, body: CorrectionIn, engine: Engine,
                    principal: EmployerKey) -> JSONResponse:
    return _made(engine, "posting", record_id, body, principal)


@router.post("/needs/{record_id}/corrections", status_code=201,
             summary="Correct a skill linked in a need of yours (queued for review)",
             response_model=CorrectionWritten, responses=ERRORS)
def correct_need(record_id: RecordId, body: CorrectionIn, engine: Engine,
                 principal: EmployerKey) -> JSONResponse:
    return _made(engine, "need", record_id, body, principal)


@router.get("/corrections", summary="List corrections: an employer its own, an admin all "
            "(the review queue: ?status=pending)",
            responses={**ERRORS, **example_page(Correction, KIND)})
def list_corrections(
        engine: Engine, principal: EmployerKey, cursor: Cursor = None,
        limit: Limit = pagination.DEFAULT_LIMIT,
        status: Annotated[Literal["pending", "accepted", "rejected"] | None,
                          Query(examples=["pending"])] = None,
        employer: Annotated[str | None, Query(
            max_length=300, examples=["Bayou Senior Living"],
            description="Admins: one employer's (an empty value: an admin's); an "
            "employer key always lists its own.")] = None,
) -> Page[Correction]:
    found = engine.corrections.list(principal, after=pagination.decode(KIND, cursor),
                                    limit=limit, status=status, employer=employer)
    after = found["next_after"]
    return Page[Correction].model_validate({
        "items": found["items"], "total": found["total"], "limit": limit,
        "next_cursor": None if after is None else pagination.encode(KIND, after)})


@router.get("/corrections/{correction_id}", summary="One correction of yours (admins: any)",
            responses=ERRORS)
def get_correction(correction_id: CorrectionId, engine: Engine,
                   principal: EmployerKey) -> Correction:
    return Correction.model_validate(engine.corrections.get(correction_id, principal))


@router.post("/corrections/{correction_id}/accept", tags=["admin"], responses=ERRORS,
             summary="Accept a correction for everyone's later writes (admins)")
def accept_correction(
        correction_id: CorrectionId, engine: Engine, principal: AdminKey,
        body: ReviewBody = None,
        reapply: Annotated[bool, Query(examples=[True], description="Also correct every "
                                       "stored posting and need that links the phrase to "
                                       "the skill now, in one transaction.")] = False,
) -> Reviewed:
    return Reviewed.model_validate(engine.corrections.accept(
        correction_id, principal, reapply=reapply, note=body.note if body else None))


@router.post("/corrections/{correction_id}/reject", tags=["admin"], responses=ERRORS,
             summary="Decline a correction for everyone (it stays its employer's own)")
def reject_correction(correction_id: CorrectionId, engine: Engine, principal: AdminKey,
                      body: ReviewBody = None) -> Reviewed:
    return Reviewed.model_validate(engine.corrections.reject(
        correction_id, principal, note=body.note if body else None))
