"""The ranker's and the document model's probabilities, and what a linker keeps.

With a fitted ranker, every candidate of a text gets the ranker's calibrated
probability from its features (:func:`candidate_features`: label and description
cosines, BM25 over labels, reuse level, hierarchy siblings, support across sentences);
ranked linking orders skills by it. With a document model, every candidate of a text
long enough to be a document gets the document model's probability from those features
plus how the document supports it (:func:`document_features`), and thresholded linking
keeps or drops it on that probability (:func:`keeper`). See :mod:`.document`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..records import LinkedSkill
from .document import DOC_FEATURES, MIN_DOCUMENT_SENTENCES, document_rows, logit
from .fitting import fit_features
from .ranker import FEATURES, REUSE, feature_rows
from .scoring import WORDS, Best
from .segment import Segment

if TYPE_CHECKING:
    from .linker import SkillLinker


def keeper(linker: SkillLinker, threshold: float | None
           ) -> Callable[[list[LinkedSkill]], list[LinkedSkill]]:
    """What thresholded linking keeps of a text's ranked skills."""
    decision = linker.document_threshold
    if decision is not None and linker.document_model is not None:
        # keep or drop on the document model's probability, for the taxonomy it was
        # fitted for and texts long enough to be documents; the rest keep their
        # raw-score threshold
        cut = decision if threshold is None else threshold
        raw_cut = linker.threshold

        def keep(ranked: list[LinkedSkill]) -> list[LinkedSkill]:
            decided = [s for s in ranked if s.decided]
            others = [s for s in ranked if not s.decided]
            return (sorted((s for s in decided if (s.probability or 0.0) >= cut),
                           key=lambda s: (-(s.probability or 0.0), s.label))
                    + [s for s in others if s.score >= raw_cut])
        return keep
    cut = linker.threshold if threshold is None else threshold
    return lambda ranked: [s for s in ranked if s.score >= cut]


def probabilities(linker: SkillLinker, text: str, segs: list[Segment], vectors: np.ndarray,
                  best: dict[int, Best], by_probability: bool) -> None:
    """The ranker's probability of every candidate (its score when ``by_probability``),
    and, when thresholding a document, the document model's."""
    if linker.ranker is not None and best:
        calibrate(linker, text, segs, vectors, best, by_probability)
    if (linker.document_model is not None and best and not by_probability
            and len({g.sentence for g in segs}) >= MIN_DOCUMENT_SENTENCES):
        decide(linker, text, segs, vectors, best)


def candidate_features(linker: SkillLinker, text: str, segs: list[Segment],
                       vectors: np.ndarray, best: dict[int, Best],
                       features: tuple[str, ...] | None = None
                       ) -> tuple[list[int], np.ndarray]:
    """The ranker's feature matrix for the candidates of one text."""
    if not hasattr(linker, "bm25_"):
        fit_features(linker)
    owners = list(best)
    if not owners or not len(vectors):
        return [], feature_rows([], features or FEATURES)
    rows = [linker.feature_row_[o] for o in owners]
    whole = [i for i, s in enumerate(segs) if not s.is_clause] or list(range(len(segs)))
    seg_vecs = vectors[whole]
    label_cos = (seg_vecs @ linker.pref_vectors_[rows].T).max(axis=0)
    desc_cos = (seg_vecs @ linker.desc_vectors_[rows].T).max(axis=0)
    bm25 = linker.bm25_.scores(text, owners)
    by_parent: dict[str, list[float]] = {}
    for o in owners:
        for p in linker.parents_.get(o, ()):
            by_parent.setdefault(p, []).append(best[o].score)
    cands = []
    for j, o in enumerate(owners):
        b, row = best[o], linker.skills_[o]
        support = sorted(b.sentences.values(), reverse=True)
        sibling = 0.0
        for p in linker.parents_.get(o, ()):
            others = list(by_parent[p])
            others.remove(b.score)
            sibling = max([sibling, *others])
        cand = {"score": b.score, "dense": b.dense, "label_cos": float(label_cos[j]),
                "desc_cos": float(desc_cos[j]), "exact": float("exact" in b.sources),
                "alias": float("alias" in b.sources), "bm25": float(np.log1p(bm25[o])),
                "support": max(support[1], 0.0) if len(support) > 1 else 0.0,
                "knowledge": float(row.skill_type == "knowledge"), "sibling": sibling,
                "label_words": float(np.log1p(len(row.label.split())))}
        if row.reuse_level in REUSE:
            cand[REUSE[row.reuse_level]] = 1.0
        cands.append(cand)
    if features is None:
        features = linker.ranker.features if linker.ranker else FEATURES
    return owners, feature_rows(cands, features)


def calibrate(linker: SkillLinker, text: str, segs: list[Segment], vectors: np.ndarray,
              best: dict[int, Best], by_probability: bool) -> None:
    """Every candidate's ranker probability (and score, when ``by_probability``)."""
    assert linker.ranker is not None
    fitted_for = linker.ranker.meta.get("taxonomy_name")
    if fitted_for:  # other taxonomies (no reuse levels, no hierarchy) keep raw scores
        best = {o: b for o, b in best.items() if linker.skills_[o].taxonomy == fitted_for}
        if not best:
            return
    owners, x = candidate_features(linker, text, segs, vectors, best)
    for owner, p in zip(owners, linker.ranker.predict(x).tolist()):
        b = best[owner]
        b.probability = p
        if by_probability:
            b.raw, b.score = b.score, p


def document_features(linker: SkillLinker, text: str, segs: list[Segment],
                      vectors: np.ndarray, best: dict[int, Best]
                      ) -> tuple[list[int], np.ndarray]:
    """The document model's features for the candidates of one text: the ranker's,
    plus how the document supports each (see :mod:`.document`)."""
    owners, base = candidate_features(linker, text, segs, vectors, best, FEATURES)
    n_sentences = len({s.sentence for s in segs})
    title_words = set(WORDS.findall(text.split("\n", 1)[0].lower()))
    statement: dict[int, float] = {}
    if linker.statement is not None:
        whole = [i for i, s in enumerate(segs) if not s.is_clause]
        if whole:
            for i, v in zip(whole, linker.statement.logits(vectors[whole]).tolist()):
                statement[segs[i].sentence] = v
    extras = []
    for o in owners:
        b = best[o]
        evidence = text[b.start : b.end]
        words = WORDS.findall(evidence)
        label_words = set(WORDS.findall(linker.skills_[o].label.lower()))
        sentence = next((s for s in segs if not s.is_clause
                         and s.start <= b.start and b.end <= s.end), None)
        extras.append({
            "p_sentence": logit(b.probability) if b.probability is not None else 0.0,
            "calibrated": float(b.probability is not None),
            "sentences": float(np.log1p(len(b.sentences))),
            "strong_sentences": float(np.log1p(sum(v >= 0.5 for v in b.sentences.values()))),
            "evidence_words": float(np.log1p(len(words))),
            "clause": float(sentence is not None and (b.start, b.end)
                            != (sentence.start, sentence.end)),
            "doc_sentences": float(np.log1p(n_sentences)),
            "acronym": float(b.acronym),
            "lexical_only": float(b.dense < 0.3 and bool(b.sources - {"dense"})),
            "title_overlap": float(bool(label_words & title_words)),
            "statement": statement.get(sentence.sentence, 0.0) if sentence else 0.0,
            "score": b.score,
        })
    return owners, document_rows(base, extras)


def decide(linker: SkillLinker, text: str, segs: list[Segment], vectors: np.ndarray,
           best: dict[int, Best]) -> None:
    """Every candidate's calibrated document probability (its keep-or-drop score)."""
    assert linker.document_model is not None
    fitted_for = linker.document_model.meta.get("taxonomy_name")
    if fitted_for:
        best = {o: b for o, b in best.items() if linker.skills_[o].taxonomy == fitted_for}
        if not best:
            return
    owners, x = document_features(linker, text, segs, vectors, best)
    cols = [DOC_FEATURES.index(f) for f in linker.document_model.features]
    for owner, p in zip(owners, linker.document_model.predict(x[:, cols]).tolist()):
        best[owner].decision = p
