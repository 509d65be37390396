"""The corrections table (migration 6) and its store: a workspace from before it gains
an empty queue; credentials written with an expectation (create, update) and no owner."""

import sqlite3

import pytest

from skillmatch.catalog.models import Credential
from skillmatch.errors import ConflictError, NotFoundError
from skillmatch.storage.corrections_store import CorrectionStore
from skillmatch.storage.db import _statements, connect
from skillmatch.storage.migrations import MIGRATIONS
from skillmatch.storage.records_store import Access, RecordStore


def test_a_workspace_from_before_gains_an_empty_review_queue(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, _, sql in MIGRATIONS[:5]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.close()
    store = CorrectionStore(connect(path))
    assert store.page() == (0, [])
    assert store.rules() == []
    with pytest.raises(NotFoundError):
        store.get(1)


def test_the_table_refuses_what_it_cannot_mean(tmp_path) -> None:
    conn = connect(tmp_path / "db.sqlite")
    columns = ("owner, record_kind, record_code, phrase, norm, taxonomy, skill_code, action,"
               " with_code, created_at")
    for kind, action, with_code in (("credential", "reject", ""), ("need", "reject", "s:x"),
                                    ("need", "replace", ""), ("need", "erase", "")):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(f"INSERT INTO corrections ({columns}) VALUES"
                         " ('A', ?, 'n1', 'CPR', 'cpr', 't', 's:cpr', ?, ?, 'now')",
                         (kind, action, with_code))


def test_credentials_are_written_with_an_expectation_and_no_owner(tmp_path) -> None:
    store = RecordStore(connect(tmp_path / "db.sqlite"))
    cred = Credential(id="c1", title="CPR course")
    store.save_batch([(cred, [])], access={"c1": Access(mode="create")})
    with pytest.raises(ConflictError):
        store.save_batch([(cred, [])], access={"c1": Access(mode="create")})
    store.save_batch([(Credential(id="c1", title="CPR II"), [])],
                     access={"c1": Access(mode="update")})
    assert store.get("credential", "c1")["title"] == "CPR II"
    with pytest.raises(NotFoundError):
        store.save_batch([(Credential(id="c2", title="x"), [])],
                         access={"c2": Access(mode="update")})
    with pytest.raises(ValueError, match="no owner"):
        store.save_batch([(Credential(id="c3", title="x"), [])],
                         access={"c3": Access("Acme", mode="create")})
    assert store.hashes("credential", ["c2", "c3"]) == {}
