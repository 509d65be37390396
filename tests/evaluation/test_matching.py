"""The crosswalk reader and ranking metrics of ``skillmatch eval matching``."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillmatch.errors import InputError
from skillmatch.evaluation.matching import ndcg_at, read_crosswalk


def test_reads_pairs_and_skips_no_match_rows(tmp_path: Path) -> None:
    f = tmp_path / "cw.csv"
    f.write_text("CIP2020Code,CIP2020Title,SOC2018Code,SOC2018Title\n"
                 "51.0801,Medical Assistant,31-9092,Medical Assistants\n"
                 "51.0801,Medical Assistant,31-9099,Healthcare Support Workers\n"
                 '="13.1202",Elementary Ed,25-2021,Elementary Teachers\n'
                 "01.0000,Agriculture,99-9999,NO MATCH\n")
    pairs = read_crosswalk(f)
    assert pairs == {"51.0801": {"31-9092", "31-9099"}, "13.1202": {"25-2021"}}


def test_bad_crosswalks_name_the_problem(tmp_path: Path) -> None:
    f = tmp_path / "cw.csv"
    f.write_text("CIP,SOC\n51.0801,31-9092\n")
    with pytest.raises(InputError, match="CIP2020Code"):
        read_crosswalk(f)
    f.write_text("CIP2020Code,SOC2018Code\n5108,31-9092\n")
    with pytest.raises(InputError, match=r"line 2.*'5108' is not a CIP code"):
        read_crosswalk(f)
    f.write_text("CIP2020Code,SOC2018Code\n")
    with pytest.raises(InputError, match="no program to occupation pairs"):
        read_crosswalk(f)


def test_ndcg() -> None:
    assert ndcg_at(["a", "b"], {"a"}, 10) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], {"a"}, 10) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert ndcg_at(["x", "y"], {"a"}, 10) == 0.0
