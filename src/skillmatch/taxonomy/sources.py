"""Reading taxonomy files from a folder or a zip, with errors that say where.

Every error names the file (``archive.zip!member.csv`` inside a zip), the line
and, where known, the column, and says what was expected.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Member:
    name: str  # file name as found
    location: str  # path inside the zip, or the file path
    display: str  # what errors show


class Source:
    """A folder or a zip archive holding a taxonomy's files."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, Member] = {}

    def open(self) -> Source:
        path = self.path
        if not path.exists():
            raise InputError("no such file or folder", path=path)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file():
                    self._members.setdefault(
                        file.name.lower(), Member(file.name, str(file), str(file))
                    )
            return self
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(
                f"truncated or corrupt zip archive ({exc}); expected a folder or a complete "
                "zip as downloaded",
                path=path,
            ) from exc
        for info in self._zip.infolist():
            if not info.is_dir():
                name = info.filename.rsplit("/", 1)[-1]
                self._members.setdefault(
                    name.lower(), Member(name, info.filename, f"{path}!{info.filename}")
                )
        return self

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Source:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return sorted(m.name for m in self._members.values())

    def find(self, *names: str) -> Member | None:
        for name in names:
            member = self._members.get(name.lower())
            if member is not None:
                return member
        return None

    def require(self, *names: str, expected: str) -> Member:
        member = self.find(*names)
        if member is None:
            found = ", ".join(self.names()[:8]) or "no files"
            raise InputError(
                f"{names[0]} not found (expected {expected}); found: {found}", path=self.path
            )
        return member

    def read_bytes(self, member: Member) -> bytes:
        if self._zip is None:
            return Path(member.location).read_bytes()
        try:
            return self._zip.read(member.location)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(
                f"truncated or corrupt zip archive ({exc}); download it again", path=member.display
            ) from exc

    def read_text(self, member: Member) -> str:
        return decode(self.read_bytes(member), member.display)


def decode(raw: bytes, display: str) -> str:
    """Strict UTF-8 (a byte-order mark is allowed); errors give line and column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 (expected UTF-8 text)",
            path=display,
            line=line,
            column=column,
        ) from exc


def read_table(
    source: Source,
    member: Member,
    *,
    required: Sequence[str],
    delimiter: str = ",",
    expected: str = "",
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a delimited file as ``(line number where the row starts, row)``."""
    text = source.read_text(member)
    yield from parse_table(text, member.display, required=required, delimiter=delimiter,
                           expected=expected)


def parse_table(
    text: str,
    display: str,
    *,
    required: Sequence[str],
    delimiter: str = ",",
    expected: str = "",
) -> Iterator[tuple[int, dict[str, str]]]:
    if not text.strip():
        raise InputError(
            f"file is empty (expected a header row with {', '.join(required)})", path=display
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in required if c not in header]
        if missing:
            what = f" of {expected}" if expected else ""
            raise InputError(
                f"missing column(s) {', '.join(repr(c) for c in missing)}{what}; "
                f"found columns: {', '.join(header[:12])}",
                path=display,
                line=1,
            )
        last = reader.line_num
        for row in reader:
            start = last + 1
            last = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) > len(header):
                raise InputError(
                    f"{len(row)} fields but the header has {len(header)}",
                    path=display, line=start, column=len(header) + 1,
                )
            yield start, dict(zip(header, [v.strip() for v in row]))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", path=display, line=reader.line_num) from exc


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

    def add(self, code: str, line: int, column: str) -> None:
        first = self.seen.setdefault(code, line)
        if first != line:
            raise InputError(
                f"duplicate {self.what} {code!r} (first on line {first}); expected each "
                f"{self.what} once",
                path=self.display, line=line, column=column,
            )


def split_multi(value: str, separator: str = "\n") -> list[str]:
    """A multi-valued cell (ESCO: one label per line)."""
    return [v.strip() for v in value.split(separator) if v.strip()]
