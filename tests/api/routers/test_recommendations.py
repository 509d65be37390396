"""``/v1/recommendations``: free text, a target occupation, known skills and every
filter of the flow."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def _ids(body: dict) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_by_occupation_explains_each_credential(client) -> None:
    body = client.post("/v1/recommendations", json={"occupation": "31-1131.00", "k": 2,
                                                    "known_skills": ["CPR", "zzz"]}).json()
    assert body["occupation"]["code"] == "31-1131.00"
    assert body["occupation"]["resolved_by"] == "code"
    assert body["known_skills"] == ["perform cardiopulmonary resuscitation"]
    assert body["unresolved_skills"] == ["zzz"]
    assert len(body["results"]) == 2
    first = next(r for r in body["results"] if r["id"] == "cna")
    assert first["cost"] == 0.0 and first["hours"] == 120.0
    assert {s["id"] for s in first["in_demand_skills"]} >= {"s:vitals"}
    assert first["postings"] and first["postings"][0]["title"] == "Nursing Assistant"
    assert 0 <= first["relevance"] <= 1 and 0 <= first["value"] <= 1
    assert body["provenance"]["model"] == "fake-hash-256"


def test_by_title_and_free_text(client) -> None:
    titled = client.post("/v1/recommendations", json={"occupation": "Nurse Aide"}).json()
    assert titled["occupation"]["code"] == "31-1131.00"
    text = client.post("/v1/recommendations", json={"query": "MIG welding", "k": 3}).json()
    assert text["query"] == "MIG welding" and "occupation" not in text
    assert "implied_targets" in text and len(text["results"]) == 3


def test_every_filter_reaches_the_flow(client) -> None:
    def ask(**filters) -> dict:
        return client.post("/v1/recommendations",
                           json={"query": "patient care", "k": 10, **filters}).json()

    assert _ids(ask(max_cost=100)) and "weld" not in _ids(ask(max_cost=100))
    assert "team" not in _ids(ask(max_hours=50, types=["certification", "certificate"]))
    assert _ids(ask(delivery=["online"])) == ["team"]
    assert "weld" not in _ids(ask(region="TX"))  # offered in OH, in person
    body = ask(max_cost=100, include_unknown_cost=True, include_unknown_hours=True,
               max_hours=500)
    assert body["filters"] == {"max_cost": 100.0, "max_hours": 500.0,
                               "include_unknown_cost": True, "include_unknown_hours": True}
    none = ask(types=["license"])
    assert none["results"] == [] and "no credential passes the filters" in none["reason"]


def test_bad_requests_name_the_field(client) -> None:
    assert_problem(client.post("/v1/recommendations", json={}), 422, "query")
    assert_problem(client.post("/v1/recommendations", json={"query": "x", "max_cost": -1}),
                   422, "max_cost")
    assert_problem(client.post("/v1/recommendations", json={"query": "x", "types": ["pdf"]}),
                   422, "types.0")
    assert_problem(client.post("/v1/recommendations", json={"query": "x", "k": 0}), 422, "k")
    assert_problem(client.post("/v1/recommendations",
                               content=b'{"query": "x", "max_cost": NaN}',
                               headers={"content-type": "application/json"}), 422, "max_cost")
