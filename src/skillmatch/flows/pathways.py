"""Pathways: a short, cheap sequence of credentials covering an occupation's demand.

A weighted set cover, solved greedily (the classic ln(n)-approximation): at each
step take the credential with the most newly covered demand weight per unit of
cost (``cost`` in dollars or ``hours``, plus ``floor`` so free credentials do not
divide by zero), until the target coverage is reached, no credential adds
anything, or ``max_steps`` credentials are chosen. Coverage is the demand-weighted
share of the target skills covered (a skill counts as covered when a chosen
credential teaches it with confidence of at least ``min_confidence``).

A credential whose cost (hours) is unknown is not free: it is ranked at the median
known cost (hours) of the candidates, and the totals count known values only,
naming the steps whose value is unknown (``total_cost_unknown``,
``total_hours_unknown``).
"""

from __future__ import annotations

from statistics import median
from typing import Any

from .catalog_view import CatalogView
from .recommend import Filters


def greedy_cover(
    catalog: CatalogView,
    weights: dict[int, float],
    known: set[int],
    filters: Filters,
    *,
    by: str = "cost",
    floor: float = 1.0,
    max_steps: int = 4,
    target_coverage: float = 0.8,
    min_confidence: float = 0.5,
) -> dict[str, Any]:
    total = sum(weights.values())
    covered = {s for s in known if s in weights}
    steps: list[dict[str, Any]] = []
    candidates = [i for i, r in enumerate(catalog.rows) if filters.allows(r)]
    prices = [float(catalog.rows[i][by]) for i in candidates
              if catalog.rows[i][by] is not None]
    typical = median(prices) if prices else 0.0  # what an unknown cost (hours) ranks at
    used: set[int] = set()

    def coverage() -> float:
        return sum(weights[s] for s in covered) / total if total else 0.0

    while len(steps) < max_steps and coverage() < target_coverage:
        best: tuple[float, int, set[int]] | None = None
        for i in candidates:
            if i in used:
                continue
            new = {s for s, c in catalog.taught(i).items()
                   if c >= min_confidence and s in weights and s not in covered}
            gain = sum(weights[s] for s in new)
            if gain <= 0:
                continue
            value = catalog.rows[i][by]
            price = (typical if value is None else float(value)) + floor
            ratio = gain / price
            if best is None or ratio > best[0]:
                best = (ratio, i, new)
        if best is None:
            break
        _, i, new = best
        used.add(i)
        covered |= new
        row = catalog.rows[i]
        steps.append({"id": row["code"], "title": row["title"], "cost": row["cost"],
                      "hours": row["hours"], "new_skills": sorted(new, key=lambda s: -weights[s]),
                      "coverage_after": round(coverage(), 4)})
    uncovered = sorted((s for s in weights if s not in covered), key=lambda s: -weights[s])
    return {"steps": steps, "coverage": round(coverage(), 4),
            "coverage_from_known": round(sum(weights[s] for s in known if s in weights) / total,
                                         4) if total else 0.0,
            "total_cost": sum(float(s["cost"]) for s in steps if s["cost"] is not None),
            "total_cost_unknown": [s["id"] for s in steps if s["cost"] is None],
            "total_hours": sum(float(s["hours"]) for s in steps if s["hours"] is not None),
            "total_hours_unknown": [s["id"] for s in steps if s["hours"] is None],
            "uncovered": uncovered}
