"""The dependencies routes take: the settings and the engine the app was made with.

Tests override them (``app.dependency_overrides[get_engine] = ...``); the key, role
and ownership checks of a later step are dependencies of the same kind.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..app import SkillMatch
from ..settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> SkillMatch:
    """The engine the lifespan opened (or the one given to ``create_app``)."""
    engine: SkillMatch = request.app.state.engine
    return engine


Engine = Annotated[SkillMatch, Depends(get_engine)]
AppSettings = Annotated[Settings, Depends(get_settings)]
