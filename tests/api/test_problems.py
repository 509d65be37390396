"""Errors as RFC 9457 problem details: engine errors, validation, HTTP errors, and what
must never reach a client (paths, SQL, tracebacks)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.api import create_app
from skillmatch.api.deps import get_engine
from skillmatch.api.problems import scrub
from skillmatch.errors import (
    ArtifactError,
    ConfigurationError,
    ConflictError,
    InputError,
    NotFoundError,
)
from tests.api.conftest import assert_problem


def _raising(error: BaseException) -> Any:
    class Failing:
        def link(self, *args: Any, **kwargs: Any) -> Any:
            raise error

    return Failing


@pytest.mark.parametrize("error, status, kind", [
    (InputError("top_k must be at least 1", field="top_k"), 422, "invalid-input"),
    (NotFoundError("no credential with id 'x'"), 404, "not-found"),
    (ConflictError("taxonomy 'esco' exists"), 409, "conflict"),
    (ArtifactError("/srv/ws/indexes/skills-esco: no index here; run `skillmatch index "
                   "build`"), 503, "data-unavailable"),
    (ConfigurationError("unknown linker profile 'x'"), 500, "server-configuration"),
])
def test_engine_errors(engine, error, status, kind) -> None:
    app = create_app(engine=engine)
    app.dependency_overrides[get_engine] = _raising(error)
    with TestClient(app) as client:
        body = assert_problem(client.post("/v1/skills/link", json={"text": "x"}), status)
    assert body["type"] == f"urn:skillmatch:problem:{kind}"
    assert body["instance"] == "/v1/skills/link"
    assert "/srv" not in body["detail"]
    if isinstance(error, InputError):
        assert body["field"] == "top_k" and body["detail"] == "top_k must be at least 1"
    if isinstance(error, ArtifactError):
        assert body["detail"] == "<path>: no index here; run `skillmatch index build`"


def test_unexpected_and_database_errors_say_nothing_inside(engine) -> None:
    app = create_app(engine=engine)
    app.dependency_overrides[get_engine] = _raising(
        sqlite3.OperationalError("database is locked: SELECT secret FROM keys"))
    with TestClient(app) as client:
        response = client.post("/v1/skills/link", json={"text": "x"})
        body = assert_problem(response, 503)
        assert "secret" not in body["detail"] and response.headers["retry-after"] == "5"
    app.dependency_overrides[get_engine] = _raising(RuntimeError("/srv/ws/x.db: boom"))
    with TestClient(app, raise_server_exceptions=False) as client:
        body = assert_problem(client.post("/v1/skills/link", json={"text": "x"}), 500)
    assert body["type"] == "urn:skillmatch:problem:internal-error"
    assert "boom" not in body["detail"] and "/srv" not in body["detail"]


def test_validation_names_every_field(client) -> None:
    body = assert_problem(client.post("/v1/recommendations", json={
        "query": "x", "k": "many", "max_cost": -1, "delivery": ["by post"]}), 422, "max_cost")
    assert body["type"] == "urn:skillmatch:problem:invalid-request"
    assert {(e["field"], e["location"]) for e in body["errors"]} == {
        ("max_cost", "body"), ("delivery.0", "body"), ("k", "body")}
    assert all(e["message"] for e in body["errors"])
    assert "many" not in str(body["errors"])  # inputs are not echoed
    query = assert_problem(client.get("/v1/postings", params={"limit": "x"}), 422, "limit")
    assert query["errors"][0]["location"] == "query"


def test_bad_json_and_http_errors(client) -> None:
    bad = assert_problem(client.post("/v1/skills/link", content=b"{not json",
                                     headers={"content-type": "application/json"}), 422,
                         "body")
    assert "not valid JSON" in bad["detail"]
    assert_problem(client.post("/v1/skills/link"), 422, "body")  # no body at all
    missing = assert_problem(client.get("/v1/widgets"), 404)
    assert missing["type"] == "about:blank" and missing["title"] == "Not Found"
    assert assert_problem(client.delete("/v1/health"), 405)["title"] == "Method Not Allowed"


def test_scrub_drops_paths_but_keeps_names() -> None:
    assert scrub("/home/u/.skillmatch/indexes/x: unreadable") == "<path>: unreadable"
    assert scrub("see ./models/m/ranker.json and ~/ws") == "see <path> and <path>"
    assert scrub("BLS/CPR, weights.json, http://example.org/a") == \
        "BLS/CPR, weights.json, http://example.org/a"
