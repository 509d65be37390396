"""Alignment reports as Markdown, HTML, CSV and a chart (coverage against demand, SVG or
PNG). The HTTP API (``/v1/alignments``) and the command line (``skillmatch align``)
render with these."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any


def alignment_markdown(d: dict[str, Any]) -> str:
    lines = [f"# Alignment: {d['credential']['title']}", "",
             f"**Alignment score: {d['alignment']:.2f}** ({d['formula']})", "",
             "## Targets", ""]
    lines += [f"- {t['occupation']['label']} ({t['occupation']['code']}): {t['basis']}"
              for t in d["targets"]]
    sections = [("Covered in-demand skills", "covered_in_demand"),
                ("Missing in-demand skills, by demand", "missing_in_demand"),
                ("Taught but rarely demanded", "rarely_demanded")]
    for title, key in sections:
        lines += ["", f"## {title}", ""]
        rows = d[key]
        if not rows:
            lines.append("(none)")
            continue
        lines += ["| skill | demand weight | share of postings |", "|---|---|---|"]
        lines += [f"| {_skill_cell(s)} | {s['demand_weight']:.2f} | "
                  f"{s['share_of_postings']:.3f} |" for s in rows[:15]]
    lines += ["", "## Prepares for", ""]
    basis = d.get("prepares_for_basis") or {}
    if basis.get("learned"):
        missing = "; ".join(f"{k}: {v}" for k, v in basis["signals_missing"].items())
        lines += [f"Ranked by the learned matching model ({basis['weights']}, fitted with "
                  f"{basis['fitted_model']}); signals used: {', '.join(basis['signals_used'])}"
                  + (f"; not used: {missing}" if missing else "") + ".", ""]
    elif basis:
        lines += [f"Ranked by {basis['formula']} ({basis['reason']}).", ""]
    flag = d.get("prepares_for_confidence") or {}
    if flag.get("low_confidence"):
        lines += [f"**Low confidence:** {flag['reason']}.", ""]
    lines += ["| occupation | score | signals |", "|---|---|---|"]
    lines += [f"| {p['label'] or p['code']} ({p['code']}) | {p['score']:.2f} | "
              + ", ".join(f"{k} {v:.2f}" for k, v in p.get("signals", {}).items()) + " |"
              for p in d["prepares_for"]]
    lines += ["", "## Most similar credentials", ""]
    lines += [f"- {c['title']} ({c['id']}): {c['similarity']:.2f}"
              for c in d["similar_credentials"]] or ["(none)"]
    lines += ["", "## Suggested additions", ""]
    lines += [f"- {a['label']}: +{a['gain']:.3f} alignment" for a in d["suggested_additions"]]
    prov = d.get("provenance", {})
    lines += ["", f"_Model {prov.get('model')}; taxonomies "
              + ", ".join(f"{k} {v}" for k, v in prov.get("taxonomies", {}).items()) + "._"]
    return "\n".join(lines) + "\n"


def _skill_cell(s: dict[str, Any]) -> str:
    """A skill's label, with the same skill in other taxonomies (soft coverage)."""
    notes = []
    if s.get("covered_by"):
        notes.append(f"taught as {s['covered_by']['label']} [{s['covered_by']['taxonomy']}]")
    if s.get("same_as"):
        notes.append("same as " + ", ".join(f"{o['label']} [{o['taxonomy']}]"
                                            for o in s["same_as"]))
    return s["label"] + (f" ({'; '.join(notes)})" if notes else "")


HTML_TEMPLATE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Alignment: {{ d.credential.title }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.score{font-size:1.3em}.note{color:#666;font-size:.9em}img{max-width:100%}
</style></head><body>
<h1>Alignment: {{ d.credential.title }}</h1>
<p class="score"><strong>Alignment score {{ "%.2f" | format(d.alignment) }}</strong></p>
<p class="note">{{ d.formula }}</p>
{% if chart_url %}<p><img src="{{ chart_url }}" alt="Coverage against demand"></p>{% endif %}
<h2>Targets</h2>
<ul>{% for t in d.targets %}
<li>{{ t.occupation.label }} ({{ t.occupation.code }}): {{ t.basis }}</li>{% else %}
<li>(none)</li>{% endfor %}</ul>
{% for title, rows in sections %}
<h2>{{ title }}</h2>
{% if rows %}<table><tr><th>skill</th><th>taxonomy</th><th>demand weight</th>
<th>share of postings</th></tr>{% for s in rows %}
<tr><td>{{ cell(s) }}</td><td>{{ s.taxonomy }}</td>
<td class="n">{{ "%.2f" | format(s.demand_weight) }}</td>
<td class="n">{{ "%.3f" | format(s.share_of_postings) }}</td></tr>{% endfor %}</table>
{% else %}<p>(none)</p>{% endif %}{% endfor %}
<h2>Suggested additions</h2>
{% if d.suggested_additions %}
<table><tr><th>skill</th><th>taxonomy</th><th>alignment gained</th></tr>
{% for a in d.suggested_additions %}<tr><td>{{ a.label }}</td><td>{{ a.taxonomy }}</td>
<td class="n">+{{ "%.3f" | format(a.gain) }}</td></tr>{% endfor %}</table>
{% else %}<p>(none)</p>{% endif %}
<h2>Prepares for</h2>
{% if confidence.get("low_confidence") %}
<p><strong>Low confidence:</strong> {{ confidence.reason }}</p>{% endif %}
{% if d.prepares_for %}<table><tr><th>occupation</th><th>code</th><th>score</th></tr>
{% for p in d.prepares_for %}<tr><td>{{ p.label or p.code }}</td><td>{{ p.code }}</td>
<td class="n">{{ "%.2f" | format(p.score) }}</td></tr>{% endfor %}</table>
{% else %}<p>(none)</p>{% endif %}
<h2>Most similar credentials</h2>
<ul>{% for c in d.similar_credentials %}
<li>{{ c.title }} ({{ c.id }}): {{ "%.2f" | format(c.similarity) }}</li>{% else %}
<li>(none)</li>{% endfor %}</ul>
<p class="note">Model {{ provenance.model }}; taxonomies
{% for name, version in provenance.taxonomies.items() %}{{ name }} {{ version }}
{{- ", " if not loop.last }}{% endfor %}.</p>
</body></html>
"""


def alignment_html(d: dict[str, Any], chart_url: str | None = None) -> str:
    """A self-contained HTML page of the report (``chart_url``: where its chart is, shown
    as an image). Everything from records is escaped by Jinja2's autoescape."""
    return _template().render(
        d=d, chart_url=chart_url, cell=_skill_cell,
        sections=[(title, d[key][:SHOWN]) for title, key in SECTIONS],
        confidence=d.get("prepares_for_confidence") or {},
        provenance={"model": "unknown", "taxonomies": {}, **(d.get("provenance") or {})})


@functools.cache
def _template() -> Any:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    return env.from_string(HTML_TEMPLATE)


SECTIONS = [("Covered in-demand skills", "covered_in_demand"),
            ("Missing in-demand skills, by demand", "missing_in_demand"),
            ("Taught but rarely demanded", "rarely_demanded")]
SHOWN = 50  # rows of a section in the HTML page (the CSV has them all)
CSV_SECTIONS = (("covered", "covered_in_demand"), ("missing", "missing_in_demand"),
                ("rarely demanded", "rarely_demanded"), ("suggested", "suggested_additions"))
CSV_COLUMNS = ("section", "id", "label", "taxonomy", "demand_weight", "share_of_postings",
               "gain")


def alignment_csv(d: dict[str, Any]) -> str:
    """One row per skill of the report: its section (covered, missing, rarely demanded,
    suggested), id, label, taxonomy, demand weight, share of postings and (suggested)
    the alignment it would gain. A text cell that a spreadsheet would read as a formula
    is quoted with a leading apostrophe."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section, key in CSV_SECTIONS:
        for s in d.get(key) or []:
            writer.writerow([section, _cell(s["id"]), _cell(s["label"]), _cell(s["taxonomy"]),
                             s["demand_weight"], s["share_of_postings"], s.get("gain", "")])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def alignment_chart_bytes(d: dict[str, Any], fmt: str = "svg", top: int = 15) -> bytes:
    """The chart as ``svg`` or ``png`` bytes (or another format matplotlib writes):
    horizontal bars, the demand weight of the heaviest target skills it teaches (up to
    half the bars) and misses, coloured by coverage. Drawn on its own figure with the Agg
    canvas (no pyplot state, so threads may draw at once); labels are plain text
    (``$`` in a label is no formula)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    covered = [(s["label"], s["demand_weight"], True) for s in d["covered_in_demand"]]
    missing = [(s["label"], s["demand_weight"], False) for s in d["missing_in_demand"]]
    shown = min(len(covered), top // 2)  # what it teaches shows even when demand is elsewhere
    rows = covered[:shown] + missing[: top - shown]
    rows = sorted(rows, key=lambda r: -r[1])[::-1]
    fig = Figure(figsize=(8, 0.35 * len(rows) + 1.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    colours = {True: "#2a9d8f", False: "#e76f51"}
    ax.barh(range(len(rows)), [r[1] for r in rows], color=[colours[r[2]] for r in rows])
    ax.set_yticks(range(len(rows)), [_short(r[0], 40) for r in rows], parse_math=False)
    ax.set_xlabel("demand weight for the target occupations")
    ax.set_title(f"{_short(d['credential']['title'], 50)}: alignment {d['alignment']:.2f}",
                 parse_math=False)
    ax.legend(handles=[Patch(color=colours[True], label="taught"),
                       Patch(color=colours[False], label="missing")], loc="lower right")
    if not rows:
        ax.text(0.5, 0.5, "no target skills with demand", ha="center", va="center",
                transform=ax.transAxes)
    fig.tight_layout()
    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "png": {"Software": None}}.get(fmt)  # reproducible
    fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def alignment_chart(d: dict[str, Any], path: Path, top: int = 15) -> Path:
    """The chart written to ``path``, in the format its suffix names (else PNG)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "png"
    path.write_bytes(alignment_chart_bytes(d, fmt, top))
    return path
