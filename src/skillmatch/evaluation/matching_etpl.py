"""``skillmatch eval matching --dataset etpl``: program -> occupations on the Texas ETPL.

Each ETPL program declares up to three O*NET-SOC codes, 2010 and 2019 codes mixed;
they are resolved to SOC 2018 occupations (:class:`~skillmatch.matching.codes.SocResolver`)
and programs with at least one resolved code are scored: rank the SOC occupations for
the program text (program name, credential name and description) and compare with the
resolved codes (recall@10, MRR), at SOC 2018 level as the crosswalk evaluation does.

Baseline: the program text against the occupation's O*NET description (one vector
each). Learned: the program -> occupations weights fitted on the crosswalk dev half
(``--fit``), applied unchanged; its family prior reads the ETPL row's CIP code. Without
the code, two rows: the prior at its base rate, and the prior left at its training mean
(so it adds nothing), which is what ``align``'s "prepares for" does.
Identical program texts are featurised once.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..datasets import EtplProgram, read_etpl
from ..matching.codes import HOW, SocResolver
from ..matching.features import Programs, load_occupations, text_features
from ..matching.weights import check_model_id, load_weights
from .linking import ensure_esco, esco_linker
from .matching import SINGLE, TEXT_WEIGHT, ensure_onet, program_to_occupations

log = logging.getLogger(__name__)

ETPL_FILE = Path("twc-etpl") / "twc_etpl_2024-10-02.xlsx"
DIRECTION = "program_to_occupations"


def resolve_programs(programs: list[EtplProgram], resolver: SocResolver
                     ) -> tuple[list[set[str]], dict[str, Any]]:
    """Each program's SOC 2018 codes, and counts of what resolved how."""
    codes = sorted({c for p in programs for c in p.onet_codes})
    how = {c: resolver.resolve(c) for c in codes}
    gold = [set().union(*(how[c][0] for c in p.onet_codes)) if p.onet_codes else set()
            for p in programs]
    tiers = Counter(h for _, h in how.values())
    counts = {
        "rows": len(programs),
        "rows_without_codes": sum(1 for p in programs if not p.onet_codes),
        "rows_unresolved": sum(1 for p, g in zip(programs, gold) if p.onet_codes and not g),
        "rows_partly_resolved": sum(1 for p, g in zip(programs, gold) if g and any(
            how[c][1] == "unresolved" for c in p.onet_codes)),
        "rows_scored": sum(1 for g in gold if g),
        "distinct_codes": len(codes),
        "codes_by_resolution": {h: tiers.get(h, 0) for h in HOW},
        "unresolved_codes": [c for c in codes if how[c][1] == "unresolved"],
    }
    return gold, counts


def evaluate_etpl(app: SkillMatch, path: Path | None = None, weights_path: Path | None = None,
                  progress: ProgressFn | None = None) -> dict[str, Any]:
    start = time.time()
    shared = Path(app.settings.shared_data)
    path = path or shared / ETPL_FILE
    weights = load_weights(weights_path)
    check_model_id(weights, app.embedder.model_id)
    scorer = weights.scorer(DIRECTION)
    rows = read_etpl(path)
    ensure_onet(app)
    ensure_esco(app, progress)
    occ = load_occupations(app.conn)
    onet_codes = {r["code"] for r in app.taxonomies.occupations("onet")}
    resolver = SocResolver.from_shared(shared / "onet-soc-crosswalks", onet_codes)
    gold, counts = resolve_programs(rows, resolver)
    scored = [i for i, g in enumerate(gold) if g]
    # one feature row per distinct (name, text, CIP)
    keys: dict[tuple[str, str, str | None], int] = {}
    index = [keys.setdefault((rows[i].name, rows[i].text, rows[i].cip), len(keys))
             for i in scored]
    uniq = list(keys)
    programs = Programs(ids=[str(i) for i in range(len(uniq))], titles=[k[0] for k in uniq],
                        texts=[k[1] for k in uniq], baseline_texts=[k[1] for k in uniq],
                        cips=[k[2] for k in uniq])
    log.info("ETPL: %d programs scored, %d distinct texts", len(scored), len(uniq))
    feats = text_features(app.embedder, esco_linker(app), programs, occ, progress)
    prior = weights.prior.features(programs.cips, occ.socs)
    without_cip = weights.prior.features([None] * len(uniq), occ.socs)
    relevant = [gold[i] for i in scored]
    at = np.array(index)

    def measure(sim: np.ndarray) -> dict[str, float]:
        return program_to_occupations(sim[at], occ.socs, relevant)

    results = {
        "baseline": measure(feats["description"]),
        "fixed 0.5/0.5": measure(TEXT_WEIGHT * feats["text"] + (1 - TEXT_WEIGHT) * feats["skills"]),
        **{f"{name} only": measure(feats[name]) for name in SINGLE},
        "learned": measure(scorer.score({**feats, **prior})),
        "learned, no CIP": measure(scorer.score({**feats, **without_cip})),
        # what align's "prepares for" does without a CIP code: the prior at its mean
        "learned, prior at mean": measure(scorer.intercept + sum(
            scorer.terms(feats).values(), np.zeros(feats["text"].shape))),
    }
    return {"file": str(path), "model": app.embedder.model_id,
            "weights": str(weights_path or "package default"),
            "weights_fitted_on": weights.meta.get("fitted_on"),
            "candidates": len(occ.socs), "distinct_texts": len(uniq), **counts,
            "program_to_occupations": results, "seconds": round(time.time() - start, 1)}


def format_etpl(r: dict[str, Any]) -> list[str]:
    tiers = ", ".join(f"{k} {v}" for k, v in r["codes_by_resolution"].items())
    lines = [
        f"{Path(r['file']).name}: {r['rows']} programs; {r['rows_scored']} scored "
        f"({r['distinct_texts']} distinct texts), {r['rows_without_codes']} without codes, "
        f"{r['rows_unresolved']} with no resolvable code, {r['rows_partly_resolved']} partly "
        "resolved",
        f"{r['distinct_codes']} distinct O*NET-SOC codes: {tiers}",
        f"unresolved: {' '.join(r['unresolved_codes'])}",
        f"model {r['model']}; weights {r['weights']} (fitted on {r['weights_fitted_on']}); "
        f"{r['candidates']} SOC occupations ranked; {r['seconds']} s", "",
        "program -> occupations", f"  {'':<22} {'recall@10':>9} {'MRR':>7}"]
    for who, m in r["program_to_occupations"].items():
        lines.append(f"  {who:<22} {m['recall@10']:>9.4f} {m['MRR']:>7.4f}")
    return lines
