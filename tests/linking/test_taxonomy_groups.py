"""Several taxonomies: each linked and ranked on its own, returned group after group."""

from __future__ import annotations

import numpy as np
import pytest

from skillmatch.errors import InputError
from skillmatch.linking.linker import SkillLinker
from skillmatch.linking.ranker import FEATURES, RankerModel
from skillmatch.records import SkillRecord, TaxonomyBundle

TEXTS = [
    "Take vital signs and administer CPR. Keep records in Microsoft Excel.",
    "Write Python programs and weld parts with MIG welding equipment.",
    "lesson planning for teams",
]

TECH = [  # O*NET-like technologies: product names, some overlapping the tiny skills
    ("tech:excel", "Microsoft Excel", "Spreadsheet software"),
    ("tech:python", "Python", "Object or component oriented development software"),
    ("tech:mig", "MIG welding equipment", "Welding machines"),
    ("tech:sql", "Structured query language SQL", "Data base query software"),
    ("tech:word", "Microsoft Word", "Word processing software"),
]


def onet_technologies() -> TaxonomyBundle:
    return TaxonomyBundle(
        name="onet", kind="onet", version="29.2", source="tests",
        skills=[SkillRecord(code=c, label=label, description=d, skill_type="technology")
                for c, label, d in TECH])


def tiny_ranker() -> RankerModel:
    """A calibrated ranker fitted for ``tiny``: its probabilities are on another scale than
    the raw cosines of the other taxonomy (the mix that broke ranked linking)."""
    n = len(FEATURES)
    coef = np.zeros(n)
    coef[FEATURES.index("label_cos")] = 2.0
    return RankerModel(FEATURES, np.zeros(n), np.ones(n), coef, -4.0,
                       {"taxonomy_name": "tiny"})


def _view(results):
    return [[(s.taxonomy, s.id, round(s.score, 6), s.evidence.start, s.evidence.end)
             for s in r.skills] for r in results]


@pytest.fixture
def both(app):
    """``tiny`` (the fixture's) and ``onet`` technologies, both indexed."""
    app.taxonomies.save(onet_technologies())
    app.build_indexes(["onet"])
    return app


def _linker(app, names, ranker=None):
    indexes = {n: app.linking_service.full_linker.indexes_[n] for n in names}
    return SkillLinker(threshold=0.3, ranker=ranker).fit(app.taxonomies, app.embedder, indexes)


@pytest.mark.parametrize("ranker", [None, tiny_ranker()], ids=["raw", "calibrated"])
def test_ranked_groups_never_interleave(both, ranker) -> None:
    alone = _linker(both, ["tiny"], ranker).rank(TEXTS, 3)
    grouped = _linker(both, ["tiny", "onet"], ranker).rank(TEXTS, 3)
    for one, r in zip(alone, grouped):
        assert r.taxonomies == ["tiny", "onet"]
        order = [s.taxonomy for s in r.skills]
        assert order == sorted(order, key=["tiny", "onet"].index)  # tiny's group first
        assert len(r.group("tiny")) == len(one.skills) == 3 and len(r.group("onet")) == 3
        assert r.to_dict()["taxonomies"] == ["tiny", "onet"]
    # tiny's own ranking, top-k and scores do not change when onet is loaded
    assert _view([type(r)(r.text, r.group("tiny")) for r in grouped]) == _view(alone)
    onet = _linker(both, ["onet"], ranker).rank(TEXTS, 3)
    assert _view([type(r)(r.text, r.group("onet")) for r in grouped]) == _view(onet)


def test_thresholded_groups_keep_their_own_semantics(both) -> None:
    alone = _linker(both, ["tiny"]).link(TEXTS)
    grouped = _linker(both, ["tiny", "onet"]).link(TEXTS)
    assert _view([type(r)(r.text, r.group("tiny")) for r in grouped]) == _view(alone)
    # "MIG welding equipment" (onet's longer label) does not hide tiny's "MIG welding"
    assert "s:weld" in {s.id for s in grouped[1].group("tiny")}
    assert "tech:mig" in {s.id for s in grouped[1].group("onet")}


def test_a_selection_per_call(both) -> None:
    linker = both.linker
    assert linker.selection() == ["tiny", "onet"]  # the primary (non-O*NET) first
    [r] = linker.rank(TEXTS[:1], 2, taxonomies=["onet"])
    assert {s.taxonomy for s in r.skills} == {"onet"} and r.taxonomies == ["onet"]
    [r] = linker.rank(TEXTS[:1], 2, taxonomies=["onet", "tiny"])  # the order asked for
    assert [s.taxonomy for s in r.skills] == ["onet", "onet", "tiny", "tiny"]
    with pytest.raises(InputError, match=r"unknown taxonomy 'nope' \(linkable: tiny, onet\)"):
        linker.link(TEXTS, taxonomies=["nope"])
    # the app: one taxonomy is that taxonomy's own linker; the default groups them all
    assert both.linker_for(["tiny"]).names_ == ["tiny"]
    assert [s.taxonomy for s in both.link(TEXTS[:1], taxonomies=["tiny"])[0].skills] == \
        ["tiny"] * len(both.link(TEXTS[:1], taxonomies=["tiny"])[0].skills)
    with pytest.raises(InputError, match=r"unknown taxonomy 'esco' \(loaded: onet, tiny\)"):
        both.link(TEXTS, taxonomies=["esco"])


def test_document_vectors_and_import_with_several(both) -> None:
    results, vectors = both.linker.link_documents(TEXTS)
    _, alone = _linker(both, ["tiny"]).link_documents(TEXTS)
    assert np.allclose(vectors, alone) and len(results) == len(TEXTS)


def test_declared_free_text_takes_the_first_group_that_passes(both) -> None:
    """Declared skills in free text: each taxonomy's best, the primary's first when it
    passes its threshold, else the next taxonomy's (never one score against another)."""
    declared = both.linking_service.declared_for(None)
    [word], missed = declared.resolve(["Microsoft Word documents"])
    assert not missed
    assert both.taxonomies.skills_by_id([word.skill_id])[word.skill_id].code == "tech:word"
    [cpr], _ = declared.resolve(["administer CPR to patients"])
    assert both.taxonomies.skills_by_id([cpr.skill_id])[cpr.skill_id].taxonomy == "tiny"
