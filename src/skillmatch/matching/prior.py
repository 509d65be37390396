"""The family prior: how often programs of a CIP series prepare for a SOC group.

Counted from a CIP to SOC crosswalk (the training programs only). Three levels, each a
feature, ``log p(group | series)`` with additive smoothing toward the overall rate:

- ``prior_major``: 2-digit CIP series -> SOC major group (``15``);
- ``prior_minor``: 4-digit CIP series (``11.01``) -> SOC minor group (``15-1``);
- ``prior_soc``: 4-digit CIP series -> the SOC occupation itself.

A program counts once per group it maps to. When the prior scores the programs it was
counted from (to fit the model), ``leave_out`` removes each program's own pairs, so the
fit sees the prior as it is for unseen programs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

LEVELS: dict[str, tuple[int, int]] = {  # name -> (CIP prefix length, SOC prefix length)
    "prior_major": (2, 2),
    "prior_minor": (5, 4),
    "prior_soc": (5, 7),
}
SMOOTHING = 2.0


class FamilyPrior:
    """Counts of (CIP series, SOC group) over programs, per level."""

    def __init__(self, counts: dict[str, dict[str, dict[str, int]]],
                 programs: dict[str, dict[str, int]], total: int,
                 smoothing: float = SMOOTHING) -> None:
        self.counts = counts  # level -> series -> group -> programs
        self.programs = programs  # level -> series -> programs
        self.total = total
        self.smoothing = smoothing
        self.group_totals: dict[str, dict[str, int]] = {}
        for level, by_series in counts.items():
            g: dict[str, int] = defaultdict(int)
            for groups in by_series.values():
                for group, c in groups.items():
                    g[group] += c
            self.group_totals[level] = dict(g)

    @classmethod
    def fit(cls, gold: Mapping[str, set[str]], smoothing: float = SMOOTHING) -> FamilyPrior:
        counts: dict[str, dict[str, dict[str, int]]] = {}
        programs: dict[str, dict[str, int]] = {}
        for level, (cl, sl) in LEVELS.items():
            c: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            n: dict[str, int] = defaultdict(int)
            for cip, socs in gold.items():
                n[cip[:cl]] += 1
                for group in {s[:sl] for s in socs}:
                    c[cip[:cl]][group] += 1
            counts[level] = {k: dict(v) for k, v in c.items()}
            programs[level] = dict(n)
        return cls(counts, programs, len(gold), smoothing)

    def features(self, cips: Sequence[str | None], socs: Sequence[str],
                 leave_out: Mapping[str, set[str]] | None = None) -> dict[str, np.ndarray]:
        """Each level's log prior, a programs x SOCs matrix (unknown CIP: the base rate)."""
        out: dict[str, np.ndarray] = {}
        for level, (cl, sl) in LEVELS.items():
            groups = sorted({s[:sl] for s in socs})
            col = np.array([groups.index(s[:sl]) for s in socs])
            totals = self.group_totals[level]
            base = np.array([(totals.get(g, 0) + 0.5) / (self.total + 1.0) for g in groups])
            m = np.empty((len(cips), len(socs)), dtype=np.float32)
            cache: dict[str, np.ndarray] = {}
            for i, cip in enumerate(cips):
                own = leave_out.get(cip) if leave_out is not None and cip else None
                if cip and own is None and cip[:cl] in cache:
                    m[i] = cache[cip[:cl]]
                    continue
                series = cip[:cl] if cip else ""
                seen = self.counts[level].get(series, {})
                c = np.array([seen.get(g, 0) for g in groups], dtype=np.float64)
                n = float(self.programs[level].get(series, 0))
                if own is not None:
                    for g in {s[:sl] for s in own}:
                        if g in groups:
                            c[groups.index(g)] -= 1
                    n -= 1
                p = (c + self.smoothing * base) / (n + self.smoothing)
                row = np.log(np.maximum(p, 1e-9))[col].astype(np.float32)
                if cip and own is None:
                    cache[cip[:cl]] = row
                m[i] = row
            out[level] = m
        return out

    def to_json(self) -> dict[str, Any]:
        return {"levels": {k: list(v) for k, v in LEVELS.items()}, "smoothing": self.smoothing,
                "total": self.total, "programs": self.programs, "counts": self.counts}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FamilyPrior:
        return cls({k: {s: dict(g) for s, g in v.items()} for k, v in data["counts"].items()},
                   {k: dict(v) for k, v in data["programs"].items()}, int(data["total"]),
                   float(data["smoothing"]))
