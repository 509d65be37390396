"""Each bad input gets one clear error naming file, line and column; nothing is stored."""

import shutil

import pytest

from skillmatch.app import SkillMatch
from skillmatch.errors import ConfigurationError, InputError
from skillmatch.taxonomy import read_taxonomy

from .conftest import ESCO_FILES, write_esco


def error(kind: str, path) -> str:
    with pytest.raises(InputError) as exc:
        read_taxonomy(kind, path)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_missing_column(tmp_path) -> None:
    files = dict(ESCO_FILES)
    files["skills_en.csv"] = [[c for c in row if c != "reuseLevel"] if i == 0 else row[:3] + row[4:]
                              for i, row in enumerate(ESCO_FILES["skills_en.csv"])]
    msg = error("esco", write_esco(tmp_path / "e", files))
    assert "skills_en.csv, line 1" in msg and "'reuseLevel'" in msg and "found columns" in msg


def test_esco_file_of_the_wrong_kind(tmp_path) -> None:
    folder = write_esco(tmp_path / "e")
    shutil.copy(folder / "skills_en.csv", folder / "occupations_en.csv")
    msg = error("esco", folder)
    assert "occupations_en.csv, line 1" in msg and "'iscoGroup'" in msg
    folder = write_esco(tmp_path / "f")
    rows = [r[:] for r in ESCO_FILES["skills_en.csv"]]
    rows[2][0] = "Occupation"
    (folder / "skills_en.csv").unlink()
    write_esco(folder, {"skills_en.csv": rows})
    msg = error("esco", folder)
    # the first skill spans lines 2-3 (a multi-line altLabels cell), so the second starts on 4
    assert "line 4" in msg and "conceptType" in msg and "not the skills file" in msg


def test_onet_folder_given_as_esco(onet_dir) -> None:
    msg = error("esco", onet_dir)
    assert "skills_en.csv not found" in msg and "Occupation Data.txt" in msg


def test_empty_file(tmp_path) -> None:
    folder = write_esco(tmp_path / "e")
    (folder / "occupations_en.csv").write_text("")
    assert "occupations_en.csv: file is empty" in error("esco", folder)
    (tmp_path / "empty.csv").write_text("")
    assert "file is empty" in error("custom", tmp_path / "empty.csv")


def test_truncated_zip(esco_dir, tmp_path) -> None:
    archive = shutil.make_archive(str(tmp_path / "esco"), "zip", esco_dir)
    data = open(archive, "rb").read()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) // 2])
    msg = error("esco", cut)
    assert "cut.zip" in msg and "truncated or corrupt zip" in msg


def test_non_utf8(onet_dir) -> None:
    path = onet_dir / "Alternate Titles.txt"
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = b"15-1252.00\tProgramm\xe9ur\tn/a\t08"
    path.write_bytes(b"\r\n".join(lines))
    msg = error("onet", onet_dir)
    assert "Alternate Titles.txt, line 3, column 20" in msg and "UTF-8" in msg


def test_duplicate_id(tmp_path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,label\nk:1,one\nk:2,two\nk:1,again\n")
    msg = error("custom", path)
    assert "line 4" in msg and "first on line 2" in msg and "'k:1'" in msg
    folder = write_esco(tmp_path / "e")
    rows = ESCO_FILES["occupations_en.csv"]
    write_esco(folder, {"occupations_en.csv": [*rows, rows[1]]})
    assert "duplicate conceptUri" in error("esco", folder)


def test_custom_missing_field_and_bad_json(tmp_path) -> None:
    (tmp_path / "s.csv").write_text("id,label\nk:1,\n")
    assert "line 2, column label" in error("custom", tmp_path / "s.csv") or "label" in error(
        "custom", tmp_path / "s.csv")
    (tmp_path / "s.jsonl").write_text('{"id": "a", "label": "x"}\n{"id": "b", label}\n')
    assert "s.jsonl, line 2, column" in error("custom", tmp_path / "s.jsonl")


def test_unknown_kind_and_missing_path(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="'isco'.*esco, onet, custom"):
        read_taxonomy("isco", tmp_path)
    assert "no such file" in error("esco", tmp_path / "nope")


def test_failed_import_changes_nothing(settings, esco_dir) -> None:
    app = SkillMatch(settings)
    app.import_taxonomy("esco", esco_dir)
    before = app.taxonomies.get("esco")
    (esco_dir / "occupationSkillRelations.csv").write_text(
        "occupationUri,relationType,skillType,skillUri\nx,essential,skill,missing-skill\n")
    with pytest.raises(InputError, match="line 2"):
        app.import_taxonomy("esco", esco_dir, replace=True)
    after = app.taxonomies.get("esco")
    assert after == before
