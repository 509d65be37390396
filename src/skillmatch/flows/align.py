"""Program designer flow: how well does a credential match demand?

Alignment score = demand-weighted coverage of the target skills::

    alignment = sum(w(s) * c(s) for s in targets) / sum(w(s) for s in targets)

where ``w(s)`` is the skill's demand weight for the target occupations (their
postings and needs, or the taxonomy's signals when they have few) and ``c(s)`` the
confidence that the credential teaches it (1 when declared). Without explicit
targets, the three occupations it best prepares for are the targets. A skill counts once
across taxonomies (soft coverage, :mod:`.same_skill`): target skills that are the same
skill (ESCO "SQL", O*NET "Structured query language SQL") are one target, and teaching
any of them, or a skill that is the same, covers it.

Occupations it prepares for are ranked by the learned matching model when O*NET is
loaded (:mod:`.occupation_match`); otherwise by :func:`prepares_for`'s fixed formula
``0.5 * text similarity + 0.5 * overlap``, overlap being the demand-weighted share of
the occupation's posted skills that the credential teaches. Suggested additions are
the missing skills with the largest gain in alignment (a skill's gain is its share of
the total target weight).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
    same: Mapping[int, Collection[int]] | None = None,
) -> dict[str, Any]:
    """Alignment, covered and missing in-demand skills, rarely demanded ones, additions.

    Soft coverage across taxonomies: ``same`` maps a skill to the skills of other
    taxonomies that are the same skill (:func:`.same_skill.same_skills`). Target skills
    that are the same skill count once, with the largest weight of them, listed under
    the heaviest (``same_as`` names the others); one is covered when the credential
    teaches it or a skill that is the same (``covered_by`` names that one), with that
    skill's confidence. A taught skill is rarely demanded only when no skill that is the
    same is a target or demanded either."""
    same = same or {}
    groups = _same_groups(weights, same)
    via: dict[int, int] = {}
    credit: dict[int, float] = {}
    for members in groups:
        teaching = [t for m in members for t in (m, *sorted(same.get(m, ()))) if t in taught]
        if teaching:
            best = max(teaching, key=lambda t: min(taught[t], 1.0))
            credit[members[0]] = min(taught[best], 1.0)
            if best != members[0]:
                via[members[0]] = best
    heads = [m[0] for m in groups]
    total = sum(weights[s] for s in heads)
    covered = sorted((s for s in heads if s in credit), key=lambda s: -weights[s])
    missing = sorted((s for s in heads if s not in credit), key=lambda s: -weights[s])
    score = sum(weights[s] * credit[s] for s in covered) / total if total else 0.0

    def demanded(s: int) -> bool:
        return weights.get(s, 0.0) > 0.0 or global_share.get(s, 0.0) >= RARELY_DEMANDED

    rare = sorted((s for s in taught if global_share.get(s, 0.0) < RARELY_DEMANDED
                   and weights.get(s, 0.0) == 0.0
                   and not any(demanded(o) for o in same.get(s, ()))),
                  key=lambda s: global_share.get(s, 0.0))
    additions = [{"skill_id": s, "gain": round(weights[s] / total, 4)} for s in missing[:k]]
    return {"alignment": round(score, 4), "covered": covered, "missing": missing, "rare": rare,
            "additions": additions, "target_weight": round(total, 4), "covered_by": via,
            "same_as": {m[0]: m[1:] for m in groups if len(m) > 1}}


def _same_groups(weights: dict[int, float], same: Mapping[int, Collection[int]]
                 ) -> list[list[int]]:
    """The target skills grouped by sameness (connected through ``same`` among the
    targets), each group heaviest first."""
    parent = {s: s for s in weights}

    def root(s: int) -> int:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for s in weights:
        for o in same.get(s, ()):
            if o in parent:
                parent[root(o)] = root(s)
    groups: dict[int, list[int]] = {}
    for s in weights:
        groups.setdefault(root(s), []).append(s)
    return [sorted(g, key=lambda s: (-weights[s], s)) for g in groups.values()]


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
