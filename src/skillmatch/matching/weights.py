"""The learned matching model: logistic regressions over pair signals, stored as JSON.

One scorer per direction (occupation -> programs, program -> occupations), each
``score = intercept + sum_f coef_f * (x_f - mean_f) / scale_f`` over the features named
in the file (see :mod:`.features` and :mod:`.prior`); a higher score ranks a pair
higher. The file also holds the family prior's counts and how the weights were fitted
(``meta``). :func:`fit_model` fits on candidate pairs (every program of the training
set against every SOC occupation); ``skillmatch eval matching --fit`` writes the file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError
from .prior import FamilyPrior

log = logging.getLogger(__name__)

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
FORMAT = "skillmatch-matching-weights/1"
DEFAULT_C = 1.0


DIRECTIONS = ("occupation_to_programs", "program_to_occupations")
TEXT = ["text", "skills", "description", "title", "lexical"]
# prior_soc is left out of occupation -> programs: in cross-validation on the crosswalk dev
# half it lifts program -> occupations recall@10 (0.80 -> 0.87) and lowers occupation ->
# programs (0.78 -> 0.75); see docs/evaluation.md
DEFAULT_FEATURES = {
    "occupation_to_programs": [*TEXT, "prior_major", "prior_minor"],
    "program_to_occupations": [*TEXT, "prior_major", "prior_minor", "prior_soc"],
}


@dataclass
class LogisticScorer:
    """One direction's standardised logistic weights."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def score(self, feats: Mapping[str, np.ndarray]) -> np.ndarray:
        """Pair scores (log-odds) from a dict of equally shaped feature matrices."""
        missing = [f for f in self.features if f not in feats]
        if missing:
            raise ArtifactError(f"matching weights need feature(s) {', '.join(missing)}")
        out = np.full(np.shape(feats[self.features[0]]), self.intercept, dtype=np.float64)
        for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef):
            out += c * (np.asarray(feats[name], dtype=np.float64) - m) / s
        return out

    def terms(self, feats: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Each given feature's term ``coef * (x - mean) / scale`` of the score.

        A feature left out of ``feats`` is taken at its training mean (mean imputation
        on standardised features), so it adds nothing: the score of what is known is
        ``intercept + sum(terms.values())``.
        """
        return {name: c * (np.asarray(feats[name], dtype=np.float64) - m) / s
                for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef)
                if name in feats}

    def weights_table(self) -> dict[str, float]:
        """Coefficient per feature (on standardised features), for reports."""
        return {f: round(c, 4) for f, c in zip(self.features, self.coef)}

    def to_json(self) -> dict[str, Any]:
        return {"features": self.features, "mean": self.mean, "scale": self.scale,
                "coef": self.coef, "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogisticScorer:
        scorer = cls(features=[str(f) for f in data["features"]],
                     mean=[float(x) for x in data["mean"]],
                     scale=[float(x) for x in data["scale"]],
                     coef=[float(x) for x in data["coef"]],
                     intercept=float(data["intercept"]))
        n = len(scorer.features)
        if not (len(scorer.mean) == len(scorer.scale) == len(scorer.coef) == n):
            raise ValueError(f"{n} features but {len(scorer.mean)} means, "
                             f"{len(scorer.scale)} scales, {len(scorer.coef)} weights")
        return scorer


@dataclass
class MatchingWeights:
    """A scorer per direction, the family prior they read, and how they were fitted."""

    scorers: dict[str, LogisticScorer]
    prior: FamilyPrior
    meta: dict[str, Any] = field(default_factory=dict)

    def scorer(self, direction: str) -> LogisticScorer:
        if direction not in self.scorers:
            raise ArtifactError(f"matching weights have no {direction!r} scorer "
                                f"(have {', '.join(sorted(self.scorers))})")
        return self.scorers[direction]

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "meta": self.meta,
                "scorers": {d: s.to_json() for d, s in self.scorers.items()},
                "prior": self.prior.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "matching weights"
                  ) -> MatchingWeights:
        if data.get("format") != FORMAT:
            raise ArtifactError(f"{where}: format {data.get('format')!r}, expected {FORMAT!r}")
        try:
            return cls(scorers={str(d): LogisticScorer.from_json(s)
                                for d, s in data["scorers"].items()},
                       prior=FamilyPrior.from_json(data["prior"]),
                       meta=dict(data.get("meta") or {}))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ArtifactError(f"{where}: malformed ({exc!r})") from exc

    def save(self, path: Path = WEIGHTS_FILE) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
        return path


def load_weights(path: Path | None = None) -> MatchingWeights:
    """The weights file (default: the one shipped in this package)."""
    path = path or WEIGHTS_FILE
    if not path.is_file():
        raise ArtifactError(f"{path}: no matching weights; run `skillmatch eval matching --fit`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ArtifactError(f"{path}: not a matching weights object")
    return MatchingWeights.from_json(data, str(path))


def check_model_id(weights: MatchingWeights, model_id: str) -> None:
    """Warn when the weights were fitted on another embedding model's signals."""
    fitted = weights.meta.get("embedding_model")
    if fitted and fitted != model_id:
        log.warning("matching weights were fitted with embedding model %s, scoring with %s; "
                    "re-fit with `skillmatch eval matching --fit`", fitted, model_id)


def fit_model(feats: Mapping[str, np.ndarray], labels: np.ndarray, rows: np.ndarray,
              features: Sequence[str], seed: int = 13, c: float = DEFAULT_C
              ) -> LogisticScorer:
    """Logistic regression on the pairs of the given program ``rows`` (all columns).

    ``labels`` is the programs x SOCs 0/1 matrix; features are standardised on those
    rows; classes are balanced so the few positive pairs weigh as much as the rest.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.stack([np.asarray(feats[f])[rows].ravel() for f in features], axis=1)
    y = labels[rows].ravel()
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=500, random_state=seed)
    lr.fit((x - mean) / scale, y)
    return LogisticScorer(features=list(features), mean=[float(v) for v in mean],
                          scale=[float(v) for v in scale],
                          coef=[float(v) for v in lr.coef_[0]],
                          intercept=float(lr.intercept_[0]))
