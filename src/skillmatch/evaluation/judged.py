"""``skillmatch eval judged``: document-level linking judged by hand (rules: docs/judging.md).

Real records (NYC Jobs postings, Texas ETPL programs, optionally CIP definitions) are
linked by two or more linker configurations; every linked skill of the union is judged
*correct*, *plausible* or *wrong* by a person reading the document, blind to the linker.

1. :func:`select_documents`: a seeded, stratified sample of real records, with the text
   a user would import (postings: title, description, minimum qualifications, preferred
   skills; programs: name, credential, description).
2. :func:`judging_sheet`: the union of the links, one row per (document, skill), shuffled,
   with no linker name, score or rank in it; and the private key: which linkers produced
   each row (with their scores and evidence offsets).
3. :func:`score_judged`: per linker, precision (lenient and strict) and recall pooled over
   the union of the judged links, overall and per document kind, with bootstrap intervals
   over documents.

Only what judging needs is committed (``tests/data/judged/``): document ids, source files,
titles and a hash of each text; per row the skill and its evidence with a short context.
The texts themselves are re-read from the shared data by id (:func:`load_documents`) and
checked against the hash, so evidence offsets stay valid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import re
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..datasets import EtplProgram, fix_mojibake, read_cip, read_etpl
from ..errors import InputError
from ..settings import PROJECT_ROOT

if TYPE_CHECKING:
    from ..app import SkillMatch

NYC_DIR = "nyc-jobs"
ETPL_FILE = "twc-etpl/twc_etpl_2024-10-02.xlsx"
CIP_FILE = "nces-cip2020/CIPCode2020.csv"
NYC_PARTS = ("Job Description", "Minimum Qual Requirements", "Preferred Skills")
JUDGEMENTS = ("correct", "plausible", "wrong")
_SHORT = {"c": "correct", "p": "plausible", "w": "wrong"}
KINDS = ("posting", "program")
DEFAULT_DIR = PROJECT_ROOT / "tests" / "data" / "judged"
CONTEXT_CHARS = 80
MIN_STRATUM = 20  # smaller posting categories are pooled as "other"

# ETPL and CIP programs are stratified by field, grouped from the CIP family
PROGRAM_FIELDS = {
    "51": "health", "11": "computing", "52": "business", "46": "trades", "47": "trades",
    "48": "trades", "49": "transportation", "13": "education", "15": "engineering tech",
    "43": "protective services",
}


@dataclass(frozen=True)
class Document:
    """One judged document: where it comes from, and the text the linkers read."""

    doc_id: str  # nyc:<Job ID>, etpl:<Program ID> or cip:<code>
    kind: str  # posting | program
    source: str  # file under the shared data folder
    field: str  # the stratum it was drawn from
    title: str
    text: str

    @property
    def digest(self) -> str:
        return text_digest(self.text)

    def ref(self) -> dict[str, Any]:
        """What is committed about the document: never its text."""
        return {"doc_id": self.doc_id, "kind": self.kind, "source": self.source,
                "field": self.field, "title": self.title, "chars": len(self.text),
                "sha1": self.digest}


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------- reading
def _clean(text: str) -> str:
    """The NYC export's odd whitespace (runs of spaces stand for line breaks) and mojibake,
    cleaned as :func:`skillmatch.datasets.nyc_postings` cleans them."""
    return fix_mojibake(re.sub(r"\s{3,}|\t", "\n", text)).strip()


def posting_text(row: Mapping[str, str]) -> tuple[str, str]:
    """Title and full text of an NYC Jobs row, as a posting import reads it
    (the title on its own line, then every part of the description on its own line)."""
    title = fix_mojibake(row.get("Business Title", "").strip())
    body = "\n".join(p for p in (_clean(row.get(c) or "") for c in NYC_PARTS) if p)
    return title, f"{title}\n{body}".strip()


def _nyc_rows(path: Path) -> dict[str, dict[str, str]]:
    """Job ID -> its first row in one NYC Jobs export zip."""
    try:
        with zipfile.ZipFile(path) as z, z.open("nyc-jobs.csv") as f:
            reader = csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline=""))
            missing = [c for c in ("Job ID", "Business Title", *NYC_PARTS)
                       if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)} (expected the NYC "
                                 "Jobs export)", path=path, line=1)
            out: dict[str, dict[str, str]] = {}
            for row in reader:
                job = (row.get("Job ID") or "").strip()
                if job and job not in out:
                    out[job] = row
            return out
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"not the NYC Jobs export zip with nyc-jobs.csv ({exc})",
                         path=path) from exc


def _primary_categories(categories: Iterable[str]) -> Callable[[str], str]:
    """NYC ``Job Category`` cells join several categories with spaces ("Health Policy,
    Research & Analysis"): a cell's first category is the longest single category (one
    that also appears alone) it starts with. A cell is a join when it is a cell followed
    by a cell or by another join ("Legal Affairs" stays one: "Affairs" is no cell)."""
    cells = {c for c in categories if c}
    memo: dict[str, bool] = {}

    def joined(c: str) -> bool:
        if c not in memo:
            memo[c] = False
            memo[c] = any(c.startswith(d + " ") and (c[len(d) + 1:] in cells
                                                     or joined(c[len(d) + 1:]))
                          for d in cells if d != c)
        return memo[c]

    singles = sorted((c for c in cells if not joined(c)), key=len, reverse=True)

    def first(cell: str) -> str:
        for c in singles:
            if cell == c or cell.startswith(c + " "):
                return c
        return cell or "none"

    return first


def nyc_documents(shared: Path, files: Sequence[str] | None = None,
                  min_description: int = 200, max_chars: int | None = None) -> list[Document]:
    """Every NYC Jobs posting, one per Job ID over all the export zips (the first file in
    name order that has it), whose description has at least ``min_description``
    characters and whose full text at most ``max_chars``."""
    names = list(files) if files else sorted(
        str(p.relative_to(shared)) for p in (shared / NYC_DIR).glob("*.zip"))
    if not names:
        raise InputError(f"no NYC Jobs zip under {shared / NYC_DIR}")
    rows: dict[str, tuple[str, dict[str, str]]] = {}
    for name in names:
        for job, row in _nyc_rows(shared / name).items():
            rows.setdefault(job, (name, row))
    first = _primary_categories(r.get("Job Category", "").strip() for _, r in rows.values())
    out = []
    for job, (name, row) in rows.items():
        title, text = posting_text(row)
        if len(_clean(row.get("Job Description") or "")) < min_description:
            continue
        if max_chars is not None and len(text) > max_chars:
            continue
        out.append(Document(f"nyc:{job}", "posting", name,
                            first(row.get("Job Category", "").strip()), title, text))
    return out


def program_text(p: EtplProgram) -> str:
    """An ETPL program as a credential import reads it: the name on its own line, then
    the credential name and the description."""
    rest = p.text[len(p.name.strip().rstrip(".")):].lstrip(". ")
    return f"{p.name.strip()}\n{rest}".strip()


def _program_field(cip: str | None) -> str:
    return PROGRAM_FIELDS.get((cip or "")[:2], "other")


def etpl_documents(shared: Path, file: str = ETPL_FILE,
                   min_description: int = 30) -> list[Document]:
    """Texas ETPL programs with at least ``min_description`` characters of description
    that say more than the program or credential name; one per distinct text (the lowest
    Program ID)."""
    out: dict[str, Document] = {}
    programs = sorted(read_etpl(shared / file), key=lambda p: (_id_key(p.program_id), p.line))
    for p in programs:
        desc = p.description.strip()
        if len(desc) < min_description or desc.lower() in (p.name.lower(), p.credential.lower()):
            continue
        key = " ".join(p.text.lower().split())
        if key not in out:
            out[key] = Document(f"etpl:{p.program_id}", "program", file, _program_field(p.cip),
                                p.name, program_text(p))
    return list(out.values())


def cip_documents(shared: Path, file: str = CIP_FILE) -> list[Document]:
    """CIP 2020 six-digit programs: ``title. definition``."""
    return [Document(f"cip:{code}", "program", file, _program_field(code), title,
                     f"{title}. {definition}".strip())
            for code, (title, definition) in sorted(read_cip(shared / file).items())
            if definition]


def _id_key(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 62, value)


# -------------------------------------------------------------------- sampling
def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Split ``n`` draws over strata: one per stratum first (largest first, while draws
    remain), then in proportion to the square root of each stratum's size (Sainte-Laguë),
    never more than a stratum holds. Deterministic."""
    alloc = {k: 0 for k in sizes}
    order = sorted(sizes, key=lambda k: (-sizes[k], k))
    left = min(n, sum(sizes.values()))
    for k in order:
        if left and sizes[k]:
            alloc[k] += 1
            left -= 1
    while left:
        k = max((k for k in order if alloc[k] < sizes[k]),
                key=lambda k: (math.sqrt(sizes[k]) / (alloc[k] + 0.5), -order.index(k)))
        alloc[k] += 1
        left -= 1
    return alloc


def stratified(docs: Sequence[Document], n: int, rng: random.Random,
               min_stratum: int = 1) -> list[Document]:
    """``n`` documents drawn without replacement, stratified by ``field`` (strata smaller
    than ``min_stratum`` pooled as ``other``), in doc id order within each stratum before
    the draw so the result depends only on the seed."""
    sizes = Counter(d.field for d in docs)
    pooled = {f: (f if c >= min_stratum else "other") for f, c in sizes.items()}
    strata: dict[str, list[Document]] = defaultdict(list)
    for d in sorted(docs, key=lambda d: d.doc_id):
        strata[pooled[d.field]].append(d)
    alloc = allocate({k: len(v) for k, v in strata.items()}, n)
    out: list[Document] = []
    for k in sorted(strata):
        out.extend(rng.sample(strata[k], alloc[k]))
    return out


def select_documents(
    shared_data: str | Path, n_postings: int = 30, n_programs: int = 30, seed: int = 13, *,
    n_cip: int = 0, nyc_files: Sequence[str] | None = None, etpl_file: str = ETPL_FILE,
    max_posting_chars: int | None = None,
) -> list[Document]:
    """The documents to judge: a seeded sample, stratified by field.

    - postings: NYC Jobs (all export zips, deduplicated on Job ID) with a description of
      at least 200 characters (and at most ``max_posting_chars`` of text when given),
      stratified by their first Job Category (categories with fewer than 20 postings
      pooled as ``other``);
    - programs: Texas ETPL 2024 programs whose description says more than their name
      (at least 30 characters), one per distinct text, stratified by field from the CIP
      family (health, computing, business, trades, transportation, education, ...);
    - ``n_cip`` more programs from the CIP 2020 definitions, stratified the same way.

    Every stratum gets at least one document when ``n`` allows, the rest goes in
    proportion to the square root of the stratum's size, so small fields (education,
    trades) are present without drowning the big ones. Same inputs and seed, same
    documents, in the same order (postings, then programs, each by doc id).
    """
    shared = Path(shared_data)
    rng = random.Random(seed)
    out: list[Document] = []
    if n_postings:
        pool = nyc_documents(shared, nyc_files, max_chars=max_posting_chars)
        out += sorted(stratified(pool, n_postings, rng, MIN_STRATUM), key=lambda d: d.doc_id)
    if n_programs:
        pool = etpl_documents(shared, etpl_file)
        out += sorted(stratified(pool, n_programs, rng), key=lambda d: d.doc_id)
    if n_cip:
        out += sorted(stratified(cip_documents(shared), n_cip, rng), key=lambda d: d.doc_id)
    return out


def load_documents(shared_data: str | Path, refs: Iterable[Mapping[str, Any]],
                   check: bool = True) -> list[Document]:
    """Re-read committed documents from the shared data by id and source file; with
    ``check``, raise when a text no longer hashes to the committed digest."""
    shared = Path(shared_data)
    refs = list(refs)
    nyc: dict[str, dict[str, dict[str, str]]] = {}
    etpl: dict[str, dict[str, Any]] = {}
    cip: dict[str, dict[str, tuple[str, str]]] = {}
    out = []
    for ref in refs:
        doc_id, source = str(ref["doc_id"]), str(ref["source"])
        prefix, _, key = doc_id.partition(":")
        if prefix == "nyc":
            if source not in nyc:
                nyc[source] = _nyc_rows(shared / source)
            row = nyc[source].get(key)
            if row is None:
                raise InputError(f"Job ID {key} not found", path=shared / source)
            title, text = posting_text(row)
        elif prefix == "etpl":
            if source not in etpl:
                etpl[source] = {p.program_id: p for p in read_etpl(shared / source)}
            program = etpl[source].get(key)
            if program is None:
                raise InputError(f"Program ID {key} not found", path=shared / source)
            title, text = program.name, program_text(program)
        elif prefix == "cip":
            if source not in cip:
                cip[source] = read_cip(shared / source)
            if key not in cip[source]:
                raise InputError(f"CIP code {key} not found", path=shared / source)
            title, definition = cip[source][key]
            text = f"{title}. {definition}".strip()
        else:
            raise InputError(f"document id {doc_id!r} (expected nyc:, etpl: or cip:)",
                             field="doc_id")
        doc = Document(doc_id, str(ref.get("kind") or ("posting" if prefix == "nyc"
                                                         else "program")),
                       source, str(ref.get("field", "")), title, text)
        if check and ref.get("sha1") and doc.digest != ref["sha1"]:
            raise InputError(f"{doc_id}: the text in {source} changed since the sheet was "
                             "made (its evidence offsets no longer apply)", path=shared / source)
        out.append(doc)
    return out


# --------------------------------------------------------------- the sheet
class _Evidence(Protocol):
    start: int
    end: int
    text: str


class _Linked(Protocol):
    id: str
    label: str
    taxonomy: str
    score: float
    evidence: _Evidence


class _Result(Protocol):
    @property
    def skills(self) -> Sequence[_Linked]: ...


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The evidence in ``[[...]]`` with about ``width`` characters either side, cut at
    word boundaries, whitespace collapsed."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and not text[lo - 1].isspace():  # drop a cut word
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi

    window = " ".join(f"{text[lo:start]}[[{text[start:end]}]]{text[end:hi]}".split())
    return ("…" if lo > 0 else "") + window + ("…" if hi < len(text) else "")


def judging_sheet(
    docs: Sequence[Document], runs: Mapping[str, Sequence[_Result]], seed: int = 13,
    describe: Callable[[str, str], str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The blind judging sheet and its private key, from each linker's results
    (``runs[name][i]`` are the links of ``docs[i]``).

    One sheet row per (document, skill) linked by any linker: row id, document, skill id,
    label, taxonomy, the skill's description (``describe(taxonomy, skill_id)``, when given),
    and every distinct evidence span with a short context, in text order, and an empty
    ``judgement``. No linker name, score or rank. Documents are in a seeded shuffled
    order and rows shuffled within each document (judging reads one document at a time).
    The key gives, per row, the linkers that produced it with their score and evidence.
    """
    for name, results in runs.items():
        if len(results) != len(docs):
            raise InputError(f"linker {name!r} returned {len(results)} results for "
                             f"{len(docs)} documents")
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for name in sorted(runs):
        for doc, result in zip(docs, runs[name]):
            for s in result.skills:
                key = (doc.doc_id, s.id)
                entry = merged.setdefault(key, {"doc": doc, "skill": s, "by": {}})
                entry["by"][name] = {"score": round(float(s.score), 4),
                                     "start": s.evidence.start, "end": s.evidence.end}
    rng = random.Random(seed)
    order = [d.doc_id for d in docs]
    rng.shuffle(order)
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(merged):
        by_doc[key[0]].append(key)
    sheet: list[dict[str, Any]] = []
    key_rows: list[dict[str, Any]] = []
    for doc_id in order:
        keys = by_doc.get(doc_id, [])
        rng.shuffle(keys)
        for key in keys:
            entry = merged[key]
            doc, skill = entry["doc"], entry["skill"]
            spans = sorted({(v["start"], v["end"]) for v in entry["by"].values()})
            row_id = f"r{len(sheet) + 1:04d}"
            sheet.append({
                "row": row_id, "doc_id": doc.doc_id, "kind": doc.kind, "title": doc.title,
                "skill_id": skill.id, "label": skill.label, "taxonomy": skill.taxonomy,
                "skill_description": _short(describe(skill.taxonomy, skill.id))
                if describe else "",
                "evidence": [{"start": a, "end": b, "text": doc.text[a:b],
                              "context": context(doc.text, a, b)} for a, b in spans],
                "judgement": "", "note": ""})
            key_rows.append({"row": row_id, "doc_id": doc.doc_id, "kind": doc.kind,
                             "skill_id": skill.id, "linkers": dict(sorted(entry["by"].items()))})
    return sheet, key_rows


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def carry_judgements(old: Iterable[Mapping[str, Any]], new: list[dict[str, Any]]) -> int:
    """Copy judgements and notes of an earlier sheet onto a new one by (doc id, skill id);
    the number of rows that got one."""
    earlier = {(r["doc_id"], r["skill_id"]): r for r in old if r.get("judgement")}
    carried = 0
    for row in new:
        prev = earlier.get((row["doc_id"], row["skill_id"]))
        if prev is not None:
            row["judgement"], row["note"] = prev["judgement"], prev.get("note", "")
            carried += 1
    return carried


# ------------------------------------------------------------------ scoring
def normalize_judgement(value: Any, where: str = "") -> str | None:
    """``correct``/``plausible``/``wrong`` (or c/p/w, any case); None when not judged."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    text = _SHORT.get(text, text)
    if text not in JUDGEMENTS:
        raise InputError(f"judgement {value!r} (expected one of {', '.join(JUDGEMENTS)}, "
                         "or c, p, w)", field=where or "judgement")
    return text


def _judgement_map(judgements: Iterable[Mapping[str, Any]] | Mapping[Any, Any]
                   ) -> dict[tuple[str, str], str | None]:
    if isinstance(judgements, Mapping):
        return {(str(d), str(s)): normalize_judgement(v, f"{d} {s}")
                for (d, s), v in judgements.items()}
    return {(r["doc_id"], r["skill_id"]): normalize_judgement(r.get("judgement"),
                                                               str(r.get("row", "")))
            for r in judgements}


def _stats(rows: list[tuple[str, str | None]], pool: Counter[str | None]) -> dict[str, Any]:
    """Counts and rates of one linker's links (``(doc, judgement)`` pairs) against the
    judged union ``pool``."""
    c = Counter(j for _, j in rows)
    judged = c["correct"] + c["plausible"] + c["wrong"]
    good, union_good = c["correct"] + c["plausible"], pool["correct"] + pool["plausible"]

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {"links": len(rows), "judged": judged, "unjudged": c[None],
            "correct": c["correct"], "plausible": c["plausible"], "wrong": c["wrong"],
            "precision": ratio(good, judged), "strict_precision": ratio(c["correct"], judged),
            "correct_found": c["correct"], "recall": ratio(good, union_good),
            "strict_recall": ratio(c["correct"], pool["correct"])}


def _bootstrap(per_doc: dict[str, dict[str, Counter[str]]], linkers: list[str],
               resamples: int, seed: int) -> dict[str, dict[str, list[float] | None]]:
    """95% percentile intervals of precision and pooled recall, documents resampled."""
    docs = sorted(per_doc)
    out: dict[str, dict[str, list[float] | None]] = {}
    if not docs or not resamples:
        return {n: {"precision": None, "recall": None} for n in linkers}
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(docs), size=(resamples, len(docs)))
    for name in linkers:
        good = np.array([per_doc[d][name]["correct"] + per_doc[d][name]["plausible"]
                         for d in docs], dtype=float)
        judged = good + np.array([per_doc[d][name]["wrong"] for d in docs], dtype=float)
        pool = np.array([per_doc[d]["*"]["correct"] + per_doc[d]["*"]["plausible"]
                         for d in docs], dtype=float)
        g, j, p = good[picks].sum(1), judged[picks].sum(1), pool[picks].sum(1)
        out[name] = {}
        for metric, num, den in (("precision", g, j), ("recall", g, p)):
            ok = den > 0
            vals = num[ok] / den[ok]
            out[name][metric] = ([round(float(np.percentile(vals, q)), 4) for q in (2.5, 97.5)]
                                 if len(vals) else None)
    return out


def score_judged(judgements: Iterable[Mapping[str, Any]] | Mapping[Any, Any],
                 key: Iterable[Mapping[str, Any]], *, resamples: int = 1000,
                 seed: int = 13) -> dict[str, Any]:
    """Per linker: links, correct, plausible, wrong, unjudged; precision
    ((correct + plausible) / judged links), strict precision (correct / judged links),
    correct skills found, and recall pooled over the union of all linkers' judged links
    (lenient: correct + plausible; strict: correct only); overall and per document kind,
    with 95% bootstrap intervals over documents for precision and recall.

    ``judgements``: sheet rows (``doc_id``, ``skill_id``, ``judgement``) or a mapping
    ``(doc_id, skill_id) -> judgement``; unjudged links are counted, not scored.
    """
    verdicts = _judgement_map(judgements)
    key = list(key)
    linkers = sorted({n for r in key for n in r["linkers"]})
    missing = [(r["doc_id"], r["skill_id"]) for r in key
               if (r["doc_id"], r["skill_id"]) not in verdicts]
    if missing and not isinstance(judgements, Mapping):
        raise InputError(f"{len(missing)} key rows are not in the sheet (first: "
                         f"{missing[0][0]} {missing[0][1]}); sheet and key do not belong "
                         "together")
    kinds = sorted({r.get("kind", "") for r in key}, key=lambda k: (k not in KINDS, k))
    report: dict[str, Any] = {"linkers": linkers, "rows": len(key),
                              "judged": sum(1 for r in key if verdicts.get(
                                  (r["doc_id"], r["skill_id"]))),
                              "documents": len({r["doc_id"] for r in key}), "by_kind": {}}
    for kind in [None, *kinds]:
        rows = [r for r in key if kind is None or r.get("kind", "") == kind]
        pool = Counter(verdicts.get((r["doc_id"], r["skill_id"])) for r in rows)
        per_doc: dict[str, dict[str, Counter[str]]] = defaultdict(
            lambda: defaultdict(Counter))
        for r in rows:
            j = verdicts.get((r["doc_id"], r["skill_id"]))
            per_doc[r["doc_id"]]["*"][str(j)] += 1
            for n in r["linkers"]:
                per_doc[r["doc_id"]][n][str(j)] += 1
        block: dict[str, Any] = {
            "documents": len({r["doc_id"] for r in rows}),
            "union": {j: pool[j] for j in JUDGEMENTS} | {"unjudged": pool[None]},
            "linkers": {n: _stats([(r["doc_id"], verdicts.get((r["doc_id"], r["skill_id"])))
                                   for r in rows if n in r["linkers"]], pool)
                        for n in linkers},
        }
        for n, ci in _bootstrap(per_doc, linkers, resamples, seed).items():
            block["linkers"][n]["ci95"] = ci
        if kind is None:
            report["all"] = block
        else:
            report["by_kind"][kind] = block
    return report


def format_judged(r: dict[str, Any]) -> Iterable[str]:
    """Side-by-side table: one column per linker, a section per document kind."""
    names = r["linkers"]
    width = max([12, *(len(n) for n in names)])
    yield (f"Hand-judged linking: {r['documents']} documents, {r['rows']} distinct links, "
           f"{r['judged']} judged (rules: docs/judging.md)")
    sections = [("all documents", r["all"])] + [
        (f"{k}s", b) for k, b in r["by_kind"].items()]
    metrics = [("links", "links"), ("judged", "judged"), ("correct", "correct"),
               ("plausible", "plausible"), ("wrong", "wrong"),
               ("precision", "precision"), ("strict precision", "strict_precision"),
               ("pooled recall", "recall"), ("strict recall", "strict_recall")]
    for title, block in sections:
        u = block["union"]
        yield ""
        yield (f"{title} ({block['documents']} documents; union: {u['correct']} correct, "
               f"{u['plausible']} plausible, {u['wrong']} wrong, {u['unjudged']} unjudged)")
        yield f"  {'':<18}" + "".join(f" {n:>{width}}" for n in names)
        for label, k in metrics:
            cells = []
            for n in names:
                v = block["linkers"][n][k]
                cells.append("-" if v is None else f"{v:.3f}" if isinstance(v, float)
                             else str(v))
            yield f"  {label:<18}" + "".join(f" {c:>{width}}" for c in cells)
        for metric in ("precision", "recall"):
            cells = []
            for n in names:
                ci = block["linkers"][n]["ci95"][metric]
                cells.append("-" if ci is None else f"{ci[0]:.2f}-{ci[1]:.2f}")
            yield f"  {metric + ' 95% CI':<18}" + "".join(f" {c:>{width}}" for c in cells)


# --------------------------------------------------------------- files and runs
LinkFn = Callable[[Sequence[str]], Sequence[Any]]


class _HasLink(Protocol):
    def link(self, texts: Sequence[str]) -> Sequence[Any]: ...


def _link_fn(linker: _HasLink | LinkFn) -> LinkFn:
    """A linker configuration as a function of texts: a SkillLinker (anything with
    ``link``) is run in thresholded mode, as record imports run it."""
    fn = getattr(linker, "link", None)
    return fn if callable(fn) else linker  # type: ignore[return-value]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError("no such file (make it with `skillmatch eval judged --make-sheet`)",
                         path=path)
    out = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"not JSON ({exc})", path=path, line=line_no) from exc
    return out


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def make_sheet(
    docs: Sequence[Document], linkers: Mapping[str, _HasLink | LinkFn], out_dir: str | Path,
    *, seed: int = 13, describe: Callable[[str, str], str] | None = None,
    meta: Mapping[str, Any] | None = None, batch: int = 16,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run each named linker on the documents and write ``documents.jsonl`` (no texts),
    ``sheet.jsonl`` (blind, judgements of an earlier sheet carried over by document and
    skill), ``key.jsonl`` and ``manifest.json`` to ``out_dir``; a summary."""
    if len(linkers) < 1:
        raise InputError("no linker configuration given", field="linkers")
    out = Path(out_dir)
    texts = [d.text for d in docs]
    runs: dict[str, list[Any]] = {}
    seconds: dict[str, float] = {}
    for name, linker in linkers.items():
        fn = _link_fn(linker)
        started = time.perf_counter()
        results: list[Any] = []
        for i in range(0, len(texts), batch):
            results.extend(fn(texts[i : i + batch]))
            if progress:
                progress(f"link ({name})", min(i + batch, len(texts)), len(texts))
        seconds[name] = round(time.perf_counter() - started, 1)
        runs[name] = results
    sheet, key = judging_sheet(docs, runs, seed=seed, describe=describe)
    old = out / "sheet.jsonl"
    carried = carry_judgements(read_jsonl(old), sheet) if old.is_file() else 0
    write_jsonl(out / "documents.jsonl", (d.ref() for d in docs))
    write_jsonl(out / "sheet.jsonl", sheet)
    write_jsonl(out / "key.jsonl", key)
    summary = {
        "documents": len(docs),
        "documents_by_kind": dict(Counter(d.kind for d in docs)),
        "rows": len(sheet),
        "rows_by_kind": dict(Counter(r["kind"] for r in sheet)),
        "links": {n: sum(len(r.skills) for r in res) for n, res in runs.items()},
        "shared_by_all": sum(1 for k in key if len(k["linkers"]) == len(runs)),
        "judgements_carried": carried,
        "seconds": seconds,
        "seed": seed,
        **dict(meta or {}),
    }
    (out / "manifest.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return summary


def score_dir(sheet_dir: str | Path, **kwargs: Any) -> dict[str, Any]:
    """:func:`score_judged` on the sheet and key in ``sheet_dir``."""
    d = Path(sheet_dir)
    report = score_judged(read_jsonl(d / "sheet.jsonl"), read_jsonl(d / "key.jsonl"), **kwargs)
    report["sheet"] = str(d)
    return report


def judging_view(docs: Sequence[Document], sheet: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown page per document for the judge: the full text, then its rows (row id,
    skill, evidence). Holds the document texts: write it outside the repository."""
    rows: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in sheet:
        rows[r["doc_id"]].append(r)
    by_id = {d.doc_id: d for d in docs}
    lines = ["# Judging view (rules: docs/judging.md)", ""]
    for doc_id in dict.fromkeys(r["doc_id"] for r in sheet):
        d = by_id[doc_id]
        lines += [f"## {doc_id} ({d.kind}, {d.field}): {d.title}", "", "```", d.text, "```", ""]
        for r in rows[doc_id]:
            ev = "; ".join(f"\"{e['context']}\"" for e in r["evidence"])
            lines.append(f"- **{r['row']}** {r['label']} ({r['taxonomy']}) "
                         f"[{r['judgement'] or ' '}]: {ev}")
            if r.get("skill_description"):
                lines.append(f"  - _{r['skill_description']}_")
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------ with the app
LinkerFactory = Callable[["SkillMatch"], "_HasLink | LinkFn"]


def app_linker(app: SkillMatch) -> _HasLink:
    """The app's linker, with its settings, ranker and document model (thresholded)."""
    return app.linker


def profile_linker(profile: str) -> LinkerFactory:
    """The linker of a named profile (``linking/profiles.py``) over ESCO alone."""
    def factory(app: SkillMatch) -> _HasLink:
        from .linking import esco_linker

        return esco_linker(app, profile=profile)
    return factory


# The named linker configurations ``--make-sheet`` can run: ``baseline`` is the linker
# before the document rules (the legacy profile), ``current`` the document profile.
LINKERS: dict[str, LinkerFactory] = {"baseline": profile_linker("legacy"),
                                     "current": profile_linker("document"),
                                     "app": app_linker}


def make_app_sheet(
    app: SkillMatch, names: Sequence[str] = ("baseline", "current"),
    out_dir: str | Path = DEFAULT_DIR, *, factories: Mapping[str, LinkerFactory] | None = None,
    n_postings: int = 30, n_programs: int = 30, n_cip: int = 0, seed: int = 13,
    max_posting_chars: int | None = None, onet: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Load and index ESCO (and O*NET with ``onet``) if needed, select the documents,
    run the named linker configurations and write the sheet (:func:`make_sheet`)."""
    from .linking import ensure_esco
    from .matching import ensure_onet

    factories = LINKERS if factories is None else factories
    unknown = [n for n in names if n not in factories]
    if unknown:
        raise InputError(f"unknown linker configuration(s) {', '.join(unknown)} (known: "
                         f"{', '.join(factories)})", field="linkers")
    ensure_esco(app, progress)
    if onet:
        ensure_onet(app)
        app.build_indexes(["onet"], progress=progress)
    docs = select_documents(app.settings.shared_data, n_postings, n_programs, seed,
                            n_cip=n_cip, max_posting_chars=max_posting_chars)
    linkers = {n: factories[n](app) for n in dict.fromkeys(names)}
    descriptions = {(s.taxonomy, s.code): s.description for s in app.taxonomies.skills()}
    meta = {"model": app.embedder.model_id,
            "taxonomies": {t.name: t.version for t in app.taxonomies.all()},
            "selection": {"n_postings": n_postings, "n_programs": n_programs, "n_cip": n_cip,
                          "max_posting_chars": max_posting_chars}}
    return make_sheet(docs, linkers, out_dir, seed=seed, meta=meta, progress=progress,
                      describe=lambda t, c: descriptions.get((t, c), ""))


def write_view(sheet_dir: str | Path, shared_data: str | Path, path: str | Path) -> int:
    """Write :func:`judging_view` of the sheet in ``sheet_dir`` to ``path`` (outside the
    repository: it holds the document texts); the number of documents in it."""
    target = Path(path).resolve()
    if target.is_relative_to(PROJECT_ROOT.resolve()):
        raise InputError("the judging view holds whole document texts: write it outside "
                         "the repository (e.g. /tmp/judging.md)", path=path)
    d = Path(sheet_dir)
    docs = load_documents(shared_data, read_jsonl(d / "documents.jsonl"))
    sheet = read_jsonl(d / "sheet.jsonl")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(judging_view(docs, sheet), encoding="utf-8")
    return len({r["doc_id"] for r in sheet})
