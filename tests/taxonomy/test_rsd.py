"""Rich Skill Descriptors (OSMT JSON) read as a custom taxonomy: one test per mapping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from skillmatch.errors import InputError
from skillmatch.records import SkillRecord, TaxonomyBundle
from skillmatch.taxonomy import KINDS, read_taxonomy
from skillmatch.taxonomy.rsd import read_rsd

DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "rsd"
SINGLE = DATA / "maker_space_safety.json"
COLLECTION = DATA / "k12_cte_collection.json"
LINES = DATA / "osmt_v2_skills.jsonl"
BASE = "https://skills.lakeview-isd.example.org/api/skills/"
ESCO = "http://data.europa.eu/esco/skill/"


def _one(path: Path = SINGLE) -> SkillRecord:
    [skill] = read_rsd(path).skills
    return skill


def _by_label(bundle: TaxonomyBundle) -> dict[str, SkillRecord]:
    return {s.label: s for s in bundle.skills}


def _write(tmp_path: Path, doc: Any, name: str = "rsd.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


# ------------------------------------------------------------------ registration
def test_rsd_is_a_taxonomy_kind_stored_as_custom() -> None:
    assert "rsd" in KINDS
    bundle = read_taxonomy("rsd", SINGLE, name="district", version="2025.1")
    assert (bundle.name, bundle.kind, bundle.version, bundle.source) == (
        "district", "custom", "2025.1", str(SINGLE))
    assert bundle.meta["format"] == "rsd"


def test_default_name_and_version_from_the_latest_date() -> None:
    bundle = read_taxonomy("rsd", SINGLE)
    assert (bundle.name, bundle.version) == ("rsd", "2025-01-27")  # its updateDate
    assert read_rsd(LINES).version == "2023-06-13"


# ------------------------------------------------------------------ field mapping
def test_code_is_the_rsd_id() -> None:
    assert _one().code == BASE + "5f0c6a3e-2b7d-4c1e-9a44-3f1d2e7b8c10"


def test_code_falls_back_to_the_uuid() -> None:
    skills = _by_label(read_rsd(LINES))
    assert skills["Microcontroller Programming"].code == "e5c7a9f1-4d6b-4c0e-8a5f-3b7d9e1a6c84"


def test_label_is_skill_name() -> None:
    assert _one().label == "Facilitate Maker-Space Safety"


def test_description_is_skill_statement() -> None:
    assert _one().description.startswith("Facilitate safe use of a school maker space")


def test_missing_statement_is_an_empty_description() -> None:
    assert _by_label(read_rsd(COLLECTION))["Laser Cutter Operation"].description == ""


def test_alt_labels_from_keywords_without_name_author_or_identifier_tags() -> None:
    skill = _one()
    assert skill.alt_labels == ["maker space safety", "makerspace safety",
                                "shop safety briefing", "PPE checks"]
    assert "LISDSID: 4012" in skill.meta["keywords"]  # every keyword kept in meta
    assert "Lakeview ISD Career and Technical Education" in skill.meta["keywords"]


def test_keyword_that_is_a_category_is_no_alt_label(tmp_path: Path) -> None:
    doc = {"skillName": "Router Configuration", "id": "a", "categories": ["Access Network"],
           "keywords": ["access network", "router setup"]}
    skill = _one(_write(tmp_path, doc))
    assert skill.alt_labels == ["router setup"]
    assert skill.meta["keywords"] == ["access network", "router setup"]


def test_keywords_deduplicated_and_a_single_string_allowed() -> None:
    skills = _by_label(read_rsd(COLLECTION))
    assert skills["Perform CPR"].alt_labels == ["CPR", "cardiopulmonary resuscitation",
                                                "Heartsaver"]
    assert skills["Laser Cutter Operation"].alt_labels == ["laser cutting"]


def test_keyword_with_a_colon_that_is_no_identifier_is_kept() -> None:
    skill = _by_label(read_rsd(LINES))["Microcontroller Programming"]
    assert skill.alt_labels == ["Arduino", "micro:bit"]


def test_categories_in_meta_v3_list_and_v2_text() -> None:
    assert _one().meta["categories"] == ["Classroom Safety", "Maker Education"]
    v2 = _by_label(read_rsd(LINES))["Soldering Circuit Boards"]
    assert v2.meta["categories"] == ["Electronics", "Maker Education"]


def test_authors_in_meta_v3_list_and_v2_text() -> None:
    assert _one().meta["authors"] == ["Lakeview ISD Career and Technical Education"]
    v2 = _by_label(read_rsd(LINES))["Soldering Circuit Boards"]
    assert v2.meta["authors"] == ["Lakeview ISD Career and Technical Education",
                                  "Regional Education Service Center"]


def test_occupations_in_meta_with_code_name_framework_and_parents() -> None:
    occupations = _one().meta["occupations"]
    assert occupations[0] == {
        "code": "25-2031",
        "name": "Secondary School Teachers, Except Special and Career/Technical Education",
        "framework": "bls", "parents": ["25-0000", "25-2000"]}
    assert occupations[1] == {"code": "25-2032.00", "framework": "O*NET-SOC",
                              "name": "Career/Technical Education Teachers, Secondary School"}


def test_occupation_as_a_bare_code_or_with_only_a_code() -> None:
    skills = _by_label(read_rsd(COLLECTION))
    assert skills["3D Printing Design"].meta["occupations"][1] == {
        "code": "25-2032", "name": "", "framework": ""}
    assert skills["Perform CPR"].meta["occupations"][1]["code"] == "29-2042"


def test_alignments_in_meta_with_framework_from_is_part_of() -> None:
    alignments = _one().meta["alignments"]
    assert alignments[1] == {"id": "https://standards.example.org/tx-cte/130.402-c-3",
                             "name": "Demonstrate safe use of hand and power tools",
                             "framework": "Texas CTE TEKS"}


def test_esco_alignment_is_the_esco_uri_cross_reference_in_http_form() -> None:
    skill = _one()
    uri = ESCO + "198b614d-a9af-46f5-b3fd-2672b401dd8e"
    assert skill.meta["alignments"][0]["id"] == uri  # written with https in the file
    assert skill.meta["esco_uri"] == uri
    assert "onet_code" not in skill.meta


def test_single_alignment_object_where_a_list_is_allowed() -> None:
    cpr = _by_label(read_rsd(COLLECTION))["Perform CPR"]
    assert cpr.meta["alignments"] == [{"id": ESCO + "1d21f6ad-340f-45da-a0a3-4e83867f47a6",
                                       "name": "provide first aid", "framework": "ESCO"}]
    assert cpr.meta["esco_uri"] == ESCO + "1d21f6ad-340f-45da-a0a3-4e83867f47a6"


def test_onet_alignment_is_the_onet_code_cross_reference() -> None:
    skill = _by_label(read_rsd(LINES))["Microcontroller Programming"]
    assert skill.meta["onet_code"] == "tech:Python"


def test_onet_alignment_by_name_only_gives_no_code() -> None:
    skill = _by_label(read_rsd(COLLECTION))["3D Printing Design"]
    assert "onet_code" not in skill.meta  # no code to keep; the crosswalk matches the name
    assert skill.meta["alignments"][0] == {"id": "", "name": "Autodesk AutoCAD",
                                           "framework": "O*NET Technology Skills"}


def test_status_uuid_and_id_in_meta() -> None:
    meta = _one().meta
    assert (meta["status"], meta["uuid"]) == ("published", "5f0c6a3e-2b7d-4c1e-9a44-3f1d2e7b8c10")
    assert meta["id"] == BASE + "5f0c6a3e-2b7d-4c1e-9a44-3f1d2e7b8c10"
    statuses = {s.label: s.meta["status"] for s in read_rsd(LINES).skills}
    assert statuses == {"Soldering Circuit Boards": "published",
                        "Microcontroller Programming": "archived"}


def test_other_fields_kept_in_meta_nothing_dropped() -> None:
    meta = _one().meta
    assert meta["standards"] == [{"skillName": "ISTE 1.4.a"}]
    assert meta["employers"] == [{"name": "Lakeview Independent School District"}]
    assert meta["creationDate"] == "2024-08-19T15:04:11.20311Z"
    assert meta["creator"].startswith("https://credentialengineregistry.org/")
    assert "@context" not in meta and "type" not in meta


def test_skill_type_left_empty() -> None:
    assert _one().skill_type == ""


# ------------------------------------------------------------------ shapes
def test_collection_skills_and_collection_membership() -> None:
    bundle = read_rsd(COLLECTION)
    assert [s.label for s in bundle.skills] == ["Perform CPR", "3D Printing Design",
                                                "Laser Cutter Operation"]
    assert bundle.collections == {"K-12 Maker Educator": [s.code for s in bundle.skills]}
    assert bundle.meta["collection"]["uuid"] == "0d6c1d9e-7a55-4d1b-8e0a-2c8e5f4b7a31"


def test_skill_collections_become_taxonomy_collections() -> None:
    bundle = read_rsd(SINGLE)
    assert bundle.collections == {"K-12 Maker Educator": [bundle.skills[0].code]}


def test_json_array_of_rsds(tmp_path: Path) -> None:
    items = json.loads(COLLECTION.read_text())["skills"][:2]
    bundle = read_rsd(_write(tmp_path, items))
    assert [s.label for s in bundle.skills] == ["Perform CPR", "3D Printing Design"]
    assert bundle.collections == {}


def test_json_lines_with_a_blank_line() -> None:
    assert [s.label for s in read_rsd(LINES).skills] == ["Soldering Circuit Boards",
                                                         "Microcontroller Programming"]


def test_copy_of_a_fixture_reads_the_same(tmp_path: Path) -> None:
    copy = tmp_path / "copy.json"
    shutil.copy(SINGLE, copy)
    assert read_rsd(copy).skills == read_rsd(SINGLE).skills


# ------------------------------------------------------------------ bad input
def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"skillName": "CPR",\n "id": }')
    with pytest.raises(InputError, match="invalid JSON") as err:
        read_rsd(path)
    assert (err.value.path, err.value.line) == (str(path), 2)


def test_invalid_json_line_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"skillName": "CPR", "id": "a"}\n{"skillName": \n', "x.jsonl")
    with pytest.raises(InputError, match="one RSD object per line") as err:
        read_rsd(path)
    assert err.value.line == 2


@pytest.mark.parametrize("doc", [42, "text", None, [1, 2]])
def test_wrong_shape_json(tmp_path: Path, doc: Any) -> None:
    with pytest.raises(InputError, match="expected") as err:
        read_rsd(_write(tmp_path, json.dumps(doc)))
    assert err.value.path


def test_object_that_is_no_rsd_lists_its_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, {"title": "CPR", "description": "Perform CPR"})
    with pytest.raises(InputError, match="no skillName.*found keys: description, title") as e:
        read_rsd(path)
    assert e.value.field == "skillName"


def test_collection_whose_skills_is_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="skills is a dict") as err:
        read_rsd(_write(tmp_path, {"type": "RichSkillCollection", "skills": {"a": 1}}))
    assert err.value.field == "skills"


def test_rsd_with_no_skill_name_names_the_record(tmp_path: Path) -> None:
    doc = json.loads(COLLECTION.read_text())
    del doc["skills"][1]["skillName"]
    with pytest.raises(InputError, match=r"skills\[1\] has no skillName") as err:
        read_rsd(_write(tmp_path, doc))
    assert (err.value.path, err.value.field) == (str(tmp_path / "rsd.json"), "skillName")


def test_rsd_with_an_empty_skill_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="skillName is empty"):
        read_rsd(_write(tmp_path, {"skillName": "  ", "id": "x"}))


def test_rsd_with_no_id_or_uuid(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'CPR'.*no id or uuid") as err:
        read_rsd(_write(tmp_path, {"skillName": "CPR"}))
    assert err.value.field == "id"


def test_duplicate_ids(tmp_path: Path) -> None:
    rows = [{"skillName": "CPR", "id": "a"}, {"skillName": "First aid", "id": "a"}]
    with pytest.raises(InputError, match=r"\[1\]: duplicate skill id 'a' \(first at \[0\]\)"):
        read_rsd(_write(tmp_path, rows))


@pytest.mark.parametrize("field, value, message", [
    ("skillName", {"en": "CPR"}, "skillName is a dict"),
    ("keywords", [["nested"]], "keywords must be a list of text"),
    ("categories", [{"name": "x"}], "categories must be a list of text"),
    ("alignments", 5, "alignments is a int"),
    ("alignments", [7], r"alignments\[0\] is a int"),
    ("occupations", [{"name": "teacher"}], r"occupations\[0\] has no code"),
])
def test_field_of_the_wrong_type(tmp_path: Path, field: str, value: Any, message: str) -> None:
    doc = {"skillName": "CPR", "id": "a", field: value}
    with pytest.raises(InputError, match=message) as err:
        read_rsd(_write(tmp_path, doc))
    assert err.value.field == field


def test_deeply_nested_json(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError, match="nested too deeply"):
        read_rsd(_write(tmp_path, deep))


def test_deep_but_parseable_nesting_in_a_field(tmp_path: Path) -> None:
    nested: Any = "x"
    for _ in range(500):
        nested = [nested]
    with pytest.raises(InputError, match="keywords must be a list of text"):
        read_rsd(_write(tmp_path, {"skillName": "CPR", "id": "a", "keywords": nested}))


def test_empty_file_and_empty_collection(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file is empty"):
        read_rsd(_write(tmp_path, "  \n"))
    with pytest.raises(InputError, match="no skills in the file"):
        read_rsd(_write(tmp_path, {"type": "RichSkillCollection", "skills": []}))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"skillName": "Se\u00f1al", "id": "a"}'.encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_rsd(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_taxonomy("rsd", tmp_path / "nope.json")


# ------------------------------------------------------------------ end to end
def test_rsd_library_is_stored_and_linked(settings: Any) -> None:
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    try:
        info = app.import_taxonomy("rsd", COLLECTION, name="district")
        assert (info.kind, info.counts["skills"], info.counts["collections"]) == (
            "custom", 3, 3)
        app.build_indexes()
        [result] = app.link(["Students perform CPR and use 3D printing to make prototypes "
                             "in the maker space."])
        codes = {s.id for s in result.skills}
        assert {BASE + "a1e3c5b7-0f2d-4e6a-8c1b-9d3f5a7c2e40",
                BASE + "b2f4d6c8-1a3e-4f7b-9d2c-0e4a6b8d3f51"} <= codes
    finally:
        app.close()
