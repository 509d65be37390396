"""``/v1/alignments``: a catalogued credential or posted text."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def test_align_a_catalogued_credential(client) -> None:
    body = client.post("/v1/alignments", json={"credential": "cna", "k": 2}).json()
    assert body["credential"] == {"id": "cna", "title": "Nurse Aide"}
    assert 0 <= body["alignment"] <= 1
    assert {s["id"] for s in body["covered_in_demand"]} == {"s:cpr", "s:vitals"}
    assert len(body["suggested_additions"]) == 2 and body["prepares_for"]
    assert body["targets"][0]["occupation"]["code"] == "31-1131.00"


def test_align_posted_text_against_chosen_occupations(client) -> None:
    body = client.post("/v1/alignments", json={
        "description": "MIG welding of steel parts, working in teams.",
        "occupations": ["51-4121.00"]}).json()
    assert body["credential"]["id"] is None
    assert [t["occupation"]["code"] for t in body["targets"]] == ["51-4121.00"]
    assert "s:weld" in {s["id"] for s in body["covered_in_demand"]}


def test_align_errors(client) -> None:
    assert_problem(client.post("/v1/alignments", json={}), 422, "credential")
    assert_problem(client.post("/v1/alignments", json={"credential": "cna",
                                                       "description": "x"}), 422,
                   "description")
    body = assert_problem(client.post("/v1/alignments", json={"credential": "nope"}), 404)
    assert "nope" in body["detail"]
