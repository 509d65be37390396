"""A column mapping: which spreadsheet columns make which field of a record.

One mapping entry per field, ``FIELD=EXPR``, given on the command line
(``--map 'title="Program Name"'``, one option per entry) or in a saved mapping file.

**Expressions.**

- ``"Program Name"``: a column, by its header. Write a quote inside as ``\\"``, a line
  break as ``\\n``, a backslash as ``\\\\``. Headers match exactly first, then with every
  run of whitespace (line breaks included) read as one space and the ends trimmed, then
  also ignoring case; so ``"Length: Contact Hours"`` finds the header
  ``"Length:\\nContact Hours"``.
- ``'certificate'``: a constant text (``\\'`` for a quote inside).
- ``A + B``: a sum of numbers, each part read by the field's parser (costs, hours, or
  a number); an empty cell adds nothing; when every part is empty the field is unknown.
  Costs add up ranges end by end.
- ``A ~ B``: texts joined, empty ones left out, with the field's separator: a line
  break for ``description``, ``-`` for ``region`` (the ``ST-Place`` form: ``"State" ~
  "City"``), ``:`` for ``id``, ``, `` otherwise; ``join(' / ', A, B)`` names another.
  A join of empty columns is empty, whatever constants it holds.
- ``A | B | C``: a list (fields that hold several values: ``occupation_codes``,
  ``skills``); each cell may itself hold several, separated by ``;``, ``|`` or line
  breaks (codes: also by commas).
- ``cost(A)``, ``hours(A)``, ``weeks(A)``, ``number(A)``, ``integer(A)``, ``date(A)``,
  ``onet(A)``, ``cip(A)``, ``delivery(A)``, ``type(A)``, ``text(A)``: read A with that parser
  (:mod:`skillmatch.formats.values`); without one, the field chooses (``cost`` costs,
  ``hours`` durations, ``occupation_codes`` O*NET-SOC codes, ``date_posted`` dates,
  ``openings`` whole numbers, ``meta.*`` text).
- Precedence, loosest first: ``|``, ``~``, ``+``; parentheses group.

**Entries.** ``FIELD`` is a record field (``title``, ``cost`` ...), ``meta.NAME`` (kept in
the record's ``meta``), ``values.FIELD."Cell text"='replacement'`` (a cell's text,
matched ignoring case and spacing, read as another: ``values.type."Associates
Degree"='degree'``) or ``options.NAME='value'`` (:class:`Options`).

**Saved mapping files are TOML** (``data/mappings/*.toml``): comments say why each
entry is what it is, ``tomllib`` reads them without a dependency, expressions sit in
single-quoted strings with no escaping (``title = '"Program Name"'``), and the values
and options tables read naturally. Tables: ``[fields]``, ``[meta]``, ``[values.FIELD]``,
``[options]``. The same structure as JSON (``.json``) is read too, for programs that
write mappings.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, NoReturn

from ..errors import InputError

FUNCTIONS = ("text", "number", "integer", "cost", "hours", "weeks", "date", "onet", "cip",
             "delivery", "type")
SUMMABLE = ("cost", "hours", "weeks", "number", "integer")

# --------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Sum:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Join:
    parts: tuple[Expr, ...]
    sep: str | None = None  # None: the field's separator


@dataclass(frozen=True)
class Items:
    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Call:
    parser: str
    arg: Expr


Expr = Column | Literal | Sum | Join | Items | Call

_TOKEN = re.compile(r'\s*(?:(?P<col>"(?:[^"\\]|\\.)*")|(?P<lit>\'(?:[^\'\\]|\\.)*\')'
                    r"|(?P<op>[+|~(),])|(?P<name>[A-Za-z_]\w*)|(?P<bad>\S))", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), body, flags=re.S)


def quote(name: str) -> str:
    """A header as a mapping writes it: ``"Length:\\nWeeks"``."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace(
        "\n", "\\n").replace("\t", "\\t") + '"'


class _Parser:
    """Recursive descent over one expression; errors say where."""

    def __init__(self, text: str, where: str) -> None:
        self.text, self.where = text, where
        self.tokens: list[tuple[str, str, int]] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup or "bad"
            if kind == "bad":
                self.fail(f"unexpected {m.group(kind)!r}", m.start(kind))
            self.tokens.append((kind, m.group(kind), m.start(kind)))
        self.i = 0

    def fail(self, problem: str, pos: int | None = None) -> NoReturn:
        pos = len(self.text) if pos is None else pos
        rest = self.text[pos:pos + 24].strip()
        at = f"at character {pos + 1} ({rest!r})" if rest else "at the end"
        raise InputError(f"{self.where}: {problem} {at} in {self.text!r}")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def here(self) -> int | None:
        """Where the next token starts (None at the end)."""
        tok = self.peek()
        return tok[2] if tok else None

    def take(self, value: str) -> bool:
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] == value:
            self.i += 1
            return True
        return False

    def parse(self) -> Expr:
        if not self.tokens:
            self.fail("empty expression (expected a \"column\", a 'constant' or a function)")
        expr = self.items()
        tok = self.peek()
        if tok:
            self.fail(f"unexpected {tok[1]!r} (expected + ~ | or the end)", tok[2])
        return expr

    def items(self) -> Expr:
        parts = [self.join()]
        while self.take("|"):
            parts.append(self.join())
        return parts[0] if len(parts) == 1 else Items(tuple(parts))

    def join(self) -> Expr:
        parts = [self.sum()]
        while self.take("~"):
            parts.append(self.sum())
        return parts[0] if len(parts) == 1 else Join(tuple(parts))

    def sum(self) -> Expr:
        parts = [self.primary()]
        while self.take("+"):
            parts.append(self.primary())
        return parts[0] if len(parts) == 1 else Sum(tuple(parts))

    def primary(self) -> Expr:
        tok = self.peek()
        if tok is None:
            self.fail("expected a \"column\", a 'constant', a function or '('")
        kind, value, pos = tok
        self.i += 1
        if kind == "col":
            return Column(_unescape(value[1:-1]))
        if kind == "lit":
            return Literal(_unescape(value[1:-1]))
        if kind == "op" and value == "(":
            expr = self.items()
            if not self.take(")"):
                self.fail("expected ')'", self.here())
            return expr
        if kind == "name":
            return self.call(value, pos)
        self.fail(f"unexpected {value!r} (expected a \"column\", a 'constant', a function "
                  "or '(')", pos)

    def call(self, name: str, pos: int) -> Expr:
        if name not in (*FUNCTIONS, "join"):
            hint = difflib.get_close_matches(name, (*FUNCTIONS, "join"), n=1)
            self.fail(f"unknown function {name!r} (functions: {', '.join(FUNCTIONS)}, join"
                      + (f"; did you mean {hint[0]!r}?)" if hint else ")")
                      + ' (a column is written in double quotes: "Name")', pos)
        if not self.take("("):
            self.fail(f"expected '(' after {name}", self.here())
        args = [self.items()]
        while self.take(","):
            args.append(self.items())
        if not self.take(")"):
            self.fail("expected ')' or ','", self.here())
        if name == "join":
            if len(args) < 2 or not isinstance(args[0], Literal):
                self.fail("join takes a 'separator' and then the parts: join(', ', \"A\", "
                          "\"B\")", pos)
            sep = args[0]
            assert isinstance(sep, Literal)
            return Join(tuple(args[1:]), sep=sep.text)
        if len(args) != 1:
            self.fail(f"{name}() takes one expression", pos)
        return Call(name, args[0])


def parse_expression(text: str, where: str = "expression") -> Expr:
    """One expression; InputError names ``where`` (the option or line) and the bad part."""
    return _Parser(text, where).parse()


def columns_of(expr: Expr) -> list[str]:
    """The column names an expression reads, in order."""
    if isinstance(expr, Column):
        return [expr.name]
    if isinstance(expr, Literal):
        return []
    if isinstance(expr, Call):
        return columns_of(expr.arg)
    return [c for p in expr.parts for c in columns_of(p)]


# ----------------------------------------------------------------------- options

KINDS = ("credentials", "postings")


@dataclass(frozen=True)
class Options:
    """How the file is read. ``kind``: ``credentials`` or ``postings`` when the mapping
    is for one; ``sheet``: the xlsx sheet (default the first); ``member``: the file
    inside a zip; ``header_row``: the row holding the headers (1 = the first; rows
    above are banners); ``delimiter`` and ``encoding`` of a CSV (default: detected);
    ``missing``: cell texts meaning "no value" besides the usual (``N/A``, ``NA``,
    ``#N/A``, ``NULL``, ``-``), e.g. ``ERROR``; ``unique_id``: a repeated id is imported
    once, the first time (the rest counted); ``keep_unmapped``: unmapped cells of at
    most this many characters are kept in ``meta["unmapped"]`` (0: none); longer ones
    are counted as unused fields only; ``repair_text``: undo mojibake and flattened
    line breaks (:func:`skillmatch.formats.values.repair_text`)."""

    kind: str | None = None
    sheet: str | None = None
    member: str | None = None
    header_row: int = 1
    delimiter: str | None = None
    encoding: str | None = None
    missing: tuple[str, ...] = ()
    unique_id: bool = True
    keep_unmapped: int = 200
    repair_text: bool = False


def _option(name: str, value: Any, where: str) -> Any:
    """An option's value checked and converted (text from ``--map`` included)."""
    kinds = {f.name: f.type for f in fields(Options)}
    if name not in kinds:
        hint = difflib.get_close_matches(name, kinds, n=1)
        raise InputError(f"{where}: unknown option {name!r} (options: {', '.join(kinds)}"
                         + (f"; did you mean {hint[0]!r}?)" if hint else ")"))
    kind = kinds[name]
    try:
        if kind == "bool":
            if isinstance(value, str) and value.lower() in ("true", "yes", "1", "false", "no",
                                                            "0"):
                return value.lower() in ("true", "yes", "1")
            if not isinstance(value, bool):
                raise ValueError
            return value
        if kind == "int":
            number = int(value)
            if isinstance(value, bool) or number < 0 or (name == "header_row" and number < 1):
                raise ValueError
            return number
        if kind == "tuple[str, ...]":
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) for v in items):
                raise ValueError
            return tuple(items)
        if not isinstance(value, str):
            raise ValueError
        if name == "kind" and value not in KINDS:
            raise ValueError
        return value
    except (TypeError, ValueError):
        expected = {"bool": "true or false", "int": "a whole number",
                    "tuple[str, ...]": "a list of texts"}.get(
            str(kind), "credentials or postings" if name == "kind" else "a text")
        raise InputError(f"{where}: option {name} is {value!r} (expected {expected})") from None


# ----------------------------------------------------------------------- mappings


@dataclass(frozen=True)
class Entry:
    """One mapping entry: the expression, its text, and where it was written."""

    expr: Expr
    text: str
    where: str


@dataclass(frozen=True)
class Mapping:
    """A column mapping (see the module's grammar). ``fields``: record field ->
    entry; ``meta``: ``meta`` key -> entry; ``values``: field -> {cell text, matched
    ignoring case and spacing: replacement}; ``origin``: where it came from."""

    fields: dict[str, Entry] = field(default_factory=dict)
    meta: dict[str, Entry] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    options: Options = field(default_factory=Options)
    origin: str = "--map"

    def combined(self, other: Mapping) -> Mapping:
        """This mapping with ``other``'s entries and options on top (a saved file, then
        ``--map`` options)."""
        options = replace(self.options, **{f.name: getattr(other.options, f.name)
                                           for f in fields(Options)
                                           if getattr(other.options, f.name)
                                           != getattr(Options(), f.name)})
        values = {k: dict(v) for k, v in self.values.items()}
        for k, v in other.values.items():
            values.setdefault(k, {}).update(v)
        return Mapping({**self.fields, **other.fields}, {**self.meta, **other.meta}, values,
                       options, f"{self.origin} + {other.origin}")


def value_key(text: str) -> str:
    """How ``values`` tables match a cell: spacing collapsed, case ignored."""
    return " ".join(text.split()).casefold()


_KEY = re.compile(r'\s*([A-Za-z_]\w*)((?:\.(?:[A-Za-z_]\w*|"(?:[^"\\]|\\.)*"))*)\s*=(.*)',
                  re.S)
_PART = re.compile(r'\.([A-Za-z_]\w*|"(?:[^"\\]|\\.)*")')


def _literals(expr: Expr, where: str) -> list[str]:
    """The texts of ``'a'`` or ``'a' | 'b'`` (values and options take constants only)."""
    parts = expr.parts if isinstance(expr, Items) else (expr,)
    if not all(isinstance(p, Literal) for p in parts):
        raise InputError(f"{where}: expected a 'constant' (or 'a' | 'b'), not a column or "
                         "an expression")
    return [p.text for p in parts if isinstance(p, Literal)]


def parse_mapping(options: Sequence[str], *, origin: str = "--map") -> Mapping:
    """A mapping from ``FIELD=EXPR`` entries (``--map`` options, in order; a later entry
    for the same field replaces an earlier one)."""
    out: dict[str, Any] = {"fields": {}, "meta": {}, "values": {}, "options": {}}
    for n, line in enumerate(options, start=1):
        where = f"{origin} option {n} ({line.strip()!r})"
        m = _KEY.fullmatch(line)
        if not m:
            raise InputError(f"{where}: expected FIELD=EXPRESSION, e.g. title=\"Program "
                             "Name\"")
        head, rest, text = m.group(1), [p for p in _PART.findall(m.group(2))], m.group(3)
        expr = parse_expression(text, where)
        path = [head, *(_unescape(p[1:-1]) if p.startswith('"') else p for p in rest)]
        if head in ("values", "options", "option") and path[0] == "option":
            path[0] = "options"
        if path[0] == "meta" and len(path) == 2:
            out["meta"][path[1]] = Entry(expr, text.strip(), where)
        elif path[0] == "values" and len(path) == 3:
            out["values"].setdefault(path[1], {})[value_key(path[2])] = \
                _literals(expr, where)[0]
        elif path[0] == "options" and len(path) == 2:
            lits = _literals(expr, where)
            out["options"][path[1]] = _option(path[1], lits if len(lits) > 1 or
                                              path[1] == "missing" else lits[0], where)
        elif len(path) == 1:
            out["fields"][head] = Entry(expr, text.strip(), where)
        else:
            raise InputError(f"{where}: expected FIELD, meta.NAME, values.FIELD.\"text\" or "
                             f"options.NAME before '=', not {line.split('=')[0].strip()!r}")
    return Mapping(out["fields"], out["meta"], out["values"], Options(**out["options"]),
                   origin)


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(table, key) -> line number in a TOML text, for error messages."""
    table = ""
    out: dict[tuple[str, str], int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"\s*\[([^\]]+)\]\s*(?:#.*)?$", line)
        if head:
            table = ".".join(p.strip().strip('"\'') for p in head.group(1).split("."))
            continue
        key = re.match(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[\w-]+)\s*=', line)
        if key:
            out.setdefault((table, key.group(1).strip('"\'')), n)
    return out


def mapping_from_dict(data: dict[str, Any], origin: str,
                      lines: dict[tuple[str, str], int] | None = None) -> Mapping:
    """A mapping from the saved file's structure (TOML or JSON already read)."""
    lines = lines or {}

    def where(table: str, key: str) -> str:
        n = lines.get((table, key))
        return f"{origin}" + (f" line {n}" if n else "") + f" ([{table}] {key})"

    unknown = set(data) - {"fields", "meta", "values", "options"}
    if unknown:
        raise InputError(f"{origin}: unknown table(s) {', '.join(sorted(unknown))} (expected "
                         "[fields], [meta], [values.FIELD] and [options])")
    tables: dict[str, dict[str, Entry]] = {"fields": {}, "meta": {}}
    for table in tables:
        items = data.get(table, {})
        if not isinstance(items, dict):
            raise InputError(f"{origin}: [{table}] must be a table of NAME = 'expression'")
        for key, text in items.items():
            if not isinstance(text, str):
                raise InputError(f"{where(table, key)}: expected an expression in quotes, "
                                 f"e.g. '\"Program Name\"', not {text!r}")
            tables[table][key] = Entry(parse_expression(text, where(table, key)), text,
                                       where(table, key))
    values: dict[str, dict[str, str]] = {}
    for fld, table in (data.get("values") or {}).items():
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise InputError(f"{origin}: [values.{fld}] must map cell texts to texts")
        values[fld] = {value_key(k): v for k, v in table.items()}
    options = {k: _option(k, v, where("options", k))
               for k, v in (data.get("options") or {}).items()}
    return Mapping(tables["fields"], tables["meta"], values, Options(**options), origin)


def load_mapping(path: str | Path) -> Mapping:
    """A saved mapping file: TOML (``.toml``) or the same structure as JSON (``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the mapping file ({exc.strerror})", path=path) from exc
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            lines = None
        else:
            data = tomllib.loads(text)
            lines = _key_lines(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a valid mapping file ({exc})", path=path) from exc
    if not isinstance(data, dict):
        raise InputError("expected a table of [fields], [meta], [values] and [options]",
                         path=path)
    return mapping_from_dict(data, str(path), lines)
