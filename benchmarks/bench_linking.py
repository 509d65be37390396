"""Linking speed on all of ESCO, from the command line, start-up included.

Prints, in one run: the ESCO import time, the index build time (cold embedding
cache, fresh workspace), the wall time of
``skillmatch skills link --input F --top-k 10 --format jsonl`` on 1,000 real
NYC Jobs posting sentences, and of linking one sentence (median of 5 runs).

    python benchmarks/bench_linking.py [--home DIR] [--n 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from posting_sentences import nyc_sentences  # noqa: E402

from skillmatch.settings import Settings  # noqa: E402


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {done.stderr.strip()}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="workspace (default: a fresh temp dir)")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    settings = Settings()
    home = args.home or Path(tempfile.mkdtemp(prefix="skillmatch-bench-"))
    env = {**os.environ, "SKILLMATCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    exe = [sys.executable, "-m", "skillmatch.cli"]
    esco = settings.shared_data / "esco-v1.1.1"
    rows: list[tuple[str, str]] = []

    if not (home / "skillmatch.db").exists():
        t, _ = run([*exe, "taxonomy", "import", "esco", str(esco)], env)
        rows.append(("import ESCO v1.1.1 (CLI, start-up included)", f"{t:.1f} s"))
    t, out = run([*exe, "index", "build", "--taxonomy", "esco", "--format", "json"], env)
    built = json.loads(out)
    vectors = sum(b["count"] for b in built)
    rows.append((f"index build ESCO skills + occupations ({vectors:,} vectors)", f"{t:.1f} s"))

    sentences = nyc_sentences(settings.shared_data, args.n)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(sentences) + "\n")
    t, out = run([*exe, "skills", "link", "--input", f.name, "--top-k", "10",
                  "--format", "jsonl"], env)
    lines = out.splitlines()
    assert len(lines) == len(sentences), (len(lines), len(sentences))
    rows.append((f"link {len(sentences):,} NYC Jobs sentences, top-10, jsonl", f"{t:.1f} s"))
    rows.append(("  sentences per second (start-up included)", f"{len(sentences) / t:.0f}"))

    one = []
    for s in sentences[:5]:
        t, _ = run([*exe, "skills", "link", s, "--format", "json"], env)
        one.append(t)
    rows.append(("link one sentence from the CLI (median of 5)", f"{statistics.median(one):.2f} s"))

    width = max(len(r[0]) for r in rows)
    print(f"\nworkspace {home}, embedder {settings.embedder}, cores {os.cpu_count()}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>9}")


if __name__ == "__main__":
    main()
