"""Exports in the field's standards: OB 3.0 alignments, CTDL competency alignments, the
alignment report (JSON, CSV) and the demand table (CSV, Parquet), each with provenance."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from skillmatch.errors import ConfigurationError, InputError
from skillmatch.formats import export as X
from skillmatch.formats.export_tables import DEMAND_COLUMNS
from skillmatch.formats.provenance import (
    PARQUET_KEY,
    provenance,
    read_csv_provenance,
    read_parquet_provenance,
    sidecar_path,
)

ESCO = "http://data.europa.eu/esco/skill/"
FIRST_AID = ESCO + "1d21f6ad-340f-45da-a0a3-4e83867f47a6"
PRINTING = ESCO + "2afb2b59-c9a3-4cf3-b1dd-1a2fad51e583"
DATE = "2026-05-01T09:30:00Z"
PROV = {"model": "skillmatch-minilm-v3", "taxonomies": {"esco": "1.1.1", "onet": "29.2",
                                                        "district": "2025-01-27"}}


def _skill(code: str, label: str, taxonomy: str, score: float = 0.8,
           source: str = "linked", text: str = "") -> dict[str, Any]:
    return {"id": code, "label": label, "taxonomy": taxonomy, "score": score,
            "source": source, "role": "",
            "evidence": {"start": 0, "end": len(text), "text": text}}


def credential() -> dict[str, Any]:
    """A credential as ``SkillMatch.record`` and ``GET /v1/credentials/{id}`` give it."""
    return {
        "id": "cred:maker", "title": "Maker Educator Badge", "type": "badge",
        "provider": "Lakeview ISD", "description": "Run a safe school maker space.",
        "skills": [
            _skill(FIRST_AID, "provide first aid", "esco", 0.91, text="administer CPR"),
            _skill(PRINTING, "3D printing process", "esco", 1.0, "declared"),
            _skill("tech:Autodesk AutoCAD", "Autodesk AutoCAD", "onet", 0.62,
                   text="design parts in AutoCAD"),
            _skill(FIRST_AID, "provide first aid", "esco", 0.55, text="first aid"),  # again
            _skill("k:laser", "operate a laser cutter", "district", 0.7, text="laser cutter"),
            _skill("tech:Microsoft Excel", "Microsoft Excel", "onet", 0.31, text="Excel"),
        ],
    }


def _row(code: str, label: str, taxonomy: str, weight: float, share: float,
         **extra: Any) -> dict[str, Any]:
    return {"id": code, "label": label, "taxonomy": taxonomy, "demand_weight": weight,
            "share_of_postings": share, **extra}


def report() -> dict[str, Any]:
    """An alignment report in the shape flows.align.align returns."""
    return {
        "credential": {"id": "cred:maker", "title": "Maker Educator Badge"},
        "targets": [{"occupation": {"code": "25-2032.00", "label": "CTE Teachers"},
                     "basis": "12 postings"}],
        "alignment": 0.5123, "formula": "sum(w(s) * taught(s)) / sum(w(s))",
        "covered_in_demand": [
            _row(FIRST_AID, "provide first aid", "esco", 0.8, 0.21),
            _row(ESCO + "cpr", "perform CPR", "esco", 0.5, 0.12,
                 covered_by={"id": "tech:Autodesk AutoCAD", "label": "Autodesk AutoCAD",
                             "taxonomy": "onet"}),
        ],
        "missing_in_demand": [_row(ESCO + "weld", "=weld metal parts", "esco", 0.6, 0.3)],
        "rarely_demanded": [_row(PRINTING, "3D printing process", "esco", 0.0, 0.002)],
        "prepares_for": [], "prepares_for_basis": {}, "prepares_for_confidence": {},
        "similar_credentials": [],
        "suggested_additions": [
            _row(ESCO + "weld", "=weld metal parts", "esco", 0.6, 0.3, gain=0.25),
            _row(ESCO + "solder", "solder electronics", "esco", 0.2, 0.05, gain=0.08)],
        "provenance": {"model": "skillmatch-minilm-v3",
                       "taxonomies": {"esco": "1.1.1", "onet": "29.2"}},
    }


def demand_table() -> dict[str, Any]:
    """A demand table in the shape flows.demand_flow.demand returns."""
    return {
        "slice": {"region": "TX-Houston", "occupation": "25-2032.00",
                  "window": ["2025-09-01", "2026-04-30"]},
        "records": 12, "weight": 9.25, "half_life_days": 180.0,
        "reference_date": "2026-04-30",
        "skills": [
            {"skill": {"id": FIRST_AID, "label": "provide first aid", "taxonomy": "esco"},
             "postings": 7, "weight": 5.1, "share": 0.5514, "specificity": 1.2,
             "score": 0.6617, "postings_behind": ["p1", "p7", "p9"]},
            {"skill": {"id": "tech:Microsoft Excel", "label": "Microsoft Excel",
                       "taxonomy": "onet"},
             "postings": 3, "weight": 2.0, "share": 0.2162, "specificity": 0.4,
             "score": 0.0865, "postings_behind": []},
        ],
    }


# ---------------------------------------------------------------------- provenance
def test_provenance_has_version_model_taxonomies_and_date() -> None:
    prov = provenance(PROV, date=DATE)
    assert prov == {"skillmatch_version": prov["skillmatch_version"],
                    "model": "skillmatch-minilm-v3", "taxonomies": PROV["taxonomies"],
                    "date": DATE}
    assert prov["skillmatch_version"] not in ("", None)
    assert provenance({})["date"].endswith("Z")  # now, UTC


def test_provenance_with_bad_taxonomies() -> None:
    with pytest.raises(InputError, match="map each taxonomy name"):
        provenance({"taxonomies": ["esco"]})


# ---------------------------------------------------------------------- OB 3.0
def _ob3() -> list[dict[str, Any]]:
    return X.ob3_alignments(credential(), provenance(PROV, date=DATE))


def test_ob3_one_alignment_per_skill_code() -> None:
    codes = [a["targetCode"] for a in _ob3()]
    assert codes == [FIRST_AID, PRINTING, "tech:Autodesk AutoCAD", "k:laser",
                     "tech:Microsoft Excel"]


def test_ob3_esco_entry() -> None:
    assert _ob3()[0] == {
        "type": ["Alignment"], "targetType": "ceasn:Competency",
        "targetFramework": "ESCO v1.1.1", "targetCode": FIRST_AID,
        "targetName": "provide first aid", "targetUrl": FIRST_AID}


def test_ob3_onet_entry_url_is_an_onet_online_search() -> None:
    entry = _ob3()[2]
    assert entry["targetFramework"] == "O*NET 29.2"
    assert entry["targetCode"] == "tech:Autodesk AutoCAD"
    assert entry["targetUrl"] == "https://www.onetonline.org/find/quick?s=Autodesk%20AutoCAD"
    custom = X.ob3_alignments([credential()["skills"][2]],
                              onet_url=lambda name: f"https://example.org/tech/{name}")
    assert custom[0]["targetUrl"] == "https://example.org/tech/Autodesk AutoCAD"


def test_ob3_custom_skill_without_a_url_gets_a_urn() -> None:
    entry = _ob3()[3]
    assert entry["targetFramework"] == "district 2025-01-27"
    assert entry["targetUrl"] == "urn:skillmatch:district:k%3Alaser"


def test_ob3_description_from_the_mapping_or_the_skill() -> None:
    entries = X.ob3_alignments(credential(), descriptions={FIRST_AID: "Give first aid."})
    assert entries[0]["targetDescription"] == "Give first aid."
    assert "targetDescription" not in entries[1]
    with_own = X.ob3_alignments([{**credential()["skills"][1], "description": "Printing."}])
    assert with_own[0]["targetDescription"] == "Printing."


def test_ob3_unknown_versions_give_the_bare_framework() -> None:
    entries = X.ob3_alignments(credential())
    assert [e["targetFramework"] for e in entries[:3]] == ["ESCO", "ESCO", "O*NET"]


def test_ob3_min_score_keeps_declared_skills() -> None:
    kept = X.ob3_alignments(credential(), min_score=0.9)
    assert [a["targetCode"] for a in kept] == [FIRST_AID, PRINTING]  # 1.0 declared; 0.91


def test_ob3_every_entry_has_the_required_fields() -> None:
    for entry in _ob3():
        assert entry["type"] == ["Alignment"]
        assert entry["targetName"] and entry["targetUrl"]
        assert entry["targetUrl"].startswith(("http://", "https://", "urn:"))


def test_ob3_entries_go_into_an_achievement_once() -> None:
    achievement = {"type": ["Achievement"], "name": "Maker Educator",
                   "alignment": {"type": ["Alignment"], "targetName": "provide first aid",
                                 "targetUrl": FIRST_AID}}
    merged = X.add_to_achievement(achievement, _ob3())
    assert isinstance(achievement["alignment"], dict)  # the input is not changed
    assert len(merged["alignment"]) == 5  # the existing first-aid entry, not repeated
    again = X.add_to_achievement(merged, _ob3())
    assert again["alignment"] == merged["alignment"]


def test_ob3_codes_read_back_the_declared_skills() -> None:
    assert X.ob3_codes(_ob3()) == [FIRST_AID, PRINTING, "tech:Autodesk AutoCAD",
                                   "tech:Microsoft Excel"]  # the custom skill is no code


def test_ob3_round_trip_through_the_openbadges_reader(tmp_path: Path) -> None:
    reader = pytest.importorskip("skillmatch.formats.openbadges",
                                 reason="the OB 3.0 reader is not written yet")
    from skillmatch.catalog.models import Credential

    achievement = X.add_to_achievement({
        "@context": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "id": "urn:uuid:6b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "type": "Achievement",
        "name": "Maker Educator Badge", "description": "Run a safe school maker space.",
        "criteria": {"narrative": "Lead three maker sessions."}}, _ob3())
    path = tmp_path / "achievement.json"
    path.write_text(json.dumps(achievement))
    [record] = list(reader.read_openbadges(path))
    assert isinstance(record, Credential), record
    codes = [s for s in record.skills if s.startswith((ESCO, "tech:"))]
    assert codes == X.ob3_codes(_ob3())


def test_skills_of_bad_input() -> None:
    with pytest.raises(InputError, match="skill 0 has no id or label"):
        X.ob3_alignments([{"label": "first aid"}])
    with pytest.raises(InputError, match="expected a credential with skills"):
        X.ob3_alignments({"id": "c"})


# ---------------------------------------------------------------------- CTDL
def _ctdl() -> list[dict[str, Any]]:
    return X.ctdl_alignments(credential(), provenance(PROV, date=DATE))


def test_ctdl_esco_alignment_object() -> None:
    assert _ctdl()[0] == {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNode": FIRST_AID,
        "ceterms:targetNodeName": {"en": "provide first aid"},
        "ceterms:framework": "http://data.europa.eu/esco/concept-scheme/skills",
        "ceterms:frameworkName": {"en": "ESCO v1.1.1"},
        "ceterms:alignmentDate": "2026-05-01"}


def test_ctdl_onet_alignment_object_has_a_coded_notation() -> None:
    entry = _ctdl()[2]
    assert "ceterms:targetNode" not in entry  # O*NET technologies have no URI
    assert entry["ceterms:codedNotation"] == "tech:Autodesk AutoCAD"
    assert entry["ceterms:framework"] == "https://www.onetcenter.org/database.html"
    assert entry["ceterms:frameworkName"] == {"en": "O*NET 29.2"}


def test_ctdl_custom_skill_names_its_taxonomy() -> None:
    entry = _ctdl()[3]
    assert entry["ceterms:codedNotation"] == "k:laser"
    assert "ceterms:framework" not in entry
    assert entry["ceterms:frameworkName"] == {"en": "district 2025-01-27"}


def test_ctdl_description_is_a_language_map() -> None:
    entries = X.ctdl_alignments(credential(), descriptions={PRINTING: "Printing."})
    assert entries[1]["ceterms:targetNodeDescription"] == {"en": "Printing."}
    assert "ceterms:alignmentDate" not in entries[1]  # no provenance date given


def test_ctdl_a_course_teaches() -> None:
    out = X.ctdl_competencies("course", _ctdl())
    assert list(out) == ["ceterms:teaches"] and out["ceterms:teaches"] == _ctdl()
    assert list(X.ctdl_competencies("program", [])) == ["ceterms:teaches"]


def test_ctdl_a_credential_requires_its_competencies() -> None:
    out = X.ctdl_competencies("badge", _ctdl(), "Competencies shown in a portfolio.")
    [profile] = out["ceterms:requires"]
    assert profile["@type"] == "ceterms:ConditionProfile"
    assert profile["ceterms:targetCompetency"] == _ctdl()
    assert profile["ceterms:description"] == {"en": "Competencies shown in a portfolio."}


# ------------------------------------------------------------- alignment report
def test_alignment_rows_status_share_evidence() -> None:
    rows = X.alignment_rows(report(), credential())
    assert [(r["status"], r["skill_id"]) for r in rows] == [
        ("covered", FIRST_AID), ("covered", ESCO + "cpr"), ("missing", ESCO + "weld"),
        ("taught-not-demanded", PRINTING), ("missing", ESCO + "solder")]
    first = rows[0]
    assert (first["demand_share"], first["demand_weight"]) == (0.21, 0.8)
    assert (first["evidence"], first["evidence_source"]) == ("administer CPR", "linked")
    assert rows[3]["evidence_source"] == "declared"


def test_alignment_rows_covered_by_another_taxonomy_has_its_evidence() -> None:
    row = X.alignment_rows(report(), credential())[1]
    assert row["covered_by"] == "tech:Autodesk AutoCAD"
    assert row["evidence"] == "design parts in AutoCAD"


def test_alignment_rows_mark_suggested_additions() -> None:
    rows = {r["skill_id"]: r for r in X.alignment_rows(report())}
    assert (rows[ESCO + "weld"]["suggested"], rows[ESCO + "weld"]["gain"]) == (True, 0.25)
    assert rows[ESCO + "solder"]["status"] == "missing"  # suggested beyond those listed
    assert rows[FIRST_AID]["suggested"] is False and rows[FIRST_AID]["evidence"] == ""


def test_alignment_json_has_the_report_rows_and_full_provenance() -> None:
    out = X.alignment_json(report(), skills=credential(), date=DATE)
    assert out["alignment"] == 0.5123 and out["credential"]["id"] == "cred:maker"
    assert out["provenance"]["date"] == DATE
    assert out["provenance"]["model"] == "skillmatch-minilm-v3"
    assert out["provenance"]["taxonomies"] == {"esco": "1.1.1", "onet": "29.2"}
    assert out["provenance"]["skillmatch_version"]
    assert out["skills"] == X.alignment_rows(report(), credential())
    json.dumps(out)


def test_alignment_csv_rows_and_sidecar(tmp_path: Path) -> None:
    csv_path, meta_path = X.write_alignment_csv(report(), tmp_path / "maker.csv",
                                                skills=credential(), date=DATE)
    assert meta_path == sidecar_path(csv_path) == tmp_path / "maker.csv-metadata.json"
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert [r["status"] for r in rows] == ["covered", "covered", "missing",
                                           "taught-not-demanded", "missing"]
    assert rows[2]["label"] == "'=weld metal parts"  # no formula runs in a spreadsheet
    assert (rows[0]["demand_share"], rows[0]["suggested"]) == ("0.21", "False")
    assert rows[0]["evidence"] == "administer CPR"
    prov = read_csv_provenance(csv_path)
    assert prov["date"] == DATE and prov["taxonomies"] == {"esco": "1.1.1", "onet": "29.2"}
    meta = json.loads(meta_path.read_text())
    assert meta["url"] == "maker.csv" and meta["dc:title"] == "Alignment of Maker Educator Badge"
    assert meta["dc:description"].startswith("alignment 0.5123")


def test_alignment_report_of_the_wrong_shape() -> None:
    with pytest.raises(InputError, match="not an alignment report: no 'covered_in_demand'"):
        X.alignment_rows({"alignment": 0.5})


# ---------------------------------------------------------------------- demand table
def test_demand_rows_carry_the_slice() -> None:
    [first, second] = X.demand_rows(demand_table())
    assert first == {"skill_id": FIRST_AID, "label": "provide first aid", "taxonomy": "esco",
                     "occupation": "25-2032.00", "region": "TX-Houston",
                     "window_start": "2025-09-01", "window_end": "2026-04-30",
                     "share": 0.5514, "score": 0.6617, "postings": 7, "weight": 5.1,
                     "specificity": 1.2, "postings_behind": ["p1", "p7", "p9"]}
    assert second["postings_behind"] == []


def test_demand_rows_of_the_whole_catalogue() -> None:
    table = {**demand_table(), "slice": {"region": None, "occupation": None, "window": None}}
    row = X.demand_rows(table)[0]
    assert (row["occupation"], row["region"], row["window_start"], row["window_end"]) == (
        "", "", "", "")


def test_demand_csv_and_sidecar(tmp_path: Path) -> None:
    csv_path, _ = X.write_demand_csv(demand_table(), tmp_path / "demand.csv", PROV, date=DATE)
    text = csv_path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(DEMAND_COLUMNS)
    assert rows[0]["postings_behind"] == "p1|p7|p9" and rows[0]["share"] == "0.5514"
    assert read_csv_provenance(csv_path)["model"] == "skillmatch-minilm-v3"
    meta = json.loads(Path(str(csv_path) + "-metadata.json").read_text())
    assert meta["dc:description"].startswith("12 records")
    columns = {c["name"]: c["datatype"] for c in meta["tableSchema"]["columns"]}
    assert columns["postings"] == "integer" and columns["share"] == "double"


def test_demand_parquet_with_provenance_metadata(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = X.write_demand_parquet(demand_table(), tmp_path / "demand.parquet", PROV, date=DATE)
    table = pq.read_table(path)
    assert table.column_names == list(DEMAND_COLUMNS)
    assert table.to_pylist() == X.demand_rows(demand_table())
    assert table.schema.field("postings_behind").type.value_type == "string"
    prov = read_parquet_provenance(path)
    assert prov == provenance(PROV, date=DATE)
    raw = pq.read_metadata(path).metadata
    assert PARQUET_KEY.encode() in raw
    assert json.loads(raw[b"skillmatch.table"])["records"] == 12


def test_demand_parquet_without_pyarrow_says_how_to_install(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import builtins

    real = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(f"No module named {name!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(ConfigurationError, match=r"skillmatch\[parquet\]"):
        X.write_demand_parquet(demand_table(), tmp_path / "d.parquet", PROV)
    assert not (tmp_path / "d.parquet").exists()


def test_demand_table_of_the_wrong_shape() -> None:
    with pytest.raises(InputError, match="not a demand table: no 'slice'"):
        X.demand_rows({"skills": []})
    with pytest.raises(InputError, match="window"):
        X.demand_rows({**demand_table(), "slice": {"window": "2026"}})


def test_csv_metadata_missing_or_foreign(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(InputError, match="no provenance metadata"):
        read_csv_provenance(path)
    sidecar_path(path).write_text("{}")
    with pytest.raises(InputError, match="not skillmatch's CSV metadata"):
        read_csv_provenance(path)


# --------------------------------------------------------- the engine's own dicts
def test_exports_of_a_real_report_record_and_demand_table(app: Any, tmp_path: Path) -> None:
    from tests.flow_data import import_catalogue

    import_catalogue(app, tmp_path)
    report_ = app.align("cna", occupations=["31-1131.00"])
    record = app.record("credential", "cna")
    assert record["skills"], "the tiny catalogue links skills to the credential"
    rows = X.alignment_rows(report_, record)
    assert {r["status"] for r in rows} <= {"covered", "missing", "taught-not-demanded"}
    covered = [r for r in rows if r["status"] == "covered"]
    assert covered and all(r["evidence"] for r in covered)
    json.dumps(X.alignment_json(report_, skills=record))
    entries = X.ob3_alignments(record, report_["provenance"])
    assert [e["targetCode"] for e in entries] == list(dict.fromkeys(
        s["id"] for s in record["skills"]))
    assert X.ctdl_competencies(record["type"], X.ctdl_alignments(record))
    table = app.demand(region="TX-Houston", top=3)
    text, meta = X.demand_csv(table, report_["provenance"])
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(table["skills"]) > 0
    assert meta["prov:wasGeneratedBy"]["prov:used"][0]["rdf:value"] == \
        report_["provenance"]["model"]
