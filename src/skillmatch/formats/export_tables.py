"""Alignment reports and demand tables as JSON, CSV and Parquet, with provenance.

Pure functions over the dicts the engine gives: an alignment report is what
:func:`skillmatch.flows.align.align` returns (``covered_in_demand``,
``missing_in_demand``, ``rarely_demanded``, ``suggested_additions``, ``provenance``);
a demand table is what :func:`skillmatch.flows.demand_flow.demand` returns (``slice``
and ``skills``, each with ``share``, ``score`` and the postings behind it).
How each format carries provenance: :mod:`.provenance`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from .provenance import (
    csv_text,
    csvw_metadata,
    parquet_metadata,
    provenance,
    require_pyarrow,
    write_csv,
)

STATUSES = {"covered_in_demand": "covered", "missing_in_demand": "missing",
            "rarely_demanded": "taught-not-demanded"}
ALIGNMENT_COLUMNS = ("status", "skill_id", "label", "taxonomy", "demand_share",
                     "demand_weight", "suggested", "gain", "covered_by", "evidence",
                     "evidence_source")
ALIGNMENT_TYPES = {"demand_share": "double", "demand_weight": "double",
                   "suggested": "boolean", "gain": "double"}
DEMAND_COLUMNS = ("skill_id", "label", "taxonomy", "occupation", "region", "window_start",
                  "window_end", "share", "score", "postings", "weight", "specificity",
                  "postings_behind")
DEMAND_TYPES = {"share": "double", "score": "double", "postings": "integer",
                "weight": "double", "specificity": "double"}


def _need(d: Mapping[str, Any], key: str, what: str) -> Any:
    if not isinstance(d, Mapping) or key not in d:
        raise InputError(f"not {what}: no {key!r} (expected the dict the engine returns)",
                         field=key)
    return d[key]


# ---------------------------------------------------------------- alignment report
def _evidence(skills: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None
              ) -> dict[str, tuple[str, str]]:
    """Skill code -> (evidence text, linked|declared) from a credential's skills."""
    if skills is None:
        return {}
    items = skills.get("skills") or [] if isinstance(skills, Mapping) else skills
    out: dict[str, tuple[str, str]] = {}
    for s in items:
        if isinstance(s, Mapping) and s.get("id"):
            text = (s.get("evidence") or {}).get("text") or ""
            out.setdefault(str(s["id"]), (str(text), str(s.get("source") or "")))
    return out


def alignment_rows(report: Mapping[str, Any],
                   skills: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None
                   ) -> list[dict[str, Any]]:
    """One row per skill of the report: ``status`` covered, missing or
    taught-not-demanded, its demand share (of postings) and weight for the targets,
    whether it is a suggested addition and the alignment it would gain, the skill of
    another taxonomy that covers it, and (with the credential's ``skills``, as its
    record gives them) the evidence text that teaches it and whether it was linked
    or declared. A suggested addition beyond the missing skills listed is a missing
    row too."""
    evidence = _evidence(skills)
    rows: list[dict[str, Any]] = []
    at: dict[str, dict[str, Any]] = {}
    for key, status in STATUSES.items():
        for s in _need(report, key, "an alignment report") or []:
            via = (s.get("covered_by") or {}).get("id")
            text, source = evidence.get(str(via or s["id"]), ("", ""))
            row = {"status": status, "skill_id": s["id"], "label": s["label"],
                   "taxonomy": s.get("taxonomy", ""),
                   "demand_share": s.get("share_of_postings"),
                   "demand_weight": s.get("demand_weight"), "suggested": False, "gain": None,
                   "covered_by": via or "", "evidence": text, "evidence_source": source}
            rows.append(row)
            at.setdefault(str(s["id"]), row)
    for s in report.get("suggested_additions") or []:
        found = at.get(str(s["id"]))
        if found is None:
            found = {"status": "missing", "skill_id": s["id"], "label": s["label"],
                     "taxonomy": s.get("taxonomy", ""),
                     "demand_share": s.get("share_of_postings"),
                     "demand_weight": s.get("demand_weight"), "covered_by": "", "evidence": "",
                     "evidence_source": ""}
            rows.append(found)
            at[str(s["id"])] = found
        found["suggested"], found["gain"] = True, s.get("gain")
    return rows


def alignment_json(report: Mapping[str, Any], *,
                   skills: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
                   prov: Mapping[str, Any] | None = None, date: str | None = None
                   ) -> dict[str, Any]:
    """The report as one JSON object: the report's own fields, its ``provenance``
    completed (skillmatch version and date added), and ``skills``: the rows of
    :func:`alignment_rows`."""
    out = {k: v for k, v in report.items() if k != "provenance"}
    out["provenance"] = provenance(prov or report.get("provenance"), date=date)
    out["skills"] = alignment_rows(report, skills)
    json.dumps(out)  # fail here, not in the caller's writer, on a value JSON cannot hold
    return out


def alignment_csv(report: Mapping[str, Any], *,
                  skills: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
                  prov: Mapping[str, Any] | None = None, date: str | None = None,
                  name: str = "alignment.csv") -> tuple[str, dict[str, Any]]:
    """The report's rows as CSV text, and its CSVW metadata (provenance, the alignment
    score and the formula in ``dc:description``; ``name``: the CSV's file name)."""
    full = provenance(prov or report.get("provenance"), date=date)
    rows = alignment_rows(report, skills)
    title = str((report.get("credential") or {}).get("title") or "a description")
    meta = csvw_metadata(name, ALIGNMENT_COLUMNS, full, f"Alignment of {title}",
                         ALIGNMENT_TYPES)
    meta["dc:description"] = (f"alignment {report.get('alignment')}: {report.get('formula')}")
    return csv_text(ALIGNMENT_COLUMNS, rows), meta


def write_alignment_csv(report: Mapping[str, Any], path: str | Path, *,
                        skills: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
                        prov: Mapping[str, Any] | None = None, date: str | None = None
                        ) -> tuple[Path, Path]:
    """Write :func:`alignment_csv` to ``path`` and its metadata beside it."""
    text, meta = alignment_csv(report, skills=skills, prov=prov, date=date,
                               name=Path(path).name)
    return write_csv(path, text, meta)


# ---------------------------------------------------------------------- demand table
def _window(value: Any) -> tuple[str, str]:
    if not value:
        return "", ""
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        return str(value[0] or ""), str(value[1] or "")
    raise InputError(f"window {value!r} (expected [start, end] dates or null)", field="window")


def demand_rows(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per skill of a demand table: the skill, the slice it was counted in
    (occupation, region, window start and end; empty: all) and its figures (share of
    the slice's weighted postings, score = share x specificity, postings, weight,
    specificity) with the postings behind it."""
    slice_ = _need(table, "slice", "a demand table") or {}
    start, end = _window(slice_.get("window"))
    rows = []
    for s in _need(table, "skills", "a demand table") or []:
        skill = s.get("skill") or {}
        rows.append({
            "skill_id": skill.get("id", ""), "label": skill.get("label", ""),
            "taxonomy": skill.get("taxonomy", ""),
            "occupation": slice_.get("occupation") or "", "region": slice_.get("region") or "",
            "window_start": start, "window_end": end,
            **{k: s.get(k) for k in ("share", "score", "postings", "weight", "specificity")},
            "postings_behind": list(s.get("postings_behind") or []),
        })
    return rows


def _demand_note(table: Mapping[str, Any]) -> str:
    return (f"{table.get('records')} records (weight {table.get('weight')}), half-life "
            f"{table.get('half_life_days')} days, reference date {table.get('reference_date')}")


def demand_csv(table: Mapping[str, Any], prov: Mapping[str, Any], *,
               date: str | None = None, name: str = "demand.csv"
               ) -> tuple[str, dict[str, Any]]:
    """The demand table as CSV text (``postings_behind`` joined with ``|``) and its
    CSVW metadata. The table carries no provenance, so ``prov`` is required: the
    model and taxonomies (``LinkingService.provenance()``)."""
    full = provenance(prov, date=date)
    meta = csvw_metadata(name, DEMAND_COLUMNS, full, "Skill demand", DEMAND_TYPES)
    meta["dc:description"] = _demand_note(table)
    return csv_text(DEMAND_COLUMNS, demand_rows(table)), meta


def write_demand_csv(table: Mapping[str, Any], path: str | Path, prov: Mapping[str, Any], *,
                     date: str | None = None) -> tuple[Path, Path]:
    """Write :func:`demand_csv` to ``path`` and its metadata beside it."""
    text, meta = demand_csv(table, prov, date=date, name=Path(path).name)
    return write_csv(path, text, meta)


def write_demand_parquet(table: Mapping[str, Any], path: str | Path, prov: Mapping[str, Any],
                         *, date: str | None = None) -> Path:
    """Write the demand table as Parquet (needs pyarrow: ``skillmatch[parquet]``):
    the columns of :func:`demand_rows` (``postings_behind`` a list of strings), the
    provenance as JSON in the file metadata under ``skillmatch.provenance`` and the
    table's totals under ``skillmatch.table``."""
    pa, pq = require_pyarrow()
    rows = demand_rows(table)
    text, floats = pa.string(), pa.float64()
    schema = pa.schema([
        *[(c, text) for c in DEMAND_COLUMNS[:7]],
        ("share", floats), ("score", floats), ("postings", pa.int64()), ("weight", floats),
        ("specificity", floats), ("postings_behind", pa.list_(text)),
    ])
    columns = {c: [r[c] for r in rows] for c in DEMAND_COLUMNS}
    arrow = pa.Table.from_pydict(columns, schema=schema)
    totals = {k: table.get(k) for k in ("records", "weight", "half_life_days",
                                        "reference_date")}
    metadata = {**parquet_metadata(provenance(prov, date=date)),
                b"skillmatch.table": json.dumps(totals, sort_keys=True).encode()}
    arrow = arrow.replace_schema_metadata(metadata)
    path = Path(path)
    pq.write_table(arrow, path)
    return path
