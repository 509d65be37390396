"""A learned, calibrated score for a (text, skill) candidate: ranking beyond one cosine.

The linker proposes candidates (dense retrieval plus lexical hits) and describes each
with the features below; a logistic regression fitted on SkillSkape dev (never test)
turns them into the probability that the skill is one the text expresses. Being a
probability, the score means the same thing in every text: a threshold of 0.5 keeps
the skills that are more likely right than wrong (the reliability chart in
docs/evaluation.md shows how well that holds on held-out folds).

Features: the linker's own score (clause in context, lexical bonus, support), the
best segment's dense score, cosines to the preferred label and to the description,
exact and alias matches, BM25 over labels, the score relative to the text's best
candidate and its rank, a second sentence's support (documents), ESCO reuse level and
skill type, the best score of a hierarchy sibling among the candidates, and the
label's length. Stored as JSON beside the model it was fitted for (never pickled).
"""

from __future__ import annotations

import json
import math
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError

FEATURES = (
    "score", "dense", "label_cos", "desc_cos", "exact", "alias", "bm25", "relative",
    "rank", "support", "transversal", "cross_sector", "sector_specific",
    "occupation_specific", "knowledge", "sibling", "label_words",
)
REUSE = {"transversal": "transversal", "cross-sector": "cross_sector",
         "sector-specific": "sector_specific", "occupation-specific": "occupation_specific"}
FILENAME = "ranker.json"


@dataclass
class RankerModel:
    """Standardise, then logistic regression. ``features`` names the columns."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept, "meta": self.meta}

    def save(self, folder: Path, filename: str = FILENAME) -> Path:
        path = Path(folder) / filename
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n")
        tmp.replace(path)
        return path

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = FILENAME,
                  known: tuple[str, ...] = FEATURES) -> RankerModel:
        try:
            features = tuple(data["features"])
            mean, scale, coef = (np.asarray(data[k], dtype=np.float64)
                                 for k in ("mean", "scale", "coef"))
            intercept = float(data["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"{source}: not a ranker ({exc!r}); refit it with "
                                "`skillmatch models fit-ranker`") from None
        unknown = sorted(set(features) - set(known))
        if unknown or any(len(a) != len(features) for a in (mean, scale, coef)):
            raise ArtifactError(f"{source}: features {unknown or features} do not match this "
                                f"version's ({', '.join(known)}); refit the ranker")
        return cls(features, mean, scale, coef, intercept, dict(data.get("meta", {})))

    @classmethod
    def load(cls, folder: Path, filename: str = FILENAME,
             known: tuple[str, ...] = FEATURES) -> RankerModel | None:
        path = Path(folder) / filename
        if not path.exists():
            return None
        return cls.from_json(json.loads(path.read_text()), str(path), known)


def feature_rows(cands: list[dict[str, float]], features: tuple[str, ...] = FEATURES
                 ) -> np.ndarray:
    """Candidates of one text (dicts of raw values) to a feature matrix; adds the
    features that depend on the other candidates (relative score and rank)."""
    if not cands:
        return np.zeros((0, len(features)), dtype=np.float64)
    top = max(c["score"] for c in cands)
    order = sorted(range(len(cands)), key=lambda i: -cands[i]["score"])
    for rank, i in enumerate(order):
        cands[i]["relative"] = cands[i]["score"] - top
        cands[i]["rank"] = math.log1p(rank)
    return np.array([[c.get(f, 0.0) for f in features] for c in cands], dtype=np.float64)


def fit_ranker(x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, folds: int = 5,
               c: float = 1.0, seed: int = 0, features: tuple[str, ...] = FEATURES,
               ) -> tuple[RankerModel, np.ndarray]:
    """Fit on all rows; also return out-of-fold probabilities (grouped by text) for an
    honest reliability chart and re-ranking figure on the fitting data."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    if len(set(y.tolist())) < 2:
        raise ArtifactError("ranker needs both right and wrong candidates to learn from")

    def fit(xs: np.ndarray, ys: np.ndarray) -> RankerModel:
        mean = xs.mean(axis=0)
        scale = xs.std(axis=0)
        scale[scale < 1e-9] = 1.0
        lr = LogisticRegression(C=c, max_iter=2000, random_state=seed)
        lr.fit((xs - mean) / scale, ys)
        return RankerModel(features, mean, scale, lr.coef_[0].astype(np.float64),
                           float(lr.intercept_[0]))

    oof = np.zeros(len(y))
    for train, held in GroupKFold(n_splits=folds).split(x, y, groups):
        oof[held] = fit(x[train], y[train]).predict(x[held])
    return fit(x, y), oof


def reliability(prob: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Per probability bin: mean predicted, observed share right, count."""
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (prob >= lo) & ((prob < hi) if hi < 1 else (prob <= hi))
        if mask.any():
            out.append({"low": float(lo), "high": float(hi), "predicted": float(prob[mask].mean()),
                        "observed": float(y[mask].mean()), "count": int(mask.sum())})
    return out


def expected_calibration_error(table: list[dict[str, float]]) -> float:
    total = sum(r["count"] for r in table) or 1
    return float(sum(r["count"] * abs(r["predicted"] - r["observed"]) for r in table) / total)
