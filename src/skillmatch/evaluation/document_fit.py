"""``skillmatch models fit-document``: the calibrated keep-or-drop probability for documents.

Thresholded linking decides on one probability, fitted where it is used: on whole
postings rebuilt from SkillSpan train and dev (every sentence, boilerplate included; a
candidate is right when its evidence span matches a gold skill or knowledge span,
token IoU >= 0.5) and on SkillSkape train sentences (a candidate is right when it is a
gold skill of its sentence). Every candidate is one feature row
(:data:`~..linking.document.DOC_FEATURES`); a logistic regression is fitted on all rows
and five folds grouped by document give out-of-fold probabilities. The skill-statement
model (:class:`~..linking.document.StatementModel`) is fitted first, on SkillSpan train
and dev sentences; every posting gets the feature from the fold model that did not see
it, so the dev figures below stay out of fold.
The threshold is chosen on the out-of-fold probabilities of the SkillSpan **dev**
postings: the highest span precision whose span recall is at least the recall of
today's linker (the legacy profile) on the same postings. Test splits are never read here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..errors import ConfigurationError
from ..linking.document import DOC_FEATURES, DocumentCandidates, StatementModel
from ..linking.linker import SkillLinker
from ..linking.ranker import expected_calibration_error, fit_ranker, reliability
from . import skillskape
from .documents import PostingDoc, _match, link_documents, load_postings, score_documents
from .linking import ensure_esco, esco_linker
from .ranker_fit import fit_target

log = logging.getLogger(__name__)

FILENAME = "document.json"
CUTS = tuple(round(x, 3) for x in np.arange(0.05, 0.951, 0.025))


def document_candidates(linker: SkillLinker, texts: Sequence[str], label: str,
                        progress: ProgressFn | None, chunk: int = 8
                        ) -> list[DocumentCandidates]:
    out: list[DocumentCandidates] = []
    for i in range(0, len(texts), chunk):
        out.extend(linker.document_table(list(texts[i : i + chunk])))
        if progress:
            progress(label, min(i + chunk, len(texts)), len(texts))
    return out


def span_labels(doc: PostingDoc, cands: DocumentCandidates) -> np.ndarray:
    """1 where a candidate's evidence span matches a gold span (strict)."""
    out = np.zeros(len(cands.codes))
    for j, (start, end) in enumerate(cands.spans):
        span = doc.to_span(start, end)
        if span is not None and any(_match(span, g, "strict") for g in doc.gold):
            out[j] = 1.0
    return out


def sweep(docs: Sequence[PostingDoc], cands: Sequence[DocumentCandidates],
          probs: Sequence[np.ndarray]) -> list[dict[str, float]]:
    """Span precision and recall of the dev postings at every probability cut."""
    from ..records import Evidence, LinkedSkill, LinkResult

    rows = []
    for cut in CUTS:
        results = []
        for doc, c, p in zip(docs, cands, probs):
            kept = [LinkedSkill(code, "", "esco", float(q), Evidence(s, e, ""))
                    for code, (s, e), q in zip(c.codes, c.spans, p) if q >= cut]
            results.append(LinkResult(doc.text, kept))
        figures = score_documents(docs, results)
        rows.append({"threshold": cut, **figures["strict"],
                     "links_per_posting": figures["links_per_posting"]})
    return rows


def choose_threshold(rows: list[dict[str, float]], recall_floor: float) -> dict[str, float]:
    """The most precise cut whose recall is at least ``recall_floor`` (else the best F1)."""
    ok = [r for r in rows if r["recall"] >= recall_floor]
    if ok:
        return max(ok, key=lambda r: (r["precision"], r["recall"]))
    return max(rows, key=lambda r: r["f1"])


def fit_statements(app: SkillMatch, docs: Sequence[PostingDoc], folds: int, n_train: int
                   ) -> tuple[StatementModel, list[StatementModel], dict[str, Any]]:
    """The skill-statement model on the sentences of ``docs`` (SkillSpan train, then dev:
    a sentence states a skill when it holds a gold span), one model per fold (posting
    ``i`` is in fold ``i % folds``) so that every posting's feature comes from a model
    that never saw it, and the ROC AUC out of fold (all, and the dev postings alone)."""
    from sklearn.metrics import roc_auc_score

    texts, labels, owner = [], [], []
    for i, d in enumerate(docs):
        gold = {g[0] for g in d.gold}
        for j, line in enumerate(d.text.split("\n")):
            texts.append(line or " ")
            labels.append(float(j in gold))
            owner.append(i)
    y, by = np.array(labels), np.array(owner)
    vectors = app.embedder.embed(texts)
    models, oof = [], np.zeros(len(y))
    for fold in range(folds):
        held = by % folds == fold
        m = StatementModel.fit(vectors[~held], y[~held])
        oof[held] = m.logits(vectors[held])
        models.append(m)
    dev = by >= n_train
    return StatementModel.fit(vectors, y), models, {
        "sentences": len(y), "statements": int(y.sum()),
        "auc_out_of_fold": round(float(roc_auc_score(y, oof)), 4),
        "auc_out_of_fold_dev": round(float(roc_auc_score(y[dev], oof[dev])), 4)}


def fit_document_model(app: SkillMatch, *, limit: int | None = None, folds: int = 5,
                       save: bool = True, output: Path | None = None,
                       overwrite: bool = False, progress: ProgressFn | None = None
                       ) -> dict[str, Any]:
    """Fit the document model; with ``save``, write it to ``models/<model>/document.json``
    or ``output`` (checked before any work: an existing file is refused unless
    ``overwrite``, the one beside a model shipping with it)."""
    if app.settings.embedder != "onnx":
        raise ConfigurationError("the document model is fitted for an exported model "
                                 f"(embedder 'onnx'), not {app.settings.embedder!r}")
    target = fit_target(app.settings, FILENAME, "document model", output,
                        overwrite) if save else None
    started = time.perf_counter()
    ensure_esco(app, progress)
    shared = Path(app.settings.shared_data)
    linker = esco_linker(app, profile="document", document_model=False)
    legacy = esco_linker(app, profile="legacy")
    train = load_postings(shared / "skillspan" / "train.json", limit)
    dev = load_postings(shared / "skillspan" / "dev.json", limit)
    sentences = skillskape.esco_split(shared, "train", limit and 20 * limit)[1]
    postings = [*train, *dev]
    statement, folds_of, statement_figures = fit_statements(app, postings, folds, len(train))
    parts: list[tuple[str, list[DocumentCandidates], list[np.ndarray]]] = []
    # every posting gets the statement model of the folds that did not see it
    cands_by_doc: dict[int, DocumentCandidates] = {}
    for fold, model_k in enumerate(folds_of):
        linker.statement = model_k
        members = [i for i in range(len(postings)) if i % folds == fold]
        found = document_candidates(linker, [postings[i].text for i in members],
                                    f"SkillSpan train and dev ({fold + 1}/{folds})", progress)
        cands_by_doc.update(zip(members, found))
    for name, lo, hi in (("SkillSpan train", 0, len(train)),
                         ("SkillSpan dev", len(train), len(postings))):
        cands = [cands_by_doc[i] for i in range(lo, hi)]
        parts.append((name, cands, [span_labels(postings[i], c)
                                    for i, c in zip(range(lo, hi), cands)]))
    linker.statement = statement
    cands = document_candidates(linker, [s for s, _ in sentences], "SkillSkape train",
                                progress, chunk=256)
    parts.append(("SkillSkape train", cands,
                  [np.array([code in gold for code in c.codes], dtype=np.float64)
                   for c, (_, gold) in zip(cands, sentences)]))
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    groups: list[int] = []
    where: dict[str, tuple[int, list[int]]] = {}
    group = 0
    for name, cs, labels in parts:
        where[name] = (len(groups), [len(c.codes) for c in cs])
        for c, y in zip(cs, labels):
            xs.append(c.features)
            ys.append(y)
            groups.extend([group] * len(c.codes))
            group += 1
    x, y = np.concatenate(xs), np.concatenate(ys)
    model, oof = fit_ranker(x, y, np.array(groups), folds=folds, features=DOC_FEATURES)
    start, sizes = where["SkillSpan dev"]
    dev_probs = np.split(oof[start : start + sum(sizes)], np.cumsum(sizes)[:-1])
    base = score_documents(dev, link_documents(legacy.link, dev, progress, "legacy (dev)"))
    rows = sweep(dev, parts[1][1], dev_probs)
    chosen = choose_threshold(rows, base["strict"]["recall"])
    calib = reliability(oof, y)
    model.meta = {
        "model": app.embedder.model_id,
        "taxonomy": f"esco {app.taxonomies.get('esco').version}",
        "taxonomy_name": "esco",
        "fitted_on": {name: {"texts": len(cs), "candidates": int(sum(len(c.codes) for c in cs)),
                             "right": int(sum(float(lab.sum()) for lab in labels))}
                      for name, cs, labels in parts},
        "statement": statement.to_json(),
        "statement_figures": statement_figures,
        "threshold": chosen["threshold"],
        "threshold_rule": "highest SkillSpan dev span precision (out of fold) at a span "
                          "recall no lower than the legacy linker's on dev",
        "dev_legacy": {"strict": base["strict"], "links_per_posting":
                       base["links_per_posting"]},
        "dev_chosen": chosen,
        "dev_sweep": rows,
        "reliability": calib,
        "ece": round(expected_calibration_error(calib), 4),
        "weights": dict(zip(model.features, np.round(model.coef, 4).tolist())),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        model.meta["path"] = str(model.save(target.parent, target.name))
    return model.meta
