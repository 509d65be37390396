"""One real workspace per test session: real ESCO and O*NET, the real model, real FAISS."""

from __future__ import annotations

import shutil
import sqlite3
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


def copy_session_workspace(engine: SkillMatch, home: Path) -> Path:
    """A copy of ``engine``'s workspace (its database, indexes and derived files) at
    ``home``, so that a module that writes keeps its records out of the other modules'."""
    for name in ("indexes", "derived"):
        if (engine.settings.home / name).exists():
            shutil.copytree(engine.settings.home / name, home / name)
    target = sqlite3.connect(home / engine.workspace.db_path.name)
    engine.conn.backup(target)
    target.close()
    return home
