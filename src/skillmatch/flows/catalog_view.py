"""The credential catalogue held in memory for fast flows: rows, vectors, skill matrix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..index.faiss_index import FaissIndex
from ..storage.records_store import RecordStore


@dataclass
class CatalogView:
    rows: list[dict[str, Any]]  # credential rows, in matrix order
    vectors: np.ndarray  # (n, d) unit vectors of the credentials' texts
    skills: sparse.csr_matrix  # (n, max skill id + 1): confidence the credential teaches it
    position: dict[str, int]  # credential code -> row

    @classmethod
    def load(cls, store: RecordStore, index_dir: Path, dimension: int) -> CatalogView:
        rows = store.rows("credential")
        position = {r["code"]: i for i, r in enumerate(rows)}
        if rows and (index_dir / "manifest.json").exists():
            index, _ = FaissIndex.load(index_dir)
            vectors = np.stack([
                index.vectors(np.array([r["id"]]))[0] if r["id"] in index
                else np.zeros(dimension, dtype=np.float32) for r in rows
            ])
        else:
            vectors = np.zeros((len(rows), dimension), dtype=np.float32)
        by_row = {r["id"]: i for i, r in enumerate(rows)}
        mentions = [(by_row[rid], sid, score) for rid, sid, score, _, _ in
                    store.mentions("credential") if rid in by_row]
        width = max((m[1] for m in mentions), default=0) + 1
        matrix = sparse.csr_matrix(
            ([m[2] for m in mentions], ([m[0] for m in mentions], [m[1] for m in mentions])),
            shape=(len(rows), width), dtype=np.float64,
        )
        return cls(rows, vectors.astype(np.float32), matrix, position)

    def skill_vector(self, weights: dict[int, float]) -> np.ndarray:
        """A dense weight vector over skill ids, shaped for :attr:`skills`."""
        w = np.zeros(self.skills.shape[1], dtype=np.float64)
        for sid, value in weights.items():
            if sid < len(w):
                w[sid] = value
        return w

    def taught(self, row: int) -> dict[int, float]:
        start, end = self.skills.indptr[row], self.skills.indptr[row + 1]
        return dict(zip(self.skills.indices[start:end].tolist(),
                        self.skills.data[start:end].tolist()))


def posting_centroids(store: RecordStore, index_dir: Path, dimension: int
                      ) -> tuple[list[str], list[str], np.ndarray]:
    """Occupation codes of the stored postings, each with its most common posting title
    and the unit mean of its postings' indexed vectors."""
    from collections import Counter, defaultdict

    empty: tuple[list[str], list[str], np.ndarray] = (
        [], [], np.zeros((0, dimension), dtype=np.float32))
    if not (index_dir / "manifest.json").exists():
        return empty
    members: dict[str, list[int]] = defaultdict(list)
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, code, title in store.occupation_postings():
        members[code].append(rid)
        titles[code][title] += 1
    if not members:
        return empty
    index, _ = FaissIndex.load(index_dir)
    codes, labels, rows = [], [], []
    for code in sorted(members):
        ids = np.array([i for i in members[code] if i in index], dtype=np.int64)
        if not len(ids):
            continue
        mean = index.vectors(ids).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        codes.append(code)
        labels.append(titles[code].most_common(1)[0][0])
        rows.append(mean / norm if norm else mean)
    if not rows:
        return empty
    return codes, labels, np.stack(rows).astype(np.float32)
