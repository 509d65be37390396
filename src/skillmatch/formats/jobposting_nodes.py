"""Reading expanded JSON-LD nodes of schema.org and JDX JobSchema+ by property name.

After expansion (:mod:`skillmatch.formats.jobposting`), every property is a full IRI and
every value a list of value objects (``{"@value": ...}``) or node objects. A
:class:`Graph` indexes the nodes of one document by ``@id`` (so a posting's
``hiringOrganization`` given as a reference is found), and reads a property by its local
name in the schema.org namespace (``http`` or ``https``) or JDX's
(``http://purl.org/jdx/terms/``), or as a key the document's context left undefined. It also:

- picks one text among several languages (English first, then untagged, then the
  first), keeping the others;
- reads a *language map* written where the context declares none
  (``"title": {"en-US": "...", "es": "..."}``: JSON-LD reads it as a node whose
  properties are ``schema:en-US``...; real JDX files do this) as the texts it holds;
- turns what was not mapped back into plain JSON (local names) to keep in ``meta``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .jsonld import UNDEFINED

SCHEMA = ("http://schema.org/", "https://schema.org/")
JDX = ("http://purl.org/jdx/terms/", "https://purl.org/jdx/terms/")
NAMESPACES = SCHEMA + JDX + (UNDEFINED,)
"""Where a property is read by local name: schema.org, JDX, then a key the document's
own context left undefined (:data:`skillmatch.formats.jsonld.UNDEFINED`)."""
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_PREFERRED_LANG = "en"
MAX_PLAIN_DEPTH = 12
_PYLD_BASE = "http://example.org/base/"  # pyld's DEFAULT_BASE_IRI


def local_name(iri: str) -> str:
    """``http://schema.org/title`` -> ``title`` (other IRIs are returned whole)."""
    for ns in NAMESPACES:
        if iri.startswith(ns):
            return iri[len(ns):]
    return iri


def node_id(node: dict[str, Any]) -> str:
    """The node's ``@id`` as the document wrote it ("" for none or a blank node). pyld
    resolves a relative ``@id`` (``"id": "feed-10001"`` in a feed) against its
    placeholder base; that base is taken off again."""
    found = node.get("@id")
    if not isinstance(found, str) or found.startswith("_:"):
        return ""
    return found.removeprefix(_PYLD_BASE)


def type_names(node: dict[str, Any]) -> list[str]:
    """The node's types by local name (``JobPosting``, ``Organization``...)."""
    types = node.get("@type", [])
    return [local_name(t) for t in types if isinstance(t, str)]


def is_node(value: Any) -> bool:
    return isinstance(value, dict) and "@value" not in value and "@list" not in value


def walk_nodes(expanded: Any) -> Iterator[dict[str, Any]]:
    """Every node object in an expanded document, depth first, in document order
    (iteratively: a deep document cannot exhaust the stack)."""
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@list" in item:
                stack.append(item["@list"])
                continue
            if "@value" in item:
                continue
            yield item
            children = [v for k, v in item.items() if k not in ("@id", "@type")]
            stack.extend(reversed(children))


class Graph:
    """The nodes of one expanded document, and property access by local name."""

    def __init__(self, expanded: list[Any]) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        for node in walk_nodes(expanded):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                known = self.by_id.get(node_id)
                self.by_id[node_id] = {**known, **node} if known else node

    def values(self, node: dict[str, Any], name: str) -> list[Any]:
        """The values of property ``name`` (local name) in any of our namespaces,
        with ``@list`` values unwrapped."""
        out: list[Any] = []
        for ns in NAMESPACES:
            for value in node.get(ns + name, ()):
                if isinstance(value, dict) and "@list" in value:
                    out.extend(value["@list"])
                else:
                    out.append(value)
        return out

    def resolve(self, value: Any) -> dict[str, Any] | None:
        """The node a value stands for: a node object (a bare ``{"@id"}`` reference
        looked up in the document), or a literal naming a node's ``@id``."""
        if isinstance(value, dict):
            if "@value" in value:
                literal = value["@value"]
                return self.by_id.get(literal) if isinstance(literal, str) else None
            if "@list" in value:
                return None
            node_id = value.get("@id")
            if set(value) == {"@id"} and isinstance(node_id, str):
                return self.by_id.get(node_id, value)
            return value
        return None

    def node_of(self, value: Any) -> dict[str, Any] | None:
        """The node a value is, with properties to read; None for text (a literal, a
        language map, a reference to nothing in the document)."""
        found = self.resolve(value)
        if found is None or set(found) == {"@id"} or language_map(found) is not None:
            return None
        return found

    def nodes(self, node: dict[str, Any], name: str) -> list[dict[str, Any]]:
        """The node values of ``name``, references resolved."""
        out = []
        for value in self.values(node, name):
            found = self.node_of(value)
            if found is not None:
                out.append(found)
        return out

    def texts(self, values: Iterable[Any]) -> list[tuple[str, str]]:
        """``(text, language)`` of each literal value ("" when untagged); a language
        map written as a node gives its texts, a bare reference its IRI."""
        out: list[tuple[str, str]] = []
        for value in values:
            if not isinstance(value, dict):
                continue
            if "@value" in value:
                literal = value["@value"]
                if isinstance(literal, bool) or literal is None:
                    continue
                out.append((str(literal).strip(), str(value.get("@language", ""))))
            elif (langs := language_map(value)) is not None:
                out.extend(langs)
            elif set(value) == {"@id"}:
                out.append((str(value["@id"]), ""))
        return [(t, lang) for t, lang in out if t]

    def text(self, node: dict[str, Any], *names: str) -> tuple[str, dict[str, str]]:
        """The first of ``names`` that has text: the text in the preferred language,
        and the other languages' texts (``{lang: text}``)."""
        for name in names:
            found = self.texts(self.values(node, name))
            if found:
                return pick_language(found)
        return "", {}

    def all_texts(self, node: dict[str, Any], name: str) -> list[str]:
        """Every literal of ``name`` in the preferred language (or untagged)."""
        found = self.texts(self.values(node, name))
        langs = {lang for _, lang in found}
        if len(langs) <= 1:
            return [t for t, _ in found]
        best = _best_language(langs)
        return [t for t, lang in found if lang == best]


def language_map(value: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The texts of a language map JSON-LD read as a node (no ``@type``, every
    property a language tag in the schema.org or JDX namespace holding text)."""
    keys = [k for k in value if k != "@id"]
    if not keys or "@type" in value or "@id" in value:
        return None
    out: list[tuple[str, str]] = []
    for key in keys:
        tag = local_name(key)
        if tag == key or not _LANG_TAG.match(tag):
            return None
        for item in value[key]:
            if not (isinstance(item, dict) and "@value" in item):
                return None
            out.append((str(item["@value"]).strip(), tag))
    return out


def _best_language(langs: set[str]) -> str:
    for lang in sorted(langs):
        if lang.lower() == _PREFERRED_LANG or lang.lower().startswith(_PREFERRED_LANG + "-"):
            return lang
    if "" in langs:
        return ""
    return sorted(langs)[0]


def pick_language(found: list[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The text in the preferred language and the others by language tag."""
    langs = {lang for _, lang in found}
    best = _best_language(langs) if len(langs) > 1 else found[0][1]
    chosen = next(t for t, lang in found if lang == best)
    others = {lang or "und": t for t, lang in found if lang != best}
    return chosen, others


def plain(value: Any, graph: Graph | None = None, depth: int = 0) -> Any:
    """An expanded value as plain JSON with local names (for ``meta``): literals as
    themselves, languages as ``{lang: text}``, nodes as dicts, single lists unwrapped."""
    if depth > MAX_PLAIN_DEPTH:
        return "..."
    if isinstance(value, list):
        items = [plain(v, graph, depth + 1) for v in value]
        return items[0] if len(items) == 1 else items
    if not isinstance(value, dict):
        return value
    if "@value" in value:
        if "@language" in value:
            return {value["@language"]: value["@value"]}
        return value["@value"]
    if "@list" in value:
        return [plain(v, graph, depth + 1) for v in value["@list"]]
    langs = language_map(value)
    if langs is not None:
        return {lang: text for text, lang in langs}
    if graph is not None and set(value) == {"@id"}:
        value = graph.by_id.get(value["@id"], value)
        if set(value) == {"@id"}:
            return value["@id"]
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@type":
            names = [local_name(t) for t in item]
            out["@type"] = names[0] if len(names) == 1 else names
        elif key == "@id":
            out["@id"] = node_id(value) or item
        elif not key.startswith("@"):
            out[local_name(key)] = plain(item, graph if depth < 2 else None, depth + 1)
    return out
