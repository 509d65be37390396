"""The linker over a tiny taxonomy with the deterministic fake embedder."""

import numpy as np

from skillmatch.index.catalog import DESC_OFFSET

POSTING = (
    "We are a leading hospital group. Duties: take vital signs and administer CPR when needed. "
    "Keep records in Microsoft Excel. We are an equal opportunity employer."
)


def test_links_with_evidence_spans(app) -> None:
    [result] = app.link([POSTING])
    ids = [s.id for s in result.skills]
    assert {"s:vitals", "s:cpr", "s:excel"} <= set(ids)
    assert "s:weld" not in ids
    for s in result.skills:
        assert POSTING[s.evidence.start : s.evidence.end] == s.evidence.text
        assert "equal opportunity" not in s.evidence.text
    excel = next(s for s in result.skills if s.id == "s:excel")
    assert excel.evidence.text == "Microsoft Excel"  # the alias occurrence, not the sentence
    assert "alias" in excel.sources
    scores = [s.score for s in result.skills]
    assert scores == sorted(scores, reverse=True)


def test_ranked_mode_ignores_threshold_and_keeps_order(app) -> None:
    texts = ["welding and 3D printing in the maker lab", "lesson planning for teams", ""]
    results = app.link(texts, top_k=2)
    assert [r.text for r in results] == texts
    assert [len(r.skills) for r in results] == [2, 2, 0]
    assert {s.id for s in results[0].skills} == {"s:weld", "s:3dprint"}
    strict = app.link(texts, threshold=0.99)
    assert all(s.score >= 0.99 for r in strict for s in r.skills)


def test_each_skill_once_per_text(app) -> None:
    [result] = app.link(["Python. Python programming. Write Python programs."])
    assert [s.id for s in result.skills].count("s:python") == 1


def test_index_holds_labels_and_descriptions(app) -> None:
    index = app.linker.indexes_["tiny"]
    labels = list(app.taxonomies.labels(["tiny"], ["preferred", "alternative"]))
    descriptions = [i for i in index.ids_.tolist() if i >= DESC_OFFSET]
    assert len(descriptions) == 8
    assert index.count == len(labels) + len(descriptions)


def test_provenance(app) -> None:
    prov = app.provenance()
    assert prov["taxonomies"] == {"tiny": "1.0"}
    assert prov["model"] == app.embedder.model_id


def test_taxonomy_without_index_is_skipped_unless_named(app, settings) -> None:
    import pytest

    from skillmatch.app import SkillMatch
    from skillmatch.errors import ArtifactError

    from ..conftest import tiny_bundle

    app.taxonomies.save(tiny_bundle("second"))  # loaded, never indexed
    app.close()
    [result] = app.link(["administer CPR"])
    assert {s.taxonomy for s in result.skills} == {"tiny"}
    named = SkillMatch(settings.model_copy(update={"taxonomies": ["second"]}))
    with pytest.raises(ArtifactError, match="skillmatch index build"):
        named.link(["administer CPR"])


def test_candidate_table_and_a_fitted_ranker(app) -> None:
    """Features for every candidate; a ranker turns scores into probabilities and keeps
    the raw score as similarity."""
    import numpy as np

    from skillmatch.linking.linker import SkillLinker
    from skillmatch.linking.ranker import FEATURES, fit_ranker

    texts = ["take vital signs and administer CPR", "MIG welding in the maker lab",
             "lesson planning with colleagues", "Microsoft Excel pivot tables"]
    gold = [{"s:vitals", "s:cpr"}, {"s:weld"}, {"s:lesson", "s:teamwork"}, {"s:excel"}]
    table = app.linker.candidate_table(texts)
    assert len(table) == len(texts)
    for codes, x in table:
        assert x.shape == (len(codes), len(FEATURES)) and len(set(codes)) == len(codes)
        assert np.isfinite(x).all()
    x = np.concatenate([f for _, f in table])
    y = np.concatenate([[c in g for c in codes] for (codes, _), g in zip(table, gold)])
    groups = np.concatenate([[i] * len(c) for i, (c, _) in enumerate(table)])
    model, _ = fit_ranker(x, y.astype(float), groups, folds=2)
    linker = SkillLinker(threshold=0.0, ranker=model).fit(
        app.taxonomies, app.embedder, app.linker.indexes_)
    [result] = linker.rank(["take vital signs and administer CPR"], 3)
    assert all(0.0 <= s.score <= 1.0 and s.similarity is not None for s in result.skills)
    assert {s.id for s in result.skills[:2]} == {"s:vitals", "s:cpr"}
    assert "similarity" in result.skills[0].to_dict()
    [plain] = app.linker.rank(["take vital signs and administer CPR"], 3)
    assert all(s.similarity is None for s in plain.skills)


def test_link_keeps_raw_scores_and_threshold_rank_orders_by_probability(app) -> None:
    import numpy as np

    from skillmatch.linking.linker import SkillLinker
    from skillmatch.linking.ranker import FEATURES, RankerModel

    n = len(FEATURES)
    coef = np.zeros(n)
    coef[FEATURES.index("label_cos")] = 4.0
    ranker = RankerModel(FEATURES, np.zeros(n), np.ones(n), coef, -2.0,
                         {"taxonomy_name": "tiny"})
    text = ["take vital signs and administer CPR"]
    plain = app.linker.link(text)[0].skills
    linker = SkillLinker(threshold=0.3, ranker=ranker).fit(
        app.taxonomies, app.embedder, app.linker.indexes_)
    linked = linker.link(text)[0].skills
    # the same skills and raw scores as without the ranker, each with a probability
    assert [(s.id, round(s.score, 6)) for s in linked] == \
        [(s.id, round(s.score, 6)) for s in plain]
    assert linked and all(0 < (s.probability or 0) < 1 and s.similarity is None
                          for s in linked)
    ranked = linker.rank(text, 5)[0].skills
    assert [s.score for s in ranked] == sorted((s.probability or 0 for s in ranked),
                                               reverse=True)
    assert all(s.similarity is not None for s in ranked)
    # a ranker fitted for another taxonomy gives these no probability
    ranker.meta["taxonomy_name"] = "esco"
    other = SkillLinker(threshold=0.3, ranker=ranker).fit(
        app.taxonomies, app.embedder, app.linker.indexes_)
    assert all(s.probability is None for s in other.link(text)[0].skills)


def test_texts_prepared_once_give_what_linking_them_again_gives(app) -> None:
    """Aligning a credential embeds its text once for its document vector and its
    profile (matching/features.py): the same vectors and ranks as linking it twice."""
    linker = app.linker
    texts = ["Students take vital signs and learn CPR.\nThey also plan lessons in teams.",
             "welding",  # a clause only: its document vector is the raw text's own
             "Use Excel formulas and Python to report on 3D printing jobs."]
    prepared = linker.prepare(texts)
    _, linked = linker.link_documents(texts)
    np.testing.assert_allclose(linker.document_vectors(prepared), linked, atol=1e-6)
    again = linker.rank(texts, 5, prepared=prepared)
    fresh = linker.rank(texts, 5)
    assert [[(s.row_id, round(s.score, 6)) for s in r.skills] for r in again] == \
        [[(s.row_id, round(s.score, 6)) for s in r.skills] for r in fresh]
