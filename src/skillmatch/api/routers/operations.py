"""Operations: ``health`` (liveness), ``ready`` (engine loaded), ``version``
(provenance) and ``metrics`` (Prometheus)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from fastapi import APIRouter, Request, Response

from ...errors import SkillmatchError
from ..deps import Engine
from ..metrics import CONTENT_TYPE
from ..problems import NOT_READY, problem, responses
from ..schemas.operations import Health, Ready, TaxonomyVersion, Version
from ._params import V1

router = APIRouter(prefix=V1, tags=["operations"])
API_VERSION = "v1"


@router.get("/health", summary="Liveness: the process answers")
async def health() -> Health:
    return Health(status="ok")


@router.get("/ready", summary="Readiness: the engine is loaded", response_model=Ready,
            responses=responses(503))
async def ready(request: Request) -> Any:
    readiness = request.app.state.readiness
    ok, why = readiness.status()
    if not ok:
        return problem(NOT_READY, why, request, headers={"Retry-After": "5"})
    return Ready(status="ready", seconds=readiness.seconds, loaded=readiness.loaded)


@router.get("/version", summary="Version and provenance: package, model, taxonomies")
def version(engine: Engine) -> Version:
    try:
        provenance = engine.provenance()
    except SkillmatchError:  # nothing to link against yet: the model all the same
        provenance = {"model": engine.embedder.model_id, "taxonomies": {}}
    try:
        number = package_version("skillmatch")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        number = "unknown"
    return Version(
        name="skillmatch", version=number, api=API_VERSION, model=provenance["model"],
        linked_taxonomies=provenance["taxonomies"],
        taxonomies=[TaxonomyVersion(name=name, kind=kind, version=v, imported_at=at)
                    for name, (kind, v, at) in engine.taxonomies.versions().items()])


@router.get("/metrics", summary="Request counts and latencies, Prometheus text format",
            response_class=Response, responses={200: {
                "description": "Prometheus text exposition format.",
                "content": {"text/plain": {"schema": {"type": "string"}, "example": (
                    "# TYPE skillmatch_http_requests_total counter\n"
                    'skillmatch_http_requests_total{method="POST",route="/v1/recommendations",'
                    'status="200"} 12.0\n')}}}})
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)
