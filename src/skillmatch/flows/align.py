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
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import DemandModel
from ..errors import InputError, NotFoundError
from ..progress import ProgressFn

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.linking import LinkingService
    from ..services.state import State
    from .occupation_match import Subject

RARELY_DEMANDED = 0.01  # below this share of all postings a taught skill is "rarely demanded"
MISSING_SHOWN = 20  # missing in-demand skills listed (suggested additions: k of them)
PREPARES_TARGETS = 3  # without targets given, the best "prepares for" entries are targets
FORMULA = ("sum(w(s) * taught(s)) / sum(w(s)) over the targets' skills, each counted once "
           "across taxonomies (taught: the skill or the same skill of another taxonomy)")
FIXED = {"method": "fixed", "formula": "0.5 * text_similarity + 0.5 * skill_overlap"}
# "prepares for" is low confidence when its best entry scores below these: the learned
# scorer's log-odds (below 0: less likely than not a match, by the scorer's own scale),
# or the fixed formula's score in [0, 1]
LOW_LOG_ODDS = 0.0
LOW_FIXED = 0.3


def align(
    ctx: Context,
    linking: LinkingService,
    state: State,
    credential: str | None = None,
    *,
    description: str | None = None,
    occupations: Sequence[str] = (),
    region: str | None = None,
    k: int = 5,
    taxonomies: Sequence[str] = (),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Alignment report for a catalogued credential or a free-text description, over
    the skills of ``taxonomies`` (default: the setting, else all): the formula above,
    the covered, missing and rarely demanded skills, what it prepares for, similar
    credentials and the ``k`` additions that would raise alignment most."""
    from .occupation_match import Subject, catalog_subjects
    from .same_skill import same_skills
    from .targets import find_occupation, occupation_skills

    text = (description or "").strip()
    if not credential and not text:
        raise InputError("give a credential id or a description to align",
                         field="credential")
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}", field="k")
    state.prepare(progress)
    catalog, demand = state.catalog, state.demand
    linker = linking.linker_for(taxonomies)
    if credential:
        pos = catalog.position.get(credential)
        if pos is None:
            raise NotFoundError(f"no credential with id {credential!r}; import it first "
                                "or align a description instead")
        taught = {s: c for s, c in catalog.taught(pos).items() if s in linker.skills_}
        vector = catalog.vectors[pos]
        row = catalog.rows[pos]
        subject = {"id": credential, "title": row["title"]}
        [matched] = catalog_subjects([row])  # as the kept profiles were made
    else:
        pos = None
        [linked], vectors = linker.link_documents([text])
        taught = {}
        for s in linked.skills:
            taught[s.row_id] = max(taught.get(s.row_id, 0.0), s.score)
        vector = vectors[0]
        subject = {"id": None, "title": text[:80]}
        matched = Subject("", text)
    prepared, prepared_basis = prepares_for_occupations(ctx, linking, state, taught, vector,
                                                        matched, progress=progress)
    targets = [find_occupation(ctx, state, o) for o in occupations] or [
        find_occupation(ctx, state, p["code"]) for p in prepared[:PREPARES_TARGETS]]
    weights: dict[int, float] = {}
    bases = []
    for occ in targets:
        w, basis = occupation_skills(ctx.conn, demand, occ, region, linker)
        bases.append({"occupation": occ.to_dict(), "basis": basis})
        for sid, value in w.items():
            if sid in linker.skills_:
                weights[sid] = max(weights.get(sid, 0.0), value)
    shares = {s: f["share"] for s, f in demand.skills(region=region).items()}
    # soft coverage: a skill counts once across taxonomies (flows.same_skill)
    store = ctx.taxonomies
    same = same_skills(store, ctx.embedder, set(taught) | set(weights) | {
        s for s, share in shares.items() if share >= RARELY_DEMANDED},
        ctx.settings.same_skill_cosine)
    report = coverage_report(taught, weights, shares, k, same)
    missing = report["missing"][:MISSING_SHOWN]
    additions = [a["skill_id"] for a in report["additions"]]
    # labels of every skill the answer names (the additions are k of the missing ones,
    # possibly more than are listed as missing)
    shown = set(report["covered"]) | set(missing) | set(additions)
    labels = store.skills_by_id(
        set(taught) | shown | set(report["covered_by"].values())
        | {o for sid in shown for o in report["same_as"].get(sid, ())})

    def ref(sid: int) -> dict[str, Any]:
        return {"id": labels[sid].code, "label": labels[sid].label,
                "taxonomy": labels[sid].taxonomy}

    def skill(sid: int) -> dict[str, Any]:
        out = {**ref(sid), "demand_weight": round(weights.get(sid, 0.0), 4),
               "share_of_postings": round(shares.get(sid, 0.0), 4)}
        if sid in report["covered_by"]:  # taught as the same skill of another taxonomy
            out["covered_by"] = ref(report["covered_by"][sid])
        if sid in report["same_as"]:
            out["same_as"] = [ref(o) for o in report["same_as"][sid]]
        return out

    codes = [r["code"] for r in catalog.rows]
    return {
        "credential": subject,
        "targets": bases,
        "alignment": report["alignment"],
        "formula": FORMULA,
        "covered_in_demand": [skill(s) for s in report["covered"]],
        "missing_in_demand": [skill(s) for s in missing],
        "rarely_demanded": [skill(s) for s in report["rare"]],
        "prepares_for": prepared[:k],
        "prepares_for_basis": prepared_basis,
        "prepares_for_confidence": prepares_for_confidence(prepared[:k], prepared_basis,
                                                           bool(occupations)),
        "similar_credentials": [
            {"id": code, "title": catalog.rows[catalog.position[code]]["title"],
             "similarity": round(score, 4)}
            for code, score in similar(catalog.vectors, pos, vector, codes, k)],
        "suggested_additions": [
            {**skill(a["skill_id"]), "gain": a["gain"]} for a in report["additions"]],
        "provenance": linking.provenance(taxonomies),
    }


def prepares_for_occupations(
    ctx: Context, linking: LinkingService, state: State, taught: dict[int, float],
    vector: np.ndarray, subject: Subject, k: int = 10, progress: ProgressFn | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Occupations the credential prepares for, and on what basis: the learned matching
    model when it can apply (:mod:`.occupation_match`), else :func:`prepares_for`."""
    found = linking.matcher(progress)
    if isinstance(found, str):
        rows = prepares_for(state.demand, taught, occupation_text_scores(ctx, state, vector), k)
        return rows, {**FIXED, "learned": False, "reason": found}
    return found.rank(subject, k)


def occupation_text_scores(ctx: Context, state: State, vector: np.ndarray,
                           depth: int = 50) -> dict[str, tuple[float, str]]:
    """Occupation code -> (best cosine of its title or description, label); codes that
    postings use but no occupation index covers score by their postings' centroid."""
    from ..index.catalog import DESC_OFFSET
    from ..index.faiss_index import load_shared

    store = ctx.occupations
    best: dict[int, float] = {}
    for name in store.taxonomy_names():
        directory = ctx.workspace.index_dir(f"occupations-{name}")
        if not (directory / "manifest.json").exists():
            continue
        index = load_shared(directory)
        scores, ids = index.search(vector, depth)
        owner = store.label_owners([int(i) for i in ids[0] if 0 <= i < DESC_OFFSET])
        for score, entry in zip(scores[0].tolist(), ids[0].tolist()):
            occ = entry - DESC_OFFSET if entry >= DESC_OFFSET else owner.get(entry)
            if occ is not None and score > best.get(occ, -2.0):
                best[occ] = score
    out = {row["code"]: (best[oid], row["label"]) for oid, row in store.by_ids(best).items()}
    codes, titles, centroids = state.centroids
    if len(codes):
        for code, title, score in zip(codes, titles, (centroids @ vector).tolist()):
            if code not in out:
                out[code] = (float(score), title)
    return out


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
    additions = [{"skill_id": s, "gain": round(weights[s] / total, 4) if total else 0.0}
                 for s in missing[:k]]
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
