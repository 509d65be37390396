"""``skillmatch import``: files in the field's standards, formats detected, counts per
file, rejections with reasons, atomic files, dry runs, folders, globs and archives
(fake embedder, the tiny taxonomy; the format readers have tests of their own)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from skillmatch.errors import InputError
from skillmatch.formats.detect import Source, detect

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "formats"
BADGE = FIXTURES / "openbadges" / "maker-educator-ob3.json"
CTDL = FIXTURES / "ctdl" / "welding-certification.json"
POSTING = FIXTURES / "jobposting" / "cte-health-science-teacher.jsonld"
FEED = FIXTURES / "jobposting" / "feed.jsonl.gz"
TSV = FIXTURES / "spreadsheet" / "postings.tsv"


def _count(app, table: str) -> int:
    return app.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize(("path", "expected"), [
    (BADGE, "openbadges"), (CTDL, "ctdl"), (POSTING, "jobposting"), (FEED, "jobposting"),
    (FIXTURES / "jobposting" / "city-bus-driver.html", "jobposting"),
    (FIXTURES / "ctdl" / "bulk-graph.json", "ctdl"),
    (FIXTURES / "openbadges" / "robotics-badgeclass-ob2.json", "openbadges"),
])
def test_each_standard_is_detected_from_its_content(path: Path, expected: str) -> None:
    assert detect(Source(path, str(path))) == expected


def test_own_records_are_detected_and_a_spreadsheet_asks_for_a_mapping(tmp_path) -> None:
    own = tmp_path / "credentials.jsonl"
    own.write_text(json.dumps({"id": "c1", "title": "Welding I"}) + "\n")
    assert detect(Source(own, str(own))) == "records"
    with pytest.raises(InputError, match="column mapping") as err:
        detect(Source(TSV, str(TSV)))
    assert str(TSV) in str(err.value)
    assert detect(Source(TSV, str(TSV)), mapped=True) == "spreadsheet"
    odd = tmp_path / "notes.json"
    odd.write_text('{"hello": "world"}')
    with pytest.raises(InputError, match="cannot tell this file's format.*--from"):
        detect(Source(odd, str(odd)))


def test_a_folder_imports_every_data_file_and_reports_each(app, tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for f in (BADGE, CTDL, POSTING):
        shutil.copy(f, folder / f.name)
    (folder / "README.md").write_text("JobPosting notes, not data")  # passed over
    (folder / "mystery.json").write_text('{"hello": "world"}')  # reported, the rest go on
    before = _count(app, "credentials"), _count(app, "postings")
    out = app.import_files([folder])
    by_name = {Path(f["path"]).name: f for f in out["files"]}
    assert "README.md" not in by_name
    assert by_name[BADGE.name]["format"] == "openbadges"
    assert by_name[BADGE.name]["created"] == 1
    assert by_name[CTDL.name]["format"] == "ctdl"
    assert by_name[POSTING.name]["kind"] == "posting"
    assert by_name["mystery.json"]["format"] == "unknown"
    assert "cannot tell" in by_name["mystery.json"]["rejected"][0]["reason"]
    assert (_count(app, "credentials"), _count(app, "postings")) == (before[0] + 2,
                                                                      before[1] + 1)
    # the same files again: unchanged; one changed: updated
    again = app.import_files([folder / BADGE.name, folder / POSTING.name])
    assert again["totals"] == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0,
                               "files": 2}
    doc = json.loads((folder / BADGE.name).read_text())
    doc["credentialSubject"]["achievement"]["description"] = "A new description of it."
    (folder / BADGE.name).write_text(json.dumps(doc))
    changed = app.import_files([folder / BADGE.name])
    assert changed["totals"]["updated"] == 1


def test_a_rejected_record_is_reported_and_atomic_imports_none_of_its_file(app, tmp_path
                                                                            ) -> None:
    feed = tmp_path / "feed.jsonl"
    good = {"@type": "JobPosting", "title": "Welding instructor", "identifier": "w-1",
            "description": "Teach MIG welding and shop safety to high school students.",
            "hiringOrganization": "Lakeview ISD"}
    bad = {"@type": "JobPosting", "identifier": "w-2", "description": "No title here."}
    feed.write_text("\n".join(json.dumps(r) for r in (good, bad)) + "\n")
    before = _count(app, "postings")
    atomic = app.import_files([feed], atomic=True)
    [report] = atomic["files"]
    assert report["refused"] and report["created"] == 0
    assert report["rejected"][0]["field"] == "title"
    assert "line 2" in report["rejected"][0]["where"]
    assert _count(app, "postings") == before  # nothing of the file
    plain = app.import_files([feed])
    assert plain["totals"]["created"] == 1 and plain["totals"]["rejected"] == 1
    assert _count(app, "postings") == before + 1


def test_zip_members_and_globs_are_files_of_their_own(app, tmp_path) -> None:
    archive = tmp_path / "feeds.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(BADGE, "badges/maker.json")
        z.write(POSTING, "postings/teacher.jsonld")
        z.writestr("README.txt", "read me")
    out = app.import_files([archive])
    paths = [f["path"] for f in out["files"]]
    assert paths == [f"{archive}!badges/maker.json", f"{archive}!postings/teacher.jsonld"]
    assert [f["created"] for f in out["files"]] == [1, 1]
    for f in (CTDL, BADGE):
        shutil.copy(f, tmp_path / f.name)
    globbed = app.import_files([str(tmp_path / "*.json")])
    assert sorted(Path(f["path"]).name for f in globbed["files"]) == sorted(
        [CTDL.name, BADGE.name])
    with pytest.raises(InputError, match="no file matches"):
        app.import_files([str(tmp_path / "*.nothing")])


def test_a_dry_run_shows_the_first_records_and_stores_nothing(app) -> None:
    from skillmatch.formats.mapping import parse_mapping

    mapping = parse_mapping([
        "options.kind='postings'", "id='nyc' ~ \"Job ID\"", "title=\"Business Title\"",
        "employer=\"Agency\"", "description=\"Job Description\" ~ \"Preferred Skills\""])
    before = _count(app, "postings")
    out = app.import_files([TSV], mapping=mapping, dry_run=True)
    [report] = out["files"]
    assert report["format"] == "spreadsheet" and out["dry_run"], report["rejected"]
    assert report["preview"][0]["title"] == "Data Analyst"
    assert _count(app, "postings") == before


def test_the_command_says_what_it_detected_and_what_it_did(tmp_path, settings) -> None:
    from tests.conftest import TINY_SKILLS

    runner = CliRunner()
    base = ["--home", str(tmp_path / "cli-ws"), "--embedder", "fake"]
    skills = tmp_path / "skills.csv"
    skills.write_text("id,label,alt_labels,description\n" + "".join(
        f'{c},{label},{"|".join(alt)},{d}\n' for c, label, alt, d in TINY_SKILLS))
    assert runner.invoke(main, [*base, "taxonomy", "import", "custom", str(skills)]
                         ).exit_code == 0
    assert runner.invoke(main, [*base, "index", "build"]).exit_code == 0
    out = runner.invoke(main, [*base, "import", str(BADGE), str(FEED)])
    assert out.exit_code == 0, out.output
    assert f"{BADGE}: openbadges (credentials): 1 created" in out.output
    assert f"{FEED}: jobposting (postings): 3 created" in out.output
    as_json = runner.invoke(main, [*base, "import", str(BADGE), "--format", "json"])
    data = json.loads(as_json.stdout)
    assert data["files"][0]["unchanged"] == 1
    wrong = runner.invoke(main, [*base, "import", str(BADGE), "--kind", "postings"])
    assert wrong.exit_code == 0  # reported per file, the command goes on
    assert "holds credentials, not postings" in wrong.output
