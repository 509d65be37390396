"""Reading credentials, postings and needs from CSV or JSON Lines files, plain,
gzip-compressed or zipped."""

from __future__ import annotations

import gzip
import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ConfigurationError, InputError
from ..taxonomy.sources import decode, parse_table
from .models import PARSERS, Record

REQUIRED = {"credential": ("id", "title"), "posting": ("id", "title"), "need": ("employer",)}


JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
RECORD_SUFFIXES = (".csv", *JSON_SUFFIXES)
EXPECTED = "a CSV or JSON Lines file, optionally as .gz, or a .zip holding one"


def read_records(kind: str, path: str | Path) -> list[Record]:
    """Every record of ``kind`` in the file; the first bad row raises, naming its line.

    The file is CSV or JSON Lines (by its suffix), plain, gzip-compressed
    (``postings.jsonl.gz``), or the one CSV or JSON Lines file inside a zip. A zip
    holding several is read only when one is named for the kind (``postings.jsonl``)
    or the archive; else choose one as ``archive.zip!member.csv``."""
    if kind not in PARSERS:
        raise ConfigurationError(f"unknown record kind {kind!r} (choose one of "
                                 f"{', '.join(PARSERS)})")
    text, name, display = _load(kind, Path(path))
    parse: Callable[[dict[str, Any], str, int], Record] = PARSERS[kind]  # type: ignore[assignment]
    records: list[Record] = []
    seen: dict[str, int] = {}
    for line, row in _rows(kind, text, name, display):
        record = parse(row, display, line)
        records.append(record)
        first = seen.setdefault(record.id, line)
        if first != line:
            raise InputError(f"duplicate id {record.id!r} (first on line {first})",
                             path=display, line=line, field="id")
    if not records:
        raise InputError(f"no {kind}s in the file (expected at least one row)", path=display)
    return records


def _load(kind: str, path: Path) -> tuple[str, str, str]:
    """(the text, the file name whose suffix gives the format, the name errors show)."""
    member = None
    if not path.is_file() and ".zip!" in str(path):
        archive, member = str(path).rsplit(".zip!", 1)
        path = Path(archive + ".zip")
    if not path.is_file():
        raise InputError(f"no such file (expected {EXPECTED})", path=path)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".zip"]:
        return _from_zip(kind, path, member)
    raw = path.read_bytes()
    name = path.name
    if suffixes[-1:] == [".gz"]:
        if suffixes[-2:] == [".tar", ".gz"]:
            raise InputError(f"a tar archive is not read (expected {EXPECTED})", path=path)
        if not raw.startswith(b"\x1f\x8b"):
            raise InputError(f"not a gzip file, though named .gz (expected {EXPECTED})",
                             path=path)
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"truncated or corrupt gzip file ({exc}); compress it again",
                             path=path) from exc
        name = path.name[:-3]
    return decode(raw, str(path)), name, str(path)


def _from_zip(kind: str, path: Path, member: str | None) -> tuple[str, str, str]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"not a zip archive, or a corrupt one ({exc}); expected {EXPECTED}",
                         path=path) from exc
    with archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir()
                 and not i.filename.startswith("__MACOSX/")
                 and not PurePosixPath(i.filename).name.startswith(".")]
        held = ", ".join(names) or "nothing"
        if member is not None:
            if member not in names:
                raise InputError(f"no member {member!r} (it holds {held})", path=path)
            chosen = member
        else:
            chosen = _choose(kind, path, names, held)
        display = f"{path}!{chosen}"
        try:
            raw = archive.read(chosen)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(f"truncated or corrupt zip archive ({exc})", path=display) from exc
    return decode(raw, display), PurePosixPath(chosen).name, display


def _choose(kind: str, path: Path, names: list[str], held: str) -> str:
    """The one record file in a zip, or the one named for the kind or the archive."""
    candidates = [n for n in names if PurePosixPath(n).suffix.lower() in RECORD_SUFFIXES]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError(f"no CSV or JSON Lines file in the zip (it holds {held})",
                         path=path)
    wanted = {kind, f"{kind}s", path.stem.lower()}
    named = [n for n in candidates if PurePosixPath(n).stem.lower() in wanted]
    if len(named) == 1:
        return named[0]
    raise InputError(
        f"the zip holds {len(candidates)} files that could be {kind}s: "
        f"{', '.join(candidates)} (expected one; choose it as {path}!{candidates[0]})",
        path=path)


def _rows(kind: str, text: str, name: str,
          display: str) -> Iterator[tuple[int, dict[str, Any]]]:
    path = display
    if PurePosixPath(name).suffix.lower() in JSON_SUFFIXES:
        if not text.strip():
            raise InputError(f"file is empty (expected one JSON {kind} per line)", path=path)
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON ({exc.msg})", path=path, line=line_no,
                                 column=exc.colno) from exc
            if not isinstance(item, dict):
                raise InputError(f"expected a JSON object, got {type(item).__name__}",
                                 path=path, line=line_no)
            yield line_no, item
        return
    yield from parse_table(text, display, required=REQUIRED[kind], expected=f"{kind}s")


def record_row(record: Record) -> dict[str, Any]:
    """A record as one JSON Lines row that :func:`read_records` reads back the same."""
    from dataclasses import asdict

    row = asdict(record)
    meta = row.pop("meta")
    return {**row, **{k: v for k, v in meta.items() if k not in row}}


def write_records(records: Iterable[Record], path: str | Path) -> int:
    """Write records as JSON Lines (atomically: a temporary file renamed at the end)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    count = 0
    with tmp.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record_row(record), ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
