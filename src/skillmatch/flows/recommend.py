"""Counselor flow: which credentials should this student pursue?

Score of a credential = ``w * relevance + (1 - w) * value`` with
``w = recommend_relevance_weight`` (default 0.4):

- relevance: cosine between the credential's text vector and the query (the free
  text, the target occupation's title and description, or their mean);
- value: the demand weight of the skills it teaches that the student lacks, as a
  share of the total demand weight of the target's skills (with no target, of the
  most demanded skills overall), each skill counted by the confidence that the
  credential teaches it. A credential adding nothing new has value 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..demand import DemandModel
from ..regions import is_statewide, within
from ..storage.taxonomy_store import TaxonomyStore
from .catalog_view import CatalogView


@dataclass
class Filters:
    max_cost: float | None = None
    max_hours: float | None = None
    types: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)
    region: str | None = None
    # a credential whose cost (hours) is unknown passes max_cost (max_hours) only if asked
    include_unknown_cost: bool = False
    include_unknown_hours: bool = False

    def allows(self, row: dict[str, Any]) -> bool:
        if not _within(row["cost"], self.max_cost, self.include_unknown_cost):
            return False
        if not _within(row["hours"], self.max_hours, self.include_unknown_hours):
            return False
        if self.types and row["type"] not in self.types:
            return False
        if self.delivery and row["delivery"] not in self.delivery:
            return False
        if self.region:
            return region_matches(row["region"], row["delivery"], self.region)
        return True

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if v is not None and v is not False and v != []}


def _within(value: float | None, limit: float | None, include_unknown: bool) -> bool:
    """A known value up to the limit; an unknown one (None: not given, which is not 0)
    only when asked for."""
    if limit is None:
        return True
    return include_unknown if value is None else value <= limit


def region_matches(offered: str, delivery: str, wanted: str) -> bool:
    """Anything online or with no region; else offered in the wanted region or a place in
    it (``VA`` covers ``VA-Norfolk``, not the other way: :mod:`skillmatch.regions`), or
    offered statewide (``statewide-VA``) in the wanted place's state."""
    if delivery == "online" or not offered or within(offered, wanted):
        return True
    return is_statewide(offered) and within(wanted, offered)


def rank_credentials(
    catalog: CatalogView,
    demand: DemandModel,
    taxonomies: TaxonomyStore,
    *,
    query_vector: np.ndarray | None,
    weights: dict[int, float],
    known: set[int],
    filters: Filters,
    relevance_weight: float,
    k: int,
) -> list[dict[str, Any]]:
    allowed = np.array([filters.allows(r) for r in catalog.rows], dtype=bool)
    if not allowed.any():
        return []
    w = catalog.skill_vector({s: v for s, v in weights.items() if s not in known})
    total = sum(v for s, v in weights.items() if s not in known) or 1.0
    value = np.asarray(catalog.skills @ w).ravel() / total
    value = np.minimum(value, 1.0)
    relevance = (catalog.vectors @ query_vector if query_vector is not None
                 else np.zeros(len(catalog.rows), dtype=np.float32))
    score = relevance_weight * relevance + (1 - relevance_weight) * value
    score = np.where(allowed, score, -np.inf)
    order = np.argsort(-score, kind="stable")[: min(k, int(allowed.sum()))]
    skill_rows = taxonomies.skills_by_id(
        s for i in order for s in catalog.taught(int(i)))
    figures = demand.skills(region=filters.region)
    results = []
    for i in order:
        results.append(_explain(catalog, demand, skill_rows, figures, int(i), weights, known,
                                float(score[i]), float(relevance[i]), float(value[i]),
                                filters.region))
    return results


def _explain(catalog: CatalogView, demand: DemandModel, skill_rows: dict[int, Any],
             figures: dict[int, dict[str, float]], i: int, weights: dict[int, float],
             known: set[int], score: float, relevance: float, value: float,
             region: str | None = None) -> dict[str, Any]:
    row = catalog.rows[i]
    taught = catalog.taught(i)
    in_demand = sorted((s for s in taught if weights.get(s, 0) > 0),
                       key=lambda s: -weights[s])

    def skill(s: int) -> dict[str, Any]:
        r = skill_rows[s]
        f = figures.get(s, {})
        return {"id": r.code, "label": r.label, "taxonomy": r.taxonomy,
                "demand_weight": round(weights.get(s, 0.0), 4),
                "postings": f.get("postings", 0), "share": round(f.get("share", 0.0), 4),
                "specificity": round(f.get("specificity", 0.0), 4),
                "confidence": round(taught[s], 4)}

    adds = [s for s in taught if s not in known]
    behind = demand.evidence(in_demand[:5], limit=3, region=region) if in_demand else []
    return {
        "id": row["code"], "title": row["title"], "provider": row["provider"],
        "type": row["type"], "cost": row["cost"], "hours": row["hours"],
        "delivery": row["delivery"], "region": row["region"], "url": row["url"],
        "score": round(score, 4), "relevance": round(relevance, 4), "value": round(value, 4),
        "in_demand_skills": [skill(s) for s in in_demand[:6]],
        "adds_skills": [skill_rows[s].label for s in sorted(adds, key=lambda s: -taught[s])],
        "postings": [{"id": r.code, "region": r.region, "occupation": r.occupation,
                      "date": r.day} for r in behind],
    }
