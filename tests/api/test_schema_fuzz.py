"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

Every operation the schema describes is called in process (ASGI) with generated inputs,
a bounded, seeded number of them, on a workspace of its own (the operations write),
with an admin key and no rate limit. Each response must not be a 5xx, must have a
documented status code and content type, and must match the schema documented for it
(problem details for every error); the schema's own examples are sent too.

The cases are drawn with Hypothesis from schemathesis' strategies (``as_strategy``), one
operation after another, rather than through ``schema.parametrize()``: its pytest
plugin reads a node attribute pytest 9 no longer has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import api_settings, assert_problem

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    """The app over a workspace of its own holding the built-in sample (the ids the
    schema's examples name), and an admin key."""
    from skillmatch.api import create_app
    from skillmatch.app import SkillMatch

    engine = SkillMatch(api_settings(tmp_path_factory.mktemp("fuzz") / "ws"))
    sample = engine.settings.demo_data
    engine.import_taxonomy("custom", sample / "skills.csv", name="demo")
    engine.build_indexes(["demo"])
    for kind in ("credential", "posting", "need"):
        engine.import_records(kind, sample / f"{kind}s.jsonl")
    key = engine.keys.create("admin", name="schemathesis")["key"]
    app = create_app(engine=engine)
    app.state.readiness.start(engine)  # loaded before the first request, not raced by it
    assert app.state.readiness.wait(60), app.state.readiness.error
    yield app, key
    engine.close()


MODES = ("POSITIVE", "NEGATIVE")  # valid inputs, and inputs the schema rejects
EXAMPLES = 5  # per operation and mode, seeded: the same cases every run


def test_every_operation_answers_as_documented(fuzzed: tuple[object, str]) -> None:
    """Each operation, each mode: ``EXAMPLES`` generated requests, every check passing;
    the failures of every operation reported together."""
    from schemathesis import GenerationMode

    app, key = fuzzed
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in MODES:
            @given(case=operation.as_strategy(generation_mode=GenerationMode[mode]))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            def check(case) -> None:
                case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                                       checks=CHECKS)

            try:
                check()
            except Unsatisfiable:  # no input to break (an operation without parameters)
                assert mode == "NEGATIVE", operation.label
            except (Exception, BaseExceptionGroup) as exc:  # reported together below
                failures.append(f"{operation.label} ({mode.lower()}): {exc}")
    assert operations > 30
    assert not failures, "\n\n".join(failures)


def test_every_documented_example_answers_as_documented(fuzzed: tuple[object, str]) -> None:
    """The examples the schema gives (bodies, parameters: the sample's ids), each sent
    once: what /docs shows works as documented."""
    app, key = fuzzed
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for strategy in schema.get_strategies_from_examples(operation):
            @given(case=strategy)
            @settings(max_examples=1, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate])
            def check(case) -> None:
                case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                                       checks=CHECKS)

            sent += 1
            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # reported together below
                failures.append(f"{operation.label} (example): {exc}")
    assert sent > 30
    assert not failures, "\n\n".join(failures)


def test_every_error_response_is_documented_as_problem_details(
        fuzzed: tuple[object, str]) -> None:
    app, _ = fuzzed
    document = app.openapi()  # type: ignore[attr-defined]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}, (
                        method, path, status)


def test_what_schemathesis_found_stays_fixed(fuzzed: tuple[object, str]) -> None:
    """Each was a 5xx or an answer off its schema before: a body that is not UTF-8 (a 400
    of FastAPI's own, undocumented), a lone surrogate in JSON text (a 500: nothing can
    encode it), a bulk item too malformed to have an id (its result left out the
    required ``id``), a record dated in year 9999 (every other record weightless, and
    an alignment's division by zero)."""
    from fastapi.testclient import TestClient

    app, key = fuzzed
    client = TestClient(app)  # type: ignore[arg-type]
    admin = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
    body = assert_problem(client.post("/v1/skills/link", content=b'{"text": "\xff\xfe"}',
                                      headers=admin), 422, "body")
    assert "not valid JSON" in body["detail"]
    lone = b'{"text": "CPR \\ud938 and more"}'
    body = assert_problem(client.post("/v1/skills/link", content=lone, headers=admin), 422,
                          "text")
    assert "surrogate" in body["detail"]
    pair = b'{"text": "CPR \\ud83d\\ude00 and vital signs"}'  # an emoji: fine
    assert client.post("/v1/skills/link", content=pair, headers=admin).status_code == 200
    bulk = client.post("/v1/postings/bulk", headers=admin, json={"items": [
        {"id": "fuzz:ok", "title": "Cook"}, {"title": "x", "skills": ["y" * 301]}]})
    assert bulk.status_code == 200, bulk.text
    items = bulk.json()["items"]
    assert items[0]["id"] == "fuzz:ok" and items[1]["status"] == 422
    assert items[1]["error"]["field"] == "items.1.skills.0" and "id" not in items[1]
    for day in ("9999-12-31", "1899-12-31"):
        assert_problem(client.post("/v1/postings", headers=admin, json={
            "title": "Cook", "date_posted": day}), 422, "date_posted")
        assert_problem(client.post("/v1/needs", headers=admin, json={
            "required_skills": ["CPR"], "date": day}), 422, "date")
    made = client.post("/v1/needs", headers=admin, json={
        "employer": "Fuzz Clinic", "required_skills": ["CPR"], "date": "2026-01-15"})
    assert made.status_code == 201, made.text
