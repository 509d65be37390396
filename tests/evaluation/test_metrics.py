import pytest

from skillmatch.evaluation import metrics


def test_ranking_metrics() -> None:
    ranked, rel = ["a", "x", "b", "y"], {"a", "b", "c"}
    assert metrics.average_precision(ranked, rel) == pytest.approx((1 + 2 / 3) / 3)
    assert metrics.r_precision(ranked, rel) == pytest.approx(2 / 3)
    assert metrics.recall_at(ranked, rel, 2) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["x", "b"], rel) == 0.5


def test_span_rules() -> None:
    assert metrics.overlaps((0, 5), (4, 6), "loose")
    assert not metrics.overlaps((0, 5), (4, 6), "strict")
    assert metrics.overlaps((0, 4), (1, 4), "strict")
    prf = metrics.span_prf([[(0, 2), (5, 6)]], [[(1, 3)]], "loose")
    assert (prf["precision"], prf["recall"]) == (0.5, 1.0)
