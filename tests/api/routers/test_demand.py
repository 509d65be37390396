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


def test_demand_with_trends(client) -> None:
    body = client.get("/v1/demand", params={"trend": "true"}).json()
    # the year to the reference date (2026-10-01) against the year before
    assert body["trend"] == {"window": ["2025-10-02", "2026-10-02"],
                             "previous_window": ["2024-10-02", "2025-10-02"],
                             "records": 8, "previous_records": 3}
    trends = {s["skill"]["id"]: s["trend"] for s in body["skills"]}
    assert trends["s:weld"]["previous_share"] == 1.0  # the 2025 welding postings
    assert trends["s:weld"]["change"] < 0 < trends["s:cpr"]["change"]
    for t in trends.values():
        assert t["change"] == round(t["share"] - t["previous_share"], 4)
    this_year = client.get("/v1/demand", params={"since": "2025-10-02",
                                                 "until": "2026-10-02"}).json()
    shares = {s["skill"]["id"]: s["share"] for s in this_year["skills"]}
    assert all(abs(trends[k]["share"] - v) < 1e-3 for k, v in shares.items() if k in trends)
    windowed = client.get("/v1/demand", params={"trend": "true", "since": "2026-01-01",
                                                "until": "2026-07-01"}).json()
    assert windowed["trend"]["previous_window"] == ["2025-07-04", "2026-01-01"]  # 181 days
    assert "trend" not in client.get("/v1/demand").json()["skills"][0]


def test_a_skills_demand_series(client) -> None:
    body = client.get("/v1/demand/skills/s:cpr/series").json()
    assert body["skill"]["id"] == "s:cpr" and body["interval"] == "month"
    months = body["points"]
    assert len(months) == 12 and months[-1]["start"] == "2026-10-01"
    assert body["slice"]["window"] == ["2025-11-01", "2026-11-01"]
    assert months[-1]["records"] == 7 and months[-1]["share"] == 1.0
    assert months[-2]["records"] == 1 and months[-2]["postings"] == 0  # the welding need
    assert all(p["share"] == 0.0 for p in months if not p["records"])
    quarters = client.get("/v1/demand/skills/s:weld/series", params={
        "interval": "quarter", "since": "2025-01-15", "until": "2026-01-01",
        "occupation": "51-4121.00"}).json()
    assert [p["start"] for p in quarters["points"]] == [
        "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
    assert sum(p["postings"] for p in quarters["points"]) == 3
    assert quarters["target"]["code"] == "51-4121.00"
    ohio = client.get("/v1/demand/skills/s:weld/series", params={
        "region": "OH", "interval": "year", "since": "2025-01-01"}).json()
    assert [p["postings"] for p in ohio["points"]] == [3, 1]


def test_series_errors(client) -> None:
    body = assert_problem(client.get("/v1/demand/skills/s:nope/series"), 404)
    assert "s:nope" in body["detail"]
    assert_problem(client.get("/v1/demand/skills/s:cpr/series",
                              params={"interval": "week"}), 422, "interval")
    assert_problem(client.get("/v1/demand/skills/s:cpr/series",
                              params={"since": "1900-01-01"}), 422, "since")
    assert_problem(client.get("/v1/demand/skills/s:cpr/series",
                              params={"since": "2026-05-01", "until": "2026-03-01"}),
                   422, "since")
    assert_problem(client.get("/v1/demand/skills/s:cpr/series",
                              params={"taxonomy": "onet"}), 404)


def test_a_trend_needs_a_window_before_the_reference_date(client) -> None:
    body = assert_problem(client.get("/v1/demand", params={"trend": "true",
                                                           "since": "2027-01-01"}), 422, "since")
    assert "2026-10-01" in body["detail"]  # the reference date, named
    assert client.get("/v1/demand", params={"since": "2027-01-01"}).json()["records"] == 0
