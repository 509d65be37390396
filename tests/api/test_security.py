"""The API's security rules, tried: keys (none, wrong, malformed, revoked), roles,
ownership (another employer's records answer 404 and are absent from lists), private
records (absent from other keys' lists and from the records named beside demand figures
and recommendations, counted in the figures), limits (body size, batch size, text
length, rate across workers), CORS, and error bodies that never echo a key, SQL or a
traceback.

One writable workspace for the module (the session's shared one is read-only); each
app over it is a "worker": its own engine, the same database."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.api import create_app
from skillmatch.app import SkillMatch
from tests.api.conftest import api_settings, assert_problem, build_workspace

PRIVATE_POSTING = {
    "id": "acme:secret-rn", "title": "Secret Night Nurse Aide",
    "occupation_code": "31-1131.00", "region": "TX-Houston", "date_posted": "2026-11-30",
    "openings": 500, "private": True,
    "description": "Take vital signs and administer CPR on the night shift."}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("security") / "ws"
    build_workspace(path).close()
    yield path


@pytest.fixture(scope="module")
def keys(home: Path) -> dict[str, str]:
    with SkillMatch(api_settings(home)) as engine:
        made = {
            "acme": engine.keys.create("employer", employer="Acme Clinic"),
            "bayou": engine.keys.create("employer", employer="Bayou Senior Living"),
            "counselor": engine.keys.create("counselor", name="district counselors"),
            "designer": engine.keys.create("designer"),
            "admin": engine.keys.create("admin"),
            "revoked": engine.keys.create("employer", employer="Acme Clinic"),
        }
        engine.keys.revoke(made["revoked"]["id"])
    return {name: row["key"] for name, row in made.items()}


def worker(home: Path, **settings: Any) -> Iterator[TestClient]:
    """A client of an app over its own engine on ``home`` (as a server worker is)."""
    engine = SkillMatch(api_settings(home, **settings))
    app = create_app(engine=engine)
    try:
        with TestClient(app) as client:
            assert app.state.readiness.wait(60), app.state.readiness.error
            yield client
    finally:
        engine.close()


@pytest.fixture(scope="module")
def api(home: Path, keys: dict[str, str]) -> Iterator[TestClient]:
    yield from worker(home)


@pytest.fixture(scope="module")
def taken(api: TestClient, keys: dict[str, str]) -> str:
    """An id Acme's key has taken."""
    made = api.post("/v1/needs", json=need("own:taken"), headers=auth(keys["acme"]))
    assert made.status_code == 201, made.text
    return "own:taken"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def need(need_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": need_id, "required_skills": ["CPR", "take vital signs"],
            "occupation_code": "31-1131.00", "region": "TX-Houston", **fields}


# ------------------------------------------------------------------ keys and roles
def test_a_write_needs_a_valid_key(api, keys) -> None:
    body = need("k:1")
    for headers, why in (({}, "this needs an API key"),
                         (auth("smk_00000000_" + "a" * 43), "not valid"),
                         (auth("not-a-key"), "not valid"),
                         ({"X-API-Key": "smk_1234"}, "not valid"),
                         (auth(keys["revoked"]), "not valid")):
        problem = assert_problem(api.post("/v1/needs", json=body, headers=headers), 401)
        assert why in problem["detail"]
        assert api.post("/v1/needs", json=body, headers=headers).headers[
            "www-authenticate"].startswith("Bearer")
    assert api.get("/v1/needs/k:1", headers=auth(keys["acme"])).status_code == 404


def test_a_key_works_in_either_header(api, keys) -> None:
    created = api.post("/v1/needs", json=need("k:2"), headers={"X-API-Key": keys["acme"]})
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/v1/needs/k:2"
    assert api.get("/v1/needs/k:2", headers=auth(keys["acme"])).json()["employer"] == \
        "Acme Clinic"


def test_a_read_key_cannot_write(api, keys) -> None:
    for role in ("counselor", "designer"):
        for method, path, body in (("POST", "/v1/needs", need("k:3")),
                                   ("POST", "/v1/postings/bulk", {"items": [{"title": "x"}]}),
                                   ("PUT", "/v1/needs/k:2", need("k:2")),
                                   ("PATCH", "/v1/postings/p0", {"openings": 3}),
                                   ("DELETE", "/v1/needs/n1", None)):
            response = api.request(method, path, json=body, headers=auth(keys[role]))
            problem = assert_problem(response, 403)
            assert f"a {role} key cannot" in problem["detail"], (method, path)
    assert api.get("/v1/needs/n1").status_code == 200  # n1 is still there


def test_a_revoked_key_stops_at_once_in_every_worker(home, api, keys) -> None:
    with SkillMatch(api_settings(home)) as engine:
        made = engine.keys.create("employer", employer="Acme Clinic")
    for other in worker(home):
        assert other.post("/v1/needs", json=need("k:4"),
                          headers=auth(made["key"])).status_code == 201
        with SkillMatch(api_settings(home)) as engine:
            engine.keys.revoke(made["id"])
        assert_problem(other.post("/v1/needs", json=need("k:5"), headers=auth(made["key"])),
                       401)
        assert_problem(api.get("/v1/needs/k:4", headers=auth(made["key"])), 401)


def test_reads_can_be_closed(home, keys) -> None:
    for closed in worker(home, api_open_reads=False):
        problem = assert_problem(closed.get("/v1/needs"), 401)
        assert "needs an API key for every request" in problem["detail"]
        assert_problem(closed.post("/v1/skills/link", json={"text": "CPR"}), 401)
        assert closed.get("/v1/needs", headers=auth(keys["counselor"])).status_code == 200
        assert closed.post("/v1/skills/link", json={"text": "CPR"},
                           headers=auth(keys["designer"])).status_code == 200
        assert closed.get("/v1/health").status_code == 200  # operations stay open


# ------------------------------------------------------------------ ownership
def test_another_employers_records_answer_404_and_are_not_listed(api, keys) -> None:
    acme, bayou = auth(keys["acme"]), auth(keys["bayou"])
    assert api.post("/v1/needs", json=need("own:acme"), headers=acme).status_code == 201
    absent = assert_problem(api.get("/v1/needs/own:nothing", headers=bayou), 404)
    for method, body in (("GET", None), ("PUT", need("own:acme")),
                         ("PATCH", {"openings": 9}), ("DELETE", None)):
        problem = assert_problem(api.request(method, "/v1/needs/own:acme", json=body,
                                             headers=bayou), 404)
        # the same answer as for an id nobody has: nothing tells it is there
        assert problem["detail"] == absent["detail"].replace("own:nothing", "own:acme")
        assert problem["type"] == absent["type"] and problem["title"] == absent["title"]
    listed = api.get("/v1/needs", headers=bayou, params={"limit": 100}).json()
    assert "own:acme" not in [n["id"] for n in listed["items"]]
    assert all(n["employer"] == "Bayou Senior Living" for n in listed["items"])
    mine = api.get("/v1/needs", headers=acme, params={"limit": 100}).json()
    assert "own:acme" in [n["id"] for n in mine["items"]]
    assert all(n["employer"] == "Acme Clinic" for n in mine["items"])
    # untouched by Bayou's tries
    assert api.get("/v1/needs/own:acme", headers=acme).json()["openings"] == 1


def test_an_employer_cannot_take_an_id_or_write_for_another(api, keys, taken) -> None:
    acme, bayou = auth(keys["acme"]), auth(keys["bayou"])
    assert_problem(api.post("/v1/needs", json=need("own:taken"), headers=bayou), 409)
    assert api.get("/v1/needs/own:taken", headers=acme).json()["employer"] == "Acme Clinic"
    assert_problem(api.post("/v1/needs", json=need("own:x", employer="Acme Clinic"),
                            headers=bayou), 422, field="employer")
    # records imported by the command line belong to no employer: no employer changes them
    assert_problem(api.patch("/v1/needs/n1", json={"openings": 5}, headers=bayou), 404)
    assert_problem(api.delete("/v1/postings/p0", headers=acme), 404)


def test_an_employer_changes_and_deletes_its_own_and_an_admin_any(api, keys) -> None:
    acme, admin = auth(keys["acme"]), auth(keys["admin"])
    assert api.post("/v1/needs", json=need("own:life"), headers=acme).status_code == 201
    changed = api.patch("/v1/needs/own:life", json={"openings": 4, "private": True},
                        headers=acme)
    assert changed.status_code == 200, changed.text
    assert changed.json()["need"]["openings"] == 4 and changed.json()["need"]["private"]
    assert changed.json()["need"]["required_skills"] == ["CPR", "take vital signs"]
    replaced = api.put("/v1/needs/own:life", json=need("own:life", role="CNA"), headers=acme)
    assert replaced.json()["need"]["role"] == "CNA"
    assert not replaced.json()["need"]["private"]  # a replacement: unset is the default
    by_admin = api.patch("/v1/needs/own:life", json={"openings": 2}, headers=admin)
    assert by_admin.status_code == 200
    # an admin's change keeps the record its employer's
    assert api.get("/v1/needs/own:life", headers=acme).json()["openings"] == 2
    assert_problem(api.put("/v1/needs/own:life", json=need("own:other"), headers=acme), 422,
                   field="id")
    assert api.delete("/v1/needs/own:life", headers=acme).status_code == 204
    assert_problem(api.get("/v1/needs/own:life", headers=acme), 404)
    assert_problem(api.delete("/v1/needs/own:life", headers=acme), 404)


# ------------------------------------------------------------------ privacy
def test_private_records_are_seen_by_their_employer_only(api, keys) -> None:
    acme = auth(keys["acme"])
    assert api.post("/v1/needs", json=need("priv:need", private=True),
                    headers=acme).status_code == 201
    posted = api.post("/v1/postings", json=PRIVATE_POSTING, headers=acme)
    assert posted.status_code == 201, posted.text
    assert posted.json()["posting"]["private"]
    for kind, rid in (("needs", "priv:need"), ("postings", PRIVATE_POSTING["id"])):
        for who in ({}, auth(keys["counselor"]), auth(keys["bayou"]), auth(keys["designer"])):
            assert_problem(api.get(f"/v1/{kind}/{rid}", headers=who), 404)
            page = api.get(f"/v1/{kind}", headers=who, params={"limit": 100}).json()
            assert rid not in [r["id"] for r in page["items"]]
            by_employer = api.get(f"/v1/{kind}", headers=who, params={
                "employer": "Acme Clinic", "limit": 100}).json()
            assert rid not in [r["id"] for r in by_employer["items"]]
            assert all(not r["private"] for r in by_employer["items"])
        assert api.get(f"/v1/{kind}/{rid}", headers=acme).json()["private"] is True
        assert api.get(f"/v1/{kind}/{rid}", headers=auth(keys["admin"])).status_code == 200
        assert rid in [r["id"] for r in api.get(f"/v1/{kind}", headers=acme,
                                                params={"limit": 100}).json()["items"]]


def test_private_records_count_in_demand_but_are_never_named(api, keys) -> None:
    acme = auth(keys["acme"])
    before = api.get("/v1/demand").json()["records"]
    posting = {**PRIVATE_POSTING, "id": "acme:secret-2", "title": "Confidential CNA"}
    assert api.post("/v1/postings", json=posting, headers=acme).status_code == 201
    secret = {"acme:secret-2", PRIVATE_POSTING["id"]}

    def named(headers: dict[str, str]) -> tuple[int, set[str], set[str], str]:
        demand = api.get("/v1/demand", headers=headers, params={"top": 50}).json()
        behind = {p for row in demand["skills"] for p in row["postings_behind"]}
        rec = api.post("/v1/recommendations", headers=headers,
                       json={"occupation": "31-1131.00", "k": 5}).json()
        shown = {p["id"] for r in rec["results"] for p in r["postings"]}
        return demand["records"], behind, shown, json.dumps(rec) + json.dumps(demand)

    for who in ({}, auth(keys["counselor"]), auth(keys["bayou"])):
        records, behind, shown, text = named(who)
        assert records == before + 1  # counted
        assert behind and shown  # postings are named, just not these
        assert not secret & behind and not secret & shown
        assert "Confidential CNA" not in text and "Secret Night" not in text
    # the owner sees its own: the heaviest postings behind CPR and vital signs
    _, behind, shown, _ = named(acme)
    assert secret & behind and secret & shown
    # a need posted by another employer: the credentials that supply it name no secret
    answer = api.post("/v1/needs", json=need("bayou:n"), headers=auth(keys["bayou"])).json()
    assert answer["credentials"]
    assert not secret & {p["id"] for c in answer["credentials"] for p in c["postings"]}


# ------------------------------------------------------------------ bulk writes
def test_bulk_gives_each_item_its_own_result(api, keys, taken) -> None:
    acme = auth(keys["acme"])
    items = [need("bulk:1"), need("own:taken"), {"openings": 0}, need("bulk:1"),
             {"id": "bulk:2", "required_skills": ["CPR"], "private": True}]
    response = api.post("/v1/needs/bulk", json={"items": items}, headers=acme)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["written"] == 2 and body["failed"] == 3 and not body["atomic"]
    status = [item["status"] for item in body["items"]]
    assert status == [201, 409, 422, 409, 201]
    assert body["items"][2]["error"]["field"] == "items.2.openings"
    assert body["items"][0]["result"]["understood"][0]["phrase"] == "CPR"
    assert api.get("/v1/needs/bulk:2", headers=acme).json()["private"] is True


def test_atomic_bulk_writes_all_or_nothing(api, keys, taken) -> None:
    acme = auth(keys["acme"])
    items = [need("atom:1"), need("atom:2"), need("own:taken")]
    problem = assert_problem(api.post("/v1/needs/bulk", params={"atomic": "true"},
                                      json={"items": items}, headers=acme), 409)
    assert problem["errors"] == [{"field": "items.2", "location": "body",
                                  "message": problem["errors"][0]["message"]}]
    assert "nothing written" in problem["detail"]
    for rid in ("atom:1", "atom:2"):
        assert_problem(api.get(f"/v1/needs/{rid}", headers=acme), 404)
    postings = [{"id": f"atom:p{i}", "title": "Welder", "description": "MIG welding."}
                for i in range(3)]
    done = api.post("/v1/postings/bulk", params={"atomic": "true"},
                    json={"items": postings}, headers=acme)
    assert done.status_code == 200 and done.json()["written"] == 3, done.text
    assert done.json()["items"][0]["result"]["posting"]["skills"][0]["evidence"]["text"]


def test_atomic_bulk_is_one_transaction_in_the_engine(home) -> None:
    """A conflict found inside the transaction (another writer took an id after the
    checks) leaves nothing of the batch."""
    from skillmatch.catalog.models import parse_need
    from skillmatch.errors import ConflictError
    from skillmatch.storage.records_store import Access

    with SkillMatch(api_settings(home)) as engine:
        needs = [parse_need(need(f"tx:{i}", employer="Acme Clinic"), "t", 1)
                 for i in range(3)]
        engine.import_records("need", [needs[2]])
        with pytest.raises(ConflictError):
            engine.record_service.import_records(
                "need", needs, force=True, one_transaction=True,
                access={n.id: Access("Acme Clinic", False, "create") for n in needs})
        assert not engine.context.records.hashes("need", ["tx:0", "tx:1"])


# ------------------------------------------------------------------ limits
def test_an_oversized_body_is_413(home, keys) -> None:
    for small in worker(home, api_max_body_bytes=2048):
        big = need("big:1", role="x" * 5000)
        problem = assert_problem(small.post("/v1/needs", json=big,
                                            headers=auth(keys["acme"])), 413)
        assert "x" * 50 not in json.dumps(problem)

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield b'{"text": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}'

        streamed = small.post("/v1/skills/link", content=chunks(),
                              headers={"content-type": "application/json"})
        assert_problem(streamed, 413)
        assert small.post("/v1/skills/link", json={"text": "CPR"}).status_code == 200


def test_text_batch_and_page_limits_name_the_field(api, home, keys) -> None:
    acme = auth(keys["acme"])
    long = {"title": "Welder", "description": "w" * 20_001}
    assert_problem(api.post("/v1/postings", json=long, headers=acme), 422,
                   field="description")
    assert_problem(api.post("/v1/needs", json=need("t:1", role="r" * 301), headers=acme),
                   422, field="role")
    assert_problem(api.get("/v1/needs", params={"limit": 101}), 422, field="limit")
    for small in worker(home, api_max_batch=2):
        problem = assert_problem(small.post("/v1/needs/bulk", headers=acme, json={
            "items": [need(f"t:b{i}") for i in range(3)]}), 422, field="items")
        assert "at most 2" in problem["detail"]


def test_rate_limit_holds_across_workers(home, keys) -> None:
    counselor = auth(keys["counselor"])
    first = worker(home, api_rate_limit=3, api_rate_window=3600)
    second = worker(home, api_rate_limit=3, api_rate_window=3600)
    a, b = next(first), next(second)
    try:
        assert a.get("/v1/needs", headers=counselor).status_code == 200
        assert b.get("/v1/needs", headers=counselor).status_code == 200
        assert a.get("/v1/needs", headers=counselor).status_code == 200
        problem = assert_problem(b.get("/v1/needs", headers=counselor), 429)
        retry = int(b.get("/v1/needs", headers=counselor).headers["retry-after"])
        assert 0 < retry <= 3600
        assert "more than 3 requests by this key" in problem["detail"]
        # another key (and a client without one) has its own count
        assert a.get("/v1/needs", headers=auth(keys["designer"])).status_code == 200
        assert a.get("/v1/needs").status_code == 200
        assert a.get("/v1/health").status_code == 200  # operations are not counted
    finally:
        for gen in (first, second):
            gen.close()


def test_rate_counters_use_fixed_windows(home) -> None:
    with SkillMatch(api_settings(home)) as engine:
        keys = engine.keys
        hits = [keys.hit("test:window", 2, 10, now=1000.0 + t) for t in (0, 1, 2, 9.5)]
        assert [h.allowed for h in hits] == [True, True, False, False]
        assert hits[2].retry_after == 8 and hits[3].retry_after == 1
        assert keys.hit("test:window", 2, 10, now=1010.0).allowed  # the next window
        assert keys.hit("test:other", 0, 10).allowed  # 0: no limit


def test_cors_is_off_unless_origins_are_listed(api, home) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in api.options(
        "/v1/needs", headers=preflight).headers
    assert "access-control-allow-origin" not in api.get(
        "/v1/needs", headers={"Origin": "https://example.org"}).headers
    for open_ in worker(home, api_cors_origins="https://example.org"):
        answer = open_.options("/v1/needs", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://example.org"
        assert "authorization" in answer.headers["access-control-allow-headers"].lower()
        other = open_.options("/v1/needs", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# ------------------------------------------------------------------ nothing leaks
def test_error_bodies_never_hold_a_key_sql_or_a_traceback(api, home, keys, taken) -> None:
    wrong = "smk_deadbeef_" + "S" * 43
    sneaky = "smk_' OR 1=1; SELECT * FROM api_keys --"
    responses = [
        api.post("/v1/needs", json=need("leak:1"), headers=auth(wrong)),
        api.post("/v1/needs", json=need("leak:1"), headers={"X-API-Key": sneaky}),
        api.post("/v1/needs", json=need("leak:1"), headers=auth(keys["revoked"])),
        api.post("/v1/needs", json=need("leak:1"), headers=auth(keys["counselor"])),
        api.get("/v1/needs/own:taken", headers=auth(keys["bayou"])),
        api.post("/v1/needs", json=need("own:taken"), headers=auth(keys["bayou"])),
        api.post("/v1/needs", json={"id": "leak:2", "required_skills": []},
                 headers=auth(keys["acme"])),
        api.post("/v1/needs", content=b"{not json", headers={
            **auth(keys["acme"]), "content-type": "application/json"}),
        api.get("/v1/needs", params={"cursor": "' OR 1=1 --"}),
    ]
    for small in worker(home, api_rate_limit=1, api_rate_window=3600):
        small.get("/v1/needs", headers=auth(keys["designer"]))
        responses.append(small.get("/v1/needs", headers=auth(keys["designer"])))
    statuses = []
    for response in responses:
        assert response.status_code >= 400
        statuses.append(response.status_code)
        assert response.headers["content-type"] == "application/problem+json"
        text = response.text
        for secret in (wrong, *keys.values(), "S" * 20):
            assert secret not in text, text
        assert not re.search(r"SELECT|INSERT|UPDATE |FROM |sqlite|api_keys|Traceback|"
                             r"File \"|/work/|\.py", text), text
    assert {401, 403, 404, 409, 422, 429} <= set(statuses)


def test_keys_are_stored_only_as_an_hmac_under_a_private_secret(home, keys) -> None:
    secret_file = home / "api-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text().strip().encode()
    with SkillMatch(api_settings(home)) as engine:
        rows = [dict(r) for r in engine.conn.execute("SELECT * FROM api_keys")]
        dump = "\n".join(engine.conn.iterdump())
    for key in keys.values():
        assert key not in dump and key.split("_", 2)[2] not in dump
        digest = hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()
        assert digest in {r["hash"] for r in rows}
    assert {r["id"] for r in rows} >= {k.split("_")[1] for k in keys.values()}


def test_a_configured_secret_is_used_and_no_file_is_made(tmp_path) -> None:
    settings = api_settings(tmp_path / "ws", api_secret="a" * 40)
    with SkillMatch(settings) as engine:
        made = engine.keys.create("designer")
        assert engine.keys.authenticate(made["key"]).role == "designer"
    assert not (tmp_path / "ws" / "api-secret").exists()
    # another secret: every key stops working
    with SkillMatch(api_settings(tmp_path / "ws", api_secret="b" * 40)) as engine:
        assert engine.keys.authenticate(made["key"]) is None


def test_writes_show_in_the_next_read_of_another_worker(home, api, keys) -> None:
    acme = auth(keys["acme"])
    for other in worker(home):
        before = other.get("/v1/demand").json()["records"]
        posted = api.post("/v1/needs", json=need("seen:1", openings=3), headers=acme)
        assert posted.status_code == 201
        assert other.get("/v1/needs/seen:1", headers=acme).json()["openings"] == 3
        assert other.get("/v1/demand").json()["records"] == before + 1
        assert api.delete("/v1/needs/seen:1", headers=acme).status_code == 204
        assert_problem(other.get("/v1/needs/seen:1", headers=acme), 404)
        assert other.get("/v1/demand").json()["records"] == before
