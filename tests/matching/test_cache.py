"""The occupation side of the learned scorer, kept in the workspace between processes."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from skillmatch.embeddings.fake import FakeEmbedder
from skillmatch.matching import cache
from skillmatch.matching.features import load_occupations, occupation_signals

TEXTS = ["Take vital signs of patients and administer CPR.", "MIG welding of steel parts.",
         "Write Python programs; plan lessons.", "nothing known here"]


@pytest.fixture
def counted(monkeypatch):
    """Counts the computations of the occupation side."""
    calls: list[int] = []

    def compute(*args, **kwargs):
        calls.append(1)
        return occupation_signals(*args, **kwargs)

    monkeypatch.setattr(cache, "occupation_signals", compute)
    return calls


def _same(a, b) -> None:
    for name in ("description", "text", "titles"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    for x, y in ((a.profiles, b.profiles), (a.lexical[1], b.lexical[1])):
        assert x.shape == y.shape and x.dtype == y.dtype and (x != y).nnz == 0
    (va, _), (vb, _) = a.lexical, b.lexical
    assert va.vocabulary_ == vb.vocabulary_ and np.array_equal(va.idf_, vb.idf_)
    ta, tb = va.transform(TEXTS), vb.transform(TEXTS)
    assert ta.nnz > 0 and ta.dtype == tb.dtype and np.array_equal(ta.toarray(), tb.toarray())


def test_round_trip_is_exact(with_onet, tmp_path: Path) -> None:
    occ, linker = load_occupations(with_onet.conn), with_onet.linker
    side = occupation_signals(with_onet.embedder.embed, linker, occ)
    key = cache.cache_key(with_onet.embedder.model_id, linker, occ)
    folder = tmp_path / "derived" / "sig"
    cache.save_signals(folder, key, side)
    cache.save_signals(folder, key, side)  # over an existing one
    assert [p.name for p in folder.parent.iterdir()] == ["sig"]  # no temporary left
    manifest = cache.read_manifest(folder)
    assert manifest is not None and manifest["key"]["model"] == with_onet.embedder.model_id
    back = cache.load_signals(folder, manifest, occ, side.profiles.shape[1])
    _same(side, back)
    assert back.profiles.nnz > 0 and back.lexical[1].nnz > 0


def test_second_call_loads_and_a_changed_key_recomputes(with_onet, tmp_path, counted) -> None:
    occ, linker, emb = load_occupations(with_onet.conn), with_onet.linker, with_onet.embedder
    folder = tmp_path / "sig"
    first = cache.cached_occupation_signals(folder, emb, linker, occ)
    assert len(counted) == 1 and (folder / cache.MANIFEST).exists()
    _same(first, cache.cached_occupation_signals(folder, emb, linker, occ))
    assert len(counted) == 1  # loaded, not recomputed

    other = FakeEmbedder(emb.dimension)
    other.model_id = "another-model"
    cache.cached_occupation_signals(folder, other, linker, occ)
    assert len(counted) == 2
    assert cache.read_manifest(folder)["key"]["model"] == "another-model"  # overwritten
    cache.cached_occupation_signals(folder, other, linker, occ)
    assert len(counted) == 2

    edited = replace(occ, descriptions=[*occ.descriptions[:-1], "Teach history."])
    changed = cache.cached_occupation_signals(folder, other, linker, occ=edited)
    assert len(counted) == 3
    assert not np.array_equal(changed.description[-1], first.description[-1])

    linker.threshold += 0.1  # a linker setting that changes the linked skills
    cache.cached_occupation_signals(folder, other, linker, edited)
    assert len(counted) == 4


def _corrupt_npz_in_place(folder: Path) -> None:
    path = folder / cache.ARRAYS
    raw = bytearray(path.read_bytes())
    mid = len(raw) // 2
    raw[mid : mid + 64] = b"\xff" * 64  # same size: only the zip's checksums can tell
    path.write_bytes(bytes(raw))


def _wrong_shape(folder: Path) -> None:
    """A consistent cache (manifest agrees with the files) whose titles do not fit."""
    with np.load(folder / cache.ARRAYS) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["titles"] = arrays["titles"][:-1]
    np.savez(folder / cache.ARRAYS, **arrays)
    manifest = json.loads((folder / cache.MANIFEST).read_text())
    manifest["shapes"]["titles"] = list(arrays["titles"].shape)
    manifest["files"][cache.ARRAYS] = (folder / cache.ARRAYS).stat().st_size
    (folder / cache.MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage", [
    lambda f: (f / cache.ARRAYS).write_bytes((f / cache.ARRAYS).read_bytes()[:1000]),
    _corrupt_npz_in_place,
    lambda f: (f / cache.MANIFEST).write_text("{not json"),
    lambda f: (f / cache.TFIDF).write_text("garbage"),
    lambda f: (f / cache.TFIDF).unlink(),
    _wrong_shape,
], ids=["truncated-npz", "garbled-npz", "bad-manifest", "bad-tfidf", "missing-file",
        "wrong-shape"])
def test_damaged_cache_is_recomputed_with_a_warning(with_onet, tmp_path, counted, caplog,
                                                    damage) -> None:
    occ, linker, emb = load_occupations(with_onet.conn), with_onet.linker, with_onet.embedder
    folder = tmp_path / "sig"
    fresh = cache.cached_occupation_signals(folder, emb, linker, occ)
    damage(folder)
    with caplog.at_level(logging.WARNING, logger="skillmatch.matching.cache"):
        again = cache.cached_occupation_signals(folder, emb, linker, occ)
    assert len(counted) == 2
    assert any("unusable, recomputing" in r.message for r in caplog.records)
    _same(fresh, again)
    cache.cached_occupation_signals(folder, emb, linker, occ)  # rewritten whole
    assert len(counted) == 2


def test_a_new_process_ranks_from_the_saved_side(settings, with_onet, monkeypatch) -> None:
    from skillmatch.app import SkillMatch

    fresh = with_onet.align("cna", k=5)  # computes the side and saves it
    folder = with_onet.workspace.derived_dir(cache.DIRNAME)
    assert (folder / cache.MANIFEST).exists()

    def fail(*args, **kwargs):
        raise AssertionError("recomputed instead of loaded")

    monkeypatch.setattr(cache, "occupation_signals", fail)
    with SkillMatch(settings) as app:  # as a new CLI process would
        loaded = app.align("cna", k=5)
        assert app.align(description="MIG welding of steel parts.", k=3)[
            "prepares_for"][0]["code"] == "51-4121.00"
    assert loaded["prepares_for_basis"]["learned"] is True
    assert loaded["prepares_for"] == fresh["prepares_for"]
    assert [p["code"] for p in loaded["prepares_for"]][0] == "31-1131.00"


def test_files_of_two_writes_do_not_mix(with_onet, tmp_path, counted, caplog) -> None:
    """A reader that meets another write's arrays (same shapes and sizes: a model of the
    same dimension) recomputes rather than trusting them."""
    occ, linker, emb = load_occupations(with_onet.conn), with_onet.linker, with_onet.embedder
    other = FakeEmbedder(emb.dimension)
    other.model_id = "another-model"
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    cache.cached_occupation_signals(mine, emb, linker, occ)
    cache.cached_occupation_signals(theirs, other, linker, occ)
    assert (mine / cache.ARRAYS).stat().st_size == (theirs / cache.ARRAYS).stat().st_size
    (mine / cache.ARRAYS).write_bytes((theirs / cache.ARRAYS).read_bytes())
    with caplog.at_level(logging.WARNING, logger="skillmatch.matching.cache"):
        cache.cached_occupation_signals(mine, emb, linker, occ)
    assert len(counted) == 3
    assert any("different writes" in r.message for r in caplog.records)
