"""One router per resource; :data:`ROUTERS` is what the app mounts under ``/v1``."""

from __future__ import annotations

from . import (
    alignments,
    corrections,
    credentials,
    demand,
    imports,
    keys,
    needs,
    occupations,
    operations,
    pathways,
    postings,
    recommendations,
    skills,
    taxonomies,
)

ROUTERS = (operations.router, skills.router, occupations.router, recommendations.router,
           pathways.router, alignments.router, demand.router, credentials.router,
           postings.router, needs.router, corrections.router, taxonomies.router,
           keys.router, imports.router)
