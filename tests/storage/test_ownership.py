"""Ownership and privacy of postings and needs in the store (migration 5): writes that
check what they expect inside their transaction, owner-bound deletes, scoped pages, the
private records another employer may not see named; a workspace from before the
migration keeps its records, unowned and public."""

import sqlite3

import pytest

from skillmatch.catalog.models import Need, Posting
from skillmatch.errors import ConflictError, NotFoundError
from skillmatch.storage.db import _statements, connect
from skillmatch.storage.migrations import MIGRATIONS
from skillmatch.storage.records_store import Access, RecordStore, Scope


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(connect(tmp_path / "db.sqlite"))


def _need(code: str, employer: str = "Acme") -> Need:
    return Need(id=code, employer=employer, required_skills=["CPR"])


def _owners(store: RecordStore, kind: str = "need") -> dict[str, tuple[str, int]]:
    table = {"need": "needs", "posting": "postings"}[kind]
    return {r[0]: (r[1], r[2]) for r in store.conn.execute(
        f"SELECT code, owner, private FROM {table}")}


def test_writes_set_owner_and_privacy_and_check_expectations(store) -> None:
    store.save_batch([(_need("a"), [])], access={"a": Access("Acme", True, "create")})
    store.save_batch([(_need("cli"), [])])  # the command line: no owner, public
    assert _owners(store) == {"a": ("Acme", 1), "cli": ("", 0)}
    with pytest.raises(ConflictError):  # taken, whoever owns it
        store.save_batch([(_need("b"), []), (_need("a", "Bayou"), [])],
                         access={"b": Access("Bayou", False, "create"),
                                 "a": Access("Bayou", False, "create")})
    assert set(_owners(store)) == {"a", "cli"}  # b rolled back with it
    with pytest.raises(NotFoundError, match="no need with id 'a'"):
        store.save_batch([(_need("a", "Bayou"), [])], access={"a": Access("Bayou", False,
                                                                          "update")})
    with pytest.raises(NotFoundError):
        store.save_batch([(_need("zz"), [])], access={"zz": Access("Acme", False, "update")})
    store.save_batch([(_need("a"), [])], access={"a": Access("Acme", False, "update")})
    assert _owners(store)["a"] == ("Acme", 0)
    # an import without access (the command line) keeps owner and privacy
    store.save_batch([(_need("a"), [])], access={"a": Access("Acme", True, "update")})
    store.save_batch([(Need(id="a", employer="Acme", required_skills=["x"]), [])])
    assert _owners(store)["a"] == ("Acme", 1)


def test_deletes_pages_and_hidden_follow_the_owner(store) -> None:
    store.save_batch([(_need("a1"), []), (_need("a2"), [])],
                     access={"a1": Access("Acme", True), "a2": Access("Acme", False)})
    store.save_batch([(_need("b1", "Bayou"), [])], access={"b1": Access("Bayou", True)})
    store.save_batch([(_need("n0", ""), [])])
    with pytest.raises(NotFoundError):
        store.delete("need", ["a1"], owner="Bayou")
    assert "a1" in _owners(store)

    def page(scope: Scope | None) -> tuple[int, list[str]]:
        total, rows = store.keyset_page("need", scope=scope)
        return total, [r["code"] for r in rows]

    assert page(None) == (4, ["a1", "a2", "b1", "n0"])
    assert page(Scope(owner="Acme")) == (2, ["a1", "a2"])
    assert page(Scope(public_only=True)) == (2, ["a2", "n0"])
    codes = ["a1", "a2", "b1", "n0", "nope"]
    assert store.hidden("need", codes, "Acme") == {"b1"}
    assert store.hidden("need", codes, None) == {"a1", "b1"}
    assert store.hidden("credential", codes, None) == set()
    assert store.delete("need", ["a1"], owner="Acme") == ["a1"]


def test_private_posting_titles_label_no_occupation(store) -> None:
    store.save_batch([(Posting(id="p1", title="Secret Job", occupation_code="11-1011.00"),
                       [])], access={"p1": Access("Acme", True)})
    store.save_batch([(Posting(id="p2", title="Open Job", occupation_code="11-1011.00"), [])])
    assert sorted(t for _, _, t in store.occupation_postings()) == ["", "Open Job"]


def test_a_workspace_from_before_keeps_its_records(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, _, sql in MIGRATIONS[:4]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("INSERT INTO needs (code, employer, content_hash, updated_at) VALUES"
                 " ('n1', 'Acme', 'h', 'now')")
    conn.close()
    migrated = RecordStore(connect(path))
    assert _owners(migrated) == {"n1": ("", 0)}
    assert migrated.conn.execute("SELECT count(*) FROM api_keys").fetchone()[0] == 0


def test_an_occupation_code_used_by_private_postings_only_shows_no_title(tmp_path) -> None:
    from skillmatch.storage.occupation_store import OccupationStore

    conn = connect(tmp_path / "db.sqlite")
    store = RecordStore(conn)
    store.save_batch([(Posting(id="p1", title="Secret Job", occupation_code="99-9999.00"),
                       [])], access={"p1": Access("Acme", True)})
    assert OccupationStore(conn).posting_count("99-9999.00") == (1, "")
    store.save_batch([(Posting(id="p2", title="Open Job", occupation_code="99-9999.00"), [])])
    assert OccupationStore(conn).posting_count("99-9999.00") == (2, "Open Job")
