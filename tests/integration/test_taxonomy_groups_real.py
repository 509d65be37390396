"""Real ESCO and O*NET with the real model: loading O*NET never changes ESCO's ranking."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillmatch.app import SkillMatch
from skillmatch.cli import main
from skillmatch.evaluation.skillskape import load_skillskape
from skillmatch.index import catalog

pytestmark = [pytest.mark.model, pytest.mark.shared]


@pytest.fixture
def onet_indexed(esco_indexed: SkillMatch) -> Iterator[Path]:
    """O*NET's skill index in the session workspace beside ESCO's; removed again after
    (the other tests link against ESCO alone)."""
    app = esco_indexed
    directory = app.workspace.index_dir("skills-onet")
    built = not (directory / "manifest.json").exists()
    if built:
        entries = catalog.skill_entries(app.taxonomies, "onet", app.settings.index_alt_labels)
        catalog.build_index("skills-onet", entries, app.embedder, app.settings, directory,
                            app.taxonomies.get("onet"), None)
    yield directory
    if built:
        shutil.rmtree(directory)


def _sentences(shared: Path) -> list[str]:
    """A handful of real SkillSkape test sentences: the first three, and the first three
    naming SQL or JavaScript (skills both taxonomies hold)."""
    rows = [s for s, _ in load_skillskape(shared / "skillskape" / "test.csv")]
    named = [s for s in rows if re.search(r"\bSQL\b|JavaScript", s)]
    return rows[:3] + named[:3]


def _link(home: Path, path: Path) -> list[dict]:
    out = CliRunner().invoke(
        main, ["skills", "link", "--input", str(path), "--top-k", "10", "--format", "jsonl"],
        env={"SKILLMATCH_HOME": str(home), "SKILLMATCH_TAXONOMIES": None})
    assert out.exit_code == 0, out.output
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_esco_ranking_is_the_same_with_onet_loaded(esco_indexed: SkillMatch, onet_indexed: Path,
                                                   shared: Path, tmp_path: Path) -> None:
    texts = _sentences(shared)
    assert len(texts) == 6
    path = tmp_path / "sentences.txt"
    path.write_text("\n".join(texts), encoding="utf-8")
    home = esco_indexed.settings.home
    aside = onet_indexed.with_name("skills-onet.aside")
    onet_indexed.rename(aside)  # O*NET loaded but not linkable: ESCO alone
    try:
        alone = _link(home, path)
    finally:
        aside.rename(onet_indexed)
    both = _link(home, path)
    assert [r["text"] for r in both] == [r["text"] for r in alone] == texts
    for one, two in zip(alone, both):
        assert {s["taxonomy"] for s in one["skills"]} == {"esco"} and len(one["skills"]) == 10
        assert two["taxonomies"] == ["esco", "onet"]
        esco = [s for s in two["skills"] if s["taxonomy"] == "esco"]
        assert two["skills"][:10] == esco == one["skills"]  # same skills, order and scores
        onet = two["skills"][10:]
        assert onet and len(onet) <= 10 and {s["taxonomy"] for s in onet} == {"onet"}
