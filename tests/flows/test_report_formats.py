"""The alignment report's formats (flows/report.py): an HTML page escaping everything
that comes from records, CSV with one row per skill (no cell a spreadsheet would run as
a formula), the chart as SVG and PNG drawn in memory (a ``$`` in a label is no formula)."""

from __future__ import annotations

import csv
import io
from typing import Any

from skillmatch.flows.report import alignment_chart_bytes, alignment_csv, alignment_html

EVIL = "<script>alert(1)</script>"


def skill(code: str, label: str, weight: float = 0.5, **extra: Any) -> dict[str, Any]:
    return {"id": code, "label": label, "taxonomy": "demo", "demand_weight": weight,
            "share_of_postings": 0.1, **extra}


def report() -> dict[str, Any]:
    return {
        "credential": {"id": "c1", "title": f"{EVIL} costs $5 to $10"},
        "targets": [{"occupation": {"code": "31-1131.00", "label": "<b>Aides</b>"},
                     "basis": "7 postings & needs"}],
        "alignment": 0.4321, "formula": "sum(w) / sum(w)",
        "covered_in_demand": [skill("s:1", "=HYPERLINK(\"http://x\")", 0.9),
                              skill("s:2", "pay $x^2$ & more", 0.4)],
        "missing_in_demand": [skill("s:3", '<img src=x onerror="alert(1)">', 0.7)],
        "rarely_demanded": [skill("s:4", "-1+1", 0.0)],
        "prepares_for": [{"code": "31-1131.00", "label": "Aides", "score": 0.31}],
        "prepares_for_basis": {},
        "prepares_for_confidence": {"low_confidence": True, "reason": f"weak {EVIL}"},
        "similar_credentials": [{"id": "c2", "title": EVIL, "similarity": 0.5}],
        "suggested_additions": [skill("s:3", '<img src=x onerror="alert(1)">', 0.7,
                                      gain=0.2)],
        "provenance": {"model": "fake", "taxonomies": {"demo": "1.0"}},
    }


def test_html_escapes_every_field_from_records() -> None:
    page = alignment_html(report(), chart_url='/v1/alignments/c1?format=svg&x="y"')
    assert page.startswith("<!doctype html>") and "</html>" in page
    for raw in (EVIL, "<b>Aides</b>", '<img src=x onerror="alert(1)">', 'x="y"'):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Alignment score 0.43" in page and "7 postings &amp; needs" in page
    assert "Low confidence" in page and "+0.200" in page
    # five tables, each a header row: covered 2 rows, missing, rare, suggested, prepares 1
    assert page.count("<tr>") == 5 + 2 + 1 + 1 + 1 + 1


def test_csv_has_one_row_per_skill_and_no_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(alignment_csv(report()))))
    assert [(r["section"], r["id"]) for r in rows] == [
        ("covered", "s:1"), ("covered", "s:2"), ("missing", "s:3"),
        ("rarely demanded", "s:4"), ("suggested", "s:3")]
    assert rows[0]["label"] == "'=HYPERLINK(\"http://x\")"  # quoted: no formula runs
    assert rows[3]["label"] == "'-1+1" and rows[1]["label"] == "pay $x^2$ & more"
    assert rows[0]["demand_weight"] == "0.9" and rows[4]["gain"] == "0.2"
    assert rows[0]["gain"] == ""


def test_chart_as_svg_and_png_in_memory() -> None:
    svg = alignment_chart_bytes(report(), "svg")
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<script" not in svg  # text drawn as glyphs
    png = alignment_chart_bytes(report(), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    empty = {**report(), "covered_in_demand": [], "missing_in_demand": []}
    assert alignment_chart_bytes(empty, "png").startswith(b"\x89PNG")
