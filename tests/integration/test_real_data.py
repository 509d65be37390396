"""Integration: the real model, the real ESCO and O*NET files, real FAISS and SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from skillmatch.app import SkillMatch
from skillmatch.evaluation.linking import evaluate_linking
from skillmatch.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.shared]


def test_import_counts(real_app: SkillMatch) -> None:
    esco = real_app.taxonomies.get("esco").counts
    assert (esco["skills"], esco["occupations"], esco["relations"]) == (13_896, 3_007, 123_855)
    onet = real_app.taxonomies.get("onet").counts
    assert onet["occupations"] == 1_016
    assert onet["relations"] == 32_627


def test_index_manifests(esco_indexed: SkillMatch) -> None:
    status = {s["name"]: s for s in esco_indexed.index_status()}
    skills = status["skills-esco"]
    assert skills["status"] == "current" and skills["dimension"] == 384
    assert skills["count"] == skills["entries"]["labels"] + skills["entries"]["descriptions"]
    assert skills["taxonomy"]["version"] == "v1.1.1"
    assert skills["model"].startswith(f"{Settings().model_name}@onnx-")


def test_links_real_sentences(esco_indexed: SkillMatch) -> None:
    texts = [
        "Experience with Python and SQL is required.",
        "Monitor patients and take vital signs every four hours.",
    ]
    python_sql, nursing = esco_indexed.link(texts, top_k=10)
    # ESCO v1.1.1's preferred labels are "Python (computer programming)" and "SQL"
    labels = {s.label.lower(): s for s in python_sql.skills}
    assert "python (computer programming)" in labels and "sql" in labels
    assert labels["python (computer programming)"].evidence.text == "Python"
    assert labels["sql"].evidence.text == "SQL"
    assert any("vital signs" in s.label for s in nursing.skills[:5])
    for r in (python_sql, nursing):
        for s in r.skills:
            assert r.text[s.evidence.start : s.evidence.end] == s.evidence.text


def test_query_path_never_imports_torch(esco_indexed: SkillMatch) -> None:
    env = {**os.environ, "SKILLMATCH_HOME": str(esco_indexed.settings.home),
           "SKILLMATCH_TAXONOMIES": '["esco"]'}
    code = (
        "import sys, json\n"
        "from skillmatch.cli import main\n"
        "try:\n"
        "    main(['skills', 'link', 'Weld steel using MIG welding', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps({'torch': 'torch' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    lines = out.stdout.strip().splitlines()
    assert json.loads(lines[-1]) == {"torch": False}
    linked = json.loads("\n".join(lines[:-1]))
    assert any("weld" in s["label"] for s in linked["skills"])


def test_linker_beats_the_baseline_on_a_sample(esco_indexed: SkillMatch) -> None:
    report = evaluate_linking(esco_indexed, sample=150, seed=5, skillspan_limit=600)
    occ = report["occupations"]
    assert occ["occupations"] == 150
    assert occ["linker"]["MAP"] > occ["baseline"]["MAP"]
    assert occ["linker"]["recall@20"] > occ["baseline"]["recall@20"]
    spans = report["skillspan"]
    assert spans["linker"]["strict"]["f1"] > spans["baseline"]["strict"]["f1"]
    assert spans["linker"]["loose"]["f1"] > spans["baseline"]["loose"]["f1"]
