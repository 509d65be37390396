"""A column mapping bound to one file's headers and applied to its rows.

:meth:`BoundMapping.bind` checks the mapping against the headers once (every column
found, every field known to the record kind, sums only of numbers, lists only in list
fields) and raises :class:`InputError` naming the entry; :meth:`BoundMapping.apply`
turns one row into field values and ``meta`` and raises :class:`FieldError` naming the
field, the columns and the value it could not read.

What a field's parser gives goes to the record, the rest to ``meta`` beside it: a
cost's range as ``cost_range`` ``[min, max]``, ``cost_free_audit``, ``cost_note``; a
duration's ``hours_range``, ``hours_weeks`` and ``hours_rule``; the cell's text as
``cost_text`` / ``hours_text`` when it was not a plain number; an unknown credential
type as ``original_type`` (the type ``other``), an unknown delivery as
``original_delivery`` (no delivery). The same for ``meta.NAME`` entries (``NAME_range``).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog.models import CREDENTIAL_TYPES, DELIVERY_MODES
from ..errors import InputError
from .base import Notes, RecordFieldError
from .mapping import (
    SUMMABLE,
    Call,
    Column,
    Entry,
    Expr,
    Items,
    Join,
    Literal,
    Mapping,
    Sum,
    columns_of,
    quote,
    value_key,
)
from .values import (
    Cost,
    Duration,
    cell_text,
    credential_type,
    delivery_mode,
    parse_cip_code,
    parse_cost,
    parse_date,
    parse_duration,
    parse_integer,
    parse_number,
    parse_onet_code,
    parse_weeks,
    repair_text,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What a record field takes: its parser, whether it holds a list, the separator
    ``~`` joins with, and whether its text is one line."""

    parser: str = "text"
    many: bool = False
    sep: str = ", "
    oneline: bool = True


_COMMON = {"id": Target(sep=":"), "title": Target(), "region": Target(sep="-"),
           "description": Target(sep="\n", oneline=False), "skills": Target(many=True)}
TARGETS: dict[str, dict[str, Target]] = {
    "credentials": {**_COMMON, "provider": Target(), "type": Target("type"),
                    "level": Target(), "hours": Target("hours"), "cost": Target("cost"),
                    "delivery": Target("delivery"), "url": Target(sep=""),
                    "occupation_codes": Target("onet", many=True)},
    "postings": {**_COMMON, "employer": Target(), "date_posted": Target("date"),
                 "openings": Target("integer"), "occupation_code": Target("onet")},
}
META = Target(oneline=False)
MISSING = ("n/a", "na", "#n/a", "null", "-", "--", "—")
"""Cell texts read as empty in every file (``options.missing`` adds more)."""
_SPLIT = {"onet": re.compile(r"[,;|\n]"), "cip": re.compile(r"[,;|\n]")}
_SPLIT_TEXT = re.compile(r"[;|\n]")


class FieldError(RecordFieldError):
    """A row's field could not be read: ``field``, the ``columns`` it came from, why
    (the reader rejects that row)."""

    def __init__(self, field: str, columns: Sequence[str], reason: str) -> None:
        self.columns = tuple(dict.fromkeys(columns))
        where = " + ".join(quote(c) for c in self.columns)
        super().__init__(field, f"{reason} (column {where})" if where else reason)


@dataclass
class _Typed:
    """A value a function already parsed (``cost("A")``): not parsed again."""

    value: Any
    extras: dict[str, Any]


Value = tuple[Any, tuple[str, ...]]  # a value and the columns it came from


def _read(parser: str, value: Any, notes: Notes) -> tuple[Any, dict[str, Any]]:
    """One value through one parser: (what it reads as, what goes to meta beside it)."""
    if parser == "cost":
        return parse_cost(value), {}
    if parser == "hours":
        return parse_duration(value), {}
    if parser == "weeks":
        return parse_weeks(value), {}
    if parser == "number":
        return parse_number(value), {}
    if parser == "integer":
        return parse_integer(value), {}
    if parser == "date":
        return parse_date(value), {}
    if parser == "onet":
        return parse_onet_code(value), {}
    if parser == "cip":
        return parse_cip_code(value), {}
    text = cell_text(value)
    if parser == "delivery" and text:
        mode = delivery_mode(text)
        if mode is None:
            notes.count("delivery not recognised (kept as original_delivery)")
            return "", {"original_delivery": text}
        return mode, {}
    if parser == "type" and text:
        kind = credential_type(text)
        if kind is None:
            notes.count("type other")
            return "other", {"original_type": text}
        return kind, {}
    return text or None, {}


def _store(key: str, obj: Any, text: str | None) -> tuple[Any, dict[str, Any]]:
    """A parsed value as the record keeps it, and what goes to meta as ``KEY_*``."""
    extras: dict[str, Any] = {}
    if isinstance(obj, (Cost, Duration)):
        if obj.minimum != obj.maximum:
            extras[f"{key}_range"] = [obj.minimum, obj.maximum]
        if isinstance(obj, Cost):
            if obj.free_audit:
                extras[f"{key}_free_audit"] = True
            if obj.note:
                extras[f"{key}_note"] = obj.note
        else:
            if obj.weeks is not None:
                extras[f"{key}_weeks"] = obj.weeks
            if obj.rule != "hours":
                extras[f"{key}_rule"] = obj.rule
        if text is not None and _plain_number(text) is None:
            extras[f"{key}_text"] = text
        return obj.minimum, extras
    return obj, extras


def _plain_number(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


class BoundMapping:
    """A mapping checked against one file's headers; apply it to each row."""

    def __init__(self, mapping: Mapping, index: dict[str, int], kind: str,
                 missing: frozenset[str], headers: dict[str, str] | None = None) -> None:
        self.mapping, self.index, self.kind, self.missing = mapping, index, kind, missing
        self.headers = headers or {name: name for name in index}  # as notes name them
        self.targets = TARGETS[kind]
        self.used = frozenset(index.values())
        self._noted: set[str] = set()  # per row: see apply

    # -------------------------------------------------------------------- binding
    @classmethod
    def bind(cls, mapping: Mapping, header: Sequence[str], kind: str, source: str
             ) -> BoundMapping:
        """Check ``mapping`` for ``kind`` records against ``header`` (the file
        ``source``'s headers); InputError names the entry and what is wrong."""
        if mapping.options.kind and mapping.options.kind != kind:
            raise InputError(f"{mapping.origin}: the mapping is for {mapping.options.kind}, "
                             f"not {kind}")
        targets = TARGETS[kind]
        for name, entry in mapping.fields.items():
            if name not in targets:
                hint = difflib.get_close_matches(name, targets, n=1)
                raise InputError(f"{entry.where}: {kind} have no field {name!r} (fields: "
                                 f"{', '.join(targets)}, or meta.NAME"
                                 + (f"; did you mean {hint[0]!r}?)" if hint else ")"))
            _check(entry.expr, targets[name].parser, targets[name].many, entry, top=True)
        for entry in mapping.meta.values():
            _check(entry.expr, "text", True, entry, top=True)
        for name, table in mapping.values.items():
            if name not in targets:
                raise InputError(f"{mapping.origin}: values for {name!r}, which {kind} do "
                                 f"not have (fields: {', '.join(targets)})")
            check = {"type": (credential_type, CREDENTIAL_TYPES),
                     "delivery": (delivery_mode, DELIVERY_MODES)}.get(targets[name].parser)
            for source_text, target in table.items():
                if check and check[0](target) is None:
                    raise InputError(f"{mapping.origin}: values.{name} reads {source_text!r} "
                                     f"as {target!r}, which is not one of "
                                     f"{', '.join(check[1])}")
        if "title" not in mapping.fields:
            raise InputError(f"{mapping.origin}: the mapping gives no title (map one, e.g. "
                             "title=\"Program Name\")")
        index = {}
        for entry in (*mapping.fields.values(), *mapping.meta.values()):
            for name in columns_of(entry.expr):
                index[name] = _find(name, header, entry, source)
        missing = frozenset(value_key(m) for m in (*MISSING, *mapping.options.missing))
        headers = {name: _collapse(header[i]) for name, i in index.items()}
        return cls(mapping, index, kind, missing, headers)

    # ------------------------------------------------------------------ applying
    def apply(self, row: Sequence[object], notes: Notes) -> tuple[dict[str, Any],
                                                                   dict[str, Any]]:
        """The record's fields and ``meta`` from one row; FieldError when a field's value
        cannot be read."""
        out: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        self._noted.clear()  # the columns whose missing marker this row counted
        for name, entry in self.mapping.fields.items():
            target = self.targets[name]
            out[name] = self._field(name, name, target, entry.expr, row, notes, meta)
        for name, entry in self.mapping.meta.items():
            value = self._field(name, name, META, entry.expr, row, notes, meta)
            if value not in (None, "", []):
                meta[name] = value
        return out, meta

    def _field(self, name: str, key: str, target: Target, expr: Expr, row: Sequence[object],
               notes: Notes, meta: dict[str, Any]) -> Any:
        value, cols = self._eval(expr, target.parser, target.sep, name, row, notes)
        if isinstance(value, list) or target.many:
            items = value if isinstance(value, list) else [(value, cols)]
            out: dict[Any, None] = {}
            for item, item_cols in items:
                split = _SPLIT.get(target.parser, _SPLIT_TEXT)
                pieces = ([p for p in split.split(item) if p.strip()]
                          if isinstance(item, str) else [item])
                for piece in pieces:
                    got = self._finish(name, key, target, piece, item_cols, notes, meta)
                    if got not in (None, ""):
                        out[got] = None
            return list(out)
        return self._finish(name, key, target, value, cols, notes, meta)

    def _finish(self, name: str, key: str, target: Target, value: Any,
                cols: tuple[str, ...], notes: Notes, meta: dict[str, Any]) -> Any:
        if value is None:
            return None
        text = value if isinstance(value, str) else None
        if isinstance(value, _Typed):
            obj, extras = value.value, value.extras
        else:
            obj, extras = self._parse(target.parser, value, name, cols, notes)
        stored, more = _store(key, obj, text)
        meta.update(extras)
        meta.update(more)
        if isinstance(stored, str):
            stored = " ".join(stored.split()) if target.oneline else stored.strip()
        return stored

    def _parse(self, parser: str, value: Any, name: str, cols: tuple[str, ...],
               notes: Notes) -> tuple[Any, dict[str, Any]]:
        if isinstance(value, str):
            value = self.mapping.values.get(name, {}).get(value_key(value), value)
        try:
            return _read(parser, value, notes)
        except ValueError as exc:
            raise FieldError(name, cols, str(exc)) from None

    def _cell(self, row: Sequence[object], column: str, notes: Notes) -> Any:
        i = self.index[column]
        value = row[i] if i < len(row) else None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if value_key(value) in self.missing:
                if column not in self._noted:
                    self._noted.add(column)
                    notes.count(f"{quote(self.headers[column])}: {value!r} read as empty")
                return None
            if self.mapping.options.repair_text:
                value = repair_text(value)
        return value

    def _eval(self, expr: Expr, parser: str, sep: str, name: str, row: Sequence[object],
              notes: Notes) -> Value:
        if isinstance(expr, Column):
            return self._cell(row, expr.name, notes), (expr.name,)
        if isinstance(expr, Literal):
            return expr.text, ()
        if isinstance(expr, Call):
            value, cols = self._eval(expr.arg, expr.parser, sep, name, row, notes)
            if isinstance(value, list):  # onet("A" | "B"): each piece of each cell
                split = _SPLIT.get(expr.parser, _SPLIT_TEXT)
                return [(_Typed(*self._parse(expr.parser, piece, name, cs, notes)), cs)
                        for item, cs in value
                        for piece in (split.split(item) if isinstance(item, str) else [item])
                        if not isinstance(piece, str) or piece.strip()], cols
            if value is None or isinstance(value, _Typed):
                return value, cols
            return _Typed(*self._parse(expr.parser, value, name, cols, notes)), cols
        parts = [self._eval(p, parser, sep, name, row, notes) for p in expr.parts]
        cols = tuple(c for _, cs in parts for c in cs)
        if isinstance(expr, Items):
            flat: list[Value] = []
            for value, cs in parts:
                if isinstance(value, list):
                    flat.extend(value)
                elif value is not None:
                    flat.append((value, cs))
            return flat, cols
        if isinstance(expr, Join):
            texts = [(cell_text(v.value if isinstance(v, _Typed) else v), cs)
                     for v, cs in parts]
            if cols and not any(t for t, cs in texts if cs):
                return None, cols
            joined = (expr.sep if expr.sep is not None else sep).join(t for t, _ in texts if t)
            return joined or None, cols
        total: Any = None
        for value, cs in parts:
            if value is None:
                continue
            obj = (value.value if isinstance(value, _Typed)
                   else self._parse(parser, value, name, cs, notes)[0])
            if obj is not None:
                total = obj if total is None else total + obj
        return (None if total is None else _Typed(total, {})), cols


def _check(expr: Expr, parser: str, many: bool, entry: Entry, top: bool = False) -> None:
    """Sums only of numbers; lists only where a field takes a list."""
    if isinstance(expr, Call):
        _check(expr.arg, expr.parser, many, entry, top)
    elif isinstance(expr, Sum):
        if parser not in SUMMABLE:
            raise InputError(f"{entry.where}: '+' adds numbers, and this field is read as "
                             f"{parser} (join texts with '~'; or read the parts as numbers: "
                             f"{', '.join(f + '()' for f in SUMMABLE)})")
        for p in expr.parts:
            _check(p, parser, False, entry)
    elif isinstance(expr, Items):
        if not (many and top):
            raise InputError(f"{entry.where}: '|' makes a list, which only a list field "
                             "(occupation_codes, skills, meta.NAME) takes, and only as the "
                             "whole expression")
        for p in expr.parts:
            _check(p, parser, False, entry)
    elif isinstance(expr, Join):
        for p in expr.parts:
            _check(p, parser, False, entry)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _find(name: str, header: Sequence[str], entry: Entry, source: str) -> int:
    """The index of column ``name``: exact, then spacing collapsed, then also ignoring
    case; InputError lists the columns and suggests the nearest."""
    keys: tuple[Callable[[str], str], ...] = (str, _collapse,
                                              lambda h: _collapse(h).casefold())
    for exact, key in zip((True, False, False), keys):
        hits = [i for i, h in enumerate(header) if key(h) == key(name)]
        if len(hits) > 1 and not exact:
            raise InputError(f"{entry.where}: column {quote(name)} matches "
                             f"{', '.join(quote(header[i]) for i in hits)} in {source}; "
                             "write the header exactly")
        if hits:
            if len(hits) > 1:
                log.warning("%s: column %s appears %d times; the first is read", source,
                            quote(name), len(hits))
            return hits[0]
    folded = {_collapse(h).casefold(): h for h in header}
    hint = difflib.get_close_matches(_collapse(name).casefold(), folded, n=1, cutoff=0.5)
    raise InputError(f"{entry.where}: no column {quote(name)} in {source}"
                     + (f"; did you mean {quote(folded[hint[0]])}?" if hint else "")
                     + f" Its columns: {', '.join(quote(h) for h in header)}")
