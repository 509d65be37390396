"""The tables of credentials, postings and needs, and how their rows read back."""

from __future__ import annotations

import json
from typing import Any

from ..errors import NotFoundError

TABLES = {"credential": "credentials", "posting": "postings", "need": "needs"}
OWNED = ("posting", "need")  # the kinds with an owner and a private flag


def table_of(kind: str) -> str:
    """The table of record ``kind``; :class:`NotFoundError` naming the known kinds."""
    try:
        return TABLES[kind]
    except KeyError:
        raise NotFoundError(f"unknown record kind {kind!r} (choose one of "
                            f"{', '.join(TABLES)})") from None


JSON_COLUMNS = frozenset({"occupation_codes", "declared_skills", "required_skills",
                          "preferred_skills", "meta"})


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as callers show it: the JSON columns (lists, ``meta``) decoded."""
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v
            for k, v in row.items()}
