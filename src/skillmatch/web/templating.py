"""The pages' templates (Jinja2, autoescaped) and what every page is given.

:func:`page` renders a template with the common context: the request, the page's
title, the navigation, and the footer's provenance (the model and the taxonomies with
their versions, from the engine) and attribution. :func:`problem_page` renders an
error in plain language (never a stack trace or JSON), with what to try.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
NAV = (("/counselor", "Find credentials"), ("/employer", "Employers"),
       ("/designer", "Program designers"), ("/demand", "Demand"))


def provenance(request: Request) -> dict[str, Any]:
    """The model and taxonomy versions behind every figure (for the footer); empty while
    the engine loads."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        return {}
    try:
        return dict(engine.provenance())
    except Exception:  # noqa: BLE001 - a footer never breaks a page
        log.debug("no provenance for the footer", exc_info=True)
        return {}


def page(request: Request, template: str, title: str, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """``template`` rendered with the common context and ``context``."""
    return TEMPLATES.TemplateResponse(request, template, {
        "title": title, "nav": NAV, "provenance": provenance(request), **context},
        status_code=status_code)


def problem_page(request: Request, message: str, *, status_code: int = 400,
                 hint: str = "", title: str = "Something needs a second look") -> HTMLResponse:
    """An error as a page: what went wrong in plain words, and what to try."""
    return page(request, "problem.html", title, status_code=status_code, message=message,
                hint=hint)
