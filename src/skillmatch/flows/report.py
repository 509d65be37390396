"""Alignment reports as Markdown, HTML and a chart (coverage against demand)."""

from __future__ import annotations

import html
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


def alignment_html(d: dict[str, Any]) -> str:
    """A self-contained HTML page of the Markdown report (tables and lists)."""
    body: list[str] = []
    in_table = False
    for line in alignment_markdown(d).splitlines():
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if set(line) <= set("|-"):
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
                body.append("<tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>")
                continue
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:])}</li>")
        elif line:
            body.append(f"<p>{html.escape(line.strip('*_'))}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}")
    title = html.escape(d["credential"]["title"])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def alignment_chart(d: dict[str, Any], path: Path, top: int = 15) -> Path:
    """Horizontal bars: demand weight of the top target skills, coloured by coverage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(s["label"], s["demand_weight"], True) for s in d["covered_in_demand"]]
    rows += [(s["label"], s["demand_weight"], False) for s in d["missing_in_demand"]]
    rows = sorted(rows, key=lambda r: -r[1])[:top][::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    ax.barh([r[0][:40] for r in rows], [r[1] for r in rows],
            color=["#2a9d8f" if r[2] else "#e76f51" for r in rows])
    ax.set_xlabel("demand weight for the target occupations")
    ax.set_title(f"{d['credential']['title'][:50]}: alignment {d['alignment']:.2f}\n"
                 "green = taught, orange = missing")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
