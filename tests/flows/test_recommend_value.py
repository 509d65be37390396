"""recommend on a realistic small catalogue (fake embedder): relevance and labour-market
value on one scale, value able to reorder, and courses about learning itself never above
on-topic ones for a career query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillmatch.records import OccupationRecord, SkillRecord, TaxonomyBundle

SKILLS = [
    ("net:config", "configure network devices", ["configure routers and switches"],
     "Install and configure routers, switches and other network equipment."),
    ("net:tcpip", "TCP/IP networking", ["IP addressing and subnetting"],
     "Assign IP addresses, subnets and routes in TCP/IP networks."),
    ("net:trouble", "troubleshoot network problems", ["network troubleshooting"],
     "Find and fix faults in local and wide area networks."),
    ("net:security", "network security", ["configure firewalls"],
     "Protect networks with firewalls and access control."),
    ("sql", "SQL", ["write SQL queries"], "Query relational databases with SQL."),
    ("learn:online", "use e-learning platforms", ["online learning platforms"],
     "Take courses through online learning platforms and learning management systems."),
    ("learn:study", "apply study techniques", ["study skills"],
     "Use study skills and learning strategies to learn new material."),
    ("learn:time", "manage time", ["time management"], "Plan and organise one's own time."),
    ("teach:online", "teach online", ["online teaching"],
     "Teach courses to students online through video and learning platforms."),
]
NETWORK_ADMIN = ("15-1244.00", "Network and Computer Systems Administrators",
                 ["network administrator", "IT network specialist"],
                 "Install, configure and support an organization's IT networking systems, "
                 "local area networks and servers.")
POSTINGS = [
    {"id": f"na{i}", "title": "Network Administrator", "occupation_code": "15-1244.00",
     "region": "TX-Dallas", "date_posted": "2026-10-01", "openings": 1,
     "description": "Configure routers and switches. IP addressing and subnetting. "
                    "Network troubleshooting." + (" Configure firewalls." if i % 2 else "")}
    for i in range(8)
]
CREDENTIALS = [
    {"id": "learn-online", "title": "How to Learn Online", "type": "course", "cost": 0,
     "hours": 6, "delivery": "online",
     "description": "New to IT and online classes? Learn to use online learning platforms, "
                    "study skills and time management, and networking with classmates "
                    "online."},
    {"id": "teach-online", "title": "How to Teach Online", "type": "course", "cost": 129,
     "hours": 20, "delivery": "online",
     "description": "Online teaching for instructors in IT and other fields."},
    {"id": "study", "title": "Study Skills for Adult Learners", "type": "course", "cost": 49,
     "hours": 12, "delivery": "online",
     "description": "Study skills and time management for returning students."},
    {"id": "net-fund", "title": "Computer Networking Fundamentals", "type": "course",
     "cost": 129, "hours": 24, "delivery": "online",
     "description": "Configure routers and switches, IP addressing and subnetting, and "
                    "network troubleshooting."},
    {"id": "net-sec", "title": "Network Security Essentials", "type": "course", "cost": 299,
     "hours": 30, "delivery": "online", "description": "Configure firewalls."},
    {"id": "sql", "title": "Introduction to SQL", "type": "course", "cost": 39, "hours": 24,
     "delivery": "online", "description": "Write SQL queries."},
    # the same text (so the same relevance), one teaching more of what employers ask for
    {"id": "starter-1", "title": "Starter Pack", "type": "badge", "cost": 0, "hours": 2,
     "description": "An evening course.", "skills": ["net:config"]},
    {"id": "starter-2", "title": "Starter Pack", "type": "badge", "cost": 0, "hours": 2,
     "description": "An evening course.", "skills": ["net:config", "net:tcpip"]},
]
OFF_TOPIC = {"learn-online", "teach-online", "study"}
ON_TOPIC = {"net-fund", "net-sec"}


@pytest.fixture
def it_app(settings, tmp_path: Path):
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


def _rank(out: dict) -> dict[str, int]:
    return {r["id"]: n for n, r in enumerate(out["results"])}


@pytest.mark.parametrize("ask", [
    {"query": "I want to become an IT network specialist"},
    {"occupation": "15-1244.00"},
    {"query": "IT networking", "occupation": "network administrator"},
])
def test_learning_to_learn_never_beats_an_on_topic_course(it_app, ask) -> None:
    out = it_app.recommend(ask.get("query"), occupation=ask.get("occupation"), k=20)
    rank = _rank(out)
    assert max(rank[c] for c in ON_TOPIC) < min(rank[c] for c in OFF_TOPIC), (
        [(r["id"], r["score"], r["relevance"], r["value"]) for r in out["results"]])
    by_id = {r["id"]: r for r in out["results"]}
    for r in out["results"]:
        assert 0.0 <= r["relevance"] <= 1.0 and 0.0 <= r["value"] <= 1.0
    assert by_id["learn-online"]["skill_fit"] == 0.0 and by_id["learn-online"]["value"] == 0.0
    assert by_id["net-fund"]["skill_fit"] > 0.5 and by_id["net-fund"]["value"] > 0.3
    if ask.get("query") and not ask.get("occupation"):
        # the text alone prefers the course about learning online: the words match
        assert by_id["learn-online"]["text_similarity"] > by_id["net-fund"]["text_similarity"]
        assert [t["code"] for t in out["implied_targets"]] == ["15-1244.00"]
        assert out["implied_targets"][0]["resolved_from"] == ask["query"]
        assert out["demand_basis"].startswith("the occupations nearest the query")
    assert "skill_fit" in out["formula"]


def test_value_reorders_equally_relevant_credentials(it_app) -> None:
    out = it_app.recommend(occupation="15-1244.00", types=["badge"])
    one, two = sorted(out["results"], key=lambda r: r["id"])
    assert one["relevance"] == pytest.approx(two["relevance"])
    assert two["value"] > one["value"] > 0
    assert [r["id"] for r in out["results"]] == ["starter-2", "starter-1"]
    # relevance alone keeps the catalogue order: it is the value that moved starter-2 up
    it_app.settings = it_app.settings.model_copy(update={"recommend_relevance_weight": 1.0})
    alone = it_app.recommend(occupation="15-1244.00", types=["badge"])
    assert [r["id"] for r in alone["results"]] == ["starter-1", "starter-2"]


def test_value_is_measured_against_the_best_demanded_skills(it_app) -> None:
    """Real demand has a long tail (hundreds of skills each in a few postings): value is
    not a share of all of it, or it would be 0.003 for every credential."""
    from skillmatch.flows.recommend import VALUE_REFERENCE, Filters, rank_credentials

    skills = {s.code: s.id for s in it_app.taxonomies.skills()}
    weights = {skills["net:config"]: 1.0, skills["net:tcpip"]: 1.0,
               skills["net:trouble"]: 0.9, skills["net:security"]: 0.5}
    weights.update({100_000 + i: 0.02 + 0.001 * (i % 100) for i in range(400)})  # the tail
    results = rank_credentials(
        it_app.catalog_view, it_app.demand_model, it_app.taxonomies, query_vector=None,
        weights=weights, known=set(), filters=Filters(), relevance_weight=0.4, k=10,
        targeted=True)
    best = next(r for r in results if r["id"] == "net-fund")
    reference = sum(sorted(weights.values(), reverse=True)[:VALUE_REFERENCE])
    taught = it_app.catalog_view.taught(it_app.catalog_view.position["net-fund"])
    assert best["value"] == pytest.approx(
        sum(c * weights.get(s, 0.0) for s, c in taught.items()) / reference, abs=1e-3)
    assert 0.3 < best["value"] <= 1.0 and 0.3 < best["relevance"] <= 1.0
