"""The dependencies routes take: the settings and the engine the app was made with.

Tests override them (``app.dependency_overrides[get_engine] = ...``); the key and role
checks (:mod:`.auth`) take the engine's key service (:func:`get_keys`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..app import SkillMatch
from ..services.keys import KeyService
from ..settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> SkillMatch:
    """The engine the lifespan opened (or the one given to ``create_app``)."""
    engine: SkillMatch = request.app.state.engine
    return engine


def get_keys(request: Request) -> KeyService:
    """The API keys and rate limit of the engine the app opened (a dependency of its own:
    a test that swaps the engine keeps the key checks)."""
    keys: KeyService = request.app.state.engine.keys
    return keys


Engine = Annotated[SkillMatch, Depends(get_engine)]
Keys = Annotated[KeyService, Depends(get_keys)]
AppSettings = Annotated[Settings, Depends(get_settings)]
