"""``/v1/credentials``, ``/v1/postings``, ``/v1/needs``: cursor pages and one record."""

from __future__ import annotations

import pytest

from skillmatch.api import pagination
from tests.api.conftest import assert_problem


def _all(client, path: str, **params) -> tuple[list[str], set[int]]:
    ids: list[str] = []
    totals: set[int] = set()
    cursor = None
    for _ in range(20):
        body = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        body = body.json()
        ids += [item["id"] for item in body["items"]]
        totals.add(body["total"])
        assert len(body["items"]) <= body["limit"]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, totals
    raise AssertionError("no last page")


def test_postings_page_by_page_in_a_stable_order(client) -> None:
    ids, totals = _all(client, "/v1/postings", limit=4)
    assert ids == [f"p{i}" for i in range(6)] + ["w0", "w1", "w2"] and totals == {9}
    first = client.get("/v1/postings", params={"limit": 4}).json()
    assert first["limit"] == 4 and len(first["items"]) == 4 and first["next_cursor"]
    item = first["items"][0]
    assert item["id"] == "p0" and item["occupation_code"] == "31-1131.00"
    assert item["skill_count"] == 3 and "content_hash" not in item and "code" not in item


@pytest.mark.parametrize("path, params, expected", [
    ("/v1/postings", {"occupation_code": "51-4121.00"}, ["w0", "w1", "w2"]),
    ("/v1/postings", {"region": "OH-Columbus", "limit": 1}, ["w0", "w1", "w2"]),
    ("/v1/credentials", {"type": "badge"}, ["team"]),
    ("/v1/credentials", {"delivery": "in person"}, ["cna", "weld"]),
    ("/v1/needs", {"employer": "Buckeye Fabrication"}, ["n2"]),
    ("/v1/needs", {}, ["n1", "n2"]),
])
def test_filters(client, path, params, expected) -> None:
    ids, totals = _all(client, path, **params)
    assert ids == expected and totals == {len(expected)}


def test_one_record_with_its_skills_and_evidence(client) -> None:
    posting = client.get("/v1/postings/p1").json()
    assert posting["id"] == "p1" and posting["skill_count"] == len(posting["skills"]) == 3
    skill = next(s for s in posting["skills"] if s["id"] == "s:cpr")
    assert skill["source"] == "linked" and skill["evidence"]["text"] == "administer CPR"
    linked = f"{posting['title']}\n{posting['description']}"  # what was linked
    assert linked[skill["evidence"]["start"]:skill["evidence"]["end"]] == "administer CPR"
    credential = client.get("/v1/credentials/cna").json()
    assert credential["cost"] == 0.0 and credential["meta"] == {"cip_code": "51.3902"}
    need = client.get("/v1/needs/n1").json()
    assert need["required_skills"] == ["CPR", "take vital signs"]
    assert {s["role"] for s in need["skills"]} == {"required", "preferred"}


def test_record_errors(client) -> None:
    assert "nope" in assert_problem(client.get("/v1/postings/nope"), 404)["detail"]
    assert_problem(client.get("/v1/needs/p1"), 404)  # a posting's id is no need's
    assert_problem(client.get("/v1/postings", params={"limit": 101}), 422, "limit")
    assert_problem(client.get("/v1/postings", params={"cursor": "garbage"}), 422, "cursor")
    other = pagination.encode("credential", 1)  # another list's cursor
    assert_problem(client.get("/v1/postings", params={"cursor": other}), 422, "cursor")
    assert_problem(client.get("/v1/credentials", params={"type": "diploma"}), 422, "type")


def test_a_credentials_skills_exported_as_ob3_and_ctdl(client) -> None:
    code = next(c["id"] for c in client.get("/v1/credentials", params={"limit": 100}
                                            ).json()["items"]
                if client.get(f"/v1/credentials/{c['id']}").json()["skills"])
    skills = {s["id"] for s in client.get(f"/v1/credentials/{code}").json()["skills"]}
    ob3 = client.get(f"/v1/credentials/{code}/export").json()
    assert {a["targetCode"] for a in ob3["alignment"]} == skills
    assert ob3["provenance"]["model"] and ob3["provenance"]["skillmatch_version"]
    ctdl = client.get(f"/v1/credentials/{code}/export", params={"standard": "ctdl"})
    assert ctdl.status_code == 200 and "CredentialAlignmentObject" in ctdl.text
    assert client.get(f"/v1/credentials/{code}/export",
                      params={"standard": "jsonld"}).status_code == 422
    assert client.get("/v1/credentials/nope/export").status_code == 404
