"""``/``: what skillmatch is, in two sentences, and where each kind of user goes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..api.routers._params import V1
from .templating import page

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    """The home page for a browser; the API's entry point as JSON for a program."""
    accept = request.headers.get("accept", "")
    if "text/html" not in accept:
        return JSONResponse({"name": "skillmatch", "api": V1, "docs": "/docs",
                             "openapi": "/openapi.json", "pages": "/"})
    response: HTMLResponse = page(request, "home.html", "skillmatch")
    return response
