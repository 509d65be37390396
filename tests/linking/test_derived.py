"""Linking tables saved with the skill index link exactly like tables computed from the
database; missing or stale ones fall back to computing, with a warning naming the
command that rebuilds them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from skillmatch.index import catalog
from skillmatch.index.faiss_index import FaissIndex, read_manifest
from skillmatch.linking import derived
from skillmatch.linking.linker import SkillLinker
from skillmatch.linking.ranker import FEATURES, RankerModel
from tests.conftest import tiny_bundle

TEXTS = [
    "Take vital signs and administer CPR when needed. Keep records in Microsoft Excel.",
    "Senior Nursing Assistant",
    "We weld metal parts with MIG welding and run 3D printing jobs in the maker lab.",
    "Lesson planning with colleagues; teamwork and collaboration; Python programming.",
    "Able to take vital signs and perform CPR",
    "",
]


def build_skill_index(app, name: str = "tiny", *, tables: bool = True) -> Path:
    """Build the skill index of ``name`` as `skillmatch index build` does, with its
    linking tables (or, ``tables=False``, as releases before them did)."""
    store = app.taxonomies
    directory = app.workspace.index_dir(f"skills-{name}")
    catalog.build_index(
        f"skills-{name}", catalog.skill_entries(store, name, app.settings.index_alt_labels),
        app.embedder, app.settings, directory, store.get(name),
        store=store if tables else None)
    return directory


def ranker_for(taxonomy: str) -> RankerModel:
    n = len(FEATURES)
    rng = np.random.default_rng(0)
    return RankerModel(FEATURES, np.zeros(n), np.ones(n), rng.normal(size=n), -1.0,
                       {"taxonomy_name": taxonomy})


def fitted(app, directory: Path | None, name: str = "tiny", **settings) -> SkillLinker:
    index, _ = FaissIndex.load(app.workspace.index_dir(f"skills-{name}"))
    return SkillLinker(threshold=0.3, **settings).fit(
        app.taxonomies, app.embedder, {name: index},
        directories=None if directory is None else {name: directory})


def outputs(linker: SkillLinker) -> list:
    """Every result of every mode, compared exactly (dataclasses: unrounded floats)."""
    documents, vectors = linker.link_documents(TEXTS)
    out = [linker.link(TEXTS), linker.rank(TEXTS, 5), documents, vectors.tolist()]
    assert any(r.skills for r in out[0])
    return out


@pytest.mark.parametrize("settings_", [
    {},
    {"ranker": ranker_for("tiny"), "acronyms": "lexical", "titles": True,
     "narrow_evidence": True, "sections": True},
])
def test_saved_tables_link_exactly_like_computed_ones(app, settings_, caplog) -> None:
    directory = build_skill_index(app)
    manifest = read_manifest(directory)
    entry = manifest["linking"]
    assert entry["format"] == derived.FORMAT and entry["derivation"] == derived.DERIVATION
    assert entry["taxonomy"]["imported_at"] == app.taxonomies.get("tiny").imported_at
    assert entry["model"] == app.embedder.model_id and entry["settings"] == derived.SETTINGS
    folder = directory / entry["folder"]
    assert sorted(p.name for p in folder.iterdir() if p.name != "meta.json") == entry["files"]
    for path in folder.glob("*.npy"):  # plain arrays, nothing pickled
        np.load(path, allow_pickle=False)

    with caplog.at_level(logging.WARNING):
        loaded = fitted(app, directory, **settings_)
        computed = fitted(app, None, **settings_)
    assert not caplog.records
    assert loaded.fitted_.source == "loaded" and computed.fitted_.source == "computed"

    # the tables themselves
    assert np.array_equal(loaded.entry_ids_, computed.entry_ids_)
    assert np.array_equal(loaded.entry_owners_, computed.entry_owners_)
    assert dict(loaded.skills_) == dict(computed.skills_)
    assert list(loaded.skills_) == list(computed.skills_)
    a, b = loaded.lexicon_, computed.lexicon_
    assert a.table() == b.table() and list(a.strings_) == list(b.strings_)
    assert (a.firsts_, a.max_len_) == (b.firsts_, b.max_len_)
    for name in ("values_", "shard_starts_", "owners_", "entries_", "kinds_", "starts_"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert loaded.acronym_labels_ == computed.acronym_labels_ and loaded.acronym_labels_
    assert dict(loaded.preferred_label_) == dict(computed.preferred_label_)
    assert dict(loaded.label_stems_) == dict(computed.label_stems_)
    if settings_:
        assert dict(loaded.titles_.table_) == dict(computed.titles_.table_)
        assert dict(loaded.parents_) == dict(computed.parents_)
        x, y = loaded.bm25_, computed.bm25_
        assert (x.vocab_, x.idf_, x.owners_, x.lengths_, x.avg_length_) == \
            (y.vocab_, y.idf_, y.owners_, y.lengths_, y.avg_length_)
        for name in ("terms_", "tfs_", "starts_"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
        assert loaded.feature_row_ == computed.feature_row_
        assert np.array_equal(loaded.pref_vectors_, computed.pref_vectors_)
        assert np.array_equal(loaded.desc_vectors_, computed.desc_vectors_)
        assert isinstance(loaded.pref_vectors_, np.memmap) or len(loaded.skills_) < 100

    # and what linking makes of them
    assert outputs(loaded) == outputs(computed)


def test_a_multi_taxonomy_linker_loads_each_taxonomy_once(app, caplog) -> None:
    app.taxonomies.save(tiny_bundle("other"))
    directories = {n: build_skill_index(app, n) for n in ("tiny", "other")}
    indexes = {n: FaissIndex.load(d)[0] for n, d in directories.items()}
    with caplog.at_level(logging.WARNING):
        loaded = SkillLinker(threshold=0.3).fit(app.taxonomies, app.embedder, indexes,
                                                directories=app.workspace.indexes_dir)
    computed = SkillLinker(threshold=0.3).fit(app.taxonomies, app.embedder, indexes)
    assert not caplog.records
    assert dict(loaded.skills_) == dict(computed.skills_)
    assert list(loaded.skills_) == sorted(computed.skills_) and len(loaded.skills_) == 16
    assert loaded.taxonomies_ == computed.taxonomies_ == {"other": "1.0", "tiny": "1.0"}
    assert outputs(loaded) == outputs(computed)
    part = loaded.part("tiny")
    assert part.fitted_ is loaded.tables_[("tiny", app.taxonomies.get("tiny").imported_at,
                                           directories["tiny"])]
    assert part.fitted_.source == "loaded"


def test_missing_tables_fall_back_with_the_rebuild_command(app, caplog) -> None:
    directory = build_skill_index(app, tables=False)  # as releases before them built it
    assert "linking" not in read_manifest(directory)
    with caplog.at_level(logging.WARNING, logger="skillmatch.linking.derived"):
        linker = fitted(app, directory)
    assert linker.fitted_.source == "computed"
    [warning] = caplog.records
    assert "skillmatch index build --force" in warning.getMessage()
    assert "older release" in warning.getMessage()
    assert outputs(linker) == outputs(fitted(app, None))
    assert not catalog.is_current(directory, app.embedder, app.taxonomies.get("tiny"),
                                  app.settings)


def test_tables_of_another_import_fall_back_and_see_its_labels(app, caplog) -> None:
    directory = build_skill_index(app)
    assert catalog.is_current(directory, app.embedder, app.taxonomies.get("tiny"),
                              app.settings)
    changed = tiny_bundle()
    changed.skills[0].alt_labels.append("resuscitate a patient")
    app.taxonomies.save(changed, replace=True)  # same ids, a new label: index still usable
    with caplog.at_level(logging.WARNING, logger="skillmatch.linking.derived"):
        linker = fitted(app, directory)
    assert linker.fitted_.source == "computed"
    assert "skillmatch index build --force" in caplog.records[0].getMessage()
    assert "resuscitate a patient" in linker.lexicon_.table()
    assert not catalog.is_current(directory, app.embedder, app.taxonomies.get("tiny"),
                                  app.settings)
    caplog.clear()
    build_skill_index(app)  # the rebuild saves tables of the new import
    with caplog.at_level(logging.WARNING, logger="skillmatch.linking.derived"):
        rebuilt = fitted(app, directory)
    assert not caplog.records and rebuilt.fitted_.source == "loaded"
    assert "resuscitate a patient" in rebuilt.lexicon_.table()


@pytest.mark.parametrize("damage", ["folder", "file", "format"])
def test_damaged_tables_fall_back(app, caplog, damage: str) -> None:
    directory = build_skill_index(app)
    entry = read_manifest(directory)["linking"]
    folder = directory / entry["folder"]
    if damage == "folder":
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    elif damage == "file":
        (folder / "lexicon_strings_blob.npy").unlink()
    else:
        manifest = json.loads((directory / "manifest.json").read_text())
        manifest["linking"]["format"] = derived.FORMAT + 1
        (directory / "manifest.json").write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="skillmatch.linking.derived"):
        linker = fitted(app, directory)
    assert linker.fitted_.source == "computed"
    assert "skillmatch index build --force" in caplog.records[0].getMessage()
    assert outputs(linker) == outputs(fitted(app, None))


def test_a_rebuild_replaces_the_folder_and_prunes_old_ones(app, monkeypatch) -> None:
    directory = build_skill_index(app)
    first = read_manifest(directory)["linking"]["folder"]
    build_skill_index(app)
    second = read_manifest(directory)["linking"]["folder"]
    assert first != second and (directory / first).is_dir()  # the previous one is kept
    monkeypatch.setattr(derived, "KEEP_SECONDS", -1.0)
    build_skill_index(app)
    third = read_manifest(directory)["linking"]["folder"]
    left = sorted(p.name for p in directory.glob("linking-*"))
    assert left == sorted([second, third])
    assert not list(directory.glob(".linking-*"))  # no temporary folder left behind


def test_a_taxonomy_without_alternative_labels_or_hierarchy(app, caplog) -> None:
    """Empty tables (no acronyms, no parents, one label a skill) save and load too."""
    from skillmatch.records import SkillRecord, TaxonomyBundle

    app.taxonomies.save(TaxonomyBundle(
        name="bare", kind="custom", version="1", source="tests",
        skills=[SkillRecord(code="b:1", label="repair bicycles"),
                SkillRecord(code="b:2", label="bake bread", description="Make bread.")]))
    directory = build_skill_index(app, "bare")
    with caplog.at_level(logging.WARNING):
        loaded = fitted(app, directory, "bare", ranker=ranker_for("bare"))
        computed = fitted(app, None, "bare", ranker=ranker_for("bare"))
    assert not caplog.records and loaded.fitted_.source == "loaded"
    assert dict(loaded.parents_) == {} == dict(computed.parents_)
    assert loaded.acronym_labels_ == frozenset() == computed.acronym_labels_
    texts = ["We repair bicycles and bake bread.", ""]
    assert loaded.link(texts) == computed.link(texts) and loaded.link(texts)[0].skills
    assert loaded.rank(texts, 2) == computed.rank(texts, 2)
