"""Reading taxonomy files from a folder or a zip, with errors that say where.

Every error names the file (``archive.zip!folder/member.csv`` inside a zip), the
line and, where known, the column, and says what was expected.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

log = logging.getLogger(__name__)

csv.field_size_limit(1 << 26)  # ESCO packs long URI lists into single cells

# (columns that identify a file, what the file is): tells a person what they gave us.
KNOWN_HEADERS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"conceptUri", "broaderConceptUri"}), "an ESCO collection file"),
    (frozenset({"conceptUri", "skillType", "reuseLevel"}), "the ESCO skills file (skills_en.csv)"),
    (frozenset({"conceptUri", "iscoGroup"}), "the ESCO occupations file (occupations_en.csv)"),
    (frozenset({"occupationUri", "skillUri"}), "ESCO's occupationSkillRelations.csv"),
    (frozenset({"conceptUri", "broaderUri"}), "an ESCO broader-relations file"),
    (frozenset({"conceptUri", "preferredLabel"}), "an ESCO concept file"),
    (frozenset({"O*NET-SOC Code", "Title", "Description"}), "O*NET's Occupation Data.txt"),
    (frozenset({"O*NET-SOC Code", "Example", "Commodity Code"}), "O*NET's Technology Skills.txt"),
    (frozenset({"O*NET-SOC Code"}), "an O*NET database file"),
    (frozenset({"id", "label"}), "a custom skills file"),
)
_KNOWN_FILES = frozenset(what for _, what in KNOWN_HEADERS)
KNOWN_FOLDERS = (
    ("skills_en.csv", "an ESCO CSV export (use kind 'esco')"),
    ("occupation data.txt", "an O*NET database (use kind 'onet')"),
)


def describe_header(header: Sequence[str]) -> str | None:
    """What a header row looks like, e.g. ``"the ESCO occupations file (...)"``."""
    columns = set(header)
    for needed, what in KNOWN_HEADERS:
        if needed <= columns:
            return what
    return None


@dataclass(frozen=True)
class Member:
    name: str  # file name as found
    location: str  # path inside the zip, or the file path
    display: str  # what errors show


class Source:
    """A folder or a zip archive (files may sit in a subfolder) holding a taxonomy."""

    def __init__(self, path: str | Path, expected: str = "a folder or a zip archive") -> None:
        self.path = Path(path)
        self.expected = expected
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, Member] = {}

    def open(self) -> Source:
        path = self.path
        if not path.exists():
            raise InputError(f"no such file or folder (expected {self.expected})", path=path)
        if path.is_dir():
            files = sorted((f for f in path.rglob("*") if f.is_file()),
                           key=lambda f: (len(f.parts), str(f)))
            for file in files:
                self._add(file.name, str(file), str(file))
            return self
        self._open_zip(path)
        return self

    def _open_zip(self, path: Path) -> None:
        with path.open("rb") as handle:
            magic = handle.read(4)
        if not magic.startswith(b"PK"):
            what = "an empty file" if not magic else "not a zip archive"
            raise InputError(f"{what} (expected {self.expected})", path=path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(
                f"truncated or corrupt zip archive ({exc}); expected a complete zip as "
                "downloaded, download it again",
                path=path,
            ) from exc
        infos = sorted((i for i in self._zip.infolist() if not i.is_dir()),
                       key=lambda i: (i.filename.count("/"), i.filename))
        for info in infos:
            if info.filename.startswith("__MACOSX/"):
                continue
            self._add(info.filename.rsplit("/", 1)[-1], info.filename,
                      f"{path}!{info.filename}")

    def _add(self, name: str, location: str, display: str) -> None:
        if not name.startswith("._"):
            self._members.setdefault(name.lower(), Member(name, location, display))

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> Source:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return sorted(m.name for m in self._members.values())

    def find(self, *names: str) -> Member | None:
        """The first of ``names`` present, matched case-insensitively."""
        for name in names:
            member = self._members.get(name.lower())
            if member is not None:
                return member
        return None

    def require(self, *names: str, expected: str) -> Member:
        member = self.find(*names)
        if member is not None:
            return member
        shown = self.names()
        found = ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
        looks = next((f"; this looks like {what}" for key, what in KNOWN_FOLDERS
                      if key in self._members), "")
        raise InputError(
            f"{names[0]} not found (expected {expected}); found: {found or 'no files'}{looks}",
            path=self.path,
        )

    def read_bytes(self, member: Member) -> bytes:
        if self._zip is None:
            return Path(member.location).read_bytes()
        try:
            return self._zip.read(member.location)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(
                f"truncated or corrupt zip archive ({exc}); download it again",
                path=member.display,
            ) from exc

    def read_text(self, member: Member) -> str:
        return decode(self.read_bytes(member), member.display)


def decode(raw: bytes, display: str) -> str:
    """Strict UTF-8 (a byte-order mark is allowed); errors give line and column."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 (expected UTF-8 text; "
            "re-save the file as UTF-8)",
            path=display,
            line=raw.count(b"\n", 0, exc.start) + 1,
            column=column,
        ) from exc


def read_table(
    source: Source,
    member: Member,
    *,
    required: Sequence[str],
    delimiter: str = ",",
    expected: str = "",
    quoted: bool = True,
    pad: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a delimited file in ``source`` as ``(line where the row starts, row)``."""
    text = source.read_text(member)
    yield from parse_table(text, member.display, required=required, delimiter=delimiter,
                           expected=expected, quoted=quoted, pad=pad)


def parse_table(
    text: str,
    display: str,
    *,
    required: Sequence[str],
    delimiter: str = ",",
    expected: str = "",
    quoted: bool = True,
    pad: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of delimited ``text``; values are stripped, blank lines skipped.

    Line numbers are physical lines (a quoted cell may span several), so the
    number given is where the record starts. ``quoted=False`` reads quotes as
    plain text (O*NET). A row with fewer values than the header is an error
    unless ``pad`` (files that leave out trailing empty cells).
    """
    what = expected or "a header row"
    if not text.strip():
        raise InputError(
            f"file is empty (expected a header row with {', '.join(required)})", path=display
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=quoted,
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    last = 0
    try:
        header = [h.strip() for h in next(reader)]
        _check_header(header, required, display, delimiter, what)
        width = len(header)
        last = reader.line_num
        for row in reader:
            start, last = last + 1, reader.line_num
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if not pad or len(row) > width:
                    _bad_width(row, header, display, start)
                row = row + [""] * (width - len(row))
            yield start, dict(zip(header, [v.strip() for v in row]))
    except csv.Error as exc:
        raise InputError(
            f"malformed {'CSV' if delimiter == ',' else 'table'} in the record starting here "
            f"({exc}; expected quotes to be closed and doubled inside quoted cells)",
            path=display, line=last + 1,
        ) from exc


def _check_header(header: list[str], required: Sequence[str], display: str, delimiter: str,
                  expected: str) -> None:
    missing = [c for c in required if c not in header]
    looks = describe_header(header)
    if not missing:
        if looks and looks != expected and expected in _KNOWN_FILES:
            raise InputError(f"this is {looks}, not {expected}; found columns: "
                             f"{', '.join(repr(h) for h in header[:15])}", path=display, line=1)
        return
    message = (f"missing column(s) {', '.join(repr(c) for c in missing)} (expected {expected}); "
               f"found columns: {', '.join(repr(h) for h in header[:15])}")
    if len(header) > 15:
        message += f" and {len(header) - 15} more"
    other = "\t" if delimiter == "," else ","
    if len(header) == 1 and other in header[0]:
        message += (f"; the file looks {'tab' if other == chr(9) else 'comma'}-separated, "
                    f"expected {'comma' if delimiter == ',' else 'tab'}-separated")
    elif looks and looks != expected:
        message += f"; this looks like {looks}"
    raise InputError(message, path=display, line=1)


def _bad_width(row: list[str], header: list[str], display: str, line: int) -> None:
    if len(row) > len(header):
        raise InputError(
            f"{len(row)} values but the header has {len(header)} columns (expected one value "
            "per column; a stray delimiter or quote?)",
            path=display, line=line, column=len(header) + 1,
        )
    raise InputError(
        f"{len(row)} values but the header has {len(header)} columns (expected one value per "
        "column; a line break in an unquoted cell, an unclosed quote or a truncated file?)",
        path=display, line=line, column=header[len(row)],
    )


def need(row: dict[str, str], column: str, display: str, line: int) -> str:
    """The value of a required field, or an error naming the line and column."""
    value = row.get(column, "")
    if not value:
        raise InputError("required value is empty", path=display, line=line, column=column)
    return value


class UniqueIds:
    """Remembers where each id was first seen; a second sighting is an error."""

    def __init__(self, display: str, what: str = "id") -> None:
        self.display = display
        self.what = what
        self.seen: dict[str, int] = {}

    def __contains__(self, code: object) -> bool:
        return code in self.seen

    def add(self, code: str, line: int, column: str | None = None,
            field: str | None = None) -> None:
        first = self.seen.setdefault(code, line)
        if first != line:
            raise InputError(
                f"duplicate {self.what} {code!r} (first on line {first}); expected each "
                f"{self.what} once",
                path=self.display, line=line, column=column, field=field,
            )


def split_multi(value: str, separator: str = "\n") -> list[str]:
    """A multi-valued cell (ESCO: one label per line), without blanks or repeats."""
    out: list[str] = []
    for part in value.split(separator):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out
