"""The learned, calibrated candidate score."""

import json

import numpy as np
import pytest

from skillmatch.errors import ArtifactError
from skillmatch.linking.ranker import (
    FEATURES,
    RankerModel,
    expected_calibration_error,
    feature_rows,
    fit_ranker,
    reliability,
)


def _data(n_texts: int = 200, per_text: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_texts * per_text, len(FEATURES)))
    logit = 2.5 * x[:, FEATURES.index("label_cos")] - 1.5
    y = (rng.random(len(x)) < 1 / (1 + np.exp(-logit))).astype(float)
    groups = np.repeat(np.arange(n_texts), per_text)
    return x, y, groups


def test_learns_the_informative_feature_and_is_calibrated() -> None:
    x, y, groups = _data()
    model, oof = fit_ranker(x, y, groups, folds=5)
    weights = dict(zip(model.features, model.coef))
    assert weights["label_cos"] == max(weights.values()) and weights["label_cos"] > 1.0
    table = reliability(oof, y)
    assert sum(r["count"] for r in table) == len(y)
    assert expected_calibration_error(table) < 0.06
    # a constant score is badly calibrated where the truth varies
    assert expected_calibration_error(reliability(np.full(len(y), 0.9), y)) > 0.3


def test_json_round_trip_predicts_the_same(tmp_path) -> None:
    x, y, groups = _data(50)
    model, _ = fit_ranker(x, y, groups, folds=3)
    model.meta = {"model": "m@onnx-abc"}
    path = model.save(tmp_path)
    loaded = RankerModel.load(tmp_path)
    assert loaded is not None and loaded.meta == {"model": "m@onnx-abc"}
    np.testing.assert_allclose(loaded.predict(x), model.predict(x))
    assert path.read_text().lstrip().startswith("{")  # JSON, never a pickle
    assert RankerModel.load(tmp_path / "none") is None


def test_a_ranker_from_another_version_is_refused(tmp_path) -> None:
    (tmp_path / "ranker.json").write_text(json.dumps(
        {"features": ["score", "shoe_size"], "mean": [0, 0], "scale": [1, 1],
         "coef": [1, 1], "intercept": 0}))
    with pytest.raises(ArtifactError, match="shoe_size"):
        RankerModel.load(tmp_path)
    (tmp_path / "ranker.json").write_text(json.dumps({"features": ["score"]}))
    with pytest.raises(ArtifactError, match="ranker.json"):
        RankerModel.load(tmp_path)


def test_relative_features_come_from_the_other_candidates() -> None:
    rows = feature_rows([{"score": 0.5}, {"score": 0.8}, {"score": 0.2}])
    rel, rank = FEATURES.index("relative"), FEATURES.index("rank")
    np.testing.assert_allclose(rows[:, rel], [-0.3, 0.0, -0.6])
    assert rows[1, rank] == 0.0 and rows[2, rank] > rows[0, rank] > 0
    assert feature_rows([]).shape == (0, len(FEATURES))


def test_needs_both_classes() -> None:
    x, _, groups = _data(10)
    with pytest.raises(ArtifactError, match="right and wrong"):
        fit_ranker(x, np.zeros(len(x)), groups)
