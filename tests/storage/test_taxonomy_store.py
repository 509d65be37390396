import pytest

from skillmatch.errors import ConflictError, NotFoundError
from skillmatch.records import (
    BroaderRecord,
    GroupRecord,
    OccupationRecord,
    RelationRecord,
    SkillRecord,
    TaxonomyBundle,
)
from skillmatch.storage.db import connect
from skillmatch.storage.taxonomy_store import TaxonomyStore


def bundle(skills=("a", "b", "c"), relation_to="a") -> TaxonomyBundle:
    return TaxonomyBundle(
        name="t",
        kind="custom",
        version="1",
        source="memory",
        skills=[
            SkillRecord(code=c, label=f"skill {c}", alt_labels=[f"alias {c}", f"skill {c}"],
                        hidden_labels=[f"hid {c}"], description=f"does {c}")
            for c in skills
        ],
        occupations=[OccupationRecord(code="o1", label="nurse", alt_labels=["RN"],
                                      tasks=["care"])],
        relations=[RelationRecord("o1", relation_to, "essential")],
        groups=[GroupRecord("g", "group")],
        broader=[BroaderRecord(skills[0], "g")],
        collections={"digital": [skills[0]]},
    )


@pytest.fixture
def store(tmp_path) -> TaxonomyStore:
    return TaxonomyStore(connect(tmp_path / "db.sqlite"))


def test_save_and_counts(store: TaxonomyStore) -> None:
    info = store.save(bundle())
    assert info.counts == {"skills": 3, "labels": 9, "occupations": 1, "relations": 1,
                           "groups": 1, "hierarchy": 1, "collections": 1}
    labels = {(r.label, r.kind) for r in store.labels(["t"])}
    assert ("alias a", "alternative") in labels and ("hid b", "hidden") in labels
    assert ("skill a", "alternative") not in labels  # duplicate of the preferred label
    assert store.occupation_skills("t", "essential") == {"o1": {"a"}}


def test_duplicate_import_is_refused_and_replace_keeps_ids(store: TaxonomyStore) -> None:
    store.save(bundle())
    ids = {s.code: s.id for s in store.skills(["t"])}
    with pytest.raises(ConflictError, match="--replace"):
        store.save(bundle())
    store.save(bundle(skills=("a", "b", "d")), replace=True)
    after = {s.code: s.id for s in store.skills(["t"])}
    assert after["a"] == ids["a"] and after["b"] == ids["b"]
    assert "c" not in after and "d" in after


def test_failed_save_changes_nothing(store: TaxonomyStore) -> None:
    store.save(bundle())
    before = store.get("t")
    with pytest.raises(NotFoundError, match="skill 'zzz'"):
        store.save(bundle(skills=("a", "x"), relation_to="zzz"), replace=True)
    assert store.get("t").counts == before.counts
    assert {s.code for s in store.skills(["t"])} == {"a", "b", "c"}


def test_unknown_taxonomy_names_the_loaded_ones(store: TaxonomyStore) -> None:
    store.save(bundle())
    with pytest.raises(NotFoundError, match="loaded: t"):
        store.get("esco")


def test_relation_to_unlisted_occupation_is_kept(store: TaxonomyStore) -> None:
    b = bundle()
    b.relations.append(RelationRecord("o-missing", "b", "optional"))
    assert store.save(b).counts["relations"] == 2
    assert store.occupation_skills("t", "optional") == {"o-missing": {"b"}}


def _ids(store: TaxonomyStore, name: str) -> dict[str, dict]:
    """Every row id a replace must keep, keyed by what identifies the row."""
    c = store.conn
    tid = store.taxonomy_ids([name])[0]
    return {
        "skills": {s.code: s.id for s in store.skills([name])},
        "labels": {(s.code, lab.label, lab.kind): lab.id for lab in store.labels([name])
                   for s in [store.skills_by_id([lab.skill_id])[lab.skill_id]]},
        "occupations": {r["code"]: r["id"] for r in store.occupations(name)},
        "titles": {(r[0], r[1], r[2]): r[3] for r in c.execute(
            "SELECT o.code, l.label, l.kind, l.id FROM occupation_labels l JOIN occupations o"
            " ON o.id=l.occupation_id WHERE o.taxonomy_id=?", (tid,))},
        "tasks": {(r[0], r[1]): r[2] for r in c.execute(
            "SELECT o.code, t.text, t.id FROM occupation_tasks t JOIN occupations o"
            " ON o.id=t.occupation_id WHERE o.taxonomy_id=?", (tid,))},
        "groups": {r[0]: r[1] for r in c.execute(
            "SELECT code, id FROM skill_groups WHERE taxonomy_id=?", (tid,))},
    }


def test_replace_keeps_the_ids_of_unchanged_skills_labels_and_occupations(
        store: TaxonomyStore) -> None:
    from tests.conftest import tiny_bundle

    first = tiny_bundle()
    first.occupations[0].alt_labels = ["CNA", "nurse aide"]
    first.occupations[0].tasks = ["bathe patients", "take vital signs"]
    first.groups = [GroupRecord("g:care", "care"), GroupRecord("g:tech", "technology")]
    store.save(first)
    before = _ids(store, "tiny")
    store.conn.execute(
        "INSERT INTO skill_mentions (record_kind, record_id, skill_id, score, source)"
        " VALUES ('credential', 1, ?, 1.0, 'declared'), ('credential', 1, ?, 1.0, 'declared')",
        (before["skills"]["s:weld"], before["skills"]["s:cpr"]))

    changed = tiny_bundle()
    changed.skills = [s for s in changed.skills if s.code != "s:weld"]  # a skill removed
    cpr = next(s for s in changed.skills if s.code == "s:cpr")
    cpr.alt_labels = ["CPR", "CPR certification"]  # one alias dropped, one added
    cpr.description = "Revised description."
    changed.skills.append(SkillRecord(code="s:new", label="brand new skill"))
    changed.occupations[0].alt_labels = ["CNA", "certified nursing assistant"]
    changed.occupations[0].tasks = ["take vital signs", "feed patients"]
    changed.occupations.append(OccupationRecord(code="o:teacher", label="teacher"))
    changed.groups = [GroupRecord("g:care", "patient care")]
    store.save(changed, replace=True)
    after = _ids(store, "tiny")

    for table, rows in before.items():
        kept = rows.keys() & after[table].keys()
        assert kept, table
        assert {k: after[table][k] for k in kept} == {k: rows[k] for k in kept}, table
    assert "s:weld" not in after["skills"] and "s:new" in after["skills"]
    assert ("s:cpr", "administer CPR", "alternative") not in after["labels"]
    assert ("s:cpr", "CPR certification", "alternative") in after["labels"]
    assert ("s:cpr", "CPR", "alternative") in after["labels"]
    assert ("o:nurse", "nurse aide", "alternative") not in after["titles"]
    assert ("o:nurse", "bathe patients") not in after["tasks"]
    assert set(after["groups"]) == {"g:care"}
    assert store.skills_by_id([after["skills"]["s:cpr"]])[after["skills"]["s:cpr"]] \
        .description == "Revised description."
    # the mentions of the removed skill went with it; the others stay
    mentioned = [r[0] for r in store.conn.execute("SELECT skill_id FROM skill_mentions")]
    assert mentioned == [before["skills"]["s:cpr"]]


def test_replace_updates_the_lexical_key_of_a_kept_label(store: TaxonomyStore) -> None:
    store.save(bundle())
    store.conn.execute("UPDATE skill_labels SET norm='stale'")
    store.save(bundle(), replace=True)
    assert "stale" not in {r[2] for r in store.lexical_rows(["t"])}
