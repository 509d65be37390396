"""Memory of ``skillmatch import`` on JobPosting feeds of growing size, side by side.

Real NYC Jobs postings (``../shared/data``, both exports, deduplicated on Job ID) are
written as a JobPosting JSON Lines feed with no ``@context``, as public job-data feeds
publish them, repeated with new identifiers until the file reaches each size asked
(default 5 and 50 MB). Each feed is imported by the command line in a fresh process on
a fresh workspace (the tiny taxonomy of the tests, so that linking is cheap and the
figure is the import's own), and its peak resident memory (``ru_maxrss`` of the child)
and wall time are printed side by side: flat memory means the 50 MB peak is close to
the 5 MB one, not ten times it.

    python benchmarks/bench_import_memory.py [--sizes 5,50] [--embedder fake]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def nyc_postings(shared: Path) -> list[dict[str, object]]:
    """JobPosting-shaped objects from both NYC Jobs exports, one per Job ID."""
    seen: set[str] = set()
    out: list[dict[str, object]] = []
    for name in ("nyc-jobs_2019-04-30.zip", "nyc-jobs_2019-07-30.zip"):
        with zipfile.ZipFile(shared / "nyc-jobs" / name) as z, z.open("nyc-jobs.csv") as f:
            for row in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")):
                if row["Job ID"] in seen:
                    continue
                seen.add(row["Job ID"])
                out.append({"title": row["Business Title"], "description": "\n".join(
                    row[k] for k in ("Job Description", "Minimum Qual Requirements",
                                     "Preferred Skills") if row.get(k)),
                    "hiringOrganization": {"name": row["Agency"]},
                    "datePosted": row["Posting Date"][:10],
                    "totalJobOpenings": row["# Of Positions"],
                    "jobLocation": {"address": {"addressLocality": "New York",
                                                "addressRegion": "NY"}},
                    "identifier": row["Job ID"]})
    return out


def write_feed(postings: list[dict[str, object]], path: Path, megabytes: int) -> int:
    """Postings repeated (new identifiers) until the file holds ``megabytes`` MB."""
    target, size, n = megabytes * 1_000_000, 0, 0
    with open(path, "w", encoding="utf-8") as f:
        while size < target:
            for p in postings:
                line = json.dumps({**p, "identifier": f"{p['identifier']}-{n}"}) + "\n"
                f.write(line)
                size += len(line.encode())
                n += 1
                if size >= target:
                    break
    return n


PEAK = ("import resource, runpy, sys\n"
        "sys.argv = ['skillmatch', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('skillmatch.cli', run_name='__main__')\n"
        "finally:\n"
        "    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " file=sys.stderr)\n")


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, the process's own peak RSS (MB) and its stdout's last line."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PEAK, *args], env=env, text=True,
                          capture_output=True)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"skillmatch {' '.join(args)} failed: {proc.stderr[-2000:]}")
    peak = next(int(ln.split()[1]) for ln in proc.stderr.splitlines()
                if ln.startswith("MAXRSS "))
    return seconds, peak // 1024, proc.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5,50", help="feed sizes in MB, ascending")
    parser.add_argument("--embedder", default="fake")
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get(
        "SKILLMATCH_SHARED_DATA", REPO.parent / "shared" / "data")))
    args = parser.parse_args()
    from tests.conftest import TINY_SKILLS

    postings = nyc_postings(args.shared)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        skills = Path(tmp) / "skills.csv"
        skills.write_text("id,label,alt_labels,description\n" + "".join(
            f'{c},{label},{"|".join(alt)},{d}\n' for c, label, alt, d in TINY_SKILLS))
        for mb in sorted(int(s) for s in args.sizes.split(",")):
            home = Path(tmp) / f"ws-{mb}"
            base = ["--home", str(home), "--embedder", args.embedder]
            for setup in (["taxonomy", "import", "custom", str(skills)], ["index", "build"]):
                subprocess.run([sys.executable, "-m", "skillmatch.cli", *base, *setup],
                               env=env, check=True, capture_output=True)
            feed = Path(tmp) / f"feed-{mb}mb.jsonl"
            n = write_feed(postings, feed, mb)
            seconds, peak, last = run(base + ["import", str(feed)], env)
            rows.append((mb, feed.stat().st_size / 1e6, n, seconds, peak, last))
            print(f"[{mb} MB] {last}", file=sys.stderr, flush=True)
    print(f"\nskillmatch import of NYC Jobs postings as a JobPosting JSON Lines feed "
          f"({args.embedder} embedder, {len(postings):,} distinct postings repeated)\n")
    print("| feed | postings | wall | peak RSS |")
    print("|---|---|---|---|")
    for _mb, size, n, seconds, peak, _ in rows:
        print(f"| {size:.1f} MB | {n:,} | {seconds:.0f} s | {peak:,} MB |")


if __name__ == "__main__":
    main()
