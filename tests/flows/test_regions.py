"""Region filters in the flows: a state covers its places (fake embedder)."""

import json

import pytest

from skillmatch.flows.recommend import region_matches
from tests.flow_data import POSTINGS

CREDENTIALS = [
    {"id": "norfolk", "title": "Welding I", "region": "VA-Norfolk", "delivery": "in person",
     "description": "MIG welding in the shop."},
    {"id": "virginia", "title": "Welding II", "region": "VA", "delivery": "in person",
     "description": "MIG welding of steel parts."},
    {"id": "statewide", "title": "Welding III", "region": "statewide-VA",
     "delivery": "hybrid", "description": "MIG welding and inspection."},
    {"id": "ohio", "title": "Welding IV", "region": "OH-Columbus", "delivery": "in person",
     "description": "MIG welding for beginners."},
    {"id": "online", "title": "Welding theory", "region": "OH", "delivery": "online",
     "description": "MIG welding explained; take vital signs after a burn."},
]


def test_region_matches() -> None:
    assert region_matches("VA-Norfolk", "in person", "VA")
    assert region_matches("va-norfolk", "in person", "VA - Norfolk")
    assert not region_matches("VA", "in person", "VA-Norfolk")
    assert region_matches("statewide-VA", "in person", "VA-Norfolk")  # offered statewide
    assert not region_matches("statewide-OH", "in person", "VA-Norfolk")
    assert region_matches("OH-Columbus", "online", "VA")  # online reaches everywhere
    assert not region_matches("OH-Columbus", "in person", "VA")


@pytest.fixture
def loaded(app, tmp_path):
    postings = [dict(p, region="VA-Norfolk" if p["id"] in ("p0", "p1") else
                     "VA" if p["id"] == "p2" else p["region"]) for p in POSTINGS]
    for kind, rows in (("posting", postings), ("credential", CREDENTIALS)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        app.import_records(kind, path)
    return app


def test_recommend_region(loaded) -> None:
    def ids(region: str) -> set[str]:
        return {r["id"] for r in loaded.recommend("welding", region=region)["results"]}

    assert ids("VA") == {"norfolk", "virginia", "statewide", "online"}
    assert ids("va-norfolk") == {"norfolk", "statewide", "online"}
    assert ids("OH") == {"ohio", "online"}


def test_demand_region(loaded) -> None:
    assert loaded.demand(region="VA")["records"] == 3
    assert loaded.demand(region="VA-Norfolk")["records"] == 2
    table = loaded.demand(region="VA-Norfolk", top=1)
    assert set(table["skills"][0]["postings_behind"]) <= {"p0", "p1"}


def test_postings_behind_a_regional_result_are_from_the_region(loaded) -> None:
    out = loaded.recommend("welding", region="VA-Norfolk")
    behind = [p for r in out["results"] for p in r["postings"]]
    assert behind and {p["region"] for p in behind} == {"VA-Norfolk"}
    everywhere = loaded.recommend("welding")
    assert {p["region"] for r in everywhere["results"] for p in r["postings"]} - {"VA-Norfolk"}
