"""HTML to plain text for linking, and the JSON-LD blocks an HTML page carries.

Job-board descriptions are HTML (schema.org asks for it), and feeds often escape it a
second time (``&lt;p&gt;``). :func:`html_to_text` parses with lxml's HTML parser (no
network, comments and processing instructions removed), drops what is never text
(``script``, ``style``, ``noscript``, ``template``, embedded objects, SVG), decodes
entities, turns block elements into line breaks and list items into ``- `` bullet lines
(``1. `` in ordered lists), so the linker sees one statement a line. Text without any
markup is kept as written, line breaks included. The tree is walked iteratively
(``iterwalk``); markup nested deeper than lxml's limit (256 elements) raises
:class:`HtmlError` instead of losing the text after it.

:func:`ld_json_blocks` returns the text of every ``<script type="application/ld+json">``
of a page, in page order.
"""

from __future__ import annotations

import html
import logging
import re

from lxml import etree
from lxml import html as lxml_html

log = logging.getLogger(__name__)

# Never text: their content is code, styling or embedded media.
_DROPPED = frozenset({
    "script", "style", "noscript", "template", "head", "title", "iframe", "object",
    "embed", "svg", "math", "canvas", "select", "button", "applet", "audio", "video",
})
# Elements that start and end a line of their own.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
})
_MARKUP = re.compile(r"<\s*(?:[a-zA-Z][\w:-]*|/\s*[a-zA-Z][\w:-]*|!--)[^>]*>?")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


class HtmlError(ValueError):
    """HTML that cannot be read whole (nested past the parser's depth limit)."""


def _parser() -> etree.HTMLParser:
    return lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                recover=True, remove_blank_text=False)


def has_markup(text: str) -> bool:
    """True when ``text`` holds an HTML tag or comment."""
    return bool(_MARKUP.search(text))


def _tidy(text: str) -> str:
    """Spaces collapsed in each line, lines stripped, runs of blank lines made one."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def html_to_text(value: str) -> str:
    """The text of an HTML fragment or page, one block a line (see the module docstring).

    Text with no markup is returned with its own line breaks (entities decoded). HTML
    escaped once more than it should be (``&lt;li&gt;``) is unescaped and read as HTML."""
    if not value or not value.strip():
        return ""
    if not has_markup(value):
        decoded = html.unescape(value) if _ENTITY.search(value) else value
        if not has_markup(decoded):
            return _tidy(decoded)
        value = decoded  # escaped HTML: read the markup it spells
    text = _walk(value)
    if has_markup(text) and _ENTITY.search(value):
        # "&lt;p&gt;" inside real markup: the feed escaped its HTML twice
        text = _walk(text)
    return _tidy(text)


def _walk(markup: str) -> str:
    parser = _parser()
    try:
        root = lxml_html.fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:  # an empty document
        log.debug("HTML not parsed (%s)", exc)
        return ""
    _check(parser)
    if root is None:
        return ""
    parts: list[str] = []

    def line_break() -> None:
        if parts and not parts[-1].endswith("\n"):
            parts.append("\n")
    dropped = 0  # depth inside a dropped element
    ordinals: list[int | None] = []  # per open list: next number (ol) or None (ul)
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if dropped or tag in _DROPPED:
                dropped += 1
                continue
            if tag in ("ul", "ol", "menu"):
                ordinals.append(1 if tag == "ol" else None)
            if tag == "br":
                parts.append("\n")
            elif tag == "li":
                line_break()
                n = ordinals[-1] if ordinals else None
                parts.append(f"{n}. " if n is not None else "- ")
                if n is not None:
                    ordinals[-1] = n + 1
            elif tag in _BLOCKS:
                line_break()
            if el.text:
                parts.append(el.text)
        else:
            if dropped:
                dropped -= 1
                if dropped == 0 and el.tail:
                    parts.append(el.tail)
                continue
            if tag in ("ul", "ol", "menu") and ordinals:
                ordinals.pop()
            if tag in _BLOCKS or tag in ("ul", "ol", "menu"):
                line_break()
            if el.tail and el is not root:
                parts.append(el.tail)
    return "".join(parts)


def _check(parser: etree.HTMLParser) -> None:
    """Raise :class:`HtmlError` when the parser stopped early at a resource limit."""
    for error in parser.error_log:
        if error.level_name == "FATAL" and "ERR_RESOURCE_LIMIT" in error.type_name:
            raise HtmlError(f"HTML nested too deeply to read whole ({error.message.strip()})")


_LD_JSON = "application/ld+json"
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")


def ld_json_blocks(page: str | bytes) -> list[str]:
    """The text of each ``<script type="application/ld+json">`` in ``page``, in order
    (a ``<!-- -->`` or CDATA wrapper around the JSON removed)."""
    parser = _parser()
    try:
        root = lxml_html.fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    _check(parser)
    if root is None:
        return []
    out: list[str] = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").split(";", 1)[0].strip().lower()
        if kind == _LD_JSON:
            out.append(_WRAPPER.sub("", script.text or "").strip())
    return out


def plain_text(value: str, field_name: str) -> str:
    """:func:`html_to_text`, markup too deep to read rejecting the record by
    ``field_name`` (:class:`~.base.RecordFieldError`)."""
    from .base import RecordFieldError

    try:
        return html_to_text(value)
    except HtmlError as exc:
        raise RecordFieldError(field_name, str(exc)) from None
