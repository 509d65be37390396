"""Load on the running HTTP service at 100,000 postings (issue 15), beside a bare reference.

On one workspace of 100,000 synthetic postings, the 2,173 NCES CIP 2020 programs (and
the demo records), ESCO indexed and O*NET loaded, ``skillmatch serve`` runs on
127.0.0.1 with 1 and then 2 workers; beside it, in the same run, ``reference_server.py``
only embeds a query and searches an HNSW index of 100,000 of those postings' vectors.
``wrk`` (Debian's ``wrk`` package), a load generator in another process with one thread,
drives each endpoint at 4 and at 16 connections, bounded in time (``--duration``) and in
requests (``--requests``), after a short warm-up on other queries:

- ``reference``: ``GET /search?q=<a sentence>`` on the reference server;
- ``recommend_occupation``: ``POST /v1/recommendations {"occupation": <O*NET-SOC code>}``;
- ``recommend_text``: ``POST /v1/recommendations {"query": <a sentence>}``;
- ``align``: ``GET /v1/alignments/<credential>``;
- ``post_need``: ``POST /v1/needs`` with an employer key (two skill labels, one phrase);
- ``autocomplete``: ``GET /v1/skills?q=<a prefix of a skill label, some misspelt>``.

Queries are distinct and seeded: real NYC Jobs sentences (``../shared/data``) for text,
each used once in the whole run by the service, so no embedding cache can answer them
(the reference, which has no cache, cycles through them); credentials
and occupations drawn without repeats until every one has been used (the table shows
how many of each run's requests were distinct). The service runs with its rate limiter
off (``SKILLMATCH_API_RATE_LIMIT=0``: it would refuse a load generator) and no access
log, like the reference. It prints requests per second, p50 and p99 per endpoint, the
ratios to the reference of the same workers and connections, and issue 15's targets at
2 workers and 4 connections.

Each row also shows how busy each worker was (percent of a core over the row). With
several workers a keep-alive connection stays with the worker that accepted it, and a
worker accepts every connection waiting when it wakes, so wrk's four connections, opened
together, sometimes all land on one worker while the other sits idle (15 bursts of four
in 60 on this machine, with a 2 ms app; the service or the reference alike). Such a
row measures one worker, not the service: it is measured again, with new connections,
up to three times (the column says which try), the same rule for the reference. Each
server is measured only once every process of it is idle after its start. The
reference is measured at the start and again at the end of each workers-and-connections
cell (the machine's pace drifts between runs); ratios read the mean of the two.

The workspace: ``<cache>/load-base`` (made once from ``bench_server.py``'s cached
workspace, ``<cache>/workspace``, built there when missing: about an hour on two
cores; then ``skillmatch index build --force --taxonomy esco``, and O*NET's occupation
texts put in its embedding cache, as building O*NET's occupation index would), copied
afresh to ``<cache>/scratch/load`` for every run, since ``post_need`` writes to it.

    apt-get install wrk
    python benchmarks/bench_load.py [--cache DIR] [--workers 1,2] [--connections 4,16]
        [--duration 10] [--requests 5000] [--endpoints ...] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_server import copy_workspace  # noqa: E402
from posting_sentences import nyc_sentences  # noqa: E402

TEXT_ENDPOINTS = ("recommend_text", "post_need")  # one new sentence a request
ENDPOINTS = ("reference", "autocomplete", "recommend_occupation", "recommend_text",
             "align", "post_need")
MAX_TRIES = 3  # a row whose connections all went to one worker is measured again
WARM_REQUESTS = 60
WARM_SECONDS = 3
# issue 15's targets, at 2 workers and 4 connections, against the reference of that run
TARGETS = {
    "recommend_occupation": "req/s >= 0.8 x reference, p50 <= 1.25 x reference",
    "recommend_text": "p50 <= 2 x reference",
    "autocomplete": "p99 < 10 ms",
    "align": "p50 < 150 ms",
}
KEEP_PROFILES = """
import sys
from pathlib import Path
from skillmatch.app import SkillMatch
from skillmatch.settings import Settings
with SkillMatch(Settings(home=Path(sys.argv[1]))) as engine:
    print("kept", engine.keep_profiles(), "credential profiles")
"""
LUA = """
local reqs = {
%(requests)s
}
local headers = %(headers)s
local sent, answered, limit = 0, 0, %(limit)d
function request()
  sent = sent + 1
  local r = reqs[((sent - 1) %% #reqs) + 1]
  return wrk.format(r[1], r[2], headers, r[3])
end
function response(status, hdrs, body)
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, ' ..
    '"p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "mean_us": %%.1f, "status": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def log(msg: str) -> None:
    print(f"[bench_load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def git_head() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                          stdout=subprocess.PIPE, check=False).stdout.strip()


def skillmatch(home: Path, *argv: str, env: dict[str, str]) -> str:
    proc = subprocess.run([sys.executable, "-m", "skillmatch.cli", "--home", str(home),
                           *argv], env=env, text=True, capture_output=True, cwd=str(REPO))
    if proc.returncode:
        raise SystemExit(f"skillmatch {' '.join(argv)} failed: {proc.stderr[-2000:]}")
    return proc.stdout


# ------------------------------------------------------------------------ workspace
def ensure_base(cache: Path, env: dict[str, str]) -> Path:
    """``<cache>/load-base``: the cached 100k workspace, upgraded once for this code."""
    base = cache / "load-base"
    if (base / "READY").exists():
        return base
    if not (cache / "workspace" / "skillmatch.db").exists():
        log(f"no workspace in {cache}: building it with bench_server.py (about an hour)")
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_server.py"),
                        "--cache", str(cache), "--build-only"], check=True)
    log(f"copying {cache / 'workspace'} to {base}")
    copy_workspace(cache / "workspace", base)
    log("skillmatch index build --force --taxonomy esco (the one-time upgrade)")
    skillmatch(base, "index", "build", "--force", "--taxonomy", "esco", env=env)
    (base / "READY").write_text(json.dumps({"prepared_by": git_head(),
                                            "at": time.strftime("%Y-%m-%dT%H:%M:%S")}))
    return base


OCCUPATION_TEXTS = """
import sqlite3, sys
from pathlib import Path
from skillmatch.app import SkillMatch
from skillmatch.index.catalog import describe
from skillmatch.settings import Settings
home = Path(sys.argv[1])
rows = sqlite3.connect(home / "skillmatch.db").execute(
    "SELECT o.label, o.description FROM occupations o JOIN taxonomies t"
    " ON t.id = o.taxonomy_id WHERE t.name = 'onet'").fetchall()
with SkillMatch(Settings(home=home)) as app:
    app.embedder.embed([describe(label, text) for label, text in rows])
print(len(rows))
"""


def embed_occupations(base: Path, env: dict[str, str]) -> None:
    """O*NET's occupation texts in the base's embedding cache, once: what building
    O*NET's occupation index stores (this workspace has O*NET loaded, not indexed), so
    that a recommendation for an O*NET code reads its occupation's vector instead of
    embedding the occupation's description on its first request."""
    stamp = base / "OCCUPATION-TEXTS"
    if stamp.exists():
        return
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", OCCUPATION_TEXTS, str(base)], env=env,
                         text=True, capture_output=True, cwd=str(REPO))
    if out.returncode:
        raise SystemExit(f"embedding the occupation texts failed: {out.stderr[-2000:]}")
    stamp.write_text(out.stdout)
    log(f"{out.stdout.strip()} O*NET occupation texts embedded into the base's cache in "
        f"{time.perf_counter() - started:.0f} s")


def reference_index(cache: Path, db: Path, n: int) -> Path:
    """An HNSW index (M=32) of ``n`` posting vectors of the workspace, built once."""
    path = cache / "reference" / f"hnsw-{n // 1000}k.faiss"
    if path.exists():
        return path
    import faiss
    import numpy as np

    log(f"building the reference HNSW index of {n:,} posting vectors")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    blobs = [r[0] for r in conn.execute(
        "SELECT vector FROM record_vectors WHERE record_kind = 'posting' "
        "ORDER BY record_id LIMIT ?", (n,))]
    conn.close()
    if len(blobs) < n:
        raise SystemExit(f"only {len(blobs):,} posting vectors in {db} (wanted {n:,})")
    vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(n, -1)
    index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.add(vectors)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    faiss.write_index(index, str(tmp))
    tmp.rename(path)
    return path


# -------------------------------------------------------------------------- queries
class Queries:
    """Seeded, distinct inputs, handed out so that no two runs share a sentence."""

    def __init__(self, db: Path, shared: Path, seed: int, sentences: int) -> None:
        rng = random.Random(seed)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        self.occupations = [r[0] for r in conn.execute(
            "SELECT occupation_code FROM postings WHERE occupation_code != '' "
            "GROUP BY occupation_code HAVING count(*) >= 20 ORDER BY occupation_code")]
        self.credentials = [r[0] for r in conn.execute(
            "SELECT code FROM credentials ORDER BY code")]
        labels = [r[0] for r in conn.execute(
            "SELECT s.label FROM skills s JOIN taxonomies t ON t.id = s.taxonomy_id "
            "WHERE t.name = 'esco' ORDER BY s.id")]
        regions = [r[0] for r in conn.execute(
            "SELECT DISTINCT region FROM postings WHERE region != '' ORDER BY region")]
        conn.close()
        for items in (self.occupations, self.credentials, labels):
            rng.shuffle(items)
        self.labels, self.regions, self.rng = labels, regions or ["TX"], rng
        log(f"reading {sentences:,} distinct NYC Jobs sentences")
        self.sentences = nyc_sentences(shared, sentences, seed=seed)
        self._next = {"sentence": 0, "occupation": 0, "credential": 0, "label": 0,
                      "reference": len(self.sentences) // 2}

    def _take(self, kind: str, pool: list[str], n: int, repeat: bool) -> list[str]:
        start = self._next[kind]
        if not repeat and start + n > len(pool):
            raise SystemExit(f"out of distinct {kind}s ({len(pool):,}); lower --requests")
        self._next[kind] = start + n
        return [pool[(start + i) % len(pool)] for i in range(n)]

    def sentences_(self, n: int) -> list[str]:
        return self._take("sentence", self.sentences, n, repeat=False)

    def give_back(self, endpoint: str, unused: int) -> None:
        """Sentences a run took but never sent go back to the pool (its last take)."""
        if endpoint in TEXT_ENDPOINTS and unused > 0:
            self._next["sentence"] -= unused

    def requests(self, endpoint: str, n: int) -> list[tuple[str, str, str]]:
        """``n`` (method, path, body) for ``endpoint``."""
        if endpoint == "reference":  # no cache of any kind: its sentences may come again
            return [("GET", "/search?" + urllib.parse.urlencode({"q": s}), "")
                    for s in self._take("reference", self.sentences, n, repeat=True)]
        if endpoint == "recommend_text":
            return [("POST", "/v1/recommendations", json.dumps({"query": s}))
                    for s in self.sentences_(n)]
        if endpoint == "recommend_occupation":
            return [("POST", "/v1/recommendations", json.dumps({"occupation": c}))
                    for c in self._take("occupation", self.occupations, n, repeat=True)]
        if endpoint == "align":
            return [("GET", "/v1/alignments/" + urllib.parse.quote(c, safe=":"), "")
                    for c in self._take("credential", self.credentials, n, repeat=True)]
        if endpoint == "autocomplete":
            out = []
            for label in self._take("label", self.labels, n, repeat=True):
                q = label[: self.rng.randint(3, 9)]
                if len(q) > 4 and self.rng.random() < 0.2:  # a typo: fuzzy matching
                    i = self.rng.randrange(1, len(q) - 1)
                    q = q[:i] + q[i + 1] + q[i] + q[i + 2:]
                out.append(("GET", "/v1/skills?" + urllib.parse.urlencode({"q": q}), ""))
            return out
        if endpoint == "post_need":
            phrases = self.sentences_(n)
            labels = self._take("label", self.labels, 2 * n, repeat=True)
            codes = self._take("occupation", self.occupations, n, repeat=True)
            return [("POST", "/v1/needs", json.dumps({
                "role": f"bench role {i}", "occupation_code": codes[i],
                "required_skills": [labels[2 * i], labels[2 * i + 1]],
                "preferred_skills": [" ".join(phrases[i].split()[:12])],
                "region": self.rng.choice(self.regions)})) for i in range(n)]
        raise ValueError(endpoint)


# -------------------------------------------------------------------------- servers
class Server:
    """A server process group on 127.0.0.1, stopped with its workers."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int,
                 ready_path: str, log_dir: Path) -> None:
        self.name, self.port = name, port
        self.log = open(log_dir / f"{name}.log", "ab")
        self.proc = subprocess.Popen(argv, env=env, cwd=str(REPO), stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} exited (rc {self.proc.returncode}); see "
                                 f"{log_dir / (name + '.log')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}",
                                            timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise SystemExit(f"{name} not ready after 600 s")
        # one worker answering "ready" says nothing of the others, still loading in the
        # background: wait until the whole process group is idle, so that no measurement
        # shares the cores with a worker's start
        self.quiet = self.wait_idle(deadline)

    def group_cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) of each process in the server's group."""
        out = {}
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == self.proc.pid:  # the process group (session leader)
                out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
        return out

    def cpu_seconds(self) -> float:
        """CPU time of the whole group."""
        return sum(self.group_cpu().values())

    def wait_idle(self, deadline: float, window: float = 1.0, busy: float = 0.05) -> float:
        """Wait until the group used under ``busy`` of a core over ``window`` seconds;
        the seconds waited."""
        started = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(window)
            now = self.cpu_seconds()
            if now - last < busy * window:
                return time.monotonic() - started
            last = now
        raise SystemExit(f"{self.name} still busy after its start")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def measure(server: Server, port: int, reqs: list[tuple[str, str, str]], connections: int,
            seconds: int, headers: dict[str, str], workers: int) -> dict[str, Any]:
    """wrk's figures, and how busy each of the server's ``workers`` was (percent of a
    core over the run: one that got none of wrk's connections shows near 0, since each
    connection stays with the worker that accepted it)."""
    before = server.group_cpu()
    fig = wrk(port, reqs, connections, seconds, headers)
    after = server.group_cpu()
    busy = sorted((round(100 * (after[p] - before.get(p, 0.0)) / max(fig["seconds"], 1e-9))
                   for p in after), reverse=True)
    fig["worker_cpu"] = busy[:workers]
    return fig


def lopsided(worker_cpu: list[int]) -> bool:
    """Whether one worker did the work while another sat idle."""
    return len(worker_cpu) > 1 and worker_cpu[0] >= 50 and worker_cpu[-1] < 10


def wrk(port: int, requests: list[tuple[str, str, str]], connections: int, seconds: int,
        headers: dict[str, str]) -> dict[str, Any]:
    lines = ",\n".join("{" + ", ".join(f"[==[{x}]==]" for x in r) + "}" for r in requests)
    heads = "{" + ", ".join(f'["{k}"] = [==[{v}]==]' for k, v in headers.items()) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"requests": lines, "headers": heads, "limit": len(requests)})
    try:
        proc = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
                               "--timeout", "30s", "-s", f.name,
                               f"http://127.0.0.1:{port}"],
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    finally:
        os.unlink(f.name)
    found = [ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")]
    if proc.returncode or not found:
        raise SystemExit(f"wrk failed (rc {proc.returncode}): {proc.stdout[-2000:]}")
    out = json.loads(found[-1][len("WRKJSON "):])
    seconds_run = out["duration_us"] / 1e6
    return {"rps": round(out["requests"] / seconds_run, 1) if seconds_run else 0.0,
            "p50_ms": out["p50_us"] / 1000, "p90_ms": out["p90_us"] / 1000,
            "p99_ms": out["p99_us"] / 1000, "requests": out["requests"],
            "seconds": round(seconds_run, 1),
            # the request bound reached before the time bound: wrk still divides by the
            # whole duration, so req/s is then a lower bound
            "capped": out["requests"] >= len(requests),
            "errors": {k: out[k] for k in ("status", "connect", "read", "write", "timeout")
                       if out[k]}}


# --------------------------------------------------------------------------- driver
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path,
                        default=Path.home() / ".cache" / "skillmatch" / "bench-100k")
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get(
        "SKILLMATCH_SHARED_DATA", REPO.parent / "shared" / "data")))
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--connections", default="4,16")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--requests", type=int, default=5000,
                        help="most requests per measurement")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--reuse-scratch", action="store_true",
                        help="measure on <cache>/scratch/load as it is (no fresh copy)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    workers = [int(w) for w in args.workers.split(",")]
    conns = [int(c) for c in args.connections.split(",")]
    endpoints = [e for e in args.endpoints.split(",") if e]
    unknown = set(endpoints) - set(ENDPOINTS)
    if unknown:
        raise SystemExit(f"unknown endpoints {sorted(unknown)} (choose from {ENDPOINTS})")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLMATCH_")}
    env.update(HF_HUB_OFFLINE="1", PYTHONPATH=str(REPO / "src"),
               SKILLMATCH_SHARED_DATA=str(args.shared))

    base = ensure_base(args.cache, env)
    embed_occupations(base, env)
    # derived files keyed on the code (the occupation signals: recomputed in about two
    # minutes after a change to linking/ or matching/features.py) written into the base
    # once, untimed, so that no measured request pays for them
    started = time.perf_counter()
    first = sqlite3.connect(f"file:{base / 'skillmatch.db'}?mode=ro", uri=True).execute(
        "SELECT code FROM credentials ORDER BY id LIMIT 1").fetchone()[0]
    # indexes the settings now want otherwise (an occupation index turned HNSW) are
    # rebuilt from the embedding cache; current ones are kept
    skillmatch(base, "index", "build", "--taxonomy", "esco", env=env)
    skillmatch(base, "align", first, "--format", "json", env=env)
    # the credentials' skill profiles alignments read, which a server keeps in the
    # background once it is ready (about 2 minutes for 2,234 credentials): kept in the
    # base once, so that no run measures a server still computing them
    subprocess.run([sys.executable, "-c", KEEP_PROFILES, str(base)], env=env, check=True)
    log(f"base warmed (derived files current) in {time.perf_counter() - started:.1f} s")
    home = args.cache / "scratch" / "load"
    if not args.reuse_scratch or not (home / "skillmatch.db").exists():
        log(f"copying {base} to {home}")
        copy_workspace(base, home)
    db = home / "skillmatch.db"
    index_path = reference_index(args.cache, db, 100_000)
    # every sentence the NYC Jobs files hold (about 19,700): runs give back what they
    # did not send, so each run needs only what it used
    queries = Queries(db, args.shared, args.seed, 1_000_000)
    key = json.loads(skillmatch(home, "keys", "create", "--role", "employer",
                                "--employer", "Load Test Employer", "--name", "bench_load",
                                "--format", "json", env=env))["key"]
    counts = {t: sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
        f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("postings", "credentials", "needs")}
    log(f"workspace {home}: {counts}")
    log_dir = args.cache / "scratch" / "load-logs"
    log_dir.mkdir(parents=True, exist_ok=True)

    results: list[dict[str, Any]] = []
    for w in workers:
        cores = os.cpu_count() or 1
        senv = {**env, "SKILLMATCH_API_RATE_LIMIT": "0"}
        # the reference's native pools held to its share of the cores too, as `serve`
        # holds the service's (FAISS's OpenMP count set in create_app does not reach the
        # threads that answer requests; the environment does)
        share = str(max(1, cores // w))
        renv = {**env, "REFERENCE_INDEX": str(index_path), "SKILLMATCH_THREADS": share,
                "OMP_NUM_THREADS": share, "OPENBLAS_NUM_THREADS": share,
                "MKL_NUM_THREADS": share}
        log(f"starting the service and the reference with {w} worker(s)")
        started = time.perf_counter()
        service = Server(f"service-{w}w", [
            sys.executable, "-m", "skillmatch.cli", "--home", str(home), "serve",
            "--workers", str(w), "--port", str(args.port), "--no-access-log",
            "--log-level", "warning"], senv, args.port, "/v1/ready", log_dir)
        ready_s = time.perf_counter() - started
        log(f"service idle {service.quiet:.1f} s after its first ready answer")
        reference = Server(f"reference-{w}w", [
            sys.executable, "-m", "uvicorn", "--app-dir", str(REPO / "benchmarks"),
            "reference_server:create_app", "--factory", "--workers", str(w),
            "--port", str(args.port + 1), "--no-access-log", "--log-level", "warning"],
            renv, args.port + 1, "/ready", log_dir)
        log(f"service ready in {ready_s:.1f} s")
        try:
            for c in conns:
                # the reference measured again at the end of the cell: the machine's pace
                # drifts (this VM's reference ranged 326 to 473 req/s between runs), and
                # the ratios read the mean of the two
                order = endpoints + (["reference"] if "reference" in endpoints else [])
                for e in order:
                    port = args.port + 1 if e == "reference" else args.port
                    headers = {"Content-Type": "application/json"}
                    if e == "post_need":
                        headers["Authorization"] = f"Bearer {key}"
                    warm = wrk(port, queries.requests(e, WARM_REQUESTS), c, WARM_SECONDS,
                               headers)
                    queries.give_back(e, WARM_REQUESTS - warm["requests"] - c)
                    server = reference if e == "reference" else service
                    tries = 0
                    while True:
                        tries += 1
                        reqs = queries.requests(e, args.requests)
                        fig = measure(server, port, reqs, c, args.duration, headers, w)
                        queries.give_back(e, len(reqs) - fig["requests"] - c)
                        if tries == MAX_TRIES or not lopsided(fig["worker_cpu"]):
                            break
                        log(f"{w}w {c}c {e}: every connection went to one worker (worker "
                            f"CPU {fig['worker_cpu']}); measuring again")
                    fig["tries"] = tries
                    fig.update(endpoint=e, workers=w, connections=c,
                               distinct=len(set(reqs[: fig["requests"]])))
                    results.append(fig)
                    log(f"{w}w {c}c {e}: {fig['rps']} req/s, p50 {fig['p50_ms']:.1f} ms, "
                        f"p99 {fig['p99_ms']:.1f} ms, worker CPU "
                        f"{'+'.join(f'{b}%' for b in fig['worker_cpu'])} "
                        f"({fig['requests']} requests"
                        + (f", errors {fig['errors']}" if fig["errors"] else "") + ")")
        finally:
            service.stop()
            reference.stop()
    report(results, counts, args)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


def report(results: list[dict[str, Any]], counts: dict[str, int],
           args: argparse.Namespace) -> None:
    ref = reference_means(results)
    print(f"\nLoad at {counts['postings']:,} postings, {counts['credentials']:,} credentials "
          f"(commit {git_head()}, {os.cpu_count()} cores, wrk -t1, {args.duration} s or "
          f"{args.requests:,} requests per row)\n")
    print("| endpoint | workers | conns | req/s | p50 ms | p99 ms | requests (distinct) "
          "| errors | worker CPU | req/s vs ref | p50 vs ref |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        base = ref.get((r["workers"], r["connections"]))
        rps = f"{r['rps']:.1f}" + (" (capped: at least)" if r.get("capped") else "")
        print(f"| {r['endpoint']} | {r['workers']} | {r['connections']} | {rps} "
              f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['requests']:,} "
              f"({r['distinct']:,}) | {sum(r['errors'].values()) or 0} "
              f"| {'+'.join(f'{b}%' for b in r.get('worker_cpu', []))}"
              + (f" (try {r['tries']})" if r.get("tries", 1) > 1 else "") + " "
              f"| {_ratio(r['rps'], base['rps']) if base else '-'} "
              f"| {_ratio(r['p50_ms'], base['p50_ms']) if base else '-'} |")
    checks = targets(results, ref.get((2, 4)))
    if checks:
        print("\nIssue 15's targets at 2 workers and 4 connections:\n")
        print("| endpoint | target | measured | met |")
        print("|---|---|---|---|")
        for c in checks:
            print(f"| {c['endpoint']} | {c['target']} | {c['measured']} | "
                  f"{'yes' if c['met'] else 'NO'} |")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "targets": checks,
                                         "counts": counts, "commit": git_head()}, indent=1))


def reference_means(results: list[dict[str, Any]]) -> dict[tuple[int, int], dict[str, Any]]:
    """Per (workers, connections): the reference's figures, the mean of its measurements
    (at the start and the end of the cell)."""
    runs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in results:
        if r["endpoint"] == "reference":
            runs.setdefault((r["workers"], r["connections"]), []).append(r)
    return {key: {"rps": sum(r["rps"] for r in rs) / len(rs),
                  "p50_ms": sum(r["p50_ms"] for r in rs) / len(rs),
                  "p99_ms": sum(r["p99_ms"] for r in rs) / len(rs), "runs": len(rs)}
            for key, rs in runs.items()}


def targets(results: list[dict[str, Any]], ref: dict[str, Any] | None) -> list[dict[str, Any]]:
    at = {r["endpoint"]: r for r in results if r["workers"] == 2 and r["connections"] == 4}
    out = []
    if ref and "recommend_occupation" in at:
        r = at["recommend_occupation"]
        out.append({"endpoint": "recommend_occupation",
                    "target": TARGETS["recommend_occupation"],
                    "measured": f"{r['rps'] / ref['rps']:.2f} x req/s, "
                                f"{r['p50_ms'] / ref['p50_ms']:.2f} x p50",
                    "met": r["rps"] >= 0.8 * ref["rps"] and r["p50_ms"] <= 1.25 * ref["p50_ms"]})
    if ref and "recommend_text" in at:
        r = at["recommend_text"]
        out.append({"endpoint": "recommend_text", "target": TARGETS["recommend_text"],
                    "measured": f"{r['p50_ms'] / ref['p50_ms']:.2f} x p50",
                    "met": r["p50_ms"] <= 2 * ref["p50_ms"]})
    if "autocomplete" in at:
        r = at["autocomplete"]
        out.append({"endpoint": "autocomplete", "target": TARGETS["autocomplete"],
                    "measured": f"p99 {r['p99_ms']:.1f} ms", "met": r["p99_ms"] < 10})
    if "align" in at:
        r = at["align"]
        out.append({"endpoint": "align", "target": TARGETS["align"],
                    "measured": f"p50 {r['p50_ms']:.1f} ms", "met": r["p50_ms"] < 150})
    return out


if __name__ == "__main__":
    main()
