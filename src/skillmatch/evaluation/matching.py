"""``skillmatch eval matching``: programs and occupations, against the CIP-SOC crosswalk.

The catalogue is the programs of the crosswalk file given (default: the dev half in
``../shared/data/nces-cip2020``), each described by its CIP title and definition;
the occupations are O*NET 29.2's, grouped by their SOC 2018 code (the first seven
characters of the O*NET-SOC code). Two directions:

- occupation to programs (a counselor's target occupation): rank the programs for
  each SOC code; recall@10, MRR and nDCG@10 against the crosswalk's programs;
- program to occupations (the alignment report's "prepares for"): rank SOC codes
  for each program; recall@10 and MRR.

Baseline: cosine between the occupation's O*NET description and the program
definition. Fixed formula (before issue 8): ``0.5 * text + 0.5 * skills``. Learned:
a logistic regression per direction over the signals of :mod:`skillmatch.matching`,
scored out of fold (k folds over programs, seeded: no program is in both the fit and
the folds it is scored in; the family prior is counted from the fit's programs only),
with each feature dropped in turn as ablations. ``--fit`` fits on every program of the
file and writes the weights JSON the product and the ETPL evaluation use: to
``--output PATH``, or over the package's own file (shipped) only with ``--overwrite``.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..datasets import read_cip
from ..errors import ConflictError, InputError, NotFoundError
from ..matching.features import Programs, load_occupations, text_features
from ..matching.prior import FamilyPrior
from ..matching.weights import (
    DEFAULT_FEATURES,
    DIRECTIONS,
    WEIGHTS_FILE,
    MatchingWeights,
    fit_model,
)
from ..taxonomy.sources import decode, parse_table
from . import metrics
from .linking import ensure_esco, esco_linker

log = logging.getLogger(__name__)

TEXT_WEIGHT = 0.5  # the fixed formula before issue 8, kept as a reference row
FOLDS = 5
SEED = 13
CROSSWALK_COLUMNS = ("CIP2020Code", "SOC2018Code")
SINGLE = ("text", "skills", "title", "lexical")


def read_crosswalk(path: Path) -> dict[str, set[str]]:
    """CIP code -> SOC codes; errors name the file, line and column."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # the raw NCES exports are latin-1
    else:
        text = decode(raw, str(path))
    pairs: dict[str, set[str]] = defaultdict(set)
    for line, row in parse_table(text, str(path), required=CROSSWALK_COLUMNS,
                                 expected="a CIP 2020 to SOC 2018 crosswalk"):
        cip, soc = row["CIP2020Code"].strip('="'), row["SOC2018Code"].strip('="')
        if not re.fullmatch(r"\d{2}\.\d{4}", cip):
            raise InputError(f"{cip!r} is not a CIP code (expected like 51.3902)",
                             path=path, line=line, column="CIP2020Code")
        if soc == "99-9999" or not re.fullmatch(r"\d{2}-\d{4}", soc):
            continue  # the official file's "NO MATCH" rows, if a file keeps them
        pairs[cip].add(soc)
    if not pairs:
        raise InputError("no program to occupation pairs", path=path)
    return dict(pairs)


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def ensure_onet(app: SkillMatch) -> None:
    try:
        app.taxonomies.get("onet")
    except NotFoundError:
        app.import_taxonomy("onet", Path(app.settings.shared_data) / "onet-29.2-text")


def crosswalk_features(app: SkillMatch, crosswalk: Path | None = None,
                       progress: ProgressFn | None = None) -> dict[str, Any]:
    """Programs, occupations, gold pairs and text signals of a crosswalk file."""
    shared = Path(app.settings.shared_data)
    crosswalk = crosswalk or shared / "nces-cip2020" / "CIP2020_SOC2018_Crosswalk_dev-half.csv"
    if not crosswalk.exists():
        raise InputError("crosswalk file not found (expected CIP2020Code,SOC2018Code columns)",
                         path=crosswalk)
    gold = read_crosswalk(crosswalk)
    cip = read_cip(shared / "nces-cip2020" / "CIPCode2020.csv")
    cips = sorted(c for c in gold if c in cip)
    ensure_onet(app)
    ensure_esco(app, progress)
    occ = load_occupations(app.conn)
    programs = Programs(ids=cips, titles=[cip[c][0] for c in cips],
                        texts=[f"{cip[c][0]}. {cip[c][1]}" for c in cips],
                        baseline_texts=[cip[c][1] for c in cips], cips=list(cips))
    feats = text_features(app.embedder, esco_linker(app), programs, occ, progress)
    col = {s: i for i, s in enumerate(occ.socs)}
    labels = np.zeros((len(cips), len(occ.socs)), dtype=np.int8)
    for i, c in enumerate(cips):
        for s in gold[c]:
            if s in col:
                labels[i, col[s]] = 1
    return {"crosswalk": crosswalk, "gold": {c: gold[c] for c in cips}, "cips": cips,
            "occupations": occ, "features": feats, "labels": labels}


def with_prior(feats: dict[str, np.ndarray], prior: FamilyPrior, cips: list[str],
               socs: list[str], rows: np.ndarray, leave_out: dict[str, set[str]] | None
               ) -> dict[str, np.ndarray]:
    """``feats`` restricted to ``rows`` plus the prior's signals for those programs."""
    out = {k: v[rows] for k, v in feats.items()}
    out.update(prior.features([cips[i] for i in rows], socs, leave_out=leave_out))
    return out


def out_of_fold(data: dict[str, Any], features: list[str], folds: int = FOLDS,
                seed: int = SEED) -> np.ndarray:
    """Scores of every pair, each program scored by a model fitted without it."""
    cips, gold = data["cips"], data["gold"]
    socs = data["occupations"].socs
    perm = np.random.default_rng(seed).permutation(len(cips))
    out = np.zeros(data["labels"].shape)
    for part in np.array_split(perm, folds):
        test = np.sort(part)
        train = np.setdiff1d(np.arange(len(cips)), test)
        fit_gold = {cips[i]: gold[cips[i]] for i in train}
        prior = FamilyPrior.fit(fit_gold)
        fit_feats = with_prior(data["features"], prior, cips, socs, train, fit_gold)
        scorer = fit_model(fit_feats, data["labels"][train], np.arange(len(train)), features,
                           seed=seed)
        out[test] = scorer.score(with_prior(data["features"], prior, cips, socs, test, None))
    return out


def _both(sim: np.ndarray, data: dict[str, Any]) -> dict[str, dict[str, float]]:
    cips, gold, socs = data["cips"], data["gold"], data["occupations"].socs
    queries = sorted({s for c in cips for s in gold[c]} & set(socs))
    return {"occupation_to_programs": _occ_to_prog(sim, cips, socs, queries, gold),
            "program_to_occupations": _prog_to_occ(sim, cips, socs, gold)}


def evaluate_matching(app: SkillMatch, crosswalk: Path | None = None, folds: int = FOLDS,
                      seed: int = SEED, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Baseline, fixed formula, single signals, learned (out of fold) and ablations."""
    start = time.time()
    data = crosswalk_features(app, crosswalk, progress)
    f = data["features"]
    rows: dict[str, dict[str, dict[str, float]]] = {d: {} for d in DIRECTIONS}

    def add(name: str, sim: np.ndarray, only: str | None = None) -> None:
        for d, m in _both(sim, data).items():
            if only in (None, d):
                rows[d][name] = m

    add("baseline", f["description"])
    add("fixed 0.5/0.5", TEXT_WEIGHT * f["text"] + (1 - TEXT_WEIGHT) * f["skills"])
    for name in SINGLE:
        add(f"{name} only", f[name])
    for d in DIRECTIONS:
        feats = DEFAULT_FEATURES[d]
        log.info("cross-validating %s (%d folds, %d features)", d, folds, len(feats))
        add("learned", out_of_fold(data, feats, folds, seed), d)
        for drop in feats:
            add(f"- {drop}", out_of_fold(data, [x for x in feats if x != drop], folds, seed), d)
    other = DEFAULT_FEATURES["program_to_occupations"]
    add("+ prior_soc", out_of_fold(data, other, folds, seed), "occupation_to_programs")
    return {
        "crosswalk": str(data["crosswalk"]), "programs": len(data["cips"]),
        "occupations": int((data["labels"].sum(axis=0) > 0).sum()),
        "candidates": len(data["occupations"].socs),
        "pairs": int(data["labels"].sum()), "model": app.embedder.model_id,
        "folds": folds, "seed": seed,
        "features": {d: DEFAULT_FEATURES[d] for d in DIRECTIONS},
        "seconds": round(time.time() - start, 1), **rows,
    }


def weights_target(output: Path | None = None, overwrite: bool = False) -> Path:
    """Where ``--fit`` writes: ``output``, else the package's weights.json. A file already
    there is never written over unless ``overwrite``: the package's ships with it."""
    path = Path(output) if output is not None else WEIGHTS_FILE
    if path.exists() and not overwrite:
        whose = "the shipped matching weights" if path == WEIGHTS_FILE else "a file"
        raise ConflictError(f"{path} exists ({whose}) and is not written over: pass "
                            "--overwrite to replace it, or --output PATH to write elsewhere")
    return path


def fit_matching(app: SkillMatch, crosswalk: Path | None = None, output: Path | None = None,
                 seed: int = SEED, progress: ProgressFn | None = None,
                 overwrite: bool = False) -> dict[str, Any]:
    """Fit both directions on every program of the crosswalk; write the weights JSON to
    :func:`weights_target` (checked before any work: an existing file, the package's
    shipped one included, is refused unless ``overwrite``)."""
    target = weights_target(output, overwrite)
    start = time.time()
    data = crosswalk_features(app, crosswalk, progress)
    cips, gold, socs = data["cips"], data["gold"], data["occupations"].socs
    prior = FamilyPrior.fit(gold)
    everything = np.arange(len(cips))
    feats = with_prior(data["features"], prior, cips, socs, everything, gold)
    scorers = {d: fit_model(feats, data["labels"], everything, DEFAULT_FEATURES[d], seed=seed)
               for d in DIRECTIONS}
    weights = MatchingWeights(scorers=scorers, prior=prior, meta={
        "fitted_on": Path(data["crosswalk"]).name, "programs": len(cips),
        "candidate_occupations": len(socs), "positive_pairs": int(data["labels"].sum()),
        "embedding_model": app.embedder.model_id, "seed": seed,
        "model": "sklearn LogisticRegression(C=1, class_weight='balanced') on standardised "
                 "features, every program x every SOC occupation",
        "command": "skillmatch eval matching --fit"})
    path = weights.save(target)
    return {"path": str(path), "programs": len(cips), "candidates": len(socs),
            "model": app.embedder.model_id, "seed": seed,
            "weights": {d: s.weights_table() for d, s in scorers.items()},
            "intercepts": {d: round(s.intercept, 4) for d, s in scorers.items()},
            "seconds": round(time.time() - start, 1)}


def _occ_to_prog(sim: np.ndarray, cips: list[str], soc_list: list[str], socs: list[str],
                 gold: dict[str, set[str]]) -> dict[str, float]:
    col = {s: i for i, s in enumerate(soc_list)}
    rec, mrr, ndcg = [], [], []
    for soc in socs:
        relevant = {c for c in cips if soc in gold[c]}
        ranked = [cips[i] for i in np.argsort(-sim[:, col[soc]])[:100]]
        rec.append(metrics.recall_at(ranked, relevant, 10))
        mrr.append(metrics.reciprocal_rank(ranked, relevant))
        ndcg.append(ndcg_at(ranked, relevant, 10))
    return {"recall@10": float(np.mean(rec)), "MRR": float(np.mean(mrr)),
            "nDCG@10": float(np.mean(ndcg)), "queries": len(socs)}


def _prog_to_occ(sim: np.ndarray, cips: list[str], soc_list: list[str],
                 gold: dict[str, set[str]]) -> dict[str, float]:
    return program_to_occupations(sim, soc_list, [gold[c] for c in cips])


def program_to_occupations(sim: np.ndarray, soc_list: list[str], relevant: list[set[str]]
                           ) -> dict[str, float]:
    """recall@10 and MRR of each row's ranking of ``soc_list`` (rows without gold skipped)."""
    known = set(soc_list)
    rec, mrr = [], []
    for i, rel in enumerate(relevant):
        rel = rel & known
        if not rel:
            continue
        ranked = [soc_list[j] for j in np.argsort(-sim[i], kind="stable")[:100]]
        rec.append(metrics.recall_at(ranked, rel, 10))
        mrr.append(metrics.reciprocal_rank(ranked, rel))
    return {"recall@10": float(np.mean(rec)), "MRR": float(np.mean(mrr)), "queries": len(rec)}


def format_matching(r: dict[str, Any]) -> list[str]:
    lines = [f"{r['programs']} programs, {r['occupations']} SOC occupations in the file "
             f"({r['candidates']} ranked), {r['pairs']} pairs ({Path(r['crosswalk']).name}); "
             f"model {r['model']}; learned = {r['folds']}-fold out-of-fold over programs, "
             f"seed {r['seed']}; {r['seconds']} s", "",
             "occupation -> programs",
             f"  {'':<16} {'recall@10':>9} {'MRR':>7} {'nDCG@10':>8}"]
    for who, m in r["occupation_to_programs"].items():
        lines.append(f"  {who:<16} {m['recall@10']:>9.4f} {m['MRR']:>7.4f} {m['nDCG@10']:>8.4f}")
    lines += ["", "program -> occupations", f"  {'':<16} {'recall@10':>9} {'MRR':>7}"]
    for who, m in r["program_to_occupations"].items():
        lines.append(f"  {who:<16} {m['recall@10']:>9.4f} {m['MRR']:>7.4f}")
    return lines


def format_fit(r: dict[str, Any]) -> list[str]:
    lines = [f"wrote {r['path']} ({r['programs']} programs x {r['candidates']} occupations, "
             f"model {r['model']}, seed {r['seed']}, {r['seconds']} s)"]
    for d, w in r["weights"].items():
        lines.append(f"  {d}: intercept {r['intercepts'][d]}, "
                     + ", ".join(f"{k} {v:+.3f}" for k, v in w.items()))
    return lines
