"""Skill linking: find the taxonomy skills a text states or implies.

For every text: split into sentences and clauses (dropping boilerplate), embed
each segment once, retrieve the nearest label and description vectors of each
taxonomy index, add lexical evidence where a label occurs verbatim, and keep,
per skill, its best-scoring segment as the evidence span.

Score of a skill in a sentence = max cosine between the sentence and the
skill's embedded texts (labels, ``label: description``). A clause is read in
its sentence's context: ``(1 - w) * cos(clause) + w * cos(sentence)`` with
``w = context_weight`` (the sentence's weakest retrieved score stands in when
the skill was not retrieved for the sentence). ``lexical_bonus`` is added when
one of the skill's labels occurs in the segment (half for hidden labels),
capped at 1. A skill's score in a text is its best segment score.

With a fitted :class:`~.ranker.RankerModel` (``ranker=``), that score becomes one
feature among many (label and description cosines, BM25 over labels, reuse level,
hierarchy siblings, support across sentences) and every candidate also gets the
ranker's calibrated ``probability``. Ranked mode (:meth:`rank`) orders skills by that
probability (its ``score``); thresholded mode (:meth:`link`) keeps the linker's own
score and threshold, which extract evidence spans better on real postings (SkillSpan
dev strict F1 0.264 against 0.238 at the best probability cut), and reports the
probability beside it. Skills of a taxonomy the ranker was not fitted for have none.

The work is done by the modules beside this one, each given the linker: fitting
(:mod:`.fitting`), taxonomy groups and parts (:mod:`.groups`), the batch run
(:mod:`.search`), candidate search and scoring (:mod:`.scoring`), and the ranker's and
document model's probabilities (:mod:`.decision`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..embeddings.base import Embedder
from ..index.faiss_index import FaissIndex
from ..records import LinkResult
from ..storage.taxonomy_store import SkillRow, TaxonomyStore
from . import decision, fitting, groups, scoring, search
from .bm25 import LabelBM25
from .derived import TaxonomyTables
from .document import DocumentCandidates, StatementModel, TitleMatcher
from .fitting import refuse_stale
from .groups import TAXONOMY_KINDS, taxonomy_order
from .lexicon import Lexicon
from .ranker import RankerModel
from .scoring import CLAUSE_PREFERENCE
from .search import Prepared
from .segment import Segment

__all__ = ["CLAUSE_PREFERENCE", "TAXONOMY_KINDS", "Prepared", "SkillLinker", "refuse_stale",
           "taxonomy_order"]


class SkillLinker:
    """Links skills in texts; construct with settings, then :meth:`fit`."""

    # set by :meth:`fit` (:mod:`.fitting`); the ranker's tables on first use
    order_: list[str]  # the taxonomies in group order
    names_: list[str]
    parts_: dict[str, SkillLinker]  # taxonomy -> its own linker (several taxonomies)
    views_: dict[tuple[str, ...], SkillLinker]  # linkers grouping some of them
    directories_: dict[str, Path]
    tables_: dict[tuple[str, str, Path | None], TaxonomyTables]
    store_: TaxonomyStore
    embedder_: Embedder
    indexes_: dict[str, FaissIndex]
    taxonomies_: dict[str, str]  # name -> version
    skills_: Mapping[int, SkillRow]
    # one taxonomy only
    fitted_: TaxonomyTables
    entry_ids_: np.ndarray
    entry_owners_: np.ndarray
    lexicon_: Lexicon
    acronym_labels_: frozenset[int]
    preferred_label_: Mapping[int, int]
    label_stems_: Mapping[int, frozenset[str]]
    titles_: TitleMatcher | None
    bm25_: LabelBM25
    parents_: Mapping[int, set[str]]
    feature_row_: dict[int, int]
    pref_vectors_: np.ndarray
    desc_vectors_: np.ndarray

    def __init__(
        self,
        *,
        threshold: float = 0.55,
        top_k: int = 10,
        candidates: int = 40,
        max_per_segment: int = 3,
        lexical_bonus: float = 0.15,
        context_weight: float = 0.7,
        support_weight: float = 0.15,
        clauses: bool = True,
        drop_boilerplate: bool = True,
        ranker: RankerModel | None = None,
        sections: bool = False,
        acronyms: str = "dense",
        titles: bool = False,
        narrow_evidence: bool = False,
        statement: StatementModel | None = None,
        document_model: RankerModel | None = None,
        decision_threshold: float | None = None,
    ) -> None:
        self.threshold = threshold
        self.top_k = top_k
        self.candidates = candidates
        self.max_per_segment = max_per_segment
        self.lexical_bonus = lexical_bonus
        self.context_weight = context_weight
        self.support_weight = support_weight
        self.clauses = clauses
        self.drop_boilerplate = drop_boilerplate
        self.ranker = ranker
        self.sections = sections
        self.acronyms = acronyms
        self.titles = titles
        self.narrow_evidence = narrow_evidence
        self.statement = statement
        self.document_model = document_model
        self.decision_threshold = decision_threshold

    @property
    def document_threshold(self) -> float | None:
        """The probability a linked skill needs (the document model's), or None when
        thresholded linking keys on the raw score (no document model)."""
        if self.document_model is None:
            return None
        if self.decision_threshold is not None:
            return self.decision_threshold
        return float(self.document_model.meta.get("threshold", 0.5))

    def fit(
        self, store: TaxonomyStore, embedder: Embedder, indexes: dict[str, FaissIndex],
        *, directories: Mapping[str, Path] | Path | None = None,
    ) -> SkillLinker:
        """Load what linking needs: label owners, the lexicon and the skill rows.

        ``directories``: the skill index folder of each taxonomy (or the folder holding
        them, ``skills-<name>`` each): what :mod:`.derived` tables the index build saved
        there are loaded instead of recomputed from the database (which is what happens
        without ``directories``, or with a warning when they are missing or stale).

        With several taxonomies this linker only routes: each taxonomy gets a linker of
        its own (:meth:`part`, fitted on first use), so scores of different taxonomies
        are never compared (see :meth:`rank`)."""
        fitting.fit(self, store, embedder, indexes, directories)
        return self

    # ------------------------------------------------------------------ API
    def link(self, texts: Sequence[str], threshold: float | None = None,
             taxonomies: Sequence[str] | None = None) -> list[LinkResult]:
        """Skills above the threshold in each text, best first; with several taxonomies,
        one group per taxonomy, each with its own threshold semantics (see :meth:`rank`)."""
        return search.run(
            self,
            texts,
            keep=decision.keeper(self, threshold),
            cap=self.max_per_segment,
            depth=self.candidates,
            taxonomies=taxonomies,
        )

    def prepare(self, texts: Sequence[str], documents: bool = True) -> Prepared:
        """Segment and embed ``texts``: every embedding :meth:`link_documents` needs, or
        with ``documents=False`` only the segments (what :meth:`link` and :meth:`rank` need).
        """
        return search.prepare(self, texts, documents)

    def link_documents(
        self, texts: Sequence[str], threshold: float | None = None,
        prepared: Prepared | None = None, taxonomies: Sequence[str] | None = None,
    ) -> tuple[list[LinkResult], np.ndarray]:
        """:meth:`link`, plus one unit vector per text: the mean of its sentence vectors.

        The import pipeline indexes records by that vector, so a record's text is
        embedded once, sentence by sentence, for linking and indexing alike.
        """
        doc_vectors: list[np.ndarray] = []
        results = search.run(
            self,
            texts,
            keep=decision.keeper(self, threshold),
            cap=self.max_per_segment,
            depth=self.candidates,
            sink=doc_vectors,
            prepared=prepared,
            taxonomies=taxonomies,
        )
        return results, np.stack(doc_vectors) if doc_vectors else np.empty(
            (0, self.embedder_.dimension), dtype=np.float32)

    def candidate_table(self, texts: Sequence[str], depth: int | None = None
                   ) -> list[tuple[list[str], np.ndarray]]:
        """Per text: the codes of its candidate skills and their ranker features (what
        :func:`~.ranker.fit_ranker` learns from); the raw linker, whatever the ranker."""
        raw = copy.copy(self)  # this linker is shared by threads: never changed in a read
        raw.ranker = None
        out: list[tuple[list[str], np.ndarray]] = []
        search.run(raw, texts, keep=lambda ranked: ranked, cap=None,
                   depth=depth or max(self.candidates, 2 * self.top_k), collect=out)
        return out

    def document_table(self, texts: Sequence[str]) -> list[DocumentCandidates]:
        """Per text: every candidate thresholded linking weighs (codes, evidence spans)
        and its document features: what :mod:`~..evaluation.document_fit` learns from."""
        out: list[DocumentCandidates] = []
        search.run(self, texts, keep=lambda ranked: ranked, cap=self.max_per_segment,
                   depth=self.candidates, documents=out)
        return out

    def rank(self, texts: Sequence[str], k: int | None = None,
             taxonomies: Sequence[str] | None = None,
             prepared: Prepared | None = None) -> list[LinkResult]:
        """The ``k`` best skills of each text, whatever their score.

        Scores of different taxonomies are not comparable (ESCO's are the ranker's
        calibrated probabilities, the others' raw cosines), so each taxonomy is ranked on
        its own: the result lists one group per taxonomy, each with its own ``k`` best,
        in the order of ``taxonomies`` (default: every taxonomy of this linker, the
        primary first, see :func:`taxonomy_order`); ``LinkResult.taxonomies`` names
        the groups and every skill its taxonomy."""
        top = self.top_k if k is None else k
        # labels of one skill crowd the nearest entries: fetch enough for k distinct skills
        depth = max(self.candidates, 2 * top)
        return search.run(self, texts, keep=lambda ranked: ranked[:top], cap=None,
                          depth=depth, by_probability=True, taxonomies=taxonomies,
                          prepared=prepared)

    def document_vectors(self, prepared: Prepared) -> np.ndarray:
        """The unit vector per text that :meth:`link_documents` gives (the mean of its
        sentence vectors), from texts prepared for documents (:meth:`prepare`), without
        linking them."""
        return search.document_vectors(prepared, self.embedder_.dimension)

    def candidate_features(self, text: str, segs: list[Segment], vectors: np.ndarray,
                           best: dict[int, scoring.Best],
                           features: tuple[str, ...] | None = None
                           ) -> tuple[list[int], np.ndarray]:
        """The ranker's feature matrix for the candidates of one text."""
        return decision.candidate_features(self, text, segs, vectors, best, features)

    def document_features(self, text: str, segs: list[Segment], vectors: np.ndarray,
                          best: dict[int, scoring.Best]) -> tuple[list[int], np.ndarray]:
        """The document model's features for the candidates of one text: the ranker's,
        plus how the document supports each (see :mod:`.document`)."""
        return decision.document_features(self, text, segs, vectors, best)

    # ------------------------------------------------------------ taxonomies
    def selection(self, taxonomies: Sequence[str] | None = None) -> list[str]:
        """The taxonomies a call links against, in group order: the named ones, or all
        of this linker's, the primary first. A name it was not fitted on is an error."""
        return groups.selection(self, taxonomies)

    def part(self, name: str) -> SkillLinker:
        """The linker of one taxonomy alone (fitted on first use, then kept), with this
        linker's current settings; this linker itself when it has only that one."""
        return groups.part(self, name)

    def subset(self, taxonomies: Sequence[str] | None = None) -> SkillLinker:
        """This linker restricted to ``taxonomies`` (default: all of them): the part of
        one taxonomy, or a linker grouping several that shares the fitted parts."""
        return groups.subset(self, taxonomies)
