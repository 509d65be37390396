"""Tiny but faithful ESCO and O*NET exports written into tmp folders."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"
SKILL_HEADER = ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel",
                "altLabels", "hiddenLabels", "status", "modifiedDate", "scopeNote", "definition",
                "inScheme", "description"]
OCC_HEADER = ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels",
              "hiddenLabels", "status", "modifiedDate", "regulatedProfessionNote", "scopeNote",
              "definition", "inScheme", "description", "code"]
COLLECTION_HEADER = ["conceptType", "conceptUri", "preferredLabel", "status", "skillType",
                     "reuseLevel", "altLabels", "description", "broaderConceptUri",
                     "broaderConceptPT"]
HIERARCHY_HEADER = ["Level 0 URI", "Level 0 preferred term", "Level 1 URI",
                    "Level 1 preferred term", "Level 2 URI", "Level 2 preferred term",
                    "Level 3 URI", "Level 3 preferred term", "Description", "Scope note",
                    "Level 0 code", "Level 1 code", "Level 2 code", "Level 3 code"]
KSC = "KnowledgeSkillCompetence"


def _collection_row(code: str) -> list[str]:
    return [KSC, SKILL + code, "label", "released", "knowledge", "cross-sector", "", "", "", ""]


ESCO_FILES: dict[str, list[list[str]]] = {
    "skills_en.csv": [
        SKILL_HEADER,
        # a multi-line altLabels cell: this record spans lines 2 and 3
        [KSC, SKILL + "s1", "skill/competence", "sector-specific", "take vital signs",
         "measure vital signs\ncheck vital signs", "vitals", "released",
         "2016-12-20T17:43:43Z", "", "", "http://data.europa.eu/esco/concept-scheme/skills",
         "Measure the vital signs of patients."],
        [KSC, SKILL + "s2", "knowledge", "cross-sector", "Python", "Python programming", "",
         "released", "", "", "", "", "A programming language."],
    ],
    "occupations_en.csv": [
        OCC_HEADER,
        ["Occupation", OCC + "o1", "5321", "nursing assistant", "nurse aide\nCNA", "nurse maid",
         "released", "2017-01-01T00:00:00Z", "", "", "", "", "Helps patients with daily care.",
         "5321.1"],
    ],
    "occupationSkillRelations.csv": [
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [OCC + "o1", "essential", "skill/competence", SKILL + "s1"],
        [OCC + "o1", "optional", "knowledge", SKILL + "s2"],
    ],
    "skillGroups_en.csv": [
        ["conceptType", "conceptUri", "preferredLabel", "altLabels", "hiddenLabels", "status",
         "modifiedDate", "scopeNote", "inScheme", "description", "code"],
        ["SkillGroup", SKILL + "g0", "skills", "", "", "released", "", "", "", "", "S"],
        ["SkillGroup", SKILL + "g1", "health skills", "", "", "released", "", "", "",
         "Caring for people.", "S1"],
    ],
    # leaves out trailing empty cells, as the real file does; g2 is only named here
    "skillsHierarchy_en.csv": [
        HIERARCHY_HEADER,
        [SKILL + "g0", "skills", "", "", "", "", "", "", "All skills.", "", "S"],
        [SKILL + "g0", "skills", SKILL + "g2", "computing", "", "", "", "", "Computers.", "",
         "S", "S5"],
    ],
    "broaderRelationsSkillPillar.csv": [
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        ["SkillGroup", SKILL + "g1", "SkillGroup", SKILL + "g0"],
        ["SkillGroup", SKILL + "g2", "SkillGroup", SKILL + "g0"],
        [KSC, SKILL + "s1", "SkillGroup", SKILL + "g1"],
        [KSC, SKILL + "s2", "SkillGroup", SKILL + "g2"],
    ],
    "digitalSkillsCollection_en.csv": [COLLECTION_HEADER, _collection_row("s2")],
    "transversalSkillsCollection_en.csv": [COLLECTION_HEADER, _collection_row("s1"),
                                           _collection_row("s2")],
}

ONET_FILES: dict[str, str | list[list[str]]] = {
    "Read Me.txt": "O*NET 29.2 Database\r\nFebruary 2025 Release\r\n",
    "Occupation Data.txt": [
        ["O*NET-SOC Code", "Title", "Description"],
        ["29-1141.00", "Registered Nurses", "Assess patient health problems and needs."],
        ["15-1252.00", "Software Developers", "Research, design, and develop software."],
    ],
    "Alternate Titles.txt": [
        ["O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"],
        ["29-1141.00", "RN", "n/a", "08"],
        ["29-1141.00", "Registered Nurses", "n/a", "08"],  # same as the title: not an alias
        ["15-1252.00", "Programmer", "n/a", "08"],
    ],
    "Task Statements.txt": [
        ["O*NET-SOC Code", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date",
         "Domain Source"],
        ["29-1141.00", "1", 'Monitor patients, taking "vital signs".', "Core", "90", "08/2023",
         "Incumbent"],
        ["29-1141.00", "2", "Record patient data.", "Supplemental", "90", "08/2023",
         "Incumbent"],
    ],
    "Job Zones.txt": [
        ["O*NET-SOC Code", "Job Zone", "Date", "Domain Source"],
        ["29-1141.00", "3", "08/2023", "Analyst"],
        ["15-1252.00", "4", "08/2023", "Analyst"],
    ],
    "Technology Skills.txt": [
        ["O*NET-SOC Code", "Example", "Commodity Code", "Commodity Title", "Hot Technology",
         "In Demand"],
        ["15-1252.00", "Python", "43232405", "Object or component oriented development software",
         "Y", "Y"],
        ["29-1141.00", "Epic Systems", "43231605", "Medical software", "Y", "N"],
        ["15-1252.00", "Epic Systems", "43232306", "Data base user interface and query software",
         "N", "N"],
    ],
}


def write_table(path: Path, rows: list[list[str]], delimiter: str = ",",
                newline: str = "\n") -> None:
    """CSV as ESCO writes it; tab-separated text is written verbatim, as O*NET does."""
    if delimiter == "\t":
        text = "".join("\t".join(row) + newline for row in rows)
    else:
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerows(rows)
        text = buf.getvalue()
    path.write_text(text, encoding="utf-8", newline="")


def write_esco(folder: Path, files: dict[str, list[list[str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (ESCO_FILES if files is None else files).items():
        write_table(folder / name, rows)
    return folder


def write_onet(folder: Path, files: dict[str, str | list[list[str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (ONET_FILES if files is None else files).items():
        if isinstance(rows, str):
            (folder / name).write_text(rows, newline="")
        else:
            write_table(folder / name, rows, delimiter="\t", newline="\r\n")
    return folder


def zip_folder(folder: Path, archive: Path, inner: str | None = None) -> Path:
    """Zip ``folder``'s files, under the subfolder ``inner`` if given (as downloads do)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for file in sorted(folder.iterdir()):
            zf.write(file, f"{inner}/{file.name}" if inner else file.name)
    return archive


@pytest.fixture
def esco_dir(tmp_path: Path) -> Path:
    return write_esco(tmp_path / "esco-v1.1.1")


@pytest.fixture
def onet_dir(tmp_path: Path) -> Path:
    return write_onet(tmp_path / "db_29_2_text")
