"""Text normalisation shared by storage (label keys) and linking (lexical matching)."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*(?:[.\-'][A-Za-z0-9+#]+)*")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word tokens of ``text`` with their character offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def normalize(label: str) -> str:
    """The lexical key of a label: its tokens, lower-cased, single-spaced."""
    return " ".join(m.group().lower() for m in _TOKEN.finditer(label))
