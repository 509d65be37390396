"""What every format reader yields: records the importer takes, or rejections.

A reader turns one input (a JSON-LD document, a feed, a spreadsheet) into a stream of
:class:`~skillmatch.catalog.models.Credential` or ``Posting`` records, each with its
source kept in ``meta`` (``meta["source"]``: the format, the file and where in it), and
a :class:`Rejected` for each record it could not read: the rest of the file goes on.
Readers stream: they yield as they read and never hold a whole large file's records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..catalog.models import Credential, Posting
from ..errors import InputError

Item = Credential | Posting


@dataclass(frozen=True)
class Rejected:
    """A record the reader could not import, and why: ``path`` the file, ``where``
    the record within it (``line 12``, ``@graph[3]``, ``row 5``, or its id), ``field``
    the field at fault (``""`` when the whole record is), ``reason`` what was expected."""

    path: str
    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        at = ", ".join(p for p in (self.path, self.where,
                                   f"field {self.field!r}" if self.field else "") if p)
        return f"{at}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "where": self.where, "field": self.field,
                "reason": self.reason}


class RecordFieldError(InputError):
    """A field of one record that cannot be read: the reader rejects that record (an
    InputError naming the field, for callers of the public helpers that raise it)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason, field=field_name)
        self.field: str = field_name


@dataclass
class Notes:
    """What a reader noticed while reading that is not a rejection: counts of values it
    changed (``"type other"``: an unknown credential type kept as ``other``), and
    fields it did not use, by name."""

    counts: dict[str, int] = field(default_factory=dict)
    unused_fields: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def unused(self, name: str) -> None:
        self.unused_fields[name] = self.unused_fields.get(name, 0) + 1


Stream = Iterator[Item | Rejected]


def source(fmt: str, path: str, where: str, **extra: Any) -> dict[str, Any]:
    """The ``meta["source"]`` every reader sets: the format, the file, the record."""
    return {"format": fmt, "path": path, "where": where, **extra}
