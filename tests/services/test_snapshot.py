"""Read snapshots (services.snapshot): changes applied at the cost of the change give
the same demand as a refit; a write in one app (process) is seen by another's next
read; a new app starts from the persisted model; a taxonomy import refits."""

from __future__ import annotations

import pytest

from skillmatch.app import SkillMatch
from skillmatch.catalog.models import Credential, Posting
from skillmatch.flows.demand_view import fit_demand
from tests.conftest import tiny_bundle
from tests.flow_data import import_catalogue

SLICES = [{}, {"region": "TX"}, {"occupation": "31-1131.00"},
          {"window": ("2026-01-01", "2027-01-01")}]


@pytest.fixture
def loaded(app, tmp_path):
    return import_catalogue(app, tmp_path)


def _refit(app: SkillMatch):
    return fit_demand(app.context.records, app.settings, app.state.codes.canonical)


def _same(a, b) -> None:
    for where in SLICES:
        got, want = a.skills(**where), b.skills(**where)
        assert set(got) == set(want), where
        for sid in want:
            assert got[sid] == pytest.approx(want[sid]), (where, sid)
        assert a.size(**where) == pytest.approx(b.size(**where)), where
    for skills in ([1], [2, 3], list(range(10))):
        assert [r.code for r in a.evidence(skills, limit=5)] == [
            r.code for r in b.evidence(skills, limit=5)]
    assert a.tiers("31-1131.00") == b.tiers("31-1131.00")


def test_changes_applied_one_by_one_give_the_demand_of_a_refit(loaded) -> None:
    first = loaded.demand_model
    loaded.import_records("posting", [Posting(id="x1", title="Welder", region="TX-Austin",
                                              description="MIG welding and CPR.",
                                              occupation_code="51-4121.00",
                                              date_posted="2026-11-01")])
    loaded.post_need("Clinic", required=["CPR", "take vital signs"], preferred=["Excel"],
                     occupation="31-1131.00", region="TX-Houston", date="2026-10-05")
    loaded.delete_records("posting", ["p1"])
    loaded.import_records("posting", [Posting(id="p2", title="Nursing Assistant",
                                              description="Lesson planning for teams.",
                                              occupation_code="31-1131.00",
                                              region="TX-Houston", date_posted="2026-09-01")])
    now = loaded.demand_model
    assert now is not first and now.size()["records"] == first.size()["records"] + 1
    _same(now, _refit(loaded))


def test_a_write_in_one_app_is_seen_by_the_next_read_of_another(loaded, monkeypatch) -> None:
    import skillmatch.services.snapshot as snapshot

    other = SkillMatch(loaded.settings)  # another process on the same workspace
    before = other.demand_model.size()["records"]
    catalog = other.catalog_view

    def no_refit(*a, **k):
        raise AssertionError("refitted instead of applying the change")

    monkeypatch.setattr(snapshot, "fit_demand", no_refit)
    loaded.post_need("Clinic", required=["CPR"], need_id="n-other", date="2026-10-05")
    assert other.demand_model.size()["records"] == before + 1
    assert other.catalog_view is catalog  # no credential changed: the view is kept
    loaded.import_records("credential", [Credential(id="c9", title="Spreadsheets",
                                                    description="Microsoft Excel.")])
    assert "c9" in other.catalog_view.position
    other.close()


def test_a_new_app_starts_from_the_persisted_model(loaded, monkeypatch) -> None:
    import skillmatch.services.snapshot as snapshot

    loaded.state.holder.persist()
    loaded.post_need("Clinic", required=["CPR"], need_id="n-late", date="2026-10-05")
    expected = _refit(loaded)
    monkeypatch.setattr(snapshot, "fit_demand", lambda *a, **k: (_ for _ in ()).throw(
        AssertionError("a warm start must not refit")))
    fresh = SkillMatch(loaded.settings)
    _same(fresh.demand_model, expected)  # the persisted model plus the change since
    fresh.close()


def test_a_taxonomy_import_refits_demand(loaded, monkeypatch) -> None:
    import skillmatch.services.snapshot as snapshot
    import skillmatch.taxonomy as taxonomy

    _ = loaded.demand_model
    fits = []
    real = snapshot.fit_demand
    monkeypatch.setattr(snapshot, "fit_demand", lambda *a, **k: fits.append(1) or real(*a, **k))
    monkeypatch.setattr(taxonomy, "read_taxonomy", lambda *a, **k: tiny_bundle("more"))
    loaded.import_taxonomy("custom", "unused.csv")
    _ = loaded.demand_model
    assert fits == [1]


def test_a_workspace_without_stored_vectors_gets_them_from_its_index(loaded) -> None:
    """Workspaces made before vectors were kept in the database: the first snapshot
    stores them from the index files, and the catalogue reads them."""
    import numpy as np

    from skillmatch.index.faiss_index import FaissIndex

    expected = loaded.catalog_view.vectors.copy()
    assert np.abs(expected).sum() > 0
    loaded.conn.execute("DELETE FROM record_vectors")  # autocommit
    fresh = SkillMatch(loaded.settings)
    got = fresh.catalog_view
    np.testing.assert_allclose(got.vectors, expected, atol=1e-6)
    index, _ = FaissIndex.load(fresh.workspace.index_dir("credentials"))
    assert fresh.context.records.vector_count("credential") == index.count == len(got.rows)
    fresh.close()
