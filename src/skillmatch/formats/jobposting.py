"""Job postings from schema.org ``JobPosting`` JSON-LD and JDX JobSchema+, as published.

Inputs (plain, or gzip-compressed ``.gz``):

- a JSON-LD document: one ``JobPosting``, or many (a JSON array, an ``@graph``, an
  ``ItemList`` of ``ListItem``s, postings embedded anywhere in other nodes);
- an HTML page: every ``<script type="application/ld+json">`` in it (several per page;
  blocks that hold no posting, such as a ``BreadcrumbList``, are passed over);
- JSON Lines of ``JobPosting``-shaped objects, as public job-data feeds publish them,
  usually with no ``@context`` and no ``@type``: read line by line (memory stays flat
  on a file of any size), each line expanded with schema.org's context.

Every document is expanded with pyld through :mod:`skillmatch.formats.jsonld` (its
offline document loader; nothing is fetched), so ``"title"``, ``"schema:title"`` and
``"http://schema.org/title"`` read alike. JDX JobSchema+ documents name the JDX context
(``http://jobdataexchange.org/jdxcontext.json``), which is not published any more; it
is read as :data:`JDX_CONTEXT` (schema.org's vocabulary and the ``jdx`` and ``schema``
prefixes). How fields map: :mod:`.jobposting_map`.

A posting that cannot be read (no title, a date that is not one, openings that are not
a number) is a :class:`~.base.Rejected` naming the file, the posting and the field, and
reading goes on. A JSON Lines line that is not JSON is a Rejected naming the line; a
JSON document or page that is not readable at all raises
:class:`~skillmatch.errors.InputError` naming the file.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..catalog.models import Posting
from ..errors import InputError
from . import jsonld
from .base import Notes, RecordFieldError, Rejected, Stream, source
from .html_text import HtmlError, ld_json_blocks
from .jobposting_map import is_posting, to_posting
from .jobposting_nodes import JDX, Graph, local_name, node_id, walk_nodes

log = logging.getLogger(__name__)

FORMAT = "jobposting"
SCHEMA_CONTEXT = "https://schema.org"
JDX_CONTEXT: dict[str, Any] = {
    "@vocab": "http://schema.org/",
    "schema": "http://schema.org/",
    "jdx": JDX[0],
    "id": "@id",
    "type": "@type",
    "url": {"@id": "schema:url", "@type": "@id"},
    "sameAs": {"@id": "schema:sameAs", "@type": "@id"},
}
"""Read for the JDX context URL: schema.org's vocabulary, the ``jdx`` prefix
(``http://purl.org/jdx/terms/``, JobSchema+'s namespace) and ``schema``."""

_JSONL = (".jsonl", ".ndjson", ".jsonlines")
_HTML = (".html", ".htm", ".xhtml")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 1 << 20
# What marks a posting in the first part of a file (for format detection).
_TYPE_RE = re.compile(r'"(?:@type|type)"\s*:\s*(?:\[[^\]]{0,200}?)?"(?:(?:schema|jdx):|'
                      r'https?://schema\.org/)?JobPosting"')
_KEY_RE = re.compile(r'"([A-Za-z]{4,40})"\s*:')
_POSTING_KEYS = frozenset({
    "hiringOrganization", "jobLocation", "datePosted", "jobDescription",
    "occupationalCategory", "totalJobOpenings", "numberOfOpenings", "employmentType",
    "baseSalary", "validThrough", "jobLocationType", "educationRequirements",
    "experienceRequirements",
})
# An untyped object is read as a posting when it has a title and one of these.
_SHAPE = ("description", "jobDescription", "hiringOrganization", "jobLocation", "datePosted",
          "occupationalCategory", "responsibilities", "skills")


def looks_like_jobposting(head: str) -> bool:
    """True when ``head`` (the start of a file, decompressed) reads as schema.org or JDX
    job postings: a ``JobPosting`` type, or a title beside two posting properties."""
    if _TYPE_RE.search(head):
        return True
    keys = set(_KEY_RE.findall(head))
    return "title" in keys and len(keys & _POSTING_KEYS) >= 2


def read_jobpostings(path: Path, *, notes: Notes | None = None) -> Stream:
    """Stream the postings in ``path`` (JSON-LD, an HTML page or JSON Lines; ``.gz``
    too): a Posting per JobPosting, a Rejected per one that cannot be read."""
    notes = notes if notes is not None else Notes()
    kind = _kind(path)
    log.debug("%s read as %s", path, kind)
    if kind == "jsonl":
        yield from _read_lines(path, notes)
    elif kind == "html":
        yield from _read_page(path, notes)
    else:
        yield from _read_document(path, notes)


def _open(path: Path) -> io.BufferedIOBase:
    """``path`` opened for reading bytes, decompressed when it is gzip (by its magic
    bytes, whatever its name)."""
    with path.open("rb") as f:
        magic = f.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.GzipFile(path, "rb")
    return path.open("rb")


def _kind(path: Path) -> str:
    """``jsonl``, ``html`` or ``json``: by the name, then by the first bytes."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(_JSONL):
        return "jsonl"
    if name.endswith(_HTML):
        return "html"
    try:
        with _open(path) as f:
            first = f.readline(_SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
            while not first and (more := f.readline(_SNIFF_BYTES)):
                first = more.strip()
            second = f.readline(_SNIFF_BYTES).strip()
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read ({exc})", path=path) from exc
    if first[:1] == b"<":
        return "html"
    if first[:1] == b"{" and second[:1] == b"{":
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    return "json"


def _read_bytes(path: Path) -> bytes:
    try:
        with _open(path) as f:
            return f.read()
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read ({exc})", path=path) from exc


def _read_document(path: Path, notes: Notes) -> Stream:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno,
                         column=exc.colno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read", path=path) from None
    found = 0
    for item in _postings(doc, path, "", notes):
        found += 1
        yield item
    if not found:
        raise InputError("no schema.org JobPosting found (expected a JobPosting, a list or "
                         "@graph of them, or JobPosting-shaped objects)", path=path)


def _read_page(path: Path, notes: Notes) -> Stream:
    try:
        blocks = ld_json_blocks(_read_bytes(path))
    except HtmlError as exc:
        raise InputError(str(exc), path=path) from None
    if not blocks:
        raise InputError('no <script type="application/ld+json"> in the page (expected '
                         "schema.org JobPosting JSON-LD)", path=path)
    found = 0
    for k, block in enumerate(blocks, start=1):
        where = f"script {k}"
        try:
            doc = json.loads(block)
        except json.JSONDecodeError as exc:
            yield Rejected(str(path), where, "", f"not valid JSON ({exc.msg} at line "
                                                 f"{exc.lineno} column {exc.colno})")
            continue
        except RecursionError:
            yield Rejected(str(path), where, "", "JSON nested too deeply to read")
            continue
        try:
            items = list(_postings(doc, path, where, notes))
        except InputError as exc:
            yield Rejected(str(path), where, exc.field or "", exc.reason)
            continue
        if not items:
            notes.count("ld+json block with no JobPosting")
        found += sum(1 for i in items if isinstance(i, Posting | Rejected))
        yield from items
    if not found:
        raise InputError("no schema.org JobPosting in the page's JSON-LD", path=path)


def _read_lines(path: Path, notes: Notes) -> Stream:
    try:
        stream = _open(path)
    except OSError as exc:
        raise InputError(f"cannot read ({exc})", path=path) from exc
    with stream:
        for n, raw in enumerate(_lines(stream, path), start=1):
            where = f"line {n}"
            if n == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Rejected(str(path), where, "", f"not UTF-8 text (byte {exc.start})")
                continue
            except json.JSONDecodeError as exc:
                yield Rejected(str(path), where, "", f"not valid JSON ({exc.msg} at column "
                                                     f"{exc.colno})")
                continue
            except RecursionError:
                yield Rejected(str(path), where, "", "JSON nested too deeply to read")
                continue
            if not isinstance(doc, dict):
                yield Rejected(str(path), where, "", "expected a JSON object (a JobPosting), "
                                                     f"got {_json_type(doc)}")
                continue
            try:
                items = list(_postings(doc, path, where, notes))
            except InputError as exc:
                yield Rejected(str(path), where, exc.field or "", exc.reason)
                continue
            if not items:
                yield Rejected(str(path), where, "@type", _not_posting(doc))
            yield from items


def _lines(stream: io.BufferedIOBase, path: Path) -> Iterator[bytes]:
    """The lines of a binary stream, lazily; a gzip file cut short ends with an
    InputError naming the file."""
    try:
        yield from stream
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise InputError(f"compressed data ends early or is corrupt ({exc})",
                         path=path) from None


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
        type(value), "a number")


def _not_posting(doc: dict[str, Any]) -> str:
    kind = doc.get("@type") or doc.get("type")
    if kind:
        return f"a {kind!r}, not a JobPosting"
    return ("not a JobPosting: no @type and no title beside a description, employer, "
            "location or date")


def _context_of(doc: Any) -> Any:
    if isinstance(doc, dict):
        return doc.get("@context")
    if isinstance(doc, list):
        found = [d.get("@context") for d in doc if isinstance(d, dict) and "@context" in d]
        return found[0] if found else None
    return None


def _with_jdx(doc: Any) -> tuple[Any, bool]:
    """``doc`` with the JDX context URL replaced by :data:`JDX_CONTEXT` (top level),
    and whether it named JDX's context."""
    if not isinstance(doc, dict) or "@context" not in doc:
        return doc, False
    ctx = doc["@context"]
    items = ctx if isinstance(ctx, list) else [ctx]
    if not any(isinstance(c, str) and "jobdataexchange." in c for c in items):
        return doc, False
    swapped = [JDX_CONTEXT if isinstance(c, str) and "jobdataexchange." in c else c
               for c in items]
    return {**doc, "@context": swapped if isinstance(ctx, list) else swapped[0]}, True


def _expand(doc: Any, path: Path, notes: Notes) -> tuple[list[dict[str, Any]], bool]:
    """The expanded document (documents without ``@context`` read with schema.org's),
    and whether it is JDX. The one call into :mod:`.jsonld`."""
    if not isinstance(doc, dict | list):
        raise InputError(f"expected a JSON-LD object or array, got {_json_type(doc)}",
                         path=path)
    doc, jdx = _with_jdx(doc)
    default = None if _context_of(doc) is not None else SCHEMA_CONTEXT
    expanded = jsonld.expand(doc, path=path, default_context=default,
                             dropped=lambda name: notes.unused(name))
    return expanded, jdx


def _postings(doc: Any, path: Path, prefix: str, notes: Notes) -> Stream:
    """Every posting in one JSON value (a document, a page's block or a line)."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            if not isinstance(item, dict):
                where = f"{prefix}, [{i}]" if prefix else f"[{i}]"
                yield Rejected(str(path), where, "", "expected a JSON object (a JobPosting), "
                                                     f"got {_json_type(item)}")
        doc = [item for item in doc if isinstance(item, dict)]
    expanded, jdx = _expand(doc, path, notes)
    graph = Graph(expanded)
    nodes = [n for n in walk_nodes(expanded) if is_posting(n)]
    untyped = [n for n in expanded if not n.get("@type") and _posting_shaped(n, graph)]
    if untyped:
        notes.count("untyped object read as a JobPosting", len(untyped))
    found = nodes + [n for n in untyped if not any(n is m for m in nodes)]
    for i, node in enumerate(found, start=1):
        where = _where(prefix, node, i, len(found))
        meta: dict[str, Any] = {"source": source(FORMAT, str(path), where),
                                "standard": "JDX JobSchema+" if jdx or _has_jdx(node)
                                else "schema.org JobPosting"}
        try:
            posting = to_posting(node, graph, meta)
        except RecordFieldError as exc:
            yield Rejected(str(path), where, exc.field, exc.reason)
            continue
        for name in posting.meta.get("unmapped", {}):
            notes.unused(name)
        yield posting


def _posting_shaped(node: dict[str, Any], graph: Graph) -> bool:
    names = {local_name(k) for k in node if not k.startswith("@")}
    return bool(names & {"title", "name"} or "jobDescription" in names) and \
        bool(names & set(_SHAPE))


def _has_jdx(node: dict[str, Any]) -> bool:
    return any(k.startswith(JDX) for k in node) or any(
        t.startswith(JDX) for t in node.get("@type", []) if isinstance(t, str))


def _where(prefix: str, node: dict[str, Any], i: int, total: int) -> str:
    """``line 3`` or ``script 2`` when it holds one posting; else the posting's @id or
    its number in document order after it."""
    if prefix and total == 1:
        return prefix
    label = node_id(node)
    own = f"JobPosting {label}" if label else f"JobPosting {i}"
    return f"{prefix}, {own}" if prefix else own


__all__ = ["FORMAT", "JDX_CONTEXT", "looks_like_jobposting", "read_jobpostings"]
