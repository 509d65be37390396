"""SkillSkape: job-ad sentences, each with the ESCO skills it expresses (ranking).

Each sentence is ranked against all of ESCO; the gold skills are its ``skills`` list
(ESCO preferred labels, a Python-style list literal). Labels that are not ESCO v1.1.1
preferred labels (renamed in other versions, or invented: about 4%) are counted and
reported, never silently dropped; a sentence with none left is not scored.

Metrics, averaged over scored sentences: ``RP@K = hits in the top K / min(K, |gold|)``
(R-precision at K, as in the skill-extraction literature) for K = 5 and 10, and MRR.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..text import normalize
from .metrics import reciprocal_rank


def load_skillskape(path: str | Path) -> list[tuple[str, list[str]]]:
    """(sentence, gold preferred labels) rows; errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file (expected a SkillSkape split: ,sentence,skills)",
                         path=path)
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    missing = [c for c in ("sentence", "skills") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} (expected ,sentence,skills)",
                         path=path, line=1)
    rows = []
    for row in reader:
        line = reader.line_num
        try:
            labels = ast.literal_eval(row["skills"])
        except (ValueError, SyntaxError) as exc:
            raise InputError(f"skills {row['skills'][:60]!r} is not a list literal ({exc})",
                             path=path, line=line, column="skills") from None
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise InputError("skills is not a list of strings", path=path, line=line,
                             column="skills")
        rows.append((row["sentence"].strip(), labels))
    if not rows:
        raise InputError("no sentences in the file", path=path)
    return rows


def rp_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    hits = sum(1 for x in ranked[:k] if x in gold)
    return hits / min(k, len(gold)) if gold else 0.0


def gold_codes(rows: list[tuple[str, list[str]]], code_by_label: dict[str, str]
               ) -> tuple[list[tuple[str, set[str]]], dict[str, Any]]:
    """Map gold labels to skill codes; count what does not map."""
    scored, unknown, total = [], [], 0
    for sentence, labels in rows:
        codes = set()
        for label in labels:
            total += 1
            code = code_by_label.get(normalize(label))
            if code is None:
                unknown.append(label)
            else:
                codes.add(code)
        if codes:
            scored.append((sentence, codes))
    return scored, {"sentences": len(rows), "scored": len(scored), "gold_labels": total,
                    "unknown_labels": len(unknown), "unknown_share": len(unknown) / max(total, 1),
                    "unknown_examples": sorted(set(unknown))[:10]}


def score(ranked: list[list[str]], gold: list[set[str]]) -> dict[str, float]:
    return {
        "RP@5": float(np.mean([rp_at(r, g, 5) for r, g in zip(ranked, gold)])),
        "RP@10": float(np.mean([rp_at(r, g, 10) for r, g in zip(ranked, gold)])),
        "MRR": float(np.mean([reciprocal_rank(r, g) for r, g in zip(ranked, gold)])),
    }


def esco_split(shared: Path, split: str = "dev", limit: int | None = None
               ) -> tuple[list[Any], list[tuple[str, set[str]]]]:
    """ESCO v1.1.1's skills and a SkillSkape split's scored sentences (gold skill codes)."""
    from ..taxonomy import read_taxonomy

    skills = read_taxonomy("esco", shared / "esco-v1.1.1").skills
    rows = load_skillskape(shared / "skillskape" / f"{split}.csv")
    scored, _ = gold_codes(rows, {normalize(s.label): s.code for s in skills})
    return skills, scored[:limit] if limit is not None else scored


def nearest_label(embed: Callable[[list[str]], np.ndarray], skills: Sequence[Any],
                  scored: list[tuple[str, set[str]]]) -> dict[str, float]:
    """The plain method: rank ESCO preferred labels by cosine to each sentence.
    ``embed`` returns unit vectors."""
    labels = embed([s.label for s in skills])
    queries = embed([s for s, _ in scored])
    ranked: list[list[str]] = []
    for start in range(0, len(queries), 1024):
        sims = queries[start : start + 1024] @ labels.T
        top = np.argpartition(-sims, 10, axis=1)[:, :10]
        for row, idx in enumerate(top):
            ranked.append([skills[j].code for j in idx[np.argsort(-sims[row, idx])]])
    return {k: round(v, 4) for k, v in score(ranked, [g for _, g in scored]).items()}
