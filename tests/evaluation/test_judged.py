"""The hand-judged linking evaluation: document selection, the blind sheet, scoring."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillmatch.errors import InputError
from skillmatch.evaluation import judged
from skillmatch.evaluation.judged import Document
from skillmatch.records import Evidence, LinkedSkill, LinkResult

NYC_HEADER = ["Job ID", "Agency", "Business Title", "Job Category", "Job Description",
              "Minimum Qual Requirements", "Preferred Skills", "Additional Information"]
ETPL_HEADER = ["Program ID", "ProviderName", "Program Name",
               "Instructional Program (CIP) Code", "Program Description",
               "Associted Credential Name", "Occupation Code (ONET 1)",
               "Occupation Code (ONET 2)", "Occupation Code (ONET 3)"]
DUTY = "Inspect buildings for code violations and write reports.   Use Microsoft Excel. " * 4


def _zip(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([NYC_HEADER, *rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("nyc-jobs.csv", buf.getvalue())


@pytest.fixture
def tiny_shared(tmp_path: Path) -> Path:
    """A tiny shared-data folder: two NYC Jobs zips, an ETPL csv, a CIP file."""
    root = tmp_path / "shared"
    cats = ["Health", "Health Policy, Research & Analysis", "Legal Affairs",
            "Building Operations & Maintenance", "Policy, Research & Analysis", "Legal"]
    rows = [[str(100 + i), "DEPT", f"Title {i}", cats[i % len(cats)], f"Job {i}. {DUTY}",
             "A high school diploma.", "Excel skills" if i % 2 else "", "Benefits"]
            for i in range(18)]
    rows.append(["100", "DEPT", "Internal copy", "Health", "other text " * 30, "", "", ""])
    rows.append(["999", "DEPT", "Too short", "Health", "Short.", "", "", ""])
    _zip(root / "nyc-jobs" / "nyc-jobs_2019-04-30.zip", rows)
    _zip(root / "nyc-jobs" / "nyc-jobs_2019-07-30.zip",
         [["100", "DEPT", "Later copy", "Health", "later " * 60, "", "", ""],
          ["200", "DEPT", "Plumber", "Building Operations & Maintenance",
           "Repair pipes and fixtures. " * 10, "Five years as a plumber.", "", ""]])
    etpl = root / "twc-etpl" / "etpl.csv"
    etpl.parent.mkdir(parents=True)
    progs = [("1", "Vocational Nursing", "510805", "Prepares students to give patient care.",
              "LVN"),
             ("2", "Welding", "480508", "Welding", "Certificate"),  # description = name
             ("3", "Teacher Certification", "131202", "Alternative certification to teach "
              "elementary school.", "Certificate"),
             ("4", "CDL Class A", "490205", "Truck driving with range practice and road test.",
              "CDL"),
             ("5", "Vocational Nursing", "510805", "Prepares students to give patient care.",
              "LVN"),  # same text as 1
             ("6", "Medical Assistant", "510801", "Clinical and administrative skills for a "
              "physician office.", "CMA"),
             ("7", "Java Bootcamp", "110201", "Object-oriented programming in Java, with "
              "Spring.", "Certificate")]
    with etpl.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(ETPL_HEADER)
        for pid, name, cip, desc, cred in progs:
            w.writerow([pid, "College", name, cip, desc, cred, "29206100", "", ""])
    cip = root / "nces-cip2020" / "CIPCode2020.csv"
    cip.parent.mkdir(parents=True)
    cip.write_text('CIPFamily,CIPCode,Action,CIPTitle,CIPDefinition\r\n'
                   '="51",="51.3901",No substantive changes,Practical Nursing.,'
                   'A program that prepares individuals to assist in patient care.\r\n'
                   '="13",="13.1202",No substantive changes,Elementary Education.,'
                   'A program that prepares individuals to teach elementary school.\r\n',
                   encoding="latin-1")
    return root


def _select(shared: Path, **kw):
    return judged.select_documents(shared, etpl_file="twc-etpl/etpl.csv", **kw)


def test_documents_are_the_imported_text_deduplicated_and_filtered(tiny_shared: Path) -> None:
    posts = {d.doc_id: d for d in judged.nyc_documents(tiny_shared)}
    assert "nyc:999" not in posts  # description too short
    first = posts["nyc:100"]  # first file, first row of its Job ID
    assert first.source == "nyc-jobs/nyc-jobs_2019-04-30.zip" and first.title == "Title 0"
    assert first.text.startswith("Title 0\nJob 0. Inspect buildings")
    assert "A high school diploma." in first.text and "Benefits" not in first.text
    assert "\n" in first.text and "   " not in first.text  # runs of spaces are line breaks
    assert posts["nyc:200"].source.endswith("07-30.zip")
    fields = {d.doc_id: d.field for d in posts.values()}
    assert fields["nyc:101"] == "Health"  # "Health Policy, ..." starts with Health
    assert fields["nyc:102"] == "Legal Affairs"  # "Legal" + "Affairs" is not a join
    progs = {d.doc_id: d for d in judged.etpl_documents(tiny_shared, "twc-etpl/etpl.csv")}
    assert set(progs) == {"etpl:1", "etpl:3", "etpl:4", "etpl:6", "etpl:7"}
    assert progs["etpl:1"].text == ("Vocational Nursing\nLVN. "
                                    "Prepares students to give patient care")
    assert {d.field for d in progs.values()} == {"health", "education", "transportation",
                                                  "computing"}


def test_selection_is_seeded_stratified_and_reloads_by_id(tiny_shared: Path, monkeypatch) -> None:
    monkeypatch.setattr(judged, "MIN_STRATUM", 1)
    docs = _select(tiny_shared, n_postings=5, n_programs=4, n_cip=1, seed=3)
    assert docs == _select(tiny_shared, n_postings=5, n_programs=4, n_cip=1, seed=3)
    assert [d.kind for d in docs] == ["posting"] * 5 + ["program"] * 5
    assert len({d.field for d in docs[:5]}) == 5  # five categories: one each
    assert {d.field for d in docs[5:9]} == {"health", "education", "transportation",
                                            "computing"}
    assert docs[9].doc_id.startswith("cip:")
    others = [_select(tiny_shared, n_postings=5, n_programs=4, seed=s) for s in range(6)]
    assert len({tuple(d.doc_id for d in o) for o in others}) > 1
    refs = [json.loads(json.dumps(d.ref())) for d in docs]
    assert all("text" not in r for r in refs)
    assert judged.load_documents(tiny_shared, refs) == docs
    refs[0]["sha1"] = "0" * 16
    with pytest.raises(InputError, match="changed since the sheet was made"):
        judged.load_documents(tiny_shared, refs)


def test_allocate_gives_every_stratum_one_then_sqrt_shares() -> None:
    alloc = judged.allocate({"big": 400, "mid": 100, "small": 4, "tiny": 1}, 10)
    assert sum(alloc.values()) == 10 and alloc["tiny"] == 1 and alloc["small"] >= 1
    assert alloc["big"] > alloc["mid"] > alloc["small"]
    assert judged.allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}
    assert sum(judged.allocate({"a": 5, "b": 5, "c": 5}, 2).values()) == 2


def _doc(doc_id: str, kind: str, text: str) -> Document:
    return Document(doc_id, kind, "x", "f", doc_id, text)


def _res(text: str, *links: tuple[str, str, str]) -> LinkResult:
    out = []
    for sid, label, phrase in links:
        start = text.index(phrase)
        out.append(LinkedSkill(sid, label, "esco", 0.7, Evidence(start, start + len(phrase),
                                                                 phrase)))
    return LinkResult(text=text, skills=out)


POST = "Nurse. Take vital signs of patients. Apply CPR in emergencies. We offer benefits."
PROG = "Welding. Certificate. Learn MIG welding and blueprint reading"


@pytest.fixture
def runs():
    docs = [_doc("nyc:1", "posting", POST), _doc("etpl:2", "program", PROG)]
    runs = {
        "old": [_res(POST, ("s:vitals", "take vital signs", "Take vital signs of patients"),
                     ("s:benefits", "manage benefits", "We offer benefits")),
                _res(PROG, ("s:weld", "weld metal", "MIG welding"))],
        "new": [_res(POST, ("s:vitals", "take vital signs", "vital signs"),
                     ("s:cpr", "perform CPR", "Apply CPR")),
                _res(PROG, ("s:weld", "weld metal", "MIG welding"),
                     ("s:blue", "read blueprints", "blueprint reading"))],
    }
    return docs, runs


def test_sheet_is_the_blind_union_and_the_key_names_the_linkers(runs) -> None:
    docs, by = runs
    sheet, key = judged.judging_sheet(docs, by, seed=1, describe=lambda t, c: f"about {c}")
    assert len(sheet) == len(key) == 5  # vitals, benefits, cpr; weld, blue
    assert [r["row"] for r in sheet] == ["r0001", "r0002", "r0003", "r0004", "r0005"]
    text = json.dumps(sheet)
    assert "old" not in text and "new" not in text and "score" not in text
    assert all(r["judgement"] == "" for r in sheet)
    assert [r["doc_id"] for r in sheet] == sorted(
        [r["doc_id"] for r in sheet], key=[r["doc_id"] for r in sheet].index)  # grouped
    vitals = next(r for r in sheet if r["skill_id"] == "s:vitals")
    assert [e["text"] for e in vitals["evidence"]] == ["Take vital signs of patients",
                                                        "vital signs"]
    assert "[[vital signs]]" in vitals["evidence"][1]["context"]
    assert vitals["skill_description"] == "about s:vitals"
    by_row = {k["row"]: k for k in key}
    assert set(by_row[vitals["row"]]["linkers"]) == {"new", "old"}
    weld = next(r for r in sheet if r["skill_id"] == "s:weld")
    at = PROG.index("MIG welding")
    assert by_row[weld["row"]]["linkers"]["old"] == {"score": 0.7, "start": at, "end": at + 11}
    again, _ = judged.judging_sheet(docs, by, seed=1)
    assert [(r["doc_id"], r["skill_id"]) for r in again] == [
        (r["doc_id"], r["skill_id"]) for r in sheet]
    with pytest.raises(InputError, match="1 results for 2 documents"):
        judged.judging_sheet(docs, {"old": by["old"][:1]})


def test_context_marks_the_evidence_and_cuts_at_words() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta"
    start = text.index("delta")
    assert judged.context(text, start, start + 5, width=8) == "…gamma [[delta]] epsilon…"
    assert judged.context("CPR", 0, 3) == "[[CPR]]"


def test_score_precision_and_pooled_recall_per_linker_and_kind(runs) -> None:
    docs, by = runs
    sheet, key = judged.judging_sheet(docs, by)
    verdict = {"s:vitals": "correct", "s:benefits": "w", "s:cpr": "plausible",
               "s:weld": "correct", "s:blue": "C"}
    for r in sheet:
        r["judgement"] = verdict[r["skill_id"]]
    rep = judged.score_judged(sheet, key, resamples=50)
    old, new = rep["all"]["linkers"]["old"], rep["all"]["linkers"]["new"]
    assert rep["all"]["union"] == {"correct": 3, "plausible": 1, "wrong": 1, "unjudged": 0}
    assert (old["links"], old["correct"], old["plausible"], old["wrong"]) == (3, 2, 0, 1)
    assert old["precision"] == pytest.approx(2 / 3, abs=1e-4) and old["recall"] == 0.5
    assert old["strict_recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert new["precision"] == 1.0 and new["strict_precision"] == 0.75
    assert new["recall"] == 1.0 and new["correct_found"] == 3
    posts = rep["by_kind"]["posting"]["linkers"]
    assert posts["old"]["precision"] == 0.5 and posts["new"]["recall"] == 1.0
    assert rep["by_kind"]["program"]["linkers"]["old"]["recall"] == 0.5
    lo, hi = old["ci95"]["precision"]
    assert 0 <= lo <= old["precision"] <= hi <= 1
    lines = list(judged.format_judged(rep))
    assert any(line.split()[:1] == ["precision"] and "0.667" in line for line in lines)
    # unjudged rows are counted, not scored
    sheet[0]["judgement"] = ""
    part = judged.score_judged(sheet, key, resamples=0)
    assert part["judged"] == 4 and part["all"]["union"]["unjudged"] == 1
    sheet[0]["judgement"] = "maybe"
    with pytest.raises(InputError, match="expected one of correct, plausible, wrong"):
        judged.score_judged(sheet, key)
    with pytest.raises(InputError, match="do not belong together"):
        judged.score_judged(sheet[1:], key)
    as_map = {(r["doc_id"], r["skill_id"]): verdict[r["skill_id"]] for r in sheet}
    assert judged.score_judged(as_map, key, resamples=0)["all"]["linkers"]["new"][
        "recall"] == 1.0


def test_make_sheet_with_the_app_writes_files_and_carries_judgements(app, tmp_path) -> None:
    docs = [_doc("nyc:1", "posting", "Nurse. Take vital signs and perform CPR. "
                 "Use Microsoft Excel for reports."),
            _doc("etpl:2", "program", "Welding. Certificate. MIG welding and teamwork")]
    strict = type(app.linker)(threshold=0.6).fit(app.taxonomies, app.embedder,
                                                 app.linker.indexes_)
    out = tmp_path / "judged"
    summary = judged.make_sheet(docs, {"base": app.linker, "strict": strict.link}, out)
    sheet = judged.read_jsonl(out / "sheet.jsonl")
    key = judged.read_jsonl(out / "key.jsonl")
    assert summary["rows"] == len(sheet) == len(key) > 0
    assert summary["links"]["base"] >= summary["links"]["strict"]
    assert all(set(k["linkers"]) <= {"base", "strict"} for k in key)
    refs = judged.read_jsonl(out / "documents.jsonl")
    assert [r["doc_id"] for r in refs] == ["nyc:1", "etpl:2"] and "text" not in refs[0]
    assert json.loads((out / "manifest.json").read_text())["documents"] == 2
    sheet[0]["judgement"], sheet[0]["note"] = "correct", "clear"
    judged.write_jsonl(out / "sheet.jsonl", sheet)
    again = judged.make_sheet(docs, {"base": app.linker}, out, seed=99)
    assert again["judgements_carried"] == 1
    kept = [r for r in judged.read_jsonl(out / "sheet.jsonl") if r["judgement"]]
    assert [(r["skill_id"], r["note"]) for r in kept] == [(sheet[0]["skill_id"], "clear")]
    view = judged.judging_view(docs, judged.read_jsonl(out / "sheet.jsonl"))
    assert "## nyc:1" in view and "MIG welding" in view


def test_cli_scores_a_sheet_and_refuses_a_view_in_the_repo(runs, tmp_path) -> None:
    from skillmatch.cli import main

    docs, by = runs
    sheet, key = judged.judging_sheet(docs, by)
    for r in sheet:
        r["judgement"] = random.Random(r["row"]).choice(judged.JUDGEMENTS)
    judged.write_jsonl(tmp_path / "sheet.jsonl", sheet)
    judged.write_jsonl(tmp_path / "key.jsonl", key)
    runner = CliRunner()
    out = runner.invoke(main, ["--embedder", "fake", "--home", str(tmp_path / "ws"), "eval",
                               "judged", "--dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "Hand-judged linking: 2 documents, 5 distinct links, 5 judged" in out.output
    assert "postings" in out.output and "programs" in out.output
    data = json.loads(runner.invoke(main, ["--embedder", "fake", "--home", str(tmp_path),
                                           "eval", "judged", "--dir", str(tmp_path),
                                           "--format", "json"]).output)
    assert data["linkers"] == ["new", "old"]
    bad = runner.invoke(main, ["--embedder", "fake", "eval", "judged", "--dir", str(tmp_path),
                               "--view", str(judged.PROJECT_ROOT / "view.md")])
    assert bad.exit_code == 1 and "outside the repository" in bad.output


@pytest.mark.shared
def test_real_selection_and_committed_sheet_reload(shared: Path) -> None:
    docs = judged.select_documents(shared)
    kinds = [d.kind for d in docs]
    assert kinds.count("posting") == 30 and kinds.count("program") == 30
    assert len({d.field for d in docs if d.kind == "posting"}) >= 10
    assert {"health", "trades", "education"} <= {d.field for d in docs}
    committed = judged.DEFAULT_DIR / "documents.jsonl"
    if committed.is_file():  # the committed sheet's texts still read back unchanged
        refs = judged.read_jsonl(committed)
        assert len(judged.load_documents(shared, refs)) == len(refs)
