"""Linking a batch of texts: what every :class:`~.linker.SkillLinker` call runs.

Texts are segmented and embedded once (:func:`prepare`); each distinct segment text is
retrieved once; every text's candidates are scored (:mod:`.scoring`), given the models'
probabilities (:mod:`.decision`), ranked and kept by the call's rule. A linker of
several taxonomies runs its part of each taxonomy in turn on the same embeddings and
returns the groups one after the other (:func:`run_groups`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..records import LinkedSkill, LinkResult
from .decision import candidate_features, document_features, probabilities
from .document import DocumentCandidates, OccupationMention
from .groups import part, selection
from .scoring import dense, linked, score_text
from .segment import Segment, segment

if TYPE_CHECKING:
    from .linker import SkillLinker

Keep = Callable[[list[LinkedSkill]], list[LinkedSkill]]
Table = list[tuple[list[str], np.ndarray]]  # per text: candidate codes, their features


@dataclass
class Prepared:
    """Texts segmented and embedded (:meth:`SkillLinker.prepare`), ready to link. The
    embedding is the costly half: a pipeline prepares one batch while linking another."""

    texts: list[str]
    segments: list[list[Segment]]
    vectors: np.ndarray  # one row per segment, in order
    fallback: dict[int, np.ndarray]  # text position -> vector of texts with no sentence


def prepare(linker: SkillLinker, texts: Sequence[str], documents: bool = True) -> Prepared:
    """See :meth:`~.linker.SkillLinker.prepare`."""
    segments = [
        segment(t, clauses=linker.clauses, drop_boilerplate=linker.drop_boilerplate,
                sections=linker.sections)
        for t in texts
    ]
    flat = [s.text for segs in segments for s in segs]
    bare = [i for i, segs in enumerate(segments)
            if documents and all(s.is_clause for s in segs)]
    wanted = flat + [texts[i] or " " for i in bare]
    vectors = (linker.embedder_.embed(wanted) if wanted
               else np.empty((0, linker.embedder_.dimension), dtype=np.float32))
    return Prepared(list(texts), segments, vectors[: len(flat)],
                    dict(zip(bare, vectors[len(flat):])))


def run(
    linker: SkillLinker,
    texts: Sequence[str],
    keep: Keep,
    cap: int | None,
    depth: int,
    sink: list[np.ndarray] | None = None,
    prepared: Prepared | None = None,
    collect: Table | None = None,
    by_probability: bool = False,
    documents: list[DocumentCandidates] | None = None,
    taxonomies: Sequence[str] | None = None,
) -> list[LinkResult]:
    """Link ``texts``: per text, the skills ``keep`` keeps of its candidates ranked
    (``cap``: most skills per segment, None for all; ``depth``: entries retrieved per
    segment and index). ``sink`` gets each text's document vector, ``collect`` its
    candidates' ranker features, ``documents`` its :class:`DocumentCandidates`."""
    names = selection(linker, taxonomies)
    if len(linker.names_) > 1:
        return run_groups(linker, names, texts, keep, cap, depth, sink, prepared, collect,
                          by_probability, documents)
    if prepared is None:
        prepared = prepare(linker, texts, documents=sink is not None)
    elif prepared.texts != list(texts):
        raise ValueError("prepared for other texts")
    segments, vectors = prepared.segments, prepared.vectors
    # retrieve once per distinct segment text (postings repeat many sentences)
    first: dict[str, int] = {}
    rows = [first.setdefault(s.text, i)
            for i, s in enumerate(s for segs in segments for s in segs)]
    unique = sorted(set(rows))
    retrieved = dense(linker, vectors[unique], depth) if unique else []
    by_row = dict(zip(unique, retrieved))
    seg_scores = [by_row[r] for r in rows]
    results = []
    offset = 0
    for pos, (text, segs) in enumerate(zip(texts, segments)):
        seg_vectors = vectors[offset : offset + len(segs)]
        seg_dense = seg_scores[offset : offset + len(segs)]
        offset += len(segs)
        if sink is not None:
            sink.append(document_vector(segs, seg_vectors, prepared.fallback.get(pos)))
        found: list[OccupationMention] = []
        best = score_text(linker, text, segs, seg_vectors, seg_dense, cap, found)
        probabilities(linker, text, segs, seg_vectors, best, by_probability)
        if collect is not None:
            owners, x = candidate_features(linker, text, segs, seg_vectors, best)
            collect.append(([linker.skills_[o].code for o in owners], x))
        if documents is not None:
            owners, x = document_features(linker, text, segs, seg_vectors, best)
            documents.append(DocumentCandidates(
                [linker.skills_[o].code for o in owners],
                [(best[o].start, best[o].end) for o in owners], x))
        ranked = sorted(
            (linked(linker, text, sid, b) for sid, b in best.items()),
            key=lambda s: (-s.score, s.label),
        )
        results.append(LinkResult(text=text, skills=keep(ranked),
                                  occupations=[o.to_dict() for o in found]))
    return results


def run_groups(
    linker: SkillLinker,
    names: list[str],
    texts: Sequence[str],
    keep: Keep,
    cap: int | None,
    depth: int,
    sink: list[np.ndarray] | None,
    prepared: Prepared | None,
    collect: Table | None,
    by_probability: bool,
    documents: list[DocumentCandidates] | None,
) -> list[LinkResult]:
    """:func:`run` once per taxonomy, on its own linker (the texts embedded once);
    the results concatenated group after group, in the order of ``names``."""
    if prepared is None:
        prepared = prepare(linker, texts, documents=sink is not None)
    merged = [LinkResult(text=t, skills=[], taxonomies=list(names)) for t in texts]
    tables: list[Table] = []
    docs: list[list[DocumentCandidates]] = []
    for n, name in enumerate(names):
        table: Table = []
        found: list[DocumentCandidates] = []
        results = run(
            part(linker, name), texts, keep, cap, depth, sink=sink if n == 0 else None,
            prepared=prepared, collect=table if collect is not None else None,
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


def document_vectors(prepared: Prepared, dimension: int) -> np.ndarray:
    """One unit vector per text of ``prepared`` (prepared for documents): what
    :meth:`~.linker.SkillLinker.link_documents` gives beside its links, without linking."""
    out, offset = [], 0
    for pos, segs in enumerate(prepared.segments):
        out.append(document_vector(segs, prepared.vectors[offset:offset + len(segs)],
                                   prepared.fallback.get(pos)))
        offset += len(segs)
    return np.stack(out) if out else np.empty((0, dimension), dtype=np.float32)


def document_vector(segs: list[Segment], vectors: np.ndarray, fallback: np.ndarray | None
                    ) -> np.ndarray:
    """A text's unit vector: the mean of its sentence vectors (of the raw text when it
    has no sentence)."""
    rows = [i for i, s in enumerate(segs) if not s.is_clause]
    if rows:
        mean = vectors[rows].mean(axis=0)
    else:  # nothing but boilerplate or empty: the raw text's own vector
        assert fallback is not None
        mean = fallback
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).astype(np.float32)
