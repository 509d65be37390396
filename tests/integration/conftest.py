"""One real workspace per test session: real ESCO and O*NET, the real model, real FAISS."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillmatch.app import SkillMatch
from skillmatch.settings import Settings


@pytest.fixture(scope="session")
def real_settings(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("real-ws"), embedder="onnx", shared_data=shared)


@pytest.fixture(scope="session")
def real_app(real_settings: Settings, shared: Path):
    app = SkillMatch(real_settings)
    app.import_taxonomy("esco", shared / "esco-v1.1.1")
    app.import_taxonomy("onet", shared / "onet-29.2-text")
    yield app
    app.close()


@pytest.fixture(scope="session")
def esco_indexed(real_app: SkillMatch) -> SkillMatch:
    real_app.build_indexes(["esco"])
    return real_app
