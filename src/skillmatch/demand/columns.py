"""Demand's records and mentions as columns, and the small helpers around them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

EPOCH = date(1970, 1, 1)
FORMAT = 1
KINDS = ("posting", "need")


def day_number(value: str | None) -> float:
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


@dataclass
class DemandColumns:
    """Records and their skill mentions as columns: what :meth:`DemandModel.fit`
    learns from. ``m_record`` indexes the records of these columns."""

    kind: np.ndarray  # int8: 0 posting, 1 need
    row_id: np.ndarray  # int64
    code: np.ndarray  # str
    region: np.ndarray  # str
    occupation: np.ndarray  # str (as counted: crosswalks applied)
    day: np.ndarray  # float64 days since 1970 (nan: undated)
    openings: np.ndarray  # int64
    m_record: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    m_skill: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    m_factor: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))

    @classmethod
    def of(cls, records: Sequence[DemandRecord], mentions: Sequence[tuple[int, int, str]],
           preferred_weight: float = 0.5) -> DemandColumns:
        """``mentions``: (index into ``records``, skill row id, role) triples."""
        m = np.array([(i, s) for i, s, _ in mentions], dtype=np.int64).reshape(-1, 2)
        return cls(
            kind=np.array([KINDS.index(r.kind) for r in records], dtype=np.int8),
            row_id=np.array([r.row_id for r in records], dtype=np.int64),
            code=strings([r.code for r in records]),
            region=strings([r.region for r in records]),
            occupation=strings([r.occupation for r in records]),
            day=np.array([day_number(r.day) for r in records], dtype=np.float64),
            openings=np.array([r.openings for r in records], dtype=np.int64),
            m_record=m[:, 0], m_skill=m[:, 1],
            m_factor=np.array([preferred_weight if role == "preferred" else 1.0
                               for _, _, role in mentions], dtype=np.float64))

    def __len__(self) -> int:
        return len(self.row_id)


def strings(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values) or [], dtype=str) if values else np.empty(0, dtype="<U1")


def dedupe(m_record: np.ndarray, m_skill: np.ndarray, factor: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One mention per (record, skill): the strongest role."""
    if not len(m_record):
        return m_record, m_skill, factor
    order = np.lexsort((-factor, m_skill, m_record))
    r, s, f = m_record[order], m_skill[order], factor[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (s[1:] != s[:-1])
    return r[first], s[first], f[first]


class Records(Sequence[DemandRecord]):
    """The model's records as :class:`DemandRecord` objects, made on access."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def __len__(self) -> int:
        return len(self._model.row_id_)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._model.record(j) for j in range(len(self))[i]]
        return self._model.record(int(i))


def encode(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values, each value's position among them)."""
    if not len(values):
        return np.array([""]), np.empty(0, dtype=np.int32)
    vocab, idx = np.unique(values, return_inverse=True)
    return vocab, idx.astype(np.int32)


def extend(vocab: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``vocab`` with the new ones among ``values`` appended, and each value's position."""
    pos = {v: i for i, v in enumerate(vocab.tolist())}
    fresh = [v for v in dict.fromkeys(values.tolist()) if v not in pos]
    for v in fresh:
        pos[v] = len(pos)
    out = np.concatenate([vocab, np.array(fresh, dtype=str)]) if fresh else vocab
    return out, np.array([pos[v] for v in values.tolist()], dtype=np.int32)


def iso_day(day: float) -> str:
    return (EPOCH + timedelta(days=int(day))).isoformat()
