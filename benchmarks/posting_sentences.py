"""Real job-posting sentences from the NYC Jobs export in ../shared/data (never copied)."""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from pathlib import Path

from skillmatch.linking.segment import segment


def nyc_sentences(shared: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` distinct sentences (8 to 60 words) from NYC Jobs descriptions and skills."""
    path = shared / "nyc-jobs" / "nyc-jobs_2019-07-30.zip"
    seen_jobs: set[str] = set()
    sentences: set[str] = set()
    with zipfile.ZipFile(path) as z, z.open("nyc-jobs.csv") as f:
        for row in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")):
            if row["Job ID"] in seen_jobs:
                continue
            seen_jobs.add(row["Job ID"])
            for field in ("Job Description", "Preferred Skills", "Minimum Qual Requirements"):
                text = re.sub(r"\s{3,}", "\n", row[field] or "")
                for s in segment(text, clauses=False, drop_boilerplate=False):
                    words = len(s.text.split())
                    if 8 <= words <= 60:
                        sentences.add(s.text)
    ordered = sorted(sentences)
    random.Random(seed).shuffle(ordered)
    return ordered[:n]
