"""An alignment report in the format a client asks for: JSON (the default), an HTML
page, CSV (one row per skill), or the coverage-against-demand chart as SVG or PNG.

The ``format`` query parameter decides; without it, the ``Accept`` header (its most
preferred type that is offered; ``text/*`` is HTML, ``image/*`` SVG, anything else or
nothing JSON). Rendering itself is :mod:`skillmatch.flows.report`'s.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi.responses import Response

MEDIA = {"json": "application/json", "html": "text/html", "csv": "text/csv",
         "svg": "image/svg+xml", "png": "image/png"}
Format = Literal["json", "html", "csv", "svg", "png"]
FAMILY = {"text/*": "html", "image/*": "svg", "*/*": "json", "application/*": "json"}
VARY = {"Vary": "Accept"}

# the 200 response of an alignment route, every format described (the JSON schema is
# the route's response model)
_BYTES = {"schema": {"type": "string", "format": "binary"}}
CONTENT: dict[str, Any] = {
    MEDIA["html"]: {"schema": {"type": "string"},
                    "example": "<!doctype html><html>...<h1>Alignment: ...</h1>..."},
    MEDIA["csv"]: {"schema": {"type": "string"}, "example": (
        "section,id,label,taxonomy,demand_weight,share_of_postings,gain\r\n"
        "covered,sm:3d-printing,operate 3D printers,demo,1.0,0.04,\r\n")},
    MEDIA["svg"]: {"schema": {"type": "string"}},
    MEDIA["png"]: _BYTES,
}
DESCRIPTION = ("The alignment report: JSON, or by `format` (or `Accept`) an HTML page, "
               "CSV (one row per skill: section, id, label, taxonomy, demand_weight, "
               "share_of_postings, gain) or the chart of coverage against demand (SVG, PNG).")


def negotiate(fmt: str | None, accept: str | None) -> str:
    """The format to answer in: ``fmt`` when given, else the best offered type of
    ``accept`` (JSON when none is offered)."""
    if fmt:
        return fmt
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept or "").split(",")):
        media, _, params = part.partition(";")
        media = media.strip().lower()
        q = 1.0
        found = re.search(r"(?:^|;)\s*q=([0-9.]+)", params)
        if found:
            try:
                q = float(found.group(1))
            except ValueError:
                q = 0.0
        offered = next((f for f, m in MEDIA.items() if m == media), None) or FAMILY.get(media)
        if offered and q > 0:
            ranked.append((-q, n, offered))
    return min(ranked)[2] if ranked else "json"


def alignment(report: dict[str, Any], fmt: str, *, name: str | None,
              chart_url: str | None = None) -> Response:
    """``report`` rendered as ``fmt`` (not JSON), named ``alignment-<name>`` for a
    download."""
    from ..flows.report import alignment_chart_bytes, alignment_csv, alignment_html

    stem = "alignment" + (f"-{_safe(name)}" if name else "")
    if fmt == "html":
        return Response(alignment_html(report, chart_url), headers=VARY,
                        media_type=MEDIA["html"])
    if fmt == "csv":
        return Response(alignment_csv(report), media_type=MEDIA["csv"], headers={
            **VARY, "Content-Disposition": f'attachment; filename="{stem}.csv"'})
    if fmt in ("svg", "png"):
        return Response(alignment_chart_bytes(report, fmt), media_type=MEDIA[fmt], headers={
            **VARY, "Content-Disposition": f'inline; filename="{stem}.{fmt}"'})
    raise ValueError(f"format {fmt!r}")


def _safe(name: str) -> str:
    """A file name from a record id: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or "report"
