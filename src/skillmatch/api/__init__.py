"""The HTTP API (FastAPI): ``create_app`` makes it, ``skillmatch serve`` runs it.

Layout: :mod:`.app` (the factory and lifespan), :mod:`.deps` (what routes depend on),
:mod:`.routers` (one router per resource), :mod:`.schemas` (request and response
models), :mod:`.problems` (errors as RFC 9457 problem details), :mod:`.metrics`
(Prometheus), :mod:`.pagination` (cursors), :mod:`.readiness` (loading in the
background).
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
