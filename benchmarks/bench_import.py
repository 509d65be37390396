"""Import throughput against the model's own raw throughput, side by side in one run.

On real NYC Jobs postings, against a workspace whose ESCO index is built:

1. raw model: the distinct sentences and clauses the linker will embed, through a
   bare ONNX embedder (no cache, length-sorted batches): segments per second;
2. import, cold: the whole pipeline (parse, segment, embed, link, index, store) into a
   copy of the workspace with an empty embedding cache;
3. import, warm: the same postings into another copy whose cache already holds them.

The ratio raw time / cold import time is the share of the pipeline's time that is
the transformer's; the target is at least 0.70.

    python benchmarks/bench_import.py --home WS [--n 400]

``WS`` must have ESCO imported and indexed (``skillmatch taxonomy import esco ...``,
``skillmatch index build --taxonomy esco``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import faiss

from skillmatch.app import SkillMatch
from skillmatch.datasets import nyc_postings
from skillmatch.embeddings.onnx_backend import OnnxEmbedder
from skillmatch.linking.segment import segment
from skillmatch.settings import Settings


def copy_workspace(src: Path, with_cache: Path | None = None) -> Path:
    dst = Path(tempfile.mkdtemp(prefix="skillmatch-import-"))
    with sqlite3.connect(src / "skillmatch.db") as a, sqlite3.connect(dst / "skillmatch.db") as b:
        a.backup(b)  # consistent even with a WAL beside it
    shutil.copytree(src / "indexes", dst / "indexes")  # consistent with the database
    if with_cache is not None:
        shutil.copy2(with_cache, dst / "embeddings.sqlite")
    return dst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="workspace with ESCO indexed")
    parser.add_argument("--n", type=int, default=400, help="NYC Jobs postings")
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    base = Settings(home=args.home, taxonomies=["esco"])
    shared = base.shared_data
    postings = nyc_postings(shared / "nyc-jobs" / "nyc-jobs_2019-07-30.zip", limit=args.n)
    texts = sorted({s.text for p in postings for s in segment(p.text())})

    raw = OnnxEmbedder(base.models_dir / base.model_name, batch_size=base.batch_size,
                       max_tokens=base.max_tokens, threads=base.threads)
    raw.embed(["warm up the session"])
    started = time.perf_counter()
    raw.embed(texts)
    raw_s = time.perf_counter() - started

    cold_home = copy_workspace(args.home)
    with SkillMatch(base.model_copy(update={"home": cold_home})) as app:
        app.linker  # noqa: B018  (load the lexicon and indexes outside the timing)
        app.embedder.embed(["warm up the session"])
        started = time.perf_counter()
        cold = app.import_records("posting", postings, force=True)
        cold_s = time.perf_counter() - started
    warm_home = copy_workspace(args.home, with_cache=cold_home / "embeddings.sqlite")
    with SkillMatch(base.model_copy(update={"home": warm_home})) as app:
        app.linker  # noqa: B018
        started = time.perf_counter()
        warm = app.import_records("posting", postings, force=True)
        warm_s = time.perf_counter() - started

    rows = [
        (f"NYC Jobs postings ({len(postings):,}); distinct segments embedded", f"{len(texts):,}"),
        ("raw model: segments per second", f"{len(texts) / raw_s:,.0f}"),
        ("raw model: seconds", f"{raw_s:.1f}"),
        ("import, cold cache: seconds", f"{cold_s:.1f}"),
        ("import, cold cache: postings per second", f"{len(postings) / cold_s:.1f}"),
        ("import, cold cache: segments per second", f"{len(texts) / cold_s:,.0f}"),
        ("import, warm cache: seconds", f"{warm_s:.1f}"),
        ("import, warm cache: postings per second", f"{len(postings) / warm_s:.1f}"),
        ("cold import at this share of raw throughput (target >= 0.70)",
         f"{raw_s / cold_s:.2f}"),
        ("skill mentions stored (cold / warm)", f"{cold['mentions']:,} / {warm['mentions']:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\nworkspace {args.home}, cores {os.cpu_count()}, python {sys.version.split()[0]}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>9}")
    shutil.rmtree(cold_home)
    shutil.rmtree(warm_home)


if __name__ == "__main__":
    main()
