"""Counselor flow: which credentials should this student pursue?

Score of a credential = ``w * relevance + (1 - w) * value`` with
``w = recommend_relevance_weight`` (default 0.4); both terms are in [0, 1]:

- relevance = ``0.5 * text + 0.5 * skill_fit`` when there is a target (the occupation
  asked for, or for free text the occupations nearest to it: ``implied_targets``),
  else ``text`` alone:

  - text: cosine between the credential's text vector and the query (the free text,
    the target occupation's title and description, or their mean), floored at 0;
  - skill_fit: the demand-weighted share of what the credential teaches that the target
    asks for, ``sum(c(s) * w(s)) / sum(c(s))`` over the skills it teaches (``c`` the
    confidence that it teaches ``s``, ``w`` the target's demand weight, in [0, 1]). A
    course whose skills the target does not ask for (how to learn online, study
    skills) has fit 0 whatever words it shares with the query;

- value: the demand weight of the skills it teaches that the student lacks, each
  counted by its confidence, against the weight of the ``VALUE_REFERENCE`` (10) most
  demanded skills the student lacks (the target's; with no target, those most demanded
  overall), capped at 1: value 1 is a credential teaching as much demand as the ten
  best-demanded skills. A credential adding nothing new has value 0.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import DemandModel
from ..errors import InputError
from ..progress import ProgressFn
from ..regions import is_statewide, within
from ..storage.occupation_store import OccupationStore
from ..storage.posting_queries import PostingQueries
from ..storage.taxonomy_store import TaxonomyStore
from ..workspace import Workspace
from .catalog_view import CatalogView
from .demand_view import Visible, visible_evidence
from .targets import Occupation, nearest_occupations

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.linking import LinkingService
    from ..services.state import State

VALUE_REFERENCE = 10  # value 1 = the demand weight of this many best-demanded skills
TEXT_SHARE = 0.5  # relevance = TEXT_SHARE * text + (1 - TEXT_SHARE) * skill_fit
IMPLIED_TARGETS = 3  # occupations a free-text query stands for, at most
IMPLIED_MIN_SCORE = 0.4  # their cosine with the query, at least
IMPLIED_MARGIN = 0.1  # and at most this far below the nearest one


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
    targeted: bool = False,
    value_weights: dict[int, float] | None = None,
    visible: Visible | None = None,
) -> list[dict[str, Any]]:
    """The ``k`` best credentials that pass ``filters``, each explained (the postings
    behind it: those ``visible`` lets the caller see).

    ``weights``: skill -> weight in [0, 1] for the target (``targeted``: an occupation,
    or the occupations a query stands for; relevance then counts the skill fit) or of
    all demand; ``value_weights``: the demand weights value and the explanations read
    (default: ``weights``)."""
    allowed = (np.array([filters.allows(r) for r in catalog.rows], dtype=bool)
               if filters.describe() else np.ones(len(catalog.rows), dtype=bool))
    if not allowed.any():
        return []
    fit_weights = weights
    weights = weights if value_weights is None else value_weights
    lacking = {s: v for s, v in weights.items() if s not in known}
    reference = sum(sorted(lacking.values(), reverse=True)[:VALUE_REFERENCE]) or 1.0
    value = np.minimum(np.asarray(catalog.skills @ catalog.skill_vector(lacking)).ravel()
                       / reference, 1.0)
    n = len(catalog.rows)
    text = (np.maximum(catalog.vectors @ query_vector, 0.0) if query_vector is not None
            else np.zeros(n, dtype=np.float32))
    fit = np.zeros(n)
    if targeted:
        taught = np.asarray(catalog.skills.sum(axis=1)).ravel()
        fit = np.asarray(catalog.skills @ catalog.skill_vector(fit_weights)).ravel() / np.maximum(
            taught, 1e-12)
    if targeted and query_vector is not None:
        relevance = TEXT_SHARE * text + (1 - TEXT_SHARE) * fit
    else:
        relevance = fit if targeted else text
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
                                filters.region, visible))
        results[-1].update({"text_similarity": round(float(text[i]), 4),
                            "skill_fit": round(float(fit[i]), 4) if targeted else None})
    return results


def formula(relevance_weight: float, targeted: bool, text: bool) -> str:
    """How a recommendation's score was computed, in words."""
    rel = (f"{TEXT_SHARE:g} * text_similarity + {1 - TEXT_SHARE:g} * skill_fit"
           if targeted and text else "skill_fit" if targeted else "text_similarity")
    return (f"score = {relevance_weight:g} * relevance + {1 - relevance_weight:g} * value; "
            f"relevance = {rel}; value = demand weight of the new skills taught / weight of "
            f"the {VALUE_REFERENCE} most demanded skills lacking (max 1)")


def recommend(
    ctx: Context,
    linking: LinkingService,
    state: State,
    query: str | None = None,
    *,
    occupation: str | None = None,
    known_skills: Sequence[str] = (),
    max_cost: float | None = None,
    max_hours: float | None = None,
    types: Sequence[str] = (),
    delivery: Sequence[str] = (),
    region: str | None = None,
    k: int = 10,
    include_unknown_cost: bool = False,
    include_unknown_hours: bool = False,
    taxonomies: Sequence[str] = (),
    progress: ProgressFn | None = None,
    visible: Visible | None = None,
) -> dict[str, Any]:
    """Ranked credentials for a student, each explained (the formula above); demand and
    known skills counted in ``taxonomies`` (default: the setting, else all); the
    postings named as evidence only those ``visible`` lets the caller see.

    A credential with no cost (hours) given has an unknown one (None, not free): it
    passes ``max_cost`` (``max_hours``) only with ``include_unknown_cost``
    (``include_unknown_hours``)."""
    from ..index.catalog import describe
    from .targets import find_occupation, global_weights, occupation_skills, unit

    text = (query or "").strip()
    if not text and not occupation and not known_skills:
        raise InputError("nothing to recommend for: give a query, a target occupation "
                         "or the skills the student has", field="query")
    for name, limit in (("max_cost", max_cost), ("max_hours", max_hours)):
        if limit is not None and limit < 0:
            raise InputError(f"{limit!r} is negative (expected a number >= 0)", field=name)
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}", field="k")
    filters = Filters(max_cost, max_hours, list(types), list(delivery), region,
                      include_unknown_cost, include_unknown_hours)
    state.prepare(progress)
    linker = linking.linker_for(taxonomies)
    out: dict[str, Any] = {"query": text or None, "filters": filters.describe()}
    catalog = state.catalog
    if not catalog.rows:
        return {**out, "results": [],
                "reason": "no credentials imported; run `skillmatch credentials import`"}
    demand, embedder, settings = state.demand, ctx.embedder, ctx.settings
    vectors = []
    value_weights: dict[int, float] | None = None
    if text:
        vectors.append(embedder.embed_query([text])[0])  # never kept on disk
    if occupation:
        occ = find_occupation(ctx, state, occupation)
        weights, basis = occupation_skills(ctx.conn, demand, occ, region, linker)
        # the text the occupation index embedded for it (catalog.describe): read from
        # the embedding cache the index build filled, not embedded again per request
        vectors.append(embedder.embed([describe(occ.label, occ.description)])[0])
        out["occupation"] = out["target"] = occ.to_dict()
    elif text:
        weights, value_weights, basis, implied = query_weights(
            ctx.conn, ctx.workspace, demand, linker, vectors[0], region, text)
        out["implied_targets"] = [o.to_dict() for o in implied]
    else:
        weights, basis = global_weights(demand, region), "all postings and needs"
    targeted = bool(occupation or out.get("implied_targets"))
    weights = {s: w for s, w in weights.items() if s in linker.skills_}
    value_weights = {s: w for s, w in (weights if value_weights is None
                                       else value_weights).items()
                     if s in linker.skills_}
    known, unresolved = linking.declared_for(taxonomies).resolve(list(known_skills))
    known_ids = {m.skill_id for m in known}
    store = ctx.taxonomies
    results = rank_credentials(
        catalog, demand, store,
        query_vector=unit(np.mean(vectors, axis=0)) if vectors else None,
        weights=weights, known=known_ids, filters=filters,
        relevance_weight=settings.recommend_relevance_weight, k=k,
        targeted=targeted, value_weights=value_weights, visible=visible)
    posting_titles(ctx.conn, [p for r in results for p in r["postings"]])
    out.update({
        "demand_basis": basis,
        "known_skills": sorted(r.label for r in store.skills_by_id(known_ids).values()),
        "unresolved_skills": unresolved,
        "formula": formula(settings.recommend_relevance_weight, targeted, bool(vectors)),
        "results": results,
        "provenance": linking.provenance(taxonomies),
    })
    if not results:
        out["reason"] = f"no credential passes the filters {filters.describe()}"
    return out


def posting_titles(conn: sqlite3.Connection, postings: list[dict[str, Any]]) -> None:
    """Add each posting's title and employer (``postings``: dicts with its ``id``)."""
    if not postings:
        return
    titles = PostingQueries(conn).titles(p["id"] for p in postings)
    for p in postings:
        p["title"], p["employer"] = titles.get(p["id"], ("", ""))


def query_weights(conn: Any, workspace: Workspace, demand: DemandModel, linker: Any,
                  vector: np.ndarray, region: str | None, query: str = ""
                  ) -> tuple[dict[int, float], dict[int, float], str, list[Occupation]]:
    """For a free-text query with no target occupation: the skill weights of the
    occupations it stands for (each skill at its largest weight among them: what
    relevance's skill fit reads), the demand weights value reads, the basis, and those
    occupations. Value stays evidence from postings and needs: an occupation with
    enough of them gives its own figures; one without (an ESCO occupation, whose
    skills come from the taxonomy) gives the demand of all postings for its skills.
    With no occupation near enough: all demand for both, and no occupations."""
    from .targets import global_weights, occupation_skills

    everyone = global_weights(demand, region)
    implied = implied_targets(conn, workspace, vector,
                              lambda code: int(demand.size(occupation=code)["records"]),
                              demand.min_postings, query)
    if not implied:
        return everyone, everyone, "all postings and needs (no occupation near the query)", []
    weights: dict[int, float] = {}
    value: dict[int, float] = {}
    bases = []
    for occ in implied:
        w, basis = occupation_skills(conn, demand, occ, region, linker)
        own = occ.records >= demand.min_postings
        bases.append(f"{occ.label} ({occ.code}): {basis}" + (
            "" if own else "; value from all postings' demand for its skills"))
        for sid, v in w.items():
            weights[sid] = max(weights.get(sid, 0.0), v)
            d = v if own else everyone.get(sid, 0.0)
            if d > 0:
                value[sid] = max(value.get(sid, 0.0), d)
    return weights, value, "the occupations nearest the query: " + "; ".join(bases), implied


def implied_targets(conn: Any, workspace: Workspace, vector: np.ndarray,
                    records: Callable[[str], int], min_records: int,
                    query: str = "") -> list[Occupation]:
    """The occupations a free-text query stands for: the nearest (titles and
    descriptions, cosine at least ``IMPLIED_MIN_SCORE`` and within ``IMPLIED_MARGIN`` of
    the nearest), those with postings and needs behind them first; at most
    ``IMPLIED_TARGETS``."""
    near = nearest_occupations(conn, workspace, vector)
    top = max(near.values(), default=-1.0)
    keep = {o: s for o, s in near.items()
            if s >= max(IMPLIED_MIN_SCORE, top - IMPLIED_MARGIN)}
    rows = OccupationStore(conn).by_ids(keep)
    found = []
    for oid, row in rows.items():
        n = records(row["code"])
        found.append(((n >= min_records, keep[oid]), Occupation(
            row["code"], row["label"], row["description"], row["taxonomy"], oid,
            "nearest to the query", keep[oid], resolved_from=query, records=n)))
    found.sort(key=lambda f: f[0], reverse=True)
    return [occ for _, occ in found[:IMPLIED_TARGETS]]


def _explain(catalog: CatalogView, demand: DemandModel, skill_rows: dict[int, Any],
             figures: dict[int, dict[str, float]], i: int, weights: dict[int, float],
             known: set[int], score: float, relevance: float, value: float,
             region: str | None = None, visible: Visible | None = None) -> dict[str, Any]:
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
    behind = visible_evidence(demand, in_demand[:5], limit=3, region=region,
                              visible=visible) if in_demand else []
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
