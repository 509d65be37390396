"""Taxonomies and indexes (services.taxonomies) and the linker they feed
(services.linking): the selection is checked, and a taxonomy import or an index build
makes the next call refit the linker (fake embedder)."""

from __future__ import annotations

import pytest

from skillmatch.errors import ArtifactError, InputError
from tests.conftest import tiny_bundle


def test_selection_reads_names_comma_lists_and_the_setting(app) -> None:
    app.taxonomies.save(tiny_bundle("esco"))
    select = app.taxonomy_service.selection
    assert select(None) is None and select([]) is None  # all of them
    assert select(["esco, tiny", "esco"]) == ["esco", "tiny"]
    app.settings = app.settings.model_copy(update={"taxonomies": ["tiny"]})
    assert select(None) == ["tiny"]
    with pytest.raises(InputError, match=r"unknown taxonomy 'onet' \(loaded: esco, tiny\)"):
        select(["onet"])


def test_an_index_build_or_an_import_refits_the_linker(app, monkeypatch) -> None:
    service = app.linking_service
    first = service.full_linker
    declared = service.declared_for(None)
    assert service.full_linker is first and service.declared_for(None) is declared  # kept
    generation = app.taxonomy_service.generation
    app.build_indexes(force=True)  # a build (not a no-op: every index is current)
    assert app.taxonomy_service.generation > generation
    second = service.full_linker
    assert second is not first and service.declared_for(None) is not declared
    import skillmatch.taxonomy as taxonomy

    monkeypatch.setattr(taxonomy, "read_taxonomy", lambda *a, **k: tiny_bundle("more"))
    app.import_taxonomy("custom", "unused.csv")
    app.build_indexes(["more"])
    assert set(service.full_linker.indexes_) == {"tiny", "more"}


def test_a_selected_taxonomy_needs_an_index(app) -> None:
    app.taxonomies.save(tiny_bundle("esco"))  # loaded, never indexed
    assert set(app.linking_service.full_linker.indexes_) == {"tiny"}
    with pytest.raises(ArtifactError, match="taxonomy 'esco' has no skill index"):
        app.linker_for(["esco"])
    assert [s["status"] for s in app.index_status() if s["name"].endswith("-esco")] == [
        "missing", "missing"]


def test_nothing_to_link_against(settings) -> None:
    from skillmatch.app import SkillMatch

    with SkillMatch(settings) as app:
        with pytest.raises(InputError, match="no taxonomy is loaded"):
            app.link(["Python"])
        with pytest.raises(InputError, match="no taxonomy is loaded"):
            app.build_indexes()
        app.taxonomies.save(tiny_bundle())
        with pytest.raises(ArtifactError, match="no skill index built for tiny"):
            app.link(["Python"])
