"""``skillmatch export``: a credential's skills as Open Badges 3.0 and CTDL alignments
(read back as the same declared skills), alignment reports and demand tables with
provenance, an RSD crosswalk (fake embedder, the tiny taxonomy)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from skillmatch.errors import InputError

RSD = Path(__file__).resolve().parents[1] / "data" / "formats" / "rsd" / "k12_cte_collection.json"


@pytest.fixture
def catalogued(app, tmp_path):
    from tests.flow_data import import_catalogue

    return import_catalogue(app, tmp_path)


def _first_with_skills(app) -> str:
    for row in app.list_records("credential", limit=None)["records"]:
        if app.record("credential", row["code"])["skills"]:
            return row["code"]
    raise AssertionError("no credential with skills")


def test_ob3_alignments_read_back_as_the_same_declared_skills(catalogued, tmp_path) -> None:
    app = catalogued
    code = _first_with_skills(app)
    exported = app.exports.skills(code, "ob3")
    assert exported["provenance"]["model"] and exported["provenance"]["date"]
    assert exported["provenance"]["taxonomies"]
    codes = {a["targetCode"] for a in exported["alignment"]}
    assert codes == {s["id"] for s in app.record("credential", code)["skills"]}
    # an Achievement carrying them, imported as a new badge: the same skills, declared
    badge = {"@context": ["https://www.w3.org/ns/credentials/v2",
                          "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
             "id": "urn:uuid:3f0c6f0e-7f65-4a8e-9d1e-roundtrip", "type": ["Achievement"],
             "name": "Round trip badge", "description": "Skills only through alignments.",
             "criteria": {"narrative": "Earned by exporting and importing."},
             "alignment": exported["alignment"]}
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(badge))
    out = app.import_files([path])
    assert out["totals"]["created"] == 1, out
    back = app.record("credential", badge["id"])
    declared = {s["id"] for s in back["skills"] if s["source"] == "declared"}
    assert declared == codes


def test_ctdl_alignments_and_the_property_by_type(catalogued) -> None:
    app = catalogued
    code = _first_with_skills(app)
    out = app.exports.skills(code, "ctdl")
    entries = next(v for k, v in out.items() if k.startswith("ceterms:"))
    flat = json.dumps(entries)
    assert "ceterms:CredentialAlignmentObject" in flat
    with pytest.raises(InputError, match="ob3, ctdl"):
        app.exports.skills(code, "badge")


def test_alignment_and_demand_files_carry_provenance(catalogued, tmp_path) -> None:
    app = catalogued
    code = _first_with_skills(app)
    written = app.exports.alignment(code, "csv", tmp_path / "al.csv")
    rows = list(csv.DictReader((tmp_path / "al.csv").open()))
    assert rows and {r["status"] for r in rows} <= {"covered", "missing",
                                                     "taught-not-demanded"}
    meta = json.loads(Path(written["metadata"]).read_text())
    assert "fake" in json.dumps(meta)  # the model named in the provenance
    as_json = app.exports.alignment(code, "json")
    assert as_json["provenance"]["skillmatch_version"] and as_json["skills"]
    demand = app.exports.demand(tmp_path / "demand.csv", "csv", top=5)
    assert demand["rows"] == len(list(csv.DictReader((tmp_path / "demand.csv").open())))
    pq = pytest.importorskip("pyarrow.parquet")
    app.exports.demand(tmp_path / "demand.parquet", "parquet", top=5)
    table = pq.read_table(tmp_path / "demand.parquet")
    assert table.num_rows == demand["rows"]
    assert b"skillmatch.provenance" in table.schema.metadata
    assert not list(tmp_path.glob(".*.tmp"))  # written under a temporary name, renamed


def test_an_rsd_library_crosswalks_to_a_loaded_taxonomy(app, tmp_path) -> None:
    out = app.exports.rsd_crosswalk(RSD, tmp_path / "x.csv", k=2, targets=("tiny",))
    rows = list(csv.DictReader((tmp_path / "x.csv").open()))
    assert len(rows) == out["rows"] > 0
    assert {r["status"] for r in rows} == {"proposed"}
    assert {r["target_taxonomy"] for r in rows} == {"tiny"}
    with pytest.raises(InputError, match="none of esco"):
        app.exports.rsd_crosswalk(RSD, tmp_path / "y.csv", targets=("esco",))
