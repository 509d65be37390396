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

The parts: :mod:`.judged_documents` (reading and sampling the records),
:mod:`.judged_sheet` (the blind sheet, its key and the judged rows),
:mod:`.judged_score` (scoring and the table). This module runs the linkers and the app
and re-exports what the command and its tests use.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InputError
from ..settings import PROJECT_ROOT
from .judged_documents import (
    CIP_FILE,
    ETPL_FILE,
    KINDS,
    NYC_DIR,
    NYC_PARTS,
    PROGRAM_FIELDS,
    Document,
    allocate,
    cip_documents,
    etpl_documents,
    load_documents,
    nyc_documents,
    posting_text,
    program_text,
    stratified,
    text_digest,
)
from .judged_score import format_judged, score_dir, score_judged
from .judged_sheet import (
    CONTEXT_CHARS,
    JUDGEMENTS,
    carry_judgements,
    context,
    judging_sheet,
    judging_view,
    normalize_judgement,
    read_jsonl,
    write_jsonl,
)

if TYPE_CHECKING:
    from ..app import SkillMatch

__all__ = [
    "CIP_FILE", "CONTEXT_CHARS", "DEFAULT_DIR", "ETPL_FILE", "JUDGEMENTS", "KINDS",
    "LINKERS", "MIN_STRATUM", "NYC_DIR", "NYC_PARTS", "PROGRAM_FIELDS", "PROJECT_ROOT",
    "Document", "allocate", "app_linker", "carry_judgements", "cip_documents", "context",
    "etpl_documents", "format_judged", "judging_sheet", "judging_view", "load_documents",
    "make_app_sheet", "make_sheet", "normalize_judgement", "nyc_documents", "posting_text",
    "profile_linker", "program_text", "read_jsonl", "score_dir", "score_judged",
    "select_documents", "stratified", "text_digest", "write_jsonl", "write_view",
]

DEFAULT_DIR = PROJECT_ROOT / "tests" / "data" / "judged"
MIN_STRATUM = 20  # smaller posting categories are pooled as "other"


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


# --------------------------------------------------------------------- runs
LinkFn = Callable[[Sequence[str]], Sequence[Any]]


class _HasLink(Protocol):
    def link(self, texts: Sequence[str]) -> Sequence[Any]: ...


def _link_fn(linker: _HasLink | LinkFn) -> LinkFn:
    """A linker configuration as a function of texts: a SkillLinker (anything with
    ``link``) is run in thresholded mode, as record imports run it."""
    fn = getattr(linker, "link", None)
    return fn if callable(fn) else linker  # type: ignore[return-value]


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
