"""Custom skills from CSV, TSV, JSON and JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillmatch.errors import InputError
from skillmatch.records import SkillRecord
from skillmatch.taxonomy import read_taxonomy
from skillmatch.taxonomy.custom import read_custom

EXPECTED = [
    SkillRecord(code="k:1", label="lesson planning", alt_labels=["plan lessons", "prepare lessons"],
                description="Plan lessons.", skill_type="skill",
                meta={"esco_uri": "http://e/1", "onet_code": "25-2021.00"}),
    SkillRecord(code="k:2", label="maker education"),
]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "skills.csv"
    path.write_text(
        "id,label,alt_labels,description,skill_type,esco_uri,onet_code,notes\n"
        "k:1,lesson planning, plan lessons | prepare lessons |,Plan lessons.,skill,http://e/1,"
        "25-2021.00,ignored\n"
        "\n"
        "k:2,maker education,,,,,,\n"
    )
    b = read_taxonomy("custom", path, name="district", version="2024")
    assert (b.name, b.kind, b.version, b.source) == ("district", "custom", "2024", str(path))
    assert b.skills == EXPECTED
    assert (b.occupations, b.relations) == ([], [])


def test_tsv_and_minimal_columns(tmp_path: Path) -> None:
    path = tmp_path / "skills.tsv"
    path.write_text("label\tid\nwelding\tw1\n")
    b = read_custom(path)
    assert (b.name, b.version) == ("custom", "unknown")
    assert b.skills == [SkillRecord(code="w1", label="welding")]


def _json_rows() -> list[dict[str, object]]:
    return [
        {"id": "k:1", "label": "lesson planning", "alt_labels": ["plan lessons", "prepare lessons"],
         "description": "Plan lessons.", "skill_type": "skill", "esco_uri": "http://e/1",
         "onet_code": "25-2021.00"},
        {"id": "k:2", "label": "maker education", "alt_labels": []},
    ]


def test_json_array_and_lines(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps(_json_rows(), indent=2))
    (tmp_path / "s.jsonl").write_text("\n".join(json.dumps(r) for r in _json_rows()) + "\n\n")
    for name in ("s.json", "s.jsonl"):
        assert read_taxonomy("custom", tmp_path / name).skills == EXPECTED


def test_json_numbers_as_ids(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('[{"id": 7, "label": "CPR", "alt_labels": "first aid"}]')
    assert read_custom(tmp_path / "s.json").skills == [
        SkillRecord(code="7", label="CPR", alt_labels=["first aid"])]


def test_json_errors_name_the_record_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[\n  {"id": "a", "label": "x"},\n  {"id": "b",\n   "alt_labels": [1]}\n]')
    with pytest.raises(InputError) as exc:
        read_custom(path)
    assert str(exc.value).startswith(f"{path}, line 3, field 'label': required value")
    path.write_text('[\n  {"id": "a", "label": "x", "alt_labels": {"a": 1}}\n]')
    with pytest.raises(InputError, match="line 2, field 'alt_labels': alt_labels must be"):
        read_custom(path)
    path.write_text('[\n  {"id": "a", "label": "x"},\n  ["b"]\n]')
    with pytest.raises(InputError, match="line 3: expected a JSON object"):
        read_custom(path)
    path.write_text('[\n  {"id": "a", "label": "x"},\n  {"id": "b", "label": }\n]')
    with pytest.raises(InputError, match="line 3, column 24: invalid JSON"):
        read_custom(path)
    path.write_text('{\n  "skills": []\n}')
    with pytest.raises(InputError, match="line 1: one JSON object spanning several lines"):
        read_custom(path)
    path.write_text("[]")
    with pytest.raises(InputError, match="no skills in the file"):
        read_custom(path)
