"""Candidate search and scoring of one taxonomy's linker (see :mod:`.linker`).

Dense retrieval of every segment against the taxonomy's skill index (:func:`dense`,
the label ids it returns mapped to their skills by :func:`owners`), lexical hits given
to the smallest segment holding them (:func:`lexical_hits`), and per skill its best
segment score and evidence span (:func:`score_text`): a clause read in its sentence's
context, the lexical bonus, support across sentences. The ranker's and the document
model's probabilities are added afterwards (:mod:`.decision`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..index.catalog import DESC_OFFSET
from ..records import Evidence, LinkedSkill
from .document import OccupationMention, narrow_span
from .lexicon import LexicalHit
from .segment import Segment

if TYPE_CHECKING:
    from .linker import SkillLinker

CLAUSE_PREFERENCE = 0.02  # a clause wins the evidence over its sentence within this margin
WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*")


@dataclass
class Best:
    """A candidate skill of one text: its best score and evidence so far."""

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


def dense(linker: SkillLinker, vectors: np.ndarray, depth: int) -> list[dict[int, float]]:
    """Per segment: skill row id -> best cosine among the retrieved entries."""
    out: list[dict[int, float]] = [{} for _ in range(len(vectors))]
    if not len(vectors):
        return out
    for index in linker.indexes_.values():
        scores, ids = index.search(vectors, depth)
        found = owners(linker, ids)
        for row in range(len(vectors)):
            acc = out[row]
            for score, owner in zip(scores[row].tolist(), found[row].tolist()):
                if owner >= 0 and score > acc.get(owner, -2.0):
                    acc[owner] = score
    return out


def owners(linker: SkillLinker, ids: np.ndarray) -> np.ndarray:
    """The skill row id owning each index entry id (-1: none)."""
    out = np.full(ids.shape, -1, dtype=np.int64)
    desc = ids >= DESC_OFFSET
    out[desc] = ids[desc] - DESC_OFFSET
    lab = (ids >= 0) & ~desc
    if lab.any() and len(linker.entry_ids_):
        pos = np.searchsorted(linker.entry_ids_, ids[lab])
        pos = np.minimum(pos, len(linker.entry_ids_) - 1)
        found = linker.entry_ids_[pos] == ids[lab]
        out[lab] = np.where(found, linker.entry_owners_[pos], -1)
    return out


def score_text(
    linker: SkillLinker,
    text: str,
    segs: list[Segment],
    vectors: np.ndarray,
    retrieved: list[dict[int, float]],
    cap: int | None,
    occupations: list[OccupationMention] | None = None,
) -> dict[int, Best]:
    """Every candidate skill of one text with its best score and evidence span;
    ``retrieved``: per segment, :func:`dense`'s scores."""
    hits_by_seg = lexical_hits(linker, text, segs)
    best: dict[int, Best] = {}
    context: dict[int, float] = {}
    floor = 0.0
    for i, seg in enumerate(segs):
        if seg.kind == "title" and linker.titles_ is not None:
            named = linker.titles_.match(seg.text)
            if named is not None:  # a job title: its occupation, not a skill
                if occupations is not None:
                    occupations.append(OccupationMention(*named, seg.start, seg.end))
                continue
        if not seg.is_clause:
            context = retrieved[i]
            floor = min(context.values(), default=0.0)
        # when thresholding, a one-word segment ("Basic") is too little text to
        # link by meaning alone: only its lexical matches count
        one_word = cap is not None and not WORDS.findall(seg.text)[1:]
        # a title names a job or a course: it links by its words, never by meaning
        # ("Medical Assistant" is not "assist in veterinary procedures")
        scores = {} if one_word or seg.kind == "title" else dict(retrieved[i])
        lexical: dict[int, LexicalHit] = {}
        for hit in hits_by_seg.get(i, []):
            if hit.owner not in scores:
                scores[hit.owner] = cosine(linker, vectors[i], hit)
            if hit.owner not in lexical or hit.kind == "preferred":
                lexical[hit.owner] = hit
        boosted = {}
        plain = {}
        w = linker.context_weight if seg.is_clause else 0.0
        for owner, score in scores.items():
            # a clause is read in the context of its sentence
            score = (1 - w) * score + w * context.get(owner, floor)
            plain[owner] = score
            match = lexical.get(owner)
            if match is not None:
                bonus = linker.lexical_bonus / (2 if match.kind == "hidden" else 1)
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
                cur = best[owner] = Best(score, pref, start, end)
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
                if used.entry in linker.acronym_labels_:
                    cur.acronym = True
    if linker.narrow_evidence:
        for owner, cur in best.items():
            if not cur.lexical:
                cur.start, cur.end = narrow_span(text, cur.start, cur.end,
                                                 linker.label_stems_.get(owner, frozenset()))
    if linker.support_weight:
        for cur in best.values():
            ranked = sorted(cur.sentences.values(), reverse=True)
            if len(ranked) > 1:
                cur.score = min(1.0, cur.score + linker.support_weight * max(ranked[1], 0.0))
    return best


def lexical_hits(linker: SkillLinker, text: str, segs: list[Segment]
                 ) -> dict[int, list[LexicalHit]]:
    """Lexical hits, each given to the smallest segment that contains it."""
    out: dict[int, list[LexicalHit]] = {}
    if not segs:
        return out
    for hit in linker.lexicon_.find(text):
        if hit.owner not in linker.skills_:
            continue
        if (linker.acronyms == "lexical" and hit.entry in linker.acronym_labels_
                and not text[hit.start : hit.end].isupper()):
            continue  # "cna" or "Act" in running text is not the acronym
        inside = [i for i, s in enumerate(segs) if s.start <= hit.start and hit.end <= s.end]
        if inside:
            smallest = min(inside, key=lambda i: segs[i].end - segs[i].start)
            out.setdefault(smallest, []).append(hit)
    return out


def cosine(linker: SkillLinker, vector: np.ndarray, hit: LexicalHit) -> float:
    """The cosine between a segment and the label a lexical hit found."""
    taxonomy = linker.skills_[hit.owner].taxonomy
    index = linker.indexes_.get(taxonomy)
    entry = hit.entry
    if linker.acronyms == "lexical" and entry in linker.acronym_labels_:
        # an acronym's own vector means little: score against the preferred label
        entry = linker.preferred_label_.get(hit.owner, entry)
    if index is None or entry not in index:
        return 0.0
    return float(index.vectors(np.array([entry]))[0] @ vector)


def linked(linker: SkillLinker, text: str, skill_id: int, best: Best) -> LinkedSkill:
    """The linked skill a candidate becomes."""
    row = linker.skills_[skill_id]
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
