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
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..embeddings.base import Embedder
from ..errors import ArtifactError, InputError
from ..index.catalog import DESC_OFFSET
from ..index.faiss_index import FaissIndex
from ..records import Evidence, LinkedSkill, LinkResult
from ..storage.taxonomy_store import SkillRow, TaxonomyStore
from . import derived
from .derived import SkillChain, TaxonomyTables
from .document import (
    DOC_FEATURES,
    MIN_DOCUMENT_SENTENCES,
    DocumentCandidates,
    OccupationMention,
    StatementModel,
    document_rows,
    logit,
    narrow_span,
)
from .lexicon import LexicalHit
from .ranker import FEATURES, REUSE, RankerModel, feature_rows
from .segment import Segment, segment

log = logging.getLogger(__name__)

CLAUSE_PREFERENCE = 0.02  # a clause wins the evidence over its sentence within this margin
_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*")


@dataclass
class _Best:
    score: float
    pref: float  # score plus the preference for narrow evidence
    start: int
    end: int
    sources: set[str] = field(default_factory=set)
    sentences: dict[int, float] = field(default_factory=dict)  # best score per sentence
    dense: float = -1.0  # best segment score before lexical bonus and support
    probability: float | None = None  # the ranker's calibrated probability
    raw: float | None = None  # the linker's own score, when ranked by probability
    decision: float | None = None  # the document model's calibrated probability
    acronym: bool = False  # found only through an acronym alias
    lexical: bool = False  # the evidence is a label's occurrence


@dataclass
class Prepared:
    """Texts segmented and embedded (:meth:`SkillLinker.prepare`), ready to link. The
    embedding is the costly half: a pipeline prepares one batch while linking another."""

    texts: list[str]
    segments: list[list[Segment]]
    vectors: np.ndarray  # one row per segment, in order
    fallback: dict[int, np.ndarray]  # text position -> vector of texts with no sentence


_PARTS_LOCK = threading.RLock()


class SkillLinker:
    """Links skills in texts; construct with settings, then :meth:`fit`."""

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
        names = sorted(indexes)
        heads = store.versions(names)
        for name in set(names) - heads.keys():
            store.get(name)  # raises NotFoundError naming the loaded ones
        self.order_ = _group_order(names, {n: h[0] for n, h in heads.items()})
        self.parts_: dict[str, SkillLinker] = {}
        self.views_: dict[tuple[str, ...], SkillLinker] = {}
        if isinstance(directories, Path):
            directories = {n: directories / f"skills-{n}" for n in names}
        self.directories_: dict[str, Path] = dict(directories or {})
        if not isinstance(getattr(self, "tables_", None), dict):
            self.tables_: dict[tuple[str, str, Path | None], TaxonomyTables] = {}
        tables = {n: self._tables(store, n, heads[n][2]) for n in names}
        self.embedder_, self.indexes_ = embedder, indexes
        self.taxonomies_ = {n: heads[n][1] for n in names}
        self.store_, self.names_ = store, names
        if len(names) > 1:
            self.skills_: Mapping[int, SkillRow] = SkillChain([t.skills for t in
                                                               tables.values()])
            return self
        (name, fitted), = tables.items()
        self.fitted_ = fitted
        self.entry_ids_, self.entry_owners_ = fitted.entries
        self.lexicon_ = fitted.lexicon
        self.skills_ = fitted.skills
        refuse_stale(name, indexes[name], self.entry_ids_, self.skills_)
        if self.ranker is not None or self.document_model is not None:
            self._fit_features(store, names)
        self._fit_document(store, names)
        return self

    def _tables(self, store: TaxonomyStore, name: str, imported_at: str) -> TaxonomyTables:
        """The derived tables of one taxonomy, loaded or computed once per linker and
        the parts and views made from it."""
        directory = self.directories_.get(name)
        key = (name, imported_at, directory)
        found = self.tables_.get(key)
        if found is None:
            found = self.tables_[key] = derived.tables(store, name, imported_at, directory)
        return found

    def _fit_document(self, store: TaxonomyStore, names: list[str]) -> None:
        """Document rules: acronym aliases leave dense retrieval (their entries own no
        skill there) and are scored against their skill's preferred label; occupation
        titles, to recognise a title line that names a job."""
        fitted = self.fitted_
        self.acronym_labels_ = fitted.acronyms
        self.preferred_label_ = fitted.preferred
        self.label_stems_ = fitted.label_stems
        if self.acronyms == "lexical" and self.acronym_labels_:
            pos = np.searchsorted(self.entry_ids_, np.array(sorted(self.acronym_labels_)))
            pos = pos[pos < len(self.entry_ids_)]
            hit = self.entry_ids_[pos]
            self.entry_owners_ = np.array(self.entry_owners_)  # a copy: it may be mapped
            self.entry_owners_[pos[np.isin(hit, list(self.acronym_labels_))]] = -1
        self.titles_ = fitted.titles if self.titles else None

    def _fit_features(self, store: TaxonomyStore, names: list[str]) -> None:
        """What the ranker's features need: BM25 over labels, the preferred-label and
        description vectors of every skill, and the hierarchy."""
        fitted = self.fitted_
        self.bm25_ = fitted.bm25
        self.parents_ = fitted.parents
        owners = sorted(self.skills_)
        saved = fitted.vectors
        if saved is not None and len(saved[0]) == len(owners):
            ids, self.pref_vectors_, self.desc_vectors_ = saved
            self.feature_row_ = dict(zip(ids.tolist(), range(len(ids))))
            return
        preferred = fitted.preferred
        self.feature_row_ = {sid: i for i, sid in enumerate(owners)}
        dim = self.embedder_.dimension
        self.pref_vectors_ = np.zeros((len(owners), dim), dtype=np.float32)
        self.desc_vectors_ = np.zeros((len(owners), dim), dtype=np.float32)
        for taxonomy, index in self.indexes_.items():
            for target, entry_of in ((self.pref_vectors_, preferred.get),
                                     (self.desc_vectors_, lambda sid: DESC_OFFSET + sid)):
                pairs = [(i, entry) for sid, i in self.feature_row_.items()
                         if self.skills_[sid].taxonomy == taxonomy
                         and (entry := entry_of(sid)) is not None and entry in index]
                if pairs:
                    rows, entries = zip(*pairs)
                    target[list(rows)] = index.vectors(np.array(entries))

    # ------------------------------------------------------------------ API
    def link(self, texts: Sequence[str], threshold: float | None = None,
             taxonomies: Sequence[str] | None = None) -> list[LinkResult]:
        """Skills above the threshold in each text, best first; with several taxonomies,
        one group per taxonomy, each with its own threshold semantics (see :meth:`rank`)."""
        return self._run(
            texts,
            keep=self._keeper(threshold),
            cap=self.max_per_segment,
            depth=self.candidates,
            taxonomies=taxonomies,
        )

    def _keeper(self, threshold: float | None) -> Callable[[list[LinkedSkill]],
                                                            list[LinkedSkill]]:
        decision = self.document_threshold
        if decision is not None and self.document_model is not None:
            # keep or drop on the document model's probability, for the taxonomy it was
            # fitted for and texts long enough to be documents; the rest keep their
            # raw-score threshold
            cut = decision if threshold is None else threshold
            raw_cut = self.threshold

            def keep(ranked: list[LinkedSkill]) -> list[LinkedSkill]:
                decided = [s for s in ranked if s.decided]
                others = [s for s in ranked if not s.decided]
                return (sorted((s for s in decided if (s.probability or 0.0) >= cut),
                               key=lambda s: (-(s.probability or 0.0), s.label))
                        + [s for s in others if s.score >= raw_cut])
            return keep
        cut = self.threshold if threshold is None else threshold
        return lambda ranked: [s for s in ranked if s.score >= cut]

    def prepare(self, texts: Sequence[str], documents: bool = True) -> Prepared:
        """Segment and embed ``texts``: every embedding :meth:`link_documents` needs, or
        with ``documents=False`` only the segments (what :meth:`link` and :meth:`rank` need).
        """
        segments = [
            segment(t, clauses=self.clauses, drop_boilerplate=self.drop_boilerplate,
                    sections=self.sections)
            for t in texts
        ]
        flat = [s.text for segs in segments for s in segs]
        bare = [i for i, segs in enumerate(segments)
                if documents and all(s.is_clause for s in segs)]
        wanted = flat + [texts[i] or " " for i in bare]
        vectors = (self.embedder_.embed(wanted) if wanted
                   else np.empty((0, self.embedder_.dimension), dtype=np.float32))
        return Prepared(list(texts), segments, vectors[: len(flat)],
                        dict(zip(bare, vectors[len(flat):])))

    def link_documents(
        self, texts: Sequence[str], threshold: float | None = None,
        prepared: Prepared | None = None, taxonomies: Sequence[str] | None = None,
    ) -> tuple[list[LinkResult], np.ndarray]:
        """:meth:`link`, plus one unit vector per text: the mean of its sentence vectors.

        The import pipeline indexes records by that vector, so a record's text is
        embedded once, sentence by sentence, for linking and indexing alike.
        """
        doc_vectors: list[np.ndarray] = []
        results = self._run(
            texts,
            keep=self._keeper(threshold),
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
        raw._run(texts, keep=lambda ranked: ranked, cap=None,
                 depth=depth or max(self.candidates, 2 * self.top_k), collect=out)
        return out

    def document_table(self, texts: Sequence[str]) -> list[DocumentCandidates]:
        """Per text: every candidate thresholded linking weighs (codes, evidence spans)
        and its document features: what :mod:`~..evaluation.document_fit` learns from."""
        out: list[DocumentCandidates] = []
        self._run(texts, keep=lambda ranked: ranked, cap=self.max_per_segment,
                  depth=self.candidates, documents=out)
        return out

    def rank(self, texts: Sequence[str], k: int | None = None,
             taxonomies: Sequence[str] | None = None) -> list[LinkResult]:
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
        return self._run(texts, keep=lambda ranked: ranked[:top], cap=None, depth=depth,
                         by_probability=True, taxonomies=taxonomies)

    # ------------------------------------------------------------ taxonomies
    def selection(self, taxonomies: Sequence[str] | None = None) -> list[str]:
        """The taxonomies a call links against, in group order: the named ones, or all
        of this linker's, the primary first. A name it was not fitted on is an error."""
        if not taxonomies:
            return list(self.order_)
        out: list[str] = []
        for name in taxonomies:
            if name not in self.indexes_:
                raise InputError(f"unknown taxonomy {name!r} (linkable: "
                                 f"{', '.join(self.order_)})", field="taxonomy")
            if name not in out:
                out.append(name)
        return out

    def part(self, name: str) -> SkillLinker:
        """The linker of one taxonomy alone (fitted on first use, then kept), with this
        linker's current settings; this linker itself when it has only that one."""
        if len(self.names_) == 1:
            self.selection([name])
            return self
        with _PARTS_LOCK:  # threads share this linker: one fit per part
            part = self.parts_.get(name)
            if part is None:
                self.selection([name])
                part = copy.copy(self)  # the settings, whatever __init__ takes
                part.fit(self.store_, self.embedder_, {name: self.indexes_[name]},
                         directories=self.directories_)
                self.parts_[name] = part
            elif any(getattr(part, k) is not v for k, v in self._settings().items()):
                # settings changed since (e.g. a ranker assigned): a new part follows them
                part = copy.copy(part)
                vars(part).update(self._settings())
                self.parts_[name] = part
            return part

    def _settings(self) -> dict[str, Any]:
        """The parameters of this linker (what its constructor stored)."""
        return {k: v for k, v in vars(self).items()
                if not k.startswith("_") and not k.endswith("_")}

    def subset(self, taxonomies: Sequence[str] | None = None) -> SkillLinker:
        """This linker restricted to ``taxonomies`` (default: all of them): the part of
        one taxonomy, or a linker grouping several that shares the fitted parts."""
        names = self.selection(taxonomies)
        if len(names) == 1:
            return self.part(names[0])
        if names == self.order_:
            return self
        view = self.views_.get(tuple(names))
        if view is None:
            view = copy.copy(self)
            view.order_, view.names_ = names, sorted(names)
            view.indexes_ = {n: self.indexes_[n] for n in names}
            view.skills_ = {i: s for i, s in self.skills_.items() if s.taxonomy in names}
            view.taxonomies_ = {n: v for n, v in self.taxonomies_.items() if n in names}
            view.views_ = {}
            self.views_[tuple(names)] = view  # parts_ is shared: each taxonomy fitted once
        return view

    # -------------------------------------------------------------- internals
    def _run(
        self,
        texts: Sequence[str],
        keep: Callable[[list[LinkedSkill]], list[LinkedSkill]],
        cap: int | None,
        depth: int,
        sink: list[np.ndarray] | None = None,
        prepared: Prepared | None = None,
        collect: list[tuple[list[str], np.ndarray]] | None = None,
        by_probability: bool = False,
        documents: list[DocumentCandidates] | None = None,
        taxonomies: Sequence[str] | None = None,
    ) -> list[LinkResult]:
        names = self.selection(taxonomies)
        if len(self.names_) > 1:
            return self._run_groups(names, texts, keep, cap, depth, sink, prepared, collect,
                                    by_probability, documents)
        if prepared is None:
            prepared = self.prepare(texts, documents=sink is not None)
        elif prepared.texts != list(texts):
            raise ValueError("prepared for other texts")
        segments, vectors = prepared.segments, prepared.vectors
        # retrieve once per distinct segment text (postings repeat many sentences)
        first: dict[str, int] = {}
        rows = [first.setdefault(s.text, i)
                for i, s in enumerate(s for segs in segments for s in segs)]
        unique = sorted(set(rows))
        retrieved = self._dense(vectors[unique], depth) if unique else []
        by_row = dict(zip(unique, retrieved))
        dense = [by_row[r] for r in rows]
        results = []
        offset = 0
        for pos, (text, segs) in enumerate(zip(texts, segments)):
            seg_vectors = vectors[offset : offset + len(segs)]
            seg_dense = dense[offset : offset + len(segs)]
            offset += len(segs)
            if sink is not None:
                sink.append(self._document_vector(segs, seg_vectors, prepared.fallback.get(pos)))
            found: list[OccupationMention] = []
            best = self._score_text(text, segs, seg_vectors, seg_dense, cap, by_probability,
                                    found)
            if collect is not None:
                owners, x = self.candidate_features(text, segs, seg_vectors, best)
                collect.append(([self.skills_[o].code for o in owners], x))
            if documents is not None:
                owners, x = self.document_features(text, segs, seg_vectors, best)
                documents.append(DocumentCandidates(
                    [self.skills_[o].code for o in owners],
                    [(best[o].start, best[o].end) for o in owners], x))
            ranked = sorted(
                (self._linked(text, sid, b) for sid, b in best.items()),
                key=lambda s: (-s.score, s.label),
            )
            results.append(LinkResult(text=text, skills=keep(ranked),
                                      occupations=[o.to_dict() for o in found]))
        return results

    def _run_groups(
        self,
        names: list[str],
        texts: Sequence[str],
        keep: Callable[[list[LinkedSkill]], list[LinkedSkill]],
        cap: int | None,
        depth: int,
        sink: list[np.ndarray] | None,
        prepared: Prepared | None,
        collect: list[tuple[list[str], np.ndarray]] | None,
        by_probability: bool,
        documents: list[DocumentCandidates] | None,
    ) -> list[LinkResult]:
        """:meth:`_run` once per taxonomy, on its own linker (the texts embedded once);
        the results concatenated group after group, in the order of ``names``."""
        if prepared is None:
            prepared = self.prepare(texts, documents=sink is not None)
        merged = [LinkResult(text=t, skills=[], taxonomies=list(names)) for t in texts]
        tables: list[list[tuple[list[str], np.ndarray]]] = []
        docs: list[list[DocumentCandidates]] = []
        for n, name in enumerate(names):
            table: list[tuple[list[str], np.ndarray]] = []
            found: list[DocumentCandidates] = []
            results = self.part(name)._run(
                texts, keep, cap, depth, sink=sink if n == 0 else None, prepared=prepared,
                collect=table if collect is not None else None,
                by_probability=by_probability,
                documents=found if documents is not None else None)
            for out, r in zip(merged, results):
                out.skills.extend(r.skills)
                out.occupations.extend(r.occupations)
            tables.append(table)
            docs.append(found)
        if collect is not None:
            for rows in zip(*tables):
                collect.append(([c for codes, _ in rows for c in codes],
                                np.concatenate([x for _, x in rows])))
        if documents is not None:
            for cands in zip(*docs):
                documents.append(DocumentCandidates(
                    [c for d in cands for c in d.codes], [s for d in cands for s in d.spans],
                    np.concatenate([d.features for d in cands])))
        return merged

    def _document_vector(
        self, segs: list[Segment], vectors: np.ndarray, fallback: np.ndarray | None
    ) -> np.ndarray:
        rows = [i for i, s in enumerate(segs) if not s.is_clause]
        if rows:
            mean = vectors[rows].mean(axis=0)
        else:  # nothing but boilerplate or empty: the raw text's own vector
            assert fallback is not None
            mean = fallback
        norm = float(np.linalg.norm(mean))
        return (mean / norm if norm > 0 else mean).astype(np.float32)

    def _dense(self, vectors: np.ndarray, depth: int) -> list[dict[int, float]]:
        """Per segment: skill row id -> best cosine among the retrieved entries."""
        out: list[dict[int, float]] = [{} for _ in range(len(vectors))]
        if not len(vectors):
            return out
        for index in self.indexes_.values():
            scores, ids = index.search(vectors, depth)
            owners = self._owners(ids)
            for row in range(len(vectors)):
                acc = out[row]
                for score, owner in zip(scores[row].tolist(), owners[row].tolist()):
                    if owner >= 0 and score > acc.get(owner, -2.0):
                        acc[owner] = score
        return out

    def _owners(self, ids: np.ndarray) -> np.ndarray:
        owners = np.full(ids.shape, -1, dtype=np.int64)
        desc = ids >= DESC_OFFSET
        owners[desc] = ids[desc] - DESC_OFFSET
        lab = (ids >= 0) & ~desc
        if lab.any() and len(self.entry_ids_):
            pos = np.searchsorted(self.entry_ids_, ids[lab])
            pos = np.minimum(pos, len(self.entry_ids_) - 1)
            found = self.entry_ids_[pos] == ids[lab]
            owners[lab] = np.where(found, self.entry_owners_[pos], -1)
        return owners

    def _score_text(
        self,
        text: str,
        segs: list[Segment],
        vectors: np.ndarray,
        dense: list[dict[int, float]],
        cap: int | None,
        by_probability: bool = False,
        occupations: list[OccupationMention] | None = None,
    ) -> dict[int, _Best]:
        hits_by_seg = self._lexical(text, segs)
        best: dict[int, _Best] = {}
        context: dict[int, float] = {}
        floor = 0.0
        for i, seg in enumerate(segs):
            if seg.kind == "title" and self.titles_ is not None:
                named = self.titles_.match(seg.text)
                if named is not None:  # a job title: its occupation, not a skill
                    if occupations is not None:
                        occupations.append(OccupationMention(*named, seg.start, seg.end))
                    continue
            if not seg.is_clause:
                context = dense[i]
                floor = min(context.values(), default=0.0)
            # when thresholding, a one-word segment ("Basic") is too little text to
            # link by meaning alone: only its lexical matches count
            one_word = cap is not None and not _WORDS.findall(seg.text)[1:]
            # a title names a job or a course: it links by its words, never by meaning
            # ("Medical Assistant" is not "assist in veterinary procedures")
            scores = {} if one_word or seg.kind == "title" else dict(dense[i])
            lexical: dict[int, LexicalHit] = {}
            for hit in hits_by_seg.get(i, []):
                if hit.owner not in scores:
                    scores[hit.owner] = self._cosine(vectors[i], hit)
                if hit.owner not in lexical or hit.kind == "preferred":
                    lexical[hit.owner] = hit
            boosted = {}
            plain = {}
            w = self.context_weight if seg.is_clause else 0.0
            for owner, score in scores.items():
                # a clause is read in the context of its sentence
                score = (1 - w) * score + w * context.get(owner, floor)
                plain[owner] = score
                match = lexical.get(owner)
                if match is not None:
                    bonus = self.lexical_bonus / (2 if match.kind == "hidden" else 1)
                    score = min(1.0, score + bonus)
                boosted[owner] = score
            chosen = sorted(boosted.items(), key=lambda kv: -kv[1])
            if cap is not None:
                chosen = chosen[:cap]
            for owner, score in chosen:
                used = lexical.get(owner)
                start, end = (used.start, used.end) if used else (seg.start, seg.end)
                narrow = seg.is_clause or used is not None
                pref = score + (CLAUSE_PREFERENCE if narrow else 0.0)
                cur = best.get(owner)
                if cur is None:
                    cur = best[owner] = _Best(score, pref, start, end)
                    cur.dense = plain[owner]
                    cur.lexical = used is not None
                else:
                    cur.dense = max(cur.dense, plain[owner])
                    cur.score = max(cur.score, score)
                    if pref > cur.pref:
                        cur.pref, cur.start, cur.end = pref, start, end
                        cur.lexical = used is not None
                cur.sentences[seg.sentence] = max(cur.sentences.get(seg.sentence, -1.0), score)
                cur.sources.add("dense")
                if used:
                    cur.sources.add("exact" if used.kind == "preferred" else "alias")
                    if used.entry in self.acronym_labels_:
                        cur.acronym = True
        if self.narrow_evidence:
            for owner, cur in best.items():
                if not cur.lexical:
                    cur.start, cur.end = narrow_span(text, cur.start, cur.end,
                                                     self.label_stems_.get(owner, frozenset()))
        if self.support_weight:
            for cur in best.values():
                ranked = sorted(cur.sentences.values(), reverse=True)
                if len(ranked) > 1:
                    cur.score = min(1.0, cur.score + self.support_weight * max(ranked[1], 0.0))
        if self.ranker is not None and best:
            self._calibrate(text, segs, vectors, best, by_probability)
        if (self.document_model is not None and best and not by_probability
                and len({g.sentence for g in segs}) >= MIN_DOCUMENT_SENTENCES):
            self._decide(text, segs, vectors, best)
        return best

    def document_features(self, text: str, segs: list[Segment], vectors: np.ndarray,
                          best: dict[int, _Best]) -> tuple[list[int], np.ndarray]:
        """The document model's features for the candidates of one text: the ranker's,
        plus how the document supports each (see :mod:`.document`)."""
        owners, base = self.candidate_features(text, segs, vectors, best, FEATURES)
        n_sentences = len({s.sentence for s in segs})
        title_words = set(_WORDS.findall(text.split("\n", 1)[0].lower()))
        statement: dict[int, float] = {}
        if self.statement is not None:
            whole = [i for i, s in enumerate(segs) if not s.is_clause]
            if whole:
                for i, v in zip(whole, self.statement.logits(vectors[whole]).tolist()):
                    statement[segs[i].sentence] = v
        extras = []
        for o in owners:
            b = best[o]
            evidence = text[b.start : b.end]
            words = _WORDS.findall(evidence)
            label_words = set(_WORDS.findall(self.skills_[o].label.lower()))
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

    def _decide(self, text: str, segs: list[Segment], vectors: np.ndarray,
                best: dict[int, _Best]) -> None:
        """Every candidate's calibrated document probability (its keep-or-drop score)."""
        assert self.document_model is not None
        fitted_for = self.document_model.meta.get("taxonomy_name")
        if fitted_for:
            best = {o: b for o, b in best.items() if self.skills_[o].taxonomy == fitted_for}
            if not best:
                return
        owners, x = self.document_features(text, segs, vectors, best)
        cols = [DOC_FEATURES.index(f) for f in self.document_model.features]
        for owner, p in zip(owners, self.document_model.predict(x[:, cols]).tolist()):
            best[owner].decision = p

    def candidate_features(self, text: str, segs: list[Segment], vectors: np.ndarray,
                           best: dict[int, _Best], features: tuple[str, ...] | None = None
                           ) -> tuple[list[int], np.ndarray]:
        """The ranker's feature matrix for the candidates of one text."""
        if not hasattr(self, "bm25_"):
            self._fit_features(self.store_, self.names_)
        owners = list(best)
        if not owners or not len(vectors):
            return [], feature_rows([], features or FEATURES)
        rows = [self.feature_row_[o] for o in owners]
        whole = [i for i, s in enumerate(segs) if not s.is_clause] or list(range(len(segs)))
        seg_vecs = vectors[whole]
        label_cos = (seg_vecs @ self.pref_vectors_[rows].T).max(axis=0)
        desc_cos = (seg_vecs @ self.desc_vectors_[rows].T).max(axis=0)
        bm25 = self.bm25_.scores(text, owners)
        by_parent: dict[str, list[float]] = {}
        for o in owners:
            for p in self.parents_.get(o, ()):
                by_parent.setdefault(p, []).append(best[o].score)
        cands = []
        for j, o in enumerate(owners):
            b, row = best[o], self.skills_[o]
            support = sorted(b.sentences.values(), reverse=True)
            sibling = 0.0
            for p in self.parents_.get(o, ()):
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
            features = self.ranker.features if self.ranker else FEATURES
        return owners, feature_rows(cands, features)

    def _calibrate(self, text: str, segs: list[Segment], vectors: np.ndarray,
                   best: dict[int, _Best], by_probability: bool) -> None:
        assert self.ranker is not None
        fitted_for = self.ranker.meta.get("taxonomy_name")
        if fitted_for:  # other taxonomies (no reuse levels, no hierarchy) keep raw scores
            best = {o: b for o, b in best.items() if self.skills_[o].taxonomy == fitted_for}
            if not best:
                return
        owners, x = self.candidate_features(text, segs, vectors, best)
        for owner, p in zip(owners, self.ranker.predict(x).tolist()):
            b = best[owner]
            b.probability = p
            if by_probability:
                b.raw, b.score = b.score, p

    def _lexical(self, text: str, segs: list[Segment]) -> dict[int, list[LexicalHit]]:
        """Lexical hits, each given to the smallest segment that contains it."""
        out: dict[int, list[LexicalHit]] = {}
        if not segs:
            return out
        for hit in self.lexicon_.find(text):
            if hit.owner not in self.skills_:
                continue
            if (self.acronyms == "lexical" and hit.entry in self.acronym_labels_
                    and not text[hit.start : hit.end].isupper()):
                continue  # "cna" or "Act" in running text is not the acronym
            inside = [i for i, s in enumerate(segs) if s.start <= hit.start and hit.end <= s.end]
            if inside:
                smallest = min(inside, key=lambda i: segs[i].end - segs[i].start)
                out.setdefault(smallest, []).append(hit)
        return out

    def _cosine(self, vector: np.ndarray, hit: LexicalHit) -> float:
        taxonomy = self.skills_[hit.owner].taxonomy
        index = self.indexes_.get(taxonomy)
        entry = hit.entry
        if self.acronyms == "lexical" and entry in self.acronym_labels_:
            # an acronym's own vector means little: score against the preferred label
            entry = self.preferred_label_.get(hit.owner, entry)
        if index is None or entry not in index:
            return 0.0
        return float(index.vectors(np.array([entry]))[0] @ vector)

    def _linked(self, text: str, skill_id: int, best: _Best) -> LinkedSkill:
        row = self.skills_[skill_id]
        return LinkedSkill(
            id=row.code,
            label=row.label,
            taxonomy=row.taxonomy,
            score=float(best.score),
            evidence=Evidence(best.start, best.end, text[best.start : best.end]),
            sources=tuple(sorted(best.sources)),
            row_id=skill_id,
            similarity=best.raw,
            probability=best.decision if best.decision is not None else best.probability,
            decided=best.decision is not None,
        )


def refuse_stale(name: str, index: FaissIndex, label_ids: np.ndarray,
                 skill_ids: Iterable[int]) -> None:
    """Refuse a skill index that holds a label or skill the taxonomy no longer has (one
    built before the taxonomy was replaced): its entries would link to nothing or to
    the wrong skill. An index that only lacks new labels is used as it is."""
    held = np.fromiter(index.pos_, dtype=np.int64, count=len(index.pos_))
    labels, owners = held[held < DESC_OFFSET], held[held >= DESC_OFFSET] - DESC_OFFSET
    gone = (_unknown(labels, np.asarray(label_ids, dtype=np.int64))
            + _unknown(owners, np.fromiter(skill_ids, dtype=np.int64)))
    if gone:
        raise ArtifactError(
            f"the skill index of taxonomy {name!r} is stale: {gone} of its entries name "
            "labels or skills no longer in the taxonomy (it was built before the taxonomy "
            "was replaced); rebuild it with `skillmatch index build --force`")


def _unknown(ids: np.ndarray, known: np.ndarray) -> int:
    """How many of ``ids`` (distinct) are not in ``known``: a binary search each in the
    sorted ``known`` (label and skill ids come sorted; no hashing of ``ids``)."""
    if not len(ids):
        return 0
    if not len(known):
        return len(ids)
    if (known[1:] < known[:-1]).any():
        known = np.sort(known)
    pos = np.minimum(np.searchsorted(known, ids), len(known) - 1)
    return int((known[pos] != ids).sum())


TAXONOMY_KINDS = ("esco", "custom", "onet")  # group order by kind: the primary first


def taxonomy_order(store: TaxonomyStore, names: Sequence[str]) -> list[str]:
    """``names`` in group order: ESCO (the primary taxonomy, the one the ranker is
    fitted for), then custom taxonomies, then O*NET technologies; by name within a kind."""
    return _group_order(names, {n: h[0] for n, h in store.versions().items()})


def _group_order(names: Sequence[str], kinds: Mapping[str, str]) -> list[str]:
    def key(name: str) -> tuple[int, str]:
        kind = kinds.get(name, "custom")
        return (TAXONOMY_KINDS.index(kind) if kind in TAXONOMY_KINDS else 1, name)

    return sorted(names, key=key)
