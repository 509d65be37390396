"""Demand and recommendations on a tiny catalogue (fake embedder)."""

import pytest

from skillmatch.demand import DemandModel, DemandRecord
from skillmatch.errors import InputError, NotFoundError
from skillmatch.flows.occupation_match import cip_of
from skillmatch.flows.report import alignment_markdown
from skillmatch.matching.weights import load_weights
from tests.flow_data import ONET, import_catalogue, onet_bundle


@pytest.fixture
def loaded(app, tmp_path):
    return import_catalogue(app, tmp_path)


def test_demand_weights_decay_and_specificity() -> None:
    records = [DemandRecord("posting", i, f"p{i}", "R", "occ", "2026-01-01", 1) for i in range(3)]
    records.append(DemandRecord("posting", 3, "old", "R", "occ", "2025-01-01", 4))
    mentions = [(0, 7, ""), (1, 7, ""), (2, 7, ""), (3, 7, ""), (0, 9, ""), (0, 9, "")]
    model = DemandModel(half_life_days=365).fit(records, mentions)
    stats = model.skills()
    assert stats[7]["postings"] == 4 and stats[9]["postings"] == 1  # one mention per record
    assert model.weight_[3] == pytest.approx(4 * 0.5)  # a year old: half of 4 openings
    assert stats[7]["share"] == pytest.approx(1.0)
    assert stats[7]["specificity"] == 0.0 and stats[9]["specificity"] == 1.0
    assert stats[9]["score"] > stats[7]["score"]


def test_tiers_and_fallback(loaded) -> None:
    model = loaded.demand_model
    tiers = model.tiers("31-1131.00")
    necessary = {r["skill_id"] for r in tiers["necessary"]}
    rows = loaded.taxonomies.skills_by_id(necessary)
    assert {"s:vitals", "s:cpr"} <= {r.code for r in rows.values()}
    assert model.tiers("51-4121.00")["fallback"] is True  # 3 postings < min_postings 5


def test_demand_table_traces_postings(loaded) -> None:
    table = loaded.demand(region="TX-Houston", top=3)
    assert table["records"] == 6
    top = table["skills"][0]
    assert top["postings"] == 6 and len(top["postings_behind"]) == 3
    assert all(code.startswith("p") for code in top["postings_behind"])


def test_recommend_for_an_occupation(loaded) -> None:
    out = loaded.recommend(occupation="31-1131.00", k=3)
    assert out["occupation"]["resolved_by"] == "code used by postings"
    assert out["results"][0]["id"] == "cna"
    best = out["results"][0]
    assert {s["id"] for s in best["in_demand_skills"]} >= {"s:vitals", "s:cpr"}
    assert best["postings"] and best["postings"][0]["title"] == "Nursing Assistant"
    assert best["cost"] == 0 and best["hours"] == 120
    knows = loaded.recommend(occupation="31-1131.00", known_skills=["CPR", "take vital signs"])
    cna = next(r for r in knows["results"] if r["id"] == "cna")
    assert cna["value"] < best["value"]  # nothing new to add


def test_recommend_filters_and_errors(loaded) -> None:
    cheap = loaded.recommend("welding", max_cost=100)
    assert "weld" not in [r["id"] for r in cheap["results"]]
    none = loaded.recommend("welding", types=["license"])
    assert none["results"] == [] and "no credential passes the filters" in none["reason"]
    with pytest.raises(InputError, match="nothing to recommend"):
        loaded.recommend("  ")
    with pytest.raises(InputError, match="max_cost"):
        loaded.recommend("x", max_cost=-1)
    with pytest.raises(NotFoundError, match="no occupation matches 'astronaut'"):
        loaded.recommend(occupation="astronaut")


def test_align_a_credential_and_a_description(loaded) -> None:
    report = loaded.align("cna", occupations=["31-1131.00"])
    # every nursing posting asks for vital signs, CPR and teamwork; the aide course
    # teaches the first two (linked, confidence below 1) but not teamwork
    assert 0.3 < report["alignment"] < 2 / 3
    assert [s["id"] for s in report["missing_in_demand"]] == ["s:teamwork"]
    covered = {s["id"] for s in report["covered_in_demand"]}
    assert {"s:vitals", "s:cpr"} <= covered
    assert report["prepares_for"][0]["code"] == "31-1131.00"
    assert report["similar_credentials"][0]["id"] != "cna"
    free = loaded.align(description="MIG welding of steel parts.", occupations=["31-1131.00"])
    assert free["alignment"] < report["alignment"]
    assert {s["id"] for s in free["suggested_additions"]} & {"s:vitals", "s:cpr"}
    with pytest.raises(NotFoundError, match="no credential with id 'nope'"):
        loaded.align("nope")
    with pytest.raises(InputError, match="credential id or a description"):
        loaded.align(description=" ")


def test_post_need_counts_at_once(loaded) -> None:
    before = loaded.demand_model.size()["records"]
    out = loaded.post_need("Clinic", role="aide", occupation="31-1131.00",
                           required=["CPR", "welding"], preferred=["quantum knitting"],
                           openings=4, date="2026-10-02")
    assert {u["id"] for u in out["understood"]} == {"s:cpr", "s:weld"}
    assert out["not_linked"] == ["quantum knitting"]
    assert out["demand_records"] == before + 1
    assert {c["id"] for c in out["credentials"]} >= {"cna", "weld"}


def test_pathway_covers_demand_cheaply(loaded) -> None:
    out = loaded.pathway("31-1131.00", target_coverage=1.0)
    assert out["steps"][0]["id"] in {"cna", "team"}
    assert out["coverage"] == 1.0 and out["uncovered"] == []
    assert [s["coverage_after"] for s in out["steps"]] == sorted(
        s["coverage_after"] for s in out["steps"])
    with pytest.raises(InputError, match="expected cost or hours"):
        loaded.pathway("31-1131.00", by="weeks")


def test_prepares_for_uses_the_learned_scorer(with_onet) -> None:
    shipped = load_weights()
    report = with_onet.align("cna", occupations=["31-1131.00"])
    basis = report["prepares_for_basis"]
    assert basis["learned"] is True and basis["method"] == "learned"
    assert basis["weights"] == "skillmatch/matching/weights.json"
    assert basis["fitted_model"] == shipped.meta["embedding_model"]
    assert basis["same_model"] is False  # fitted with MiniLM, scored with the fake embedder
    assert basis["candidates"] == len(ONET) and basis["signals_missing"] == {}
    assert basis["skills_linked_against"] == {"esco": "1.0"}
    assert basis["signals_used"] == shipped.scorer("program_to_occupations").features
    best = report["prepares_for"][0]
    assert (best["code"], best["soc"], best["label"]) == (
        "31-1131.00", "31-1131", "Nursing Assistants")
    assert {"text", "skills", "title", "description", "lexical"} <= set(best["signals"])
    assert set(best["contributions"]) == set(best["signals"])
    intercept = shipped.scorer("program_to_occupations").intercept
    assert best["score"] == pytest.approx(intercept + sum(best["contributions"].values()),
                                          abs=1e-3)
    assert best["provenance"] == {k: basis[k] for k in best["provenance"]}
    assert best["provenance"]["method"] == "learned" and best["provenance"]["weights_sha256"]
    scores = [p["score"] for p in report["prepares_for"]]
    assert scores == sorted(scores, reverse=True)
    assert "Ranked by the learned matching model" in alignment_markdown(report)
    # without explicit targets the learned ranking picks them
    assert with_onet.align("weld")["targets"][0]["occupation"]["code"] == "51-4121.00"


def test_cip_code_brings_the_prior(with_onet) -> None:
    cna = with_onet.align("cna", k=5)  # the record carries cip_code 51.3902
    assert cna["prepares_for_basis"]["cip"] == "51.3902"
    assert {"prior_major", "prior_minor", "prior_soc"} <= set(cna["prepares_for"][0]["signals"])
    weld = with_onet.align("weld", k=5)  # no CIP code: the prior is left at its mean
    basis = weld["prepares_for_basis"]
    assert basis["cip"] is None
    assert set(basis["signals_missing"]) == {"prior_major", "prior_minor", "prior_soc"}
    assert "no CIP code" in basis["signals_missing"]["prior_soc"]
    assert not any(s.startswith("prior_") for s in weld["prepares_for"][0]["signals"])
    assert weld["prepares_for"][0]["code"] == "51-4121.00"
    free = with_onet.align(description="MIG welding of steel parts.", k=3)
    assert "title" in free["prepares_for_basis"]["signals_missing"]
    assert free["prepares_for"][0]["code"] == "51-4121.00"
    assert cip_of('{"cip_code": "513902"}') == "51.3902"
    assert cip_of({"cip": "1.0101"}) == "01.0101" and cip_of({"cip": "11.01"}) == "11.01"
    assert cip_of({"cip_code": "nursing"}) is None and cip_of("{}") is None


def test_skill_profiles_need_esco(loaded) -> None:
    loaded.taxonomies.save(onet_bundle())  # O*NET, but skills linked against the custom "tiny"
    report = loaded.align("cna", k=3)
    basis = report["prepares_for_basis"]
    assert basis["learned"] is True
    assert list(basis["signals_missing"]) == ["skills"]
    assert "tiny" in basis["signals_missing"]["skills"]
    assert "skills" not in report["prepares_for"][0]["signals"]
    assert report["prepares_for"][0]["code"] == "31-1131.00"


def test_prepares_for_falls_back_without_occupations(loaded) -> None:
    report = loaded.align("cna", occupations=["31-1131.00"])  # no onet taxonomy loaded
    basis = report["prepares_for_basis"]
    assert basis["learned"] is False and basis["method"] == "fixed"
    assert "no O*NET occupations loaded" in basis["reason"]
    best = report["prepares_for"][0]
    assert best["code"] == "31-1131.00"  # the nursing postings' centroid
    assert best["provenance"]["method"] == "fixed"
    assert best["score"] == pytest.approx(
        0.5 * best["text_similarity"] + 0.5 * best["skill_overlap"], abs=1e-3)
    assert set(best["signals"]) == {"text_similarity", "skill_overlap"}
    assert "Ranked by 0.5 * text_similarity" in alignment_markdown(report)
