"""The records behind a skill, heaviest first: the evidence explanations name.

A mixin of :class:`~.model.DemandModel` over its columns. Each skill's live records are
ranked once per model and kept (a change makes a new model): only the first
:data:`TOP` by a linear pass (:meth:`EvidenceIndex._top`, what explanations ask for),
all of them by a sort when a region filter must look further down
(:meth:`EvidenceIndex._ranked`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..regions import region_key, within_key
from .columns import KINDS

if TYPE_CHECKING:
    from .columns import DemandRecord

TOP = 16  # a skill's heaviest records kept for explanations (evidence of up to this many)


class EvidenceIndex:
    skill_ptr_: np.ndarray
    by_skill_: np.ndarray
    m_record_: np.ndarray
    m_skill_: np.ndarray
    sorted_upto_: int
    alive_: np.ndarray
    kind_: np.ndarray
    weight_: np.ndarray
    region_: np.ndarray
    region_keys_: list[str]
    _top_memo: dict[tuple[int, int | None], np.ndarray]
    _ranked_memo: dict[tuple[int, int | None], np.ndarray]
    _region_memo: dict[str, np.ndarray]

    if TYPE_CHECKING:  # the model's own
        def record(self, i: int) -> DemandRecord: ...

    def evidence(self, skill_ids: Sequence[int], limit: int = 3,
                 kind: str | None = "posting", region: str | None = None
                 ) -> list[DemandRecord]:
        """The heaviest records that ask for any of ``skill_ids`` (for explanations), of
        ``region`` (and the places in it) when given; ties by record position.

        Each skill's live records of ``kind`` are ranked once per model (heaviest
        first, :meth:`_ranked`); the answer merges the first ``limit`` of each that
        pass the region: a record asks for a skill once, so the ``limit`` heaviest
        distinct records of all are among them."""
        code = KINDS.index(kind) if kind else None
        inside = self._region_rows(region) if region else None
        chosen: list[np.ndarray] = []
        for s in dict.fromkeys(int(s) for s in skill_ids):
            if inside is None:  # the first few of each skill: a linear pass, once
                chosen.append((self._top(s, code) if limit <= TOP
                               else self._ranked(s, code))[:limit])
                continue
            rows = self._ranked(s, code)
            start, step, kept = 0, 4 * limit, 0
            found: list[np.ndarray] = []
            while start < len(rows) and kept < limit:
                chunk = rows[start:start + step]
                found.append(chunk[inside[chunk]])
                kept += len(found[-1])
                start, step = start + step, step * 4
            if found:
                chosen.append(np.concatenate(found)[:limit])
        if not chosen:
            return []
        rows = np.unique(np.concatenate(chosen))
        top = rows[np.lexsort((rows, -self.weight_[rows]))][:limit]
        return [self.record(int(i)) for i in top]

    def _rows_of(self, skill: int, kind: int | None) -> np.ndarray:
        """The live records (of kind code ``kind``) that ask for ``skill``, unordered."""
        ptr = self.skill_ptr_
        parts = [self.m_record_[self.by_skill_[ptr[skill]:ptr[skill + 1]]]
                 if 0 <= skill < len(ptr) - 1 else np.empty(0, dtype=np.int64)]
        if self.sorted_upto_ < len(self.m_skill_):  # mentions appended since the sort
            tail = np.arange(self.sorted_upto_, len(self.m_skill_))
            parts.append(self.m_record_[tail[self.m_skill_[tail] == skill]])
        rows = np.concatenate(parts)
        rows = rows[self.alive_[rows]]
        return rows[self.kind_[rows] == kind] if kind is not None else rows

    def _heaviest(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` heaviest first, ties by position."""
        return rows[np.lexsort((rows, -self.weight_[rows]))]

    def _top(self, skill: int, kind: int | None) -> np.ndarray:
        """At least the :data:`TOP` heaviest of :meth:`_rows_of` (every one as heavy as
        the TOP-th, ties included), heaviest first: a linear pass, kept per model."""
        key = (skill, kind)
        rows = self._top_memo.get(key)
        if rows is None:
            rows = self._rows_of(skill, kind)
            if len(rows) > TOP:
                weights = -self.weight_[rows]
                rows = rows[weights <= np.partition(weights, TOP - 1)[TOP - 1]]
            rows = self._heaviest(rows)
            self._top_memo[key] = rows
        return rows

    def _ranked(self, skill: int, kind: int | None) -> np.ndarray:
        """All of :meth:`_rows_of`, heaviest first, ties by position; computed on first
        use and kept (the model does not change once built: a change makes a new one)."""
        key = (skill, kind)
        rows = self._ranked_memo.get(key)
        if rows is None:
            rows = self._heaviest(self._rows_of(skill, kind))
            self._ranked_memo[key] = rows
        return rows

    def _region_rows(self, region: str) -> np.ndarray:
        """Per record: whether it is in ``region`` or a place in it (memoised)."""
        mask = self._region_memo.get(region)
        if mask is None:
            wanted = region_key(region)
            inside = np.array([within_key(k, wanted) for k in self.region_keys_], dtype=bool)
            mask = inside[self.region_] if len(inside) else np.zeros(0, dtype=bool)
            if len(self._region_memo) > 64:
                self._region_memo.clear()
            self._region_memo[region] = mask
        return mask
