"""Resolving a target occupation by title when several occupations carry it (fake
embedder): the one with postings behind it wins, and the result says what else matched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillmatch.records import OccupationRecord, TaxonomyBundle
from tests.conftest import tiny_bundle


def bundle(name: str, kind: str, rows: list[tuple[str, str, list[str]]]) -> TaxonomyBundle:
    return TaxonomyBundle(name=name, kind=kind, version="1", source="tests", occupations=[
        OccupationRecord(code=c, label=t, alt_labels=alts, description=f"{t}.",
                         group_code=c[:7]) for c, t, alts in rows])


@pytest.fixture
def drivers(settings, tmp_path: Path):
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    app.taxonomies.save(tiny_bundle())
    app.taxonomies.save(bundle("esco", "esco", [
        ("esco:cargo-driver", "cargo vehicle driver", ["truck driver", "lorry driver"]),
        ("esco:dba", "database administrator", [])]))
    app.taxonomies.save(bundle("onet", "onet", [
        ("15-1242.00", "Database Administrators", ["Database Administrator Senior"]),
        ("53-3032.00", "Heavy and Tractor-Trailer Truck Drivers", ["Truck Driver"]),
        ("53-3033.00", "Light Truck Drivers", ["Truck Driver", "Delivery Driver"]),
        ("43-5011.01", "Freight Forwarders", ["Truck Driver"])]))
    app.build_indexes()
    postings = [{"id": f"d{i}", "title": "CDL-A Driver", "occupation_code": "53-3032.00",
                 "region": "TX-Dallas", "date_posted": "2026-10-01",
                 "description": "Work in teams. Use spreadsheets software for logs."}
                for i in range(6)] + [
        {"id": "db0", "title": "DBA", "occupation_code": "15-1242.00",
         "description": "Use spreadsheets software."}]
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in postings))
    app.import_records("posting", path)
    yield app
    app.close()


def test_a_shared_title_resolves_to_the_occupation_with_postings(drivers) -> None:
    occ = drivers.occupation("truck driver")
    assert (occ.code, occ.taxonomy) == ("53-3032.00", "onet")
    out = occ.to_dict()
    assert out["resolved_from"] == "truck driver"
    assert out["resolved_by"] == "title (alternative label)"
    assert out["postings_and_needs"] == 6
    others = {a["code"]: a for a in out["alternatives"]}
    assert set(others) == {"53-3033.00", "43-5011.01", "esco:cargo-driver"}
    assert all(a["postings_and_needs"] == 0 for a in others.values())
    assert others["esco:cargo-driver"]["taxonomy"] == "esco"


def test_a_near_title_with_postings_beats_an_exact_one_without(drivers, monkeypatch
                                                                ) -> None:
    from skillmatch.flows import targets

    # the fake embedder sees "administrator" and "Administrators" as different words:
    # widen the margin so O*NET's title is near enough, as it is with the real model
    monkeypatch.setattr(targets, "TITLE_MARGIN", 0.25)
    occ = drivers.occupation("database administrator")
    assert (occ.code, occ.how, occ.records) == ("15-1242.00", "nearest title", 1)
    [esco] = occ.to_dict()["alternatives"]
    assert esco["code"] == "esco:dba" and esco["matched_by"] == "title (preferred label)"


def test_the_target_is_never_a_postings_title(drivers) -> None:
    occ = drivers.occupation("53-3032.00")
    assert occ.label == "Heavy and Tractor-Trailer Truck Drivers" and occ.records == 6
    # a code only postings use stays a code: its label is the code, the title a note
    drivers.import_records("posting", [_posting("x1", "99-9999.00", "Chief Vibes Officer")])
    odd = drivers.occupation("99-9999.00")
    assert odd.label == "99-9999.00" and odd.how == "code used by postings"
    assert "Chief Vibes Officer" in odd.note
    assert odd.to_dict()["note"].startswith("99-9999.00 is in no loaded taxonomy")


def _posting(pid: str, code: str, title: str):
    from skillmatch.catalog.models import Posting

    return Posting(id=pid, title=title, occupation_code=code, description="Work in teams.")
