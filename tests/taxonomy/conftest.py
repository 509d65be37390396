"""Tiny but faithful ESCO and O*NET exports written into tmp folders."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"

ESCO_FILES = {
    "skills_en.csv": [
        ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
         "hiddenLabels", "status", "modifiedDate", "scopeNote", "definition", "inScheme",
         "description"],
        ["KnowledgeSkillCompetence", SKILL + "s1", "skill/competence", "sector-specific",
         "take vital signs", "measure vital signs\ncheck vital signs", "vitals", "released", "",
         "", "", "", "Measure the vital signs of patients."],
        ["KnowledgeSkillCompetence", SKILL + "s2", "knowledge", "cross-sector", "Python",
         "Python programming", "", "released", "", "", "", "", "A programming language."],
    ],
    "occupations_en.csv": [
        ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels",
         "hiddenLabels", "status", "modifiedDate", "regulatedProfessionNote", "scopeNote",
         "definition", "inScheme", "description", "code"],
        ["Occupation", OCC + "o1", "5321", "nursing assistant", "nurse aide\nCNA", "",
         "released", "", "", "", "", "", "Helps patients with daily care.", "5321.1"],
    ],
    "occupationSkillRelations.csv": [
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [OCC + "o1", "essential", "skill/competence", SKILL + "s1"],
        [OCC + "o1", "optional", "knowledge", SKILL + "s2"],
    ],
    "skillGroups_en.csv": [
        ["conceptType", "conceptUri", "preferredLabel", "altLabels", "hiddenLabels", "status",
         "modifiedDate", "scopeNote", "inScheme", "description", "code"],
        ["SkillGroup", SKILL + "g1", "health skills", "", "", "released", "", "", "", "", "S1"],
    ],
    "broaderRelationsSkillPillar.csv": [
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        ["KnowledgeSkillCompetence", SKILL + "s1", "SkillGroup", SKILL + "g1"],
    ],
    "digitalSkillsCollection_en.csv": [
        ["conceptType", "conceptUri", "preferredLabel", "status", "skillType", "reuseLevel",
         "altLabels", "description", "broaderConceptUri", "broaderConceptPT"],
        ["KnowledgeSkillCompetence", SKILL + "s2", "Python", "released", "knowledge",
         "cross-sector", "", "", "", ""],
    ],
}

ONET_FILES = {
    "Read Me.txt": "O*NET 29.2 Database\r\nFebruary 2025 Release\r\n",
    "Occupation Data.txt": [
        ["O*NET-SOC Code", "Title", "Description"],
        ["29-1141.00", "Registered Nurses", "Assess patient health problems and needs."],
        ["15-1252.00", "Software Developers", "Research, design, and develop software."],
    ],
    "Alternate Titles.txt": [
        ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
        ["29-1141.00", "RN", "n/a", "08"],
        ["15-1252.00", "Programmer", "n/a", "08"],
    ],
    "Task Statements.txt": [
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date",
         "Domain Source"],
        ["29-1141.00", "1", "Monitor patients.", "Core", "90", "08/2023", "Incumbent"],
    ],
    "Job Zones.txt": [
        ["O*NET-SOC Code", "Job Zone", "Date", "Domain Source"],
        ["29-1141.00", "3", "08/2023", "Analyst"],
    ],
    "Technology Skills.txt": [
        ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology",
         "In Demand"],
        ["15-1252.00", "Python", "43232405", "Object or component oriented development software",
         "Y", "Y"],
        ["29-1141.00", "Epic Systems", "43231605", "Medical software", "Y", "N"],
        ["15-1252.00", "Epic Systems", "43231605", "Medical software", "N", "N"],
    ],
}


def write_table(path: Path, rows: list[list[str]], delimiter: str = ",",
                newline: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_esco(folder: Path, files: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (files or ESCO_FILES).items():
        write_table(folder / name, rows)
    return folder


def write_onet(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in ONET_FILES.items():
        if isinstance(rows, str):
            (folder / name).write_text(rows)
        else:
            write_table(folder / name, rows, delimiter="\t", newline="\r\n")
    return folder


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    return write_esco(tmp_path / "esco-v1.1.1")


@pytest.fixture
def onet_dir(tmp_path: Path) -> Path:
    return write_onet(tmp_path / "db_29_2_text")
