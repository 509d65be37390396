"""Soft coverage: alignment counts a skill once across taxonomies (fake embedder)."""

from __future__ import annotations

import json

import pytest

from skillmatch.flows.align import coverage_report
from skillmatch.flows.report import alignment_markdown
from skillmatch.flows.same_skill import acronym_forms, same_skills
from skillmatch.records import SkillRecord, TaxonomyBundle

ESCO = [  # code, preferred label, alternative labels
    ("s:sql", "SQL", ["SEQUEL"]),
    ("s:sqlserver", "SQL Server", ["Microsoft SQL Server"]),
    ("s:python", "Python (computer programming)", ["Python"]),
    ("s:vitals", "take vital signs", ["measure vital signs"]),
    ("s:pos", "blockchain consensus mechanisms", ["POS", "proof of stake"]),
    ("s:photo", "Adobe Photoshop", []),
]
ONET = [
    ("tech:sql", "Structured query language SQL"),
    ("tech:sqlserver", "Microsoft SQL Server"),
    ("tech:python", "Python"),
    ("tech:pos", "Point of sale POS software"),
    ("tech:photo", "Adobe Photoshop CC"),
    ("tech:json", "JavaScript Object Notation JSON"),
]


def bundles() -> list[TaxonomyBundle]:
    return [
        TaxonomyBundle(name="esco", kind="esco", version="1", source="tests", skills=[
            SkillRecord(code=c, label=label, alt_labels=alts) for c, label, alts in ESCO]),
        TaxonomyBundle(name="onet", kind="onet", version="29.2", source="tests", skills=[
            SkillRecord(code=c, label=label, skill_type="technology") for c, label in ONET]),
    ]


@pytest.fixture
def two(settings):
    from skillmatch.app import SkillMatch

    app = SkillMatch(settings)
    for bundle in bundles():
        app.taxonomies.save(bundle)
    app.build_indexes()
    yield app
    app.close()


def _ids(app) -> dict[str, int]:
    return {s.code: s.id for s in app.taxonomies.skills(["esco", "onet"])}


def _pairs(app, cosine: float = 0.9) -> set[tuple[str, str]]:
    ids = _ids(app)
    code = {v: k for k, v in ids.items()}
    same = same_skills(app.taxonomies, app.embedder, ids.values(), cosine)
    return {(code[a], code[b]) for a, others in same.items() for b in others
            if code[a].startswith("s:")}


def test_the_rule(two) -> None:
    assert acronym_forms("Structured query language SQL") == [
        ("SQL", "Structured query language")]
    assert acronym_forms("Microsoft SQL Server") == acronym_forms("SAP ERP") == []
    pairs = _pairs(two)
    assert ("s:sql", "tech:sql") in pairs  # the acronym meets ESCO's preferred label
    assert ("s:sqlserver", "tech:sqlserver") in pairs  # a shared (alternative) label
    assert ("s:python", "tech:python") in pairs
    # an acronym among alternative labels is ambiguous: POS is not proof of stake
    assert ("s:pos", "tech:pos") not in pairs
    assert not any(a == "s:sql" and b != "tech:sql" for a, b in pairs)
    # nearly identical embeddings: the fake embedder puts these at 0.77
    assert ("s:photo", "tech:photo") not in pairs
    assert ("s:photo", "tech:photo") in _pairs(two, cosine=0.75)
    # never within one taxonomy, whatever the cosine
    assert all(a.startswith("s:") != b.startswith("s:") for a, b in _pairs(two, 0.0))


def test_coverage_report_counts_a_skill_once() -> None:
    sql, onet_sql, vitals, python = 1, 2, 3, 4
    same = {sql: {onet_sql}, onet_sql: {sql}}
    # both SQLs demanded: one target, covered by teaching either
    report = coverage_report({sql: 1.0}, {sql: 1.0, onet_sql: 0.8, vitals: 1.0}, {}, 5, same)
    assert report["covered"] == [sql] and report["same_as"] == {sql: [onet_sql]}
    assert report["missing"] == [vitals] and report["alignment"] == 0.5
    assert report["target_weight"] == 2.0
    # only O*NET's SQL demanded, ESCO's taught: covered by it, never "rarely demanded"
    report = coverage_report({sql: 0.9, python: 1.0}, {onet_sql: 1.0}, {python: 0.2}, 5, same)
    assert report["covered"] == [onet_sql] and report["covered_by"] == {onet_sql: sql}
    assert report["alignment"] == 0.9 and report["missing"] == [] and report["rare"] == []
    # without the rule: what issue 13 reported
    plain = coverage_report({sql: 0.9, python: 1.0}, {onet_sql: 1.0}, {python: 0.2}, 5)
    assert plain["missing"] == [onet_sql] and plain["rare"] == [sql]


def test_align_gives_credit_across_taxonomies(two, tmp_path) -> None:
    postings = [{"id": f"p{i}", "title": "Data Analyst", "occupation_code": "15-2051.00",
                 "description": "Reporting duties.", "skills": ["tech:sql", "s:vitals"]}
                for i in range(6)]
    credentials = [{"id": "db", "title": "Databases", "description": "A course.",
                    "skills": ["s:sql"]}]
    for kind, rows in (("posting", postings), ("credential", credentials)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        two.import_records(kind, path)
    report = two.align("db", occupations=["15-2051.00"])
    covered = {s["id"]: s for s in report["covered_in_demand"]}
    assert covered["tech:sql"]["covered_by"] == {"id": "s:sql", "label": "SQL",
                                                 "taxonomy": "esco"}
    assert "tech:sql" not in {s["id"] for s in report["missing_in_demand"]}
    assert "s:sql" not in {s["id"] for s in report["rarely_demanded"]}
    assert "s:vitals" in {s["id"] for s in report["missing_in_demand"]}
    assert "taught as SQL [esco]" in alignment_markdown(report)
    # one taxonomy chosen: no credit from the other
    esco = two.align("db", occupations=["15-2051.00"], taxonomies=["esco"])
    assert "tech:sql" not in {s["id"] for s in esco["covered_in_demand"]}
