"""One router per resource; :data:`ROUTERS` is what the app mounts under ``/v1``."""

from __future__ import annotations

from . import (
    alignments,
    credentials,
    demand,
    needs,
    occupations,
    operations,
    pathways,
    postings,
    recommendations,
    skills,
)

ROUTERS = (operations.router, skills.router, occupations.router, recommendations.router,
           pathways.router, alignments.router, demand.router, credentials.router,
           postings.router, needs.router)
