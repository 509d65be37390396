"""SkillSkape reading, label mapping and ranking metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillmatch.errors import InputError
from skillmatch.evaluation.metrics import reciprocal_rank as mrr
from skillmatch.evaluation.skillskape import gold_codes, load_skillskape, rp_at, score


def test_reads_list_literals_and_counts_unknown_labels(tmp_path: Path) -> None:
    f = tmp_path / "test.csv"
    f.write_text(',sentence,skills\n0,"Use Python daily.","[\'Python (computer programming)\']"\n'
                 '1,"Lead, and inspire.","[\'lead others\', \'an invented skill\']"\n'
                 '2,Nothing known.,"[\'made up\']"\n', encoding="utf-8")
    rows = load_skillskape(f)
    assert rows[1] == ("Lead, and inspire.", ["lead others", "an invented skill"])
    scored, counts = gold_codes(rows, {"python computer programming": "S1", "lead others": "S2"})
    assert scored == [("Use Python daily.", {"S1"}), ("Lead, and inspire.", {"S2"})]
    assert (counts["scored"], counts["gold_labels"], counts["unknown_labels"]) == (2, 4, 2)
    assert counts["unknown_examples"] == ["an invented skill", "made up"]


def test_bad_files(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(",sentence,skills\n0,x,\"__import__('os')\"\n")
    with pytest.raises(InputError, match="line 2.*not a list literal"):
        load_skillskape(f)
    f.write_text(",text,labels\n0,x,[]\n")
    with pytest.raises(InputError, match="missing column"):
        load_skillskape(f)


def test_metrics() -> None:
    assert rp_at(["a", "x", "b"], {"a", "b"}, 5) == 1.0  # denominator min(5, 2)
    assert rp_at(["x", "y", "z", "w", "v", "a"], {"a"}, 5) == 0.0
    assert mrr(["x", "a"], {"a"}) == 0.5 and mrr(["x"], {"a"}) == 0.0
    assert score([["a"], ["x"]], [{"a"}, {"a"}])["MRR"] == 0.5
