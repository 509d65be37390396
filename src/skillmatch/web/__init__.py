"""The web pages: server-rendered templates over the same facade as the API.

:func:`mount` adds them to the API's app: one router per page family
(:mod:`.home`, :mod:`.counselor`, :mod:`.employer`, :mod:`.designer`, :mod:`.demand`),
the shared layout and helpers in :mod:`.templating`, static files (CSS, a little
JavaScript of our own, no CDN) under ``/static``. Pages hold no logic: they read the
query, call the engine, and render; errors become a page in plain language.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    """Add every page and ``/static`` to ``app`` (made by :func:`skillmatch.api.create_app`)."""
    from . import counselor, demand, designer, employer, home

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (home, counselor, employer, designer, demand):
        app.include_router(module.router)
