"""Program designer flow: how well does a credential match demand?

Alignment score = demand-weighted coverage of the target skills::

    alignment = sum(w(s) * c(s) for s in targets) / sum(w(s) for s in targets)

where ``w(s)`` is the skill's demand weight for the target occupations (their
postings and needs, or the taxonomy's signals when they have few) and ``c(s)`` the
confidence that the credential teaches it (1 when declared). Without explicit
targets, the three occupations it best prepares for are the targets.

Occupations it prepares for are ranked by the learned matching model when O*NET is
loaded (:mod:`.occupation_match`); otherwise by :func:`prepares_for`'s fixed formula
``0.5 * text similarity + 0.5 * overlap``, overlap being the demand-weighted share of
the occupation's posted skills that the credential teaches. Suggested additions are
the missing skills with the largest gain in alignment (a skill's gain is its share of
the total target weight).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..demand import DemandModel

RARELY_DEMANDED = 0.01  # below this share of all postings a taught skill is "rarely demanded"
FIXED = {"method": "fixed", "formula": "0.5 * text_similarity + 0.5 * skill_overlap"}
# "prepares for" is low confidence when its best entry scores below these: the learned
# scorer's log-odds (below 0: less likely than not a match, by the scorer's own scale),
# or the fixed formula's score in [0, 1]
LOW_LOG_ODDS = 0.0
LOW_FIXED = 0.3


def prepares_for(
    demand: DemandModel,
    taught: dict[int, float],
    text_scores: dict[str, tuple[float, str]],
    k: int,
) -> list[dict[str, Any]]:
    """Occupations ranked by text similarity and posted-skill overlap.

    ``text_scores``: occupation code -> (cosine with the credential, label).
    """
    overlap: dict[str, float] = {}
    if len(demand.occupations_) and demand.profiles_.shape[1]:
        vec = np.zeros(demand.profiles_.shape[1])
        for sid, conf in taught.items():
            if sid < len(vec):
                vec[sid] = conf
        covered = np.asarray(demand.profiles_ @ vec).ravel()
        totals = np.asarray(demand.profiles_.sum(axis=1)).ravel()
        for i, code in enumerate(demand.occupations_.tolist()):
            if code and totals[i] > 0:
                overlap[code] = float(covered[i] / totals[i])
    rows: list[dict[str, Any]] = []
    for code in set(overlap) | set(text_scores):
        cos, label = text_scores.get(code, (0.0, ""))
        ov = overlap.get(code, 0.0)
        rows.append({"code": code, "label": label, "score": round(0.5 * cos + 0.5 * ov, 4),
                     "text_similarity": round(cos, 4), "skill_overlap": round(ov, 4),
                     "signals": {"text_similarity": round(cos, 4), "skill_overlap": round(ov, 4)},
                     "provenance": dict(FIXED)})
    rows.sort(key=lambda r: -float(r["score"]))
    return rows[:k]


def prepares_for_confidence(rows: Sequence[dict[str, Any]], basis: dict[str, Any],
                            targets_given: bool) -> dict[str, Any]:
    """Whether the best "prepares for" entries are too weak to trust, and why."""
    learned = bool(basis.get("learned"))
    cut = LOW_LOG_ODDS if learned else LOW_FIXED
    scale = ("log-odds of the learned scorer; below 0 is less likely than not a match"
             if learned else f"{FIXED['formula']}, in [0, 1]")
    if not rows:
        return {"low_confidence": True, "reason": "no occupation could be scored",
                "best_score": None, "threshold": cut}
    best = float(rows[0]["score"])
    if best >= cut:
        return {"low_confidence": False, "reason": None, "best_score": best, "threshold": cut}
    every = (f"every entry scores below {cut:g}" if all(float(r["score"]) < cut for r in rows)
             else f"the best entry scores {best:.2f}, below {cut:g}")
    reason = (f"{every} ({scale}): the credential's text and skills match no occupation "
              "well")
    if not targets_given:
        reason += ("; the alignment targets were taken from these entries, so read the "
                   "alignment as a guess, or name the occupations to align with")
    return {"low_confidence": True, "reason": reason, "best_score": best, "threshold": cut}


def coverage_report(
    taught: dict[int, float],
    weights: dict[int, float],
    global_share: dict[int, float],
    k: int,
) -> dict[str, Any]:
    """Alignment, covered and missing in-demand skills, rarely demanded ones, additions."""
    total = sum(weights.values())
    covered = sorted((s for s in weights if s in taught), key=lambda s: -weights[s])
    missing = sorted((s for s in weights if s not in taught), key=lambda s: -weights[s])
    score = sum(weights[s] * min(taught[s], 1.0) for s in covered) / total if total else 0.0
    rare = sorted((s for s in taught if global_share.get(s, 0.0) < RARELY_DEMANDED
                   and weights.get(s, 0.0) == 0.0), key=lambda s: global_share.get(s, 0.0))
    additions = [{"skill_id": s, "gain": round(weights[s] / total, 4)} for s in missing[:k]]
    return {"alignment": round(score, 4), "covered": covered, "missing": missing, "rare": rare,
            "additions": additions, "target_weight": round(total, 4)}


def similar(vectors: np.ndarray, row: int | None, vector: np.ndarray,
            codes: Sequence[str], k: int) -> list[tuple[str, float]]:
    """The ``k`` catalogued credentials nearest to ``vector`` (excluding ``row``)."""
    if not len(codes):
        return []
    scores = vectors @ vector
    if row is not None:
        scores[row] = -np.inf
    order = np.argsort(-scores)[:k]
    return [(codes[i], float(scores[i])) for i in order if np.isfinite(scores[i])]
