"""Corrections over HTTP, and tries to break their rules: an employer corrects a skill of
its own posting or need and sees it at once (and in another worker); another employer's
record, another employer's correction, an unowned record answer 404 as absent; a
counselor or designer key neither corrects nor lists; only an admin accepts or rejects,
with reapply; every field at fault named.

One writable workspace for the module (the session's shared one is read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from tests.api.conftest import api_settings, assert_problem, build_workspace
from tests.api.test_security import worker


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("corrections") / "ws"
    build_workspace(path).close()
    yield path


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, dict[str, str]]:
    with SkillMatch(api_settings(home)) as engine:
        return {
            "acme": auth(engine.keys.create("employer", employer="Acme Clinic")["key"]),
            "bayou": auth(engine.keys.create("employer",
                                             employer="Bayou Senior Living")["key"]),
            "counselor": auth(engine.keys.create("counselor")["key"]),
            "designer": auth(engine.keys.create("designer")["key"]),
            "admin": auth(engine.keys.create("admin")["key"]),
        }


@pytest.fixture(scope="module")
def api(home: Path, keys: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    yield from worker(home)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def post(api: TestClient, who: dict[str, str], kind: str, body: dict[str, Any]
         ) -> dict[str, Any]:
    made = api.post(f"/v1/{kind}s", json=body, headers=who)
    assert made.status_code == 201, made.text
    return made.json()[kind]


def skill_ids(record: dict[str, Any]) -> list[str]:
    return sorted(s["id"] for s in record["skills"])


POSTING = {"title": "Nurse aide", "description": "Must know CPR and take vital signs.",
           "region": "TX-Houston", "occupation_code": "31-1131.00"}


def test_an_employer_corrects_its_posting_and_every_reader_sees_it(api, home, keys) -> None:
    acme = keys["acme"]
    posting = post(api, acme, "posting", {**POSTING, "id": "acme:p1"})
    cpr = next(s for s in posting["skills"] if s["id"] == "s:cpr")
    assert cpr["source"] == "linked" and cpr["evidence"]["text"] == "CPR"
    for other in worker(home):
        made = api.post("/v1/postings/acme:p1/corrections", headers=acme, json={
            "skill": "s:cpr", "action": "replace", "with": "s:lesson",
            "note": "we mean lesson plans"})
        assert made.status_code == 201, made.text
        body = made.json()
        correction = body["correction"]
        assert made.headers["location"] == f"/v1/corrections/{correction['id']}"
        assert correction["phrase"] == "CPR" and correction["status"] == "pending"
        assert correction["skill"]["id"] == "s:cpr" and correction["with"]["id"] == "s:lesson"
        assert correction["record"] == {"kind": "posting", "id": "acme:p1"}
        lesson = next(s for s in body["record"]["skills"] if s["id"] == "s:lesson")
        assert lesson["evidence"] == cpr["evidence"] and lesson["score"] == cpr["score"]
        assert "s:cpr" not in skill_ids(body["record"])
        # at once, in another worker
        seen = other.get("/v1/postings/acme:p1", headers=acme).json()
        assert skill_ids(seen) == skill_ids(body["record"])
        assert other.get(f"/v1/corrections/{correction['id']}",
                         headers=acme).json()["note"] == "we mean lesson plans"
    # the employer's next posting with the phrase follows it
    later = post(api, acme, "posting", {**POSTING, "id": "acme:p2"})
    assert "s:lesson" in skill_ids(later) and "s:cpr" not in skill_ids(later)


def test_another_employers_records_and_corrections_are_absent(api, keys) -> None:
    acme, bayou = keys["acme"], keys["bayou"]
    post(api, acme, "need", {"id": "acme:n1", "required_skills": ["CPR", "teamwork"]})
    post(api, bayou, "need", {"id": "bayou:n1", "required_skills": ["CPR"]})
    reject = {"skill": "s:teamwork", "action": "reject"}
    absent = assert_problem(api.post("/v1/needs/no:such/corrections", json=reject,
                                     headers=bayou), 404)
    for path in ("/v1/needs/acme:n1/corrections",  # Acme's
                 "/v1/postings/acme:n1/corrections",  # not a posting
                 "/v1/needs/n1/corrections"):  # imported: no employer's
        problem = assert_problem(api.post(path, json=reject, headers=bayou), 404)
        assert problem["title"] == absent["title"] and "no " in problem["detail"]
    assert api.get("/v1/needs/acme:n1", headers=acme).json()["skill_count"] == 2
    made = api.post("/v1/needs/acme:n1/corrections", json=reject, headers=acme)
    assert made.status_code == 201, made.text
    cid = made.json()["correction"]["id"]
    nothing = assert_problem(api.get("/v1/corrections/999999", headers=bayou), 404)
    theirs = assert_problem(api.get(f"/v1/corrections/{cid}", headers=bayou), 404)
    assert theirs["detail"] == nothing["detail"].replace("999999", str(cid))
    listed = api.get("/v1/corrections", headers=bayou, params={"limit": 100}).json()
    assert cid not in [c["id"] for c in listed["items"]]
    assert all(c["employer"] == "Bayou Senior Living" for c in listed["items"])
    # an employer's list is its own whatever it asks for
    asked = api.get("/v1/corrections", headers=bayou,
                    params={"employer": "Acme Clinic", "limit": 100}).json()
    assert cid not in [c["id"] for c in asked["items"]]
    mine = api.get("/v1/corrections", headers=acme, params={"limit": 100}).json()
    assert cid in [c["id"] for c in mine["items"]]
    assert all(c["employer"] == "Acme Clinic" for c in mine["items"])
    # Bayou's need keeps its link; Bayou may not review
    assert "s:cpr" in skill_ids(api.get("/v1/needs/bayou:n1", headers=bayou).json())
    assert_problem(api.post(f"/v1/corrections/{cid}/accept", headers=bayou), 403)


def test_read_keys_neither_correct_nor_list_and_only_admins_review(api, keys) -> None:
    post(api, keys["acme"], "need", {"id": "acme:n2", "required_skills": ["vital signs"]})
    reject = {"skill": "s:vitals", "action": "reject"}
    made = api.post("/v1/needs/acme:n2/corrections", headers=keys["acme"], json=reject)
    assert made.status_code == 201, made.text
    cid = made.json()["correction"]["id"]
    for role in ("counselor", "designer"):
        who = keys[role]
        for method, path in (("POST", "/v1/needs/acme:n2/corrections"),
                             ("GET", "/v1/corrections"), ("GET", f"/v1/corrections/{cid}"),
                             ("POST", f"/v1/corrections/{cid}/accept"),
                             ("POST", f"/v1/corrections/{cid}/reject")):
            body = reject if "needs" in path else None
            problem = assert_problem(api.request(method, path, json=body, headers=who), 403)
            assert f"a {role} key cannot" in problem["detail"]
    for method, path in (("GET", "/v1/corrections"), ("POST", f"/v1/corrections/{cid}/accept")):
        assert_problem(api.request(method, path), 401)
    for path in (f"/v1/corrections/{cid}/accept", f"/v1/corrections/{cid}/reject"):
        assert_problem(api.post(path, headers=keys["acme"]), 403)
    assert api.get(f"/v1/corrections/{cid}", headers=keys["admin"]).json()["status"] == \
        "pending"


def test_an_admin_reviews_the_queue_and_reapplies(api, keys) -> None:
    acme, bayou, admin = keys["acme"], keys["bayou"], keys["admin"]
    post(api, acme, "need", {"id": "acme:n3", "required_skills": ["MIG welding"]})
    post(api, bayou, "need", {"id": "bayou:n3", "required_skills": ["MIG welding"]})
    made = api.post("/v1/needs/acme:n3/corrections", headers=acme, json={
        "phrase": "mig welding", "skill": "s:weld", "action": "replace",
        "with": "s:3dprint"}).json()["correction"]
    queue = api.get("/v1/corrections", headers=admin,
                    params={"status": "pending", "limit": 100}).json()
    assert made["id"] in [c["id"] for c in queue["items"]]
    assert all(c["status"] == "pending" for c in queue["items"])
    by_acme = api.get("/v1/corrections", headers=admin,
                      params={"employer": "Acme Clinic", "limit": 100}).json()
    assert {c["employer"] for c in by_acme["items"]} == {"Acme Clinic"}
    accepted = api.post(f"/v1/corrections/{made['id']}/accept", headers=admin,
                        params={"reapply": "true"}, json={"note": "right"})
    assert accepted.status_code == 200, accepted.text
    done = accepted.json()
    assert (done["status"], done["review_note"]) == ("accepted", "right")
    assert done["reapplied"] >= 2  # Bayou's need and n2 of the workspace's
    for rid, who in (("bayou:n3", bayou), ("n2", admin)):
        assert skill_ids(api.get(f"/v1/needs/{rid}", headers=who).json()) == ["s:3dprint"]
    later = post(api, bayou, "need", {"id": "bayou:n4", "required_skills": ["MIG welding"]})
    assert skill_ids(later) == ["s:3dprint"]
    assert_problem(api.post(f"/v1/corrections/{made['id']}/accept", headers=admin), 409)
    rejected = api.post(f"/v1/corrections/{made['id']}/reject", headers=admin)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert skill_ids(post(api, bayou, "need", {"id": "bayou:n5", "required_skills": [
        "MIG welding"]})) == ["s:weld"]  # no longer for everyone
    assert_problem(api.post("/v1/corrections/999999/accept", headers=admin), 404)
    page = api.get("/v1/corrections", headers=admin, params={"limit": 1}).json()
    assert page["total"] >= 3 and len(page["items"]) == 1 and page["next_cursor"]
    following = api.get("/v1/corrections", headers=admin,
                        params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert following["items"][0]["id"] > page["items"][0]["id"]
    assert_problem(api.get("/v1/corrections", headers=admin,
                           params={"cursor": "bm90LWEtY3Vyc29y"}), 422, field="cursor")


def test_every_field_at_fault_is_named(api, keys) -> None:
    who = keys["bayou"]  # Acme's CPR is corrected to another skill (above)
    post(api, who, "need", {"id": "bayou:n6", "required_skills": ["CPR"]})
    url = "/v1/needs/bayou:n6/corrections"
    for body, field in (({"skill": "s:weld", "action": "reject"}, "skill"),
                        ({"skill": "s:cpr", "phrase": "first aid", "action": "reject"},
                         "phrase"),
                        ({"skill": "s:cpr", "action": "replace", "with": "s:none"}, "with"),
                        ({"skill": "s:cpr", "action": "replace", "with": "s:cpr"}, "with"),
                        ({"skill": "s:cpr", "action": "erase"}, "action"),
                        ({"skill": "s:cpr", "action": "reject", "colour": 1}, "colour"),
                        ({"action": "reject"}, "skill")):
        assert_problem(api.post(url, json=body, headers=who), 422, field=field)
    for body in ({"skill": "s:cpr", "action": "replace"},
                 {"skill": "s:cpr", "action": "reject", "with": "s:lesson"}):
        assert "with" in assert_problem(api.post(url, json=body, headers=who), 422)["detail"]
    assert_problem(api.get("/v1/corrections", headers=who, params={"status": "maybe"}),
                   422, field="status")
    assert_problem(api.get("/v1/corrections/0", headers=who), 422, field="correction_id")
    assert skill_ids(api.get("/v1/needs/bayou:n6", headers=who).json()) == ["s:cpr"]
