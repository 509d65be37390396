"""Choosing taxonomies: the setting (comma list or JSON), --taxonomy on every command that
links, and one-line errors for an unknown name or a bad setting."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from skillmatch.settings import Settings
from tests.linking.test_taxonomy_groups import onet_technologies


@pytest.mark.parametrize(("raw", "names"), [
    ("esco,onet", ["esco", "onet"]),
    (" esco , onet ,", ["esco", "onet"]),
    ("esco", ["esco"]),
    ('["esco", "onet"]', ["esco", "onet"]),
    ("", []),
])
def test_setting_takes_a_comma_list_or_json(monkeypatch, raw: str, names: list[str]) -> None:
    monkeypatch.setenv("SKILLMATCH_TAXONOMIES", raw)
    assert Settings().taxonomies == names


def test_a_bad_setting_is_one_line(tmp_path) -> None:
    out = CliRunner().invoke(main, ["--home", str(tmp_path), "taxonomy", "list"],
                             env={"SKILLMATCH_TAXONOMIES": '["esco"'})
    assert out.exit_code == 1
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.output
    assert out.stderr.startswith("error: setting SKILLMATCH_TAXONOMIES: '[\"esco\"' is "
                                 "neither a comma list nor a JSON list")


@pytest.fixture
def workspace(with_onet, settings):
    """The flow fixture (tiny skills as ``esco``, O*NET occupations, postings and
    credentials) plus O*NET technologies, indexed; and a CLI over it."""
    with_onet.taxonomies.save(onet_with_technologies(), replace=True)
    with_onet.build_indexes(["onet"])
    with_onet.import_records("posting", _postings(settings), force=True)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None):
        return runner.invoke(main, ["--home", str(settings.home), "--embedder", "fake", *args],
                             env={"SKILLMATCH_TAXONOMIES": None, **(env or {})})

    return with_onet, invoke


def onet_with_technologies():
    """The flow fixture's O*NET occupations, with technologies as its skills."""
    from tests.flow_data import onet_bundle

    bundle = onet_bundle()
    bundle.skills = onet_technologies().skills
    return bundle


def _postings(settings: Settings) -> list:
    from skillmatch.catalog.models import parse_posting

    return [parse_posting({"id": f"x{i}", "title": "Analyst", "occupation_code": "15-1252.00",
                           "description": "Keep records in Microsoft Excel and Python."},
                          "posting", i) for i in range(3)]


COMMANDS = [
    ("skills", "link", "Take vital signs; Microsoft Excel"),
    ("credentials", "import", "{credentials}"),
    ("recommend", "take vital signs"),
    ("align", "cna"),
    ("pathway", "31-1131.00"),
    ("post-need", "Bayou Care", "--required", "CPR"),
    ("demand",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_every_command_takes_taxonomy(workspace, tmp_path, command) -> None:
    app, invoke = workspace
    path = tmp_path / "credentials.jsonl"
    path.write_text(json.dumps({"id": "c9", "title": "Spreadsheets",
                                "description": "Microsoft Excel for records."}))
    args = [a.format(credentials=path) for a in command]
    out = invoke(*args, "--taxonomy", "esco", "--format", "json")
    assert out.exit_code == 0, out.output
    bad = invoke(*args, "--taxonomy", "nope")
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1
    assert "unknown taxonomy 'nope' (loaded: esco, onet)" in bad.stderr


def test_selection_reaches_the_results(workspace) -> None:
    app, invoke = workspace
    text = "Keep records in Microsoft Excel; take vital signs"
    grouped = json.loads(invoke("skills", "link", text, "--top-k", "2").stdout)
    assert grouped["taxonomies"] == ["esco", "onet"]
    assert [s["taxonomy"] for s in grouped["skills"]] == ["esco", "esco", "onet", "onet"]
    only = json.loads(invoke("skills", "link", text, "--top-k", "2",
                             "--taxonomy", "onet").stdout)
    assert {s["taxonomy"] for s in only["skills"]} == {"onet"}
    assert list(only["provenance"]["taxonomies"]) == ["onet"]
    # the setting is the default; --taxonomy overrides it; a comma list works too
    env = {"SKILLMATCH_TAXONOMIES": "onet"}
    assert {s["taxonomy"] for s in json.loads(invoke(
        "skills", "link", text, "--top-k", "2", env=env).stdout)["skills"]} == {"onet"}
    assert {s["taxonomy"] for s in json.loads(invoke(
        "skills", "link", text, "--top-k", "2", "--taxonomy", "esco", env=env).stdout
    )["skills"]} == {"esco"}
    both = json.loads(invoke("skills", "link", text, "--top-k", "1",
                             "--taxonomy", "onet,esco").stdout)
    assert [s["taxonomy"] for s in both["skills"]] == ["onet", "esco"]
    # flows count only the chosen taxonomies' skills
    demand = app.demand(taxonomies=["onet"])
    assert demand["skills"] and {r["skill"]["taxonomy"] for r in demand["skills"]} == {"onet"}
    report = app.align("cna", occupations=["31-1131.00"], taxonomies=["esco"])
    assert report["covered_in_demand"]
    assert all(s["id"].startswith("s:") for s in report["covered_in_demand"]
               + report["missing_in_demand"] + report["rarely_demanded"])
    assert list(report["provenance"]["taxonomies"]) == ["esco"]


def test_a_taxonomy_without_index_says_so(with_onet) -> None:
    from skillmatch.errors import ArtifactError

    with_onet.taxonomies.save(onet_with_technologies(), replace=True)  # no index
    with pytest.raises(ArtifactError, match="'onet' has no skill index"):
        with_onet.link(["Microsoft Excel"], taxonomies=["onet"])
