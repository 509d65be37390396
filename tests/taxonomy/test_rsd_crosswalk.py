"""RSD to ESCO and O*NET crosswalk: declared and exact matches first, then the nearest by
cosine (the deterministic fake embedder), reviewable rows, CSV with provenance."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from skillmatch.embeddings.fake import FakeEmbedder
from skillmatch.errors import InputError
from skillmatch.formats.provenance import read_csv_provenance, sidecar_path
from skillmatch.records import SkillRecord
from skillmatch.taxonomy.rsd import read_rsd
from skillmatch.taxonomy.rsd_crosswalk import (
    COLUMNS,
    CrosswalkRow,
    Target,
    crosswalk,
    read_crosswalk_csv,
    write_crosswalk_csv,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "rsd"
ESCO = "http://data.europa.eu/esco/skill/"
FIRST_AID = ESCO + "1d21f6ad-340f-45da-a0a3-4e83867f47a6"
PRINTING = ESCO + "2afb2b59-c9a3-4cf3-b1dd-1a2fad51e583"
TARGETS = [
    Target(FIRST_AID, "provide first aid", "esco",
           "Administer cardiopulmonary resuscitation or first aid to a sick or injured person."),
    Target(PRINTING, "3D printing process", "esco",
           "The process of reproducing 3D objects by using 3D printing technologies."),
    Target(ESCO + "weld", "weld metal parts", "esco", "Join metal parts by welding."),
    Target(ESCO + "laser", "operate laser cutting machine", "esco",
           "Operate a laser cutter to cut sheet materials safely.",
           alt_labels=("laser cutting",)),
    Target(ESCO + "cpr", "perform CPR", "esco", "Perform cardiopulmonary resuscitation."),
    Target("tech:Autodesk AutoCAD", "Autodesk AutoCAD", "onet",
           "Computer aided design CAD software"),
    Target("tech:Python", "Python", "onet", "Object or component oriented development software"),
    Target("tech:Microsoft Excel", "Microsoft Excel", "onet", "Spreadsheet software"),
]
PROV = {"model": "fake-hash-256", "taxonomies": {"rsd": "2024-09-03", "esco": "v1.1.1",
                                                 "onet": "29.2"}}


@pytest.fixture(scope="module")
def rows() -> list[CrosswalkRow]:
    skills = read_rsd(DATA / "k12_cte_collection.json").skills
    return crosswalk(skills, TARGETS, FakeEmbedder().embed, k=3)


def _of(rows: list[CrosswalkRow], label: str, taxonomy: str) -> list[CrosswalkRow]:
    return [r for r in rows if r.rsd_label == label and r.target_taxonomy == taxonomy]


def test_k_rows_per_skill_and_taxonomy_ranked(rows: list[CrosswalkRow]) -> None:
    for label in ("Perform CPR", "3D Printing Design", "Laser Cutter Operation"):
        for taxonomy in ("esco", "onet"):
            found = _of(rows, label, taxonomy)
            assert [r.rank for r in found] == [1, 2, 3]
            assert all(r.status == "proposed" for r in found)
    # ordered by RSD skill, then taxonomy as first seen, then rank
    assert [(r.rsd_label, r.target_taxonomy) for r in rows[:6]] == [
        ("Perform CPR", "esco")] * 3 + [("Perform CPR", "onet")] * 3


def test_declared_esco_alignment_first_with_score_one(rows: list[CrosswalkRow]) -> None:
    first = _of(rows, "Perform CPR", "esco")[0]
    assert (first.target_code, first.score, first.method) == (FIRST_AID, 1.0, "declared")
    assert first.reason == "declared in the RSD's alignments (ESCO)"


def test_declared_onet_alignment_by_name(rows: list[CrosswalkRow]) -> None:
    first = _of(rows, "3D Printing Design", "onet")[0]
    assert (first.target_code, first.score, first.method) == (
        "tech:Autodesk AutoCAD", 1.0, "declared")
    assert "O*NET Technology Skills" in first.reason


def test_exact_label_match_on_an_alternative_label() -> None:
    skill = SkillRecord(code="r:1", label="Laser Cutting", description="Cut acrylic.")
    [first, *_] = crosswalk([skill], TARGETS, FakeEmbedder().embed, k=2)
    assert (first.target_code, first.score, first.method) == (ESCO + "laser", 1.0,
                                                              "exact label")
    assert first.reason == "the RSD's name is the target's alternative label"


def test_exact_preferred_label_ignores_case_and_spacing() -> None:
    skill = SkillRecord(code="r:1", label="  perform   cpr ")
    rows = crosswalk([skill], TARGETS, FakeEmbedder().embed, k=1)
    assert [(r.target_code, r.method, r.reason) for r in rows if r.target_taxonomy == "esco"] \
        == [(ESCO + "cpr", "exact label", "the RSD's name is the target's label")]


def test_declared_and_exact_both_kept_declared_first() -> None:
    skill = SkillRecord(code="r:1", label="Perform CPR",
                        meta={"alignments": [{"id": FIRST_AID, "name": "", "framework": "ESCO"}]})
    rows = [r for r in crosswalk([skill], TARGETS, FakeEmbedder().embed, k=3)
            if r.target_taxonomy == "esco"]
    assert [(r.target_code, r.method, r.score) for r in rows[:2]] == [
        (FIRST_AID, "declared", 1.0), (ESCO + "cpr", "exact label", 1.0)]
    assert rows[2].method == "embedding" and rows[2].score < 1.0


def test_cross_reference_in_meta_counts_as_declared() -> None:
    skill = SkillRecord(code="r:1", label="Coding", meta={"onet_code": "tech:Python"})
    rows = crosswalk([skill], TARGETS, FakeEmbedder().embed, k=1)
    assert [(r.target_code, r.method) for r in rows if r.target_taxonomy == "onet"] == [
        ("tech:Python", "declared")]


def test_embedding_rows_are_the_cosine_of_label_and_statement() -> None:
    embed = FakeEmbedder().embed
    skill = SkillRecord(code="r:1", label="Join steel parts", description="Weld metal parts.")
    rows = crosswalk([skill], TARGETS, embed, k=3)
    esco = [r for r in rows if r.target_taxonomy == "esco"]
    assert all(r.method == "embedding" for r in esco)
    assert esco[0].target_code == ESCO + "weld"
    targets = {t.code: t for t in TARGETS}
    for r in esco:
        t = targets[r.target_code]
        a, b = embed(["Join steel parts. Weld metal parts.", f"{t.label}. {t.description}"])
        assert r.score == pytest.approx(float(a @ b), abs=1e-4)
    assert [r.score for r in esco] == sorted((r.score for r in esco), reverse=True)


def test_k_larger_than_a_taxonomy_gives_all_of_it() -> None:
    skill = SkillRecord(code="r:1", label="Spreadsheets")
    rows = crosswalk([skill], TARGETS, FakeEmbedder().embed, k=10)
    assert len([r for r in rows if r.target_taxonomy == "onet"]) == 3


def test_no_skills_or_no_targets_give_no_rows() -> None:
    embed = FakeEmbedder().embed
    assert crosswalk([], TARGETS, embed) == []
    assert crosswalk([SkillRecord(code="a", label="b")], [], embed) == []


def test_bad_k_and_bad_embedder() -> None:
    skill = [SkillRecord(code="a", label="b")]
    with pytest.raises(InputError, match="k must be at least 1"):
        crosswalk(skill, TARGETS, FakeEmbedder().embed, k=0)
    with pytest.raises(InputError, match="one finite vector per text"):
        crosswalk(skill, TARGETS, lambda texts: np.zeros((len(texts) + 1, 4)))
    with pytest.raises(InputError, match="one finite vector per text"):
        crosswalk(skill, TARGETS, lambda texts: np.full((len(texts), 4), np.nan))


def test_store_skill_rows_are_targets() -> None:
    from skillmatch.storage.taxonomy_store import SkillRow

    row = SkillRow(1, FIRST_AID, "provide first aid", "esco", "First aid.", "skill", "")
    [out] = crosswalk([SkillRecord(code="a", label="provide first aid")], [row],
                      FakeEmbedder().embed, k=1)
    assert (out.target_code, out.method) == (FIRST_AID, "exact label")


# ----------------------------------------------------------------------------- CSV
def test_csv_has_one_row_per_proposal_and_provenance(rows: list[CrosswalkRow],
                                                      tmp_path: Path) -> None:
    path = write_crosswalk_csv(rows, tmp_path / "crosswalk.csv",
                               {**PROV, "date": "2026-05-01T09:30:00Z"})
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == COLUMNS  # the header is the first line: any tool reads it
    assert len(table) == len(rows) + 1
    assert table[1][COLUMNS.index("status")] == "proposed"
    prov = read_csv_provenance(path)
    assert prov["model"] == "fake-hash-256" and prov["date"] == "2026-05-01T09:30:00Z"
    assert prov["taxonomies"] == PROV["taxonomies"]
    assert prov["skillmatch_version"]
    meta = json.loads(sidecar_path(path).read_text())
    assert meta["url"] == "crosswalk.csv"
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(COLUMNS)


def test_reviewed_csv_reads_back(rows: list[CrosswalkRow], tmp_path: Path) -> None:
    path = write_crosswalk_csv(rows, tmp_path / "crosswalk.csv", PROV)
    text = path.read_text(encoding="utf-8").replace("proposed", "accepted", 1)
    path.write_text(text, encoding="utf-8", newline="")
    back = read_crosswalk_csv(path)
    assert back[0].status == "accepted"
    assert [r.to_dict() | {"status": "proposed"} for r in back] == [r.to_dict() for r in rows]


def test_reviewed_csv_with_an_unknown_status(rows: list[CrosswalkRow], tmp_path: Path) -> None:
    path = write_crosswalk_csv(rows[:1], tmp_path / "c.csv", PROV)
    path.write_text(path.read_text().replace("proposed", "maybe"), newline="")
    with pytest.raises(InputError, match="status 'maybe'") as err:
        read_crosswalk_csv(path)
    assert (err.value.line, err.value.column) == (2, "status")


def test_formula_like_labels_are_quoted_and_read_back(tmp_path: Path) -> None:
    row = CrosswalkRow("r:1", "=HYPERLINK(\"x\")", "esco", "e:1", "-ish", 0.5, 1, "embedding",
                       "nearest")
    path = write_crosswalk_csv([row], tmp_path / "c.csv", PROV)
    assert "'=HYPERLINK" in path.read_text()
    assert read_crosswalk_csv(path) == [row]


@pytest.mark.shared
def test_crosswalk_against_the_real_esco_and_onet(shared: Path, tmp_path: Path) -> None:
    from skillmatch.taxonomy import read_taxonomy

    esco = read_taxonomy("esco", shared / "esco-v1.1.1")
    onet = read_taxonomy("onet", shared / "onet-29.2-text")
    targets = [Target(s.code, s.label, b.name, s.description, tuple(s.alt_labels))
               for b in (esco, onet) for s in b.skills]
    skills = read_rsd(DATA / "k12_cte_collection.json").skills
    rows = crosswalk(skills, targets, FakeEmbedder().embed, k=3)
    first = {(r.rsd_label, r.target_taxonomy): r for r in rows if r.rank == 1}
    # the fixtures' ESCO URIs are real ESCO v1.1.1 concepts, matched as declared
    assert (first[("Perform CPR", "esco")].target_code, first[("Perform CPR", "esco")].method) \
        == (FIRST_AID, "declared")
    assert first[("3D Printing Design", "esco")].target_code == PRINTING
    # the O*NET alignment by name finds O*NET 29.2's technology
    assert first[("3D Printing Design", "onet")].target_code == "tech:Autodesk AutoCAD"
    assert len(rows) == len(skills) * 2 * 3
    path = write_crosswalk_csv(rows, tmp_path / "crosswalk.csv",
                               {"model": "fake-hash-256",
                                "taxonomies": {"rsd": "2024-09-03", "esco": esco.version,
                                               "onet": onet.version}})
    assert read_crosswalk_csv(path) == rows
