import sqlite3

import pytest

from skillmatch.storage.db import SCHEMA_VERSION, connect, transaction


def test_migrations_apply_once_and_wal(tmp_path) -> None:
    conn = connect(tmp_path / "db.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"skills", "occupations", "credentials", "postings", "needs",
            "skill_mentions"} <= tables
    conn.close()
    again = connect(tmp_path / "db.sqlite")  # reopening applies nothing new
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_transaction_rolls_back_on_error(tmp_path) -> None:
    conn = connect(tmp_path / "db.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        with transaction(conn):
            conn.execute(
                "INSERT INTO taxonomies (name, kind, version, source, imported_at)"
                " VALUES ('x', 'custom', '1', 's', 'now')"
            )
            conn.execute(
                "INSERT INTO taxonomies (name, kind, version, source, imported_at)"
                " VALUES ('x', 'custom', '1', 's', 'now')"
            )
    assert conn.execute("SELECT count(*) FROM taxonomies").fetchone()[0] == 0
