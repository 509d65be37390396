"""The main job on the built-in sample data under ``data/demo/``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from .app import ProgressFn, SkillMatch
from .catalog.models import cost_text, hours_text
from .errors import ArtifactError, NotFoundError

log = logging.getLogger(__name__)

DEMO_TAXONOMY = "demo"


def run_demo(app: SkillMatch, progress: ProgressFn | None = None) -> dict[str, Any]:
    """Load the demo skills (once), index them, link the sample texts, import the sample
    catalogue, postings and needs, and run each user's flow on them."""
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
    imports = {kind: app.import_records(kind, root / f"{plural}.jsonl", progress=progress)
               for kind, plural in (("credential", "credentials"), ("posting", "postings"),
                                    ("need", "needs"))}
    return {
        "taxonomy": info.to_dict(),
        "imports": {k: {f: v[f] for f in ("read", "imported", "unchanged", "mentions")}
                    for k, v in imports.items()},
        "flows": run_flows(app),
        "provenance": app.provenance(),
        "sentences": [r.to_dict() for r in sentence_results],
        "documents": [
            {**{k: v for k, v in d.items() if k != "text"}, **r.to_dict()}
            for d, r in zip(documents, document_results)
        ],
    }


STUDENT: dict[str, Any] = {"query": "likes biology and helping people", "max_cost": 500}
CAREER: dict[str, Any] = {"occupation": "31-1131.00", "known_skills": ["CPR"]}
TEACHER: dict[str, Any] = {
    "query": "teacher who wants to bring maker education and 3D printing to middle school STEM",
    "types": ["course", "certificate", "badge"]}
DESIGNER_CREDENTIAL = "cred:maker-ed"
PATHWAY_OCCUPATION = "29-1141.00"


def run_flows(app: SkillMatch) -> dict[str, Any]:
    """The counselor, employer-demand and designer views of the sample data."""
    return {
        "demand": app.demand(top=8),
        "recommend_student": app.recommend(**STUDENT, k=3),
        "recommend_career": app.recommend(**CAREER, k=3),
        "recommend_teacher": app.recommend(**TEACHER, k=3),
        "align": app.align(DESIGNER_CREDENTIAL, k=3),
        "pathway": app.pathway(PATHWAY_OCCUPATION, by="hours"),
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
    yield "== imported: " + ", ".join(f"{v['read']} {k}s" for k, v in data["imports"].items())
    flows = data["flows"]
    yield ""
    yield f"== employers' demand: most demanded skills ({flows['demand']['records']} postings " \
          "and needs)"
    for row in flows["demand"]["skills"]:
        yield (f"    {row['skill']['label'][:40]:<40} share {row['share']:.2f}  "
               f"specificity-adjusted {row['score']:.2f}")
    for key, who in (("recommend_student", "counselor, for a student who"),
                     ("recommend_career", "counselor, for a student headed toward"),
                     ("recommend_teacher", "district, professional development for a")):
        rec = flows[key]
        about = rec["query"] or (rec.get("occupation") or {}).get("label", "")
        yield ""
        yield f"== {who}: {about}"
        for n, r in enumerate(rec["results"], start=1):
            skills = ", ".join(s["label"] for s in r["in_demand_skills"][:3])
            yield (f"    {n}. {r['title']} ({cost_text(r['cost'], 'cost unknown')}, "
                   f"{hours_text(r['hours'], 'hours unknown')}) {r['score']:.2f}")
            yield f"       teaches {skills or '-'}"
    al = flows["align"]
    yield ""
    yield f"== program designer: {al['credential']['title']} aligns {al['alignment']:.2f}"
    yield "    prepares for: " + "; ".join(p["label"] for p in al["prepares_for"])
    yield "    add: " + ", ".join(f"{a['label']} (+{a['gain']:.2f})"
                                 for a in al["suggested_additions"])
    pw = flows["pathway"]
    yield ""
    yield f"== pathway toward {pw['occupation']['label']} (by hours)"
    for n, step in enumerate(pw["steps"], start=1):
        yield f"    {n}. {step['title']} -> coverage {step['coverage_after']:.0%}"


def _result(title: str, skills: list[dict[str, Any]]) -> Iterable[str]:
    yield title if len(title) <= 110 else title[:107] + "..."
    if not skills:
        yield "    (no skill above the threshold)"
    for s in skills[:8]:
        ev = s["evidence"]["text"]
        ev = ev if len(ev) <= 48 else ev[:45] + "..."
        yield f"    {s['score']:.2f}  {s['label'][:40]:<40}  \"{ev}\""
    yield ""
