"""``/v1/pathways``."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def test_pathway_toward_an_occupation(client) -> None:
    body = client.post("/v1/pathways", json={"occupation": "31-1131.00"}).json()
    assert body["occupation"]["code"] == "31-1131.00" and body["by"] == "cost"
    assert body["steps"][0]["id"] == "cna" and body["reached"] is True
    assert body["coverage"] >= body["target_coverage"] == 0.8
    by_hours = client.post("/v1/pathways", json={"occupation": "31-1131.00", "by": "hours",
                                                 "max_steps": 1,
                                                 "target_coverage": 1.0}).json()
    assert len(by_hours["steps"]) == 1 and by_hours["reached"] is False
    assert "shortfall" in by_hours


def test_pathway_errors(client) -> None:
    assert_problem(client.post("/v1/pathways", json={}), 422, "occupation")
    assert_problem(client.post("/v1/pathways", json={"occupation": "x", "by": "fun"}), 422,
                   "by")
    assert_problem(client.post("/v1/pathways", json={"occupation": "x",
                                                     "target_coverage": 0}), 422,
                   "target_coverage")
