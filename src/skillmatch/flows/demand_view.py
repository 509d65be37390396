"""Building the demand model from the workspace, and readable demand tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from ..demand import DemandColumns, DemandModel, DemandRecord, day_number
from ..progress import ProgressFn
from ..settings import Settings
from ..storage.records_store import RecordStore
from ..storage.taxonomy_store import TaxonomyStore

Visible = Callable[[str, Collection[str]], Collection[str]]
"""A caller's rule over the records a flow may name beside its figures: (record kind,
record ids) -> the ids among them the caller may see. Figures count every record; the
records named as evidence are only those the rule lets through."""


def visible_evidence(model: DemandModel, skill_ids: Collection[int], *, limit: int = 3,
                     region: str | None = None, visible: Visible | None = None
                     ) -> list[DemandRecord]:
    """The heaviest ``limit`` records behind ``skill_ids`` (:meth:`DemandModel.evidence`)
    among those ``visible`` lets the caller see (all without a rule)."""
    wanted = list(skill_ids)
    if visible is None:
        return model.evidence(wanted, limit=limit, region=region)
    fetch = limit
    while True:  # ask for more until enough are visible or there are no more
        rows = model.evidence(wanted, limit=fetch, region=region)
        allowed = {(kind, code) for kind in {r.kind for r in rows}
                   for code in visible(kind, [r.code for r in rows if r.kind == kind])}
        kept = [r for r in rows if (r.kind, r.code) in allowed]
        if len(kept) >= limit or len(rows) < fetch:
            return kept[:limit]
        fetch *= 4


def fit_demand(records: RecordStore, settings: Settings,
               canonical: Callable[[str], str] | None = None,
               progress: ProgressFn | None = None) -> DemandModel:
    """Fit the demand model on every stored posting and need (``progress``: stage
    ``fit demand``, four steps: postings, needs, skill mentions, fit).

    ``canonical`` reads a record's occupation code as the code demand counts it toward
    (crosswalks applied here, at fit time, not at import: a crosswalk imported later
    applies to postings already stored); the codes it changed are kept in ``recoded_``.
    """
    stage = "fit demand"
    if progress:
        progress(stage, 0, 4)
    cols, seen, recode = demand_columns(records, None, canonical, settings, progress)
    model = new_demand_model(settings).fit_columns(cols)
    model.recoded_ = {old: (new, seen[old]) for old, new in recode.items() if old != new}
    if progress:
        progress(stage, 4, 4)
    return model


def new_demand_model(settings: Settings) -> DemandModel:
    return DemandModel(
        half_life_days=settings.demand_half_life_days,
        reference_date=settings.demand_reference_date,
        min_postings=settings.demand_min_postings,
    )


def demand_columns(records: RecordStore, ids: dict[str, list[int]] | None,
                   canonical: Callable[[str], str] | None, settings: Settings,
                   progress: ProgressFn | None = None
                   ) -> tuple[DemandColumns, Counter[str], dict[str, str]]:
    """The postings and needs (all, or the row ids of each kind in ``ids``) as demand
    columns, occupation codes read through ``canonical``; with how many records had
    each code as written, and what each code was read as."""
    rows: list[tuple[int, int, str, str, str, str | None, int]] = []
    for n, kind in enumerate(("posting", "need")):
        wanted = None if ids is None else ids.get(kind, [])
        if wanted is not None and not wanted:
            continue
        rows.extend((n, *r) for r in records.demand_rows(kind, wanted))
        if progress:
            progress("fit demand", n + 1, 4)
    recode: dict[str, str] = {}
    seen: Counter[str] = Counter(r[4] for r in rows)
    for code in seen:
        recode[code] = canonical(code) if canonical and code else code
    position = {(r[0], r[1]): i for i, r in enumerate(rows)}
    m_record: list[int] = []
    m_skill: list[int] = []
    m_pref: list[int] = []
    for n, kind in enumerate(("posting", "need")):
        wanted = None if ids is None else ids.get(kind, [])
        if wanted is not None and not wanted:
            continue
        for rid, sid, preferred in records.demand_mentions(kind, wanted):
            at = position.get((n, rid))
            if at is not None:
                m_record.append(at)
                m_skill.append(sid)
                m_pref.append(preferred)
    if progress:
        progress("fit demand", 3, 4)
    factor = np.where(np.array(m_pref, dtype=bool), 0.5, 1.0)
    cols = DemandColumns(
        kind=np.array([r[0] for r in rows], dtype=np.int8),
        row_id=np.array([r[1] for r in rows], dtype=np.int64),
        code=np.array([r[2] for r in rows], dtype=str) if rows else np.empty(0, "<U1"),
        region=np.array([r[3] for r in rows], dtype=str) if rows else np.empty(0, "<U1"),
        occupation=(np.array([recode[r[4]] for r in rows], dtype=str) if rows
                    else np.empty(0, "<U1")),
        day=np.array([day_number(r[5]) for r in rows], dtype=np.float64),
        openings=np.array([r[6] for r in rows], dtype=np.int64),
        m_record=np.array(m_record, dtype=np.int64),
        m_skill=np.array(m_skill, dtype=np.int64),
        m_factor=factor.astype(np.float64))
    return cols, seen, recode


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
    visible: Visible | None = None,
) -> dict[str, Any]:
    """The most demanded skills of a slice, with figures and the records behind them
    (those ``visible`` lets through); with ``only``, the skills of those taxonomies
    alone."""
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
        behind = visible_evidence(model, [sid], limit=3, region=region, visible=visible)
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
