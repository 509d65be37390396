"""``/v1/alignments``: a credential's alignment with employer demand (JSON, an HTML
page, CSV or the chart as SVG or PNG: :mod:`..render`), and two or three credentials
compared side by side."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from ..deps import Engine, Reports
from ..problems import responses
from ..render import CONTENT, DESCRIPTION, Format, alignment, negotiate
from ..schemas.alignments import (
    AlignmentRequest,
    AlignmentResponse,
    CompareRequest,
    CompareResponse,
)
from ._params import V1, TaxonomyQuery, names

router = APIRouter(prefix=V1 + "/alignments", tags=["program designers"])

FormatQuery = Annotated[Format | None, Query(
    alias="format", description="json, html, csv, svg or png (default: by the Accept "
    "header, else json).", examples=["html"])]
AcceptHeader = Annotated[str | None, Header(alias="accept", include_in_schema=False)]
FORMATS: dict[int | str, dict[str, Any]] = {
    200: {"description": DESCRIPTION, "content": CONTENT}, **responses(404, 503)}


@router.post("", summary="Alignment report of a catalogued credential or posted text",
             response_model=AlignmentResponse, responses=FORMATS,
             response_model_exclude_unset=True)
def align(body: AlignmentRequest, engine: Engine, response: Response,
          fmt: FormatQuery = None, accept: AcceptHeader = None) -> Any:
    report = engine.align(body.credential, description=body.description,
                          occupations=body.occupations, region=body.region, k=body.k,
                          taxonomies=body.taxonomies)
    return _answer(report, negotiate(fmt, accept), response, body.credential)


@router.get("/{credential_id}", summary="Alignment report of a catalogued credential",
            response_model=AlignmentResponse, responses=FORMATS,
            response_model_exclude_unset=True)
def align_credential(
        engine: Engine, request: Request, response: Response,
        credential_id: Annotated[str, Path(min_length=1, max_length=300,
                                           examples=["cred:maker-ed"])],
        occupation: Annotated[list[str], Query(
            max_length=10, description="A target occupation, code or title (repeatable; "
            "default: the ones it prepares for best).", examples=["31-1131.00"])] = [],  # noqa: B006
        region: Annotated[str | None, Query(max_length=100, examples=["TX"])] = None,
        k: Annotated[int, Query(ge=1, le=20, examples=[5])] = 5,
        taxonomy: TaxonomyQuery = [],  # noqa: B006
        fmt: FormatQuery = None, accept: AcceptHeader = None) -> Any:
    report = engine.align(credential_id, occupations=occupation, region=region, k=k,
                          taxonomies=names(taxonomy))
    chart = request.url.include_query_params(format="svg")  # the HTML page's image
    return _answer(report, negotiate(fmt, accept), response, credential_id,
                   f"{chart.path}?{chart.query}")


@router.post("/compare", summary="Two or three credentials side by side",
             responses=responses(404, 503), response_model_exclude_unset=True)
def compare(body: CompareRequest, reports: Reports) -> CompareResponse:
    return CompareResponse.model_validate(reports.compare(
        body.credentials, occupations=body.occupations, region=body.region, k=body.k,
        taxonomies=body.taxonomies))


def _answer(report: dict[str, Any], fmt: str, response: Response, name: str | None,
            chart_url: str | None = None) -> Any:
    if fmt == "json":
        response.headers["Vary"] = "Accept"
        return AlignmentResponse.model_validate(report)
    return alignment(report, fmt, name=name, chart_url=chart_url)
