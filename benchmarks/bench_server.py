"""Serving at 100,000 postings (issue 14): BEFORE and AFTER side by side, in one run.

On one workspace of 100,000 synthetic postings, the NCES CIP 2020 programs, the demo
records, ESCO (indexed, what records link to) and O*NET (loaded), each figure the
median of ``--repeat`` runs (default 5, after one untimed warm-up run; the page cache
is warm):

1. a need posted by one process (A: ``SkillMatch.post_need``) shows in the next
   ``recommend(occupation=...)`` of another, already-warm process (B): B's latency for
   that call, and whether its answer counts the need (the records count in its
   ``demand_basis`` grew by one; ``demand(occupation=...)["records"]`` is checked too);
2. a fresh process's first ``recommend`` and first ``align``: from constructing
   ``SkillMatch(Settings(home=...))`` to the first call's return;
3. ``skillmatch align <credential>`` from the command line: the subprocess's wall time;
4. ``skillmatch skills link "<one sentence>"`` from the command line: the same.

BEFORE is the code of commit ``--before-ref`` (default 21fcac3, where issue 14 starts),
run from a git worktree (``--before-tree``, created when missing) with this virtual
environment and ``PYTHONPATH=<worktree>/src``; AFTER is this working tree's ``src``.
Each side runs ``python`` with its own ``PYTHONPATH`` (the command line as
``python -m skillmatch.cli``), and the script checks which ``skillmatch`` each one
imports before measuring.

The workspace is built once, by the BEFORE code (the older schema, which both sides can
open), into ``--cache`` (default ``~/.cache/skillmatch/bench-100k``, outside the
repository) with a ``manifest.json``, and reused while the manifest matches (about 20
minutes from nothing on two cores: taxonomies, ESCO indexes, the records; an
interrupted build resumes). ``--seed-from DIR`` starts a new cache from a copy of a
workspace that already has ESCO and O*NET imported and ESCO indexed (the folder itself
is only read). Each side measures on its own copy of the whole workspace (database,
indexes, derived files and embedding cache: the AFTER code may migrate the database
and write derived files, and both sides embed the texts they link), made afresh in
``<cache>/scratch/<side>`` on every run; ``--prepare SIDE:ARGS`` runs an upgrade
command the side's code asks for (``after:index build --force``) on that copy, untimed.
Each side's warnings, and why a derived file was recomputed, are in
``<cache>/scratch/<side>/logs/``: a derived file keyed on the code is recomputed in the
warm-up run, and again whenever the code changes during the run.

    python benchmarks/bench_server.py [--cache DIR] [--seed-from DIR] [--repeat 5]
        [--json PATH] [--sides before,after] [--targets 1,2,3,4] [--prepare SIDE:ARGS]
        [--build-only]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).resolve()
BEFORE_REF = "21fcac3"
CACHE_FORMAT = 1
SENTENCE = ("Experience with patient intake, taking vital signs and scheduling "
            "appointments in an electronic health record system.")
WORKSPACE_ITEMS = ("skillmatch.db", "skillmatch.db-wal", "indexes", "derived",
                   "embeddings.sqlite")
# the targets of issue 14 at 100,000 postings on two cores
GOALS: dict[str, str | None] = {
    "need_visible": "visible, <= 200 ms",
    "first_recommend": "<= 2 s",
    "first_align": "<= 2 s",
    "cli_align": "<= 3 s",
    "cli_link": "<= 1 s",
}
TODAY = {  # what issue 14 reports for the starting code, for the reader
    "first_recommend": "about 11 s",
    "first_align": "about 11 s",
    "cli_align": "about 18 s",
    "cli_link": "3.4 to 4.1 s",
}


def log(msg: str) -> None:
    print(f"[bench_server {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ============================================================================ workers
# Run as ``python bench_server.py _worker NAME JSON`` under one side's PYTHONPATH: only
# these functions import skillmatch. Each prints ``RESULT <json>`` last.

def _settings(home: Path, **extra: Any) -> Any:
    from skillmatch.settings import Settings

    return Settings(home=home, **extra)


def worker_build(args: dict[str, Any]) -> dict[str, Any]:
    """Build (or finish building) the workspace with whatever code ``skillmatch`` is."""
    import faiss

    import skillmatch
    from skillmatch.app import SkillMatch
    from skillmatch.datasets import cip_programs
    from skillmatch.progress import Progress

    faiss.omp_set_num_threads(1)
    home, shared = Path(args["home"]), Path(args["shared"])
    synth = Path(args["synth"])
    out: dict[str, Any] = {"code": skillmatch.__file__, "steps": {}}

    def step(name: str, started: float) -> None:
        out["steps"][name] = round(time.perf_counter() - started, 1)
        print(f"[build] {name}: {out['steps'][name]:.1f} s", file=sys.stderr, flush=True)

    # ESCO is what records link to (as in bench_flows); O*NET is loaded for its
    # occupations (the synthetic postings carry O*NET-SOC codes).
    settings = _settings(home, shared_data=shared, taxonomies=["esco"])
    with SkillMatch(settings) as app:
        loaded = {t.name for t in app.list_taxonomies()}
        for kind, folder in (("esco", "esco-v1.1.1"), ("onet", "onet-29.2-text")):
            if kind not in loaded:
                t = time.perf_counter()
                app.import_taxonomy(kind, shared / folder)
                step(f"import taxonomy {kind}", t)
        t = time.perf_counter()
        app.build_indexes(["esco"], progress=Progress())
        step("build ESCO indexes", t)
        demo = Path(skillmatch.__file__).resolve().parents[2] / "data" / "demo"
        for kind, plural in (("credential", "credentials"), ("posting", "postings"),
                             ("need", "needs")):
            t = time.perf_counter()
            app.import_records(kind, demo / f"{plural}.jsonl", progress=Progress())
            step(f"import demo {plural}", t)
        t = time.perf_counter()
        programs = cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
        app.import_records("credential", programs, progress=Progress())
        step(f"import {len(programs):,} CIP programs", t)
        if not synth.exists():
            t = time.perf_counter()
            part = synth.with_suffix(".part")
            app.synth_postings(shared / "onet-29.2-text", args["postings"], part,
                               seed=args["seed"], progress=Progress())
            part.rename(synth)
            step(f"synthesize {args['postings']:,} postings", t)
        t = time.perf_counter()
        app.import_records("posting", synth, progress=Progress())
        step(f"import {args['postings']:,} synthetic postings", t)
        # the steady state: derived files a first call writes are written now, once
        t = time.perf_counter()
        code = app.conn.execute("SELECT occupation_code FROM postings WHERE occupation_code "
                                "LIKE '__-____.__' ORDER BY id LIMIT 1").fetchone()[0]
        app.recommend(occupation=code)
        app.align(programs[0].id)
        step("warm-up recommend and align", t)
        conn = app.conn
        out["counts"] = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("postings", "credentials", "needs", "skills", "occupations",
                          "skill_mentions")}
        out["taxonomies"] = {t.name: t.version for t in app.list_taxonomies()}
    return out


def worker_which(args: dict[str, Any]) -> dict[str, Any]:
    import skillmatch
    import skillmatch.cli

    return {"skillmatch": skillmatch.__file__, "cli": skillmatch.cli.__file__}


def worker_first(args: dict[str, Any]) -> dict[str, Any]:
    """A fresh process: construct the app, time the first recommend or align."""
    started = time.perf_counter()
    from skillmatch.app import SkillMatch
    from skillmatch.settings import Settings

    imported = time.perf_counter()
    app = SkillMatch(Settings(home=Path(args["home"])))
    if args["call"] == "recommend":
        result = app.recommend(occupation=args["occupation"])
        ok = bool(result.get("results"))
    else:
        result = app.align(args["credential"])
        ok = bool(result)
    done = time.perf_counter()
    app.close()
    return {"ms": (done - imported) * 1000, "import_ms": (imported - started) * 1000,
            "ok": ok}


def worker_post(args: dict[str, Any]) -> dict[str, Any]:
    """Process A: post one need, in a process of its own."""
    from skillmatch.app import SkillMatch
    from skillmatch.settings import Settings

    started = time.perf_counter()
    with SkillMatch(Settings(home=Path(args["home"]))) as app:
        out = app.post_need(args["employer"], role=args["role"], occupation=args["occupation"],
                            required=args["required"], need_id=args["need_id"])
    return {"ms": (time.perf_counter() - started) * 1000,
            "understood": [s["label"] for s in out.get("understood", [])],
            "not_linked": out.get("not_linked", [])}


# "N postings and needs for X", "... (N postings: too few)"
_BASIS = re.compile(r"(\d[\d,]*) postings")


def _basis_count(result: dict[str, Any]) -> int | None:
    m = _BASIS.search(str(result.get("demand_basis", "")))
    return int(m.group(1).replace(",", "")) if m else None


def worker_watch(args: dict[str, Any]) -> dict[str, Any]:
    """Process B: stays up; warm-up recommend, then for each ``{"occupation": X}`` line
    on stdin a baseline (``{"phase": "before"}``) or the timed recommend after A posted
    (``{"phase": "after"}``); one JSON line back for each."""
    from skillmatch.app import SkillMatch
    from skillmatch.settings import Settings

    app = SkillMatch(Settings(home=Path(args["home"])))
    started = time.perf_counter()
    app.recommend(occupation=args["warmup"])
    print("READY " + json.dumps({"warmup_ms": (time.perf_counter() - started) * 1000}),
          flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd.get("quit"):
            break
        started = time.perf_counter()
        result = app.recommend(occupation=cmd["occupation"])
        ms = (time.perf_counter() - started) * 1000
        records = app.demand(occupation=cmd["occupation"], top=1)["records"]
        print("ANSWER " + json.dumps({"ms": ms, "basis": result.get("demand_basis"),
                                      "basis_records": _basis_count(result),
                                      "demand_records": records}), flush=True)
    app.close()
    return {}


WORKERS = {"build": worker_build, "which": worker_which, "first": worker_first,
           "post": worker_post, "watch": worker_watch}


def run_worker() -> None:
    import logging

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # warnings, and why a derived file is recomputed, go to the side's logs/
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("skillmatch.matching.cache").setLevel(logging.INFO)
    result = WORKERS[sys.argv[2]](json.loads(sys.argv[3]))
    print("RESULT " + json.dumps(result), flush=True)


# ============================================================================= driver
class Side:
    """One column: a ``src`` folder put first on PYTHONPATH."""

    def __init__(self, name: str, src: Path, shared: Path, commit: str) -> None:
        self.name, self.src, self.commit = name, src, commit
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SKILLMATCH_") and k != "PYTHONPATH"}
        env.update(PYTHONPATH=str(src), HF_HUB_OFFLINE="1",
                   SKILLMATCH_SHARED_DATA=str(shared))
        self.env = env

    def worker(self, name: str, args: dict[str, Any], *, stderr: Any = None,
               timeout: float = 3600) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, str(SCRIPT), "_worker", name, json.dumps(args)],
            env=self.env, stdout=subprocess.PIPE, stderr=stderr, text=True,
            timeout=timeout, cwd=str(self.src.parent))
        results = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode or not results:
            raise RuntimeError(f"{self.name} worker {name} failed (rc {proc.returncode}): "
                               f"{proc.stdout[-2000:]}")
        return json.loads(results[-1][len("RESULT "):])

    def cli(self, home: Path, *argv: str, log_file: Path) -> float:
        """Wall time (ms) of ``python -m skillmatch.cli --home HOME ARGV``."""
        with open(log_file, "a") as err:
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "skillmatch.cli", "--home", str(home), *argv],
                env=self.env, stdout=subprocess.DEVNULL, stderr=err, cwd=str(home))
            ms = (time.perf_counter() - started) * 1000
        if proc.returncode:
            raise RuntimeError(f"{self.name}: skillmatch {' '.join(argv)} failed "
                               f"(rc {proc.returncode}); see {log_file}")
        return ms


def git(*argv: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *argv], cwd=cwd, check=True, text=True,
                          stdout=subprocess.PIPE).stdout.strip()


def ensure_before_tree(tree: Path, ref: str) -> str:
    commit = git("rev-parse", f"{ref}^{{commit}}")
    if not (tree / "src" / "skillmatch").is_dir():
        log(f"git worktree add {tree} {ref}")
        git("worktree", "add", "--detach", str(tree), commit)
    head = git("rev-parse", "HEAD", cwd=tree)
    if head != commit:
        raise SystemExit(f"{tree} is at {head[:7]}, not {ref} ({commit[:7]}); "
                         "remove it or pass another --before-tree")
    return commit


def _copy_item(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst)
    elif src.exists():
        shutil.copy2(src, dst)


def copy_workspace(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for item in WORKSPACE_ITEMS:
        _copy_item(src / item, dst / item)


def _db_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("postings", "credentials", "needs")}
    finally:
        conn.close()


def wanted_params(args: argparse.Namespace, before_commit: str) -> dict[str, Any]:
    return {"format": CACHE_FORMAT, "postings": args.postings, "seed": args.seed,
            "built_by_commit": before_commit}


def cache_matches(cache: Path, want: dict[str, Any]) -> dict[str, Any] | None:
    path = cache / "manifest.json"
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    if {k: manifest.get(k) for k in want} != want:
        log(f"cache manifest does not match {want}: rebuilding")
        return None
    db = cache / "workspace" / "skillmatch.db"
    if not db.exists() or _db_counts(db)["postings"] < want["postings"]:
        log("cache workspace missing or short of postings: rebuilding")
        return None
    return manifest


def build_cache(args: argparse.Namespace, before: Side, want: dict[str, Any],
                shared: Path) -> dict[str, Any]:
    cache: Path = args.cache
    ws = cache / "workspace"
    params = cache / "build-params.json"  # what a started build is for, and its time so far
    state = json.loads(params.read_text()) if params.exists() else None
    if state is not None and {k: state.get(k) for k in want} != want:
        log(f"{cache} was started for other parameters: starting over")
        shutil.rmtree(ws, ignore_errors=True)
        for f in cache.glob("synth-*.jsonl"):
            f.unlink()
        state = None
    (cache / "manifest.json").unlink(missing_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    if state is None:  # a new build (an interrupted one resumes: finished batches are kept)
        state = {**want, "seeded_from": None, "seconds_spent": 0.0, "runs": []}
        if not (ws / "skillmatch.db").exists() and args.seed_from:
            log(f"seeding {ws} from a copy of {args.seed_from}")
            copy_workspace(args.seed_from, ws)
            state["seeded_from"] = str(args.seed_from)
    ws.mkdir(parents=True, exist_ok=True)
    params.write_text(json.dumps(state, indent=2))
    synth = cache / f"synth-{args.postings}-{args.seed}.jsonl"
    log(f"building the workspace with the BEFORE code ({before.src}); "
        f"progress in {cache / 'build.log'}")
    started, begun, ok = time.perf_counter(), time.strftime("%Y-%m-%dT%H:%M:%S%z"), False
    try:
        with open(cache / "build.log", "a") as err:
            result = before.worker("build", {"home": str(ws), "shared": str(shared),
                                             "synth": str(synth), "postings": args.postings,
                                             "seed": args.seed}, stderr=err,
                                   timeout=6 * 3600)
        ok = True
    finally:
        seconds = time.perf_counter() - started
        state["seconds_spent"] = round(state["seconds_spent"] + seconds, 1)
        state["runs"].append({"started": begun, "seconds": round(seconds, 1), "ok": ok})
        params.write_text(json.dumps(state, indent=2))
    manifest = {
        **want,
        "what": (f"{args.postings:,} synthetic postings (O*NET 29.2, seed {args.seed}), the "
                 "NCES CIP 2020 six-digit programs in use and the demo credentials, postings "
                 "and needs; "
                 "ESCO v1.1.1 (indexed; records linked to it) and O*NET 29.2 (loaded)"),
        "built_by": {"commit": before.commit, "code": result["code"],
                     "script": "benchmarks/bench_server.py worker_build"},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": state["seconds_spent"],  # all runs of the build together
        "build_runs": state["runs"],
        "seeded_from": state["seeded_from"],
        "steps": result["steps"], "counts": result["counts"],
        "taxonomies": result["taxonomies"],
        "synth": synth.name, "workspace": "workspace",
    }
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"workspace built ({state['seconds_spent']:.0f} s in all): {result['counts']}")
    return manifest


def pick_inputs(db: Path, seed: int, n: int) -> dict[str, Any]:
    """Occupations with many postings, CIP programs and ESCO skill labels, drawn once."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rng = random.Random(seed)
    codes = sorted(r[0] for r in conn.execute(  # the 200 occupations with most postings
        "SELECT occupation_code FROM postings WHERE occupation_code LIKE '__-____.__' "
        "GROUP BY occupation_code ORDER BY count(*) DESC, occupation_code LIMIT 200"))
    creds = [r[0] for r in conn.execute(
        "SELECT code FROM credentials WHERE code LIKE 'cip:%' ORDER BY code")]
    labels = [r[0] for r in conn.execute(
        "SELECT s.label FROM skills s JOIN taxonomies t ON t.id=s.taxonomy_id "
        "WHERE t.name='esco' AND length(s.label) BETWEEN 12 AND 40 ORDER BY s.id")]
    conn.close()
    occ = rng.sample(codes, n + 2)
    return {"watch_occupations": occ[:n + 1], "first_occupation": occ[n + 1],
            "credential": rng.choice(creds), "skills": rng.sample(labels, n + 1)}


def _summary(values: list[float]) -> dict[str, Any]:
    return {"runs_ms": [round(v, 1) for v in values],
            "median_ms": round(statistics.median(values), 1) if values else None}


def measure_visibility(side: Side, home: Path, inputs: dict[str, Any], repeat: int,
                       logs: Path) -> dict[str, Any]:
    occs, skills = inputs["watch_occupations"], inputs["skills"]
    err = open(logs / "watch.log", "a")
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "_worker", "watch",
         json.dumps({"home": str(home), "warmup": occs[0]})],
        env=side.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
        cwd=str(home), bufsize=1)
    assert proc.stdin and proc.stdout

    def expect(prefix: str) -> dict[str, Any]:
        while True:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"{side.name}: process B ended; see {logs / 'watch.log'}")
            if line.startswith(prefix + " "):
                return json.loads(line[len(prefix) + 1:])

    def ask(occupation: str) -> dict[str, Any]:
        proc.stdin.write(json.dumps({"occupation": occupation}) + "\n")  # type: ignore
        proc.stdin.flush()  # type: ignore[union-attr]
        return expect("ANSWER")

    runs = []
    try:
        ready = expect("READY")
        for i in range(repeat + 1):  # the first is a warm-up, not counted
            occ = occs[i]
            base = ask(occ)
            posted = side.worker("post", {
                "home": str(home), "employer": "Bench Fourteen Hospital",
                "role": f"bench role {i}", "occupation": occ, "required": [skills[i]],
                "need_id": f"need:bench14-{side.name}-{i}-{int(time.time())}"},
                stderr=err)
            after = ask(occ)
            visible = (after["basis_records"] is not None and base["basis_records"]
                       is not None and after["basis_records"] == base["basis_records"] + 1)
            runs.append({"occupation": occ, "skill": skills[i], "ms": after["ms"],
                         "baseline_ms": base["ms"], "visible": visible,
                         "basis_before": base["basis"], "basis_after": after["basis"],
                         "demand_records": [base["demand_records"], after["demand_records"]],
                         "post_need_ms": posted["ms"], "understood": posted["understood"],
                         "warmup": i == 0})
            log(f"{side.name} need {i}: B {after['ms']:.0f} ms, visible {visible}, "
                f"demand records {base['demand_records']} -> {after['demand_records']}, "
                f"A post_need {posted['ms']:.0f} ms")
        proc.stdin.write(json.dumps({"quit": True}) + "\n")
        proc.stdin.close()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        err.close()
    counted = [r for r in runs if not r["warmup"]]
    return {**_summary([r["ms"] for r in counted]),
            "visible": sum(r["visible"] for r in counted), "of": len(counted),
            "demand_visible": sum(r["demand_records"][1] == r["demand_records"][0] + 1
                                  for r in counted),
            "post_need_median_ms": round(statistics.median(
                [r["post_need_ms"] for r in counted]), 1),
            "b_warmup_ms": round(ready["warmup_ms"], 1), "runs": runs}


def measure_side_once(side: Side, home: Path, inputs: dict[str, Any], target: str,
                      logs: Path) -> float:
    if target in ("first_recommend", "first_align"):
        with open(logs / f"{target}.log", "a") as err:
            r = side.worker("first", {
                "home": str(home), "call": target.split("_")[1],
                "occupation": inputs["first_occupation"],
                "credential": inputs["credential"]}, stderr=err)
        return float(r["ms"])
    if target == "cli_align":
        return side.cli(home, "align", inputs["credential"], log_file=logs / "cli_align.log")
    return side.cli(home, "skills", "link", SENTENCE, log_file=logs / "cli_link.log")


def _fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def cell(target: str, fig: dict[str, Any] | None) -> str:
    if not fig:
        return "-"
    if "error" in fig:
        return "failed"
    if target == "need_visible":
        if fig["visible"] == 0:
            return f"not visible ({_fmt_ms(fig['median_ms'])})"
        return f"visible {fig['visible']}/{fig['of']}, {_fmt_ms(fig['median_ms'])}"
    return _fmt_ms(fig["median_ms"])


LABELS = {
    "need_visible": "1. need posted by A shows in warm B's next recommend",
    "first_recommend": "2a. fresh process: SkillMatch(...) to first recommend",
    "first_align": "2b. fresh process: SkillMatch(...) to first align",
    "cli_align": "3. `skillmatch align <credential>` (wall)",
    "cli_link": "4. `skillmatch skills link \"<sentence>\"` (wall)",
}
TARGET_GROUPS = {"1": ["need_visible"], "2": ["first_recommend", "first_align"],
                 "3": ["cli_align"], "4": ["cli_link"]}


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "_worker":
        run_worker()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path,
                        default=Path.home() / ".cache" / "skillmatch" / "bench-100k")
    parser.add_argument("--seed-from", type=Path, help="start a new cache from a copy of "
                        "this workspace (ESCO and O*NET imported, ESCO indexed)")
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get(
        "SKILLMATCH_SHARED_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--before-ref", default=BEFORE_REF)
    parser.add_argument("--before-tree", type=Path, default=Path("/tmp/sm-before"))
    parser.add_argument("--after-src", type=Path, default=REPO / "src")
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sides", default="before,after")
    parser.add_argument("--targets", default="1,2,3,4")
    parser.add_argument("--prepare", action="append", default=[], metavar="SIDE:ARGS",
                        help="run `skillmatch --home COPY ARGS` on SIDE's fresh copy before "
                        "measuring, untimed (an upgrade step the side's code asks for, e.g. "
                        "'after:index build --force'); repeatable")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    args.cache = args.cache.expanduser().resolve()
    shared = args.shared.resolve()
    if not (shared / "onet-29.2-text").is_dir():
        raise SystemExit(f"no shared data at {shared} (pass --shared or set "
                         "SKILLMATCH_SHARED_DATA)")

    before_commit = ensure_before_tree(args.before_tree, args.before_ref)
    after_head = git("rev-parse", "HEAD")
    after_dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "src"))
    sides = {"before": Side("before", args.before_tree / "src", shared, before_commit),
             "after": Side("after", args.after_src.resolve(), shared,
                           after_head + (" + uncommitted src changes" if after_dirty else ""))}
    chosen = [s.strip() for s in args.sides.split(",") if s.strip()]
    for name in chosen:
        which = sides[name].worker("which", {})
        for path in which.values():
            if not Path(path).resolve().is_relative_to(sides[name].src.resolve()):
                raise SystemExit(f"{name}: skillmatch resolves to {path}, not under "
                                 f"{sides[name].src}")
        log(f"{name}: skillmatch from {which['skillmatch']}; cli {which['cli']}")

    want = wanted_params(args, before_commit)
    manifest = cache_matches(args.cache, want)
    if manifest is None:
        manifest = build_cache(args, sides["before"], want, shared)
    else:
        log(f"reusing the workspace in {args.cache} (built {manifest['built_at']})")
    if args.build_only:
        print(json.dumps(manifest, indent=2))
        return

    targets = [t for g in args.targets.split(",") for t in TARGET_GROUPS[g.strip()]]
    inputs = pick_inputs(args.cache / "workspace" / "skillmatch.db", args.seed, args.repeat)
    homes: dict[str, Path] = {}
    for name in chosen:
        homes[name] = args.cache / "scratch" / name
        started = time.perf_counter()
        copy_workspace(args.cache / "workspace", homes[name])
        (homes[name] / "logs").mkdir()
        log(f"{name}: fresh copy of the workspace in {homes[name]} "
            f"({time.perf_counter() - started:.0f} s)")
    prepared: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    for spec in args.prepare:
        name, _, rest = spec.partition(":")
        if name not in homes:
            continue
        argv = shlex.split(rest)
        ms = sides[name].cli(homes[name], *argv, log_file=homes[name] / "logs" / "prepare.log")
        prepared[name].append({"command": ["skillmatch", *argv], "ms": round(ms, 1)})
        log(f"{name}: prepared with `skillmatch {rest.strip()}` ({_fmt_ms(ms)}, untimed)")

    figures: dict[str, dict[str, Any]] = {name: {} for name in chosen}
    if "need_visible" in targets:
        for name in chosen:
            try:
                figures[name]["need_visible"] = measure_visibility(
                    sides[name], homes[name], inputs, args.repeat, homes[name] / "logs")
            except Exception as exc:  # one side failing still prints the other
                log(f"{name}: need_visible failed: {exc}")
                figures[name]["need_visible"] = {"error": str(exc)}
    for target in (t for t in targets if t != "need_visible"):
        runs: dict[str, list[float]] = {name: [] for name in chosen}
        failed: dict[str, str] = {}
        for i in range(args.repeat + 1):  # sides interleaved; the first run is a warm-up
            for name in chosen:
                if name in failed:
                    continue
                try:
                    ms = measure_side_once(sides[name], homes[name], inputs, target,
                                           homes[name] / "logs")
                except Exception as exc:
                    log(f"{name}: {target} failed: {exc}")
                    failed[name] = str(exc)
                    continue
                log(f"{name} {target} run {i}{' (warm-up)' if i == 0 else ''}: "
                    f"{_fmt_ms(ms)}")
                if i:
                    runs[name].append(ms)
        for name in chosen:
            figures[name][target] = ({"error": failed[name]} if name in failed
                                     else _summary(runs[name]))

    rows = [(LABELS[t], GOALS[t] or f"(today {TODAY[t]})",
             *(cell(t, figures[n].get(t)) for n in chosen)) for t in targets]
    header = ("target", "goal", *(n.upper() for n in chosen))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\nServing at {manifest['counts']['postings']:,} postings "
          f"({manifest['counts']['credentials']:,} credentials), {os.cpu_count()} cores, "
          f"median of {args.repeat} (warm page cache, one warm-up run first)")
    for name in chosen:
        print(f"  {name.upper()}: {sides[name].src} ({sides[name].commit})"
              + "".join(f"; prepared with `{' '.join(p['command'])}`" for p in prepared[name]))
    print(f"  workspace: {args.cache} (built by {manifest['built_by']['commit'][:7]})")
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    for name in chosen:
        fig = figures[name].get("need_visible")
        if fig and "error" not in fig:
            print(f"  {name}: A's post_need median {_fmt_ms(fig['post_need_median_ms'])}; "
                  f"B's warm-up recommend {_fmt_ms(fig['b_warmup_ms'])}; demand(...) "
                  f"counted the need {fig['demand_visible']}/{fig['of']}")
    if args.json:
        args.json.write_text(json.dumps({
            "cache": str(args.cache), "manifest": manifest, "cores": os.cpu_count(),
            "repeat": args.repeat, "inputs": {**inputs, "sentence": SENTENCE},
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sides": {n: {"src": str(sides[n].src), "commit": sides[n].commit,
                          "prepared": prepared[n]} for n in chosen},
            "goals": GOALS, "figures": figures}, indent=2) + "\n")
        log(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
