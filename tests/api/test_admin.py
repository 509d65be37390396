"""Admins over HTTP: the catalogue's credentials (one, bulk with per-item results or all
or nothing, replace, change, delete; their linked skills in every answer; seen by the
next recommendation), API keys (the key shown once, lists without keys or hashes,
revocation at once) and the loaded taxonomies; no other key may do any of it.

One writable workspace for the module (the session's shared one is read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from tests.api.conftest import api_settings, assert_problem, build_workspace
from tests.api.test_security import worker


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("admin") / "ws"
    build_workspace(path).close()
    yield path


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, dict[str, str]]:
    with SkillMatch(api_settings(home)) as engine:
        return {name: {"Authorization": f"Bearer {engine.keys.create(role, **extra)['key']}"}
                for name, role, extra in (
                    ("admin", "admin", {}), ("counselor", "counselor", {}),
                    ("designer", "designer", {}),
                    ("acme", "employer", {"employer": "Acme Clinic"}))}


@pytest.fixture(scope="module")
def api(home: Path, keys: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    yield from worker(home)


CPR_COURSE = {"id": "cred:cpr-now", "title": "CPR Now", "type": "course", "cost": 25,
              "hours": 4, "delivery": "online", "region": "TX-Houston",
              "description": "Administer CPR and take vital signs in an emergency.",
              "skills": ["work in teams", "juggling"], "occupation_codes": ["31-1131.00"]}


def test_an_admin_writes_a_credential_and_sees_its_skills(api, keys) -> None:
    admin = keys["admin"]
    made = api.post("/v1/credentials", json=CPR_COURSE, headers=admin)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == "/v1/credentials/cred:cpr-now"
    body = made.json()
    linked = {s["id"]: s for s in body["credential"]["skills"]}
    assert {"s:cpr", "s:teamwork"} <= set(linked)
    assert linked["s:teamwork"]["source"] == "declared"
    assert any(s["evidence"]["text"] for s in linked.values() if s["source"] == "linked")
    assert body["not_linked"] == ["juggling"]
    assert api.get("/v1/credentials/cred:cpr-now").json()["cost"] == 25.0
    rec = api.post("/v1/recommendations", json={"query": "CPR", "k": 10}).json()
    assert "cred:cpr-now" in [r["id"] for r in rec["results"]]
    assert_problem(api.post("/v1/credentials", json=CPR_COURSE, headers=admin), 409)
    changed = api.patch("/v1/credentials/cred:cpr-now", json={"cost": None, "hours": 6},
                        headers=admin)
    assert changed.status_code == 200, changed.text
    credential = changed.json()["credential"]
    assert credential["cost"] is None and credential["hours"] == 6.0
    assert credential["title"] == "CPR Now" and credential["declared_skills"] == [
        "work in teams", "juggling"]
    replaced = api.put("/v1/credentials/cred:cpr-now", headers=admin, json={
        "title": "Welding basics", "description": "MIG welding of steel."})
    assert replaced.status_code == 200, replaced.text
    assert [s["id"] for s in replaced.json()["credential"]["skills"]] == ["s:weld"]
    assert replaced.json()["credential"]["cost"] is None  # a replacement: unset is unset
    assert_problem(api.put("/v1/credentials/cred:cpr-now", headers=admin,
                           json={"id": "cred:other", "title": "x"}), 422, field="id")
    assert_problem(api.put("/v1/credentials/cred:none", json={"title": "x"},
                           headers=admin), 404)
    assert api.delete("/v1/credentials/cred:cpr-now", headers=admin).status_code == 204
    assert_problem(api.get("/v1/credentials/cred:cpr-now"), 404)
    assert_problem(api.delete("/v1/credentials/cred:cpr-now", headers=admin), 404)
    rec = api.post("/v1/recommendations", json={"query": "CPR", "k": 10}).json()
    assert "cred:cpr-now" not in [r["id"] for r in rec["results"]]


def test_bulk_credentials_each_their_own_result_or_all_or_nothing(api, keys) -> None:
    admin = keys["admin"]
    items = [{"id": "cred:b1", "title": "Teamwork II", "description": "Work in teams."},
             {"id": "cna", "title": "Taken"},  # the workspace's own
             {"id": "cred:b2", "title": "x", "cost": -1},
             {"id": "cred:b3", "title": "Welding II", "type": "diploma"},
             {"id": "cred:b4", "title": "Python I", "skills": ["Python"]}]
    done = api.post("/v1/credentials/bulk", json={"items": items}, headers=admin)
    assert done.status_code == 200, done.text
    body = done.json()
    assert [i["status"] for i in body["items"]] == [201, 409, 422, 422, 201]
    assert (body["written"], body["failed"]) == (2, 3)
    assert body["items"][2]["error"]["field"] == "items.2.cost"
    assert body["items"][3]["error"]["field"] == "items.3.type"
    assert body["items"][4]["result"]["credential"]["skills"][0]["id"] == "s:python"
    atomic = [{"id": "cred:a1", "title": "A"}, {"id": "cred:b1", "title": "again"}]
    problem = assert_problem(api.post("/v1/credentials/bulk", params={"atomic": "true"},
                                      json={"items": atomic}, headers=admin), 409)
    assert "nothing written" in problem["detail"]
    assert_problem(api.get("/v1/credentials/cred:a1"), 404)
    assert api.get("/v1/credentials/cred:b1").json()["title"] == "Teamwork II"


def test_only_an_admin_writes_the_catalogue_or_keys(api, keys) -> None:
    for name in ("counselor", "designer", "acme"):
        who = keys[name]
        for method, path, body in (
                ("POST", "/v1/credentials", CPR_COURSE),
                ("POST", "/v1/credentials/bulk", {"items": [CPR_COURSE]}),
                ("PUT", "/v1/credentials/cna", {"title": "x"}),
                ("PATCH", "/v1/credentials/cna", {"cost": 1}),
                ("DELETE", "/v1/credentials/cna", None),
                ("POST", "/v1/keys", {"role": "admin"}), ("GET", "/v1/keys", None),
                ("DELETE", "/v1/keys/00000000", None)):
            assert_problem(api.request(method, path, json=body, headers=who), 403)
        assert_problem(api.request("POST", "/v1/credentials", json=CPR_COURSE), 401)
    assert api.get("/v1/credentials/cna").json()["title"] == "Nurse Aide"  # untouched


def test_keys_over_http_show_the_key_once_and_revoke_at_once(api, keys) -> None:
    admin = keys["admin"]
    made = api.post("/v1/keys", headers=admin, json={
        "role": "employer", "employer": "Gulf Welding", "name": "their job board"})
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    key = made.json()
    assert key["key"].startswith(f"smk_{key['id']}_") and key["revoked_at"] is None
    theirs = {"Authorization": f"Bearer {key['key']}"}
    posted = api.post("/v1/needs", headers=theirs, json={"required_skills": ["welding"]})
    assert posted.json()["need"]["employer"] == "Gulf Welding"
    listed = api.get("/v1/keys", headers=admin, params={"limit": 100})
    assert key["key"] not in listed.text and '"hash"' not in listed.text
    assert key["id"] in [k["id"] for k in listed.json()["items"]]
    page = api.get("/v1/keys", headers=admin, params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["total"] >= 5 and page["next_cursor"]
    rest = api.get("/v1/keys", headers=admin, params={"cursor": page["next_cursor"],
                                                      "limit": 100}).json()
    assert len(page["items"]) + len(rest["items"]) == page["total"]
    revoked = api.delete(f"/v1/keys/{key['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert "key" not in revoked.json()
    assert_problem(api.get("/v1/needs", headers=theirs), 401)
    live = api.get("/v1/keys", headers=admin, params={"revoked": "false",
                                                      "limit": 100}).json()
    assert key["id"] not in [k["id"] for k in live["items"]]
    assert_problem(api.delete("/v1/keys/nokey", headers=admin), 404)
    assert_problem(api.post("/v1/keys", headers=admin, json={"role": "employer"}), 422,
                   field="employer")
    assert_problem(api.post("/v1/keys", headers=admin, json={"role": "counselor",
                                                             "employer": "X"}), 422,
                   field="employer")
    assert_problem(api.post("/v1/keys", headers=admin, json={"role": "root"}), 422,
                   field="role")


def test_the_loaded_taxonomies_are_listed_without_their_sources(api) -> None:
    listed = api.get("/v1/taxonomies")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert [t["name"] for t in body["items"]] == ["esco", "onet"] and body["total"] == 2
    assert body["items"][0]["counts"]["skills"] == 8 and body["items"][0]["version"] == "1.0"
    assert "source" not in listed.text
    first = api.get("/v1/taxonomies", params={"limit": 1}).json()
    assert first["next_cursor"] and [t["name"] for t in api.get("/v1/taxonomies", params={
        "cursor": first["next_cursor"]}).json()["items"]] == ["onet"]
