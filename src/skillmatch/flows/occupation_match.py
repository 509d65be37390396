"""What a credential prepares for: occupations ranked by the learned matching model.

``align``'s "prepares for" uses the program -> occupations scorer of
:mod:`skillmatch.matching` (fitted on the CIP 2020 to SOC 2018 crosswalk, see
docs/evaluation.md) whenever O*NET is loaded. The candidates are O*NET's occupations
grouped by SOC 2018 code, each reported under its first O*NET-SOC code. The signals are
computed for the credential exactly as the evaluation computes them for a program
(:func:`~skillmatch.matching.features.pair_features`):

- ``text``, ``lexical``: the credential's title and description;
- ``skills``: the same, when the workspace links against ESCO (the weights were fitted on
  ESCO skill profiles; another taxonomy's profiles have another scale);
- ``description``: its description (a credential with none lacks it);
- ``title``: its title (a free-text description has none);
- ``prior_major``, ``prior_minor``, ``prior_soc``: the CIP family prior, when the
  credential record carries a CIP code (an extra ``cip_code`` or ``cip`` field, as CIP
  programs from :func:`skillmatch.datasets.cip_programs` have).

A signal the credential cannot give is taken at the mean the scorer standardised it
with, so it adds nothing to the score; the basis lists the signals used and why the
others were not. The occupation side (document vectors, skill profiles, title vectors,
TF-IDF) is computed once per linker and kept by the linking service; it is also saved in the
workspace (:mod:`skillmatch.matching.cache`), so a new process loads it unless one of its
inputs changed. Without O*NET, or without a usable weights file, :func:`load_matcher`
says why and ``align`` keeps the fixed formula of :func:`.align.prepares_for`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..embeddings.base import Embedder
from ..errors import ArtifactError, NotFoundError
from ..locks import file_lock
from ..matching.cache import cached_occupation_signals
from ..matching.features import (
    Occupations,
    OccupationSignals,
    Programs,
    ProgressFn,
    load_occupations,
    pair_features,
    ranked_profiles,
)
from ..matching.profile_cache import FILENAME as PROFILES_FILE
from ..matching.profile_cache import ProfileCache, linker_fingerprint
from ..matching.weights import (
    WEIGHTS_FILE,
    LogisticScorer,
    MatchingWeights,
    check_model_id,
    load_weights,
)
from ..storage.taxonomy_store import TaxonomyStore

DIRECTION = "program_to_occupations"
FILL_BATCH = 25  # credentials linked per batch when profiles are kept (about 1.5 s)
SKILL_TAXONOMY = "esco"  # the weights' skill profiles were linked against ESCO alone
CIP_KEYS = ("cip_code", "cip")
SCORE = ("log-odds of the learned program -> occupations scorer: intercept + sum of "
         "coef * (signal - mean) / scale; a missing signal is taken at its mean and adds 0; "
         "higher ranks higher (not a calibrated probability)")


@dataclass(frozen=True)
class Subject:
    """The credential side: what the signals read."""

    title: str  # "" for a free-text description
    description: str
    cip: str | None = None

    @property
    def text(self) -> str:
        """As the catalogue indexes a credential (``Credential.text``)."""
        return f"{self.title}. {self.description}".strip() if self.title else self.description


def catalog_subjects(rows: Sequence[Mapping[str, Any]]) -> list[Subject]:
    """The credentials of catalogue rows as the matcher reads them (what align does)."""
    return [Subject(r["title"], r["description"] or "", cip_of(r.get("meta"))) for r in rows]


def cip_of(meta: Any) -> str | None:
    """The CIP code among a credential record's extra fields (``cip_code`` or ``cip``;
    ``meta`` as stored, JSON text, or a dict): ``11.0101``, ``110101`` or a 4-digit
    series ``11.01``, returned as ``11.0101`` / ``11.01``; None when absent or not a CIP
    code."""
    if isinstance(meta, str):
        try:
            meta = json.loads(meta or "{}")
        except json.JSONDecodeError:
            return None
    if not isinstance(meta, Mapping):
        return None
    for key in CIP_KEYS:
        value = str(meta.get(key) or "").strip().strip('="')
        m = re.fullmatch(r"(\d{1,2})\.(\d{2}|\d{4})", value)
        if m:
            return f"{int(m[1]):02d}.{m[2]}"
        if re.fullmatch(r"\d{6}", value):
            return f"{value[:2]}.{value[2:]}"
    return None


class OccupationMatcher:
    """The learned scorer with the occupation side of its signals, ready for credentials."""

    def __init__(self, weights: MatchingWeights, weights_path: Path, occ: Occupations,
                 side: OccupationSignals, linker: Any, embedder: Any,
                 profiles: ProfileCache | None = None) -> None:
        self.weights = weights
        self.profiles = profiles  # the credential texts' skill profiles, kept
        self.scorer: LogisticScorer = weights.scorer(DIRECTION)
        self.occ = occ
        self.side = side
        self.linker = linker
        self.embedder = embedder
        self.linked = dict(getattr(linker, "taxonomies_", {}))  # taxonomy -> version
        raw = weights_path.read_bytes()
        self.provenance = {
            "method": "learned",
            "weights": (f"skillmatch/matching/{WEIGHTS_FILE.name}"
                        if weights_path == WEIGHTS_FILE else str(weights_path)),
            "weights_sha256": hashlib.sha256(raw).hexdigest()[:12],
            "fitted_model": weights.meta.get("embedding_model"),
            "direction": DIRECTION,
        }

    def signals(self, subject: Subject) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """The scorer's signals the credential gives (one value per SOC), and why each
        missing one is missing."""
        text = subject.text
        programs = Programs(ids=["credential"], titles=[subject.title or text], texts=[text],
                            baseline_texts=[subject.description or text], cips=[subject.cip])
        feats = {k: v[0] for k, v in pair_features(
            self.embedder.embed, self.linker, programs, self.occ, self.side,
            profile_cache=self.profiles).items()}
        missing: dict[str, str] = {}
        if not subject.title:
            missing["title"] = "no title (a free-text description)"
        if not subject.description:
            missing["description"] = "the credential has no description"
        if SKILL_TAXONOMY not in self.linked:
            missing["skills"] = (f"the weights' skill profiles are {SKILL_TAXONOMY}'s; this "
                                 f"workspace links against {', '.join(self.linked) or 'none'}")
        wanted = set(self.scorer.features)
        priors = sorted(f for f in wanted if f.startswith("prior_"))
        if subject.cip:
            feats.update({k: v[0] for k, v in self.weights.prior.features(
                [subject.cip], self.occ.socs).items() if k in wanted})
        else:
            missing.update({f: f"no CIP code on the credential record ({' or '.join(CIP_KEYS)})"
                            for f in priors})
        return {k: v for k, v in feats.items() if k in wanted and k not in missing}, missing

    def fill_profiles(self, subjects: Sequence[Subject],
                      stop: Callable[[], bool] | None = None) -> int:
        """Store the skill profiles of ``subjects`` that are not kept yet (so that
        aligning them reads them); how many were computed."""
        if self.profiles is None:
            return 0

        def compute(texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
            return ranked_profiles(self.linker, texts)

        # one process fills at a time: another server worker waits, then finds them kept
        with file_lock(self.profiles.path.with_suffix(".lock")):
            # small batches: a server stopping mid-fill waits one batch at most
            return self.profiles.fill([s.text for s in subjects], compute, batch=FILL_BATCH,
                                      stop=stop)

    def rank(self, subject: Subject, k: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The ``k`` best occupations, each with its score, signals and their terms; and
        the basis (weights, signals used and missing)."""
        feats, missing = self.signals(subject)
        terms = self.scorer.terms(feats)
        score = self.scorer.intercept + sum(terms.values(), np.zeros(len(self.occ.socs)))
        used = [f for f in self.scorer.features if f in feats]
        rows = []
        for j in np.argsort(-score, kind="stable")[:k].tolist():
            soc = self.occ.socs[j]
            rows.append({
                "code": self.occ.codes.get(soc, soc), "soc": soc,
                "label": self.occ.labels[soc], "score": round(float(score[j]), 4),
                "signals": {f: round(float(feats[f][j]), 4) for f in used},
                "contributions": {f: round(float(terms[f][j]), 4) for f in used},
                "provenance": dict(self.provenance),
            })
        fitted = self.provenance["fitted_model"]
        basis = {
            **self.provenance, "learned": True,
            "fitted_on": self.weights.meta.get("fitted_on"),
            "scoring_model": self.embedder.model_id,
            "same_model": fitted == self.embedder.model_id,
            "skills_linked_against": dict(self.linked),
            "candidates": len(self.occ.socs), "cip": subject.cip,
            "signals_used": used, "signals_missing": missing, "score": SCORE,
        }
        return rows, basis


def load_matcher(conn: sqlite3.Connection, embedder: Embedder, cache_dir: Path, linker: Any,
                 path: Path | None = None, progress: ProgressFn | None = None,
                 profiles_dir: Path | None = None) -> OccupationMatcher | str:
    """The matcher over the O*NET occupations of the database ``conn``, or why there is
    none; the occupation signals are kept in ``cache_dir`` (``progress`` sees them
    computed or read)."""
    try:
        TaxonomyStore(conn).get("onet")
    except NotFoundError:
        return ("no O*NET occupations loaded, so no SOC occupations to score "
                "(skillmatch taxonomy import onet PATH)")
    path = path or WEIGHTS_FILE
    try:
        weights = load_weights(path)
        weights.scorer(DIRECTION)
    except ArtifactError as exc:
        return f"matching weights unusable: {exc}"
    check_model_id(weights, embedder.model_id)
    occ = load_occupations(conn)
    if not occ.socs:
        return "the onet taxonomy has no occupations"
    # kept in the workspace: a new process loads it instead of recomputing it
    side = cached_occupation_signals(cache_dir, embedder, linker, occ, progress)
    profiles = (ProfileCache(profiles_dir / PROFILES_FILE, linker_fingerprint(linker))
                if profiles_dir is not None else None)
    return OccupationMatcher(weights, path, occ, side, linker, embedder, profiles)
