"""Every endpoint family of the HTTP API against the real model on a workspace with ESCO
(indexed), O*NET, the O*NET-SOC crosswalks, NCES CIP programs as the catalogue and
synthetic postings from O*NET, through FastAPI's test client (the real server process
is tests/api/test_server.py's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from skillmatch.datasets import cip_programs
from tests.integration.conftest import copy_session_workspace

pytestmark = [pytest.mark.model, pytest.mark.shared]

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "formats"
HEALTH = ("cip:51.08", "cip:51.39", "cip:51.26", "cip:13.12", "cip:15.06")


@pytest.fixture(scope="module")
def api(esco_indexed: SkillMatch, shared: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    from skillmatch.api import create_app

    # a copy of the session workspace (taxonomies and indexes): what this module writes
    # stays out of the other modules' workspace
    home = copy_session_workspace(esco_indexed, tmp_path_factory.mktemp("api-real-ws"))
    settings = esco_indexed.settings.model_copy(update={"taxonomies": ["esco"],
                                                        "api_rate_limit": 0, "home": home})
    engine = SkillMatch(settings)
    engine.import_crosswalk(shared / "onet-soc-crosswalks")
    programs = [p for p in cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
                if p.id.startswith(HEALTH)]
    engine.import_records("credential", programs)
    synth = tmp_path_factory.mktemp("synth") / "postings.jsonl"
    engine.synth_postings(shared / "onet-29.2-text", 300, synth, seed=3)
    engine.import_records("posting", synth)
    keys = {"admin": engine.keys.create("admin")["key"],
            "acme": engine.keys.create("employer", employer="Acme Clinic")["key"]}
    app = create_app(engine=engine)
    with TestClient(app) as client:
        assert app.state.readiness.wait(300), app.state.readiness.error
        yield client, {k: {"Authorization": f"Bearer {v}"} for k, v in keys.items()}
    engine.close()


def test_operations_and_lookups(api) -> None:
    client, _ = api
    assert client.get("/v1/health").json()["status"] == "ok"
    assert client.get("/v1/ready").status_code == 200
    version = client.get("/v1/version").json()
    assert "esco" in json.dumps(version) and version["model"]
    link = client.post("/v1/skills/link", json={
        "text": "Take vital signs, record them in the patient's chart and assist with CPR."})
    labels = [s["label"] for s in link.json()["skills"]]
    assert any("vital signs" in label for label in labels), labels
    skills = client.get("/v1/skills", params={"q": "vital sig"}).json()
    assert any("vital signs" in s["label"] for s in skills["results"])
    occupations = client.get("/v1/occupations", params={"q": "medical assis"}).json()
    assert any(o["code"] == "31-9092.00" for o in occupations["results"])
    assert "skillmatch_http_requests_total" in client.get("/v1/metrics").text


def test_counselor_and_designer_endpoints(api) -> None:
    client, _ = api
    rec = client.post("/v1/recommendations", json={"occupation": "31-9092.00", "k": 5})
    assert rec.status_code == 200, rec.text
    assert rec.json()["results"] and rec.json()["occupation"]["code"] == "31-9092.00"
    free = client.post("/v1/recommendations", json={
        "query": "I like helping people and want to work in a hospital", "k": 5,
        "max_cost": 5000, "include_unknown_cost": True}).json()
    assert free["results"]
    path = client.post("/v1/pathways", json={"occupation": "31-9092.00"})
    assert path.status_code == 200 and "reached" in path.json()
    report = client.get("/v1/alignments/cip:51.0801").json()
    assert report["alignment"] >= 0 and report["prepares_for"]
    for fmt, media in (("html", "text/html"), ("csv", "text/csv"), ("svg", "image/svg+xml")):
        answer = client.get("/v1/alignments/cip:51.0801", params={"format": fmt})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    posted = client.post("/v1/alignments", json={
        "description": "Students practice phlebotomy, venipuncture and specimen handling."})
    assert posted.status_code == 200 and posted.json()["covered_in_demand"] is not None
    compare = client.post("/v1/alignments/compare",
                          json={"credentials": ["cip:51.0801", "cip:51.3902"]})
    assert compare.status_code == 200, compare.text
    demand = client.get("/v1/demand", params={"top": 5, "trend": "true"}).json()
    assert demand["skills"] and demand["records"] >= 300
    skill = demand["skills"][0]["skill"]["id"]
    series = client.get(f"/v1/demand/skills/{skill}/series")
    assert series.status_code == 200, series.text


def test_employer_writes_imports_and_exports(api) -> None:
    client, keys = api
    need = client.post("/v1/needs", headers=keys["acme"], json={
        "role": "Medical Assistant", "occupation_code": "31-9092.00",
        "required_skills": ["take vital signs", "schedule appointments"], "openings": 2})
    assert need.status_code == 201, need.text
    body = need.json()
    assert body["understood"] and body["need"]["id"]
    skill = body["need"]["skills"][0]
    fix = client.post(f"/v1/needs/{body['need']['id']}/corrections", headers=keys["acme"],
                      json={"skill": skill["id"], "action": "reject"})
    assert fix.status_code == 201, fix.text
    assert client.get("/v1/corrections", headers=keys["acme"]).json()["total"] >= 1
    listed = client.get("/v1/needs", headers=keys["acme"]).json()
    assert body["need"]["id"] in [n["id"] for n in listed["items"]]
    upload = FIXTURES / "ctdl" / "welding-certification.json"
    job = client.post("/v1/imports", params={"filename": upload.name, "wait": "true"},
                      content=upload.read_bytes(), headers=keys["admin"]).json()
    assert job["status"] == "done" and job["result"]["totals"]["created"] == 1
    exported = client.get("/v1/credentials/cip:51.0801/export").json()
    assert exported["alignment"] and exported["provenance"]["taxonomies"]["esco"]
