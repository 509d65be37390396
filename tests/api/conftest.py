"""The API's fixtures: one small read-only workspace (the tiny taxonomy as ``esco``, a
few O*NET occupations, the flow catalogue and two employer needs; fake embedder) and a
TestClient over it, its lifespan run and its engine loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from skillmatch.settings import Settings
from tests.conftest import tiny_bundle
from tests.flow_data import import_catalogue, onet_bundle

NEEDS = [
    {"id": "n1", "employer": "Bayou Senior Living", "role": "Nursing Assistant",
     "occupation_code": "31-1131.00", "required_skills": ["CPR", "take vital signs"],
     "preferred_skills": ["teamwork"], "openings": 2, "region": "TX-Houston",
     "date": "2026-10-01"},
    {"id": "n2", "employer": "Buckeye Fabrication", "role": "Welder",
     "occupation_code": "51-4121.00", "required_skills": ["MIG welding"], "openings": 1,
     "region": "OH-Columbus", "date": "2026-09-01"},
]


def api_settings(home: Path, **overrides: Any) -> Settings:
    """The API tests' settings: no rate limit (the shared client makes hundreds of
    requests; tests/api/test_security.py sets one of its own) unless ``overrides`` say."""
    return Settings(**{"home": home, "embedder": "fake", "link_threshold": 0.3,
                       "api_rate_limit": 0, **overrides})


def build_workspace(home: Path, **overrides: Any) -> SkillMatch:
    """The API tests' workspace at ``home``, opened (``overrides``: settings)."""
    engine = SkillMatch(api_settings(home, **overrides))
    engine.taxonomies.save(tiny_bundle("esco"))
    engine.taxonomies.save(onet_bundle())
    engine.build_indexes(["esco"])
    import_catalogue(engine, home.parent)
    needs = home.parent / "needs.jsonl"
    needs.write_text("\n".join(json.dumps(n) for n in NEEDS))
    engine.import_records("need", needs)
    return engine


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SkillMatch]:
    """Shared by every API test: read it, never write to it."""
    engine = build_workspace(tmp_path_factory.mktemp("api") / "ws")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def client(engine: SkillMatch) -> Iterator[TestClient]:
    """A client of the app over ``engine``, loaded (readiness waited for)."""
    from skillmatch.api import create_app

    app = create_app(engine=engine)
    with TestClient(app) as client:
        assert app.state.readiness.wait(60), app.state.readiness.error
        yield client


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """``response`` is RFC 9457 problem details of ``status`` (naming ``field``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    if field is not None:
        assert body.get("field") == field, body
    assert "Traceback" not in body["detail"] and "SELECT" not in body["detail"]
    return body
