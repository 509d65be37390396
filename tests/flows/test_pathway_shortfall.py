"""pathway on a realistic small catalogue (fake embedder): free courses with little demand
behind them do not crowd out a cheap course teaching an in-demand skill, and a pathway
that falls short of its target says so and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillmatch.records import OccupationRecord, SkillRecord, TaxonomyBundle
from tests.flows.test_recommend_value import NETWORK_ADMIN, SKILLS

POSTINGS = [
    {"id": f"na{i}", "title": "Network Administrator", "occupation_code": "15-1244.00",
     "region": "TX-Dallas", "date_posted": "2026-10-01",
     "description": "Configure routers and switches. IP addressing and subnetting. "
                    "Network troubleshooting."
                    + (" Write SQL queries." if i < 6 else "")
                    + (" Configure firewalls." if i < 3 else "")
                    + (" Time management." if i == 0 else "")
                    + (" Study skills." if i == 1 else "")}
    for i in range(8)
]
CREDENTIALS = [
    {"id": "time", "title": "Time Management Badge", "type": "badge", "cost": 0, "hours": 1,
     "delivery": "online", "description": "Time management."},
    {"id": "study", "title": "Study Skills Badge", "type": "badge", "cost": 0, "hours": 1,
     "delivery": "online", "description": "Study skills."},
    {"id": "sql", "title": "Introduction to SQL", "type": "course", "cost": 39, "hours": 24,
     "delivery": "online", "description": "Write SQL queries."},
    {"id": "net-fund", "title": "Computer Networking Fundamentals", "type": "course",
     "cost": 129, "hours": 24, "delivery": "online",
     "description": "Configure routers and switches, IP addressing and subnetting, and "
                    "network troubleshooting."},
]


@pytest.fixture
def net_app(settings, tmp_path: Path):
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    code, label, alts, description = NETWORK_ADMIN
    app.taxonomies.save(TaxonomyBundle(
        name="skills", kind="custom", version="1", source="tests",
        skills=[SkillRecord(code=c, label=lbl, alt_labels=alt, description=d)
                for c, lbl, alt, d in SKILLS],
        occupations=[OccupationRecord(code=code, label=label, alt_labels=alts,
                                      description=description)]))
    app.build_indexes()
    for kind, rows in (("posting", POSTINGS), ("credential", CREDENTIALS)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        app.import_records(kind, path)
    yield app
    app.close()


def test_a_cheap_course_teaching_an_uncovered_skill_is_picked(net_app) -> None:
    out = net_app.pathway("15-1244.00", max_steps=2, target_coverage=0.7)
    assert [s["id"] for s in out["steps"]] == ["net-fund", "sql"]
    assert "SQL" not in out["uncovered"]
    assert out["reached"] is True and out["coverage"] >= 0.7 and "shortfall" not in out


def test_a_pathway_short_of_its_target_says_why(net_app) -> None:
    out = net_app.pathway("15-1244.00", max_steps=2, target_coverage=1.0)
    assert out["reached"] is False and out["target_coverage"] == 1.0
    assert out["coverage"] < 1.0
    why = out["shortfall"]
    assert "step limit" in why["reason"] and "max_steps 2" in why["reason"]
    untaught = {s["label"] for s in why["untaught"]["skills"]}
    assert untaught == {"network security"}  # no catalogued credential teaches it
    not_chosen = {s["label"]: s for s in why["not_chosen"]["skills"]}
    assert set(not_chosen) == {"manage time", "apply study techniques"}
    assert not_chosen["manage time"]["taught_by"]["id"] == "time"
    shares = [why[k]["weight_share"] for k in ("untaught", "not_chosen")]
    assert sum(shares) == pytest.approx(1.0 - out["coverage"], abs=1e-3)
    # a filter that leaves the teaching credential out is named as the cause
    capped = net_app.pathway("15-1244.00", max_steps=4, target_coverage=1.0, max_cost=100)
    assert capped["reached"] is False
    assert "SQL" not in {s["label"] for s in capped["shortfall"]["filtered_out"]["skills"]}
    assert "Computer" not in str(capped["steps"])  # $129 is over the cap
    filtered = {s["label"] for s in capped["shortfall"]["filtered_out"]["skills"]}
    assert {"configure network devices", "TCP/IP networking"} <= filtered


def test_the_cli_says_a_pathway_fell_short(net_app) -> None:
    from click.testing import CliRunner

    from skillmatch.cli import main

    out = CliRunner().invoke(main, [
        "--home", str(net_app.settings.home), "--embedder", "fake", "pathway", "15-1244.00",
        "--max-steps", "2", "--coverage", "1.0"])
    assert out.exit_code == 0, out.output
    assert "of the 100% target: NOT reached" in out.output
    assert "why: step limit: max_steps 2" in out.output
    assert "no catalogued credential teaches (20% of demand): network security" in out.output
