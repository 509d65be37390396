"""``/demand``: the skills employers ask for, by region, time window and occupation.

- ``GET /demand?region=&window=&since=&until=&occupation=&top=&order=``: the top skills
  of a slice (the engine's demand table, :meth:`ReportService.demand`) with each one's
  trend against the window of the same length just before (an arrow, and the change in
  words for screen readers); with an occupation, its skills by tier (necessary,
  defining, distinguishing) or why there are none.
- ``GET /demand/skill?id=&interval=month&region=&occupation=&since=&until=``: one
  skill's share of postings and needs per month (quarter, year)
  (:meth:`ReportService.skill_series`) as a bar chart drawn here as plain SVG, with the
  same figures in a table below it. ``skill=`` (a label as typed) finds the skill by
  the skills' autocomplete.

A preset window (the last 3, 6 or 12 months, or all dates) ends at the demand model's
reference date (its newest record, unless a setting fixes it), not today. Errors come
back as the page with its form and a notice in plain words.

Also shared with :mod:`.designer`: :func:`failure` (an exception as a status and plain
words), :func:`occupation_choices` and :func:`region_choices` (the suggestions of the
forms' occupation and region fields).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..api.problems import kind_of, scrub
from ..errors import InputError, NotFoundError, SkillmatchError
from .templating import page

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

PRESETS = {"3m": ("Last 3 months", 91), "6m": ("Last 6 months", 182),
           "12m": ("Last 12 months", 365), "all": ("All dates", None)}
DEFAULT_WINDOW = "3m"
TOPS = (10, 20, 50, 100)
ORDERS = {"score": "Demand score", "share": "Share of postings"}
INTERVALS = {"month": "Month", "quarter": "Quarter", "year": "Year"}
FLAT = 0.005  # a change of share below half a percentage point reads as "about the same"
FEW = 10  # an earlier window with fewer records than this makes trends rough
MAX_FIELD = {"region": 100, "occupation": 300, "id": 300, "skill": 200}
MAX_OPTIONS = 1000  # occupations or regions offered as suggestions
TIERS = (("necessary", "Necessary"), ("defining", "Defining"),
         ("distinguishing", "Distinguishing"))


# --------------------------------------------------------------------- shared
def failure(exc: Exception) -> tuple[int, str]:
    """An exception as (HTTP status, a sentence for the page): the engine's own words
    for what it raises on purpose (no file paths), a generic sentence otherwise (the
    details go to the log)."""
    if isinstance(exc, SkillmatchError):
        text = exc.reason if isinstance(exc, InputError) else str(exc)
        return kind_of(exc).status, sentence(scrub(text))
    log.error("a page failed", exc_info=exc)
    return 500, "Something went wrong on our side, and the page could not be made."


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def occupation_choices(request: Request) -> list[dict[str, str]]:
    """The occupations postings name (code and their most common title), for an
    occupation field's suggestions; none when there are more than :data:`MAX_OPTIONS`
    (the field then asks the API's autocomplete as the user types)."""
    codes, titles, _ = request.app.state.engine.state.centroids
    if len(codes) > MAX_OPTIONS:
        return []
    return [{"code": c, "title": t if t != c else ""} for c, t in zip(codes, titles)]


def region_choices(request: Request) -> list[str]:
    """The regions of the postings and needs, each state before its places."""
    regions = [str(r) for r in request.app.state.engine.demand_model.regions_.tolist() if r]
    states = {r.split("-", 1)[0] for r in regions if "-" in r}
    return sorted(set(regions) | states, key=lambda r: (r.split("-", 1)[0], "-" in r, r)
                  )[:MAX_OPTIONS]


# --------------------------------------------------------------------- inputs
@dataclass
class Slice:
    """The form's values: what the user asked for, as typed (for the form) and read."""

    region: str = ""
    occupation: str = ""
    window: str = DEFAULT_WINDOW
    since: str = ""
    until: str = ""
    top: int = 20
    order: str = "score"
    interval: str = "month"

    def dates(self) -> tuple[date | None, date | None]:
        return _date(self.since, "since", "From"), _date(self.until, "until", "To")

    def query(self, **extra: str) -> str:
        """The query string of this slice (for links that keep it)."""
        pairs = {"region": self.region, "occupation": self.occupation, "since": self.since,
                 "until": self.until, **extra}
        if not (self.since or self.until) and self.window != DEFAULT_WINDOW:
            pairs["window"] = self.window
        return urlencode({k: v for k, v in pairs.items() if v})


def _date(text: str, name: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"the {label} date “{text}” is not a date (use the date picker, or "
                         "write it as YYYY-MM-DD)", field=name) from None


def _read(get: Callable[[str], str | None]) -> Slice:
    """A :class:`Slice` from the query; an :class:`InputError` for a value out of bounds
    (the slice read so far is on it as ``slice``)."""
    values = {name: (get(name) or "").strip() for name in
              ("region", "occupation", "window", "since", "until", "top", "order",
               "interval")}
    out = Slice(region=values["region"][:100], occupation=values["occupation"][:300],
                since=values["since"][:10], until=values["until"][:10])
    problem: InputError | None = None
    for name in ("region", "occupation"):
        if len(values[name]) > MAX_FIELD[name]:
            problem = InputError(f"the {name} is longer than {MAX_FIELD[name]} characters",
                                 field=name)
    if values["window"] in PRESETS:
        out.window = values["window"]
    elif values["window"] and values["window"] != "custom":
        problem = InputError(f"unknown period “{values['window']}”", field="window")
    if out.since or out.until:
        out.window = "custom"
    if values["top"]:
        try:
            out.top = int(values["top"])
            if not 1 <= out.top <= 200:
                raise ValueError
        except ValueError:
            out.top = 20
            problem = InputError("the number of skills to show is a whole number from 1 to "
                                 "200", field="top")
    if values["order"] in ORDERS:
        out.order = values["order"]
    if values["interval"] in INTERVALS:
        out.interval = values["interval"]
    elif values["interval"]:
        problem = InputError(f"unknown interval “{values['interval']}” (month, quarter or "
                             "year)", field="interval")
    if problem is not None:
        problem.slice = out  # type: ignore[attr-defined]
        raise problem
    return out


def _window(request: Request, ask: Slice) -> tuple[date | None, date | None]:
    """(since, until) of the slice: the dates given, else the preset ending the day
    after the reference date."""
    since, until = ask.dates()
    if since and until and since >= until:
        raise InputError(f"the From date ({since}) is not before the To date ({until}); "
                         "the period would be empty", field="since")
    if since or until or ask.window == "all":
        return since, until
    from ..flows.demand_trends import reference_date

    days = PRESETS[ask.window][1] or 365
    end = reference_date(request.app.state.engine.demand_model) + timedelta(days=1)
    return end - timedelta(days=days), end


# ---------------------------------------------------------------------- pages
@router.get("/demand")
def demand(request: Request) -> HTMLResponse:
    """The top skills of a region, window and occupation, with trends and tiers."""
    ask = Slice()
    try:
        ask = _read(request.query_params.get)
        since, until = _window(request, ask)
        table = _reports(request).demand(
            region=ask.region or None, occupation=ask.occupation or None, since=since,
            until=until, top=ask.top, order=ask.order, trend=True,
            visible=request.app.state.engine.writes.visible_rule(None))
        return _demand_page(request, ask, table=table, since=since, until=until)
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        ask = getattr(exc, "slice", ask)
        status, message = failure(exc)
        return _demand_page(request, ask, status_code=status, error=message,
                            hint=_hint(exc, status))


def _reports(request: Request) -> Any:
    from ..api.deps import report_service

    return report_service(request.app.state.engine)


def _hint(exc: Exception, status: int) -> str:
    where = getattr(exc, "field", None) or ""
    if where == "occupation" or (status == 404 and "occupation" in str(exc)):
        return ("Try the occupation's code (such as 31-1131.00), pick one of the suggestions, "
                "or leave it empty for every occupation.")
    if status == 404 and ("skill" in str(exc) or where in ("id", "skill")):
        return "Pick a skill from the table on the demand page, or type its name."
    if where in ("since", "until", "window"):
        return "Pick a period from the list, or give a From date before the To date."
    if status == 503:
        return ("The data this needs is not loaded yet: try again in a minute, or ask the "
                "site's administrator.")
    if status >= 500:
        return "Try again; if it happens again, tell the site's administrator."
    return "Change the field named above and try again."


def _demand_page(request: Request, ask: Slice, *, status_code: int = 200,
                 table: dict[str, Any] | None = None, since: date | None = None,
                 until: date | None = None, error: str = "", hint: str = "") -> HTMLResponse:
    ctx: dict[str, Any] = {"ask": ask, "error": error, "hint": hint, "presets": PRESETS,
                           "tops": TOPS, "orders": ORDERS, "table": table}
    ctx.update(_choices(request))
    if table is not None:
        trend = table.get("trend") or {}
        ctx.update(
            rows=[_row(n, row, ask) for n, row in enumerate(table["skills"], 1)],
            period=_period(table, since, until), trend=trend,
            trend_note=_trend_note(trend),
            target=_occupation(table.get("target"), ctx["occupations"]),
            tiers=_tiers(request, table.get("tiers")),
            empty=_empty(table, ask))
    return page(request, "demand/index.html", "Demand", status_code=status_code, **ctx)


def _choices(request: Request) -> dict[str, Any]:
    try:
        return {"occupations": occupation_choices(request), "regions": region_choices(request)}
    except Exception:  # noqa: BLE001 - the form still shows, without suggestions
        log.exception("the demand form's suggestions could not be read")
        return {"occupations": [], "regions": []}


def percent(share: float) -> str:
    """A share as a percentage with one decimal (a tiny one as under 0.1%)."""
    value = share * 100
    if value and abs(value) < 0.1:
        return "under 0.1%"
    return f"{value:.1f}%"


def points(change: float) -> str:
    value = abs(change) * 100
    return f"{value:.1f} percentage point" + ("" if f"{value:.1f}" == "1.0" else "s")


def trend_view(trend: dict[str, Any] | None) -> dict[str, str]:
    """A skill's trend as an arrow (up, down, flat, new), a short label and the change in
    words (for screen readers and the tooltip)."""
    if not trend:
        return {"direction": "none", "arrow": "", "short": "", "words": "no trend figures"}
    now, was, change = trend["share"], trend["previous_share"], trend["change"]
    if was == 0 and now > 0:
        return {"direction": "up", "arrow": "▲", "short": "new",
                "words": f"new: {percent(now)} of postings now, none in the earlier period"}
    if abs(change) < FLAT:
        return {"direction": "flat", "arrow": "▶", "short": "same",
                "words": f"about the same: {percent(was)} before, {percent(now)} now"}
    direction = "up" if change > 0 else "down"
    sign = "+" if change > 0 else "−"
    return {"direction": direction, "arrow": "▲" if change > 0 else "▼",
            "short": f"{sign}{abs(change) * 100:.1f} pts",
            "words": f"{direction} {points(change)}, from {percent(was)} to {percent(now)} "
                     "of postings"}


def _row(rank: int, row: dict[str, Any], ask: Slice) -> dict[str, Any]:
    skill = row["skill"]
    return {"rank": rank, "id": skill["id"], "label": skill["label"],
            "taxonomy": skill.get("taxonomy", ""), "postings": row["postings"],
            "share": percent(row["share"]), "score": f"{row['score']:.2f}",
            "trend": trend_view(row.get("trend")),
            "href": "/demand/skill?" + ask.query(id=skill["id"])}


def _period(table: dict[str, Any], since: date | None, until: date | None) -> str:
    if since is None and until is None:
        return "all dates"
    start = since.isoformat() if since else "the first record"
    end = (until - timedelta(days=1)).isoformat() if until else "the last record"
    return f"{start} to {end}"


def _trend_note(trend: dict[str, Any]) -> str:
    if not trend:
        return ""
    before = trend.get("previous_window") or ["", ""]
    now = trend.get("window") or ["", ""]
    text = (f"Trends compare {_span(now)} with the same length of time before it, "
            f"{_span(before)}.")
    n = trend.get("previous_records", 0)
    if n == 0:
        text += (" There are no postings or needs in that earlier period, so every skill "
                 "shows as new: choose a shorter period for a comparison.")
    elif n < FEW:
        text += (f" The earlier period has only {n} postings and needs, so read the trends "
                 "as rough.")
    return text


def _span(window: list[str]) -> str:
    start, end = window
    try:
        last = (date.fromisoformat(end) - timedelta(days=1)).isoformat()
    except ValueError:
        last = end
    return f"{start} to {last}"


def _occupation(target: dict[str, Any] | None, occupations: list[dict[str, str]]
                ) -> dict[str, str] | None:
    """The occupation of a slice as it reads: its title (for a code only postings use,
    the title its postings most often carry, from ``occupations``)."""
    if not target:
        return None
    code, label = target.get("code", ""), target.get("label") or ""
    if not label or label == code:
        label = next((o["title"] for o in occupations if o["code"] == code), "")
    return {"code": code, "label": label, "note": target.get("note") or ""}


def _tiers(request: Request, tiers: dict[str, Any] | None) -> dict[str, Any] | None:
    """The occupation's tiers as the page shows them, with what each tier means."""
    if tiers is None:
        return None
    model = request.app.state.engine.demand_model
    meaning = {
        "necessary": f"asked for by at least {percent(model.necessary_share)} of its "
                     "postings and needs",
        "defining": f"asked for by at least {percent(model.defining_share)} of them, and "
                    f"at least {model.defining_lift:g} times as often as in other "
                    "occupations",
        "distinguishing": f"less common, but at least {model.distinguishing_lift:g} times "
                          "as often as in other occupations"}
    groups = []
    for key, title in TIERS:
        rows = [{"id": r.get("id", ""), "label": r.get("label", ""),
                 "share": percent(r.get("share") or 0.0),
                 "elsewhere": percent(r.get("share_elsewhere") or 0.0)}
                for r in tiers.get(key) or []]
        groups.append({"key": key, "title": title, "meaning": meaning[key], "rows": rows})
    return {"records": tiers.get("records", 0), "fallback": bool(tiers.get("fallback")),
            "min_postings": model.min_postings, "groups": groups}


def _empty(table: dict[str, Any], ask: Slice) -> str:
    """Why the table is empty, and what to try (empty when it is not)."""
    if table["skills"]:
        return ""
    tries = []
    if ask.window != "all":
        tries.append("a longer period (All dates)")
    if ask.region:
        state = ask.region.split("-", 1)[0]
        tries.append(f"the whole state ({state})" if "-" in ask.region else "no region")
    if ask.occupation:
        tries.append("no occupation")
    what = "Try " + ", or ".join(tries) + "." if tries else ""
    if not table.get("records"):
        return ("No postings or needs match these choices, so there is no demand to show. "
                + what).strip()
    return ("The postings and needs here name no skills that could be linked. " + what).strip()


@router.get("/demand/skill")
def skill(request: Request) -> HTMLResponse:
    """One skill's share of postings and needs over time: a chart and its table."""
    ask, skill_id, typed = Slice(), "", ""
    try:
        params = request.query_params
        skill_id = (params.get("id") or "").strip()
        typed = (params.get("skill") or "").strip()
        ask = _read(params.get)
        if len(skill_id) > MAX_FIELD["id"] or len(typed) > MAX_FIELD["skill"]:
            raise InputError("the skill is too long to be one", field="skill")
        if not skill_id:
            found = _find_skill(request, typed)
            if isinstance(found, list):
                return _skill_page(request, ask, typed=typed, matches=found,
                                   status_code=200 if found else 404)
            skill_id = found
        since, until = ask.dates()
        series = _reports(request).skill_series(
            skill_id, interval=ask.interval, region=ask.region or None,
            occupation=ask.occupation or None, since=since, until=until)
        return _skill_page(request, ask, series=series, skill_id=skill_id)
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        ask = getattr(exc, "slice", ask)
        status, message = failure(exc)
        return _skill_page(request, ask, skill_id=skill_id, typed=typed, status_code=status,
                           error=message, hint=_hint(exc, status))


def _find_skill(request: Request, typed: str) -> str | list[dict[str, str]]:
    """The id of the skill ``typed`` names (its label or an alternative label, any
    case), else the skills it may mean (the autocomplete's best ten)."""
    if not typed:
        raise InputError("name a skill to chart (pick one from the demand table, or type "
                         "its name)", field="skill")
    results = request.app.state.engine.lookup.skills(typed, limit=10)["results"]
    folded = typed.casefold()
    exact = {r["code"] for r in results
             if folded in (r["label"].casefold(), str(r.get("matched", "")).casefold())}
    if len(exact) == 1:
        return exact.pop()
    if not results:
        raise NotFoundError(f"no skill matches “{typed}”")
    return [{"id": r["code"], "label": r["label"], "taxonomy": r["taxonomy"],
             "matched": r.get("matched", "")} for r in results]


def _skill_page(request: Request, ask: Slice, *, series: dict[str, Any] | None = None,
                skill_id: str = "", typed: str = "", matches: list[dict[str, str]] | None = None,
                status_code: int = 200, error: str = "", hint: str = "") -> HTMLResponse:
    ctx: dict[str, Any] = {"ask": ask, "skill_id": skill_id, "typed": typed,
                           "matches": matches, "error": error, "hint": hint,
                           "intervals": INTERVALS, "series": series,
                           "back": "/demand" + (f"?{ask.query()}" if ask.query() else "")}
    ctx.update(_choices(request))
    title = "A skill's demand over time"
    if series is not None:
        title = f"Demand for {series['skill']['label']} over time"
        rows = [{"period": _label(p["start"], ask.interval, long=True),
                 "records": p["records"], "postings": p["postings"],
                 "share": percent(p["share"])} for p in series["points"]]
        ctx.update(rows=rows, chart=bar_chart(series["points"], ask.interval),
                   summary=_summary(series, ask.interval),
                   target=_occupation(series.get("target"), ctx["occupations"]))
        if matches is None:
            ctx["matches"] = []
    if matches is not None and not matches and not error:
        ctx["error"] = f"No skill matches “{typed}”."
        ctx["hint"] = "Try another spelling, or pick a skill from the demand table."
    return page(request, "demand/skill.html", title, status_code=status_code, **ctx)


STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25)  # y axis ticks
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _label(start: str, interval: str, long: bool = False) -> str:
    day = date.fromisoformat(start)
    if interval == "year":
        return str(day.year)
    if interval == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    name = MONTHS[day.month - 1]
    return f"{name} {day.year}" if long else name[:3]


def _summary(series: dict[str, Any], interval: str) -> str:
    """The chart in one sentence (its text alternative)."""
    pts = series["points"]
    label = series["skill"]["label"]
    if not pts:
        return f"No {interval}s in the period."
    first, last = _label(pts[0]["start"], interval, True), _label(pts[-1]["start"], interval,
                                                                   True)
    if not any(p["records"] for p in pts):
        return (f"No postings or needs from {first} to {last}, so there is no share of "
                f"“{label}” to chart.")
    top = max(pts, key=lambda p: p["share"])
    if not top["share"]:
        return (f"No posting or need from {first} to {last} asks for “{label}”: its share "
                "is 0% in every " + interval + ".")
    return (f"Share of postings and needs asking for “{label}”, by {interval}, {first} to "
            f"{last}: highest in {_label(top['start'], interval, True)} at "
            f"{percent(top['share'])}; {percent(pts[-1]['share'])} in {last}. The table "
            "below gives every value.")


def bar_chart(points_: list[dict[str, Any]], interval: str) -> dict[str, Any]:
    """The geometry of a bar chart of the points' shares (an SVG 560 by 300 units the
    template draws): the bars, the y axis's gridlines and the x axis's labels."""
    width, height, left, right, top, bottom = 560, 300, 52, 12, 14, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((p["share"] for p in points_), default=0.0)
    step = next((s for s in STEPS if peak <= 5 * s), 0.25) if peak else 0.02
    ymax = step * (math.ceil(round(peak / step, 6)) if peak else 5)
    n = max(len(points_), 1)
    slot = plot_w / n
    every = max(1, math.ceil(n / 12))  # at most twelve labels along the axis
    bars: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for i, p in enumerate(points_):
        h = plot_h * p["share"] / ymax
        x = left + i * slot + slot * 0.15
        bars.append({"x": round(x, 1), "y": round(top + plot_h - h, 1),
                     "w": round(slot * 0.7, 1), "h": round(h, 1),
                     "tip": f"{_label(p['start'], interval, True)}: {percent(p['share'])} "
                            f"({p['postings']} of {p['records']})"})
        if i % every == 0:
            day = date.fromisoformat(p["start"])
            year = str(day.year) if interval != "year" and (not labels or day.month == 1) \
                else ""
            labels.append({"x": round(left + (i + 0.5) * slot, 1),
                           "text": _label(p["start"], interval), "year": year})
    n_ticks = round(ymax / step)
    ticks = [{"y": round(top + plot_h - plot_h * k / n_ticks, 1),
              "text": f"{round(step * k * 100, 2):g}%"} for k in range(n_ticks + 1)]
    return {"width": width, "height": height, "left": left, "right": width - right,
            "top": top, "base": top + plot_h, "bars": bars, "labels": labels,
            "ticks": ticks}
