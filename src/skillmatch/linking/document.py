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
- **The document model** turns every candidate's features (the ranker's, plus how the
  document supports it: the number of sentences backing it, the evidence's length and
  whether it is a clause, the size of the document, the sentence-level probability)
  into one calibrated probability, fitted on whole postings and on single sentences, so
  that one threshold means the same on a sentence, a posting and a course.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..storage.taxonomy_store import LabelRow
from ..text import normalize
from .ranker import FEATURES

DOC_FEATURES = FEATURES + (
    "p_sentence", "calibrated", "sentences", "strong_sentences", "evidence_words",
    "clause", "doc_sentences", "acronym", "lexical_only", "title_overlap",
)

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&/+.-]{1,5}$")


def is_acronym(label: str) -> bool:
    """One token of at most six characters, in capitals ("CNC", "CPR", "HTML5")."""
    return bool(_ACRONYM.match(label.strip())) and sum(c.isalpha() for c in label) >= 2


def acronym_entries(labels: Iterable[LabelRow]) -> tuple[set[int], dict[int, int]]:
    """Ids of the alternative and hidden labels that are acronyms, and each skill's
    preferred label id."""
    acronyms: set[int] = set()
    preferred: dict[int, int] = {}
    for lab in labels:
        if lab.kind == "preferred":
            preferred[lab.skill_id] = lab.id
        elif is_acronym(lab.label):
            acronyms.add(lab.id)
    return acronyms, preferred


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
    names = DOC_FEATURES[len(FEATURES):]
    more = np.array([[e.get(n, 0.0) for n in names] for e in extras], dtype=np.float64)
    if not len(extras):
        more = np.zeros((0, len(names)))
    return np.hstack([base.astype(np.float64), more])
