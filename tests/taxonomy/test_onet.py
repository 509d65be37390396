"""O*NET text database: exact parsing of a tiny database, folder and zip, and the real 29.2."""

from __future__ import annotations

import dataclasses
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
from skillmatch.taxonomy.onet import read_onet, technology_code

from .conftest import ONET_FILES, write_onet, zip_folder


def test_occupations(onet_dir: Path) -> None:
    b = read_taxonomy("onet", onet_dir)
    assert (b.name, b.kind, b.version) == ("onet", "onet", "29.2")
    assert b.occupations == [
        OccupationRecord(
            code="29-1141.00", label="Registered Nurses", alt_labels=["RN"],
            description="Assess patient health problems and needs.", group_code="29-1141",
            tasks=['Monitor patients, taking "vital signs".', "Record patient data."],
            meta={"tasks": [{"id": "1", "type": "Core"}, {"id": "2", "type": "Supplemental"}],
                  "job_zone": 3},
        ),
        OccupationRecord(
            code="15-1252.00", label="Software Developers", alt_labels=["Programmer"],
            description="Research, design, and develop software.", group_code="15-1252",
            meta={"job_zone": 4},
        ),
    ]


def test_technology_skills(onet_dir: Path) -> None:
    b = read_onet(onet_dir)
    assert b.skills == [
        SkillRecord(
            code="tech:Python", label="Python",
            description="Object or component oriented development software",
            skill_type="technology",
            meta={"commodity_code": "43232405",
                  "commodity_title": "Object or component oriented development software",
                  "commodity_codes": ["43232405"], "hot_occupations": 1,
                  "in_demand_occupations": 1},
        ),
        SkillRecord(
            code="tech:Epic Systems", label="Epic Systems",
            description="Medical software; Data base user interface and query software",
            skill_type="technology",
            meta={"commodity_code": "43231605", "commodity_title": "Medical software",
                  "commodity_codes": ["43231605", "43232306"], "hot_occupations": 1,
                  "in_demand_occupations": 0},
        ),
    ]
    assert b.relations == [  # one per Technology Skills row
        RelationRecord("15-1252.00", "tech:Python", "technology",
                       {"hot": True, "in_demand": True, "commodity_code": "43232405"}),
        RelationRecord("29-1141.00", "tech:Epic Systems", "technology",
                       {"hot": True, "in_demand": False, "commodity_code": "43231605"}),
        RelationRecord("15-1252.00", "tech:Epic Systems", "technology",
                       {"hot": False, "in_demand": False, "commodity_code": "43232306"}),
    ]
    assert b.groups == [
        GroupRecord("unspsc:43231605", "Medical software"),
        GroupRecord("unspsc:43232306", "Data base user interface and query software"),
        GroupRecord("unspsc:43232405", "Object or component oriented development software"),
    ]
    assert b.broader == [
        BroaderRecord("tech:Python", "unspsc:43232405"),
        BroaderRecord("tech:Epic Systems", "unspsc:43231605"),
        BroaderRecord("tech:Epic Systems", "unspsc:43232306"),
    ]


def test_technology_code_is_stable() -> None:
    assert technology_code("Microsoft  Excel ") == "tech:Microsoft Excel"
    assert technology_code("C++") != technology_code("C")


def test_version_sources(onet_dir: Path, tmp_path: Path) -> None:
    assert read_onet(onet_dir, version="29.1").version == "29.1"
    files = {k: v for k, v in ONET_FILES.items() if k != "Read Me.txt"}
    assert read_onet(write_onet(tmp_path / "db_28_3_text", files)).version == "28.3"
    assert read_onet(write_onet(tmp_path / "onet-29.0-text", files)).version == "29.0"
    assert read_onet(write_onet(tmp_path / "mine", files)).version == "unknown"


def test_optional_files(tmp_path: Path) -> None:
    keep = ("Occupation Data.txt", "Technology Skills.txt")
    b = read_onet(write_onet(tmp_path / "o", {k: ONET_FILES[k] for k in keep}))
    assert [(o.alt_labels, o.tasks, o.meta) for o in b.occupations] == [([], [], {})] * 2
    assert len(b.relations) == 3


def test_zip_equals_folder(onet_dir: Path, tmp_path: Path) -> None:
    archive = zip_folder(onet_dir, tmp_path / "db_29_2_text.zip", inner="db_29_2_text")
    from_zip, from_dir = read_taxonomy("onet", archive), read_taxonomy("onet", onet_dir)
    assert dataclasses.replace(from_zip, source="") == dataclasses.replace(from_dir, source="")


# ---------------------------------------------------------------- the real O*NET 29.2


@pytest.fixture(scope="module")
def real_onet(shared: Path) -> TaxonomyBundle:
    return read_taxonomy("onet", shared / "onet-29.2-text")


@pytest.mark.shared
def test_real_onet_counts(real_onet: TaxonomyBundle) -> None:
    assert real_onet.version == "29.2"
    assert len(real_onet.occupations) == 1_016
    assert len(real_onet.relations) == 32_627
    assert sum(len(o.tasks) for o in real_onet.occupations) == 18_796
    assert sum("job_zone" in o.meta for o in real_onet.occupations) == 923
    assert len(real_onet.skills) == len({r.skill_code for r in real_onet.relations})
    assert all(o.group_code == o.code[:7] for o in real_onet.occupations)


@pytest.mark.shared
def test_real_onet_software_developers(real_onet: TaxonomyBundle) -> None:
    dev = next(o for o in real_onet.occupations if o.code == "15-1252.00")
    assert dev.label == "Software Developers" and dev.meta["job_zone"] == 4
    assert ".NET Developer" in dev.alt_labels
    hot = {r.skill_code for r in real_onet.relations
           if r.occupation_code == dev.code and r.meta["hot"]}
    assert len(hot) == 151
    assert {"tech:Python", "tech:C++", "tech:Apache Kafka", "tech:Docker"} <= hot
    outlook = next(s for s in real_onet.skills if s.code == "tech:Microsoft Outlook")
    assert outlook.meta["commodity_codes"] == ["43233501", "43232104"]
