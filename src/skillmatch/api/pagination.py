"""Cursor pagination: an opaque cursor (where the last page ended, for one resource),
a ``limit`` with a maximum, and the list's ``total``; pages in a stable order (by id)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..errors import InputError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(kind: str, after: int) -> str:
    raw = json.dumps({"k": kind, "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> int:
    """The position ``cursor`` continues after (0 without one); an :class:`InputError`
    naming ``cursor`` for one that is not this list's."""
    if not cursor:
        return 0
    try:
        data: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = data["a"]
        if data["k"] != kind or not isinstance(after, int) or after < 0:
            raise ValueError(cursor)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InputError(f"not a cursor of this list of {kind}s (pass the next_cursor of "
                         "a page as it is)", field="cursor") from None
    return after
