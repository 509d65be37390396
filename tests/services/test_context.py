"""The shared resources (services.context): nothing opens before first use, the
connection is read through the property at each use, close() lets a later call reopen."""

from __future__ import annotations

from skillmatch.embeddings.fake import FakeEmbedder
from skillmatch.services.context import Context


def test_nothing_opens_before_first_use(settings) -> None:
    ctx = Context(settings)
    assert not ctx.workspace.db_path.exists()
    assert ctx._conn is None and ctx._embedder is None
    assert ctx.taxonomies.all() == []  # the first use opens and migrates the database
    assert ctx.workspace.db_path.exists()
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
