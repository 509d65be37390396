"""The same skill in two taxonomies: what alignment and coverage count once.

Two skills of *different* taxonomies are the same skill when

1. they share a label after :func:`~skillmatch.text.normalize` (preferred or
   alternative labels; hidden ones are misspellings and never count). A label that ends
   with the acronym of its words, O*NET's style ("Structured query language SQL",
   "Customer relationship management CRM software"), also stands for its words
   ("structured query language") and for the acronym ("SQL"); the acronym alone counts
   only against the other skill's *preferred* label (ESCO's "SQL"), since an acronym
   among alternative labels is ambiguous (ESCO gives "POS" to proof of stake); or
2. their preferred labels' embeddings are nearly identical: cosine at least
   ``cosine`` (the setting ``same_skill_cosine``, 0.9). On ESCO v1.1.1 and O*NET 29.2
   with the shipped model, 62 O*NET technologies have an ESCO skill at 0.9 or more
   ("Ansible software" ~ "Ansible", "Oracle Database" ~ "Oracle Relational Database");
   between 0.8 and 0.9 false friends appear ("Microsoft Visual C# .NET" ~ "Visual Studio
   .NET" 0.87, "Microsoft Visual J++" ~ "Microsoft Visual C++" 0.82). ESCO "SQL" and
   O*NET "Structured query language SQL" are only 0.70 apart: rule 1 finds them.

The rule uses the taxonomies' own labels, so ESCO's broad skills that list products
among their alternative labels ("graphics editor software": Inkscape, GIMP, ...) are
the same skill as those O*NET products. Skills of one taxonomy are never merged: the
taxonomy itself says they differ. Pairs are direct (not transitive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np

from ..embeddings.base import Embedder
from ..storage.skill_labels import SkillLabels
from ..storage.taxonomy_store import TaxonomyStore
from ..text import normalize

SAME_COSINE = 0.9
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9/&+#.-]*[A-Z0-9+#]$")


def acronym_forms(label: str) -> list[tuple[str, str]]:
    """(acronym, the words it abbreviates) for each acronym in ``label`` that follows its
    words: "Structured query language SQL" -> [("SQL", "Structured query language")].
    The words' initials must appear in the acronym in order, the first one first, and
    the acronym's letters in the words in order ("JavaScript Object Notation JSON")."""
    words = label.split()
    out = []
    for i, word in enumerate(words):
        letters = [c.lower() for c in word if c.isalpha()]
        if i < 2 or len(letters) < 2 or not _ACRONYM.match(word):
            continue
        for start in range(i - 2, -1, -1):
            if _abbreviates(letters, words[start:i]):
                out.append((word, " ".join(words[start:i])))
                break
    return out


def _abbreviates(letters: list[str], words: list[str]) -> bool:
    initials = [w[0].lower() for w in words]
    if initials[0] != letters[0]:
        return False
    rest = iter(letters)
    if not all(c in rest for c in initials):
        return False
    text = iter("".join(words).lower())
    return all(c in text for c in letters)


def same_skills(store: TaxonomyStore, embedder: Embedder, ids: Iterable[int],
                cosine: float = SAME_COSINE) -> dict[int, set[int]]:
    """Skill id -> the other skills among ``ids`` that are the same skill (the rules
    above), for every skill of ``ids`` that has one."""
    rows = store.skills_by_id(ids)
    order = sorted(rows)
    if len({rows[s].taxonomy for s in order}) < 2:
        return {}
    out: dict[int, set[int]] = {}

    def pair(a: int, b: int) -> None:
        if rows[a].taxonomy != rows[b].taxonomy:
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)

    forms: dict[str, list[tuple[int, str]]] = {}
    for sid, label, kind in _labels(store, order):
        forms.setdefault(normalize(label), []).append((sid, kind))
        for acronym, words in acronym_forms(label):
            forms.setdefault(normalize(acronym), []).append((sid, "acronym"))
            forms.setdefault(normalize(words), []).append((sid, "alternative"))
    for found in forms.values():
        for n, (a, how_a) in enumerate(found):
            for b, how_b in found[n + 1:]:
                if a != b and _compatible(how_a, how_b):
                    pair(a, b)
    vectors = embedder.embed([rows[s].label for s in order])
    sims = np.triu(vectors @ vectors.T, 1)
    for i, j in np.argwhere(sims >= cosine).tolist():
        pair(order[i], order[j])
    return out


def _compatible(a: str, b: str) -> bool:
    """An acronym alone meets only a preferred label."""
    if a == "acronym":
        return b == "preferred"
    return b != "acronym" or a == "preferred"


def _labels(store: TaxonomyStore, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(skill id, label, kind) of the preferred and alternative labels of ``ids``."""
    return SkillLabels(store.conn).visible(ids)
