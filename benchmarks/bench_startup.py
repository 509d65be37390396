"""Start-up of ``skillmatch skills link "<one sentence>"`` (issue 14): BEFORE and AFTER
the linking tables were saved with the skill index, side by side, in one run.

BEFORE every process read every label of every taxonomy from SQLite, fitted BM25 (with
its stemmer), the lexicon, the acronym and title tables, and read the ranker's feature
vectors back from the index, before reading any text. AFTER ``skillmatch index build``
saves all of that beside each skill index (``skillmatch.linking.derived``) and a start
loads it (arrays memory-mapped, strings from JSON).

For each side, with the page cache warm (one untimed run first), each figure the median
of ``--runs`` runs (default 5), the sides interleaved:

1. ``skillmatch skills link "<sentence>"`` as a subprocess (wall time), and whether both
   sides print the same skills (ids, scores, evidence, probabilities);
2. the same with a sentence not in the embedding cache (a new one each run): the first
   query of a process that has to load the ONNX model;
3. the in-process breakdown of a fresh process: import, open the database, load the
   skill indexes, read the ranker and document model, then what BEFORE did at every
   start (label read, BM25 fit, lexicon fit, acronym and title tables; AFTER: measured
   for reference, no longer on the start path), AFTER's table load, the linker fit (as
   the app fits it, every taxonomy's part included), embedding the sentence, first and
   second link;
4. which heavy packages a ``skills link`` process imports (torch, sentence_transformers,
   transformers, matplotlib, sklearn, scipy, pandas, onnxruntime, tokenizers), and the
   largest top-level imports (``python -X importtime``).

Each side runs this environment's ``python`` with its own ``PYTHONPATH`` and workspace.
BEFORE is the code of ``--before-ref`` (default 21fcac3, where issue 14 starts),
extracted with ``git archive`` into ``--before-src`` when that is missing; AFTER is this
working tree's ``src``. Two workspaces, because BEFORE cannot open a database the AFTER
code has migrated: both with ESCO and O*NET imported and indexed (the same imports),
AFTER's rebuilt with ``skillmatch index build --force`` so that it holds the tables.

    python benchmarks/bench_startup.py --before-home WS1 --after-home WS2
        [--before-src DIR] [--runs 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).resolve()
BEFORE_REF = "21fcac3"
SENTENCE = "Able to take vital signs and perform CPR"
HEAVY = ("torch", "sentence_transformers", "transformers", "matplotlib", "sklearn", "scipy",
         "pandas", "onnxruntime", "tokenizers")
CLI = "import sys; from skillmatch.cli import main; sys.argv[0] = 'skillmatch'; main()"


def log(msg: str) -> None:
    print(f"[bench_startup {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ============================================================================ workers
# Run as ``python bench_startup.py _worker NAME JSON`` under one side's PYTHONPATH; each
# prints ``RESULT <json>`` last.

def worker_breakdown(args: dict[str, Any]) -> dict[str, Any]:
    """One fresh process: the stages of a ``skills link`` start, timed one by one."""
    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def stage(name: str) -> None:
        now = time.perf_counter()
        stages[name] = round(now - clock[0], 4)
        clock[0] = now

    import inspect

    from skillmatch.app import SkillMatch
    from skillmatch.linking.bm25 import LabelBM25
    from skillmatch.linking.document import TitleMatcher, acronym_entries
    from skillmatch.linking.lexicon import Lexicon
    from skillmatch.linking.linker import SkillLinker
    from skillmatch.linking.profiles import make_linker
    from skillmatch.settings import Settings
    stage("import skillmatch (app, linker)")

    app = SkillMatch(Settings(home=Path(args["home"])))
    store = app.taxonomies
    assert store.all(), "no taxonomy loaded"
    stage("open the database, list taxonomies")
    indexes = app.taxonomy_service.skill_indexes()
    stage("load the skill indexes")
    ranker, document = app.linking_service.ranker, app.linking_service.document_model
    stage("read the ranker and document model")

    # what fit computed from every taxonomy at every start before the tables were saved
    labels = {n: list(store.labels([n])) for n in indexes}
    rows = {n: store.lexical_rows([n]) for n in indexes}
    owners = {n: store.label_owners([n]) for n in indexes}
    skills = {n: store.skills([n]) for n in indexes}
    titles = {n: store.occupation_titles([n]) for n in indexes}
    stage("label read (SQLite)")
    for n in indexes:
        LabelBM25().fit((lab.skill_id, lab.label) for lab in labels[n])
    stage("BM25 fit")
    for n in indexes:
        Lexicon().fit(rows[n])
    stage("lexicon fit")
    for n in indexes:
        acronym_entries(labels[n])
        TitleMatcher().fit(titles[n])
    stage("acronym and title tables")
    del labels, rows, owners, skills, titles

    kwargs: dict[str, Any] = {}
    if "directories" in inspect.signature(SkillLinker.fit).parameters:
        from skillmatch.linking import derived

        for n in indexes:
            tables = derived.tables(store, n, store.versions([n])[n][2],
                                    app.workspace.index_dir(f"skills-{n}"))
            tables.entries, tables.lexicon, tables.skills  # noqa: B018 (what a start reads)
        stage("load the saved tables (AFTER)")
        kwargs["directories"] = app.workspace.indexes_dir
    clock[0] = time.perf_counter()
    linker = make_linker(app.settings, ranker=ranker, document_model=document).fit(
        store, app.embedder, indexes, **kwargs)
    for n in linker.order_:
        linker.part(n)
    stage("linker fit (every taxonomy's part)")
    app.embedder.embed([args["text"]])
    stage("embed the sentence (cache)")
    first = linker.link([args["text"]])
    stage("first link")
    linker.link([args["text"]])
    stage("second link")
    import faiss

    if hasattr(faiss, "IO_FLAG_MMAP_IFC"):  # the next step, outside the linker
        paths = []
        for n in indexes:
            directory = app.workspace.index_dir(f"skills-{n}")
            current = directory / "CURRENT"  # versioned layout, else the flat one
            folder = directory / current.read_text().strip() if current.exists() else directory
            paths.append(str(folder / "index.faiss"))
        clock[0] = time.perf_counter()
        for path in paths:
            faiss.read_index(path)
        stage("(ref.) faiss.read_index, the skill indexes")
        for path in paths:
            faiss.read_index(path, faiss.IO_FLAG_MMAP_IFC)
        stage("(ref.) the same, memory-mapped (IO_FLAG_MMAP_IFC)")
    return {"stages": stages,
            "skills": [(s.id, round(s.score, 4)) for r in first for s in r.skills]}


def worker_imports(args: dict[str, Any]) -> dict[str, Any]:
    """Run ``skills link`` in this process; which heavy packages did it import?"""
    import contextlib
    import io

    from skillmatch.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(["skills", "link", args["text"]])
    loaded = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
    return {"heavy": loaded}


def worker_identity(args: dict[str, Any]) -> dict[str, Any]:
    """AFTER only: the linker on the saved tables against one fitted from the database
    (the same indexes), on the demo's postings, credentials and sentences and the
    sentence: thresholded, ranked and document linking, compared exactly."""
    from skillmatch.app import SkillMatch
    from skillmatch.catalog.readers import read_records
    from skillmatch.linking.profiles import make_linker
    from skillmatch.settings import Settings

    app = SkillMatch(Settings(home=Path(args["home"])))
    demo = REPO / "data" / "demo"
    texts = [r.text() for kind, name in (("posting", "postings"), ("credential", "credentials"))
             for r in read_records(kind, demo / f"{name}.jsonl")]
    texts += (demo / "sentences.txt").read_text().splitlines() + [args["text"]]
    indexes = app.taxonomy_service.skill_indexes()
    out = {}
    for source, kwargs in (("loaded", {"directories": app.workspace.indexes_dir}),
                           ("computed", {})):
        linker = make_linker(app.settings, ranker=app.linking_service.ranker,
                             document_model=app.linking_service.document_model).fit(
            app.taxonomies, app.embedder, indexes, **kwargs)
        documents, vectors = linker.link_documents(texts)
        out[source] = ([r.to_dict() for r in linker.link(texts)],
                       [r.to_dict() for r in linker.rank(texts, 10)],
                       [r.to_dict() for r in documents], vectors.tolist(),
                       [(s.id, s.score, s.probability) for r in linker.link(texts)
                        for s in r.skills])
        sources = {n: linker.part(n).fitted_.source for n in linker.order_}
        out[source + "_sources"] = sources
    same = out["loaded"] == out["computed"]
    return {"texts": len(texts), "identical": same,
            "linked": sum(len(r["skills"]) for r in out["loaded"][0]),
            "sources": {k: out[f"{k}_sources"] for k in ("loaded", "computed")}}


WORKERS = {"breakdown": worker_breakdown, "imports": worker_imports,
           "identity": worker_identity}


# ============================================================================= driver
class Side:
    def __init__(self, name: str, src: Path, home: Path) -> None:
        self.name, self.src, self.home = name, src, home
        self.cpu = 0.0  # CPU seconds of the last command run

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(PYTHONPATH=str(self.src), SKILLMATCH_HOME=str(self.home),
                   HF_HUB_OFFLINE="1")
        env.pop("SKILLMATCH_TAXONOMIES", None)
        return env

    def cli(self, *argv: str, flags: tuple[str, ...] = ()) -> tuple[float, str, str]:
        """Run ``skillmatch *argv``: its wall time, stdout, stderr (its CPU time, user
        plus system, in :attr:`cpu`: what the wall time is on an idle machine)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, *flags, "-c", CLI, *argv], env=self.env(),
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{self.name}: skillmatch {' '.join(argv[:2])} failed:\n"
                             f"{done.stderr.strip()}")
        return seconds, done.stdout, done.stderr

    def worker(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        done = subprocess.run([sys.executable, str(SCRIPT), "_worker", name, json.dumps(args)],
                              env=self.env(), capture_output=True, text=True, check=False)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            raise SystemExit(f"{self.name}: worker {name} failed:\n{done.stderr.strip()}")
        result: dict[str, Any] = json.loads(lines[-1][len("RESULT "):])
        return result


def before_src(path: Path, ref: str) -> Path:
    if not (path / "skillmatch").is_dir():
        log(f"extracting {ref}:src into {path}")
        path.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(path), "--strip-components=1"], input=archive,
                       check=True)
    return path


def check_workspace(side: Side, want_tables: bool) -> None:
    for name in ("esco", "onet"):
        manifest = side.home / "indexes" / f"skills-{name}" / "manifest.json"
        if not manifest.exists():
            raise SystemExit(f"{side.name}: {side.home} has no skill index for {name}; "
                             "import ESCO and O*NET and run `skillmatch index build`")
        if want_tables and "linking" not in json.loads(manifest.read_text()):
            raise SystemExit(f"{side.name}: {manifest.parent} holds no linking tables; run "
                             "`skillmatch index build --force` with the AFTER code")


def skills_of(stdout: str) -> list[tuple[str, float, Any, Any]]:
    data = json.loads(stdout)
    return [(s["id"], s["score"], s.get("evidence"), s.get("probability"))
            for s in data["skills"]]


def top_imports(stderr: str, k: int = 8) -> list[tuple[str, float]]:
    """The largest imports of a ``-X importtime`` log, in cumulative seconds: each
    package other than skillmatch (its outermost import), then skillmatch.cli and
    skillmatch.app."""
    best: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if not cumulative.strip().isdigit():
            continue
        name = name.strip()
        root = name.split(".")[0]
        key = name if root == "skillmatch" else root
        if root != "skillmatch" or name in ("skillmatch.cli", "skillmatch.app"):
            best[key] = max(best.get(key, 0), int(cumulative))
    ours = [(n, best.pop(n) / 1e6) for n in ("skillmatch.cli", "skillmatch.app") if n in best]
    return sorted(((n, v / 1e6) for n, v in best.items()), key=lambda x: -x[1])[:k] + ours


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        result = WORKERS[sys.argv[2]](json.loads(sys.argv[3]))
        print("RESULT " + json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-home", type=Path, required=True)
    parser.add_argument("--after-home", type=Path, required=True)
    parser.add_argument("--before-src", type=Path,
                        default=Path.home() / ".cache" / "skillmatch" / f"src-{BEFORE_REF}")
    parser.add_argument("--before-ref", default=BEFORE_REF)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--text", default=SENTENCE)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    sides = [Side("before", before_src(args.before_src, args.before_ref), args.before_home),
             Side("after", REPO / "src", args.after_home)]
    check_workspace(sides[0], want_tables=False)
    check_workspace(sides[1], want_tables=True)
    report: dict[str, Any] = {"text": args.text, "runs": args.runs, "sides": {}}
    for side in sides:
        _, out, err = side.cli("skills", "link", args.text)  # warm the page cache
        if "linking tables" in err:
            log(f"{side.name}: {err.strip()}")
        report["sides"][side.name] = {"src": str(side.src), "home": str(side.home),
                                      "skills": skills_of(out), "cli": [], "cli_cpu": [],
                                      "cold": [],
                                      "breakdown": []}

    log(f"skills link, {args.runs} runs per side")
    for _ in range(args.runs):
        for side in sides:
            seconds, _, _ = side.cli("skills", "link", args.text)
            report["sides"][side.name]["cli"].append(round(seconds, 3))
            report["sides"][side.name]["cli_cpu"].append(round(side.cpu, 3))
    log("skills link of a sentence not in the embedding cache")
    for _ in range(args.runs):
        for side in sides:
            seconds, _, _ = side.cli("skills", "link", f"{args.text} ({uuid.uuid4().hex[:6]})")
            report["sides"][side.name]["cold"].append(round(seconds, 3))
    log("in-process breakdown")
    for _ in range(args.runs):
        for side in sides:
            result = side.worker("breakdown", {"home": str(side.home), "text": args.text})
            report["sides"][side.name]["breakdown"].append(result["stages"])
    log("saved tables against computed ones (AFTER)")
    report["identity"] = sides[1].worker("identity", {"home": str(sides[1].home),
                                                      "text": args.text})
    log("imports")
    for side in sides:
        data = report["sides"][side.name]
        data["heavy_imports"] = side.worker("imports", {"text": args.text})["heavy"]
        _, _, err = side.cli("skills", "link", args.text, flags=("-X", "importtime"))
        data["top_imports"] = top_imports(err)

    # ------------------------------------------------------------------ report
    before, after = (report["sides"][s] for s in ("before", "after"))
    for data in (before, after):
        data["cli_median"] = statistics.median(data["cli"])
        data["cli_cpu_median"] = statistics.median(data["cli_cpu"])
        data["cold_median"] = statistics.median(data["cold"])
        stages = list(dict.fromkeys(k for b in data["breakdown"] for k in b))
        data["stages_median"] = {k: statistics.median(b[k] for b in data["breakdown"]
                                                      if k in b) for k in stages}
    report["same_skills"] = before["skills"] == after["skills"]
    print(f"\nskillmatch skills link {args.text!r}  (median of {args.runs}, warm page cache)")
    print(f"{'':<44}{'BEFORE':>10}{'AFTER':>10}")
    print(f"{'command line, wall time (s)':<44}{before['cli_median']:>10.2f}"
          f"{after['cli_median']:>10.2f}")
    print(f"{'  its CPU time, user + system (s)':<44}{before['cli_cpu_median']:>10.2f}"
          f"{after['cli_cpu_median']:>10.2f}")
    print(f"{'  sentence not in the embedding cache (s)':<44}{before['cold_median']:>10.2f}"
          f"{after['cold_median']:>10.2f}")
    print(f"{'  runs':<44}{' '.join(f'{x:.2f}' for x in before['cli'])}  |  "
          f"{' '.join(f'{x:.2f}' for x in after['cli'])}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"same skills, scores, evidence, probabilities: {report['same_skills']}")
    ident = report["identity"]
    print(f"AFTER, saved tables vs computed from the database, {ident['texts']} demo texts "
          f"({ident['linked']} links; thresholded, ranked, documents): identical = "
          f"{ident['identical']} (tables: {ident['sources']['loaded']} vs "
          f"{ident['sources']['computed']})")
    print("\nin-process breakdown, a fresh process (s)")
    names = list(dict.fromkeys([*after["stages_median"], *before["stages_median"]]))
    for name in names:
        b, a = before["stages_median"].get(name), after["stages_median"].get(name)
        print(f"  {name:<42}{'-' if b is None else f'{b:.3f}':>10}"
              f"{'-' if a is None else f'{a:.3f}':>10}")
    print("  (label read, BM25, lexicon, acronym and title tables: on BEFORE's start path; "
          "AFTER loads the saved tables instead)")
    for side in sides:
        data = report["sides"][side.name]
        print(f"\n{side.name}: heavy packages imported by `skills link`: "
              f"{', '.join(data['heavy_imports']) or 'none'}")
        print("  largest imports (cumulative): " + ", ".join(
            f"{n} {s:.2f}s" for n, s in data["top_imports"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
