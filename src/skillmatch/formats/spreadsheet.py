"""Any spreadsheet (CSV, TSV, XLSX; gzip or zip too) as credentials or postings,
through a column mapping (:mod:`skillmatch.formats.mapping`).

Rows are read as a stream: a CSV with the ``csv`` module (the encoding detected by a
first pass over the bytes: UTF-8 with or without a byte order mark, else Windows-1252,
else Latin-1; the delimiter from the header line: comma, tab, semicolon or bar), an
XLSX with openpyxl in read-only mode, a ``.gz`` CSV decompressed as it is read, a zip
by its one spreadsheet (or ``options.member``). Nothing holds every row; what grows with
the file is the set of ids seen, for ``options.unique_id``.

Each row yields a :class:`~skillmatch.catalog.models.Credential` or ``Posting`` (its
source in ``meta["source"]``: the file, ``row N`` as a spreadsheet program numbers it,
the header being row 1 unless ``options.header_row`` says otherwise, the sheet or the
zip member), or a :class:`~skillmatch.formats.base.Rejected` naming the row, the field,
the column and the value it could not read; the next row goes on.

Columns the mapping does not use are never dropped silently: each filled cell counts
in ``Notes.unused`` under its header, and cells of at most ``options.keep_unmapped``
characters (200 by default) are kept in ``meta["unmapped"]``. Short cells are the
flags, names and numbers worth keeping beside the record; long ones (a how-to-apply
text, a residency rule) would repeat large boilerplate in every record, so they are
counted only: map them (``meta.NAME=...``) to keep them.

An error about the file or the mapping (no such column, an unreadable file) raises
:class:`InputError` when reading starts.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from ..catalog.models import Credential, Posting
from ..errors import InputError
from .base import Notes, Rejected, Stream, source
from .mapping import Mapping, Options, columns_of, quote
from .mapping_apply import BoundMapping, FieldError
from .values import cell_text, onet_2019_codes, repair_text, resolve_onet

log = logging.getLogger(__name__)

FORMAT = "spreadsheet"
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
SHEET_SUFFIXES = (".xlsx", ".xlsm")
_KINDS = {"credential": "credentials", "credentials": "credentials",
          "posting": "postings", "postings": "postings"}
_FIELD_LIMIT = 1 << 27  # a CSV cell may hold a whole long description


@dataclass
class _Table:
    header: list[str]
    rows: Iterator[tuple[int, Sequence[object]]]
    label: str  # the file as messages name it
    extra: dict[str, str]  # sheet or member, for meta["source"]


# ------------------------------------------------------------------ opening files


def _encoding(open_bytes: Callable[[], IO[bytes]]) -> str:
    """UTF-8 (with or without a byte order mark) when every byte decodes so, else
    Windows-1252 when it decodes so, else Latin-1 (which decodes anything)."""
    with open_bytes() as f:
        if f.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for name in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(name)()
        try:
            with open_bytes() as f:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return name
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _csv_table(open_bytes: Callable[[], IO[bytes]], name: str, options: Options,
               label: str, stack: contextlib.ExitStack) -> _Table:
    encoding = options.encoding or _encoding(open_bytes)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (options.encoding)",
                         path=label) from None
    stream = stack.enter_context(io.TextIOWrapper(open_bytes(), encoding=encoding,
                                                  newline=""))
    delimiter = options.delimiter
    if delimiter is None:
        if name.endswith((".tsv", ".tab")):
            delimiter = "\t"
        else:
            with open_bytes() as f:
                first = f.readline(1 << 16).decode(encoding, errors="replace")
            counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
            delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    log.info("%s: reading as %s, delimiter %r", label, encoding, delimiter)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        for _ in range(options.header_row - 1):
            next(reader)
        header = next(reader)
    except StopIteration:
        raise InputError(f"empty file: no header in row {options.header_row} (expected a "
                         "row of column names)", path=label) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable {encoding} CSV ({exc}; options.encoding names "
                         "another)", path=label) from exc

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        n = options.header_row
        try:
            for n, row in enumerate(reader, start=options.header_row + 1):  # noqa: B007
                yield n, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"not a readable {encoding} CSV after row {n} ({exc}; "
                             "options.encoding names another)", path=label) from exc

    return _Table(header, rows(), label, {})


def _xlsx_table(file: str | IO[bytes], sheet: str | None, options: Options, label: str,
                stack: contextlib.ExitStack) -> _Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is not xlsx
        raise InputError(f"not an xlsx workbook ({exc})", path=label) from exc
    stack.callback(book.close)
    name = sheet or options.sheet
    if name is not None and name not in book.sheetnames:
        raise InputError(f"no sheet {name!r} (its sheets: {', '.join(book.sheetnames)})",
                         path=label)
    ws = book[name] if name is not None else book.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # a wrong stored size would cut read-only rows short
    it = enumerate(ws.iter_rows(values_only=True), start=1)
    header: list[str] | None = None
    for n, row in it:
        if n == options.header_row:
            header = [cell_text(c) for c in row]
            break
    if header is None:
        raise InputError(f"empty sheet {ws.title!r}: no header in row {options.header_row} "
                         "(expected a row of column names)", path=label)
    while header and not header[-1]:
        header.pop()
    return _Table(header, iter(it), label, {"sheet": ws.title})


@contextlib.contextmanager
def _open_table(path: Path, options: Options, sheet: str | None) -> Iterator[_Table]:
    if not path.is_file():
        raise InputError("no such file (expected a CSV, TSV or XLSX file)", path=path)
    name = path.name.lower()
    with contextlib.ExitStack() as stack:
        if name.endswith(".zip"):
            try:
                archive = stack.enter_context(zipfile.ZipFile(path))
            except zipfile.BadZipFile as exc:
                raise InputError(f"not a zip file ({exc})", path=path) from exc
            found = [m for m in archive.namelist()
                     if m.lower().endswith(TEXT_SUFFIXES + SHEET_SUFFIXES)
                     and not m.startswith("__MACOSX/")]
            member = options.member or (found[0] if len(found) == 1 else None)
            if member is None or member not in archive.namelist():
                raise InputError(
                    (f"no {member!r} in the zip" if member else
                     "no single spreadsheet in the zip") + f" (it holds: "
                    f"{', '.join(archive.namelist())}; name one with options.member)",
                    path=path)
            label = f"{path} ({member})"
            if member.lower().endswith(SHEET_SUFFIXES):
                spool = stack.enter_context(tempfile.SpooledTemporaryFile(1 << 24))
                with archive.open(member) as src:
                    shutil.copyfileobj(src, spool)
                spool.seek(0)
                table = _xlsx_table(spool, sheet, options, label, stack)  # type: ignore[arg-type]
            else:
                table = _csv_table(lambda: archive.open(member), member.lower(), options,
                                   label, stack)
            table.extra["member"] = member
        elif name.endswith(SHEET_SUFFIXES):
            table = _xlsx_table(str(path), sheet, options, str(path), stack)
        elif name.endswith(".gz") and name[:-3].endswith(TEXT_SUFFIXES):
            table = _csv_table(lambda: gzip.open(path, "rb"),  # type: ignore[arg-type,return-value]
                               name[:-3], options, str(path), stack)
        elif name.endswith(TEXT_SUFFIXES):
            table = _csv_table(lambda: path.open("rb"), name, options, str(path), stack)
        elif name.endswith(".xls"):
            raise InputError("an old .xls workbook (save it as .xlsx or CSV)", path=path)
        else:
            raise InputError("not a spreadsheet (expected .csv, .tsv, .txt, .xlsx, a .csv.gz "
                             "or a .zip holding one)", path=path)
        try:
            yield table
        except (OSError, EOFError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
            raise InputError(f"the file could not be read to the end ({exc})",
                             path=path) from exc


# -------------------------------------------------------------------- the reader


def _kind(kind: str) -> str:
    if kind not in _KINDS:
        raise InputError(f"unknown record kind {kind!r} (expected credentials or postings)",
                         field="kind")
    return _KINDS[kind]


def _json_safe(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return cell_text(value)


def read_spreadsheet(path: Path, kind: str, mapping: Mapping, *, sheet: str | None = None,
                     crosswalk: dict[str, list[str]] | None = None,
                     notes: Notes | None = None,
                     onet_codes: Collection[str] | None = None) -> Stream:
    """``kind`` records (``credentials`` or ``postings``) from the spreadsheet at ``path``
    through ``mapping``; ``sheet`` picks an xlsx sheet; ``crosswalk`` (O*NET-SOC 2010
    code -> its 2019 codes) reads 2010 occupation codes as 2019 ones, keeping and
    reporting the codes it cannot resolve; ``onet_codes``: the current O*NET-SOC codes
    (the workspace's O*NET occupations; by default the crosswalk's 2019 codes, which
    lack the few added since, such as ``15-1299.05``); ``notes`` collects what was
    noticed."""
    notes = notes if notes is not None else Notes()
    kind = _kind(kind)
    path = Path(path)
    current = frozenset(onet_codes or ()) | (onet_2019_codes(crosswalk) if crosswalk
                                             else frozenset())
    options = mapping.options
    with _open_table(path, options, sheet) as table:
        bound = BoundMapping.bind(mapping, table.header, kind, table.label)
        unmapped = [(i, " ".join(h.split()) or f"(column {i + 1})")
                    for i, h in enumerate(table.header) if i not in bound.used]
        id_columns = columns_of(mapping.fields["id"].expr) if "id" in mapping.fields else []
        title_columns = columns_of(mapping.fields["title"].expr)
        seen: set[str] = set()
        for n, row in table.rows:
            if not any(c is not None and cell_text(c) for c in row):
                continue
            where = f"row {n}"
            try:
                values, meta = bound.apply(row, notes)
            except FieldError as exc:
                yield Rejected(str(path), where, exc.field, exc.reason)
                continue
            rid = values.pop("id", None) if "id" in mapping.fields else f"{path.stem}:{n}"
            problem = _problem(values, kind, rid, id_columns, title_columns)
            if problem:
                yield Rejected(str(path), where, *problem)
                continue
            if "id" not in mapping.fields:
                notes.count("id made of the file name and row (map id for stable ids)")
            if options.unique_id:
                if rid in seen:
                    notes.count("duplicate id skipped (its first row is imported)")
                    continue
                seen.add(rid)
            kept: dict[str, Any] = {}
            for i, header in unmapped:
                value = row[i] if i < len(row) else None
                text = cell_text(value)
                if text:
                    notes.unused(header)
                    if len(text) <= options.keep_unmapped:
                        kept[header] = (repair_text(text) if options.repair_text and
                                        isinstance(value, str) else _json_safe(value))
            meta = {"source": source(FORMAT, str(path), where, **table.extra), **meta}
            if kept:
                meta["unmapped"] = kept
            _occupations(values, meta, kind, crosswalk or {}, current, notes)
            fields = {k: v for k, v in values.items() if v is not None}
            if kind == "postings":
                yield Posting(id=str(rid), **fields, meta=meta)
            else:
                yield Credential(id=str(rid), **fields, meta=meta)


def _problem(values: dict[str, Any], kind: str, rid: Any, id_columns: list[str],
             title_columns: list[str]) -> tuple[str, str] | None:
    """Why a row's values make no record: (field, reason), or None."""
    if not rid:
        return "id", (f"required value is missing (column "
                      f"{' + '.join(map(quote, id_columns))} is empty)")
    if not values.get("title"):
        return "title", (f"required value is missing (column "
                         f"{' + '.join(map(quote, title_columns))} is empty)")
    if kind == "postings" and values.get("openings") == 0:
        return "openings", "0 openings (expected 1 or more, or an empty cell for 1)"
    return None


def _occupations(values: dict[str, Any], meta: dict[str, Any], kind: str,
                 crosswalk: dict[str, list[str]], current: frozenset[str],
                 notes: Notes) -> None:
    """Occupation codes read as O*NET-SOC 2019 through the crosswalk, those it cannot
    resolve kept, listed in meta and counted (see values.resolve_onet)."""
    key = "occupation_codes" if kind == "credentials" else "occupation_code"
    written = values.get(key)
    codes = written if isinstance(written, list) else [written] if written else []
    if not codes:
        return
    resolved = resolve_onet(codes, crosswalk, current or None)
    if resolved.mapped:
        notes.count("occupation code read through the O*NET-SOC 2010 to 2019 crosswalk",
                    len(resolved.mapped))
    if resolved.unresolved:
        notes.count("occupation code in neither O*NET-SOC 2019 nor 2010 (kept as written)"
                    if crosswalk else "occupation code of no SOC major group (kept as "
                    "written)", len(resolved.unresolved))
    if resolved.mapped:
        meta["occupation_codes_2010"] = resolved.mapped
    if resolved.unresolved:
        meta["unresolved_occupation_codes"] = resolved.unresolved
    if kind == "credentials":
        values[key] = resolved.codes
    else:
        values[key] = resolved.codes[0]
        if len(resolved.codes) > 1:
            meta["other_occupation_codes"] = resolved.codes[1:]


def dry_run(path: Path, kind: str, mapping: Mapping, n: int = 5, *, sheet: str | None = None,
            crosswalk: dict[str, list[str]] | None = None,
            notes: Notes | None = None) -> list[dict[str, Any]]:
    """The first ``n`` rows as they would be imported: ``{"row": "row 2", "record":
    {...}}`` for a record, ``{"row": ..., "rejected": {"field", "reason"}}`` for a
    rejection. Stops reading after them."""
    out: list[dict[str, Any]] = []
    stream = read_spreadsheet(path, kind, mapping, sheet=sheet, crosswalk=crosswalk,
                              notes=notes)
    with contextlib.closing(stream):  # type: ignore[type-var]
        for item in stream:
            if isinstance(item, Rejected):
                out.append({"row": item.where, "rejected": {"field": item.field,
                                                            "reason": item.reason}})
            else:
                out.append({"row": item.meta["source"]["where"], "record": asdict(item)})
            if len(out) >= n:
                break
    return out
