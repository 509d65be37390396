"""The saved TF-IDF vectorizer applied without scikit-learn gives scikit-learn's matrix."""

from __future__ import annotations

import numpy as np

from skillmatch.matching.features import fit_lexical
from skillmatch.matching.tfidf import SavedTfidf, restore, supported

DOCS = [
    "Registered nurses assess patients, take vital signs and administer medication.",
    "Welders join metal parts with MIG and TIG welding equipment in the shop.",
    "Teachers plan lessons, assess students and run a maker space with 3D printers.",
    "Software developers write Python code, test it and review pull requests.",
    "Nursing assistants help patients bathe, eat and move; they take vital signs.",
]
TEXTS = [
    "Take vital signs, vital signs and more vital signs of patients!",
    "MIG welding: the the and of a an",  # stop words only besides two terms
    "Nothing here is in the vocabulary: zebra quasar",
    "",
    "Lesson planning for the maker space (3D printers, Python) and students' work.",
]


def test_saved_transform_equals_scikit_learns() -> None:
    vec, _ = fit_lexical(DOCS)
    params = vec.get_params()
    params["dtype"] = np.dtype(params["dtype"]).name
    params["ngram_range"] = list(params["ngram_range"])
    assert supported(params)
    saved = restore(params, vec.vocabulary_, vec.idf_, sorted(vec.get_stop_words()))
    assert isinstance(saved, SavedTfidf)
    got, want = saved.transform(TEXTS), vec.transform(TEXTS)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.toarray(), want.toarray(), rtol=1e-12, atol=1e-12)


def test_unsupported_parameters_or_no_stop_words_fall_back_to_scikit_learn() -> None:
    vec, _ = fit_lexical(DOCS)
    params = vec.get_params()
    params["dtype"] = np.dtype(params["dtype"]).name
    params["ngram_range"] = [1, 2]
    assert not supported(params)
    assert not isinstance(restore(params, vec.vocabulary_, vec.idf_, []), SavedTfidf)
    params["ngram_range"] = [1, 1]
    assert not isinstance(restore(params, vec.vocabulary_, vec.idf_, None), SavedTfidf)
