"""The shared resources (services.context): nothing opens before first use, the
connection is read through the property at each use, close() lets a later call reopen."""

from __future__ import annotations

import pytest

from skillmatch.embeddings.fake import FakeEmbedder
from skillmatch.services.context import Context


def test_nothing_opens_before_first_use(settings) -> None:
    ctx = Context(settings)
    assert not ctx.workspace.db_path.exists()
    assert ctx._db is None and ctx._embedder is None
    assert ctx.taxonomies.all() == []  # the first use opens and migrates the database
    assert ctx.workspace.db_path.exists()
    ctx.close()


def test_each_thread_gets_its_own_connection_and_close_closes_all(settings) -> None:
    import sqlite3
    import threading

    ctx = Context(settings)
    seen: dict[str, sqlite3.Connection] = {}

    def use(name: str) -> None:
        ctx.taxonomies.all()
        seen[name] = ctx.db.connection()

    threads = [threading.Thread(target=use, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    use("main")
    assert len({id(c) for c in seen.values()}) == 4 and ctx.db.open_connections == 4
    ctx.close()
    assert ctx.db.open_connections == 0
    for conn in seen.values():
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")  # closed
    assert ctx.taxonomies.all() == []  # a later call opens a new one
    ctx.close()


def test_the_embedder_given_is_used_else_one_is_made_once(settings) -> None:
    given = FakeEmbedder()
    assert Context(settings, given).embedder is given
    ctx = Context(settings)
    assert ctx.embedder is ctx.embedder and ctx.embedder.model_id.startswith("fake")


def test_a_call_after_close_reopens_the_database(settings) -> None:
    ctx = Context(settings)
    assert ctx.records.count("posting") == 0
    ctx.close()
    # stores are made per call, on the connection of the moment: none is left stale
    assert ctx.records.count("posting") == 0 and ctx.occupations.taxonomy_names() == []
    ctx.close()


def test_the_facade_settings_reach_every_service(app) -> None:
    changed = app.settings.model_copy(update={"recommend_relevance_weight": 1.0})
    app.settings = changed
    assert app.context.settings is changed and app.model_service._ctx.settings is changed
