import json

from skillmatch.taxonomy import read_taxonomy


def test_csv(tmp_path) -> None:
    path = tmp_path / "skills.csv"
    path.write_text("id,label,alt_labels,description,esco_uri\n"
                    "k:1,lesson planning,plan lessons|prepare lessons,Plan lessons.,http://e/1\n"
                    "k:2,maker education,,,\n")
    b = read_taxonomy("custom", path, name="district")
    assert b.name == "district" and [s.code for s in b.skills] == ["k:1", "k:2"]
    assert b.skills[0].alt_labels == ["plan lessons", "prepare lessons"]
    assert b.skills[0].meta == {"esco_uri": "http://e/1"} and b.skills[1].meta == {}


def test_json_and_jsonl(tmp_path) -> None:
    rows = [{"id": "a", "label": "CPR", "alt_labels": ["first aid"]}, {"id": "b", "label": "X"}]
    (tmp_path / "s.json").write_text(json.dumps(rows))
    (tmp_path / "s.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    for name in ("s.json", "s.jsonl"):
        b = read_taxonomy("custom", tmp_path / name)
        assert [s.label for s in b.skills] == ["CPR", "X"]
        assert b.skills[0].alt_labels == ["first aid"]
