"""Listing and deleting stored records (no embedder: the store alone)."""

import pytest

from skillmatch.catalog.models import Credential, Need, Posting
from skillmatch.errors import NotFoundError
from skillmatch.storage.db import connect
from skillmatch.storage.records_store import Mention, RecordStore
from skillmatch.storage.taxonomy_store import TaxonomyStore
from tests.conftest import tiny_bundle


@pytest.fixture
def store(tmp_path):
    conn = connect(tmp_path / "db.sqlite")
    TaxonomyStore(conn).save(tiny_bundle())
    skill = conn.execute("SELECT min(id) FROM skills").fetchone()[0]
    store = RecordStore(conn)
    store.save_batch([(Credential(id=f"c{i}", title=f"Course {i}"), [Mention(skill, 0.9, "linked")])
                      for i in range(5)])
    store.save_batch([(Posting(id="p1", title="Job"), [Mention(skill, 0.8, "linked")]),
                      (Need(id="n1", employer="Clinic", required_skills=["CPR"]),
                       [Mention(skill, 1.0, "declared", "required")])])
    yield store
    conn.close()


def mentions(store: RecordStore, kind: str) -> int:
    return len(store.mentions(kind))


def test_page_counts_all_and_returns_a_slice_in_id_order(store) -> None:
    total, rows = store.page("credential", limit=2, offset=1)
    assert total == 5
    assert [r["code"] for r in rows] == ["c1", "c2"]
    assert rows[0]["skill_count"] == 1  # how many skills it was linked to
    assert rows[0]["meta"] == {} and rows[0]["occupation_codes"] == []  # decoded
    total, rows = store.page("credential", limit=10, offset=4)
    assert (total, [r["code"] for r in rows]) == (5, ["c4"])
    assert store.page("credential", limit=10, offset=50) == (5, [])
    assert store.page("need", limit=None, offset=0)[0] == 1


def test_delete_removes_rows_and_mentions_of_that_kind_only(store) -> None:
    deleted = store.delete("credential", ["c1", "c3"])
    assert sorted(deleted) == ["c1", "c3"]
    assert store.count("credential") == 3
    assert mentions(store, "credential") == 3
    assert (store.count("posting"), mentions(store, "posting")) == (1, 1)
    assert (store.count("need"), mentions(store, "need")) == (1, 1)
    with pytest.raises(NotFoundError):
        store.get("credential", "c1")


def test_delete_of_an_unknown_id_names_it_and_deletes_nothing(store) -> None:
    with pytest.raises(NotFoundError, match=r"no credential with id 'nope'") as exc:
        store.delete("credential", ["c1", "nope", "c2"])
    assert "'c1'" not in str(exc.value) and "nothing deleted" in str(exc.value)
    assert store.count("credential") == 5 and mentions(store, "credential") == 5


def test_delete_runs_the_hook_inside_the_transaction(store) -> None:
    seen: list[list[int]] = []

    def fail(row_ids: list[int]) -> None:
        seen.append(row_ids)
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.delete("posting", ["p1"], before_commit=fail)
    assert len(seen[0]) == 1
    assert store.count("posting") == 1 and mentions(store, "posting") == 1  # rolled back
