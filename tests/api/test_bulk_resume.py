"""A bulk write sent again after an interruption (``?resume=true``): the items stored
already, by the same employer and exactly as sent, answer 200 ``unchanged`` and are not
written again; the rest are written. Anything else about an id taken stays a 409."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem, build_workspace


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    from skillmatch.api import create_app

    engine = build_workspace(tmp_path_factory.mktemp("resume") / "ws")
    keys = {name: {"Authorization": "Bearer " + engine.keys.create(
        "employer", employer=employer)["key"]}
        for name, employer in (("acme", "Acme Clinic"), ("bayou", "Bayou Senior Living"))}
    keys["admin"] = {"Authorization": "Bearer " + engine.keys.create("admin")["key"]}
    with TestClient(create_app(engine=engine)) as client:
        yield client, keys
    engine.close()


def posting(n: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"resume:{n}", "title": f"Nursing Assistant {n}", "region": "TX-Houston",
            "description": "Take vital signs and perform CPR.", "date_posted": "2026-09-01",
            "occupation_code": "31-1131.00", **fields}


def test_a_resumed_bulk_writes_only_what_is_missing(api) -> None:
    client, keys = api
    first = client.post("/v1/postings/bulk", headers=keys["acme"],
                        json={"items": [posting(n) for n in range(3)]}).json()
    assert (first["written"], first["unchanged"]) == (3, 0)
    records = client.get("/v1/demand").json()["records"]
    again = client.post("/v1/postings/bulk", params={"resume": "true"}, headers=keys["acme"],
                        json={"items": [posting(n) for n in range(5)]})
    assert again.status_code == 200, again.text
    body = again.json()
    assert [i["status"] for i in body["items"]] == [200, 200, 200, 201, 201]
    assert (body["written"], body["unchanged"], body["failed"]) == (2, 3, 0)
    assert body["items"][0] == {"index": 0, "id": "resume:0", "status": 200,
                                "unchanged": True}
    assert client.get("/v1/demand").json()["records"] == records + 2  # nothing twice
    for n in range(5):
        assert client.get(f"/v1/postings/resume:{n}", headers=keys["acme"]).json()["skills"]
    # atomic too: the stored ones are not in the way
    atomic = client.post("/v1/postings/bulk", params={"resume": "true", "atomic": "true"},
                         headers=keys["acme"], json={"items": [posting(n) for n in range(6)]})
    assert [i["status"] for i in atomic.json()["items"]] == [200] * 5 + [201]


def test_resume_is_no_way_around_a_conflict(api) -> None:
    client, keys = api
    client.post("/v1/postings/bulk", headers=keys["acme"], json={"items": [posting(10)]})
    changed = client.post("/v1/postings/bulk", params={"resume": "true"}, headers=keys[
        "acme"], json={"items": [posting(10, title="Another title")]}).json()
    assert changed["items"][0]["status"] == 409  # not as sent: update it instead
    theirs = client.post("/v1/postings/bulk", params={"resume": "true"}, headers=keys[
        "bayou"], json={"items": [posting(10)]}).json()
    assert theirs["items"][0]["status"] == 409  # another employer's id
    private = client.post("/v1/postings/bulk", params={"resume": "true"}, headers=keys[
        "acme"], json={"items": [posting(10, private=True)]}).json()
    assert private["items"][0]["status"] == 409
    assert_problem(client.post("/v1/postings", headers=keys["acme"], json=posting(10)), 409)
    needs = [{"id": "resume:need", "required_skills": ["CPR"]}]
    client.post("/v1/needs/bulk", headers=keys["bayou"], json={"items": needs})
    resumed = client.post("/v1/needs/bulk", params={"resume": "true"}, headers=keys["bayou"],
                          json={"items": needs}).json()
    assert resumed["items"][0]["status"] == 200 and resumed["unchanged"] == 1
    credentials = [{"id": "resume:cred", "title": "CPR in a day", "skills": ["CPR"]}]
    client.post("/v1/credentials/bulk", headers=keys["admin"], json={"items": credentials})
    resumed = client.post("/v1/credentials/bulk", params={"resume": "true"},
                          headers=keys["admin"], json={"items": credentials}).json()
    assert resumed["items"][0]["status"] == 200
