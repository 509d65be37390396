"""Shared fixtures: tiny taxonomies, a fake-embedder app, the real data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillmatch.records import OccupationRecord, RelationRecord, SkillRecord, TaxonomyBundle
from skillmatch.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    return Path(os.environ.get("SKILLMATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_data()
    if not path.exists():
        pytest.skip(f"real data not found at {path} (set SKILLMATCH_SHARED_DATA); CI has it")
    return path


TINY_SKILLS = [
    ("s:cpr", "perform cardiopulmonary resuscitation", ["CPR", "administer CPR"],
     "Restart breathing and circulation of a person in cardiac arrest."),
    ("s:vitals", "take vital signs", ["measure vital signs", "check blood pressure"],
     "Measure temperature pulse breathing rate and blood pressure of patients."),
    ("s:excel", "use spreadsheets software", ["Microsoft Excel", "Excel"],
     "Create and edit spreadsheets with formulas charts and pivot tables."),
    ("s:python", "Python", ["Python programming"],
     "Write programs in the Python programming language."),
    ("s:lesson", "plan lessons", ["lesson planning", "prepare lesson content"],
     "Prepare lesson plans and classroom activities aligned to curriculum standards."),
    ("s:teamwork", "work in teams", ["collaboration", "teamwork"],
     "Cooperate with colleagues toward shared goals as part of a team."),
    ("s:weld", "weld metal parts", ["welding", "MIG welding"],
     "Join metal parts using arc MIG or TIG welding equipment safely."),
    ("s:3dprint", "operate 3D printers", ["3D printing"],
     "Set up and run 3D printers to produce prototypes in a maker space."),
]


def tiny_bundle(name: str = "tiny") -> TaxonomyBundle:
    return TaxonomyBundle(
        name=name,
        kind="custom",
        version="1.0",
        source="tests",
        skills=[SkillRecord(code=c, label=lbl, alt_labels=list(alt), description=d)
                for c, lbl, alt, d in TINY_SKILLS],
        occupations=[OccupationRecord(code="o:nurse", label="nursing assistant",
                                      description="Helps patients with daily care.")],
        relations=[RelationRecord("o:nurse", "s:vitals", "essential")],
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "ws", embedder="fake", link_threshold=0.3)


@pytest.fixture
def app(settings: Settings):
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    app.taxonomies.save(tiny_bundle())
    app.build_indexes()
    yield app
    app.close()


@pytest.fixture
def with_onet(settings: Settings, tmp_path: Path):
    """The tiny skills stored as ``esco`` (the taxonomy the weights' skill profiles come
    from), a few O*NET occupations, the catalogue: the learned scorer applies."""
    from skillmatch.app import SkillMatch
    from tests.flow_data import import_catalogue, onet_bundle

    app = SkillMatch(settings)
    app.taxonomies.save(tiny_bundle("esco"))
    app.taxonomies.save(onet_bundle())
    app.build_indexes(["esco"])
    yield import_catalogue(app, tmp_path)
    app.close()
