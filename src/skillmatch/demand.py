"""Employer demand per skill, learned from job postings and stated needs.

Every posting or need is one *record* with a weight::

    weight = openings * 0.5 ** (age_days / half_life_days)

where ``age_days`` is counted back from the reference date (the newest record
unless one is given), so a posting from one half-life ago counts half. A need's
preferred skills count ``preferred_weight`` (0.5) of its required ones.

Per skill and slice (region, occupation, time window):

- ``postings``: how many records ask for it (unweighted count),
- ``share``: weighted share of the slice's records that ask for it,
- ``specificity``: ``log(N / n_skill) / log(N)`` over all records (0 for a skill in
  every record, 1 for a skill in one), so "communication" does not drown "phlebotomy",
- ``score``: ``share * specificity``, the specificity-adjusted demand.

Occupation tiers compare an occupation's records with everyone else's: a skill is
*necessary* when at least ``necessary_share`` of its records ask for it, *defining*
when its share is at least ``defining_share`` and ``defining_lift`` times its share
elsewhere, *distinguishing* when rarer than that but ``distinguishing_lift`` times
more frequent than elsewhere. Occupations with fewer than ``min_postings`` records
fall back to the taxonomy's own signals (O*NET In Demand and Hot Technology flags,
ESCO essential skills), and the result says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import sparse

from .regions import region_key, within_key

EPOCH = date(1970, 1, 1)


def _day(value: str | None) -> float:
    if not value:
        return math.nan
    return float((date.fromisoformat(value[:10]) - EPOCH).days)


@dataclass(frozen=True)
class DemandRecord:
    """A posting or need, as the demand model sees it."""

    kind: str  # posting | need
    row_id: int
    code: str
    region: str
    occupation: str
    day: str | None
    openings: int


class DemandModel:
    def __init__(
        self,
        *,
        half_life_days: float = 365.0,
        reference_date: str | None = None,
        preferred_weight: float = 0.5,
        min_postings: int = 5,
        necessary_share: float = 0.5,
        defining_share: float = 0.2,
        defining_lift: float = 3.0,
        distinguishing_lift: float = 5.0,
    ) -> None:
        self.half_life_days = half_life_days
        self.reference_date = reference_date
        self.preferred_weight = preferred_weight
        self.min_postings = min_postings
        self.necessary_share = necessary_share
        self.defining_share = defining_share
        self.defining_lift = defining_lift
        self.distinguishing_lift = distinguishing_lift
        # occupation code as written -> (code counted toward, records): set by whoever
        # fits the model through a crosswalk (flows.demand_view.fit_demand)
        self.recoded_: dict[str, tuple[str, int]] = {}

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        records: Sequence[DemandRecord],
        mentions: Sequence[tuple[int, int, str]],
    ) -> DemandModel:
        """``mentions``: (index into ``records``, skill row id, role) triples."""
        self.records_ = list(records)
        n = len(records)
        self.regions_, region_idx = np.unique([r.region for r in records] or [""],
                                              return_inverse=True)
        self.occupations_, occ_idx = np.unique([r.occupation for r in records] or [""],
                                               return_inverse=True)
        self.region_ = region_idx[:n].astype(np.int32)
        self.region_keys_ = [region_key(r) for r in self.regions_.tolist()]
        self.occupation_ = occ_idx[:n].astype(np.int32)
        self.day_ = np.array([_day(r.day) for r in records], dtype=np.float64)
        known = self.day_[~np.isnan(self.day_)]
        ref = _day(self.reference_date) if self.reference_date else (
            float(known.max()) if len(known) else 0.0)
        self.reference_day_ = ref
        age = np.where(np.isnan(self.day_), 0.0, np.maximum(ref - self.day_, 0.0))
        openings = np.array([max(r.openings, 1) for r in records], dtype=np.float64)
        self.weight_ = openings * 0.5 ** (age / self.half_life_days)
        m = np.array([(i, s) for i, s, _ in mentions], dtype=np.int64).reshape(-1, 2)
        factor = np.array([self.preferred_weight if role == "preferred" else 1.0
                           for _, _, role in mentions], dtype=np.float64)
        # one mention per (record, skill): keep the strongest role
        order = np.lexsort((-factor, m[:, 1], m[:, 0])) if len(m) else np.empty(0, np.int64)
        m, factor = m[order], factor[order]
        if len(m):
            first = np.ones(len(m), dtype=bool)
            first[1:] = (m[1:, 0] != m[:-1, 0]) | (m[1:, 1] != m[:-1, 1])
            m, factor = m[first], factor[first]
        self.m_record_ = m[:, 0]
        self.m_skill_ = m[:, 1]
        self.m_factor_ = factor
        df = np.bincount(self.m_skill_, minlength=int(self.m_skill_.max(initial=0)) + 1)
        self.df_ = df
        total = max(n, 2)
        with np.errstate(divide="ignore"):
            spec = np.log(total / np.maximum(df, 1)) / math.log(total)
        self.specificity_ = np.clip(spec, 0.0, 1.0)
        # occupation x skill profile: weighted share of the occupation's records
        occ_of_mention = self.occupation_[self.m_record_]
        w = self.weight_[self.m_record_] * self.m_factor_
        totals = np.bincount(self.occupation_, weights=self.weight_,
                             minlength=len(self.occupations_))
        self.profiles_ = sparse.csr_matrix(
            (w / np.maximum(totals[occ_of_mention], 1e-12), (occ_of_mention, self.m_skill_)),
            shape=(len(self.occupations_), len(self.specificity_)),
        )
        self.occupation_records_ = np.bincount(self.occupation_, minlength=len(self.occupations_))
        # mentions grouped by skill, so explanations read a slice instead of a scan
        self.by_skill_ = np.argsort(self.m_skill_, kind="stable")
        self.skill_ptr_ = np.searchsorted(self.m_skill_[self.by_skill_],
                                          np.arange(len(self.specificity_) + 1))
        self.kind_ = np.array([r.kind for r in records] or [""])
        self._memo: dict[tuple[Any, ...], dict[int, dict[str, float]]] = {}
        return self

    # -------------------------------------------------------------- queries
    def _mask(self, region: str | None, occupation: str | None,
              window: tuple[str, str] | None) -> np.ndarray:
        mask = np.ones(len(self.records_), dtype=bool)
        if region:  # the region and the places in it (skillmatch.regions)
            wanted = region_key(region)
            inside = np.array([within_key(k, wanted) for k in self.region_keys_], dtype=bool)
            mask &= inside[self.region_]
        if occupation:
            mask &= self.occupation_ == self._code(self.occupations_, occupation)
        if window:
            lo, hi = _day(window[0]), _day(window[1])
            mask &= (self.day_ >= lo) & (self.day_ < hi)
        return mask

    @staticmethod
    def _code(values: np.ndarray, value: str) -> int:
        i = int(np.searchsorted(values, value))
        return i if i < len(values) and values[i] == value else -1

    def skills(
        self,
        *,
        region: str | None = None,
        occupation: str | None = None,
        window: tuple[str, str] | None = None,
    ) -> dict[int, dict[str, float]]:
        """Skill row id -> {postings, weight, share, specificity, score} for a slice.

        Memoised per slice (the model does not change after :meth:`fit`); treat the
        result as read-only."""
        key = (region, occupation, window)
        if key not in self._memo:
            if len(self._memo) > 256:
                self._memo.clear()
            self._memo[key] = self._skills(region, occupation, window)
        return self._memo[key]

    def _skills(self, region: str | None, occupation: str | None,
                window: tuple[str, str] | None) -> dict[int, dict[str, float]]:
        mask = self._mask(region, occupation, window)
        total = float(self.weight_[mask].sum())
        keep = mask[self.m_record_]
        skills = self.m_skill_[keep]
        weights = self.weight_[self.m_record_[keep]] * self.m_factor_[keep]
        size = len(self.specificity_)
        counts = np.bincount(skills, minlength=size)
        sums = np.bincount(skills, weights=weights, minlength=size)
        out = {}
        for sid in np.flatnonzero(counts):
            share = float(sums[sid] / total) if total else 0.0
            spec = float(self.specificity_[sid])
            out[int(sid)] = {"postings": int(counts[sid]), "weight": round(float(sums[sid]), 4),
                             "share": share, "specificity": spec, "score": share * spec}
        return out

    def size(self, *, region: str | None = None, occupation: str | None = None,
             window: tuple[str, str] | None = None) -> dict[str, float]:
        mask = self._mask(region, occupation, window)
        return {"records": int(mask.sum()), "weight": float(self.weight_[mask].sum())}

    def tiers(self, occupation: str, region: str | None = None) -> dict[str, Any]:
        """Sort an occupation's skills into necessary, defining and distinguishing."""
        inside = self._mask(region, occupation, None)
        n_in = int(inside.sum())
        if n_in < self.min_postings:
            return {"occupation": occupation, "records": n_in, "fallback": True,
                    "necessary": [], "defining": [], "distinguishing": []}
        outside = self._mask(region, None, None) & ~inside
        share_in = self._shares(inside)
        share_out = self._shares(outside)
        tiers: dict[str, list[dict[str, float | None]]] = {
            "necessary": [], "defining": [], "distinguishing": []}
        for sid, p_in in share_in.items():
            p_out = share_out.get(sid, 0.0)
            lift = p_in / p_out if p_out > 0 else math.inf
            row = {"skill_id": sid, "share": p_in, "share_elsewhere": p_out,
                   "lift": lift if math.isfinite(lift) else None}
            if p_in >= self.necessary_share:
                tiers["necessary"].append(row)
            elif p_in >= self.defining_share and lift >= self.defining_lift:
                tiers["defining"].append(row)
            elif lift >= self.distinguishing_lift and self._count(inside, sid) >= 2:
                tiers["distinguishing"].append(row)
        for rows in tiers.values():
            rows.sort(key=lambda r: -(r["share"] or 0.0))
        return {"occupation": occupation, "records": n_in, "fallback": False, **tiers}

    def _shares(self, mask: np.ndarray) -> dict[int, float]:
        total = float(self.weight_[mask].sum())
        if not total:
            return {}
        keep = mask[self.m_record_]
        sums = np.bincount(self.m_skill_[keep],
                           weights=self.weight_[self.m_record_[keep]] * self.m_factor_[keep])
        return {int(s): float(sums[s] / total) for s in np.flatnonzero(sums)}

    def _count(self, mask: np.ndarray, skill_id: int) -> int:
        return int((mask[self.m_record_] & (self.m_skill_ == skill_id)).sum())

    def trend(self, skill_id: int, before: tuple[str, str], after: tuple[str, str],
              region: str | None = None) -> dict[str, float]:
        """Share of the skill in two windows, and the change between them."""
        a = self.skills(region=region, window=before).get(skill_id, {}).get("share", 0.0)
        b = self.skills(region=region, window=after).get(skill_id, {}).get("share", 0.0)
        return {"before": a, "after": b, "change": b - a}

    def evidence(self, skill_ids: Sequence[int], limit: int = 3,
                 kind: str | None = "posting", region: str | None = None
                 ) -> list[DemandRecord]:
        """The heaviest records that ask for any of ``skill_ids`` (for explanations), of
        ``region`` (and the places in it) when given."""
        ptr, size = self.skill_ptr_, len(self.skill_ptr_) - 1
        parts = [self.by_skill_[ptr[s]:ptr[s + 1]] for s in skill_ids if 0 <= s < size]
        if not parts:
            return []
        rows = self.m_record_[np.concatenate(parts)]
        if kind:
            rows = rows[self.kind_[rows] == kind]
        if region:
            rows = rows[self._mask(region, None, None)[rows]]
        if not len(rows):
            return []
        # a record appears once per skill: the heaviest limit * len(parts) hold the top
        weights = -self.weight_[rows]
        k = min(len(rows), limit * len(parts))
        if k < len(rows):  # every entry as heavy as the k-th (ties included)
            cand = np.flatnonzero(weights <= np.partition(weights, k - 1)[k - 1])
            rows, weights = rows[cand], weights[cand]
        top: list[int] = []
        for i in np.lexsort((rows, weights)).tolist():
            if int(rows[i]) not in top:
                top.append(int(rows[i]))
                if len(top) == limit:
                    break
        return [self.records_[int(i)] for i in top]
