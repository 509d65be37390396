"""``/counselor``: credentials for a student, explained, compared, sequenced, printed.

- ``GET /counselor``: one search form (GET: results are links and need no JavaScript):
  a career interest or free text, a target job, the skills the student has; filters
  (cost with "free only", hours, type, delivery, region, in-demand only, unknown cost or
  hours let through); sort (best match, cost, hours) and pages. Each result card says
  what the credential costs and takes, the in-demand skills it teaches (with their
  demand figures), what it adds, and why it is there (score parts, the postings behind
  it). Empty results say which filter leaves everything out and link to the search
  without it.
- ``GET /counselor/compare?ids=a&ids=b[&ids=c]``: two or three side by side
  (:meth:`~skillmatch.services.reports.ReportService.compare`).
- ``GET /counselor/pathway?occupation=...&by=cost|hours``: the steps toward a job, the
  coverage after each, the totals, and what stays uncovered and why.
- ``GET /counselor/summary?...``: the search (and the chosen ``ids``) on one printable
  page, dated, with the data's provenance.

The pages read the query, call the facade as the API's routers do
(:meth:`~skillmatch.app.SkillMatch.recommend`, ``pathway``, the report service's
``compare``) and render. What they add is presentation: a page of the ranked list,
reordered by cost or hours or kept to credentials teaching in-demand skills (drawn from
the best ``POOL`` matches, and said so), and, for an empty page, which filter to widen.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from ..api.deps import report_service
from ..api.problems import scrub
from ..app import SkillMatch
from ..catalog.models import CREDENTIAL_TYPES, DELIVERY_MODES, cost_text, hours_text
from ..errors import InputError, NotFoundError, SkillmatchError
from .templating import page, problem_page

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

PER_PAGE = 10
POOL = 100  # sorting by cost or hours and "in-demand only" work on this many best matches
MAX_PAGE = 50
MAX_TEXT = 2000  # characters of the free text (a query string, not a document)
MAX_FIELD = 300  # a job title, a region, a skill
MAX_SKILLS = 50
SKILL_FIELDS = 3  # empty skill boxes offered (more appear as they fill)
SORTS = (("match", "Best match"), ("cost", "Lowest cost"), ("hours", "Fewest hours"))
MIN_COMPARED, MAX_COMPARED = 2, 3
TRUE = ("1", "on", "true", "yes")


@dataclass
class Filter:
    """An active filter: what it says, and the search without it."""
    name: str
    text: str
    without: Search


@dataclass
class Search:
    """What the counselor asked (the query string), checked."""
    q: str = ""
    occupation: str = ""
    skills: list[str] = field(default_factory=list)
    max_cost: float | None = None
    free: bool = False
    max_hours: float | None = None
    types: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)
    region: str = ""
    in_demand: bool = False
    unknown_cost: bool = False
    unknown_hours: bool = False
    sort: str = "match"
    page: int = 1
    raw: dict[str, str] = field(default_factory=dict)  # number fields as typed
    errors: dict[str, str] = field(default_factory=dict)  # field -> what is wrong

    @property
    def asked(self) -> bool:
        return bool(self.q or self.occupation or self.skills)

    @property
    def cost_limit(self) -> float | None:
        return 0.0 if self.free else self.max_cost

    def engine_args(self) -> dict[str, Any]:
        """The arguments of :meth:`SkillMatch.recommend` (``k`` aside)."""
        return {"query": self.q or None, "occupation": self.occupation or None,
                "known_skills": self.skills, "max_cost": self.cost_limit,
                "max_hours": self.max_hours, "types": self.types,
                "delivery": self.delivery, "region": self.region or None,
                "include_unknown_cost": self.unknown_cost,
                "include_unknown_hours": self.unknown_hours}

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query string of this search (``changes`` applied), defaults left out."""
        s = replace(self, **changes) if changes else self
        items: list[tuple[str, str]] = []
        for name, value in (("q", s.q), ("occupation", s.occupation)):
            if value:
                items.append((name, value))
        items += [("skill", v) for v in s.skills]
        for name, number in (("max_cost", s.max_cost), ("max_hours", s.max_hours)):
            if number is not None:
                items.append((name, f"{number:g}"))
        items += [("type", v) for v in s.types] + [("delivery", v) for v in s.delivery]
        if s.region:
            items.append(("region", s.region))
        for name, flag in (("free", s.free), ("in_demand", s.in_demand),
                           ("unknown_cost", s.unknown_cost),
                           ("unknown_hours", s.unknown_hours)):
            if flag:
                items.append((name, "1"))
        if s.sort != "match":
            items.append(("sort", s.sort))
        if s.page != 1:
            items.append(("page", str(s.page)))
        return items

    def url(self, path: str = "/counselor", extra: Iterable[tuple[str, str]] = (),
            **changes: Any) -> str:
        query = urlencode([*self.params(**changes), *extra])
        return f"{path}?{query}" if query else path

    def filters(self) -> list[Filter]:
        """The filters that leave credentials out, each with the search without it."""
        out: list[Filter] = []

        def add(name: str, text: str, **cleared: Any) -> None:
            out.append(Filter(name, text, replace(self, page=1, **cleared)))

        if self.free:
            add("free", "free only", free=False)
        elif self.max_cost is not None:
            add("max_cost", "free only" if self.max_cost == 0 else
                f"cost at most {cost_text(self.max_cost)}", max_cost=None)
        if self.max_hours is not None:
            add("max_hours", f"at most {hours_text(self.max_hours)}", max_hours=None)
        if self.types:
            add("type", "type " + " or ".join(self.types), types=[])
        if self.delivery:
            add("delivery", "delivery " + " or ".join(self.delivery), delivery=[])
        if self.region:
            add("region", f"region {self.region}", region="")
        if self.in_demand:
            add("in_demand", "in-demand only", in_demand=False)
        return out

    def cleared(self) -> Search:
        """This search with no filter."""
        return replace(self, free=False, max_cost=None, max_hours=None, types=[],
                       delivery=[], region="", in_demand=False, page=1)


def _flag(params: QueryParams, name: str) -> bool:
    return params.get(name, "").strip().lower() in TRUE


def _text(params: QueryParams, name: str, label: str, limit: int,
          errors: dict[str, str]) -> str:
    value = " ".join(params.get(name, "").split())
    if len(value) > limit:
        errors[name] = f"{label} is too long: at most {limit:,} characters."
        return value[:limit]
    return value


def _number(params: QueryParams, name: str, label: str, example: str,
            errors: dict[str, str], raw: dict[str, str]) -> float | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    raw[name] = text
    try:
        value = float(text.replace("$", "").replace(",", "").strip())
    except ValueError:
        errors[name] = f"{label}: {text!r} is not a number; enter one such as {example}."
        return None
    if not value >= 0 or value == float("inf"):
        errors[name] = f"{label} must be a number of zero or more, such as {example}."
        return None
    return value


def _choices(params: QueryParams, name: str, allowed: tuple[str, ...], label: str,
             errors: dict[str, str]) -> list[str]:
    values = list(dict.fromkeys(v.strip() for v in params.getlist(name) if v.strip()))
    wrong = [v for v in values if v not in allowed]
    if wrong:
        errors[name] = (f"{label} {', '.join(repr(w) for w in wrong)} is not one we know; "
                        f"choose from {', '.join(allowed)}.")
    return [v for v in values if v in allowed]


def skills_of(params: QueryParams, errors: dict[str, str]) -> list[str]:
    """``skill`` fields, each one skill or a comma-separated list."""
    skills = list(dict.fromkeys(
        " ".join(s.split()) for v in params.getlist("skill") for s in v.split(",")
        if s.strip()))
    if len(skills) > MAX_SKILLS:
        errors["skill"] = f"At most {MAX_SKILLS} skills; the first {MAX_SKILLS} are used."
        skills = skills[:MAX_SKILLS]
    if any(len(s) > MAX_FIELD for s in skills):
        errors["skill"] = f"A skill is at most {MAX_FIELD} characters."
        skills = [s[:MAX_FIELD] for s in skills]
    return skills


def parse_search(params: QueryParams) -> Search:
    """The search in ``params``; what cannot be read is in ``errors`` (and left out)."""
    errors: dict[str, str] = {}
    raw: dict[str, str] = {}
    try:
        number = int(params.get("page", "1"))
    except ValueError:
        number = 1
    sort = params.get("sort", "match")
    return Search(
        q=_text(params, "q", "The interest or description", MAX_TEXT, errors),
        occupation=_text(params, "occupation", "The target job", MAX_FIELD, errors),
        skills=skills_of(params, errors),
        max_cost=_number(params, "max_cost", "Max cost", "500", errors, raw),
        free=_flag(params, "free"),
        max_hours=_number(params, "max_hours", "Max hours", "120", errors, raw),
        types=_choices(params, "type", CREDENTIAL_TYPES, "Type", errors),
        delivery=_choices(params, "delivery", DELIVERY_MODES, "Delivery", errors),
        region=_text(params, "region", "The region", MAX_FIELD, errors),
        in_demand=_flag(params, "in_demand"),
        unknown_cost=_flag(params, "unknown_cost"),
        unknown_hours=_flag(params, "unknown_hours"),
        sort=sort if sort in dict(SORTS) else "match",
        page=min(max(number, 1), MAX_PAGE), raw=raw, errors=errors)


# ------------------------------------------------------------------ the engine's answers

class NotReady(Exception):
    """The engine is still loading (the server just started)."""


def engine_of(request: Request) -> SkillMatch:
    """The app's engine, once loaded (else :class:`NotReady`)."""
    readiness = getattr(request.app.state, "readiness", None)
    if readiness is not None:
        ok, _why = readiness.status()
        if not ok:
            raise NotReady
    engine: SkillMatch | None = getattr(request.app.state, "engine", None)
    if engine is None:
        raise NotReady
    return engine


@dataclass
class Ranked:
    """A search's answer: the engine's, and the list the pages show (filtered, sorted)."""
    answer: dict[str, Any]
    results: list[dict[str, Any]]
    pooled: bool  # drawn from the best POOL matches


def ranked(engine: SkillMatch, search: Search, *, pool: bool = False) -> Ranked:
    """The recommendations for ``search``: enough for its page, or the best ``POOL`` when
    the page sorts by cost or hours, keeps only in-demand results, or ``pool``."""
    pooled = pool or search.in_demand or search.sort != "match"
    k = POOL if pooled else search.page * PER_PAGE + 1
    answer = engine.recommend(**search.engine_args(), k=k,
                              visible=engine.writes.visible_rule(None))
    results = list(answer["results"])
    if search.in_demand:
        results = [r for r in results if r["in_demand_skills"]]
    if search.sort in ("cost", "hours"):  # unknown last; ties keep the match order
        key = search.sort
        results.sort(key=lambda r: (r[key] is None, r[key] or 0.0))
    return Ranked(answer, results, pooled and len(answer["results"]) >= POOL)


def widen(engine: SkillMatch, search: Search) -> dict[str, Any]:
    """For a search with no result: the filters that, each removed alone, let results
    through; else whether clearing them all does."""
    filters = search.filters()
    helps = [f for f in filters if ranked(engine, f.without).results]
    clearing = (not helps and len(filters) > 1
                and bool(ranked(engine, search.cleared()).results))
    return {"filters": filters, "helps": helps, "clearing": clearing}


def shade(weight: float) -> int:
    """A demand weight in [0, 1] as one of four shades (the figure is shown as text)."""
    return 4 if weight >= 0.6 else 3 if weight >= 0.4 else 2 if weight >= 0.2 else 1


def catalogue_choices(engine: SkillMatch) -> dict[str, list[str]]:
    """The types, delivery modes and regions of the catalogue (the form's choices)."""
    catalog = engine.catalog_view
    cached = _CHOICES.get("catalog")
    if cached is not None and cached[0] is catalog:
        return cached[1]
    rows = catalog.rows
    present = {r["type"] for r in rows}
    regions: set[str] = set()
    for r in rows:
        region = r.get("region") or ""
        if region:
            regions.add(region)
            regions.add(region.removeprefix("statewide-").split("-")[0])
    choices = {"types": [t for t in CREDENTIAL_TYPES if t in present] or list(CREDENTIAL_TYPES),
               "delivery": list(DELIVERY_MODES), "regions": sorted(regions)}
    _CHOICES["catalog"] = (catalog, choices)
    return choices


_CHOICES: dict[str, tuple[Any, dict[str, list[str]]]] = {}

HELPERS: dict[str, Any] = {"cost_text": cost_text, "hours_text": hours_text, "shade": shade,
           "sorts": SORTS, "per_page": PER_PAGE, "pool": POOL,
           "skill_boxes": SKILL_FIELDS}


def answer(request: Request, build: Callable[[SkillMatch], Response]) -> Response:
    """``build(engine)``, or the error it raises as a page in plain language."""
    try:
        return build(engine_of(request))
    except NotReady:
        response = problem_page(
            request, "skillmatch is still loading its data (the server has just started).",
            status_code=503, title="Almost ready",
            hint="Try again in a few seconds: reload this page.")
        response.headers["Retry-After"] = "5"
        return response
    except InputError as exc:
        return problem_page(request, _plain(exc.reason), status_code=422,
                            hint="Change what you asked for and try again.")
    except NotFoundError as exc:
        return problem_page(request, _plain(str(exc)), status_code=404,
                            title="Not found", hint="Check the spelling, or start again.")
    except SkillmatchError as exc:
        return problem_page(request, _plain(str(exc)), status_code=400)
    except sqlite3.Error:
        log.exception("%s: database error", request.url.path)
        return problem_page(request, "The data could not be read just now (busy or "
                            "unavailable).", status_code=503, title="Please try again",
                            hint="Try again in a few seconds.")
    except Exception:  # noqa: BLE001 - a page, never a traceback
        log.exception("%s: unexpected error", request.url.path)
        return problem_page(request, "Something went wrong on our side; the server's log "
                            "has the details.", status_code=500, title="Sorry",
                            hint="Try again, or try a different search.")


def _plain(message: str) -> str:
    text = scrub(message).strip()
    return text[:1].upper() + text[1:] if text else "That could not be done."


# ------------------------------------------------------------------------------ routes

@router.get("/counselor")
def search_page(request: Request) -> Response:
    """The search form and, when something was asked, a page of results."""
    search = parse_search(request.query_params)

    def build(engine: SkillMatch) -> Response:
        context: dict[str, Any] = {"search": search, "choices": catalogue_choices(engine),
                                   **HELPERS}
        status = 422 if search.errors else 200
        if not search.asked or search.errors:
            return page(request, "counselor/search.html", "Find credentials",
                        status_code=status, **context)
        try:
            found = ranked(engine, search)
        except (InputError, NotFoundError) as exc:  # shown beside the form, kept filled
            field_name = getattr(exc, "field", None) or (
                "occupation" if isinstance(exc, NotFoundError) else "q")
            message = _plain(exc.reason if isinstance(exc, InputError) else str(exc))
            search.errors.setdefault(field_name, message)
            return page(request, "counselor/search.html", "Find credentials",
                        status_code=404 if isinstance(exc, NotFoundError) else 422,
                        **context)
        start = (search.page - 1) * PER_PAGE
        shown = found.results[start:start + PER_PAGE]
        context.update({
            "ranked": found, "found": found.answer, "results": shown, "start": start,
            "has_next": len(found.results) > start + PER_PAGE,
            "widen": widen(engine, search) if not found.results else None})
        return page(request, "counselor/search.html", "Find credentials",
                    status_code=status, **context)

    return answer(request, build)


def ids_of(params: QueryParams) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in params.getlist("ids") if i.strip()))


@router.get("/counselor/compare")
def compare_page(request: Request) -> Response:
    """Two or three credentials side by side, against the search's target job (else
    the job each prepares for best)."""
    search = parse_search(request.query_params)
    ids = ids_of(request.query_params)

    def build(engine: SkillMatch) -> Response:
        context: dict[str, Any] = {
            "search": search, "ids": ids, **HELPERS,
            "summary_url": search.url("/counselor/summary", [("ids", i) for i in ids],
                                      page=1)}
        if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
            chosen = "none" if not ids else f"{len(ids)}"
            message = (f"Choose two or three credentials to compare (you chose {chosen}). "
                       "Tick \u201ccompare\u201d on two or three results, then press "
                       "\u201cCompare selected\u201d.")
            return page(request, "counselor/compare.html", "Compare credentials",
                        status_code=400, message=message, **context)
        reports = report_service(request.app.state.engine)
        compared = reports.compare(
            ids, occupations=[search.occupation] if search.occupation else [],
            region=search.region or None)
        return page(request, "counselor/compare.html", "Compare credentials",
                    compared=compared, **context)

    return answer(request, build)


@router.get("/counselor/pathway")
def pathway_page(request: Request) -> Response:
    """The cheapest (or shortest) short sequence of credentials toward a job."""
    params = request.query_params
    search = parse_search(params)
    by = params.get("by", "cost")
    if by not in ("cost", "hours"):
        search.errors["by"] = "Order the steps by cost or by hours."
        by = "cost"

    def build(engine: SkillMatch) -> Response:
        context: dict[str, Any] = {"search": search, "by": by,
                                   "choices": catalogue_choices(engine), **HELPERS}
        if not search.occupation or search.errors:
            return page(request, "counselor/pathway.html", "Pathway to a job",
                        status_code=422 if search.errors else 200, **context)
        try:
            path = engine.pathway(search.occupation, known_skills=search.skills, by=by,
                                  max_cost=search.cost_limit, region=search.region or None,
                                  include_unknown_cost=search.unknown_cost)
        except NotFoundError as exc:
            search.errors["occupation"] = _plain(str(exc))
            return page(request, "counselor/pathway.html", "Pathway to a job",
                        status_code=404, **context)
        title = f"Pathway toward {path['occupation']['label']}"
        return page(request, "counselor/pathway.html", title, path=path, **context)

    return answer(request, build)


@router.get("/counselor/summary")
def summary_page(request: Request) -> Response:
    """One printable page: the chosen credentials (``ids``), else the search's first
    page, with cost, length, what they teach and why, the date and the provenance."""
    search = parse_search(request.query_params)
    ids = ids_of(request.query_params)

    def build(engine: SkillMatch) -> Response:
        if not search.asked and not ids:
            return problem_page(
                request, "There is nothing to summarize yet.", status_code=400,
                title="Nothing to print",
                hint="Search for credentials first, then choose \u201cPrintable summary\u201d.")
        found = ranked(engine, search, pool=bool(ids)) if search.asked else None
        results = found.results if found else []
        if ids:
            by_id = {r["id"]: r for r in results}
            chosen = [by_id.get(i) or _record(engine, i) for i in ids]
        else:
            chosen = results[:PER_PAGE]
        return page(request, "counselor/summary.html", "Credentials summary",
                    search=search, found=found.answer if found else None, chosen=chosen,
                    ids=ids, today=date.today(),
                    provenance_data=(found.answer.get("provenance") if found
                                     else engine.provenance()),
                    **HELPERS)

    return answer(request, build)


def _record(engine: SkillMatch, credential_id: str) -> dict[str, Any]:
    """A chosen credential the search does not rank among its best: as stored."""
    try:
        row = engine.record("credential", credential_id)
    except NotFoundError:
        return {"id": credential_id, "missing": True}
    return {**{k: row.get(k) for k in ("title", "provider", "type", "cost", "hours",
                                       "delivery", "region", "url")},
            "id": credential_id, "stored_only": True,
            "teaches": [s["label"] for s in row.get("skills", [])]}
