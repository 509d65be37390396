"""The main job on the built-in sample data under ``data/demo/``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from .app import ProgressFn, SkillMatch
from .errors import ArtifactError, NotFoundError

log = logging.getLogger(__name__)

DEMO_TAXONOMY = "demo"


def run_demo(app: SkillMatch, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Load the demo skills (once), index them, and link the sample texts."""
    root = app.settings.demo_data
    skills_file = root / "skills.csv"
    try:
        info = app.taxonomies.get(DEMO_TAXONOMY)
        if info.source != str(skills_file):
            raise NotFoundError("demo taxonomy came from elsewhere")
    except NotFoundError:
        info = app.import_taxonomy("custom", skills_file, name=DEMO_TAXONOMY, replace=True)
    app.build_indexes([DEMO_TAXONOMY], progress=progress)
    sentences = [
        line.strip()
        for line in (root / "sentences.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    documents = _documents(root / "credentials.jsonl", "credential", 4) + _documents(
        root / "postings.jsonl", "posting", 4
    )
    sentence_results = app.link(sentences)
    document_results = app.link([d["text"] for d in documents])
    return {
        "taxonomy": info.to_dict(),
        "provenance": app.provenance(),
        "sentences": [r.to_dict() for r in sentence_results],
        "documents": [
            {**{k: v for k, v in d.items() if k != "text"}, **r.to_dict()}
            for d, r in zip(documents, document_results)
        ],
    }


def _documents(path: Any, kind: str, n: int) -> list[dict[str, Any]]:
    if not path.exists():
        raise ArtifactError(f"{path}: demo file missing")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[:n]:
        rec = json.loads(line)
        out.append({"kind": kind, "id": rec["id"], "title": rec["title"],
                    "text": f"{rec['title']}. {rec['description']}"})
    return out


def demo_table(data: dict[str, Any]) -> Iterable[str]:
    tax = data["taxonomy"]
    yield (f"demo taxonomy: {tax['counts']['skills']} skills; model "
           f"{data['provenance']['model']}")
    yield ""
    yield "== sentences"
    for r in data["sentences"]:
        yield from _result(r["text"], r["skills"])
    yield "== credentials and postings"
    for d in data["documents"]:
        yield from _result(f"[{d['kind']}] {d['title']}", d["skills"])


def _result(title: str, skills: list[dict[str, Any]]) -> Iterable[str]:
    yield title if len(title) <= 110 else title[:107] + "..."
    if not skills:
        yield "    (no skill above the threshold)"
    for s in skills[:8]:
        ev = s["evidence"]["text"]
        ev = ev if len(ev) <= 48 else ev[:45] + "..."
        yield f"    {s['score']:.2f}  {s['label'][:40]:<40}  \"{ev}\""
    yield ""
