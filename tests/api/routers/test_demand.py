"""``/v1/demand``: region, occupation, window, top, order."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def test_demand_slices(client) -> None:
    everything = client.get("/v1/demand").json()
    assert everything["records"] == 11  # 9 postings + 2 needs
    assert everything["skills"][0]["skill"]["id"] in {"s:cpr", "s:vitals"}
    texas = client.get("/v1/demand", params={"region": "TX", "top": 2}).json()
    assert texas["records"] == 7 and len(texas["skills"]) == 2
    assert texas["slice"]["region"] == "TX"
    welders = client.get("/v1/demand", params={"occupation": "51-4121.00"}).json()
    assert welders["target"]["code"] == "51-4121.00" and "tiers" in welders
    assert welders["skills"][0]["skill"]["id"] == "s:weld"
    recent = client.get("/v1/demand", params={"since": "2026-01-01"}).json()
    assert recent["records"] == 8  # the 2025 welding postings left out
    assert recent["slice"]["window"] == ["2026-01-01", "9999-12-31"]
    by_share = client.get("/v1/demand", params={"order": "share", "top": 1}).json()
    assert by_share["skills"][0]["share"] == max(s["share"] for s in everything["skills"])


def test_demand_errors(client) -> None:
    assert_problem(client.get("/v1/demand", params={"since": "2026-02-01",
                                                    "until": "2026-01-01"}), 422, "since")
    assert_problem(client.get("/v1/demand", params={"since": "yesterday"}), 422, "since")
    assert_problem(client.get("/v1/demand", params={"order": "fun"}), 422, "order")
    assert_problem(client.get("/v1/demand", params={"top": 0}), 422, "top")
