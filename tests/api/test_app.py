"""The app factory and lifespan, dependency overrides, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from skillmatch.api import create_app
from skillmatch.api.deps import get_engine
from skillmatch.settings import Settings
from tests.api.conftest import assert_problem, build_workspace


def test_lifespan_opens_the_engine_on_settings_and_closes_it(tmp_path) -> None:
    build_workspace(tmp_path / "ws").close()
    app = create_app(Settings(home=tmp_path / "ws", embedder="fake", link_threshold=0.3))
    assert app.state.engine is None
    with TestClient(app) as client:
        engine = app.state.engine
        assert engine is not None and engine.settings.home == tmp_path / "ws"
        assert app.state.readiness.wait(60)
        assert client.get("/v1/ready").json()["loaded"]["credentials"] == 3
        assert client.get("/").json()["docs"] == "/docs"
    assert app.state.engine is None  # closed with the app


def test_not_ready_until_there_is_something_to_serve(tmp_path) -> None:
    app = create_app(Settings(home=tmp_path / "empty", embedder="fake"))
    with TestClient(app) as client:
        assert client.get("/v1/health").json() == {"status": "ok"}  # alive all the same
        app.state.readiness.wait(60)
        response = client.get("/v1/ready")
        body = assert_problem(response, 503)
        assert "no taxonomy is loaded" in body["detail"]
        assert response.headers["retry-after"] == "5"
        version = client.get("/v1/version").json()  # the model, no taxonomy yet
        assert version["model"] == "fake-hash-256" and version["taxonomies"] == []


def test_routes_take_the_engine_from_a_dependency(engine) -> None:
    class Stub:
        lookup = engine.lookup

        def link(self, *args: Any, **kwargs: Any) -> Any:
            return engine.link(["Weld metal parts."], top_k=1)

        def provenance(self, taxonomies: Any = ()) -> dict[str, Any]:
            return {"model": "stub", "taxonomies": {}}

    app = create_app(engine=engine)
    app.dependency_overrides[get_engine] = Stub
    with TestClient(app) as client:
        body = client.post("/v1/skills/link", json={"text": "anything"}).json()
    assert body["provenance"]["model"] == "stub" and body["skills"][0]["id"] == "s:weld"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_openapi_has_an_example_everywhere_and_problem_errors(client) -> None:
    spec = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in spec["paths"].items()
                  for method, op in ops.items()]
    # 19 reads and compare; postings, needs and credentials: create, bulk, put, patch,
    # delete; keys: create, list, revoke; taxonomies; corrections: two to make, list, one,
    # accept, reject
    assert len(operations) == 50
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        for param in op.get("parameters", []):
            assert param.get("examples") or param["schema"].get("examples") or \
                any(s.get("examples") for s in param["schema"].get("anyOf", [])), \
                f"{where}: parameter {param['name']} has no example"
        if "requestBody" in op:
            content = op["requestBody"]["content"]
            if "application/json" in content:
                body = content["application/json"]["schema"]
                assert _resolve(spec, body).get("examples"), f"{where}: body has no example"
            else:  # a file uploaded as it is (/v1/imports): bytes
                assert content["application/octet-stream"]["schema"]["format"] == "binary"
        success = next(s for s in op["responses"] if s.startswith("2"))
        if success != "204":  # a deletion answers no content
            ok = op["responses"][success]["content"]
            media = next(iter(ok.values()))
            assert media.get("example") or _resolve(spec, media.get("schema", {})).get(
                "examples"), f"{where}: response has no example"
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], where
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["Problem"]["properties"]["field"]
