"""Demand and recommendations on a tiny catalogue (fake embedder)."""

import json

import pytest

from skillmatch.demand import DemandModel, DemandRecord
from skillmatch.errors import InputError, NotFoundError

POSTINGS = [
    {"id": f"p{i}", "title": "Nursing Assistant", "occupation_code": "31-1131.00",
     "region": "TX-Houston", "date_posted": "2026-10-01", "openings": 2,
     "description": "Take vital signs and administer CPR. Work in teams."}
    for i in range(6)
] + [
    {"id": f"w{i}", "title": "Welder", "occupation_code": "51-4121.00", "region": "OH-Columbus",
     "date_posted": "2025-10-01", "openings": 1,
     "description": "MIG welding of steel parts. Work in teams."}
    for i in range(3)
]
CREDENTIALS = [
    {"id": "cna", "title": "Nurse Aide", "type": "certification", "cost": 0, "hours": 120,
     "region": "TX-Houston", "delivery": "in person",
     "description": "Take vital signs and administer CPR in clinical rotations."},
    {"id": "weld", "title": "Welding I", "type": "certificate", "cost": 900, "hours": 200,
     "region": "OH-Columbus", "delivery": "in person",
     "description": "MIG welding in the shop, working in teams."},
    {"id": "team", "title": "Teamwork Badge", "type": "badge", "cost": 0, "hours": 10,
     "delivery": "online", "description": "Work in teams on projects."},
]


@pytest.fixture
def loaded(app, tmp_path):
    for kind, rows in (("posting", POSTINGS), ("credential", CREDENTIALS)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        app.import_records(kind, path)
    return app


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
