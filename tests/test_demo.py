"""The built-in demo data is consistent, and the main job runs on it."""

import csv
import json

from skillmatch.app import SkillMatch
from skillmatch.demo import demo_table, run_demo
from skillmatch.settings import Settings

ROOT = Settings().demo_data


def test_demo_files_reference_known_skills() -> None:
    skills = {r["id"] for r in csv.DictReader(open(ROOT / "skills.csv", encoding="utf-8"))}
    assert len(skills) >= 150
    for name in ("credentials", "postings"):
        rows = [json.loads(line) for line in open(ROOT / f"{name}.jsonl", encoding="utf-8")]
        assert len({r["id"] for r in rows}) == len(rows)
        assert all(set(r.get("skills", [])) <= skills for r in rows)
    credentials = [json.loads(line) for line in open(ROOT / "credentials.jsonl")]
    audiences = {c["audience"] for c in credentials}
    types = {c["type"] for c in credentials}
    assert audiences == {"student", "educator"}
    assert {"badge", "certificate", "certification", "license"} <= types


def test_demo_runs_end_to_end(tmp_path) -> None:
    app = SkillMatch(Settings(home=tmp_path / "ws", embedder="fake", link_threshold=0.3))
    data = run_demo(app)
    assert data["taxonomy"]["counts"]["skills"] >= 150
    assert len(data["sentences"]) >= 40 and len(data["documents"]) == 8
    cpr = next(r for r in data["sentences"] if r["text"].startswith("Current BLS/CPR"))
    assert any(s["id"] == "sm:cpr" for s in cpr["skills"])
    assert data["imports"]["credential"]["read"] == 61
    flows = data["flows"]
    assert flows["demand"]["records"] == 61  # 46 postings + 15 needs
    assert flows["recommend_career"]["results"][0]["id"] == "cred:cna"
    assert flows["recommend_teacher"]["results"], "educators get PD recommendations"
    assert flows["align"]["credential"]["id"] == "cred:maker-ed"
    assert flows["pathway"]["steps"]
    lines = list(demo_table(data))
    assert lines[0].startswith("demo taxonomy:")
    assert any(line.startswith("== program designer") for line in lines)
    again = run_demo(app)  # second run reuses the stored taxonomy, index and records
    assert again["taxonomy"]["imported_at"] == data["taxonomy"]["imported_at"]
    assert again["imports"]["posting"]["unchanged"] == 46
