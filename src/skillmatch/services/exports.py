"""Exports in the field's standards (:mod:`skillmatch.formats.export`), over the engine.

- a credential's linked skills as Open Badges 3.0 ``alignment`` entries or CTDL
  competency alignments (``ceterms:CredentialAlignmentObject``), with provenance;
- an alignment report as JSON or CSV (with its CSVW metadata beside it);
- the demand table as CSV or Parquet;
- an RSD skill library's crosswalk to ESCO and O*NET as CSV.

Every export carries provenance: the skillmatch version, the model, the taxonomies and
their versions, and the date. The service composes the engine's reads (a record, an
alignment, a demand table) given as callables; files are written whole
(:func:`~skillmatch.formats.provenance.replace_atomically`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..formats import export
from ..formats.provenance import provenance as full_provenance
from ..formats.provenance import replace_atomically, write_csv
from .context import Context

STANDARDS = ("ob3", "ctdl")
ALIGNMENT_FORMATS = ("json", "csv")
DEMAND_FORMATS = ("csv", "parquet")


class Exports:
    def __init__(self, ctx: Context, record: Callable[[str, str], dict[str, Any]],
                 align: Callable[..., dict[str, Any]], demand: Callable[..., dict[str, Any]],
                 provenance: Callable[[Sequence[str]], dict[str, Any]]) -> None:
        self._ctx = ctx
        self._record = record
        self._align = align
        self._demand = demand
        self._provenance = provenance

    # ------------------------------------------------------------ a credential's skills
    def skills(self, credential_id: str, standard: str = "ob3", *, min_score: float = 0.0,
               taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """The credential's linked and declared skills as ``standard`` (``ob3``: OB 3.0
        ``Alignment`` entries to paste into an Achievement; ``ctdl``: the CTDL property
        that states them for its type, ``ceterms:teaches`` or ``ceterms:requires``)."""
        if standard not in STANDARDS:
            raise InputError(f"unknown standard {standard!r} (choose one of "
                             f"{', '.join(STANDARDS)})", field="standard")
        record = self._record("credential", credential_id)
        if taxonomies:
            record = {**record, "skills": [s for s in record["skills"]
                                           if s.get("taxonomy") in set(taxonomies)]}
        prov = full_provenance(self._provenance(taxonomies))
        descriptions = self._descriptions(record)
        out: dict[str, Any] = {"credential": {"id": record["code"], "title": record["title"],
                                              "type": record.get("type", "")},
                               "standard": standard, "provenance": prov}
        if standard == "ob3":
            out["alignment"] = export.ob3_alignments(record, prov, descriptions=descriptions,
                                                     min_score=min_score)
        else:
            entries = export.ctdl_alignments(record, prov, descriptions=descriptions,
                                             min_score=min_score)
            out.update(export.ctdl_competencies(record.get("type", ""), entries))
        return out

    def _descriptions(self, record: dict[str, Any]) -> dict[str, str]:
        """Skill code -> its description in the taxonomy (for ``targetDescription``)."""
        mentions = self._ctx.records.evidence("credential", record["id"])
        rows = self._ctx.taxonomies.skills_by_id(m["skill_id"] for m in mentions)
        return {row.code: row.description for row in rows.values() if row.description}

    # ---------------------------------------------------------------- an alignment
    def alignment(self, credential_id: str, fmt: str = "json", output: Path | None = None,
                  **options: Any) -> dict[str, Any]:
        """The alignment report of a catalogued credential as ``json`` or ``csv``
        (``options``: those of ``SkillMatch.align``); written to ``output`` when given
        (a CSV with its ``.csv-metadata.json`` beside it), else returned."""
        if fmt not in ALIGNMENT_FORMATS:
            raise InputError(f"unknown format {fmt!r} (choose one of "
                             f"{', '.join(ALIGNMENT_FORMATS)})", field="format")
        report = self._align(credential_id, **options)
        record = self._record("credential", credential_id)
        if fmt == "json":
            data = export.alignment_json(report, skills=record)
            if output is not None:
                replace_atomically(output, lambda p: p.write_text(json.dumps(data, indent=1)))
                return {"written": str(output), "format": fmt,
                        "provenance": data["provenance"]}
            return data
        name = Path(output).name if output is not None else "alignment.csv"
        text, meta = export.alignment_csv(report, skills=record, name=name)
        if output is not None:
            path, sidecar = write_csv(output, text, meta)
            return {"written": str(path), "metadata": str(sidecar), "format": fmt,
                    "rows": max(text.count("\n") - 1, 0)}
        return {"csv": text, "metadata": meta}

    # --------------------------------------------------------------- the demand table
    def demand(self, output: Path, fmt: str = "csv", **options: Any) -> dict[str, Any]:
        """The demand table of a slice (``options``: those of ``SkillMatch.demand``)
        written to ``output`` as CSV (with its CSVW metadata beside it) or Parquet
        (provenance in the file's metadata)."""
        if fmt not in DEMAND_FORMATS:
            raise InputError(f"unknown format {fmt!r} (choose one of "
                             f"{', '.join(DEMAND_FORMATS)})", field="format")
        table = self._demand(**options)
        prov = self._provenance(options.get("taxonomies") or ())
        path = Path(output)
        if fmt == "parquet":
            replace_atomically(path, lambda p: export.write_demand_parquet(table, p, prov))
            return {"written": str(path), "format": fmt, "rows": len(table["skills"])}
        text, meta = export.demand_csv(table, prov, name=path.name)
        path, sidecar = write_csv(path, text, meta)
        return {"written": str(path), "metadata": str(sidecar), "format": fmt,
                "rows": len(table["skills"])}

    # ------------------------------------------------------------- an RSD crosswalk
    def rsd_crosswalk(self, rsd: Path, output: Path, *, k: int = 3,
                      targets: Sequence[str] = ("esco", "onet")) -> dict[str, Any]:
        """Each skill of the RSD file ``rsd``'s nearest skills in the loaded ``targets``
        taxonomies, declared and exact matches first, written to ``output`` as CSV for
        review (status ``proposed``), with provenance beside it."""
        from ..taxonomy.rsd import read_rsd
        from ..taxonomy.rsd_crosswalk import crosswalk, write_crosswalk_csv

        bundle = read_rsd(rsd)
        loaded = {t.name for t in self._ctx.taxonomies.all()}
        names = [t for t in targets if t in loaded]
        if not names:
            raise InputError(f"none of {', '.join(targets)} is loaded (import ESCO or O*NET "
                             "first: skillmatch taxonomy import)", field="targets")
        rows = crosswalk(bundle.skills, self._ctx.taxonomies.skills(names),
                         self._ctx.embedder.embed, k=k)
        prov = full_provenance(self._provenance(names))
        prov["rsd"] = {"name": bundle.name, "version": bundle.version, "source": str(rsd)}
        path = write_crosswalk_csv(rows, output, prov)
        return {"written": str(path), "rsd_skills": len(bundle.skills), "rows": len(rows),
                "targets": names}
