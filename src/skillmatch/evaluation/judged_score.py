"""Scoring the judged sheet of ``skillmatch eval judged``, and its table.

Per linker: precision (lenient and strict) and recall pooled over the union of the
judged links, overall and per document kind, with bootstrap intervals over documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .judged_documents import KINDS
from .judged_sheet import JUDGEMENTS, _judgement_map, read_jsonl


def _stats(rows: list[tuple[str, str | None]], pool: Counter[str | None]) -> dict[str, Any]:
    """Counts and rates of one linker's links (``(doc, judgement)`` pairs) against the
    judged union ``pool``."""
    c = Counter(j for _, j in rows)
    judged = c["correct"] + c["plausible"] + c["wrong"]
    good, union_good = c["correct"] + c["plausible"], pool["correct"] + pool["plausible"]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {"links": len(rows), "judged": judged, "unjudged": c[None],
            "correct": c["correct"], "plausible": c["plausible"], "wrong": c["wrong"],
            "precision": ratio(good, judged), "strict_precision": ratio(c["correct"], judged),
            "correct_found": c["correct"], "recall": ratio(good, union_good),
            "strict_recall": ratio(c["correct"], pool["correct"])}


def _bootstrap(per_doc: dict[str, dict[str, Counter[str]]], linkers: list[str],
               resamples: int, seed: int) -> dict[str, dict[str, list[float] | None]]:
    """95% percentile intervals of precision and pooled recall, documents resampled."""
    docs = sorted(per_doc)
    out: dict[str, dict[str, list[float] | None]] = {}
    if not docs or not resamples:
        return {n: {"precision": None, "recall": None} for n in linkers}
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(docs), size=(resamples, len(docs)))
    for name in linkers:
        good = np.array([per_doc[d][name]["correct"] + per_doc[d][name]["plausible"]
                         for d in docs], dtype=float)
        judged = good + np.array([per_doc[d][name]["wrong"] for d in docs], dtype=float)
        pool = np.array([per_doc[d]["*"]["correct"] + per_doc[d]["*"]["plausible"]
                         for d in docs], dtype=float)
        g, j, p = good[picks].sum(1), judged[picks].sum(1), pool[picks].sum(1)
        out[name] = {}
        for metric, num, den in (("precision", g, j), ("recall", g, p)):
            ok = den > 0
            vals = num[ok] / den[ok]
            out[name][metric] = ([round(float(np.percentile(vals, q)), 4) for q in (2.5, 97.5)]
                                 if len(vals) else None)
    return out


def score_judged(judgements: Iterable[Mapping[str, Any]] | Mapping[Any, Any],
                 key: Iterable[Mapping[str, Any]], *, resamples: int = 1000,
                 seed: int = 13) -> dict[str, Any]:
    """Per linker: links, correct, plausible, wrong, unjudged; precision
    ((correct + plausible) / judged links), strict precision (correct / judged links),
    correct skills found, and recall pooled over the union of all linkers' judged links
    (lenient: correct + plausible; strict: correct only); overall and per document kind,
    with 95% bootstrap intervals over documents for precision and recall.

    ``judgements``: sheet rows (``doc_id``, ``skill_id``, ``judgement``) or a mapping
    ``(doc_id, skill_id) -> judgement``; unjudged links are counted, not scored.
    """
    verdicts = _judgement_map(judgements)
    key = list(key)
    linkers = sorted({n for r in key for n in r["linkers"]})
    missing = [(r["doc_id"], r["skill_id"]) for r in key
               if (r["doc_id"], r["skill_id"]) not in verdicts]
    if missing and not isinstance(judgements, Mapping):
        raise InputError(f"{len(missing)} key rows are not in the sheet (first: "
                         f"{missing[0][0]} {missing[0][1]}); sheet and key do not belong "
                         "together")
    kinds = sorted({r.get("kind", "") for r in key}, key=lambda k: (k not in KINDS, k))
    report: dict[str, Any] = {"linkers": linkers, "rows": len(key),
                              "judged": sum(1 for r in key if verdicts.get(
                                  (r["doc_id"], r["skill_id"]))),
                              "documents": len({r["doc_id"] for r in key}), "by_kind": {}}
    for kind in [None, *kinds]:
        rows = [r for r in key if kind is None or r.get("kind", "") == kind]
        pool = Counter(verdicts.get((r["doc_id"], r["skill_id"])) for r in rows)
        per_doc: dict[str, dict[str, Counter[str]]] = defaultdict(
            lambda: defaultdict(Counter))
        for r in rows:
            j = verdicts.get((r["doc_id"], r["skill_id"]))
            per_doc[r["doc_id"]]["*"][str(j)] += 1
            for n in r["linkers"]:
                per_doc[r["doc_id"]][n][str(j)] += 1
        block: dict[str, Any] = {
            "documents": len({r["doc_id"] for r in rows}),
            "union": {j: pool[j] for j in JUDGEMENTS} | {"unjudged": pool[None]},
            "linkers": {n: _stats([(r["doc_id"], verdicts.get((r["doc_id"], r["skill_id"])))
                                   for r in rows if n in r["linkers"]], pool)
                        for n in linkers},
        }
        for n, ci in _bootstrap(per_doc, linkers, resamples, seed).items():
            block["linkers"][n]["ci95"] = ci
        if kind is None:
            report["all"] = block
        else:
            report["by_kind"][kind] = block
    return report


def format_judged(r: dict[str, Any]) -> Iterable[str]:
    """Side-by-side table: one column per linker, a section per document kind."""
    names = r["linkers"]
    width = max([12, *(len(n) for n in names)])
    yield (f"Hand-judged linking: {r['documents']} documents, {r['rows']} distinct links, "
           f"{r['judged']} judged (rules: docs/judging.md)")
    sections = [("all documents", r["all"])] + [
        (f"{k}s", b) for k, b in r["by_kind"].items()]
    metrics = [("links", "links"), ("judged", "judged"), ("correct", "correct"),
               ("plausible", "plausible"), ("wrong", "wrong"),
               ("precision", "precision"), ("strict precision", "strict_precision"),
               ("pooled recall", "recall"), ("strict recall", "strict_recall")]
    for title, block in sections:
        u = block["union"]
        yield ""
        yield (f"{title} ({block['documents']} documents; union: {u['correct']} correct, "
               f"{u['plausible']} plausible, {u['wrong']} wrong, {u['unjudged']} unjudged)")
        yield f"  {'':<18}" + "".join(f" {n:>{width}}" for n in names)
        for label, k in metrics:
            cells = []
            for n in names:
                v = block["linkers"][n][k]
                cells.append("-" if v is None else f"{v:.3f}" if isinstance(v, float)
                             else str(v))
            yield f"  {label:<18}" + "".join(f" {c:>{width}}" for c in cells)
        for metric in ("precision", "recall"):
            cells = []
            for n in names:
                ci = block["linkers"][n]["ci95"][metric]
                cells.append("-" if ci is None else f"{ci[0]:.2f}-{ci[1]:.2f}")
            yield f"  {metric + ' 95% CI':<18}" + "".join(f" {c:>{width}}" for c in cells)


def score_dir(sheet_dir: str | Path, **kwargs: Any) -> dict[str, Any]:
    """:func:`score_judged` on the sheet and key in ``sheet_dir``."""
    d = Path(sheet_dir)
    report = score_judged(read_jsonl(d / "sheet.jsonl"), read_jsonl(d / "key.jsonl"), **kwargs)
    report["sheet"] = str(d)
    return report
