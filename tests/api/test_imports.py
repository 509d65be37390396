"""``/v1/imports``: a file uploaded (streamed to disk), imported in the background, its
job read by its owner; roles, ownership, limits and bad files."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem, build_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "formats"
BADGE = FIXTURES / "openbadges" / "maker-educator-ob3.json"
FEED = FIXTURES / "jobposting" / "feed.jsonl.gz"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict, object]]:
    from skillmatch.api import create_app

    engine = build_workspace(tmp_path_factory.mktemp("imports") / "ws",
                             api_max_upload_bytes=64 * 1024)
    keys = {name: {"Authorization": "Bearer " + engine.keys.create(
        "employer", employer=employer)["key"]}
        for name, employer in (("acme", "Acme Clinic"), ("bayou", "Bayou Senior Living"))}
    for role in ("admin", "counselor"):
        keys[role] = {"Authorization": "Bearer " + engine.keys.create(role)["key"]}
    with TestClient(create_app(engine=engine)) as client:
        yield client, keys, engine
    engine.close()


def _wait(client: TestClient, location: str, headers: dict) -> dict:
    for _ in range(200):
        job = client.get(location, headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {location} did not finish: {job}")


def test_an_admin_uploads_a_badge_and_reads_the_job_report(api) -> None:
    client, keys, engine = api
    answer = client.post("/v1/imports", params={"filename": BADGE.name},
                         content=BADGE.read_bytes(), headers=keys["admin"])
    assert answer.status_code == 202, answer.text
    job = _wait(client, answer.headers["location"], keys["admin"])
    assert job["status"] == "done", job
    [report] = job["result"]["files"]
    assert report["path"] == BADGE.name  # the server's upload folder never shows
    assert (report["format"], report["kind"], report["created"]) == (
        "openbadges", "credential", 1)
    assert not list((engine.settings.home / "uploads").glob("*/*"))  # the upload is gone
    listed = client.get("/v1/imports", headers=keys["admin"]).json()
    assert listed["total"] >= 1 and listed["items"][0]["id"] == job["id"]


def test_an_employers_feed_is_its_own_and_hidden_from_other_employers(api) -> None:
    client, keys, engine = api
    answer = client.post("/v1/imports", params={"filename": FEED.name, "wait": "true"},
                         content=FEED.read_bytes(), headers=keys["acme"])
    assert answer.status_code == 200, answer.text
    job = answer.json()
    assert job["result"]["totals"]["created"] == 3
    codes = [r["id"] for r in client.get("/v1/postings", headers=keys["acme"],
                                          params={"limit": 100}).json()["items"]]
    owners = engine.conn.execute("SELECT DISTINCT owner FROM postings WHERE code IN "
                                 f"({','.join('?' * 3)})", codes[-3:]).fetchall()
    assert [o[0] for o in owners] == ["Acme Clinic"]
    # another employer: not its job (404), and its upload of the same ids cannot take them
    assert_problem(client.get(f"/v1/imports/{job['id']}", headers=keys["bayou"]), 404)
    assert client.get("/v1/imports", headers=keys["bayou"]).json()["total"] == 0
    theirs = client.post("/v1/imports", params={"filename": FEED.name, "wait": "true"},
                         content=FEED.read_bytes(), headers=keys["bayou"]).json()
    assert theirs["result"]["totals"]["created"] == 0
    assert {r["field"] for r in theirs["result"]["files"][0]["rejected"]} == {"id"}
    assert [o[0] for o in engine.conn.execute(
        "SELECT DISTINCT owner FROM postings WHERE code IN (?, ?, ?)", codes[-3:])] == [
        "Acme Clinic"]


def test_roles_limits_and_bad_files(api) -> None:
    client, keys, _ = api
    body = BADGE.read_bytes()
    assert_problem(client.post("/v1/imports", params={"filename": "b.json"}, content=body),
                   401)
    assert_problem(client.post("/v1/imports", params={"filename": "b.json"}, content=body,
                               headers=keys["counselor"]), 403)
    # an employer imports postings only: a badge file is refused, nothing stored
    refused = client.post("/v1/imports", params={"filename": BADGE.name, "wait": "true"},
                          content=body, headers=keys["acme"]).json()
    assert "holds credentials, not postings" in refused["result"]["files"][0]["refused"]
    assert_problem(client.post("/v1/imports", params={"filename": "b.json",
                                                      "kind": "credentials"},
                               content=body, headers=keys["acme"]), 422, "kind")
    # over the upload limit (64 KB here): 413, and nothing left on disk
    assert_problem(client.post("/v1/imports", params={"filename": "big.jsonl"},
                               content=b"x" * (65 * 1024), headers=keys["admin"]), 413)
    assert_problem(client.post("/v1/imports", params={"filename": "../evil.json"},
                               content=body, headers=keys["admin"]), 422)
    assert_problem(client.post("/v1/imports", params={"filename": "empty.json"},
                               content=b"", headers=keys["admin"]), 422, "body")
    assert_problem(client.post("/v1/imports", params={"filename": "b.csv",
                                                      "mapping": "../../etc/passwd"},
                               content=b"a,b\n1,2\n", headers=keys["admin"]), 422, "mapping")
    broken = client.post("/v1/imports", params={"filename": "broken.json", "wait": "true"},
                         content=b'{"@context": "https://w3id.org/openbadges/v2", "na',
                         headers=keys["admin"]).json()
    [report] = broken["result"]["files"]
    assert report["rejected"] and report["created"] == 0
    assert "Traceback" not in json.dumps(broken)


def test_an_admin_uploads_a_taxonomy_imported_and_indexed(api) -> None:
    client, keys, engine = api
    skills = ("id,label,alt_labels,description\n"
              "d:maker,facilitate a makerspace,maker education,Run a school makerspace "
              "safely.\n"
              "d:robot,coach a robotics team,robotics,Coach students building robots.\n")
    params = {"kind": "custom", "filename": "district.csv", "name": "district",
              "wait": "true"}
    assert_problem(client.post("/v1/taxonomies", params=params, content=skills,
                               headers=keys["acme"]), 403)
    job = client.post("/v1/taxonomies", params=params, content=skills,
                      headers=keys["admin"])
    assert job.status_code == 200, job.text
    done = job.json()
    assert done["status"] == "done", done
    assert done["result"]["taxonomy"]["name"] == "district"
    assert done["result"]["taxonomy"]["counts"]["skills"] == 2
    assert done["result"]["indexes"]  # indexed: records can link to it
    listed = client.get("/v1/taxonomies", params={"limit": 100}).json()["items"]
    assert "district" in [t["name"] for t in listed]
    assert "source" not in json.dumps(done["result"])  # never a server path
    bad = client.post("/v1/taxonomies", params={**params, "name": "district2"},
                      content="not,a,skills,file\n", headers=keys["admin"]).json()
    assert bad["status"] == "failed" and bad["error"]
