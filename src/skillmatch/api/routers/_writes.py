"""What the postings, needs and credentials routers share for writes: one item, a bulk
(each item its own result, or all or nothing), a replacement, a change, a deletion; every
one on behalf of the key's principal (:mod:`skillmatch.services.writes` holds the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from ...app import SkillMatch
from ...errors import InputError, SkillmatchError
from ...services.keys import Principal
from ...services.writes import ItemResult
from .. import problems
from ..schemas.catalogue import CredentialWritten
from ..schemas.records import CredentialDetail, NeedDetail, PostingDetail
from ..schemas.writes import BulkItem, BulkResult, NeedWritten, PostingWritten

Atomic = Annotated[bool, Query(examples=[True], description="All or nothing: write no "
                               "item unless every item is valid (default: each item on "
                               "its own).")]
Resume = Annotated[bool, Query(examples=[True], description="Sending a bulk again after "
                               "an interruption: an item stored already, by this key's "
                               "employer and exactly as sent, answers 200 `unchanged` "
                               "instead of 409.")]
WRITE_ERRORS = problems.responses(401, 403, 404, 409, 413, 422, 429)


def written(kind: str, answer: dict[str, Any]
            ) -> NeedWritten | PostingWritten | CredentialWritten:
    """A write's answer as its schema (the record's public id, its skills)."""
    if kind == "credential":
        return CredentialWritten.model_validate({**answer, "credential": CredentialDetail
                                                 .from_row(answer["credential"])})
    if kind == "need":
        return NeedWritten.model_validate({**answer, "need": NeedDetail.from_row(
            answer["need"])})
    return PostingWritten.model_validate({**answer, "posting": PostingDetail.from_row(
        answer["posting"])})


def create_one(engine: SkillMatch, kind: str, item: BaseModel, principal: Principal,
               request: Request) -> JSONResponse:
    """201 with what was written, or the item's error as problem details."""
    [result] = engine.writes.create(kind, [item.model_dump(mode="json")], principal,
                                    bulk=False)
    if result.error is not None:
        raise result.error
    assert result.answer is not None
    body = written(kind, result.answer).model_dump(mode="json", exclude_unset=False)
    return JSONResponse(body, status_code=201, headers={
        "Location": f"{request.url.path.rstrip('/')}/{result.id}"})


def create_bulk(engine: SkillMatch, kind: str, model: type[BaseModel],
                items: Sequence[dict[str, Any]], principal: Principal, atomic: bool,
                request: Request, resume: bool = False) -> JSONResponse:
    """Each item checked on its own (schema, then the engine's rules); with ``atomic``
    nothing is written unless all pass (a problem listing every failing item), else the
    valid ones are written together and every item gets its own result."""
    most = engine.settings.api_max_batch
    if len(items) > most:
        raise InputError(f"{len(items)} items (a bulk write takes at most {most})",
                         field="items")
    results: list[ItemResult] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    for i, raw in enumerate(items):
        try:
            valid.append((i, model.model_validate(raw).model_dump(mode="json")))
            results.append(ItemResult(i, raw.get("id") if isinstance(raw, dict) else None))
        except ValidationError as exc:
            results.append(ItemResult(i, None, error=_invalid(exc, i)))
    if valid and not (atomic and any(r.error for r in results)):
        done = engine.writes.create(kind, [item for _, item in valid], principal,
                                    atomic=atomic, resume=resume)
        for j, ((i, _), result) in enumerate(zip(valid, done)):
            result.index = i
            if result.error is not None:
                result.error = _renamed(result.error, j, i)
            results[i] = result
    failed = [r for r in results if r.error is not None]
    if atomic and failed:
        kinds = {problems.kind_of(r.error) for r in failed if r.error is not None}
        which = kinds.pop() if len(kinds) == 1 else problems.INVALID_REQUEST
        errors = [{"field": _field(r), "location": "body", "message": _message(r.error)}
                  for r in failed]
        return problems.problem(
            which, f"nothing written: {len(failed)} of {len(items)} items failed "
            f"({errors[0]['field']}: {errors[0]['message']})", request,
            field=errors[0]["field"], errors=errors)
    unchanged = sum(r.unchanged for r in results)
    out = BulkResult(atomic=atomic, written=len(results) - len(failed) - unchanged,
                     failed=len(failed), unchanged=unchanged,
                     items=[_item(kind, r) for r in results])
    return JSONResponse(out.model_dump(mode="json", exclude_none=True))


def _item(kind: str, r: ItemResult) -> BulkItem:
    if r.error is not None:
        return BulkItem(index=r.index, id=r.id, status=problems.kind_of(r.error).status,
                        error=_problem(r.error))
    if r.unchanged:
        return BulkItem(index=r.index, id=r.id, status=200, unchanged=True)
    assert r.answer is not None
    return BulkItem(index=r.index, id=r.id, status=201,
                    result=written(kind, r.answer).model_dump(mode="json"))


def _problem(exc: SkillmatchError) -> Any:
    from ..schemas.common import Problem

    kind = problems.kind_of(exc)
    field = exc.field if isinstance(exc, InputError) else None
    return Problem(type=kind.type, title=kind.title, status=kind.status,
                   detail=_message(exc), field=field)


def _message(exc: SkillmatchError | None) -> str:
    if isinstance(exc, InputError) and exc.path is None and exc.line is None:
        return problems.scrub(exc.reason)
    return problems.scrub(str(exc))


def _field(r: ItemResult) -> str:
    if isinstance(r.error, InputError) and r.error.field:
        return r.error.field
    return f"items.{r.index}"


def _renamed(exc: SkillmatchError, old: int, new: int) -> SkillmatchError:
    """An item's error naming its place in the request (the engine saw only the valid
    items)."""
    if isinstance(exc, InputError) and exc.field and exc.field.startswith(f"items.{old}."):
        return InputError(exc.reason, field=f"items.{new}." + exc.field.split(".", 2)[2])
    return exc


def _invalid(exc: ValidationError, index: int) -> InputError:
    """A schema failure of item ``index`` as one error naming its first bad field."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return InputError(message, field=f"items.{index}" + (f".{where}" if where else ""))
