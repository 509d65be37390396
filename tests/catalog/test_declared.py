"""Declared free-text skills: the threshold and the score are the same kind of number."""

import numpy as np
import pytest

from skillmatch.catalog.pipeline import DeclaredSkills
from skillmatch.index import FaissIndex
from skillmatch.linking.profiles import make_linker
from skillmatch.linking.ranker import FEATURES, RankerModel


def _ranker(probability: float) -> RankerModel:
    """A ranker that orders candidates by the linker's score but calls every one about
    ``probability`` likely, whatever that score is."""
    n = len(FEATURES)
    coef = np.zeros(n)
    coef[FEATURES.index("score")] = 0.01
    return RankerModel(FEATURES, np.zeros(n), np.ones(n), coef,
                       float(np.log(probability / (1 - probability))))


def _declared(app, ranker: RankerModel | None) -> DeclaredSkills:
    index, _ = FaissIndex.load(app.workspace.index_dir("skills-tiny"))
    linker = make_linker(app.settings, ranker=ranker).fit(
        app.taxonomies, app.embedder, {"tiny": index})
    return DeclaredSkills(app.taxonomies, linker)


@pytest.mark.parametrize("probability", [0.01, 0.99])
def test_free_text_is_kept_on_its_cosine_whatever_the_ranker_says(app, probability) -> None:
    phrases = ["administering CPR to patients", "underwater basket weaving"]
    plain, plain_missing = _declared(app, None).resolve(phrases)
    calibrated, missing = _declared(app, _ranker(probability)).resolve(phrases)
    # the cosine decides, as without a ranker: a confident ranker does not let an
    # unrelated phrase in, a doubtful one does not drop a good match
    assert missing == plain_missing == ["underwater basket weaving"]
    assert [(m.skill_id, round(m.score, 6)) for m in calibrated] == \
        [(m.skill_id, round(m.score, 6)) for m in plain]
    assert plain[0].score >= 0.3
