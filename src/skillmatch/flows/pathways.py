"""Pathways: a short, cheap sequence of credentials covering an occupation's demand.

A weighted set cover, solved greedily (the classic ln(n)-approximation): at each
step take the credential with the most newly covered demand weight per unit of
cost (``cost`` in dollars or ``hours``, plus ``floor``, by default the median known
cost (hours) of the candidates: a free course teaching one rarely asked-for skill does
not outrank a $39 course teaching one every posting asks for), until the target
coverage is reached, no credential adds anything, or ``max_steps`` credentials are
chosen. When that falls short of the target with every step used, the greedy choice is
run again by newly covered demand alone (the most coverage within ``max_steps``), and
the better of the two is kept (``strategy`` says which). Coverage is the
demand-weighted share of the target skills covered (a skill counts as covered when a
chosen credential teaches it with confidence of at least ``min_confidence``).

A pathway short of its target says so (``reached``: false) and why (``shortfall``):
the demand left uncovered split into skills no catalogued credential teaches
(``untaught``), taught only by credentials the filters leave out (``filtered_out``),
taught only with confidence below ``min_confidence`` (``low_confidence``), and taught by
credentials that were not chosen (``not_chosen``, with the cheapest one teaching each),
each with its share of the target's demand weight.

A credential whose cost (hours) is unknown is not free: it is ranked at the median
known cost (hours) of the candidates, and the totals count known values only,
naming the steps whose value is unknown (``total_cost_unknown``,
``total_hours_unknown``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import median
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..progress import ProgressFn
from .catalog_view import CatalogView
from .recommend import Filters

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.linking import LinkingService
    from ..services.state import State

SHOWN = 10  # skills listed per shortfall group
CHEAPEST = "cheapest per unit of demand"
WIDEST = ("most demand within max_steps (the cheapest-per-demand choice fell short of "
          "the target)")


def greedy_cover(
    catalog: CatalogView,
    weights: dict[int, float],
    known: set[int],
    filters: Filters,
    *,
    by: str = "cost",
    floor: float | None = None,
    max_steps: int = 4,
    target_coverage: float = 0.8,
    min_confidence: float = 0.5,
) -> dict[str, Any]:
    total = sum(weights.values())
    start = {s for s in known if s in weights}
    candidates = [i for i, r in enumerate(catalog.rows) if filters.allows(r)]
    prices = [float(catalog.rows[i][by]) for i in candidates
              if catalog.rows[i][by] is not None]
    typical = median(prices) if prices else 0.0  # what an unknown cost (hours) ranks at
    floor = max(typical, 1.0) if floor is None else floor

    def price(i: int) -> float:
        value = catalog.rows[i][by]
        return typical if value is None else float(value)

    teaches = {i: {s for s, c in catalog.taught(i).items()
                   if c >= min_confidence and s in weights} for i in candidates}

    def coverage(covered: set[int]) -> float:
        return sum(weights[s] for s in covered) / total if total else 0.0

    def run(by_ratio: bool) -> tuple[list[tuple[int, set[int]]], set[int]]:
        covered = set(start)
        chosen: list[tuple[int, set[int]]] = []
        while len(chosen) < max_steps and coverage(covered) < target_coverage:
            best: tuple[float, float, int, set[int]] | None = None
            for i in candidates:
                new = teaches[i] - covered
                gain = sum(weights[s] for s in new)
                if gain <= 0 or any(i == c for c, _ in chosen):
                    continue
                key = (gain / (price(i) + floor), gain) if by_ratio else (
                    gain, -price(i))
                if best is None or key > best[:2]:
                    best = (*key, i, new)
            if best is None:
                break
            chosen.append((best[2], best[3]))
            covered |= best[3]
        return chosen, covered

    chosen, covered = run(True)
    strategy = CHEAPEST
    if coverage(covered) < target_coverage and len(chosen) == max_steps:
        wide, wide_covered = run(False)
        if coverage(wide_covered) > coverage(covered) + 1e-9:
            chosen, covered, strategy = wide, wide_covered, WIDEST
    steps: list[dict[str, Any]] = []
    so_far = set(start)
    for i, new in chosen:
        so_far |= new
        row = catalog.rows[i]
        steps.append({"id": row["code"], "title": row["title"], "cost": row["cost"],
                      "hours": row["hours"], "new_skills": sorted(new, key=lambda s: -weights[s]),
                      "coverage_after": round(coverage(so_far), 4)})
    uncovered = sorted((s for s in weights if s not in covered), key=lambda s: -weights[s])
    reached = coverage(covered) >= target_coverage - 1e-9
    out: dict[str, Any] = {
        "steps": steps, "coverage": round(coverage(covered), 4),
        "target_coverage": target_coverage, "reached": reached, "strategy": strategy,
        "coverage_from_known": round(coverage(start), 4),
        "total_cost": sum(float(s["cost"]) for s in steps if s["cost"] is not None),
        "total_cost_unknown": [s["id"] for s in steps if s["cost"] is None],
        "total_hours": sum(float(s["hours"]) for s in steps if s["hours"] is not None),
        "total_hours_unknown": [s["id"] for s in steps if s["hours"] is None],
        "uncovered": uncovered}
    if not reached:
        allowed = np.zeros(len(catalog.rows), dtype=bool)
        allowed[candidates] = True
        out["shortfall"] = _shortfall(catalog, weights, uncovered, allowed, price,
                                      min_confidence, filters, len(steps) == max_steps,
                                      max_steps)
    return out


def _shortfall(catalog: CatalogView, weights: dict[int, float], uncovered: list[int],
               allowed: np.ndarray, price: Any, min_confidence: float, filters: Filters,
               out_of_steps: bool, max_steps: int) -> dict[str, Any]:
    """The uncovered demand, by why it is uncovered (see the module's docstring)."""
    total = sum(weights.values()) or 1.0
    by_skill = catalog.skills.tocsc()
    groups: dict[str, list[dict[str, Any]]] = {
        "untaught": [], "filtered_out": [], "low_confidence": [], "not_chosen": []}
    for s in uncovered:
        if s < by_skill.shape[1]:
            lo, hi = by_skill.indptr[s], by_skill.indptr[s + 1]
            rows, conf = by_skill.indices[lo:hi], by_skill.data[lo:hi]
        else:
            rows, conf = np.zeros(0, dtype=np.int64), np.zeros(0)
        entry: dict[str, Any] = {"skill_id": s, "weight": round(weights[s], 4)}
        if not len(rows):
            groups["untaught"].append(entry)
            continue
        ok = allowed[rows]
        if not ok.any():
            entry["taught_by"] = _brief(catalog, int(rows[np.argmax(conf)]))
            groups["filtered_out"].append(entry)
            continue
        sure = rows[ok & (conf >= min_confidence)]
        if not len(sure):
            best = int(np.argmax(np.where(ok, conf, -1.0)))
            entry["taught_by"] = {**_brief(catalog, int(rows[best])),
                                  "confidence": round(float(conf[best]), 4)}
            groups["low_confidence"].append(entry)
            continue
        entry["taught_by"] = _brief(catalog, int(min(sure.tolist(), key=price)))
        groups["not_chosen"].append(entry)
    out: dict[str, Any] = {}
    for name, entries in groups.items():
        out[name] = {"weight_share": round(sum(e["weight"] for e in entries) / total, 4),
                     "count": len(entries), "skills": entries[:SHOWN]}
    parts = []
    if out_of_steps and groups["not_chosen"]:
        parts.append(f"step limit: max_steps {max_steps} credentials chosen, and "
                     f"{out['not_chosen']['weight_share']:.0%} of the demand is taught by "
                     "credentials not chosen")
    elif groups["not_chosen"]:
        parts.append(f"{out['not_chosen']['weight_share']:.0%} of the demand is taught by "
                     "credentials not chosen")
    if groups["untaught"]:
        parts.append(f"{out['untaught']['weight_share']:.0%} is in skills no catalogued "
                     "credential teaches")
    if groups["filtered_out"]:
        parts.append(f"{out['filtered_out']['weight_share']:.0%} is taught only by "
                     f"credentials the filters leave out ({filters.describe()})")
    if groups["low_confidence"]:
        parts.append(f"{out['low_confidence']['weight_share']:.0%} is taught only with "
                     f"confidence below {min_confidence}")
    out["reason"] = "; ".join(parts) or "no credential adds any more in-demand skill"
    return out


def _brief(catalog: CatalogView, i: int) -> dict[str, Any]:
    row = catalog.rows[i]
    return {"id": row["code"], "title": row["title"], "cost": row["cost"],
            "hours": row["hours"]}


def with_labels(result: dict[str, Any], labels: Mapping[int, Any]) -> dict[str, Any]:
    """``result`` of :func:`greedy_cover` with skill ids read as labels (in place)."""
    for step in result["steps"]:
        step["new_skills"] = [labels[s].label for s in step["new_skills"]]
    result["uncovered"] = [labels[s].label for s in result["uncovered"]]
    for group in result.get("shortfall", {}).values():
        if isinstance(group, dict):
            for entry in group["skills"]:
                row = labels[entry.pop("skill_id")]
                entry.update({"id": row.code, "label": row.label})
    return result


def pathway(
    ctx: Context,
    linking: LinkingService,
    state: State,
    occupation: str,
    *,
    known_skills: Sequence[str] = (),
    by: str = "cost",
    max_steps: int = 4,
    target_coverage: float = 0.8,
    max_cost: float | None = None,
    region: str | None = None,
    include_unknown_cost: bool = False,
    taxonomies: Sequence[str] = (),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """The cheapest short sequence of credentials covering the occupation's demand
    (:func:`greedy_cover`: unknown costs are not free, and totals name them), counting
    the skills of ``taxonomies`` (default: the setting, else all)."""
    from .targets import find_occupation, occupation_skills

    if by not in ("cost", "hours"):
        raise InputError(f"by {by!r} (expected cost or hours)", field="by")
    if max_steps < 1:
        raise InputError(f"max_steps must be at least 1, got {max_steps}", field="max_steps")
    state.prepare(progress)
    occ = find_occupation(ctx, state, occupation)
    linker = linking.linker_for(taxonomies)
    weights, basis = occupation_skills(ctx.conn, state.demand, occ, region, linker)
    weights = {s: w for s, w in weights.items() if s in linker.skills_}
    known, unresolved = linking.declared_for(taxonomies).resolve(list(known_skills))
    result = greedy_cover(state.catalog, weights, {m.skill_id for m in known},
                          Filters(max_cost=max_cost, region=region,
                                  include_unknown_cost=include_unknown_cost), by=by,
                          max_steps=max_steps, target_coverage=target_coverage)
    with_labels(result, ctx.taxonomies.skills_by_id(weights))
    target = occ.to_dict()
    return {"occupation": target, "target": target, "demand_basis": basis, "by": by,
            "unresolved_skills": unresolved, **result}
