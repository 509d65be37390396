"""The dependencies routes take: the settings and the engine the app was made with.

Tests override them (``app.dependency_overrides[get_engine] = ...``); the key and role
checks (:mod:`.auth`) take the engine's key service (:func:`get_keys`); comparisons and
demand over time, a report service over the engine's (:func:`get_reports`).

They are ``async`` because they only read the app's state: FastAPI runs a plain ``def``
dependency in its thread pool, and a hop to a thread and back for each of them cost more
than most routes' own work (the pool runs one request's computing at a time:
``Settings.api_concurrency``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..app import SkillMatch
from ..services.keys import KeyService
from ..services.reports import ReportService
from ..settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> SkillMatch:
    """The engine the lifespan opened (or the one given to ``create_app``)."""
    engine: SkillMatch = request.app.state.engine
    return engine


async def get_keys(request: Request) -> KeyService:
    """The API keys and rate limit of the engine the app opened (a dependency of its own:
    a test that swaps the engine keeps the key checks)."""
    keys: KeyService = request.app.state.engine.keys
    return keys


def report_service(engine: SkillMatch) -> ReportService:
    """Comparisons, demand trends and series, over ``engine``'s services (it holds only
    references: made per request)."""
    return ReportService(engine.context, engine.linking_service, engine.taxonomy_service,
                         engine.state)


async def get_reports(request: Request) -> ReportService:
    """The report service over the engine the app opened."""
    return report_service(request.app.state.engine)


Engine = Annotated[SkillMatch, Depends(get_engine)]
Reports = Annotated[ReportService, Depends(get_reports)]
Keys = Annotated[KeyService, Depends(get_keys)]
AppSettings = Annotated[Settings, Depends(get_settings)]
