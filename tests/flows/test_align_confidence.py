"""align's "prepares for" says when its best entries are weak (fake embedder)."""

from __future__ import annotations

from click.testing import CliRunner

from skillmatch.cli import main
from skillmatch.flows.report import alignment_markdown
from tests.flow_data import import_catalogue


def test_weak_prepares_for_is_flagged(with_onet) -> None:
    strong = with_onet.align("cna")["prepares_for_confidence"]
    assert strong["low_confidence"] is False and strong["reason"] is None
    report = with_onet.align("team")  # a teamwork badge: no occupation scores above 0
    assert all(p["score"] < 0 for p in report["prepares_for"])
    flag = report["prepares_for_confidence"]
    assert flag["low_confidence"] is True and flag["best_score"] < flag["threshold"] == 0.0
    assert "every entry scores below 0" in flag["reason"]
    assert "targets were taken from these entries" in flag["reason"]  # none were given
    given = with_onet.align("team", occupations=["31-1131.00"])["prepares_for_confidence"]
    assert given["low_confidence"] is True and "targets were taken" not in given["reason"]
    assert "Low confidence:" in alignment_markdown(report)
    out = CliRunner().invoke(main, ["--home", str(with_onet.settings.home), "--embedder",
                                    "fake", "align", "team"])
    assert out.exit_code == 0, out.output
    assert "Low confidence:" in out.output


def test_the_fixed_formula_is_flagged_too(app, tmp_path) -> None:
    loaded = import_catalogue(app, tmp_path)  # no O*NET: the fixed formula
    report = loaded.align(description="Quantum knitting for astronauts.")
    flag = report["prepares_for_confidence"]
    assert report["prepares_for_basis"]["learned"] is False
    assert flag["low_confidence"] is True and flag["threshold"] > 0
    assert loaded.align("cna")["prepares_for_confidence"]["low_confidence"] is False
