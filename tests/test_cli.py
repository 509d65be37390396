"""The command line over the facade, with the fake embedder (fast)."""

import json

import pytest
from click.testing import CliRunner

from skillmatch.cli import main

SKILLS_CSV = """id,label,alt_labels,description
s:cpr,perform cardiopulmonary resuscitation,CPR|administer CPR,Restart breathing in cardiac arrest.
s:excel,use spreadsheets software,Microsoft Excel|Excel,Create and edit spreadsheets with formulas.
s:lesson,plan lessons,lesson planning,Prepare lesson plans aligned to standards.
"""


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws"), "--embedder", "fake"]

    def invoke(*args: str):
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    path = tmp_path / "skills.csv"
    path.write_text(SKILLS_CSV)
    assert invoke("taxonomy", "import", "custom", str(path), "--name", "district").exit_code == 0
    return invoke, tmp_path


def test_import_list_build_link(cli) -> None:
    invoke, tmp = cli
    listed = json.loads(invoke("taxonomy", "list", "--format", "json").output)
    assert listed[0]["name"] == "district" and listed[0]["counts"]["skills"] == 3
    built = invoke("index", "build", "--format", "json")
    assert built.exit_code == 0, built.output
    assert {b["name"] for b in json.loads(built.stdout)} == {
        "skills-district", "occupations-district"}
    out = invoke("skills", "link", "Administer CPR and use Microsoft Excel", "--threshold", "0.2")
    data = json.loads(out.output)
    assert data["text"].startswith("Administer CPR")
    assert {s["id"] for s in data["skills"]} >= {"s:cpr", "s:excel"}
    assert set(data["skills"][0]) == {"id", "label", "taxonomy", "score", "evidence"}
    assert data["provenance"]["taxonomies"] == {"district": "unknown"}
    assert data["provenance"]["model"] == "fake-hash-256"


def test_input_file_jsonl_in_order_with_top_k(cli) -> None:
    invoke, tmp = cli
    invoke("index", "build")
    lines = ["plan lessons for grade 5", "", "Excel spreadsheets", "CPR"]
    (tmp / "in.txt").write_text("\n".join(lines) + "\n")
    out = invoke("skills", "link", "--input", str(tmp / "in.txt"), "--top-k", "2",
                 "--format", "jsonl")
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert [len(r["skills"]) for r in rows] == [2, 0, 2, 2]
    assert rows[2]["skills"][0]["id"] == "s:excel"


def test_errors_are_one_line(cli) -> None:
    invoke, tmp = cli
    out = invoke("skills", "link", "anything")  # no index built yet
    assert out.exit_code == 1
    assert out.output.count("\n") == 1 and "skillmatch index build" in out.output
    bad = tmp / "bad.txt"
    bad.write_bytes(b"fine line\nbad \xff byte\n")
    invoke("index", "build")
    out = invoke("skills", "link", "--input", str(bad))
    assert out.exit_code == 1
    assert "line 2" in out.output and "column 5" in out.output and "UTF-8" in out.output
    out = invoke("taxonomy", "import", "custom", str(tmp / "skills.csv"), "--name", "district")
    assert out.exit_code == 1 and "--replace" in out.output
