"""Occupation indexes have an exact-or-HNSW threshold of their own
(``Settings.occupation_exact_index_max``): above it they are HNSW, below flat, and an
index built under another threshold is stale."""

from __future__ import annotations

from skillmatch.app import SkillMatch
from skillmatch.flows.targets import nearest_occupations
from skillmatch.index import catalog
from skillmatch.settings import Settings
from tests.flow_data import onet_bundle


def _build(settings: Settings) -> tuple[SkillMatch, dict[str, str]]:
    app = SkillMatch(settings)
    app.taxonomies.save(onet_bundle())
    built = {m["name"]: m["index_type"] for m in app.build_indexes(["onet"])}
    return app, built


def test_occupation_indexes_switch_to_hnsw_above_their_own_threshold(settings) -> None:
    app, built = _build(settings.model_copy(update={"occupation_exact_index_max": 2}))
    try:
        assert built["occupations-onet"] == "hnsw"  # more than 2 entries
        assert built["skills-onet"] == "flat"  # the skill threshold is unchanged
        # the HNSW index answers searches: an occupation's own title finds it first
        ctx = app.context
        vector = app.embedder.embed(["Nursing Assistants"])[0]
        near = nearest_occupations(ctx.conn, ctx.workspace, vector)
        best = max(near, key=near.__getitem__)
        assert ctx.occupations.by_ids([best])[best]["label"] == "Nursing Assistants"
        info = app.taxonomies.get("onet")
        directory = app.context.workspace.index_dir("occupations-onet")
        assert catalog.is_current(directory, app.embedder, info, app.settings)
        flat = app.settings.model_copy(update={"occupation_exact_index_max": 1_000_000})
        assert not catalog.is_current(directory, app.embedder, info, flat)  # rebuild
    finally:
        app.close()


def test_small_occupation_indexes_stay_exact(settings) -> None:
    app, built = _build(settings)
    try:
        assert built["occupations-onet"] == "flat"
    finally:
        app.close()
