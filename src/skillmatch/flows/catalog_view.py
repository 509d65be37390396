"""The credential catalogue held in memory for fast flows: rows, vectors, skill matrix.

A view is never changed once made: :meth:`CatalogView.with_changes` returns a new
view with some credentials re-read from the database (and others dropped), keeping
the rest, so a write costs the credentials it touched, not the catalogue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..storage.records_store import RecordStore

if TYPE_CHECKING:  # scipy loads on first use: a `skills link` start never needs it
    from scipy import sparse


@dataclass(frozen=True)
class CatalogView:
    rows: list[dict[str, Any]]  # credential rows, in matrix order
    vectors: np.ndarray  # (n, d) unit vectors of the credentials' texts
    skills: sparse.csr_matrix  # (n, max skill id + 1): confidence the credential teaches it
    position: dict[str, int]  # credential code -> row

    @classmethod
    def load(cls, store: RecordStore, dimension: int) -> CatalogView:
        """Every stored credential, with its vector (from the database) and skills."""
        return cls._of(store, store.rows("credential"), dimension)

    @classmethod
    def _of(cls, store: RecordStore, rows: list[dict[str, Any]], dimension: int,
            ) -> CatalogView:
        ids = [r["id"] for r in rows]
        found, matrix = store.vectors("credential", ids, dimension)
        at = {int(i): n for n, i in enumerate(found.tolist())}
        vectors = np.zeros((len(rows), dimension), dtype=np.float32)
        for n, rid in enumerate(ids):
            if rid in at:
                vectors[n] = matrix[at[rid]]
        by_row = {rid: n for n, rid in enumerate(ids)}
        mentions = [(by_row[rid], sid, score) for rid, sid, score, _, _ in
                    (store.mentions("credential") if len(ids) > 900
                     else store.mentions_of("credential", ids)) if rid in by_row]
        from scipy import sparse

        width = max((m[1] for m in mentions), default=0) + 1
        skills = sparse.csr_matrix(
            ([m[2] for m in mentions], ([m[0] for m in mentions], [m[1] for m in mentions])),
            shape=(len(rows), width), dtype=np.float64,
        )
        return cls(rows, vectors, skills, {r["code"]: n for n, r in enumerate(rows)})

    def with_changes(self, store: RecordStore, changed: Collection[int],
                     dimension: int) -> CatalogView:
        """A new view: the credentials of row ids ``changed`` re-read (gone ones
        dropped, new ones appended), the others kept as they are."""
        from scipy import sparse

        changed = set(changed)
        keep = [n for n, r in enumerate(self.rows) if r["id"] not in changed]
        fresh = self._of(store, store.rows("credential", sorted(changed)), dimension)
        rows = [self.rows[n] for n in keep] + fresh.rows
        width = max(self.skills.shape[1], fresh.skills.shape[1])
        old = self.skills[keep] if keep else sparse.csr_matrix((0, width))
        old.resize((len(keep), width))
        new = fresh.skills.copy()
        new.resize((len(fresh.rows), width))
        return CatalogView(rows, np.concatenate([self.vectors[keep], fresh.vectors]),
                           sparse.vstack([old, new], format="csr"),
                           {r["code"]: n for n, r in enumerate(rows)})

    def skill_vector(self, weights: dict[int, float]) -> np.ndarray:
        """A dense weight vector over skill ids, shaped for :attr:`skills`."""
        w = np.zeros(self.skills.shape[1], dtype=np.float64)
        if weights:  # in one step: a text query's weights hold thousands of skills
            ids = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
            values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
            keep = ids < len(w)
            w[ids[keep]] = values[keep]
        return w

    def taught(self, row: int) -> dict[int, float]:
        start, end = self.skills.indptr[row], self.skills.indptr[row + 1]
        return dict(zip(self.skills.indices[start:end].tolist(),
                        self.skills.data[start:end].tolist()))


Centroids = tuple[list[str], list[str], np.ndarray]


def posting_centroids(store: RecordStore, dimension: int,
                      codes: Collection[str] | None = None) -> Centroids:
    """Occupation codes of the stored postings (all, or those in ``codes``), each with
    its most common posting title (of the public postings; else the code) and the unit
    mean of its postings' vectors."""
    members: dict[str, list[int]] = defaultdict(list)
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, code, title in store.occupation_postings():  # a private one's title is ''
        if codes is None or code in codes:
            members[code].append(rid)
            if title:
                titles[code][title] += 1
    out_codes, labels, rows = [], [], []
    for code in sorted(members):
        _, vectors = store.vectors("posting", members[code], dimension)
        if not len(vectors):
            continue
        mean = vectors.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        out_codes.append(code)
        labels.append(titles[code].most_common(1)[0][0] if titles[code] else code)
        rows.append(mean / norm if norm else mean)
    if not rows:
        return [], [], np.zeros((0, dimension), dtype=np.float32)
    return out_codes, labels, np.stack(rows).astype(np.float32)


def update_centroids(old: Centroids, store: RecordStore, dimension: int,
                     dirty: Collection[str]) -> Centroids:
    """``old`` with the centroids of the ``dirty`` codes recomputed."""
    fresh = posting_centroids(store, dimension, set(dirty))
    kept = [(c, t, v) for c, t, v in zip(old[0], old[1], old[2]) if c not in set(dirty)]
    both = sorted(kept + list(zip(*fresh)) if fresh[0] else kept, key=lambda x: x[0])
    if not both:
        return [], [], np.zeros((0, dimension), dtype=np.float32)
    return [c for c, _, _ in both], [t for _, t, _ in both], np.stack(
        [v for _, _, v in both]).astype(np.float32)
