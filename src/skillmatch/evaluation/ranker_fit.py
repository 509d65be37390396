"""``skillmatch models fit-ranker``: learn the linker's calibrated score on SkillSkape dev.

Every dev sentence is linked against ESCO (the active model, the linker's settings);
each candidate skill becomes a feature row labelled by whether it is a gold skill.
A logistic regression is fitted on all rows and written beside the model
(``models/<model>/ranker.json``; a file already there ships with the model and is only
written over when asked, ``overwrite``; ``output`` writes elsewhere); five folds grouped
by sentence give out-of-fold probabilities for the honest figures: dev RP@5 of the
re-ranked candidates beside the raw linker order, the reliability table (predicted
against observed, ten bins) and its expected calibration error, drawn as a chart when
``chart`` is given. Test is never read here.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..errors import ConfigurationError, ConflictError
from ..linking.ranker import FILENAME, expected_calibration_error, fit_ranker, reliability
from . import metrics, skillskape
from .linking import _join, _to_tokens, ensure_esco, esco_linker, load_skillspan

log = logging.getLogger(__name__)

DEPTH = 40  # candidates per sentence the ranker sees (and re-ranks)
PROBABILITY_CUTS = (0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
RAW_CUTS = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def fit_target(settings: Any, filename: str, what: str, output: Path | None = None,
               overwrite: bool = False) -> Path:
    """Where a fit writes: ``output``, else ``filename`` beside the active model. A file
    already there is never written over unless ``overwrite``: the one beside a model ships
    with it (``models/<model>/ranker.json``, ``document.json``)."""
    beside = Path(settings.models_dir) / settings.model_name / filename
    path = Path(output) if output is not None else beside
    if path.exists() and not overwrite:
        whose = f"the {what} of model {settings.model_name}" if path == beside else "a file"
        raise ConflictError(f"{path} exists ({whose}) and is not written over: pass "
                            "--overwrite to replace it, or --output PATH to write elsewhere")
    return path


def fit_linker_ranker(app: SkillMatch, *, limit: int | None = None, folds: int = 5,
                      chart: Path | None = None, save: bool = True,
                      output: Path | None = None, overwrite: bool = False,
                      progress: ProgressFn | None = None) -> dict[str, Any]:
    """Fit the ranker; with ``save``, write it to :func:`fit_target` (checked before any
    work: an existing file is refused unless ``overwrite``)."""
    if app.settings.embedder != "onnx":
        raise ConfigurationError("the ranker is fitted for an exported model "
                                 f"(embedder 'onnx'), not {app.settings.embedder!r}")
    target = fit_target(app.settings, FILENAME, "ranker", output, overwrite) if save else None
    started = time.perf_counter()
    ensure_esco(app, progress)
    linker = esco_linker(app, ranker=False)
    _, dev = skillskape.esco_split(Path(app.settings.shared_data), "dev", limit)
    sentences = [s for s, _ in dev]
    table: list[tuple[list[str], np.ndarray]] = []
    step = 250
    for start in range(0, len(sentences), step):
        table.extend(linker.candidate_table(sentences[start : start + step], DEPTH))
        if progress:
            progress("candidates", min(start + step, len(sentences)), len(sentences))
    x = np.concatenate([feats for _, feats in table])
    y = np.concatenate([[code in gold for code in codes] for (codes, _), (_, gold)
                        in zip(table, dev)]).astype(np.float64)
    groups = np.concatenate([[i] * len(codes) for i, (codes, _) in enumerate(table)])
    model, oof = fit_ranker(x, y, groups, folds=folds)
    raw_col = model.features.index("score")
    figures = {
        "raw linker": _rank_scores(table, dev, [feats[:, raw_col] for _, feats in table]),
        "ranker (out of fold)": _rank_scores(table, dev, _split(oof, table)),
    }
    calib = reliability(oof, y)
    raw = np.clip(x[:, raw_col], 0, 1)
    raw_calib = reliability(raw, y)
    model.meta = {
        "model": app.embedder.model_id,
        "taxonomy": f"esco {app.taxonomies.get('esco').version}",
        "taxonomy_name": "esco",
        "fitted_on": f"SkillSkape dev ({len(dev)} sentences, {len(y)} candidates, "
                     f"{int(y.sum())} right)",
        "depth": DEPTH,
        "linker": {k: getattr(linker, k) for k in ("candidates", "lexical_bonus",
                                                     "context_weight", "support_weight")},
        "dev": figures,
        "reliability": calib,
        "ece": round(expected_calibration_error(calib), 4),
        "ece_raw_score": round(expected_calibration_error(raw_calib), 4),
        "weights": dict(zip(model.features, np.round(model.coef, 4).tolist())),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    linker.ranker = model
    sweep = threshold_sweep(linker, Path(app.settings.shared_data) / "skillspan" / "dev.json",
                            progress)
    if sweep:
        model.meta["skillspan_dev"] = sweep
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        model.meta["path"] = str(model.save(target.parent, target.name))
    if chart is not None:
        draw_reliability(calib, raw_calib, chart, model.meta["model"])
        model.meta["chart"] = str(chart)
    return model.meta


def threshold_sweep(linker: Any, path: Path, progress: ProgressFn | None = None
                    ) -> dict[str, list[dict[str, float]]]:
    """Link SkillSpan dev (real posting sentences) once and score the evidence spans at
    each cut of the ranker's probability and of the linker's own score. It decides what
    thresholded linking keys on: on SkillSpan dev the raw score at 0.55 gives strict F1
    0.264, the best probability cut 0.238 (the probabilities are calibrated on
    SkillSkape's sentences; real postings are another distribution), so link() keeps
    the raw score and threshold and reports the probability beside it."""
    if not path.exists():
        return {}
    data = load_skillspan(path)
    texts, offsets = zip(*(_join(tokens) for tokens, _ in data))
    found: list[list[tuple[float, float, metrics.Span]]] = []
    step = 250
    for start in range(0, len(texts), step):
        for j, result in enumerate(linker.link(list(texts[start : start + step]), 0.0),
                                   start=start):
            found.append([(s.probability or 0.0, s.score,
                           _to_tokens(s.evidence.start, s.evidence.end, offsets[j]))
                          for s in result.skills])
        if progress:
            progress("threshold (SkillSpan dev)", min(start + step, len(texts)), len(texts))
    gold = [spans for _, spans in data]
    out: dict[str, list[dict[str, float]]] = {}
    for key, grid, col in (("probability", PROBABILITY_CUTS, 0), ("raw score", RAW_CUTS, 1)):
        rows = []
        for t in grid:
            pred = [sorted({span for *scores, span in fs
                            if scores[col] >= t and span[1] > span[0]}) for fs in found]
            loose, strict = (metrics.span_prf(pred, gold, rule) for rule in ("loose", "strict"))
            rows.append({"threshold": t, "loose_f1": round(loose["f1"], 4),
                         "strict_f1": round(strict["f1"], 4), "spans": strict["predicted"]})
        out[key] = rows
    return out


def _split(values: np.ndarray, table: list[tuple[list[str], np.ndarray]]) -> list[np.ndarray]:
    out, start = [], 0
    for codes, _ in table:
        out.append(values[start : start + len(codes)])
        start += len(codes)
    return out


def _rank_scores(table: list[tuple[list[str], np.ndarray]],
                 dev: list[tuple[str, set[str]]], scores: list[np.ndarray]
                 ) -> dict[str, float]:
    ranked = [[codes[i] for i in np.argsort(-s, kind="stable")[:10]]
              for (codes, _), s in zip(table, scores)]
    return {k: round(v, 4) for k, v in skillskape.score(ranked, [g for _, g in dev]).items()}


def draw_reliability(calib: list[dict[str, float]], raw: list[dict[str, float]], path: Path,
                     model: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    for rows, name, style in ((raw, "raw linker score", "s--"),
                              (calib, "ranker probability (out of fold)", "o-")):
        ax.plot([r["predicted"] for r in rows], [r["observed"] for r in rows], style,
                label=f"{name}, ECE {expected_calibration_error(rows):.3f}")
    ax.set_xlabel("score (mean in bin)")
    ax.set_ylabel("share of candidates that are gold skills")
    ax.set_title(f"SkillSkape dev reliability\n{model}", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
