"""Workforce flow: how demand for skills moves over time.

- :func:`add_trends`: each skill of a demand table (:func:`.demand_view.demand_table`)
  with its share in a window and in the window of the same length just before it, and
  the change between them (:meth:`DemandModel.trend`'s figures, for the table's slice).
- :func:`skill_series`: one skill's share of the postings and needs of each month (or
  quarter, or year) of a window, for a chart.

Shares are weighted as everywhere in demand (openings times recency decay; within one
window the decay nearly cancels out). Without a window the window is the year up to the
reference date (the newest record's day unless a setting fixes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import EPOCH, DemandModel, day_number
from ..errors import InputError, NotFoundError

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.state import State

DEFAULT_DAYS = 365  # a trend's window when none is given: the year to the reference date
INTERVALS = {"month": 1, "quarter": 3, "year": 12}
MAX_POINTS = 120  # buckets of one series


def reference_date(model: DemandModel) -> date:
    return EPOCH + timedelta(days=int(model.reference_day_))


def trend_windows(model: DemandModel, since: date | None, until: date | None
                  ) -> tuple[tuple[date, date], tuple[date, date]]:
    """(previous, this) windows, each [start, end): this one from ``since`` to ``until``
    (an end left out: the day after the reference date; a start left out: a year
    before the end), the previous one of the same length just before it."""
    end = until or reference_date(model) + timedelta(days=1)
    start = since or _minus(end, timedelta(days=DEFAULT_DAYS))
    if start >= end:
        raise InputError(f"since {start} is not before {end} (the trend's window would be "
                         "empty; without until it ends the day after the reference date, "
                         f"{reference_date(model)})", field="since")
    return (_minus(start, end - start), start), (start, end)


def _minus(day: date, span: timedelta) -> date:
    try:
        return day - span
    except OverflowError:  # before year 1: from the first day there is
        return date.min


def add_trends(table: dict[str, Any], ctx: Context, model: DemandModel, *,
               since: date | None = None, until: date | None = None) -> dict[str, Any]:
    """``table`` (a demand table) with ``trend`` (the two windows and their records) and
    each skill's ``trend``: ``share`` in this window, ``previous_share``, ``change``."""
    from ..storage.corrections_store import CorrectionStore

    before, after = trend_windows(model, since, until)
    region, occupation = table["slice"]["region"], table["slice"]["occupation"]
    windows = [(a.isoformat(), b.isoformat()) for a, b in (before, after)]
    shares = [model.skills(region=region, occupation=occupation, window=w) for w in windows]
    table["trend"] = {
        "previous_window": list(windows[0]), "window": list(windows[1]),
        "previous_records": model.size(region=region, occupation=occupation,
                                       window=windows[0])["records"],
        "records": model.size(region=region, occupation=occupation,
                              window=windows[1])["records"]}
    store = CorrectionStore(ctx.conn)
    for row in table["skills"]:
        found = store.skills(row["skill"]["id"], row["skill"]["taxonomy"])
        sid = found[0][0] if found else -1
        was, now = (s.get(sid, {}).get("share", 0.0) for s in shares)
        row["trend"] = {"share": round(now, 4), "previous_share": round(was, 4),
                        "change": round(now - was, 4)}
    return table


def find_skill(ctx: Context, code: str, taxonomies: Sequence[str] = ()
               ) -> tuple[int, dict[str, str]]:
    """(row id, reference) of the loaded skill with id ``code`` (in one of
    ``taxonomies`` when given); 404 for none, 422 when several taxonomies have it."""
    from ..storage.corrections_store import CorrectionStore

    found = [f for f in CorrectionStore(ctx.conn).skills(code)
             if not taxonomies or f[3] in taxonomies]
    if not found:
        raise NotFoundError(f"no skill with id {code!r}"
                            + (f" in {', '.join(taxonomies)}" if taxonomies else ""))
    if len(found) > 1:
        raise InputError(f"{code!r} is a skill of several taxonomies ("
                         f"{', '.join(f[3] for f in found)}): name one", field="taxonomy")
    sid, _, label, taxonomy = found[0]
    return sid, {"id": code, "label": label, "taxonomy": taxonomy}


def skill_series(ctx: Context, state: State, skill: str, *, interval: str = "month",
                 region: str | None = None, occupation: str | None = None,
                 since: date | None = None, until: date | None = None,
                 taxonomies: Sequence[str] = ()) -> dict[str, Any]:
    """The share of ``skill`` (an id) in the postings and needs of each ``interval``
    (month, quarter, year) from ``since`` to ``until`` (default: the twelve months to
    the reference date's month), of a region and an occupation."""
    from .targets import find_occupation

    if interval not in INTERVALS:
        raise InputError(f"interval {interval!r} (month, quarter or year)", field="interval")
    sid, ref = find_skill(ctx, skill, taxonomies)
    model = state.demand
    code = target = None
    if occupation:
        occ = find_occupation(ctx, state, occupation)
        code, target = occ.code, occ.to_dict()
    step = INTERVALS[interval]
    end = _start_of(until, step, up=True) if until else _add_months(
        _start_of(reference_date(model), step), step)
    start = _start_of(since, step) if since else _add_months(end, -12 if step < 12 else -60)
    if start >= end:
        raise InputError(f"since {start} is not before {end} (no {interval} between them)",
                         field="since")
    edges = [start]
    while edges[-1] < end:
        if len(edges) > MAX_POINTS:
            raise InputError(f"more than {MAX_POINTS} {interval}s from {start} to {end}; "
                             "narrow the window or take a longer interval", field="since")
        edges.append(_add_months(edges[-1], step))
    points = _points(model, sid, edges, region, code)
    out: dict[str, Any] = {
        "skill": ref, "interval": interval,
        "slice": {"region": region, "occupation": code,
                  "window": [start.isoformat(), edges[-1].isoformat()]},
        "points": points}
    if target is not None:
        out["target"] = target
    return out


def _points(model: DemandModel, sid: int, edges: Sequence[date], region: str | None,
            occupation: str | None) -> list[dict[str, Any]]:
    """Per bucket [edges[i], edges[i + 1]): records, those asking for ``sid``, share."""
    n = len(edges) - 1
    days = np.array([day_number(e.isoformat()) for e in edges])
    # the model's own slice rule (region and the places in it, occupation, live records)
    inside = model._mask(region, occupation, (edges[0].isoformat(), edges[-1].isoformat()))
    bucket = np.searchsorted(days, np.nan_to_num(model.day_, nan=-np.inf), side="right") - 1
    bucket = np.where(inside & (bucket >= 0) & (bucket < n), bucket, -1)
    live = bucket >= 0
    totals = np.bincount(bucket[live], weights=model.weight_[live], minlength=n)
    records = np.bincount(bucket[live], minlength=n)
    mentions = np.flatnonzero(model.m_skill_ == sid)
    rows = model.m_record_[mentions]
    kept = bucket[rows] >= 0
    rows, factor = rows[kept], model.m_factor_[mentions][kept]
    sums = np.bincount(bucket[rows], weights=model.weight_[rows] * factor, minlength=n)
    counts = np.bincount(bucket[rows], minlength=n)
    return [{"start": edges[i].isoformat(), "end": edges[i + 1].isoformat(),
             "records": int(records[i]), "postings": int(counts[i]),
             "share": round(float(sums[i] / totals[i]), 4) if totals[i] else 0.0}
            for i in range(n)]


def _start_of(day: date, months: int, up: bool = False) -> date:
    """The first day of the interval of ``months`` holding ``day`` (``up``: of the next
    one, unless ``day`` starts one)."""
    month = (day.month - 1) // months * months + 1
    first = date(day.year, month, 1)
    return _add_months(first, months) if up and first < day else first


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s (clamped to years 1 to 9999)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year < 1:
        return date.min
    if year > 9999:
        return date(9999, 12, 1)
    return date(year, month + 1, 1)
