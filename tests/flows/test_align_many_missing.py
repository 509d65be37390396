"""align with k above the number of missing skills it lists (fake embedder): every
suggested addition is labelled (k > 50 raised KeyError: labels were fetched for the
first 50 missing skills only)."""

from __future__ import annotations

import pytest

from skillmatch.records import OccupationRecord, RelationRecord, SkillRecord, TaxonomyBundle

SKILLS = 70


@pytest.fixture
def broad(settings):
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    app.taxonomies.save(TaxonomyBundle(
        name="wide", kind="custom", version="1", source="tests",
        skills=[SkillRecord(code=f"s:{i}", label=f"operate machine model {i}",
                            description=f"Run and maintain machine model {i}.")
                for i in range(SKILLS)],
        occupations=[OccupationRecord(code="o:operator", label="machine operator",
                                      description="Runs many kinds of machines.")],
        relations=[RelationRecord("o:operator", f"s:{i}", "essential")
                   for i in range(SKILLS)]))
    app.build_indexes()
    yield app
    app.close()


def test_every_suggested_addition_is_labelled_when_k_exceeds_fifty(broad) -> None:
    out = broad.align(description="Bake bread and pastries.", occupations=["o:operator"],
                      k=60)
    assert out["targets"][0]["basis"].startswith("taxonomy signals of wide")
    additions = out["suggested_additions"]
    assert len(additions) == 60
    assert {a["id"] for a in additions} <= {f"s:{i}" for i in range(SKILLS)}
    assert all(a["label"].startswith("operate machine model") for a in additions)
    assert len(out["missing_in_demand"]) == 20  # the list stays short


def test_additions_of_targets_that_all_weigh_nothing_have_no_gain() -> None:
    from skillmatch.flows.align import coverage_report

    report = coverage_report({1: 1.0}, {2: 0.0, 3: 0.0}, {}, 5, {})
    assert report["alignment"] == 0.0
    assert all(a["gain"] == 0.0 for a in report["additions"])
