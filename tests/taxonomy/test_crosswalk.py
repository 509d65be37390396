"""Occupation code crosswalks: read from the official files, stored, and used to resolve
occupations and to count postings coded with old codes (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillmatch.catalog.models import Credential
from skillmatch.cli import main
from skillmatch.errors import InputError
from skillmatch.records import OccupationRecord, TaxonomyBundle
from skillmatch.taxonomy.crosswalk import OccupationCodes, read_crosswalks
from tests.conftest import tiny_bundle

ONET_CSV = """O*NET-SOC 2010 Code,O*NET-SOC 2010 Title,O*NET-SOC 2019 Code,O*NET-SOC 2019 Title
15-1142.00,Network and Computer Systems Administrators,15-1244.00,Network Administrators
15-1152.00,Computer Network Support Specialists,15-1231.00,Computer Network Support Specialists
11-9199.07,Security Managers,11-3013.01,Security Managers
11-9199.07,Security Managers,11-9199.00,"Managers, All Other"
31-1014.00,Nursing Assistants,31-1131.00,Nursing Assistants
"""
OCCUPATIONS = [
    ("15-1244.00", "Network and Computer Systems Administrators", ["Network Administrator"]),
    ("15-1231.00", "Computer Network Support Specialists", ["Network Technician"]),
    ("15-1232.00", "Computer User Support Specialists", ["Help Desk Technician"]),
    ("15-1232.01", "Help Desk Analysts", ["Help Desk Analyst"]),
    ("31-1131.00", "Nursing Assistants", ["Nurse Aide"]),
    ("11-9199.00", "Managers, All Other", []),
    ("11-3013.01", "Security Managers", []),
]


def soc_xlsx(path: Path) -> Path:
    """BLS's layout: eight banner rows above the header."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [("U.S. Bureau of Labor Statistics",), (), (), ("November 2017",), (), (),
                (), (), ("2010 SOC Code", "2010 SOC Title", "2018 SOC Code", "2018 SOC Title"),
                ("15-1142", "Network and Computer Systems Administrators", "15-1244",
                 "Network and Computer Systems Administrators"),
                ("15-1151", "Computer User Support Specialists", "15-1232",
                 "Computer User Support Specialists")]:
        sheet.append(row)
    book.save(path)
    return path


def onet_bundle() -> TaxonomyBundle:
    return TaxonomyBundle(
        name="onet", kind="onet", version="29.2", source="tests",
        occupations=[OccupationRecord(code=c, label=t, alt_labels=alts,
                                      description=f"{t} at work.", group_code=c[:7])
                     for c, t, alts in OCCUPATIONS])


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "onet-soc-crosswalks"
    folder.mkdir()
    (folder / "2010_to_2019_Crosswalk.csv").write_text(ONET_CSV)
    soc_xlsx(folder / "soc_2010_to_2018_crosswalk.xlsx")
    return folder


@pytest.fixture
def coded(settings, tmp_path: Path, files: Path):
    """O*NET occupations, crosswalks, and postings half of which carry the 2010 code."""
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    app.taxonomies.save(tiny_bundle())
    app.taxonomies.save(onet_bundle())
    app.build_indexes()
    postings = [{"id": f"n{i}", "title": "Sysadmin" if i % 2 else "IT Guy",
                 "occupation_code": "15-1142.00" if i % 2 else "15-1244.00",
                 "region": "TX-Dallas", "date_posted": "2026-10-01",
                 "description": "Use spreadsheets software. Python scripting."}
                for i in range(6)]
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in postings))
    app.import_records("posting", path)
    app.import_records("credential", [Credential(
        id="py", title="Python for Sysadmins", description="Python scripting.")])
    yield app
    app.close()


def test_codes_of_every_release_read_as_onet_2019() -> None:
    onet = {c for c, _, _ in OCCUPATIONS}
    codes = OccupationCodes(onet, {"15-1142.00": {"15-1244.00"},
                                   "11-9199.07": {"11-3013.01", "11-9199.00"}},
                            {"15-1142": {"15-1244"}, "15-1151": {"15-1232"}})
    assert codes.candidates("15-1244.00") == (["15-1244.00"], "onet-2019")
    assert codes.candidates("15-1142.00") == (["15-1244.00"], "onet-2010")
    assert codes.candidates("15-1232") == (["15-1232.00", "15-1232.01"], "soc-2018")
    assert codes.candidates("15-1151") == (["15-1232.00", "15-1232.01"], "soc-2010")
    assert codes.candidates("15-1142") == (["15-1244.00"], "soc-2010")
    assert codes.candidates("11-9199.07")[0] == ["11-3013.01", "11-9199.00"]
    assert codes.candidates("99-9999.00") == ([], "unresolved")
    assert codes.canonical("15-1142.00") == "15-1244.00"
    assert codes.canonical("esco:occupation/1") == "esco:occupation/1"  # as written


def test_read_the_official_layouts(files: Path) -> None:
    walks = {w.kind: w for w in read_crosswalks(files)}
    assert set(walks) == {"onet-2010", "soc-2010"}
    assert walks["onet-2010"].mapping()["11-9199.07"] == {"11-3013.01", "11-9199.00"}
    assert walks["soc-2010"].pairs[0].from_title == "Network and Computer Systems Administrators"
    assert walks["soc-2010"].mapping() == {"15-1142": {"15-1244"}, "15-1151": {"15-1232"}}
    [only] = read_crosswalks(files / "2010_to_2019_Crosswalk.csv")
    assert only.kind == "onet-2010" and len(only.pairs) == 5
    bad = files / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"bad.csv.*missing column"):
        read_crosswalks(bad)
    with pytest.raises(InputError, match="not soc-2010"):
        read_crosswalks(bad, "soc-2010")


def test_old_and_soc_codes_resolve_and_count_in_demand(coded, files: Path) -> None:
    # before the crosswalk: the 2010 code is only a code postings use, never a title
    before = coded.occupation("15-1142.00")
    assert before.how == "code used by postings" and before.label == "15-1142.00"
    saved = coded.import_crosswalk(files)
    assert {s["kind"]: s["pairs"] for s in saved} == {"onet-2010": 5, "soc-2010": 2}
    assert [c["kind"] for c in coded.list_crosswalks()] == ["onet-2010", "soc-2010"]
    occ = coded.occupation("15-1142.00")
    assert (occ.code, occ.label) == ("15-1244.00", "Network and Computer Systems Administrators")
    assert occ.how == "O*NET-SOC 2010 code, crosswalked to 2019"
    assert occ.to_dict()["resolved_from"] == "15-1142.00"
    assert occ.records == 6  # 3 postings coded 15-1244.00 and 3 coded 15-1142.00
    assert coded.demand_model.recoded_ == {"15-1142.00": ("15-1244.00", 3)}
    soc = coded.occupation("15-1232")
    assert soc.code == "15-1232.00" and soc.how == "SOC 2018 code"
    assert [a["code"] for a in soc.to_dict()["alternatives"]] == ["15-1232.01"]
    assert coded.occupation("15-1142").code == "15-1244.00"  # SOC 2010
    table = coded.demand(occupation="15-1142.00")
    assert table["records"] == 6 and table["slice"]["occupation"] == "15-1244.00"
    out = coded.recommend(occupation="15-1142.00")
    assert out["occupation"]["code"] == "15-1244.00"
    assert out["demand_basis"].startswith("6 postings and needs for 15-1244.00")
    assert "3 coded 15-1142.00" in out["demand_basis"]


def test_cli_imports_and_lists(tmp_path: Path, files: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(tmp_path / "ws"), "--embedder", "fake"]
    out = runner.invoke(main, [*base, "crosswalk", "import", str(files)])
    assert out.exit_code == 0, out.output
    assert "imported onet-2010: 5 code pairs" in out.output
    listed = runner.invoke(main, [*base, "crosswalk", "list", "--format", "json"])
    assert [r["kind"] for r in json.loads(listed.output)] == ["onet-2010", "soc-2010"]
    again = runner.invoke(main, [*base, "crosswalk", "import", str(files / "nope.csv")])
    assert again.exit_code == 1 and "nope.csv" in again.output


@pytest.mark.shared
def test_real_crosswalks(shared: Path, settings) -> None:
    from skillmatch.app import SkillMatch

    with SkillMatch(settings) as app:
        saved = {s["kind"]: s for s in app.import_crosswalk(shared / "onet-soc-crosswalks")}
        assert saved["onet-2010"]["pairs"] > 1100 and saved["soc-2010"]["pairs"] > 840
        app.taxonomies.save(onet_bundle())
        assert app.state.codes.candidates("15-1142.00") == (["15-1244.00"], "onet-2010")
        assert app.state.codes.candidates("15-1151")[0][0] == "15-1232.00"
