"""Importing credentials, postings and needs (fake embedder, tiny taxonomy)."""

import json
import shutil

import pytest

from skillmatch.errors import InputError, NotFoundError
from skillmatch.index import FaissIndex
from skillmatch.storage.records_store import RecordStore

CREDENTIALS = [
    {"id": "c1", "title": "Nurse Aide", "type": "certification", "cost": 0, "hours": 120,
     "description": "Learners take vital signs and administer CPR in clinical rotations.",
     "skills": ["s:vitals", "lesson planning", "underwater basket weaving"]},
    {"id": "c2", "title": "Maker Educator", "type": "badge", "cost": 150,
     "description": "Teachers run 3D printing and welding projects in a maker space."},
]


def write(path, rows) -> str:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_import_links_declares_and_indexes(app, tmp_path) -> None:
    report = app.import_records("credential", write(tmp_path / "c.jsonl", CREDENTIALS))
    assert (report["read"], report["imported"], report["unchanged"]) == (2, 2, 0)
    assert report["unresolved"] == {"c1": ["underwater basket weaving"]}
    c1 = app.record("credential", "c1")
    by_id = {s["id"]: s for s in c1["skills"]}
    assert by_id["s:vitals"]["source"] == "declared"  # declared beats linked
    assert by_id["s:lesson"]["source"] == "declared"  # resolved by its exact label
    cpr = by_id["s:cpr"]
    assert cpr["source"] == "linked" and cpr["evidence"]["text"] in c1["description"] + "CPR"
    assert c1["cost"] == 0 and c1["hours"] == 120
    index, manifest = FaissIndex.load(app.workspace.index_dir("credentials"))
    assert index.count == 2 and manifest["model"] == app.embedder.model_id


def test_reimport_updates_without_duplicates(app, tmp_path) -> None:
    path = write(tmp_path / "c.jsonl", CREDENTIALS)
    app.import_records("credential", path)
    again = app.import_records("credential", path)
    assert (again["imported"], again["unchanged"]) == (0, 2)
    changed = [dict(CREDENTIALS[0], description="Learners practice MIG welding."), CREDENTIALS[1]]
    third = app.import_records("credential", write(tmp_path / "c2.jsonl", changed))
    assert (third["imported"], third["unchanged"]) == (1, 1)
    store = RecordStore(app.conn)
    assert store.count("credential") == 2
    ids = {s["id"] for s in app.record("credential", "c1")["skills"]}
    assert "s:weld" in ids and "s:cpr" not in ids  # mentions replaced, not added


def test_interrupted_import_is_resumed_and_reindexed(app, tmp_path) -> None:
    path = write(tmp_path / "c.jsonl", CREDENTIALS)
    app.import_records("credential", path)
    shutil.rmtree(app.workspace.index_dir("credentials"))  # as if it stopped before saving
    report = app.import_records("credential", path)
    assert (report["imported"], report["reindexed"]) == (0, 2)
    assert FaissIndex.load(app.workspace.index_dir("credentials"))[0].count == 2


def test_needs_resolve_required_and_preferred(app, tmp_path) -> None:
    needs = [{"employer": "Clinic", "role": "aide", "required_skills": ["CPR", "take vital signs"],
              "preferred_skills": ["Excel"], "openings": 3, "date": "2026-10-01"}]
    report = app.import_records("need", write(tmp_path / "n.jsonl", needs))
    assert report["imported"] == 1 and report["unresolved"] == {}
    need_id = RecordStore(app.conn).rows("need")[0]["code"]
    roles = {(s["id"], s["role"]) for s in app.record("need", need_id)["skills"]}
    assert roles == {("s:cpr", "required"), ("s:vitals", "required"), ("s:excel", "preferred")}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"id": "x", "title": "T", "cost": -5}, "line 2, field 'cost': -5 is negative"),
        ({"id": "x", "title": "T", "type": "diploma"}, "field 'type': 'diploma' is not one of"),
        ({"id": "x", "title": "T", "hours": "ten"}, "field 'hours': 'ten' is not a number"),
        ({"id": "x"}, "field 'title': required value is missing"),
    ],
)
def test_bad_rows_name_line_and_field_and_store_nothing(app, tmp_path, row, expected) -> None:
    path = write(tmp_path / "c.jsonl", [CREDENTIALS[1], row])
    with pytest.raises(InputError) as exc:
        app.import_records("credential", path)
    assert expected in str(exc.value)
    assert RecordStore(app.conn).count("credential") == 0


def test_csv_lists_and_unknown_record(app, tmp_path) -> None:
    (tmp_path / "p.csv").write_text(
        "id,title,description,openings,date_posted,skills\n"
        "p1,Welder,Weld steel with MIG welding.,3,2026-05-01,s:weld|CPR\n")
    report = app.import_records("posting", tmp_path / "p.csv")
    assert report["imported"] == 1
    p1 = app.record("posting", "p1")
    assert p1["openings"] == 3 and {s["id"] for s in p1["skills"]} >= {"s:weld", "s:cpr"}
    with pytest.raises(NotFoundError, match="no posting with id 'nope'"):
        app.record("posting", "nope")


def test_stopped_mid_import_keeps_finished_batches_and_resumes(tmp_path) -> None:
    from skillmatch.app import SkillMatch
    from skillmatch.catalog.synth import synth_postings
    from skillmatch.settings import Settings
    from tests.taxonomy.conftest import write_onet

    settings = Settings(home=tmp_path / "ws", embedder="fake", import_batch_size=4)
    postings = list(synth_postings(write_onet(tmp_path / "onet"), 20, seed=1))
    app = SkillMatch(settings)
    app.import_taxonomy("onet", tmp_path / "onet")
    app.build_indexes()

    def stop_after_two_batches(stage: str, done: int, total: int) -> None:
        if done >= 8:
            raise KeyboardInterrupt  # Ctrl-C while the next batch is being embedded

    with pytest.raises(KeyboardInterrupt):
        app.import_records("posting", postings, progress=stop_after_two_batches)
    app.close()
    app = SkillMatch(settings)  # a new process, as after Ctrl-C
    assert app.conn.execute("SELECT count(*) FROM postings").fetchone()[0] == 8
    report = app.import_records("posting", postings)
    assert (report["unchanged"], report["imported"]) == (8, 12)
    assert app.conn.execute("SELECT count(*) FROM postings").fetchone()[0] == 20
    index, _ = FaissIndex.load(app.workspace.index_dir("postings"))
    assert index.count == 20
    # the stop came before the index was saved: the 8 stored postings are re-indexed once
    assert report["reindexed"] == 8
    app.close()
