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
definition. skillmatch: ``0.5 * text + 0.5 * skills`` where *text* compares the
program with the occupation's title, description and task statements (mean of
sentence vectors, as the import pipeline indexes documents) and *skills* is the
cosine between specificity-weighted skill profiles linked from both texts (ESCO).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..datasets import read_cip
from ..errors import InputError, NotFoundError
from ..taxonomy.sources import decode, parse_table
from . import metrics
from .linking import ensure_esco, esco_linker

TEXT_WEIGHT = 0.5
PROFILE_DEPTH = 30  # skills linked per text for the profiles
CROSSWALK_COLUMNS = ("CIP2020Code", "SOC2018Code")


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


def evaluate_matching(app: SkillMatch, crosswalk: Path | None = None,
                      progress: ProgressFn | None = None) -> dict[str, Any]:
    shared = Path(app.settings.shared_data)
    crosswalk = crosswalk or shared / "nces-cip2020" / "CIP2020_SOC2018_Crosswalk_dev-half.csv"
    if not crosswalk.exists():
        raise InputError("crosswalk file not found (expected CIP2020Code,SOC2018Code columns)",
                         path=crosswalk)
    gold = read_crosswalk(crosswalk)
    programs = read_cip(shared / "nces-cip2020" / "CIPCode2020.csv")
    cips = sorted(c for c in gold if c in programs)
    try:
        app.taxonomies.get("onet")
    except NotFoundError:
        app.import_taxonomy("onet", shared / "onet-29.2-text")
    ensure_esco(app, progress)
    occ = _occupations(app)
    socs = sorted({s for c in cips for s in gold[c]} & set(occ))
    embed = app.embedder.embed
    prog_texts = [f"{programs[c][0]}. {programs[c][1]}" for c in cips]
    # baseline: one vector per text, description against definition
    base_p = embed([programs[c][1] for c in cips])
    base_o = _by_soc(occ, embed([o["description"] for o in occ_rows(occ)]))
    # skillmatch: documents as the pipeline sees them, and skill profiles
    linker = esco_linker(app)
    _, ours_p = linker.link_documents(prog_texts)
    occ_docs = [o["document"] for o in occ_rows(occ)]
    _, doc_vecs = linker.link_documents(occ_docs)
    ours_o = _by_soc(occ, doc_vecs)
    prof_p = _profiles(linker, prog_texts, progress, "profiles (programs)")
    prof_o_rows = _profiles(linker, occ_docs, progress, "profiles (occupations)")
    prof_o = _by_soc(occ, prof_o_rows, normalise=True)
    prof_p, prof_o = _idf(prof_p, prof_o)
    soc_list = sorted(ours_o)
    base_sim = base_p @ np.stack([base_o[s] for s in soc_list]).T
    text_sim = ours_p @ np.stack([ours_o[s] for s in soc_list]).T
    skill_sim = prof_p @ np.stack([prof_o[s] for s in soc_list]).T
    ours_sim = TEXT_WEIGHT * text_sim + (1 - TEXT_WEIGHT) * skill_sim
    return {
        "crosswalk": str(crosswalk), "programs": len(cips), "occupations": len(socs),
        "pairs": sum(len(gold[c]) for c in cips), "model": app.embedder.model_id,
        "formula": f"{TEXT_WEIGHT} * text + {1 - TEXT_WEIGHT:g} * skill profile",
        "occupation_to_programs": {
            "baseline": _occ_to_prog(base_sim, cips, soc_list, socs, gold),
            "skillmatch": _occ_to_prog(ours_sim, cips, soc_list, socs, gold),
            "text only": _occ_to_prog(text_sim, cips, soc_list, socs, gold),
            "skills only": _occ_to_prog(skill_sim, cips, soc_list, socs, gold),
        },
        "program_to_occupations": {
            "baseline": _prog_to_occ(base_sim, cips, soc_list, gold),
            "skillmatch": _prog_to_occ(ours_sim, cips, soc_list, gold),
            "text only": _prog_to_occ(text_sim, cips, soc_list, gold),
            "skills only": _prog_to_occ(skill_sim, cips, soc_list, gold),
        },
    }


def occ_rows(occ: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [o for soc in sorted(occ) for o in occ[soc]]


def _occupations(app: SkillMatch) -> dict[str, list[dict[str, Any]]]:
    """SOC 2018 code -> its O*NET occupations, with the document text used to match."""
    tasks: dict[int, list[str]] = defaultdict(list)
    for oid, text in app.conn.execute(
        "SELECT t.occupation_id, t.text FROM occupation_tasks t JOIN occupations o"
        " ON o.id=t.occupation_id JOIN taxonomies x ON x.id=o.taxonomy_id"
        " WHERE x.name='onet' ORDER BY t.id"):
        tasks[oid].append(text)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in app.taxonomies.occupations("onet"):
        doc = f"{row['label']}. {row['description']} " + " ".join(tasks[row["id"]][:8])
        out[row["code"][:7]].append({"code": row["code"], "label": row["label"],
                                     "description": row["description"], "document": doc})
    return dict(out)


def _by_soc(occ: dict[str, list[dict[str, Any]]], vectors: np.ndarray,
            normalise: bool = True) -> dict[str, np.ndarray]:
    out = {}
    i = 0
    for soc in sorted(occ):
        n = len(occ[soc])
        v = vectors[i : i + n].mean(axis=0)
        i += n
        norm = float(np.linalg.norm(v))
        out[soc] = v / norm if normalise and norm else v
    return out


def _profiles(linker: Any, texts: list[str], progress: ProgressFn | None,
              stage: str) -> np.ndarray:
    """Texts x skills matrix of linked-skill scores (the top skills of each text)."""
    width = max(linker.skills_) + 1
    out = np.zeros((len(texts), width), dtype=np.float32)
    step = 200
    for start in range(0, len(texts), step):
        for j, r in enumerate(linker.rank(texts[start : start + step], PROFILE_DEPTH),
                              start=start):
            for s in r.skills:
                out[j, s.row_id] = max(s.score, 0.0)
        if progress:
            progress(stage, min(start + step, len(texts)), len(texts))
    return out


def _idf(programs: np.ndarray, occupations: dict[str, np.ndarray]
         ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Weight skills by inverse document frequency over both sides, then unit-normalise."""
    occ = np.stack(list(occupations.values()))
    df = (programs > 0).sum(axis=0) + (occ > 0).sum(axis=0)
    idf = np.log((len(programs) + len(occ) + 1) / (df + 1)).astype(np.float32)

    def unit(m: np.ndarray) -> np.ndarray:
        m = m * idf
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)

    o = unit(occ)
    return unit(programs), dict(zip(occupations, o))


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
    rec, mrr = [], []
    for i, cip in enumerate(cips):
        relevant = gold[cip] & set(soc_list)
        if not relevant:
            continue
        ranked = [soc_list[j] for j in np.argsort(-sim[i])[:100]]
        rec.append(metrics.recall_at(ranked, relevant, 10))
        mrr.append(metrics.reciprocal_rank(ranked, relevant))
    return {"recall@10": float(np.mean(rec)), "MRR": float(np.mean(mrr)), "queries": len(rec)}


def format_matching(r: dict[str, Any]) -> list[str]:
    lines = [f"{r['programs']} programs, {r['occupations']} SOC occupations, {r['pairs']} pairs "
             f"({Path(r['crosswalk']).name}); model {r['model']}; skillmatch = {r['formula']}",
             "", "occupation -> programs", f"  {'':<12} {'recall@10':>9} {'MRR':>7} {'nDCG@10':>8}"]
    for who, m in r["occupation_to_programs"].items():
        lines.append(f"  {who:<12} {m['recall@10']:>9.4f} {m['MRR']:>7.4f} {m['nDCG@10']:>8.4f}")
    lines += ["", "program -> occupations", f"  {'':<12} {'recall@10':>9} {'MRR':>7}"]
    for who, m in r["program_to_occupations"].items():
        lines.append(f"  {who:<12} {m['recall@10']:>9.4f} {m['MRR']:>7.4f}")
    return lines
