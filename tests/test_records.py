"""Listing, showing and deleting catalogue records through the facade (fake embedder)."""

import pytest

from skillmatch.app import SkillMatch
from skillmatch.errors import InputError, NotFoundError
from skillmatch.index import FaissIndex
from tests.flow_data import CREDENTIALS, POSTINGS, import_catalogue


@pytest.fixture
def loaded(app, tmp_path):
    return import_catalogue(app, tmp_path)


def vector_ids(app, name: str) -> set[int]:
    index, _ = FaissIndex.load(app.workspace.index_dir(name))
    return set(index.pos_)


def test_list_pages_with_a_total(loaded) -> None:
    first = loaded.list_records("credential", limit=2)
    assert (first["total"], first["offset"], first["limit"]) == (len(CREDENTIALS), 0, 2)
    assert [r["code"] for r in first["records"]] == ["cna", "weld"]
    cna = first["records"][0]
    assert cna["title"] == "Nurse Aide" and cna["cost"] == 0 and cna["skill_count"] >= 2
    assert cna["meta"] == {"cip_code": "51.3902"}  # decoded, not a JSON string
    rest = loaded.list_records("credential", limit=2, offset=2)
    assert [r["code"] for r in rest["records"]] == ["team"]
    assert loaded.list_records("posting", limit=None)["total"] == len(POSTINGS)
    with pytest.raises(InputError, match="'limit'"):
        loaded.list_records("credential", limit=0)
    with pytest.raises(InputError, match="'offset'"):
        loaded.list_records("credential", offset=-1)
    with pytest.raises(InputError, match="unknown record kind 'course'"):
        loaded.list_records("course")


def test_delete_a_credential_everywhere(loaded) -> None:
    assert any(r["id"] == "cna" for r in loaded.recommend(occupation="31-1131.00")["results"])
    row_id = loaded.record("credential", "cna")["id"]
    assert row_id in vector_ids(loaded, "credentials")
    out = loaded.delete_records("credential", ["cna"])
    assert out == {"kind": "credential", "deleted": ["cna"], "vectors_removed": 1}
    assert row_id not in vector_ids(loaded, "credentials")
    with pytest.raises(NotFoundError, match="no credential with id 'cna'"):
        loaded.record("credential", "cna")
    # the same object sees it gone at once (cached catalogue view invalidated) ...
    assert "cna" not in loaded.catalog_view.position
    assert all(r["id"] != "cna" for r in loaded.recommend(occupation="31-1131.00")["results"])
    with pytest.raises(NotFoundError):
        loaded.align("cna")
    # ... and so does a new process
    again = SkillMatch(loaded.settings, embedder=loaded.embedder)
    assert "cna" not in again.catalog_view.position
    again.close()


def test_delete_postings_updates_demand(loaded) -> None:
    houston = [p["id"] for p in POSTINGS if p["region"] == "TX-Houston"]
    assert loaded.demand(region="TX-Houston")["records"] == len(houston)
    loaded.delete_records("posting", houston[:2])
    assert loaded.demand(region="TX-Houston")["records"] == len(houston) - 2
    assert loaded.conn.execute(
        "SELECT count(*) FROM skill_mentions WHERE record_kind='posting' AND record_id NOT IN"
        " (SELECT id FROM postings)").fetchone()[0] == 0


def test_delete_unknown_id_is_an_error_and_deletes_nothing(loaded) -> None:
    with pytest.raises(NotFoundError, match="no credential with id 'nope'; nothing deleted"):
        loaded.delete_records("credential", ["weld", "nope"])
    assert loaded.list_records("credential")["total"] == len(CREDENTIALS)
    assert len(vector_ids(loaded, "credentials")) == len(CREDENTIALS)
    with pytest.raises(InputError, match="no ids"):
        loaded.delete_records("credential", [])


def test_an_index_failure_after_the_commit_is_repaired_by_the_next_sync(loaded,
                                                                     monkeypatch) -> None:
    """The database is the truth: a deletion commits; if the index files cannot follow
    (disk full), the deletion still stands, the failure is reported, and the next sync
    tombstones the orphan vector."""
    from skillmatch.catalog.pipeline import index_lock
    from skillmatch.index.sync import check, sync_record_index

    def broken(self, directory, manifest) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(FaissIndex, "save", broken)
    out = loaded.delete_records("credential", ["weld"])
    monkeypatch.undo()
    assert out["deleted"] == ["weld"] and out["index_pending"] is True
    with pytest.raises(NotFoundError):
        loaded.record("credential", "weld")
    directory = loaded.workspace.index_dir("credentials")
    assert not check(loaded.context.records, "credential", directory).ok  # an orphan
    sync_record_index(loaded.context.records, "credential", directory, index_lock(directory),
                      loaded.embedder.dimension, {"name": "credentials"})
    assert check(loaded.context.records, "credential", directory).ok
    assert len(vector_ids(loaded, "credentials")) == len(CREDENTIALS) - 1


def test_delete_needs_have_no_index(loaded) -> None:
    out = loaded.post_need("Clinic", required=["CPR"], need_id="n1")
    assert out["need"]["id"] == "n1"
    before = loaded.demand_model.size()["records"]
    assert loaded.delete_records("need", ["n1"])["vectors_removed"] == 0
    assert loaded.demand_model.size()["records"] == before - 1
