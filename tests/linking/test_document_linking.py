"""Document rules in the linker: acronym aliases, title lines, the document model."""

from __future__ import annotations

import numpy as np

from skillmatch.linking.document import DOC_FEATURES
from skillmatch.linking.profiles import make_linker
from skillmatch.linking.ranker import RankerModel

BODY = ("Nursing Assistant - Houston\n"
        "Duties:\n"
        "Take vital signs of residents and record them.\n"
        "Administer CPR in emergencies.\n"
        "Benefits\n"
        "Dental, vision and teamwork events.\n")


# a document long enough for the document model (MIN_DOCUMENT_SENTENCES)
LONG = BODY.replace("Benefits\n", "Help residents move safely.\nRecord what residents eat.\n"
                    "Benefits\n")


def _linker(app, profile: str, document_model: RankerModel | None = None):
    return make_linker(app.settings, profile=profile, document_model=document_model).fit(
        app.taxonomies, app.embedder, app.taxonomy_service.skill_indexes())


def test_acronym_aliases_own_no_dense_entry(app) -> None:
    legacy, doc = _linker(app, "legacy"), _linker(app, "document")
    cpr = [lab.id for lab in app.taxonomies.labels(["tiny"]) if lab.label == "CPR"]
    assert cpr and set(cpr) <= doc.acronym_labels_
    pos = np.searchsorted(doc.entry_ids_, cpr)
    assert (doc.entry_owners_[pos] == -1).all()  # retrieving "CPR" by meaning finds nothing
    assert (legacy.entry_owners_[pos] >= 0).all()


def test_acronym_links_only_where_written_in_capitals(app) -> None:
    doc = _linker(app, "document")
    [upper, lower] = doc.link(["Administer CPR in emergencies.", "the cpr unit"], 0.0)
    hit = next(s for s in upper.skills if s.id == "s:cpr")
    assert "alias" in hit.sources or "exact" in hit.sources
    assert not any("alias" in s.sources for s in lower.skills if s.id == "s:cpr")


def test_title_line_is_an_occupation_not_a_skill(app) -> None:
    doc, legacy = _linker(app, "document"), _linker(app, "legacy")
    [result] = doc.link([BODY], 0.0)
    assert [o["code"] for o in result.occupations] == ["o:nurse"]
    title_end = BODY.index("\n")
    assert all(s.evidence.start > title_end for s in result.skills)
    assert all("Dental" not in s.evidence.text for s in result.skills)  # a benefits section
    [old] = legacy.link([BODY], 0.0)
    assert old.occupations == []
    assert any(s.evidence.start < title_end for s in old.skills)


def test_keep_or_drop_on_the_document_probability(app) -> None:
    coef = np.zeros(len(DOC_FEATURES))
    coef[DOC_FEATURES.index("score")] = 20.0
    model = RankerModel(DOC_FEATURES, np.zeros(len(coef)), np.ones(len(coef)), coef, -10.0,
                        {"threshold": 0.5, "taxonomy_name": "tiny"})
    doc = _linker(app, "document", model)
    assert doc.document_threshold == 0.5
    [result] = doc.link([LONG])
    assert result.skills
    for s in result.skills:
        assert s.probability is not None and s.probability >= 0.5
        assert abs(s.probability - 1 / (1 + np.exp(-(20 * s.score - 10)))) < 1e-6
    probs = [s.probability for s in result.skills]
    assert probs == sorted(probs, reverse=True)
    [everything] = doc.link([LONG], 0.0)
    assert any((s.probability or 0) < 0.5 for s in everything.skills)
    # a model fitted for another taxonomy decides nothing here: the raw score does
    other = _linker(app, "document", RankerModel(
        DOC_FEATURES, model.mean, model.scale, coef, -10.0, {"taxonomy_name": "esco"}))
    [raw] = other.link([BODY])
    assert raw.skills and all(s.score >= app.settings.link_threshold for s in raw.skills)


def test_document_model_json_round_trip(tmp_path) -> None:
    n = len(DOC_FEATURES)
    model = RankerModel(DOC_FEATURES, np.zeros(n), np.ones(n), np.arange(n) / n, 0.1,
                        {"threshold": 0.4})
    model.save(tmp_path, "document.json")
    back = RankerModel.load(tmp_path, "document.json", DOC_FEATURES)
    assert back is not None and back.features == DOC_FEATURES
    x = np.random.default_rng(0).normal(size=(5, n))
    assert np.allclose(back.predict(x), model.predict(x))
    assert not list(tmp_path.glob("*.tmp"))


def test_support_across_passages_outranks_a_lone_hit(app) -> None:
    """A skill stated in several sentences scores above the same statement made once."""
    doc = _linker(app, "document")
    once = "Duties:\nWeld metal parts for the frames.\nKeep the shop clean."
    twice = ("Duties:\nWeld metal parts for the frames.\nKeep the shop clean.\n"
             "Weld metal parts for the trailers.")
    [a], [b] = doc.link([once], 0.0), doc.link([twice], 0.0)
    score = {r: next(s.score for s in res.skills if s.id == "s:weld")
             for r, res in (("once", a), ("twice", b))}
    assert score["twice"] > score["once"]


def test_short_texts_keep_the_raw_score_threshold(app) -> None:
    """The document model decides for documents only: a sentence is kept or dropped on
    its raw score (the model under-links short texts: see MIN_DOCUMENT_SENTENCES)."""
    coef = np.zeros(len(DOC_FEATURES))
    model = RankerModel(DOC_FEATURES, np.zeros(len(coef)), np.ones(len(coef)), coef, -30.0,
                        {"threshold": 0.5, "taxonomy_name": "tiny"})  # drops everything
    doc = _linker(app, "document", model)
    [sentence] = doc.link(["Take vital signs of residents and record them."])
    assert sentence.skills and all(s.score >= app.settings.link_threshold and not s.decided
                                   for s in sentence.skills)
    [document] = doc.link([LONG])
    assert document.skills == []
