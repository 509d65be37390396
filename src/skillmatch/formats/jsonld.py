"""JSON-LD for every JSON-LD reader: an offline document loader, expansion, and
reading values out of expanded documents.

Readers never match compact keys: they expand a document with `pyld
<https://github.com/digitalbazaar/pyld>`_ and read properties by their full IRI, so
``"name"`` under the Open Badges 3.0 context, ``"ceterms:name"`` under CTDL's and
``"https://schema.org/name"`` written out all read the same.

Contexts are never fetched. :func:`load_document` serves, from package data:

- Open Badges 3.0 (``context-3.0.x.json``, ``context.json``, ``extensions.json``) and
  the W3C Verifiable Credentials 2.0 context: the published documents, pinned and
  shipped by the ``openbadgeslib`` package;
- W3C Verifiable Credentials 1.1 and Open Badges 2.0: the published documents, vendored
  from package registries into ``contexts/published/`` with their source, version,
  licence and SHA-256 in ``contexts/published/SOURCES.json``
  (``scripts/vendor_contexts.py``);
- CTDL (``ceterms`` / ``ceasn``) and schema.org, which no package registry carries:
  skillmatch's own subsets under ``contexts/`` (see ``contexts/README.md``: they define
  the terms we read, mapped to the IRIs the published contexts use).

Any other remote context raises :class:`~skillmatch.errors.InputError` naming it.

Expansion runs with a fallback vocabulary (:data:`UNDEFINED`): a key no context defines
expands to ``UNDEFINED + key`` instead of being dropped, so readers can report it (see
:func:`undefined_terms`) and, where a document forgot a ``type`` that scopes its terms,
still read it by name (:func:`loose`).
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

log = logging.getLogger(__name__)

UNDEFINED = "urn:skillmatch:undefined-term:"
"""The fallback vocabulary: a term no context defines expands to this + the term."""
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"
"""Where some VC 2.0 context versions send undefined terms (read like :data:`UNDEFINED`)."""

SCHEMA = "http://schema.org/"
"""schema.org's IRIs as its own context (and Open Badges 2.0, CTDL) write them."""
SCHEMA_HTTPS = "https://schema.org/"
"""schema.org's IRIs as the Open Badges 3.0 and VC 2.0 contexts write them."""

MAX_DEPTH = 64
"""Documents nested deeper than this are refused before expansion (a guard against
stack exhaustion; no real credential document nests half as deep)."""

_OWN = {
    "https://credreg.net/ctdl/schema/context/json": "ctdl.json",
    "https://credreg.net/ctdlasn/schema/context/json": "ctdl.json",
    "https://schema.org": "schema-org.json",
    "https://schema.org/docs/jsonldcontext.json": "schema-org.json",
    "https://schema.org/docs/jsonldcontext.jsonld": "schema-org.json",
}
"""Context URLs served from skillmatch's own subsets (after :func:`_normal_url`)."""


def _normal_url(url: str) -> str:
    """``http://schema.org/`` and ``https://schema.org`` are one context: scheme to
    https, no trailing ``/`` or ``#``."""
    url = url.strip()
    if url.startswith("http://"):
        url = "https://" + url[len("http://"):]
    return url.rstrip("/#")


@cache
def _own_text(name: str) -> str:
    return resources.files(__package__).joinpath("contexts", name).read_text("utf-8")


def _own_context(name: str) -> dict[str, Any]:
    """A fresh copy each call (pyld caches what it resolves; nobody shares a dict)."""
    doc: dict[str, Any] = json.loads(_own_text(name))
    return doc


@cache
def published_sources() -> dict[str, dict[str, Any]]:
    """The vendored published contexts by URL (normalised): their manifest entries."""
    manifest = json.loads(_own_text("published/SOURCES.json"))
    return {_normal_url(url): entry for entry in manifest["documents"] for url in entry["urls"]}


def _openbadges_context(url: str) -> dict[str, Any] | None:
    """The published OB 3.0 / VC 2.0 context for ``url`` from openbadgeslib, or None."""
    from openbadgeslib.ob3.contexts import UnknownContextError, load_context

    for candidate in dict.fromkeys((url, _normal_url(url), _normal_url(url) + "/")):
        try:
            return load_context(candidate)
        except UnknownContextError:
            continue
    return None


def known_contexts() -> list[str]:
    """The context URLs :func:`load_document` serves (for messages and docs)."""
    from openbadgeslib.ob3.contexts import bundled_contexts

    return sorted(set(_OWN) | set(published_sources()) | set(bundled_contexts()))


def context_document(url: str) -> dict[str, Any]:
    """The context document served for ``url``; InputError for any other URL."""
    published = published_sources().get(_normal_url(url))
    if published is not None:
        return _own_context(f"published/{published['file']}")
    own = _OWN.get(_normal_url(url))
    if own is not None:
        return _own_context(own)
    if "imsglobal.org" in url or "w3.org/ns/credentials" in url or "w3id.org" in url:
        found = _openbadges_context(url)
        if found is not None:
            return found
    raise InputError(
        f"remote JSON-LD context {url!r} is not one skillmatch ships, and contexts are "
        "never fetched (expected one of: Open Badges 2.0/3.0, Verifiable Credentials "
        "1.1/2.0, CTDL, schema.org)", field="@context")


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's ``documentLoader``: the shipped context for ``url``, never a fetch."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests (objects and arrays), counting no further than
    ``limit + 1``; iterative, so any depth is safe to measure."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > limit:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _cause(exc: BaseException) -> InputError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, InputError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def expand(doc: Any, *, path: str | Path | None = None,
           default_context: str | dict[str, Any] | None = None,
           dropped: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """``doc`` expanded: a list of node objects (top-level ``@graph`` unwrapped).

    ``default_context``: the context (a URL or an object) for a document without
    ``@context`` (for feeds of schema.org-shaped objects that leave it out).
    ``dropped`` is told each property pyld drops (with the fallback vocabulary only
    invalid keys are). Raises InputError naming ``path`` and the field: an unknown
    remote context (``@context``), a document nested past :data:`MAX_DEPTH`, or
    anything pyld refuses.
    """
    from pyld import jsonld as pyld_jsonld

    if not isinstance(doc, dict | list):
        raise InputError(f"expected a JSON-LD object, got {type(doc).__name__}", path=path)
    if depth(doc) > MAX_DEPTH:
        raise InputError(f"nested deeper than {MAX_DEPTH} levels (expected a credential "
                         "document, not arbitrarily deep JSON)", path=path)
    base_ctx: list[Any] = [{"@vocab": UNDEFINED}]
    if default_context is not None:
        base_ctx.append(default_context)
    options = {"documentLoader": load_document, "expandContext": {"@context": base_ctx},
               "base": ""}
    try:
        result = pyld_jsonld.expand(doc, options,
                                    on_property_dropped=lambda p: dropped and dropped(p or ""))
    except RecursionError:
        raise InputError("nested too deeply to expand", path=path) from None
    except Exception as exc:  # pyld raises JsonLdError, and lets some TypeErrors through
        own = _cause(exc)
        if own is not None:
            raise InputError(own.reason, path=path, field=own.field) from exc
        code = getattr(exc, "code", None) or type(exc).__name__
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
        raise InputError(f"not valid JSON-LD ({code}: {message})", path=path,
                         field="@context") from exc
    return [node for node in result if isinstance(node, dict)]


# --- the documents of a file ------------------------------------------------------


def read_documents(path: Path, *, accept_text: Callable[[str], bool] | None = None
                   ) -> Iterator[tuple[str, Any]]:
    """Each document of a JSON-LD file, as ``(where, value)``: one document (``where``
    ``""``), a JSON array of them (``[0]``, ``[1]``, ...) or JSON Lines (``line 3``).

    ``value`` is the parsed JSON; a line (or a whole file) that is not JSON but that
    ``accept_text`` accepts (a compact JWT) comes as the text; one that cannot be read
    comes as an :class:`InputError` naming the file and the line, and reading goes on
    with the next line. JSON Lines are read a line at a time; a single document or an
    array is parsed whole.
    """
    try:
        with path.open(encoding="utf-8-sig") as f:
            yield from _documents(f, path, accept_text)
    except UnicodeDecodeError as exc:
        yield "", InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path)
    except OSError as exc:
        yield "", InputError(f"cannot read the file ({exc.strerror or exc})", path=path)


def _parse(text: str, path: Path, line: int | None,
           accept_text: Callable[[str], bool] | None) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        return InputError("JSON nested too deeply to read", path=path, line=line)
    except json.JSONDecodeError as exc:
        stripped = text.strip()
        if accept_text is not None and accept_text(stripped):
            return stripped
        column = exc.pos + 1 if line is not None else exc.colno
        return InputError(f"invalid JSON: {exc.msg} (column {column})", path=path,
                          line=line if line is not None else exc.lineno)


def _documents(f: Any, path: Path, accept_text: Callable[[str], bool] | None
               ) -> Iterator[tuple[str, Any]]:
    head: list[str] = []
    first_no = 0
    for number, line in enumerate(f, start=1):
        head.append(line)
        if line.strip():
            first_no = number
            break
    if not first_no:
        yield "", InputError("empty file (expected a JSON-LD document, an array of them "
                             "or JSON Lines)", path=path)
        return
    first = head[-1]
    value = _parse(first, path, first_no, accept_text)
    if not isinstance(value, InputError):
        second: tuple[int, str] | None = None
        for number, line in enumerate(f, start=first_no + 1):
            if line.strip():
                second = (number, line)
                break
        if second is None:  # the whole file was one line
            yield from _one(value)
            return
        yield f"line {first_no}", value
        yield f"line {second[0]}", _parse(second[1], path, second[0], accept_text)
        yield from _lines(f, second[0] + 1, path, accept_text)
        return
    whole = "".join(head) + f.read()
    parsed = _parse(whole, path, None, accept_text)
    if isinstance(parsed, InputError) and first.rstrip().endswith("}"):
        # a complete-looking first line that is bad JSON: JSON Lines with a bad line
        yield f"line {first_no}", value
        yield from _lines(io.StringIO(whole[len("".join(head)):]), first_no + 1, path,
                          accept_text)
        return
    yield from _one(parsed)


def _lines(f: Any, start: int, path: Path, accept_text: Callable[[str], bool] | None
           ) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(f, start=start):
        if line.strip():
            yield f"line {number}", _parse(line, path, number, accept_text)


def _one(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield f"[{i}]", item
    else:
        yield "", value


# --- reading expanded documents -------------------------------------------------------


def loose(term: str) -> str:
    """The IRI a term no context defines expands to: read it by name where a document
    left out the ``type`` that would have defined it."""
    return UNDEFINED + term


def _entries(node: dict[str, Any], iris: Iterable[str]) -> Iterator[Any]:
    for iri in iris:
        for entry in node.get(iri, ()):
            if isinstance(entry, dict) and "@list" in entry:
                yield from entry["@list"]
            else:
                yield entry


def _scalar(entry: Any) -> Any:
    if isinstance(entry, dict):
        if "@value" in entry:
            return entry["@value"]
        if "@id" in entry and len(entry) == 1:
            return entry["@id"]
        return None
    return entry


def values(node: dict[str, Any], *iris: str) -> list[Any]:
    """Every value of the properties ``iris`` as plain JSON: literals (``@value``) and
    references (``@id``) as themselves; embedded nodes left out (see :func:`nodes`)."""
    return [v for v in (_scalar(e) for e in _entries(node, iris)) if v is not None]


def first(node: dict[str, Any], *iris: str) -> Any:
    """The first value of the first of ``iris`` that has one (see :func:`values`)."""
    for iri in iris:
        found = values(node, iri)
        if found:
            return found[0]
    return None


def _by_language(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of the preferred language: English (``en``, ``en-US``, ...), then
    those without a language, then the first language given."""
    if not entries:
        return []
    english = [e for e in entries if str(e.get("@language", "")).lower().split("-")[0] == "en"]
    if english:
        return english
    plain = [e for e in entries if "@language" not in e]
    if plain:
        return plain
    lang = entries[0].get("@language")
    return [e for e in entries if e.get("@language") == lang]


def _literals(node: dict[str, Any], iris: Iterable[str]) -> list[dict[str, Any]]:
    return [e for e in _entries(node, iris) if isinstance(e, dict) and "@value" in e]


def texts(node: dict[str, Any], *iris: str) -> list[str]:
    """The text values of ``iris`` in the preferred language (a language map read as
    English, then untagged, then any one language), stripped, blanks left out."""
    chosen = _by_language(_literals(node, iris))
    out = [str(e["@value"]).strip() for e in chosen]
    return [t for t in out if t]


def text(node: dict[str, Any], *iris: str) -> str:
    """The first text of :func:`texts`, or ``""``."""
    found = texts(node, *iris)
    return found[0] if found else ""


def languages(node: dict[str, Any], *iris: str) -> dict[str, str]:
    """Each language's first text of ``iris`` (``""`` for untagged text)."""
    out: dict[str, str] = {}
    for entry in _literals(node, iris):
        lang = str(entry.get("@language", ""))
        value = str(entry["@value"]).strip()
        if value and lang not in out:
            out[lang] = value
    return out


def ids(node: dict[str, Any], *iris: str) -> list[str]:
    """The ``@id`` of each value of ``iris`` that is a reference or an embedded node."""
    return [e["@id"] for e in _entries(node, iris) if isinstance(e, dict) and "@id" in e]


def nodes(node: dict[str, Any], *iris: str) -> list[dict[str, Any]]:
    """The node objects among the values of ``iris`` (embedded or bare references)."""
    return [e for e in _entries(node, iris) if isinstance(e, dict) and "@value" not in e]


def types(node: dict[str, Any]) -> list[str]:
    """The node's ``@type`` IRIs."""
    found = node.get("@type", [])
    return [found] if isinstance(found, str) else [t for t in found if isinstance(t, str)]


def node_id(node: dict[str, Any]) -> str:
    """The node's ``@id``, or ``""`` (a blank node without one)."""
    found = node.get("@id")
    return found if isinstance(found, str) else ""


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``Certificate`` of ``https://purl.org/ctdl/terms/
    Certificate`` or of ``...vocab.html#Certificate`` or ``deliveryType:InPerson``'s
    ``InPerson``."""
    return re.split(r"[#/:]", iri.rstrip("/#"))[-1]


def undefined_terms(node: dict[str, Any]) -> list[str]:
    """The keys of ``node`` that no context defined (expanded with the fallback vocabulary)."""
    out = []
    for key in node:
        for prefix in (UNDEFINED, ISSUER_DEPENDENT):
            if key.startswith(prefix):
                out.append(key[len(prefix):])
    return out


def plain(entries: Any) -> Any:
    """An expanded value made plain JSON for ``meta``: literals and references as
    themselves, nodes as ``{local name: value}``, one value unwrapped from its list."""
    if isinstance(entries, list):
        out = [plain(e) for e in entries]
        return out[0] if len(out) == 1 else out
    if isinstance(entries, dict):
        scalar = _scalar(entries)
        if scalar is not None:
            return scalar
        if "@list" in entries:
            return [plain(e) for e in entries["@list"]]
        result: dict[str, Any] = {}
        for key, value in entries.items():
            if key == "@id":
                result["id"] = value
            elif key == "@type":
                result["type"] = [local_name(t) for t in types(entries)]
            elif not key.startswith("@"):
                result[local_name(key)] = plain(value)
        return result
    return entries
