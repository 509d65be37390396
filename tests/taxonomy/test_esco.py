"""ESCO CSV export: exact parsing of a tiny export, folder and zip, and the real v1.1.1."""

from __future__ import annotations

import dataclasses
import time
import zipfile
from pathlib import Path

import pytest

from skillmatch.records import (
    BroaderRecord,
    GroupRecord,
    OccupationRecord,
    RelationRecord,
    SkillRecord,
    TaxonomyBundle,
)
from skillmatch.taxonomy import read_taxonomy
from skillmatch.taxonomy.esco import detect_version, read_esco

from .conftest import ESCO_FILES, OCC, SKILL, write_esco, zip_folder


def test_skills(esco_dir: Path) -> None:
    b = read_taxonomy("esco", esco_dir)
    assert (b.name, b.kind, b.version, b.source) == ("esco", "esco", "v1.1.1", str(esco_dir))
    assert b.skills == [
        SkillRecord(
            code=SKILL + "s1", label="take vital signs",
            alt_labels=["measure vital signs", "check vital signs"], hidden_labels=["vitals"],
            description="Measure the vital signs of patients.", skill_type="skill/competence",
            reuse_level="sector-specific",
            meta={"status": "released", "modifiedDate": "2016-12-20T17:43:43Z"},
        ),
        SkillRecord(
            code=SKILL + "s2", label="Python", alt_labels=["Python programming"],
            description="A programming language.", skill_type="knowledge",
            reuse_level="cross-sector", meta={"status": "released"},
        ),
    ]


def test_occupations_and_relations(esco_dir: Path) -> None:
    b = read_esco(esco_dir)
    assert b.occupations == [OccupationRecord(
        code=OCC + "o1", label="nursing assistant", alt_labels=["nurse aide", "CNA"],
        description="Helps patients with daily care.", group_code="5321",
        meta={"code": "5321.1", "status": "released", "modifiedDate": "2017-01-01T00:00:00Z",
              "hidden_labels": ["nurse maid"]},
    )]
    assert b.relations == [RelationRecord(OCC + "o1", SKILL + "s1", "essential"),
                           RelationRecord(OCC + "o1", SKILL + "s2", "optional")]
    assert b.meta == {}


def test_hierarchy_and_collections(esco_dir: Path) -> None:
    b = read_esco(esco_dir)
    assert b.groups == [
        GroupRecord(SKILL + "g0", "skills", ""),
        GroupRecord(SKILL + "g1", "health skills", "Caring for people."),
        GroupRecord(SKILL + "g2", "computing", "Computers."),  # only in skillsHierarchy_en
    ]
    assert b.broader == [
        BroaderRecord(SKILL + "g1", SKILL + "g0"), BroaderRecord(SKILL + "g2", SKILL + "g0"),
        BroaderRecord(SKILL + "s1", SKILL + "g1"), BroaderRecord(SKILL + "s2", SKILL + "g2"),
    ]
    assert b.collections == {"digital": [SKILL + "s2"],
                             "transversal": [SKILL + "s1", SKILL + "s2"]}
    assert b.counts() == {"skills": 2, "occupations": 1, "relations": 2, "groups": 3,
                          "hierarchy": 4, "collections": 3}


def test_hierarchy_files_are_optional(tmp_path: Path) -> None:
    keep = ("skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv")
    b = read_esco(write_esco(tmp_path / "e", {k: ESCO_FILES[k] for k in keep}))
    assert (b.groups, b.broader, b.collections) == ([], [], {})


def test_version(esco_dir: Path, tmp_path: Path) -> None:
    assert read_taxonomy("esco", esco_dir, name="eu", version="1.2.0").version == "1.2.0"
    assert read_taxonomy("esco", esco_dir, name="eu").name == "eu"
    assert detect_version(write_esco(tmp_path / "plain")) == "unknown"
    assert detect_version(tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv.zip") \
        == "v1.2.0"


def test_zip_equals_folder(esco_dir: Path, tmp_path: Path) -> None:
    archive = zip_folder(esco_dir, tmp_path / "ESCO dataset - v1.1.1 - en - csv.zip",
                         inner="ESCO dataset - v1.1.1")
    from_zip, from_dir = read_taxonomy("esco", archive), read_taxonomy("esco", esco_dir)
    assert from_zip.source == str(archive)
    assert dataclasses.replace(from_zip, source="") == dataclasses.replace(from_dir, source="")


def test_v12_names_and_extra_columns(tmp_path: Path) -> None:
    files = dict(ESCO_FILES)
    rel = files.pop("occupationSkillRelations.csv")
    files["occupationSkillRelations_en.csv"] = [
        ["occupationUri", "occupationLabel", "relationType", "skillType", "skillUri",
         "skillLabel"],
        *[[r[0], "label", r[1], r[2], r[3], "label"] for r in rel[1:]],
    ]
    files["occupations_en.csv"] = [row + [v] for row, v in
                                   zip(files["occupations_en.csv"], ["naceCode", "Q86"])]
    b = read_esco(write_esco(tmp_path / "ESCO v1.2.0", files))
    assert b.version == "v1.2.0" and len(b.relations) == 2
    assert b.occupations[0].meta["naceCode"] == "Q86"


def test_relation_to_unlisted_occupation_is_kept(tmp_path: Path) -> None:
    # ESCO v1.1.1 itself relates 67 skills to an occupation missing from occupations_en.csv
    files = dict(ESCO_FILES)
    files["occupationSkillRelations.csv"] = [
        *ESCO_FILES["occupationSkillRelations.csv"],
        [OCC + "gone", "essential", "knowledge", SKILL + "s2"],
    ]
    b = read_esco(write_esco(tmp_path / "e", files))
    assert b.relations[-1] == RelationRecord(OCC + "gone", SKILL + "s2", "essential")
    assert "1 relations name 1 occupation(s) missing" in b.meta["warnings"][0]


# ---------------------------------------------------------------- the real ESCO v1.1.1

REAL_COUNTS = (13_896, 3_007, 123_855)
PYTHON = SKILL + "ccd0a1d9-afda-43d9-b901-96344886e14d"


@pytest.fixture(scope="module")
def real_esco(shared: Path) -> TaxonomyBundle:
    return read_taxonomy("esco", shared / "esco-v1.1.1")


def _counts(b: TaxonomyBundle) -> tuple[int, int, int]:
    return len(b.skills), len(b.occupations), len(b.relations)


@pytest.mark.shared
def test_real_esco_counts(real_esco: TaxonomyBundle) -> None:
    assert real_esco.version == "v1.1.1"
    assert _counts(real_esco) == REAL_COUNTS
    relations = [r.relation for r in real_esco.relations]
    assert (relations.count("essential"), relations.count("optional")) == (64_946, 58_909)
    assert len(real_esco.groups) == 647
    nodes = {g.code for g in real_esco.groups} | {s.code for s in real_esco.skills}
    assert all(b.narrower_code in nodes and b.broader_code in nodes for b in real_esco.broader)
    assert {k: len(v) for k, v in real_esco.collections.items()} == {
        "digital": 1201, "green": 570, "transversal": 96, "language": 346, "digcomp": 26,
        "research": 40}


@pytest.mark.shared
def test_real_esco_known_skill(real_esco: TaxonomyBundle) -> None:
    python = next(s for s in real_esco.skills if s.code == PYTHON)
    assert python.label == "Python (computer programming)"
    assert python.alt_labels == ["Python3", "Pyston", "Py3K", "Python2", "Python prog",
                                 "Python 3K", "Python3000", "Python", "Python 3k"]
    assert (python.skill_type, python.reuse_level) == ("knowledge", "sector-specific")
    assert PYTHON in real_esco.collections["digital"]
    nurse = next(o for o in real_esco.occupations
                 if o.label == "nurse responsible for general care")
    assert (nurse.group_code, nurse.meta["code"]) == ("2221", "2221.2")


@pytest.mark.shared
def test_real_esco_zipped(real_esco: TaxonomyBundle, shared: Path, tmp_path: Path) -> None:
    archive = zip_folder(shared / "esco-v1.1.1", tmp_path / "ESCO dataset - v1.1.1.zip",
                         inner="ESCO dataset - v1.1.1 - classification - en - csv")
    with zipfile.ZipFile(archive) as zf:
        assert all("/" in name for name in zf.namelist())
    start = time.perf_counter()
    from_zip = read_taxonomy("esco", archive)
    assert time.perf_counter() - start < 30  # a few seconds, not minutes
    assert from_zip.version == "v1.1.1"
    assert _counts(from_zip) == REAL_COUNTS
    assert from_zip.counts() == real_esco.counts()
