"""Building the demand model from the workspace, and readable demand tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

from ..demand import DemandModel, DemandRecord
from ..progress import ProgressFn
from ..settings import Settings
from ..storage.records_store import RecordStore
from ..storage.taxonomy_store import TaxonomyStore


def fit_demand(records: RecordStore, settings: Settings,
               canonical: Callable[[str], str] | None = None,
               progress: ProgressFn | None = None) -> DemandModel:
    """Fit the demand model on every stored posting and need (``progress``: stage
    ``fit demand``, four steps: postings, needs, skill mentions, fit).

    ``canonical`` reads a record's occupation code as the code demand counts it toward
    (crosswalks applied here, at fit time, not at import: a crosswalk imported later
    applies to postings already stored); the codes it changed are kept in ``recoded_``.
    """
    rows: list[DemandRecord] = []
    index: dict[tuple[str, int], int] = {}
    recode: dict[str, str] = {}
    seen: Counter[str] = Counter()
    stage = "fit demand"
    if progress:
        progress(stage, 0, 4)

    def occupation(code: str) -> str:
        if code not in recode:
            recode[code] = canonical(code) if canonical and code else code
        seen[code] += 1
        return recode[code]

    for r in records.rows("posting"):
        index[("posting", r["id"])] = len(rows)
        rows.append(DemandRecord("posting", r["id"], r["code"], r["region"],
                                 occupation(r["occupation_code"]), r["date_posted"],
                                 r["openings"]))
    if progress:
        progress(stage, 1, 4)
    for r in records.rows("need"):
        index[("need", r["id"])] = len(rows)
        rows.append(DemandRecord("need", r["id"], r["code"], r["region"],
                                 occupation(r["occupation_code"]), r["date"], r["openings"]))
    if progress:
        progress(stage, 2, 4)
    mentions = [
        (index[(kind, rid)], sid, role)
        for kind in ("posting", "need")
        for rid, sid, _score, _source, role in records.mentions(kind)
        if (kind, rid) in index
    ]
    if progress:
        progress(stage, 3, 4)
    model = DemandModel(
        half_life_days=settings.demand_half_life_days,
        reference_date=settings.demand_reference_date,
        min_postings=settings.demand_min_postings,
    ).fit(rows, mentions)
    model.recoded_ = {old: (new, seen[old]) for old, new in recode.items() if old != new}
    if progress:
        progress(stage, 4, 4)
    return model


def demand_table(
    model: DemandModel,
    taxonomies: TaxonomyStore,
    *,
    region: str | None = None,
    occupation: str | None = None,
    window: tuple[str, str] | None = None,
    top: int = 20,
    order: str = "score",
    only: Collection[str] | None = None,
) -> dict[str, Any]:
    """The most demanded skills of a slice, with figures and the records behind them;
    with ``only``, the skills of those taxonomies alone."""
    if order not in ("score", "share"):
        from ..errors import InputError

        raise InputError(f"order {order!r} (expected score or share)", field="order")
    stats = model.skills(region=region, occupation=occupation, window=window)
    if only:
        of = taxonomies.skills_by_id(stats)
        stats = {s: f for s, f in stats.items() if s in of and of[s].taxonomy in only}
    ranked = sorted(stats.items(), key=lambda kv: -kv[1][order])[:top]
    skills = taxonomies.skills_by_id(sid for sid, _ in ranked)
    rows = []
    for sid, figures in ranked:
        behind = model.evidence([sid], limit=3, region=region)
        rows.append({
            "skill": {"id": skills[sid].code, "label": skills[sid].label,
                      "taxonomy": skills[sid].taxonomy},
            **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
            "postings_behind": [r.code for r in behind],
        })
    size = model.size(region=region, occupation=occupation, window=window)
    return {"slice": {"region": region, "occupation": occupation, "window": window},
            "records": size["records"], "weight": round(size["weight"], 3),
            "half_life_days": model.half_life_days,
            "reference_date": _iso(model.reference_day_), "skills": rows}


def _iso(day: float) -> str:
    from datetime import timedelta

    from ..demand import EPOCH

    return (EPOCH + timedelta(days=int(day))).isoformat()
