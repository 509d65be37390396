"""Flow latency at scale: recommend and align with 100,000 postings and 2,325 programs.

In one run, in the library, on a workspace with ESCO indexed:

1. the 2,325 NCES CIP 2020 programs imported as credentials (skipped when present);
2. ``--postings`` synthetic postings generated from O*NET 29.2 and imported with
   progress (interrupt it and run again: finished batches are kept and skipped);
3. p50 and p90 of ``recommend(occupation=...)`` over O*NET codes drawn from the
   postings, and of ``align(credential)`` over programs, after one warm-up call
   (which fits the demand model and loads the catalogue; its time is printed too).

    python benchmarks/bench_flows.py --home WS [--postings 100000] [--queries 100]

Targets (issue 3): recommend with a target occupation p50 < 50 ms; align p50 < 300 ms.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import time
from pathlib import Path

import faiss

from skillmatch.app import SkillMatch
from skillmatch.datasets import cip_programs
from skillmatch.progress import Progress
from skillmatch.settings import Settings


def timed(fn: object, *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="workspace with ESCO indexed")
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    faiss.omp_set_num_threads(1)
    settings = Settings(home=args.home, taxonomies=["esco"])
    shared = settings.shared_data
    rows: list[tuple[str, str]] = []
    with SkillMatch(settings) as app:
        programs = cip_programs(shared / "nces-cip2020" / "CIPCode2020.csv")
        report = app.import_records("credential", programs, progress=Progress())
        rows.append((f"import {len(programs):,} CIP programs ({report['imported']:,} new)",
                     f"{report['seconds']:.1f} s"))
        synth = args.home / f"synth-{args.postings}-{args.seed}.jsonl"
        if not synth.exists():
            app.synth_postings(shared / "onet-29.2-text", args.postings, synth, seed=args.seed)
        report = app.import_records("posting", synth, progress=Progress())
        rows.append((f"import {args.postings:,} synthetic postings ({report['imported']:,} new)",
                     f"{report['seconds']:.1f} s"))
        codes = sorted({r[0] for r in app.conn.execute(
            "SELECT occupation_code FROM postings WHERE occupation_code LIKE '__-____.__'")})
        creds = [p.id for p in programs]
        rng = random.Random(args.seed)
        occ_sample = rng.sample(codes, min(args.queries, len(codes)))
        cred_sample = rng.sample(creds, min(args.queries, len(creds)))

        first = timed(app.recommend, occupation=occ_sample[0])
        rows.append(("first recommend (fits demand, loads catalogue)", f"{first:.0f} ms"))
        rec = [timed(app.recommend, occupation=c) for c in occ_sample]
        first = timed(app.align, cred_sample[0])
        ali = [timed(app.align, c) for c in cred_sample]
        size = app.demand_model.size()
        rows.append(("postings and needs in the demand model", f"{size['records']:,}"))
        for name, xs, target in (("recommend(occupation=...)", rec, 50),
                                 ("align(credential)", ali, 300)):
            q = statistics.quantiles(xs, n=10)
            rows.append((f"{name} p50 / p90 over {len(xs)} (target p50 < {target} ms)",
                         f"{statistics.median(xs):.1f} / {q[8]:.1f} ms"))
    width = max(len(r[0]) for r in rows)
    print(f"\nworkspace {args.home}, cores {os.cpu_count()}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>17}")


if __name__ == "__main__":
    main()
