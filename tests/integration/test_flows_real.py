"""Every flow on real data with the real model: CIP programs as the catalogue, NYC Jobs
health postings as demand, ESCO as the taxonomy and O*NET for target occupations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skillmatch.app import SkillMatch
from skillmatch.datasets import cip_programs, nyc_postings
from skillmatch.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.shared]

HEALTH = re.compile(r"nurse|medical|health|clinic|patient|hospital|care\b|dental|pharm", re.I)


@pytest.fixture(scope="module")
def loaded(esco_indexed: SkillMatch, shared: Path) -> SkillMatch:
    app = SkillMatch(esco_indexed.settings.model_copy(update={"taxonomies": ["esco"]}))
    programs = [p for p in cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
                if p.id.startswith(("cip:51.08", "cip:13.12", "cip:51.39"))]
    app.import_records("credential", programs)
    postings = [p for p in nyc_postings(shared / "nyc-jobs" / "nyc-jobs_2019-07-30.zip")
                if HEALTH.search(p.title)]
    app.import_records("posting", postings)
    yield app
    app.close()


def test_recommend_for_a_target_occupation(loaded: SkillMatch) -> None:
    out = loaded.recommend(occupation="31-9092.00", k=5)  # Medical Assistants (O*NET)
    assert out["occupation"]["label"] == "Medical Assistants"
    assert "description and tasks" in out["demand_basis"]  # no postings: says so
    ids = [r["id"] for r in out["results"]]
    assert "cip:51.0801" in ids[:3], ids  # Medical/Clinical Assistant
    top = out["results"][0]
    assert top["in_demand_skills"] and top["score"] >= out["results"][-1]["score"]
    assert out["provenance"]["model"].startswith(f"{Settings().model_name}@onnx-")


def test_recommend_from_free_text_with_known_skills(loaded: SkillMatch) -> None:
    out = loaded.recommend("I want to become a nurse and care for patients in a hospital",
                           known_skills=["first aid"], k=5)
    assert out["known_skills"], "first aid resolves to an ESCO skill"
    titles = " ".join(r["title"] for r in out["results"]).lower()
    assert "nurs" in titles
    for r in out["results"]:
        assert r["postings"] or not r["in_demand_skills"]  # demand is traced to postings


def test_align_and_pathway_and_need(loaded: SkillMatch) -> None:
    report = loaded.align("cip:51.3902", occupations=["31-1131.00"], k=3)  # Nursing Assistant
    assert report["alignment"] > 0 and report["covered_in_demand"]
    assert len(report["suggested_additions"]) == 3
    assert report["similar_credentials"][0]["id"].startswith("cip:51.")
    basis = report["prepares_for_basis"]  # O*NET loaded: the learned matching model
    assert basis["learned"] and basis["cip"] == "51.3902" and not basis["signals_missing"]
    path = loaded.pathway("31-1131.00", by="cost", max_steps=3)
    assert path["steps"] and path["steps"][-1]["coverage_after"] > path["coverage_from_known"]
    before = loaded.demand_model.size()["records"]
    need = loaded.post_need("Bellevue Hospital", role="Patient Care Technician",
                            required=["take vital signs", "phlebotomy"],
                            preferred=["zzqx unknown skill"], region="NY-New York",
                            date="2019-07-01")
    assert {u["phrase"] for u in need["understood"]} >= {"take vital signs", "phlebotomy"}
    assert need["not_linked"] == ["zzqx unknown skill"]
    assert loaded.demand_model.size()["records"] == before + 1
