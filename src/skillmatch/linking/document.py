"""Linking whole documents: acronym aliases, title lines and the document model.

Three general rules that a sentence-level linker does not need and a real posting or
course page does:

- **Acronym aliases** ("CNC", "CNA", "ICT") are short, ambiguous strings whose dense
  vectors sit near every other short string: "CNA" in a nurse-aide course retrieves
  the dense entry of the alias "CNC" of *operate CNC machines*. An alternative or hidden
  label that is an acronym (one token, at most six characters, written in capitals in
  the taxonomy) therefore never retrieves its skill by meaning; it links only where the
  text spells it, in capitals, and that segment is scored against the skill's
  preferred label, not against the acronym's own vector.
- **Title lines** ("Network Engineer", "Lube Technician-Norfolk") name an occupation
  or a course, not a skill: a title line that matches an occupation's preferred or
  alternative title (after dropping seniority words, bracketed notes and a place after a
  dash or comma) is reported as that occupation; any other title line links only the
  labels it spells ("Introduction to SQL": SQL), never the nearest label by meaning.
- **Skill statements.** Most sentences of a real posting state no skill (what the
  company builds, what the team is like, what the package holds). A linear model over
  the sentence's embedding, fitted on SkillSpan train postings (a sentence is a skill
  statement when it holds a gold skill or knowledge span), gives every sentence the
  log-odds that it states one: the ``statement`` feature of its candidates.
- **The document model** turns every candidate's features (the ranker's, plus how the
  document supports it: the number of sentences backing it, the evidence's length and
  whether it is a clause, the size of the document, the sentence-level probability)
  into one calibrated probability, fitted on whole postings and on single sentences, so
  that one threshold means the same on a sentence, a posting and a course.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..storage.taxonomy_store import LabelRow
from ..text import normalize
from .ranker import FEATURES

# The document model decides for texts of at least this many sentences. Shorter texts (a
# sentence, a course's one-paragraph definition) keep the raw-score threshold: the model
# under-links them (its one-sentence training texts are labelled by the exact gold skill,
# its postings by span), e.g. no skill for "Weld steel using MIG welding" and none for
# the CIP definition of Pharmacy Technician at the cut (docs/evaluation.md).
MIN_DOCUMENT_SENTENCES = 5

DOC_FEATURES = FEATURES + (
    "p_sentence", "calibrated", "sentences", "strong_sentences", "evidence_words",
    "clause", "doc_sentences", "acronym", "lexical_only", "title_overlap", "statement",
    "statement_x_score", "statement_x_p",
)

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&/+.-]{1,5}$")


def is_acronym(label: str) -> bool:
    """One token of at most six characters, in capitals ("CNC", "CPR", "HTML5")."""
    return bool(_ACRONYM.match(label.strip())) and sum(c.isalpha() for c in label) >= 2


def acronym_entries(labels: Iterable[LabelRow]
                    ) -> tuple[set[int], dict[int, int], dict[int, frozenset[str]]]:
    """Ids of the alternative and hidden labels that are acronyms, each skill's preferred
    label id, and the word stems of each skill's preferred and alternative labels."""
    acronyms: set[int] = set()
    preferred: dict[int, int] = {}
    stems: dict[int, set[str]] = {}
    for lab in labels:
        if lab.kind == "preferred":
            preferred[lab.skill_id] = lab.id
        elif is_acronym(lab.label):
            acronyms.add(lab.id)
        if lab.kind != "hidden":
            stems.setdefault(lab.skill_id, set()).update(word_stems(lab.label))
    return acronyms, preferred, {k: frozenset(v) for k, v in stems.items()}


_STEM_STOP = frozenset(
    "a an and are as at be by for from in into is it of on or the to with use using "
    "other all any etc e.g i.e including such".split())
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*")


def stem(word: str) -> str:
    """A crude stem: the first five characters, lower-cased ("monitoring" -> "monit")."""
    return word.lower()[:5]


def word_stems(text: str) -> set[str]:
    return {stem(w) for w in _TOKEN.findall(text) if w.lower() not in _STEM_STOP}


# Qualifiers after a skill ("AWS is desirable", "Node.js nice to have", "protocols (e.g")
_TRAILING = re.compile(
    r"(?:\s*[(,]?\s*(?:e\.?g|i\.?e|etc|is|are|would be|will be|as|an?|the|a plus|plus|"
    r"desirable|desired|preferred|required|essential|mandatory|advantage|advantageous|"
    r"beneficial|nice to have|nice|to|have|highly|strongly|considered|bonus|and|or|/|"
    r"and/or)\.?\s*[)]?)+$", re.I)


def narrow_span(text: str, start: int, end: int, stems: frozenset[str]
                ) -> tuple[int, int]:
    """The part of ``text[start:end]`` that states the skill: from the first to the last
    word sharing a stem with the skill's labels, without trailing qualifiers ("is
    desirable", "nice to have"). A single word is enough only when it is a name
    (capitals inside or after the first word: "AWS", "DevOps", "German"); a lone common
    word ("learn" of "not afraid to learn new things") keeps the whole span. SkillSpan
    dev strict precision: 0.371 (any word) -> 0.400 (two words) -> 0.437 (this rule)."""
    hits = [m for m in _TOKEN.finditer(text, start, end)
            if m.group().lower() not in _STEM_STOP and stem(m.group()) in stems]
    a, b = start, end
    if hits:
        words = len(_TOKEN.findall(text, hits[0].start(), hits[-1].end()))
        first = hits[0].group()
        name = (any(c.isupper() for c in first[1:]) or any(c.isdigit() for c in first)
                or (first[0].isupper() and hits[0].start() > start))
        if words >= 2 or name:
            a, b = hits[0].start(), hits[-1].end()
    m = _TRAILING.search(text, a, b)
    if m and m.start() > a:
        b = m.start()
    return a, b


_SENIORITY = frozenset(
    "senior sr junior jr lead principal chief head staff trainee intern apprentice entry "
    "level i ii iii iv v 1 2 3 m f d w x mwd mfd fmd".split())
_PLACE = re.compile(r"\s+[-–—|@]\s*.*$|\s*[,|]\s.*$|-(?=[A-Z][a-z]+$)[A-Za-z]+$")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")


@dataclass(frozen=True)
class OccupationMention:
    taxonomy: str
    code: str
    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"taxonomy": self.taxonomy, "code": self.code, "label": self.label,
                "evidence": {"start": self.start, "end": self.end}}


class TitleMatcher:
    """Occupation titles by normalised key; :meth:`match` reads a title line."""

    table_: Mapping[str, tuple[str, str, str]]  # key -> (taxonomy, code, preferred label)

    @classmethod
    def from_table(cls, table: Mapping[str, tuple[str, str, str]]) -> TitleMatcher:
        """A matcher over a table :meth:`fit` built (e.g. one saved with an index)."""
        matcher = cls()
        matcher.table_ = table
        return matcher

    def fit(self, titles: Iterable[tuple[str, str, str, str]]) -> TitleMatcher:
        table: dict[str, tuple[str, str, str]] = {}
        for taxonomy, code, label, title in titles:
            key = self._key(title)
            if key and len(key) > 3:
                table.setdefault(key, (taxonomy, code, label))
        self.table_ = table
        return self

    @staticmethod
    def _key(title: str) -> str:
        words = normalize(_BRACKETS.sub(" ", title)).split()
        return " ".join(w for w in words if w not in _SENIORITY)

    def match(self, line: str) -> tuple[str, str, str] | None:
        """The occupation a title line names, trying the line, then the line without a
        place after a dash or comma."""
        plain = _BRACKETS.sub(" ", line).strip()
        for candidate in (plain, _PLACE.sub("", plain)):
            found = self.table_.get(self._key(candidate))
            if found is not None:
                return found
        return None


@dataclass
class StatementModel:
    """Log-odds that a sentence states a skill, linear in its embedding."""

    coef: np.ndarray
    intercept: float

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        return np.clip(vectors.astype(np.float64) @ self.coef + self.intercept, -10, 10)

    def to_json(self) -> dict[str, Any]:
        return {"coef": np.round(self.coef, 6).tolist(), "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> StatementModel | None:
        if not data:
            return None
        return cls(np.asarray(data["coef"], dtype=np.float64), float(data["intercept"]))

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, c: float = 1.0) -> StatementModel:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=c, max_iter=2000, random_state=0)
        lr.fit(vectors.astype(np.float64), labels)
        return cls(lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))


@dataclass
class DocumentCandidates:
    """The candidates of one text: skill codes, evidence spans, document features."""

    codes: list[str]
    spans: list[tuple[int, int]]
    features: np.ndarray


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def document_rows(base: np.ndarray, extras: list[dict[str, float]]) -> np.ndarray:
    """The document model's feature matrix: the ranker's features, then the extras."""
    for e in extras:  # how much a good match counts depends on the sentence stating one
        e["statement_x_score"] = e.get("statement", 0.0) * e.get("score", 0.0)
        e["statement_x_p"] = e.get("statement", 0.0) * e.get("p_sentence", 0.0)
    names = DOC_FEATURES[len(FEATURES):]
    more = np.array([[e.get(n, 0.0) for n in names] for e in extras], dtype=np.float64)
    if not len(extras):
        more = np.zeros((0, len(names)))
    return np.hstack([base.astype(np.float64), more])
