"""The documents of the hand-judged linking evaluation: reading real records, sampling.

NYC Jobs postings, Texas ETPL programs and CIP 2020 definitions, read as a user would
import them (:func:`posting_text`, :func:`program_text`); a seeded sampler stratified by
field (:func:`allocate`, :func:`stratified`); and :func:`load_documents`, which re-reads
committed documents by id and checks each text against its committed hash.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datasets import EtplProgram, fix_mojibake, read_cip, read_etpl
from ..errors import InputError

NYC_DIR = "nyc-jobs"
ETPL_FILE = "twc-etpl/twc_etpl_2024-10-02.xlsx"
CIP_FILE = "nces-cip2020/CIPCode2020.csv"
NYC_PARTS = ("Job Description", "Minimum Qual Requirements", "Preferred Skills")
KINDS = ("posting", "program")

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
