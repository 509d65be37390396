"""Learned matching: SOC code resolution, the family prior, the weights file, the scorer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from skillmatch.errors import ArtifactError
from skillmatch.matching.codes import SocResolver
from skillmatch.matching.features import idf_cosine, idf_weight, max_by_group, unit_rows
from skillmatch.matching.prior import FamilyPrior
from skillmatch.matching.weights import (
    FORMAT,
    WEIGHTS_FILE,
    MatchingWeights,
    fit_model,
    load_weights,
)


def test_resolver_tiers() -> None:
    r = SocResolver({"15-1252.00", "15-1253.00", "29-1141.00", "29-1171.00"},
                    onet_2010={"15-1132.00": {"15-1252.00"}},
                    soc_2010={"29-1199": {"29-1171"}})
    assert r.resolve("29-1141.00") == ({"29-1141"}, "onet-2019")
    assert r.resolve("15-1132.00") == ({"15-1252"}, "onet-2010")
    assert r.resolve("29-1199.05") == ({"29-1171"}, "soc-2010")
    assert r.resolve("29-1141.99") == ({"29-1141"}, "soc-2018")
    assert r.resolve("15-1250.00") == ({"15-1252", "15-1253"}, "soc-broad")
    assert r.resolve("11-1000.00") == (set(), "unresolved")


@pytest.mark.shared
def test_real_crosswalks_resolve_most_etpl_codes(shared: Path) -> None:
    from skillmatch.datasets import read_etpl

    rows = (shared / "onet-29.2-text" / "Occupation Data.txt").read_text(encoding="utf-8")
    onet = {line.split("\t")[0] for line in rows.splitlines()[1:] if line}
    r = SocResolver.from_shared(shared / "onet-soc-crosswalks", onet)
    codes = {c for p in read_etpl(shared / "twc-etpl" / "twc_etpl_2024-10-02.xlsx")
             for c in p.onet_codes}
    how = [r.resolve(c)[1] for c in codes]
    assert how.count("onet-2019") == 406 and how.count("unresolved") == 49


def test_prior_counts_families_and_leaves_a_program_out() -> None:
    gold = {"51.3902": {"31-1131"}, "51.3901": {"31-1131", "29-2061"},
            "11.0701": {"15-1252"}}
    prior = FamilyPrior.fit(gold)
    socs = ["15-1252", "29-2061", "31-1131"]
    f = prior.features(["51.3999", "11.0101", None], socs)
    assert f["prior_soc"].shape == (3, 3)
    assert f["prior_soc"][0, 2] > f["prior_soc"][0, 0]  # nursing series -> aides
    assert f["prior_major"][1, 0] > f["prior_major"][1, 2]  # 11 -> computer occupations
    assert np.allclose(f["prior_major"][2], f["prior_major"][2].mean(), atol=1.0)
    loo = prior.features(["11.0701"], socs, leave_out=gold)
    # its own pair removed, the only 11.07 program no longer vouches for 15-1252
    assert loo["prior_soc"][0, 0] < prior.features(["11.0701"], socs)["prior_soc"][0, 0]
    again = FamilyPrior.from_json(json.loads(json.dumps(prior.to_json())))
    assert np.array_equal(again.features(["51.3999"], socs)["prior_minor"],
                          prior.features(["51.3999"], socs)["prior_minor"])


def test_max_by_group() -> None:
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    items = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    out = max_by_group(q, items, np.array([0, 0, 1]), 2, chunk=1)
    assert np.allclose(out, [[1.0, 0.0], [0.8, 1.0]])


def test_sparse_idf_cosine_matches_dense() -> None:
    from scipy import sparse

    rng = np.random.default_rng(0)
    programs = ((rng.random((5, 400)) > 0.95) * rng.random((5, 400))).astype(np.float32)
    occupations = unit_rows(((rng.random((9, 400)) > 0.9) * rng.random((9, 400))
                             ).astype(np.float32))
    p, o = idf_weight(programs, occupations)
    assert np.allclose(idf_cosine(programs, sparse.csr_matrix(occupations)), p @ o.T,
                       atol=1e-6)


def _synthetic(seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Programs x occupations where ``good`` carries the signal and ``noise`` does not."""
    rng = np.random.default_rng(seed)
    labels = np.zeros((40, 30), dtype=np.int8)
    labels[np.arange(40), rng.integers(0, 30, 40)] = 1
    good = labels + rng.normal(0, 0.4, labels.shape)
    return {"good": good, "noise": rng.normal(0, 1, labels.shape)}, labels


def _recall_at_1(sim: np.ndarray, labels: np.ndarray) -> float:
    return float(labels[np.arange(len(sim)), sim.argmax(axis=1)].mean())


def test_learned_scorer_beats_a_bad_one() -> None:
    feats, labels = _synthetic()
    scorer = fit_model(feats, labels, np.arange(20), ["good", "noise"])
    assert scorer.coef[0] > 5 * abs(scorer.coef[1])
    test = {k: v[20:] for k, v in feats.items()}
    bad = 0.1 * test["good"] + 0.9 * test["noise"]
    assert _recall_at_1(scorer.score(test), labels[20:]) > _recall_at_1(bad, labels[20:]) + 0.3


def test_weights_json_round_trip(tmp_path: Path) -> None:
    feats, labels = _synthetic()
    scorer = fit_model(feats, labels, np.arange(40), ["good", "noise"], seed=3)
    w = MatchingWeights({"program_to_occupations": scorer},
                        FamilyPrior.fit({"51.3902": {"31-1131"}}), {"seed": 3})
    path = w.save(tmp_path / "w.json")
    back = load_weights(path)
    assert back.meta == {"seed": 3}
    assert np.allclose(back.scorer("program_to_occupations").score(feats), scorer.score(feats))
    with pytest.raises(ArtifactError, match="no 'occupation_to_programs' scorer"):
        back.scorer("occupation_to_programs")
    with pytest.raises(ArtifactError, match="need feature"):
        scorer.score({"good": feats["good"]})
    data = json.loads(path.read_text())
    data["scorers"]["program_to_occupations"]["coef"] = [1.0]
    path.write_text(json.dumps(data))
    with pytest.raises(ArtifactError, match="malformed"):
        load_weights(path)
    path.write_text(json.dumps({"format": "other"}))
    with pytest.raises(ArtifactError, match="format"):
        load_weights(path)
    with pytest.raises(ArtifactError, match="no matching weights"):
        load_weights(tmp_path / "missing.json")


def test_shipped_weights_load() -> None:
    w = load_weights(WEIGHTS_FILE)
    assert json.loads(WEIGHTS_FILE.read_text())["format"] == FORMAT
    for direction in ("occupation_to_programs", "program_to_occupations"):
        s = w.scorer(direction)
        assert "text" in s.features and "prior_major" in s.features
    assert w.meta["fitted_on"] == "CIP2020_SOC2018_Crosswalk_dev-half.csv"


def test_cli_etpl_names_a_bad_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from skillmatch.cli import main

    bad = tmp_path / "etpl.xlsx"
    bad.write_text("not a workbook")
    out = CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), "--embedder", "fake",
                                    "eval", "matching", "--dataset", "etpl", "--etpl", str(bad)])
    assert out.exit_code == 1
    assert f"{bad}: not an xlsx workbook" in out.output
