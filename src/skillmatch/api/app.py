"""The app factory: ``create_app(settings, engine)`` makes the HTTP API over one engine.

``skillmatch serve`` runs it under uvicorn (``factory=True``: each worker calls
``create_app()`` and reads its settings from the environment, ``SKILLMATCH_*``). The
lifespan opens the engine (:class:`~skillmatch.app.SkillMatch`) once per process and
closes it at shutdown; loading (linker, read snapshot, autocomplete) runs in the
background so liveness answers at once and readiness tells when it is done. Every route
is a thin call of the facade; errors are problem details (:mod:`.problems`); every
request is counted and timed (:mod:`.metrics`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from ..app import SkillMatch
from ..settings import Settings
from ..threads import limit_native_threads
from . import problems
from .auth import caller
from .limits import BodyLimitMiddleware
from .metrics import Metrics, MetricsMiddleware
from .readiness import Readiness
from .routers import ROUTERS
from .routers._params import V1
from .routers.operations import router as operations_router

log = logging.getLogger(__name__)

DESCRIPTION = """\
Which credentials are worth earning, with evidence: recommendations and pathways for
counselors, demand and skill linking for employers, alignment reports for program
designers, over one skillmatch workspace.

An alignment report is JSON, or by `format` (or `Accept`) an HTML page, CSV (a row per
skill) or its chart of coverage against demand (SVG, PNG).

Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem details
(`application/problem+json`: `type`, `title`, `status`, `detail`, and `field` when one
field is at fault; `errors` lists every invalid field of a request). Lists are pages:
`limit` (at most 100), the `total`, and `next_cursor` to pass as `cursor`.

Keys (`Authorization: Bearer <key>` or `X-API-Key`, made with `skillmatch keys create`)
have a role: `admin`, `employer` (bound to one employer), `designer`, `counselor`. Reads
may be open (the server's setting); writes need a key of the right role (401 without
one, 403 with another role). An employer key lists, reads, changes and deletes only its
own postings and needs; a private one is seen by no other key (404, as if absent) and
still counts in demand figures, never named in them. An employer may correct a skill
linked in its own record (`.../corrections`): at once there, in its later writes too,
and in everyone's once an admin accepts it from the review queue (`/v1/corrections`).
Requests are rate-limited per key (per address without one): 429 with `Retry-After`;
bodies above the server's limit: 413.
"""


def create_app(settings: Settings | None = None, engine: SkillMatch | None = None) -> FastAPI:
    """The API over ``engine`` (closed by its owner), or over an engine the lifespan
    opens on ``settings`` (default: from the environment) and closes."""
    if settings is None:
        settings = engine.settings if engine is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.engine is None
        # CPU-bound requests interleaved by threads only fight over the GIL (each forced
        # switch a convoy): compute them one at a time, and let a thread keep the GIL
        # longer before the event loop takes it (docs/performance.md: 128 -> 235 req/s)
        if settings.api_concurrency:
            to_thread.current_default_thread_limiter().total_tokens = settings.api_concurrency
        sys.setswitchinterval(settings.api_switch_interval)
        # numpy's BLAS held to this worker's share of the cores, as ONNX and FAISS are
        # (several workers' spinning BLAS threads tripled each one's time: threads.py)
        native = limit_native_threads(settings.threads)
        app.state.native_threads = native
        if owned:
            app.state.engine = SkillMatch(settings)
        app.state.readiness.start(app.state.engine)
        try:
            yield
        finally:
            native.restore()
            app.state.readiness.stop()
            if owned:
                app.state.engine.close()
                app.state.engine = None

    try:
        number = version("skillmatch")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        number = "0"
    app = FastAPI(title="skillmatch", version=number, description=DESCRIPTION,
                  lifespan=lifespan, openapi_tags=TAGS)
    app.state.settings = settings
    app.state.engine = engine
    app.state.readiness = Readiness()
    app.state.metrics = Metrics()
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes,  # 413
                       uploads={V1 + "/imports": settings.api_max_upload_bytes,
                                V1 + "/taxonomies": settings.api_max_upload_bytes,
                                "/employer/imports": settings.api_max_upload_bytes})
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if settings.api_cors_origins:  # off unless origins are listed
        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"],
                           max_age=600)
    problems.install(app)
    for router in ROUTERS:  # each under /v1 by its own prefix
        # every resource request: its key checked, counted against the rate limit
        keyed = [] if router is operations_router else [Depends(caller)]
        app.include_router(router, dependencies=keyed)

    from ..web import mount  # the pages: "/" is the home page (JSON for a program)

    mount(app)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


TAGS = [
    {"name": "operations", "description": "Liveness, readiness, version, metrics."},
    {"name": "counselors", "description": "Recommendations and pathways for students."},
    {"name": "program designers", "description": "Alignment reports."},
    {"name": "employers", "description": "Job postings and stated skill needs."},
    {"name": "catalogue", "description": "Credentials and demand."},
    {"name": "skills", "description": "Skill linking and autocomplete."},
    {"name": "occupations", "description": "Occupation autocomplete."},
    {"name": "admin", "description": "API keys and the review queue of corrections."},
]


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with every error response as what is sent:
    ``application/problem+json`` holding a ``Problem`` (FastAPI's own validation error
    schema is never sent, so it is not described)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes, tags=app.openapi_tags)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in components:
        from .schemas.common import Problem

        components.update(Problem.model_json_schema(
            ref_template="#/components/schemas/{model}").pop("$defs", {}))
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}")
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {problems.PROBLEM_JSON: problem}
                    if status == "422":
                        response["description"] = "Invalid request or input"
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
