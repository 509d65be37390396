"""Where a request's time goes: a CPU profile (yappi: every thread, since the test
client runs the app, and the app its sync routes, in other threads) over the real app
stack (FastAPI's test client: routing, dependencies, the engine, response models and
JSON), one endpoint at a time, on the load benchmark's workspace (``bench_load.py``'s
``<cache>/scratch/load``).

It prints, per endpoint, the mean wall time per request and the functions with the
most total and own CPU time. Use it to find what to make faster; measure the result
with ``bench_load.py`` (a real server under ``wrk``), not with this.

    python benchmarks/profile_requests.py [--home DIR] [--endpoints ...] [-n 200]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from posting_sentences import nyc_sentences  # noqa: E402

log = logging.getLogger("profile_requests")
ENDPOINTS = ("recommend_occupation", "recommend_text", "align", "autocomplete")


def requests_for(endpoint: str, db: Path, shared: Path, n: int, seed: int
                 ) -> list[tuple[str, str, dict | None]]:
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    if endpoint == "recommend_occupation":
        codes = [r[0] for r in conn.execute(
            "SELECT occupation_code FROM postings WHERE occupation_code != '' "
            "GROUP BY occupation_code HAVING count(*) >= 20")]
        rng.shuffle(codes)
        return [("POST", "/v1/recommendations", {"occupation": codes[i % len(codes)]})
                for i in range(n)]
    if endpoint == "align":
        codes = [r[0] for r in conn.execute("SELECT code FROM credentials")]
        rng.shuffle(codes)
        return [("GET", "/v1/alignments/" + urllib.parse.quote(codes[i % len(codes)], safe=":"),
                 None) for i in range(n)]
    if endpoint == "autocomplete":
        labels = [r[0] for r in conn.execute(
            "SELECT s.label FROM skills s JOIN taxonomies t ON t.id = s.taxonomy_id "
            "WHERE t.name = 'esco'")]
        rng.shuffle(labels)
        return [("GET", "/v1/skills?" + urllib.parse.urlencode(
            {"q": labels[i][: rng.randint(3, 9)]}), None) for i in range(n)]
    if endpoint == "recommend_text":
        return [("POST", "/v1/recommendations", {"query": s})
                for s in nyc_sentences(shared, n, seed=seed)]
    raise SystemExit(f"unknown endpoint {endpoint!r} (choose from {ENDPOINTS})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path.home() / ".cache" / "skillmatch"
                        / "bench-100k" / "scratch" / "load")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("-n", type=int, default=200, help="requests per endpoint")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import yappi  # a profiler for every thread (pip install yappi; not a dependency)
    from fastapi.testclient import TestClient

    from skillmatch.api.app import create_app
    from skillmatch.settings import Settings

    settings = Settings(home=args.home, api_rate_limit=0)
    started = time.perf_counter()
    with TestClient(create_app(settings)) as client:
        while client.get("/v1/ready").status_code != 200:  # loaded in the background
            time.sleep(0.5)
        log.info("engine ready in %.1f s", time.perf_counter() - started)
        for endpoint in [e for e in args.endpoints.split(",") if e]:
            reqs = requests_for(endpoint, args.home / "skillmatch.db", args.shared,
                                args.n + 10, args.seed)
            for method, path, body in reqs[:10]:  # warm: first-use loads
                client.request(method, path, json=body)
            yappi.clear_stats()
            yappi.set_clock_type("cpu")
            started = time.perf_counter()
            yappi.start(builtins=True)
            for method, path, body in reqs[10:]:
                r = client.request(method, path, json=body)
                if r.status_code >= 400:
                    raise SystemExit(f"{method} {path} {json.dumps(body)}: {r.status_code} "
                                     f"{r.text[:300]}")
            yappi.stop()
            per = (time.perf_counter() - started) / args.n * 1000
            print(f"\n===== {endpoint}: {per:.2f} ms per request (profiled, wall) =====")
            stats = yappi.get_func_stats()
            for key, what in (("ttot", "total"), ("tsub", "own")):
                print(f"--- by {what} CPU time, ms per request")
                for f in stats.sort(key, "desc")[: args.top]:
                    ms = (f.ttot if key == "ttot" else f.tsub) / args.n * 1000
                    where = f"{Path(f.module).name}:{f.lineno}" if f.module else ""
                    print(f"{ms:8.3f}  {f.ncall / args.n:7.1f}x  {f.name}  {where}")


if __name__ == "__main__":
    main()
