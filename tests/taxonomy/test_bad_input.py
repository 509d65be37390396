"""Each bad input gets one clear error naming file, line and column; nothing is stored."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from skillmatch.app import SkillMatch
from skillmatch.errors import ConfigurationError, InputError
from skillmatch.settings import Settings
from skillmatch.taxonomy import read_taxonomy

from .conftest import ESCO_FILES, ONET_FILES, SKILL, write_esco, write_onet, zip_folder


def error(kind: str, path: Path | str) -> str:
    with pytest.raises(InputError) as exc:
        read_taxonomy(kind, path)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_missing_column(tmp_path: Path) -> None:
    files = dict(ESCO_FILES)
    files["skills_en.csv"] = [row[:3] + row[4:] for row in ESCO_FILES["skills_en.csv"]]
    msg = error("esco", write_esco(tmp_path / "e", files))
    assert msg.startswith(f"{tmp_path / 'e' / 'skills_en.csv'}, line 1: missing column(s) "
                          "'reuseLevel' (expected the ESCO skills file")
    assert "found columns: 'conceptType', 'conceptUri', 'skillType', 'preferredLabel'" in msg
    onet = write_onet(tmp_path / "o")
    (onet / "Job Zones.txt").write_text("O*NET-SOC Code\tZone\r\n15-1252.00\t4\r\n")
    msg = error("onet", onet)
    assert "Job Zones.txt, line 1: missing column(s) 'Job Zone'" in msg


def test_esco_file_of_the_wrong_kind(tmp_path: Path) -> None:
    folder = write_esco(tmp_path / "e")
    shutil.copy(folder / "occupations_en.csv", folder / "skills_en.csv")
    msg = error("esco", folder)
    assert "skills_en.csv, line 1: missing column(s) 'skillType', 'reuseLevel'" in msg
    assert msg.endswith("this looks like the ESCO occupations file (occupations_en.csv)")
    shutil.copy(folder / "digitalSkillsCollection_en.csv", folder / "skills_en.csv")
    assert "this is an ESCO collection file, not the ESCO skills file" in error("esco", folder)
    rows = [r[:] for r in ESCO_FILES["skills_en.csv"]]
    rows[2][0] = "Occupation"
    write_esco(folder, {"skills_en.csv": rows})
    # the first skill spans lines 2-3 (a multi-line altLabels cell), so the second starts on 4
    assert error("esco", folder).endswith(
        "skills_en.csv, line 4, column conceptType: conceptType is 'Occupation': this is not "
        "the skills file (expected conceptType 'KnowledgeSkillCompetence' on every row)")


def test_wrong_kind_of_folder(tmp_path: Path, onet_dir: Path, esco_dir: Path) -> None:
    msg = error("esco", onet_dir)
    assert "skills_en.csv not found (expected ESCO's CSV export" in msg
    assert "Occupation Data.txt" in msg and msg.endswith("use kind 'onet')")
    assert error("onet", esco_dir).endswith("this looks like an ESCO CSV export (use kind 'esco')")
    (tmp_path / "x.csv").write_text("id,label\n")
    assert error("esco", tmp_path / "x.csv").endswith("x.csv: not a zip archive (expected "
                                                      "ESCO's CSV export (skills_en.csv, "
                                                      "occupations_en.csv, "
                                                      "occupationSkillRelations.csv))")


def test_wrong_delimiter(tmp_path: Path) -> None:
    folder = write_esco(tmp_path / "e")
    path = folder / "occupationSkillRelations.csv"
    path.write_text(path.read_text().replace(",", "\t"))
    assert error("esco", folder).endswith("the file looks tab-separated, expected comma-separated")


def test_empty_file(tmp_path: Path) -> None:
    folder = write_esco(tmp_path / "e")
    (folder / "occupations_en.csv").write_text("")
    assert error("esco", folder) == (
        f"{folder / 'occupations_en.csv'}: file is empty (expected a header row with "
        "conceptType, conceptUri, iscoGroup, preferredLabel, altLabels, description)")
    (tmp_path / "empty.csv").write_text("\n")
    assert "empty.csv: file is empty (expected a header row with id, label)" in error(
        "custom", tmp_path / "empty.csv")
    (tmp_path / "empty.jsonl").write_text("")
    assert "empty.jsonl: file is empty" in error("custom", tmp_path / "empty.jsonl")
    (tmp_path / "empty.zip").write_bytes(b"")
    assert "empty.zip: an empty file" in error("esco", tmp_path / "empty.zip")


def test_truncated_zip(esco_dir: Path, tmp_path: Path) -> None:
    data = zip_folder(esco_dir, tmp_path / "esco.zip", inner="esco").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    msg = error("esco", cut)
    assert msg.startswith(f"{cut}: truncated or corrupt zip archive")


def test_corrupt_zip_member(esco_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "stored.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for file in sorted(esco_dir.iterdir()):
            zf.write(file, f"esco/{file.name}")
    data = bytearray(archive.read_bytes())
    data[data.index(b"take vital signs")] = ord("T")  # the CRC no longer matches
    archive.write_bytes(bytes(data))
    msg = error("esco", archive)
    assert msg.startswith(f"{archive}!esco/skills_en.csv: truncated or corrupt zip archive")
    assert "CRC" in msg


def test_non_utf8(onet_dir: Path, tmp_path: Path) -> None:
    path = onet_dir / "Alternate Titles.txt"
    lines = path.read_bytes().split(b"\r\n")
    lines[3] = "15-1252.00\tDéveloppeur Programm".encode() + b"\xe9ur\tn/a\t08"
    path.write_bytes(b"\r\n".join(lines))
    msg = error("onet", onet_dir)
    # column 32 counts characters: the valid "é" before it is one column, not two bytes
    assert msg == (f"{path}, line 4, column 32: byte 0xe9 is not valid UTF-8 (expected UTF-8 "
                   "text; re-save the file as UTF-8)")
    archive = zip_folder(onet_dir, tmp_path / "db_29_2_text.zip", inner="db_29_2_text")
    assert error("onet", archive).startswith(
        f"{archive}!db_29_2_text/Alternate Titles.txt, line 4, column 32: byte 0xe9")
    (tmp_path / "latin.csv").write_bytes(b"id,label\n1,caf\xe9\n")
    assert "latin.csv, line 2, column 6: byte 0xe9 is not valid UTF-8" in error(
        "custom", tmp_path / "latin.csv")


def test_duplicate_id(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,label\nk:1,one\nk:2,two\nk:1,again\n")
    assert error("custom", path) == (f"{path}, line 4, column id: duplicate id 'k:1' (first on "
                                     "line 2); expected each id once")
    rows = ESCO_FILES["occupations_en.csv"]
    folder = write_esco(tmp_path / "e", {**ESCO_FILES, "occupations_en.csv": [*rows, rows[1]]})
    # the first occupation spans lines 2-3, so its copy starts on line 4
    assert "occupations_en.csv, line 4, column conceptUri: duplicate conceptUri" in error(
        "esco", folder)
    assert "(first on line 2)" in error("esco", folder)
    onet = dict(ONET_FILES)
    tech = ONET_FILES["Technology Skills.txt"]
    assert isinstance(tech, list)
    onet["Technology Skills.txt"] = [*tech, tech[2]]
    msg = error("onet", write_onet(tmp_path / "o", onet))
    assert "Technology Skills.txt, line 5, column Example: duplicate technology 'Epic Systems' " \
           "for 29-1141.00 (first on line 3)" in msg


def test_bad_rows(tmp_path: Path) -> None:
    folder = write_esco(tmp_path / "e")
    rel = folder / "occupationSkillRelations.csv"
    rel.write_text(rel.read_text().replace(SKILL + "s2", SKILL + "s9"))
    assert "occupationSkillRelations.csv, line 3, column skillUri: skillUri " \
           f"'{SKILL}s9' is not in skills_en.csv" in error("esco", folder)
    rel.write_text(rel.read_text().replace("optional", "maybe"))
    assert "line 3, column relationType: relationType 'maybe'" in error("esco", folder)
    rel.write_text(rel.read_text().replace(",maybe,knowledge,", ",,knowledge,"))
    assert "line 3, column relationType" in error("esco", folder)
    rel.write_text(rel.read_text()[:-40])
    assert "line 3, column skillUri: 3 values but the header has 4 columns" in error(
        "esco", folder)
    (tmp_path / "q.csv").write_text('id,label\n1,"unclosed\n2,b\n')
    assert "q.csv, line 2: malformed CSV" in error("custom", tmp_path / "q.csv")
    (tmp_path / "blank.csv").write_text("id,label\n1, \n")
    assert "blank.csv, line 2, column label: required value is missing or empty" in error(
        "custom", tmp_path / "blank.csv")


def test_bad_onet_rows(onet_dir: Path) -> None:
    path = onet_dir / "Technology Skills.txt"
    original = path.read_text()
    path.write_text(original.replace("\tY\tN", "\tyes\tN"), newline="")
    assert "line 3, column Hot Technology: 'yes' (expected Y or N)" in error("onet", onet_dir)
    path.write_text(original.replace("29-1141.00", "29-9999.00"), newline="")
    assert "line 3, column O*NET-SOC Code: O*NET-SOC code '29-9999.00' is not in Occupation " \
           "Data.txt" in error("onet", onet_dir)
    occupations = onet_dir / "Occupation Data.txt"
    occupations.write_text(occupations.read_text().replace("15-1252.00", "15-1252"))
    assert "Occupation Data.txt, line 3, column O*NET-SOC Code: '15-1252' is not an O*NET-SOC " \
           "code" in error("onet", onet_dir)


def test_unknown_kind_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="'isco'.*esco, onet, custom"):
        read_taxonomy("isco", tmp_path)
    assert "nope: no such file or folder" in error("esco", tmp_path / "nope")
    assert "nope.csv: no such file or folder" in error("custom", tmp_path / "nope.csv")
    assert read_taxonomy("ESCO", write_esco(tmp_path / "e")).kind == "esco"


def test_failed_import_changes_nothing(settings: Settings, esco_dir: Path) -> None:
    app = SkillMatch(settings)
    app.import_taxonomy("esco", esco_dir)
    before = app.taxonomies.get("esco")
    (esco_dir / "occupationSkillRelations.csv").write_text(
        "occupationUri,relationType,skillType,skillUri\nx,essential,skill,missing-skill\n")
    with pytest.raises(InputError, match="line 2"):
        app.import_taxonomy("esco", esco_dir, replace=True)
    assert app.taxonomies.get("esco") == before
    app.close()
