"""Synthetic postings from O*NET: labelled, seeded, readable back by the importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillmatch.catalog.readers import read_records
from skillmatch.catalog.synth import synth_postings
from skillmatch.errors import InputError
from tests.taxonomy.conftest import write_onet


def test_postings_are_labelled_seeded_and_round_trip(tmp_path: Path, app) -> None:
    onet = write_onet(tmp_path / "onet")
    first = list(synth_postings(onet, 30, seed=3))
    again = list(synth_postings(onet, 30, seed=3))
    other = list(synth_postings(onet, 30, seed=4))
    assert [p.description for p in first] == [p.description for p in again]
    assert [p.description for p in first] != [p.description for p in other]
    assert len({p.id for p in first}) == 30
    for p in first:
        assert p.meta["synthetic"] is True
        assert p.meta["true_occupation"] == p.occupation_code
        assert "Responsibilities:" in p.description and p.openings >= 1
        assert "equal opportunity employer" in p.description  # boilerplate to drop
    out = tmp_path / "synth.jsonl"
    report = app.synth_postings(onet, 30, out, seed=3)
    assert report["written"] == 30
    back = read_records("posting", out)
    assert [p.id for p in back] == [p.id for p in first]
    assert back[0].meta["synthetic"] is True
    assert back[0].occupation_code == first[0].occupation_code


def test_bad_counts_are_refused(tmp_path: Path) -> None:
    onet = write_onet(tmp_path / "onet")
    with pytest.raises(InputError, match="n is -1"):
        list(synth_postings(onet, -1))
