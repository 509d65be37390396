"""``skillmatch eval linking``: the linker against the plain baseline, one run.

1. ESCO occupation to its essential skills: rank skills from each occupation's
   description (never its label) and score MAP, R-precision and recall@20
   against the occupation's essential skills.
2. SkillSpan test: do evidence spans find the gold skill and knowledge spans?
   Span precision, recall and F1 under two overlap rules (see ``metrics``).
3. SkillSkape (test split by default): rank ESCO skills for each job-ad sentence;
   RP@5, RP@10 and MRR against its gold skills (see ``skillskape``).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..app import ProgressFn, SkillMatch
from ..errors import InputError, NotFoundError
from ..index.faiss_index import FaissIndex
from ..linking.linker import SkillLinker
from ..linking.profiles import make_linker
from ..settings import Settings
from ..text import normalize
from . import documents, metrics, skillskape
from .baseline import NearestLabelBaseline
from .esco_occupations import occupation_half

log = logging.getLogger(__name__)

RANK_DEPTH = 100


def ensure_esco(app: SkillMatch, progress: ProgressFn | None = None) -> None:
    """Import ESCO from the shared data and index it, unless already done."""
    try:
        app.taxonomies.get("esco")
    except NotFoundError:
        path = Path(app.settings.shared_data) / "esco-v1.1.1"
        if not path.exists():
            raise InputError(
                f"ESCO is not loaded and {path} does not exist; set SKILLMATCH_SHARED_DATA"
            ) from None
        app.import_taxonomy("esco", path, name="esco")
    app.build_indexes(["esco"], progress=progress)


def esco_linker(app: SkillMatch, ranker: bool = True, profile: str | None = None,
                document_model: bool = True) -> SkillLinker:
    """The linker over ESCO alone, with the app's settings (and its ranker and document
    model, if any), in the named profile (the settings' by default)."""
    index, _ = FaissIndex.load(app.workspace.index_dir("skills-esco"))
    return make_linker(
        app.settings, profile=profile, ranker=app.linking_service.ranker if ranker else None,
        document_model=app.linking_service.document_model if document_model else None,
    ).fit(app.taxonomies, app.embedder, {"esco": index})


def evaluate_linking(
    app: SkillMatch,
    *,
    sample: int | None = None,
    seed: int = 13,
    skillspan_limit: int | None = None,
    skillskape_split: str = "test",
    documents_split: str = "test",
    documents_limit: int | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    ensure_esco(app, progress)
    linker = esco_linker(app)
    skills = app.taxonomies.skills(["esco"])
    baseline = NearestLabelBaseline(threshold=app.settings.link_threshold).fit(
        [s.code for s in skills], [s.label for s in skills], app.embedder
    )
    report: dict[str, Any] = {
        "model": app.embedder.model_id,
        "taxonomy": f"esco {app.taxonomies.get('esco').version}",
        "threshold": linker.threshold,
        "baseline_threshold": app.settings.link_threshold,
    }
    report["occupations"] = occupation_eval(app, linker, baseline, sample, seed, progress)
    report["skillspan"] = skillspan_eval(app, linker, baseline, skillspan_limit, progress)
    report["skillskape"] = skillskape_eval(app, linker, baseline, skills, skillskape_split)
    report["documents"] = documents_eval(app, documents_split, documents_limit, progress)
    return report


def documents_eval(app: SkillMatch, split: str = "test", limit: int | None = None,
                   progress: ProgressFn | None = None) -> dict[str, Any]:
    """Whole SkillSpan postings (every sentence, boilerplate included) linked as one
    document each: today's linker (the legacy profile) beside the document profile."""
    if split not in ("train", "dev", "test"):
        raise InputError(f"SkillSpan split {split!r} (expected train, dev or test)",
                         field="split")
    docs = documents.load_postings(Path(app.settings.shared_data) / "skillspan"
                                   / f"{split}.json", limit)
    out: dict[str, Any] = {"split": split, "rule": "strict: token IoU >= 0.5 with a gold "
                           "skill or knowledge span of the same sentence; loose: one "
                           "shared token"}
    for name in ("legacy", "document"):
        linker = esco_linker(app, profile=name)
        started = time.perf_counter()
        results = documents.link_documents(linker.link, docs, progress, f"postings ({name})")
        out[name] = {**documents.score_documents(docs, results),
                     "threshold": linker.document_threshold or linker.threshold,
                     "decision": "probability" if linker.document_threshold else "raw score",
                     "seconds": round(time.perf_counter() - started, 1)}
    return out


def skillskape_eval(app: SkillMatch, linker: SkillLinker, baseline: NearestLabelBaseline,
                    skills: list[Any], split: str) -> dict[str, Any]:
    if split not in ("train", "dev", "test"):
        raise InputError(f"SkillSkape split {split!r} (expected train, dev or test)",
                         field="split")
    rows = skillskape.load_skillskape(Path(app.settings.shared_data) / "skillskape"
                                      / f"{split}.csv")
    code_by_label = {normalize(s.label): s.code for s in skills}
    scored, counts = skillskape.gold_codes(rows, code_by_label)
    sentences = [x for x, _ in scored]
    gold = [g for _, g in scored]
    started = time.perf_counter()
    ours = [[s.id for s in r.skills] for r in linker.rank(sentences, 10)]
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = baseline.rank(sentences, 10)
    base_seconds = time.perf_counter() - started
    return {"split": split, **counts,
            "linker": {**skillskape.score(ours, gold), "seconds": round(ours_seconds, 1)},
            "baseline": {**skillskape.score(theirs, gold), "seconds": round(base_seconds, 1)}}


def occupation_eval(
    app: SkillMatch,
    linker: SkillLinker,
    baseline: NearestLabelBaseline,
    sample: int | None,
    seed: int,
    progress: ProgressFn | None,
) -> dict[str, Any]:
    gold = app.taxonomies.occupation_skills("esco", "essential")
    occupations = [o for o in app.taxonomies.occupations("esco") if o["code"] in gold]
    if sample is not None and sample < len(occupations):
        occupations = random.Random(seed).sample(occupations, sample)
    texts = [o["description"] for o in occupations]
    started = time.perf_counter()
    ours: list[list[str]] = []
    chunk = 100
    for i in range(0, len(texts), chunk):
        ours.extend([s.id for s in r.skills] for r in linker.rank(texts[i : i + chunk], RANK_DEPTH))
        if progress:
            progress("eval occupations (linker)", min(i + chunk, len(texts)), len(texts))
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = baseline.rank(texts, RANK_DEPTH)
    base_seconds = time.perf_counter() - started
    refs = [gold[o["code"]] for o in occupations]
    held = [i for i, o in enumerate(occupations) if occupation_half(o["code"]) == "test"]

    def scores(ranked: list[list[str]], seconds: float) -> dict[str, Any]:
        return {**_rank_scores(ranked, refs), "seconds": round(seconds, 1),
                "test_half": _rank_scores([ranked[i] for i in held], [refs[i] for i in held])}

    return {
        "occupations": len(occupations),
        "test_half": len(held),
        "sample_seed": seed if sample is not None else None,
        "linker": scores(ours, ours_seconds),
        "baseline": scores(theirs, base_seconds),
    }


def _rank_scores(ranked: list[list[str]], refs: list[set[str]]) -> dict[str, float]:
    return {
        "MAP": float(np.mean([metrics.average_precision(r, g) for r, g in zip(ranked, refs)])),
        "R-precision": float(np.mean([metrics.r_precision(r, g) for r, g in zip(ranked, refs)])),
        "recall@20": float(np.mean([metrics.recall_at(r, g, 20) for r, g in zip(ranked, refs)])),
    }


def load_skillspan(path: Path) -> list[tuple[list[str], list[metrics.Span]]]:
    """Sentences as tokens, and their gold skill and knowledge spans (token offsets)."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            try:
                row = json.loads(line)
                tokens = row["tokens"]
                spans = (metrics.bio_spans(row["tags_skill"])
                         + metrics.bio_spans(row["tags_knowledge"]))
            except (json.JSONDecodeError, KeyError) as exc:
                raise InputError(
                    f"not a SkillSpan record ({exc})", path=path, line=line_no
                ) from exc
            out.append((tokens, sorted(set(spans))))
    return out


def skillspan_eval(
    app: SkillMatch,
    linker: SkillLinker,
    baseline: NearestLabelBaseline,
    limit: int | None,
    progress: ProgressFn | None,
) -> dict[str, Any]:
    path = Path(app.settings.shared_data) / "skillspan" / "test.json"
    data = load_skillspan(path)[:limit]
    texts, offsets = [], []
    for tokens, _ in data:
        text, offs = _join(tokens)
        texts.append(text)
        offsets.append(offs)
    ours: list[list[metrics.Span]] = []
    chunk = 250
    for i in range(0, len(texts), chunk):
        for j, result in enumerate(linker.link(texts[i : i + chunk]), start=i):
            spans = {
                _to_tokens(s.evidence.start, s.evidence.end, offsets[j]) for s in result.skills
            }
            ours.append(sorted(sp for sp in spans if sp[1] > sp[0]))
        if progress:
            progress("eval skillspan (linker)", min(i + chunk, len(texts)), len(texts))
    theirs = [
        [(0, len(tokens))] if hits else []
        for (tokens, _), hits in zip(data, baseline.extract(texts))
    ]
    gold = [spans for _, spans in data]
    return {
        "sentences": len(data),
        "gold_spans": sum(len(g) for g in gold),
        "rules": {
            "loose": "a predicted span matches a gold span when they share at least one token",
            "strict": "a predicted span matches a gold span when token IoU >= 0.5",
        },
        "linker": {rule: metrics.span_prf(ours, gold, rule) for rule in ("loose", "strict")},
        "baseline": {rule: metrics.span_prf(theirs, gold, rule) for rule in ("loose", "strict")},
    }


def _join(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    offsets = []
    pos = 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return " ".join(tokens), offsets


def _to_tokens(start: int, end: int, offsets: list[tuple[int, int]]) -> metrics.Span:
    inside = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


def evaluate_models(settings: Settings, models: Sequence[str], **kwargs: Any
                    ) -> dict[str, Any]:
    """:func:`evaluate_linking` once per model, for a side-by-side table. The active
    model uses the workspace; any other gets its own under ``<home>/models/<name>``
    (an index is built for one model)."""
    runs = []
    for name in dict.fromkeys(models):
        home = (settings.home if name == settings.model_name
                else Path(settings.home) / "models" / name)
        app = SkillMatch(settings.model_copy(update={"model_name": name, "home": home}))
        try:
            report = evaluate_linking(app, **kwargs)
            report["name"] = name
            report["ranker"] = app.linking_service.ranker is not None
            runs.append(report)
        finally:
            app.close()
    return {"models": runs}


def format_models(r: dict[str, Any]) -> Iterable[str]:
    runs = r["models"]
    rows: list[tuple[str, dict[str, Any], str]] = []
    for run in runs:
        rows.append((f"plain {run['name']}", run, "baseline"))
        rows.append((f"linker{'+ranker' if run['ranker'] else ''} {run['name']}", run, "linker"))
    width = max(len(name) for name, _, _ in rows) + 1
    first = runs[0]
    k = first["skillskape"]
    yield (f"SkillSkape {k['split']}: ESCO skills ranked per sentence ({k['scored']} of "
           f"{k['sentences']} sentences scored; {k['unknown_labels']} of {k['gold_labels']} "
           f"gold labels are not ESCO v1.1.1 preferred labels)")
    yield f"  {'':<{width}} {'RP@5':>7} {'RP@10':>7} {'MRR':>7} {'seconds':>8}"
    for name, run, who in rows:
        m = run["skillskape"][who]
        yield (f"  {name:<{width}} {m['RP@5']:>7.4f} {m['RP@10']:>7.4f} {m['MRR']:>7.4f}"
               f" {m['seconds']:>8}")
    yield ""
    o = first["occupations"]
    yield (f"ESCO occupation description -> essential skills ({o['occupations']} occupations; "
           f"test half: the {o.get('test_half', 0)} never used to choose a model setting)")
    yield (f"  {'':<{width}} {'MAP':>8} {'R-prec':>8} {'recall@20':>10} {'seconds':>8} "
           f"{'MAP test half':>14}")
    for name, run, who in rows:
        m = run["occupations"][who]
        yield (f"  {name:<{width}} {m['MAP']:>8.4f} {m['R-precision']:>8.4f} "
               f"{m['recall@20']:>10.4f} {m['seconds']:>8} "
               f"{m.get('test_half', {}).get('MAP', float('nan')):>14.4f}")
    yield ""
    s = first["skillspan"]
    yield (f"SkillSpan test: evidence spans vs gold spans ({s['sentences']} sentences, "
           f"{s['gold_spans']} gold spans)")
    yield f"  {'':<{width}} {'cut':>5} {'loose F1':>9} {'strict F1':>9} {'spans':>7}"
    for name, run, who in rows:
        m = run["skillspan"][who]
        cut = run["threshold"] if who == "linker" else run.get("baseline_threshold", "")
        yield (f"  {name:<{width}} {cut:>5} {m['loose']['f1']:>9.4f} {m['strict']['f1']:>9.4f} "
               f"{m['strict']['predicted']:>7}")
    yield ""
    yield from format_documents(first["documents"], runs)
    for run in runs:
        yield f"{run['name']}: {run['model']}, taxonomy {run['taxonomy']}"


def format_documents(d: dict[str, Any], runs: list[dict[str, Any]] | None = None
                     ) -> Iterable[str]:
    """The whole-posting table: legacy and document profiles, side by side."""
    first = runs[0]["documents"] if runs else d
    yield (f"SkillSpan {first['split']}, whole postings ({first['legacy']['postings']} "
           f"postings, {first['legacy']['gold_spans']} gold spans; {first['rule']})")
    yield (f"  {'':<28} {'decision':>11} {'cut':>5} {'strict P':>9} {'strict R':>9} "
           f"{'strict F1':>9} {'loose P':>8} {'loose R':>8} {'links/post':>10} {'s':>6}")
    for run in runs or [{"name": "", "documents": d}]:
        for profile in ("legacy", "document"):
            m = run["documents"][profile]
            name = f"{profile} {run.get('name', '')}".strip()
            yield (f"  {name:<28} {m['decision']:>11} {m['threshold']:>5.3g} "
                   f"{m['strict']['precision']:>9.4f} {m['strict']['recall']:>9.4f} "
                   f"{m['strict']['f1']:>9.4f} {m['loose']['precision']:>8.4f} "
                   f"{m['loose']['recall']:>8.4f} {m['links_per_posting']:>10} "
                   f"{m['seconds']:>6}")
    yield ""
