"""`skillmatch credentials|postings|needs list|show|delete` (fake embedder)."""

import json

import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from tests.conftest import TINY_SKILLS
from tests.flow_data import CREDENTIALS, POSTINGS


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws"), "--embedder", "fake"]

    def invoke(*args: str):
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    skills = tmp_path / "skills.csv"
    skills.write_text("id,label,alt_labels,description\n" + "".join(
        f'{c},{label},{"|".join(alt)},{d}\n' for c, label, alt, d in TINY_SKILLS))
    assert invoke("taxonomy", "import", "custom", str(skills)).exit_code == 0
    assert invoke("index", "build").exit_code == 0
    for kind, rows in (("postings", POSTINGS), ("credentials", CREDENTIALS)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        out = invoke(kind, "import", str(path))
        assert out.exit_code == 0, out.output
    return invoke, tmp_path


def test_list_pages_and_counts(cli) -> None:
    invoke, _ = cli
    out = invoke("credentials", "list", "--limit", "2")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "credentials 1-2 of 3 (next: --offset 2)"
    assert "cna" in lines[2] and "Nurse Aide" in lines[2] and "free" in lines[2]
    assert "weld" in lines[3] and "$900" in lines[3]
    data = json.loads(invoke("postings", "list", "--offset", "8", "--format", "json").output)
    assert data["total"] == len(POSTINGS) and [r["code"] for r in data["records"]] == ["w2"]
    assert "no needs stored" in invoke("needs", "list").output


def test_show_and_delete(cli) -> None:
    invoke, _ = cli
    shown = invoke("credentials", "show", "cna")
    assert shown.exit_code == 0
    assert shown.output.startswith("cna: Nurse Aide")
    assert "cip_code: 51.3902" in shown.output  # fields kept in meta are shown
    out = invoke("credentials", "delete", "cna", "team")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "deleted 2 credentials: cna, team (2 vectors removed)"
    assert json.loads(invoke("credentials", "list", "--format", "json").output)["total"] == 1
    gone = invoke("credentials", "show", "cna")
    assert gone.exit_code == 1 and "no credential with id 'cna'" in gone.output
    bad = invoke("credentials", "delete", "weld", "nope")
    assert bad.exit_code == 1
    assert bad.output.strip() == "error: no credential with id 'nope'; nothing deleted"
    assert json.loads(invoke("credentials", "list", "--format", "json").output)["total"] == 1
    posting = invoke("postings", "delete", "p0", "--format", "json")
    assert json.loads(posting.output)["deleted"] == ["p0"]
    demand = json.loads(invoke("demand", "--region", "TX-Houston", "--format", "json").output)
    assert demand["records"] == 5


def test_import_reports_unused_fields_and_titles_only(cli) -> None:
    invoke, tmp = cli
    rows = [{"id": f"jp{i}", "title": "Registered Nurse",
             "hiringOrganization": {"name": "Bayou Health"},
             "responsibilities": "Assess patients, take vital signs and document their care."}
            for i in range(5)]
    path = tmp / "jobposting.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    out = invoke("postings", "import", str(path))
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert ("  unused fields: hiringOrganization (5 records), responsibilities (5); kept as "
            "extra fields (see show), read by no flow") in lines
    assert ("  imported as titles only: 5 records had no description; text found in "
            "responsibilities (5)") in lines
    plain = invoke("credentials", "import", str(tmp / "credentials.jsonl"))
    assert "unused" not in plain.stdout and "titles only" not in plain.stdout
