"""Reading credentials, postings and needs from CSV or JSON Lines files."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, InputError
from ..taxonomy.sources import decode, parse_table
from .models import PARSERS, Record

REQUIRED = {"credential": ("id", "title"), "posting": ("id", "title"), "need": ("employer",)}


def read_records(kind: str, path: str | Path) -> list[Record]:
    """Every record of ``kind`` in the file; the first bad row raises, naming its line."""
    if kind not in PARSERS:
        raise ConfigurationError(f"unknown record kind {kind!r} (choose one of "
                                 f"{', '.join(PARSERS)})")
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file (expected a CSV or JSON Lines file)", path=path)
    text = decode(path.read_bytes(), str(path))
    parse: Callable[[dict[str, Any], str, int], Record] = PARSERS[kind]  # type: ignore[assignment]
    records: list[Record] = []
    seen: dict[str, int] = {}
    for line, row in _rows(kind, text, path):
        record = parse(row, str(path), line)
        records.append(record)
        first = seen.setdefault(record.id, line)
        if first != line:
            raise InputError(f"duplicate id {record.id!r} (first on line {first})",
                             path=path, line=line, field="id")
    if not records:
        raise InputError(f"no {kind}s in the file (expected at least one row)", path=path)
    return records


def _rows(kind: str, text: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
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
    yield from parse_table(text, str(path), required=REQUIRED[kind], expected=f"{kind}s")


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
