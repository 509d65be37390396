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

The model is columnar (numpy arrays, one row per record and one per mention) so
that it can be *changed at the cost of the change*: :meth:`DemandModel.with_changes`
returns a new model with records tombstoned and appended, sharing what did not
change, and :meth:`save` / :meth:`load` persist it as ``.npy`` files (never
pickled) so a process starts warm. A fitted model is never mutated: a server swaps
in the new one whole while readers finish with the old.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use: a `skills link` start never needs it
    from scipy import sparse
from ..regions import region_key
from . import persist
from .columns import (
    EPOCH,
    KINDS,
    DemandColumns,
    DemandRecord,
    Records,
    day_number,
    dedupe,
    encode,
    extend,
    iso_day,
)
from .evidence import EvidenceIndex
from .persist import FORMAT

__all__ = ["FORMAT", "DemandModel"]


class DemandModel(EvidenceIndex):
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

    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "half_life_days", "reference_date", "preferred_weight", "min_postings",
            "necessary_share", "defining_share", "defining_lift", "distinguishing_lift")}

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        records: Sequence[DemandRecord],
        mentions: Sequence[tuple[int, int, str]],
    ) -> DemandModel:
        """``mentions``: (index into ``records``, skill row id, role) triples."""
        return self.fit_columns(DemandColumns.of(records, mentions, self.preferred_weight))

    def fit_columns(self, cols: DemandColumns) -> DemandModel:
        """Learn from columns (see :class:`DemandColumns`)."""
        self.kind_ = cols.kind.astype(np.int8)
        self.row_id_ = cols.row_id.astype(np.int64)
        self.code_ = cols.code
        self.regions_, self.region_ = encode(cols.region)
        self.occupations_, self.occupation_ = encode(cols.occupation)
        self.day_ = cols.day.astype(np.float64)
        self.openings_ = cols.openings.astype(np.int64)
        self.alive_ = np.ones(len(cols), dtype=bool)
        self.m_record_, self.m_skill_, self.m_factor_ = dedupe(
            cols.m_record.astype(np.int64), cols.m_skill.astype(np.int64),
            cols.m_factor.astype(np.float64))
        self.sorted_upto_ = 0
        self._derive()
        return self

    def with_changes(self, removed: Sequence[tuple[str, int]],
                     added: DemandColumns | None = None) -> DemandModel:
        """A new model: this one with the records ``removed`` ((kind, row id) pairs)
        tombstoned and ``added`` appended (an updated record is removed and added).
        Arrays that do not change are shared; this model is left as it was."""
        new = DemandModel(**self.get_params())
        new.recoded_ = dict(self.recoded_)
        alive = self.alive_.copy()
        if removed:
            keys = np.array([r * 2 + KINDS.index(k) for k, r in removed], dtype=np.int64)
            alive &= ~np.isin(self.row_id_ * 2 + self.kind_, keys)
        n = len(self.row_id_)
        if added is not None and len(added):
            regions, region = extend(self.regions_, added.region)
            occupations, occupation = extend(self.occupations_, added.occupation)
            m_record, m_skill, m_factor = dedupe(added.m_record.astype(np.int64) + n,
                                                  added.m_skill.astype(np.int64),
                                                  added.m_factor.astype(np.float64))
            new.kind_ = np.concatenate([self.kind_, added.kind.astype(np.int8)])
            new.row_id_ = np.concatenate([self.row_id_, added.row_id.astype(np.int64)])
            new.code_ = np.concatenate([self.code_, added.code])
            new.regions_, new.region_ = regions, np.concatenate([self.region_, region])
            new.occupations_ = occupations
            new.occupation_ = np.concatenate([self.occupation_, occupation])
            new.day_ = np.concatenate([self.day_, added.day.astype(np.float64)])
            new.openings_ = np.concatenate([self.openings_, added.openings.astype(np.int64)])
            new.alive_ = np.concatenate([alive, np.ones(len(added), dtype=bool)])
            new.m_record_ = np.concatenate([self.m_record_, m_record])
            new.m_skill_ = np.concatenate([self.m_skill_, m_skill])
            new.m_factor_ = np.concatenate([self.m_factor_, m_factor])
        else:
            for name in ("kind_", "row_id_", "code_", "regions_", "region_", "occupations_",
                         "occupation_", "day_", "openings_", "m_record_", "m_skill_",
                         "m_factor_"):
                setattr(new, name, getattr(self, name))
            new.alive_ = alive
        new.sorted_upto_ = self.sorted_upto_
        new.by_skill_, new.skill_ptr_ = self.by_skill_, self.skill_ptr_
        dead = int((~new.alive_).sum())
        if dead and dead * 5 >= len(new.alive_):
            new._compact()
        new._derive()
        return new

    def _compact(self) -> None:
        """Drop tombstoned records and their mentions (positions renumbered)."""
        keep = np.flatnonzero(self.alive_)
        remap = np.full(len(self.alive_), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        for name in ("kind_", "row_id_", "code_", "region_", "occupation_", "day_",
                     "openings_"):
            setattr(self, name, getattr(self, name)[keep])
        self.alive_ = np.ones(len(keep), dtype=bool)
        live = remap[self.m_record_] >= 0
        self.m_record_ = remap[self.m_record_[live]]
        self.m_skill_, self.m_factor_ = self.m_skill_[live], self.m_factor_[live]
        self.sorted_upto_ = 0

    def _derive(self) -> None:
        """Everything computed from the columns: weights, specificity, the index of
        mentions by skill (the sorted part is kept across changes; mentions appended
        since are scanned)."""
        n_live = int(self.alive_.sum())
        self.region_keys_ = [region_key(r) for r in self.regions_.tolist()]
        self._occupation_pos = {o: i for i, o in enumerate(self.occupations_.tolist())}
        known = self.day_[self.alive_ & ~np.isnan(self.day_)]
        # the newest record's date, but never past a year from today: one record dated
        # far ahead (a typo, 9999-12-31) must not make every other record weigh nothing
        horizon = float((date.today() - EPOCH).days + 365)
        ref = day_number(self.reference_date) if self.reference_date else (
            min(float(known.max()), horizon) if len(known) else 0.0)
        self.reference_day_ = ref
        age = np.where(np.isnan(self.day_), 0.0, np.maximum(ref - self.day_, 0.0))
        self.weight_ = np.maximum(self.openings_, 1) * 0.5 ** (age / self.half_life_days)
        self.weight_[~self.alive_] = 0.0
        live_mention = self.alive_[self.m_record_]
        size = int(self.m_skill_.max(initial=0)) + 1
        self.df_ = np.bincount(self.m_skill_[live_mention], minlength=size)
        total = max(n_live, 2)
        with np.errstate(divide="ignore"):
            spec = np.log(total / np.maximum(self.df_, 1)) / math.log(total)
        self.specificity_ = np.clip(spec, 0.0, 1.0)
        self.occupation_records_ = np.bincount(self.occupation_[self.alive_],
                                               minlength=len(self.occupations_))
        if self.sorted_upto_ == 0 or len(self.m_skill_) - self.sorted_upto_ > max(
                50_000, self.sorted_upto_ // 4):
            self.by_skill_ = np.argsort(self.m_skill_, kind="stable")
            self.skill_ptr_ = np.searchsorted(self.m_skill_[self.by_skill_],
                                              np.arange(size + 1))
            self.sorted_upto_ = len(self.m_skill_)
        self._lock = threading.Lock()
        self._profiles: sparse.csr_matrix | None = None
        self._memo: dict[tuple[Any, ...], dict[int, dict[str, float]]] = {}
        self._ranked_memo: dict[tuple[int, int | None], np.ndarray] = {}
        self._top_memo: dict[tuple[int, int | None], np.ndarray] = {}
        self._occupation_weight: np.ndarray | None = None
        self._by_occupation: tuple[np.ndarray, np.ndarray] | None = None
        self._region_memo: dict[str, np.ndarray] = {}
        self._scaled_memo: dict[tuple[str, str | None], dict[int, float]] = {}

    @property
    def profiles_(self) -> sparse.csr_matrix:
        """Occupation x skill: the weighted share of the occupation's records asking for
        the skill (computed on first use)."""
        from scipy import sparse

        with self._lock:
            if self._profiles is None:
                occ = self.occupation_[self.m_record_]
                w = self.weight_[self.m_record_] * self.m_factor_
                totals = np.bincount(self.occupation_, weights=self.weight_,
                                     minlength=len(self.occupations_))
                self._profiles = sparse.csr_matrix(
                    (w / np.maximum(totals[occ], 1e-12), (occ, self.m_skill_)),
                    shape=(len(self.occupations_), len(self.specificity_)))
            return self._profiles

    @property
    def records_(self) -> Records:
        return Records(self)

    def record(self, i: int) -> DemandRecord:
        day = self.day_[i]
        return DemandRecord(
            KINDS[int(self.kind_[i])], int(self.row_id_[i]), str(self.code_[i]),
            str(self.regions_[self.region_[i]]), str(self.occupations_[self.occupation_[i]]),
            None if np.isnan(day) else iso_day(float(day)), int(self.openings_[i]))

    # ------------------------------------------------------------ persistence
    def save(self, folder: Path, manifest: dict[str, Any]) -> None:
        """Write the model's columns as ``.npy`` files and ``manifest.json`` into the new
        ``folder`` (the caller renames it into place); see :mod:`.persist`."""
        persist.save(self, folder, manifest)

    @classmethod
    def load(cls, folder: Path) -> tuple[DemandModel, dict[str, Any]]:
        """The model :meth:`save` wrote into ``folder``, and its manifest."""
        return persist.load(cls, folder)

    # -------------------------------------------------------------- queries
    def _mask(self, region: str | None, occupation: str | None,
              window: tuple[str, str] | None) -> np.ndarray:
        mask = self.alive_.copy()
        if region:  # the region and the places in it (skillmatch.regions)
            mask &= self._region_rows(region)
        if occupation:
            mask &= self.occupation_ == self._occupation_pos.get(occupation, -1)
        if window:
            lo, hi = day_number(window[0]), day_number(window[1])
            mask &= (self.day_ >= lo) & (self.day_ < hi)
        return mask

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
        if occupation is not None and region is None and window is None:
            # one occupation: its mentions are a slice of the mentions sorted by the
            # occupation of their record (sorted once per model), not a pass over all
            keep = self._occupation_mentions(occupation)
            keep = keep[self.alive_[self.m_record_[keep]]]
            total = self.size(occupation=occupation)["weight"]
        else:
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

    def _occupation_mentions(self, occupation: str) -> np.ndarray:
        """Positions of the mentions of records toward ``occupation`` (live or not)."""
        pos = self._occupation_pos.get(occupation)
        if pos is None:
            return np.empty(0, dtype=np.int64)
        if self._by_occupation is None:
            owner = self.occupation_[self.m_record_]
            order = np.argsort(owner, kind="stable")
            self._by_occupation = (order, np.searchsorted(
                owner[order], np.arange(len(self.occupations_) + 1)))
        order, ptr = self._by_occupation
        return order[ptr[pos]:ptr[pos + 1]]

    def size(self, *, region: str | None = None, occupation: str | None = None,
             window: tuple[str, str] | None = None) -> dict[str, float]:
        if occupation is not None and region is None and window is None:  # counted once
            pos = self._occupation_pos.get(occupation)
            if pos is None:
                return {"records": 0, "weight": 0.0}
            if self._occupation_weight is None:
                self._occupation_weight = np.bincount(
                    self.occupation_, weights=self.weight_, minlength=len(self.occupations_))
            return {"records": int(self.occupation_records_[pos]),
                    "weight": float(self._occupation_weight[pos])}
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

    def scaled(self, key: str, region: str | None = None) -> dict[int, float]:
        """Skill -> its figure ``key`` (``score``, ``share``...) over every record of
        ``region``, divided by the largest (memoised, read-only)."""
        memo_key = (key, region)
        if memo_key not in self._scaled_memo:
            stats = self.skills(region=region)
            top = max((f[key] for f in stats.values()), default=0.0)
            self._scaled_memo[memo_key] = (
                {s: f[key] / top for s, f in stats.items()} if top else {})
        return self._scaled_memo[memo_key]


