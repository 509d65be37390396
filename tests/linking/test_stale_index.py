"""A skill index built before a taxonomy was replaced is refused, not misread."""

import pytest

from skillmatch.app import SkillMatch
from skillmatch.errors import ArtifactError
from tests.conftest import tiny_bundle


def test_an_index_holding_deleted_labels_is_refused_with_the_rebuild_command(
        settings) -> None:
    with SkillMatch(settings) as app:
        app.taxonomies.save(tiny_bundle())
        app.build_indexes()
    changed = tiny_bundle()
    changed.skills = [s for s in changed.skills if s.code != "s:weld"]
    with SkillMatch(settings) as app:
        app.taxonomies.save(changed, replace=True)  # the index still holds s:weld's entries
        with pytest.raises(ArtifactError, match=r"skillmatch index build --force"):
            app.linker.link(["Weld metal parts with MIG welding."])
        app.build_indexes(force=True)
        linked = app.linker.link(["Weld metal parts with MIG welding. Administer CPR."])
        assert "s:weld" not in {s.id for s in linked[0].skills}


def test_an_index_missing_only_new_labels_still_links(settings) -> None:
    with SkillMatch(settings) as app:
        app.taxonomies.save(tiny_bundle())
        app.build_indexes()
    changed = tiny_bundle()
    changed.skills[0].alt_labels.append("resuscitate a patient")
    with SkillMatch(settings) as app:
        app.taxonomies.save(changed, replace=True)  # unchanged ids: the index is still valid
        linked = app.linker.link(["Administer CPR."])
        assert "s:cpr" in {s.id for s in linked[0].skills}
