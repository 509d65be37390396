"""Errors as RFC 9457 problem details (``application/problem+json``).

One place translates what the engine raises (:mod:`skillmatch.errors`), request
validation failures and HTTP errors into ``{type, title, status, detail}``, with the
``field`` at fault when the error names one. Nothing else reaches a client: an
unexpected exception is logged with its traceback here and answered with a generic
500; database errors and file system paths never appear in a ``detail``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    ArtifactError,
    ConfigurationError,
    ConflictError,
    InputError,
    NotFoundError,
    SkillmatchError,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:skillmatch:problem:"


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    status: int

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug


INVALID_REQUEST = Kind("invalid-request", "Invalid request", 422)
NOT_READY = Kind("not-ready", "Not ready", 503)
INTERNAL = Kind("internal-error", "Internal error", 500)
DATABASE = Kind("database-unavailable", "Database unavailable", 503)
# most specific first: the first class an error is an instance of decides
ERROR_KINDS: tuple[tuple[type[SkillmatchError], Kind], ...] = (
    (InputError, Kind("invalid-input", "Invalid input", 422)),
    (NotFoundError, Kind("not-found", "Not found", 404)),
    (ConflictError, Kind("conflict", "Conflict", 409)),
    (ArtifactError, Kind("data-unavailable", "Data unavailable", 503)),
    (ConfigurationError, Kind("server-configuration", "Server configuration", 500)),
    (SkillmatchError, Kind("bad-request", "Bad request", 400)),
)
# a path a message may hold (a workspace or model file): never shown to a client
_PATH = re.compile(r"(?<![\w:/.])(?:~|\.{0,2})/(?:[\w.@+-]+/)*[\w.@+-]*")


def scrub(message: str) -> str:
    """``message`` without file system paths (a relative name such as ``weights.json``
    stays)."""
    return _PATH.sub("<path>", message)


def problem(kind: Kind, detail: str, request: Request | None = None, *,
            field: str | None = None, errors: Sequence[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, status: int | None = None,
            title: str | None = None, type_: str | None = None) -> JSONResponse:
    """A problem details response of ``kind`` (``status``, ``title`` and ``type_``
    override the kind's, for plain HTTP errors)."""
    body: dict[str, Any] = {"type": type_ or kind.type, "title": title or kind.title,
                            "status": status or kind.status, "detail": detail}
    if request is not None:
        body["instance"] = request.url.path
    if field is not None:
        body["field"] = field
    if errors is not None:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status or kind.status, headers=headers,
                        media_type=PROBLEM_JSON)


def kind_of(exc: SkillmatchError) -> Kind:
    return next(kind for cls, kind in ERROR_KINDS if isinstance(exc, cls))


async def _engine_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SkillmatchError)
    kind = kind_of(exc)
    if kind.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    field = detail = None
    if isinstance(exc, InputError):  # the field apart; the message without it
        field = exc.field
        if exc.path is None and exc.line is None:
            detail = exc.reason
    return problem(kind, scrub(detail or str(exc)), request, field=field)


def _location(loc: Sequence[Any]) -> tuple[str | None, str]:
    """(where, the dotted field) of a pydantic error location."""
    where = str(loc[0]) if loc and loc[0] in ("body", "query", "path", "header",
                                             "cookie") else None
    rest = [str(p) for p in (loc[1:] if where else loc)]
    return where, ".".join(rest) or (where or "body")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        where, field = _location(err.get("loc", ()))
        named = (err.get("ctx") or {}).get("field")  # a rule over several fields names one
        if isinstance(named, str):
            field = f"{field}.{named}" if field not in ("body", "") else named
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "json_invalid":  # its location is a character offset
            field, message = "body", f"not valid JSON ({message})"
        errors.append({"field": field, "location": where, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return problem(INVALID_REQUEST, detail, request,
                   field=errors[0]["field"] if errors else None, errors=errors)


# FastAPI's answer to a body it cannot decode (not UTF-8, a broken form): a 400 of its
# own, answered as what it is, an invalid body (a body that is not JSON is one too)
UNPARSED_BODY = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == UNPARSED_BODY:
        message = "not valid JSON (could not be decoded)"
        return problem(INVALID_REQUEST, f"body: {message}", request, field="body",
                       errors=[{"field": "body", "location": "body", "message": message}])
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return problem(INTERNAL, detail, request, status=exc.status_code, title=phrase,
                   type_="about:blank", headers=getattr(exc, "headers", None))


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s: database error", request.method, request.url.path, exc_info=exc)
    return problem(DATABASE, "the database could not answer (busy or unavailable); retry "
                   "shortly", request, headers={"Retry-After": "5"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # the server logs the traceback (Starlette re-raises after this answer is sent)
    log.error("%s %s: unexpected %s", request.method, request.url.path, type(exc).__name__)
    return problem(INTERNAL, "an unexpected error; the server's log has the details",
                   request)


def install(app: FastAPI) -> None:
    """Every error of ``app`` answered as problem details."""
    app.add_exception_handler(SkillmatchError, _engine_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(sqlite3.Error, _database_error)
    app.add_exception_handler(Exception, _unexpected)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problems an endpoint may answer with (422 is added
    to every endpoint with inputs)."""
    from .schemas.common import Problem

    described = {400: "Bad request", 404: "Not found", 409: "Conflict",
                 422: "Invalid request or input", 503: "Not ready or data unavailable"}
    return {s: {"model": Problem, "description": described.get(s, HTTPStatus(s).phrase)}
            for s in statuses}
