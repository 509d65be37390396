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
