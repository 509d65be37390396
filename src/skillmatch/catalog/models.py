"""The catalogue's records, validated field by field.

Each ``parse_*`` turns one row of a CSV or JSON Lines file into a record, or
raises :class:`InputError` naming the file, line and field and what was
expected. List fields are JSON lists, or ``|``-separated text in CSV.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..errors import InputError

CREDENTIAL_TYPES = (
    "badge", "certificate", "certification", "course", "program", "license", "apprenticeship",
    "degree", "other",
)
"""``other``: a type no other name fits (format readers keep the original in ``meta``)."""
DELIVERY_MODES = ("online", "in person", "hybrid")


@dataclass
class Credential:
    id: str
    title: str
    provider: str = ""
    type: str = ""
    description: str = ""
    skills: list[str] = field(default_factory=list)  # declared: taxonomy ids or free text
    level: str = ""
    hours: float | None = None
    cost: float | None = None
    delivery: str = ""
    region: str = ""
    url: str = ""
    occupation_codes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The title on its own line (read as a title: see linking/document.py), then
        the description."""
        return f"{self.title}\n{self.description}".strip()


@dataclass
class Posting:
    id: str
    title: str
    employer: str = ""
    description: str = ""
    region: str = ""
    date_posted: str | None = None
    openings: int = 1
    occupation_code: str = ""
    skills: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The title on its own line (read as a title: see linking/document.py), then
        the description."""
        return f"{self.title}\n{self.description}".strip()


@dataclass
class Need:
    id: str
    employer: str
    role: str = ""
    occupation_code: str = ""
    required_skills: list[str] = field(default_factory=list)
    preferred_skills: list[str] = field(default_factory=list)
    openings: int = 1
    region: str = ""
    date: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


Record = Credential | Posting | Need


def content_hash(record: Record) -> str:
    """A stable hash of everything in the record (re-imports skip unchanged ones)."""
    blob = json.dumps(asdict(record), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class _Row:
    """Typed access to one input row, with errors that point at the field."""

    def __init__(self, row: dict[str, Any], path: str, line: int) -> None:
        self.row, self.path, self.line = row, path, line

    def fail(self, field_name: str, message: str) -> InputError:
        return InputError(message, path=self.path, line=self.line, field=field_name)

    def text(self, key: str, required: bool = False) -> str:
        value = self.row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(key, "required value is missing or empty")
            return ""
        if isinstance(value, (dict, list)):
            raise self.fail(key, f"expected text, got {type(value).__name__}")
        return str(value).strip()

    def items(self, key: str) -> list[str]:
        value = self.row.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split("|") if v.strip()]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        raise self.fail(key, "expected a list of strings (or |-separated text)")

    def number(self, key: str, *, minimum: float = 0.0) -> float | None:
        value = self.row.get(key)
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(key, f"{value!r} is not a number") from None
        if math.isnan(number) or number < minimum:
            raise self.fail(key, f"{value!r} is negative (expected a number >= {minimum:g})")
        return number

    def count(self, key: str, default: int = 1) -> int:
        number = self.number(key, minimum=1)
        if number is None:
            return default
        if number != int(number):
            raise self.fail(key, f"{self.row.get(key)!r} is not a whole number")
        return int(number)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key).lower()
        if value and value not in choices:
            raise self.fail(key, f"{value!r} is not one of: {', '.join(choices)}")
        return value

    def iso_date(self, key: str) -> str | None:
        value = self.text(key)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            raise self.fail(key, f"{value!r} is not a date (expected YYYY-MM-DD)") from None

    def extras(self, known: set[str]) -> dict[str, Any]:
        return {k: v for k, v in self.row.items() if k not in known and v not in (None, "")}


def parse_credential(row: dict[str, Any], path: str, line: int) -> Credential:
    r = _Row(row, path, line)
    known = {f for f in Credential.__dataclass_fields__} - {"meta"}
    return Credential(
        id=r.text("id", required=True),
        title=r.text("title", required=True),
        provider=r.text("provider"),
        type=r.choice("type", CREDENTIAL_TYPES),
        description=r.text("description"),
        skills=r.items("skills"),
        level=r.text("level"),
        hours=r.number("hours"),
        cost=r.number("cost"),
        delivery=r.choice("delivery", DELIVERY_MODES),
        region=r.text("region"),
        url=r.text("url"),
        occupation_codes=r.items("occupation_codes"),
        meta=r.extras(known),
    )


def parse_posting(row: dict[str, Any], path: str, line: int) -> Posting:
    r = _Row(row, path, line)
    known = {f for f in Posting.__dataclass_fields__} - {"meta"}
    return Posting(
        id=r.text("id", required=True),
        title=r.text("title", required=True),
        employer=r.text("employer"),
        description=r.text("description"),
        region=r.text("region"),
        date_posted=r.iso_date("date_posted"),
        openings=r.count("openings"),
        occupation_code=r.text("occupation_code"),
        skills=r.items("skills"),
        meta=r.extras(known),
    )


def parse_need(row: dict[str, Any], path: str, line: int) -> Need:
    r = _Row(row, path, line)
    known = {f for f in Need.__dataclass_fields__} - {"meta"}
    need = Need(
        id=r.text("id"),
        employer=r.text("employer", required=True),
        role=r.text("role"),
        occupation_code=r.text("occupation_code"),
        required_skills=r.items("required_skills"),
        preferred_skills=r.items("preferred_skills"),
        openings=r.count("openings"),
        region=r.text("region"),
        date=r.iso_date("date"),
        meta=r.extras(known),
    )
    if not need.required_skills and not need.preferred_skills:
        raise r.fail("required_skills", "a need names at least one required or preferred skill")
    if not need.id:
        need.id = "need:" + content_hash(need)[:12]
    return need


PARSERS = {"credential": parse_credential, "posting": parse_posting, "need": parse_need}


def cost_text(cost: float | None, unknown: str = "unknown") -> str:
    """How a credential's cost reads: ``unknown`` when none was given (None: never
    free, never $0), ``free`` for 0, else dollars."""
    if cost is None:
        return unknown
    return "free" if cost == 0 else f"${cost:,.0f}"


def hours_text(hours: float | None, unknown: str = "unknown") -> str:
    """How a credential's hours read: ``unknown`` when none were given, else ``N h``."""
    return unknown if hours is None else f"{hours:g} h"
