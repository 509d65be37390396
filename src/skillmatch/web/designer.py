"""``/designer``: a program designer's alignment report, for a catalogued credential or
a pasted description.

- ``GET /designer``: pick a catalogued credential (a select; a text field for the id or
  title when the catalogue is large) or paste a description, with an optional target
  occupation and region.
- ``GET /designer/report?credential=ID&occupation=...&region=...`` and ``POST
  /designer/report`` (the pasted ``description`` as a form: it can be long; the call
  writes nothing, so it needs no CSRF token, and its body is limited): the report, the
  engine's :meth:`~skillmatch.app.SkillMatch.align` rendered as a page: the alignment
  score, the chart of coverage against demand (the report module's SVG, inlined as an
  image with a text alternative), gaps ranked by demand, skills taught but rarely
  demanded, occupations it prepares for (low confidence flagged), similar credentials
  and suggested additions with their gain.
- Downloads, answered as attachments: ``/designer/report.html`` (the report module's
  self-contained page, its chart inside), ``/designer/report.csv`` (a row per skill),
  both by GET for a credential and by POST for a description, and
  ``/designer/alignment-ob3.json`` (the credential's skills as Open Badges 3.0 alignment
  entries, :meth:`Exports.skills`; catalogued credentials only).

Errors come back as the form with the user's input kept and a notice in plain words.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..catalog.models import cost_text, hours_text
from ..errors import InputError
from .demand import failure, occupation_choices, region_choices
from .templating import page

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

MAX_DESCRIPTION = 20_000  # characters of a pasted description (the API's own limit)
MAX_FORM_BYTES = 256 * 1024  # a form's body: the description URL-encoded, with room
MAX_FIELD = {"credential": 300, "occupation": 300, "region": 100}
MAX_OCCUPATIONS = 10
SELECT_UP_TO = 1500  # credentials offered in a select; above it, a text field
SHOWN = 20  # rows of a skill table on the page (the downloads have them all)
K = 5  # similar credentials and suggested additions

FORM_TYPE = "application/x-www-form-urlencoded"
MEDIA = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
         "json": "application/json"}


@dataclass
class Ask:
    """What a report is asked for: a catalogued credential or a description, and the
    optional targets."""

    credential: str = ""
    description: str = ""
    occupations: list[str] = field(default_factory=list)
    region: str = ""
    via: str = "pick"  # the form it came from: pick (a credential) or paste (text)

    @property
    def occupation(self) -> str:
        return self.occupations[0] if self.occupations else ""

    def query(self) -> str:
        """The query string of a GET for a credential's report (or its downloads)."""
        pairs = [("credential", self.credential)]
        pairs += [("occupation", o) for o in self.occupations]
        if self.region:
            pairs.append(("region", self.region))
        return urlencode(pairs)

    def options(self) -> dict[str, Any]:
        return {"occupations": self.occupations, "region": self.region or None, "k": K}


class FormError(Exception):
    """A form that cannot be read (too large, not a form): its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _ask(get: Callable[[str], list[str]]) -> Ask:
    """An :class:`Ask` from a query or form (``get``: a name's values); an
    :class:`InputError` naming the field that is too long or missing."""
    values: dict[str, str] = {}
    for name, limit in MAX_FIELD.items():
        value = next((v.strip() for v in get(name) if v.strip()), "")
        if len(value) > limit:
            raise InputError(f"the {name} is longer than {limit} characters", field=name)
        values[name] = value
    occupations = [v.strip() for v in get("occupation") if v.strip()]
    if len(occupations) > MAX_OCCUPATIONS:
        raise InputError(f"at most {MAX_OCCUPATIONS} target occupations", field="occupation")
    if any(len(o) > MAX_FIELD["occupation"] for o in occupations):
        raise InputError(f"the occupation is longer than {MAX_FIELD['occupation']} "
                         "characters", field="occupation")
    description = "\n".join(get("description")).strip()
    if len(description) > MAX_DESCRIPTION:
        raise InputError(f"the description is {len(description):,} characters long; "
                         f"paste at most {MAX_DESCRIPTION:,}", field="description")
    return Ask(values["credential"], description, occupations, values["region"])


async def _form(request: Request) -> dict[str, list[str]]:
    """The URL-encoded form of a POST, read up to :data:`MAX_FORM_BYTES`."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != FORM_TYPE:
        raise FormError(415, "this address takes the form on the designer page (sent as "
                        f"{FORM_TYPE}), not {ctype or 'a body without a type'}")
    announced = request.headers.get("content-length", "")
    too_big = FormError(413, f"the description is too long to send (more than "
                        f"{MAX_FORM_BYTES // 1024} KB as sent); paste at most "
                        f"{MAX_DESCRIPTION:,} characters")
    if announced.isdigit() and int(announced) > MAX_FORM_BYTES:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise too_big
    try:
        text = bytes(body).decode("utf-8")
        return parse_qs(text, keep_blank_values=True, max_num_fields=50, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormError(400, "the form could not be read (it was not sent as UTF-8 text "
                        "or has too many fields); send it again from the designer "
                        "page") from exc


# ------------------------------------------------------------------------- pages
@router.get("/designer")
def designer(request: Request) -> HTMLResponse:
    """The form: pick a credential or paste a description."""
    try:
        ask = _ask(request.query_params.getlist)
    except InputError:
        ask = Ask()
    return _form_page(request, ask)


@router.get("/designer/report")
def credential_report(request: Request) -> HTMLResponse:
    """The alignment report of a catalogued credential."""
    ask = Ask()
    try:
        ask = _ask(request.query_params.getlist)
        ask.description = ""
        if not ask.credential:
            raise InputError("pick a credential from the list (or paste a description "
                             "below)", field="credential")
        ask.credential = _resolve(request, ask.credential)
        return _report_page(request, ask)
    except _Choices as choices:
        return _form_page(request, ask, status_code=404, error=str(choices),
                          hint="Pick one of these, or choose from the list.",
                          matches=choices.matches)
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        status, message = failure(exc)
        return _form_page(request, ask, status_code=status, error=message,
                          hint=_hint(exc, status))


@router.post("/designer/report")
async def description_report(request: Request) -> HTMLResponse:
    """The alignment report of a pasted description (POST: it can be long)."""
    try:
        form = await _form(request)
    except FormError as exc:
        return _form_page(request, Ask(via="paste"), status_code=exc.status,
                          error=str(exc),
                          hint="Shorten the description, or paste its main part.")
    return await run_in_threadpool(_description_report, request, form)


def _description_report(request: Request, form: dict[str, list[str]]) -> HTMLResponse:
    ask = Ask(via="paste")
    try:
        ask = _ask(lambda name: form.get(name, []))
        ask.credential, ask.via = "", "paste"
        if not ask.description:
            raise InputError("paste a description of the program or course (what it "
                             "teaches, in a few sentences or more)", field="description")
        return _report_page(request, ask)
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        status, message = failure(exc)
        return _form_page(request, ask, status_code=status, error=message,
                          hint=_hint(exc, status))


def _hint(exc: Exception, status: int) -> str:
    field_name = getattr(exc, "field", None)
    if status == 404 and field_name != "occupation" and "occupation" not in str(exc):
        return "Pick a credential from the list, or paste its description instead."
    if status == 404 or field_name == "occupation":
        return ("Try the occupation's code (such as 31-1131.00), another spelling, or leave "
                "the occupation empty to measure against the occupations it prepares for "
                "best.")
    if status == 503:
        return ("The data this needs is not loaded yet: try again in a minute, or ask the "
                "site's administrator.")
    if status >= 500:
        return "Try again; if it happens again, tell the site's administrator."
    return "Change the field named above and try again."


class _Choices(Exception):  # noqa: N818 - an answer, not a failure
    """A typed credential that names no id exactly: the credentials it may mean."""

    def __init__(self, message: str, matches: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.matches = matches


def _resolve(request: Request, typed: str) -> str:
    """A credential id from what was typed or picked: the id itself, else the one
    credential whose title is exactly that (any case); else :class:`_Choices` with the
    credentials whose titles hold every word typed (or the engine's not-found)."""
    rows = request.app.state.engine.catalog_view.rows
    if any(r["code"] == typed for r in rows):
        return typed
    folded = typed.casefold()
    exact = [r for r in rows if r["title"].casefold() == folded]
    if len(exact) == 1:
        return str(exact[0]["code"])
    words = folded.split()
    matches = exact or [r for r in rows if all(w in r["title"].casefold() for w in words)]
    if matches:
        raise _Choices(f"Several credentials match “{typed}”." if len(matches) > 1 else
                       f"No credential has the id “{typed}”; did you mean this one?",
                       [_choice(r) for r in matches[:10]])
    return typed  # the engine says it is not found, in its words


def _choice(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["code"], "title": row["title"], "provider": row.get("provider") or "",
            "type": row.get("type") or ""}


def _credentials(request: Request) -> list[dict[str, Any]] | None:
    """The catalogue's credentials for the select, by type then title (None: too many
    for a select)."""
    rows = request.app.state.engine.catalog_view.rows
    if len(rows) > SELECT_UP_TO:
        return None
    return sorted((_choice(r) for r in rows),
                  key=lambda c: (c["type"], c["title"].casefold(), c["id"]))


def _form_page(request: Request, ask: Ask, *, status_code: int = 200, error: str = "",
               hint: str = "", matches: list[dict[str, Any]] | None = None) -> HTMLResponse:
    try:
        credentials = _credentials(request)
        catalogued = len(request.app.state.engine.catalog_view.rows)
        occupations = occupation_choices(request)
        regions = region_choices(request)
    except Exception:  # noqa: BLE001 - the form still shows, without its lists
        log.exception("the designer form's lists could not be read")
        credentials, catalogued, occupations, regions = [], 0, [], []
    for m in matches or []:
        m["href"] = "/designer/report?" + Ask(m["id"], "", ask.occupations, ask.region).query()
    return page(request, "designer/index.html", "Program designers",
                status_code=status_code, ask=ask, credentials=credentials,
                catalogued=catalogued, occupations=occupations, regions=regions,
                error=error, hint=hint, matches=matches or [],
                max_description=MAX_DESCRIPTION)


def _report_page(request: Request, ask: Ask) -> HTMLResponse:
    engine = request.app.state.engine
    report = _align(request, ask)
    row = None
    if ask.credential:
        catalog = engine.catalog_view
        at = catalog.position.get(ask.credential)
        row = _facts(catalog.rows[at]) if at is not None else None
    chart = _chart(report)
    occupations = occupation_choices(request)
    titles = {o["code"]: o["title"] for o in occupations if o["title"]}
    titles.update({p["code"]: p["label"] for p in report.get("prepares_for") or []
                   if p.get("label") and p["label"] != p["code"]})
    return page(request, "designer/report.html", "Alignment: " + report["credential"]["title"],
                ask=ask, d=report, facts=row, chart=chart, chart_alt=_chart_alt(report),
                shown=SHOWN, confidence=report.get("prepares_for_confidence") or {},
                basis=report.get("prepares_for_basis") or {},
                targets=[_target(t, titles) for t in report.get("targets") or []],
                query=ask.query() if ask.credential else "",
                occupations=occupations, regions=region_choices(request),
                max_description=MAX_DESCRIPTION)


def _align(request: Request, ask: Ask) -> dict[str, Any]:
    engine = request.app.state.engine
    if ask.credential:
        return dict(engine.align(ask.credential, **ask.options()))
    return dict(engine.align(description=ask.description, **ask.options()))


def _facts(row: dict[str, Any]) -> dict[str, Any]:
    """A catalogued credential's provider, type, cost and hours as they read."""
    def number(value: Any) -> float | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) \
            else float(value)

    return {"provider": row.get("provider") or "", "type": row.get("type") or "",
            "cost": cost_text(number(row.get("cost"))),
            "hours": hours_text(number(row.get("hours"))),
            "delivery": row.get("delivery") or "", "region": row.get("region") or ""}


def _target(target: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """A target occupation as it reads: its title (a code only postings use: the title
    its postings most often carry, from ``titles``; else the engine's note)."""
    occupation = target.get("occupation") or {}
    code, label = occupation.get("code", ""), occupation.get("label") or ""
    if not label or label == code:
        label = titles.get(code, "")
    return {"code": code, "label": label, "note": occupation.get("note") or "",
            "basis": target.get("basis") or ""}


_CHARTS: OrderedDict[str, str] = OrderedDict()  # what a chart shows -> its data URI
_CHARTS_LOCK = threading.Lock()
CHARTS_KEPT = 64


def _chart(report: dict[str, Any]) -> str:
    """The report module's chart of coverage against demand, as an SVG data URI (the
    last :data:`CHARTS_KEPT` kept: matplotlib takes about a tenth of a second to draw
    one, and a report is often viewed, then downloaded)."""
    from ..flows.report import alignment_chart_bytes

    key = json.dumps([report["credential"], report["alignment"],
                      report["covered_in_demand"], report["missing_in_demand"]],
                     sort_keys=True, default=str)
    with _CHARTS_LOCK:
        if key in _CHARTS:
            _CHARTS.move_to_end(key)
            return _CHARTS[key]
    svg = alignment_chart_bytes(report, "svg")
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    with _CHARTS_LOCK:
        _CHARTS[key] = uri
        while len(_CHARTS) > CHARTS_KEPT:
            _CHARTS.popitem(last=False)
    return uri


def _chart_alt(report: dict[str, Any], top: int = 15) -> str:
    """The chart in words (what it shows; the tables beside it give every figure)."""
    covered = len(report.get("covered_in_demand") or [])
    missing = len(report.get("missing_in_demand") or [])
    taught = min(covered, top // 2)
    gaps = min(missing, top - taught)
    if not taught + gaps:
        return "Chart of coverage against demand: no target skills with demand to show."
    return (f"Bar chart of demand for the target occupations' skills: the {taught} most "
            f"demanded skills it teaches and the {gaps} most demanded it misses, longest "
            f"bar most demanded. Alignment {report['alignment']:.2f}. The tables below "
            "list the same skills with their figures.")


# --------------------------------------------------------------------- downloads
@router.get("/designer/report.html")
def download_html(request: Request) -> Response:
    return _download(request, "html", lambda name: request.query_params.getlist(name))


@router.get("/designer/report.csv")
def download_csv(request: Request) -> Response:
    return _download(request, "csv", lambda name: request.query_params.getlist(name))


@router.post("/designer/report.html")
async def download_html_of_text(request: Request) -> Response:
    return await _download_posted(request, "html")


@router.post("/designer/report.csv")
async def download_csv_of_text(request: Request) -> Response:
    return await _download_posted(request, "csv")


async def _download_posted(request: Request, fmt: str) -> Response:
    try:
        form = await _form(request)
    except FormError as exc:
        return _form_page(request, Ask(via="paste"), status_code=exc.status,
                          error=str(exc))
    return await run_in_threadpool(_download, request, fmt, lambda n: form.get(n, []),
                                   True)


def _download(request: Request, fmt: str, get: Callable[[str], list[str]],
              posted: bool = False) -> Response:
    """The report as a file: the report module's HTML page (its chart inside) or CSV."""
    from ..flows.report import alignment_csv, alignment_html

    ask = Ask()
    try:
        ask = _ask(get)
        if posted:
            ask.credential, ask.via = "", "paste"
            if not ask.description:
                raise InputError("paste a description to download its report",
                                 field="description")
        else:
            ask.description = ""
            if not ask.credential:
                raise InputError("name the credential whose report to download",
                                 field="credential")
        report = _align(request, ask)
        stem = "alignment-" + _safe(ask.credential or "description")
        if fmt == "html":
            body = alignment_html(report, _chart(report))
        else:
            body = alignment_csv(report)
        return Response(body, media_type=MEDIA[fmt], headers=_attachment(f"{stem}.{fmt}"))
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        status, message = failure(exc)
        return _form_page(request, ask, status_code=status, error=message,
                          hint=_hint(exc, status))


@router.get("/designer/alignment-ob3.json")
def download_ob3(request: Request) -> Response:
    """A catalogued credential's skills as Open Badges 3.0 alignment entries, with
    provenance (what an issuer pastes into an Achievement's ``alignment``)."""
    ask = Ask()
    try:
        ask = _ask(request.query_params.getlist)
        if not ask.credential:
            raise InputError("name the catalogued credential whose badge alignment to "
                             "download (a pasted description has none)", field="credential")
        data = request.app.state.engine.exports.skills(ask.credential, "ob3")
        return JSONResponse(data, media_type=MEDIA["json"], headers=_attachment(
            f"alignment-{_safe(ask.credential)}-ob3.json"))
    except Exception as exc:  # noqa: BLE001 - every failure is a page in plain words
        status, message = failure(exc)
        return _form_page(request, ask, status_code=status, error=message,
                          hint=_hint(exc, status))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff"}


def _safe(name: str) -> str:
    """A file name from a record id: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or "report"
