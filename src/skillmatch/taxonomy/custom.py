"""A plain CSV, JSON or JSON Lines file of your own skills.

Columns (CSV) or keys (JSON): ``id`` and ``label`` required; ``alt_labels`` (``|``
separated in CSV, a list in JSON), ``description``, ``skill_type``, and the
cross-references ``esco_uri`` and ``onet_code`` (kept in the skill's meta).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import SkillRecord, TaxonomyBundle
from .sources import UniqueIds, decode, parse_table, split_multi

log = logging.getLogger(__name__)

REQUIRED = ("id", "label")
OPTIONAL = ("alt_labels", "description", "skill_type")
CROSS_REFERENCES = ("esco_uri", "onet_code")
EXPECTED = "a CSV, JSON or JSON Lines file of skills with id and label"
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
_decoder = json.JSONDecoder()


def read_custom(
    path: str | Path, name: str = "custom", version: str | None = None
) -> TaxonomyBundle:
    """Skills of a custom file; the format follows the suffix (.json/.jsonl, else CSV)."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(f"no such file (expected {EXPECTED})", path=path)
    text = decode(path.read_bytes(), where)
    is_json = path.suffix.lower() in JSON_SUFFIXES
    if is_json:
        rows: Iterator[tuple[int, dict[str, Any]]] = _json_rows(text, where)
    else:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        rows = iter(parse_table(text, where, required=REQUIRED, delimiter=delimiter,
                                expected="a custom skills file"))
    ids = UniqueIds(where, "id")
    bundle = TaxonomyBundle(name=name, kind="custom", version=version or "unknown",
                            source=where)
    ignored: set[str] = set()
    for line, row in rows:
        code = _text(row, "id", where, line, is_json, required=True)
        if is_json:
            ids.add(code, line, field="id")
        else:
            ids.add(code, line, column="id")
        bundle.skills.append(SkillRecord(
            code=code,
            label=_text(row, "label", where, line, is_json, required=True),
            alt_labels=_alt_labels(row.get("alt_labels"), where, line, is_json),
            description=_text(row, "description", where, line, is_json),
            skill_type=_text(row, "skill_type", where, line, is_json),
            meta={k: v for k in CROSS_REFERENCES
                  if (v := _text(row, k, where, line, is_json))},
        ))
        ignored.update(k for k in row if k not in REQUIRED + OPTIONAL + CROSS_REFERENCES)
    if not bundle.skills:
        raise InputError(f"no skills in the file (expected {EXPECTED}, at least one)", path=path)
    if ignored:
        log.info("%s: ignored column(s) %s", where, ", ".join(sorted(ignored)))
    return bundle


def _where(where: str, line: int, key: str, is_json: bool) -> dict[str, Any]:
    return {"path": where, "line": line, ("field" if is_json else "column"): key}


def _text(row: dict[str, Any], key: str, where: str, line: int, is_json: bool,
          required: bool = False) -> str:
    value = row.get(key)
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{key} is a {type(value).__name__} (expected text)",
                         **_where(where, line, key, is_json))
    value = str(value).strip()
    if required and not value:
        raise InputError("required value is missing or empty", **_where(where, line, key,
                                                                          is_json))
    return value


def _alt_labels(value: Any, where: str, line: int, is_json: bool) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return split_multi(value, "|")
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return split_multi("\n".join(value))
    raise InputError("alt_labels must be a list of strings or text separated by '|'",
                     **_where(where, line, "alt_labels", is_json))


def _json_rows(text: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Objects of a JSON array or of JSON Lines, each with the line it starts on."""
    start = len(text) - len(text.lstrip())
    if start == len(text):
        raise InputError(f"file is empty (expected {EXPECTED})", path=where)
    if text[start] == "[":
        yield from _array_items(text, start + 1, where)
        return
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            if text[start] == "{" and _parses(text):
                raise InputError("one JSON object spanning several lines (expected a JSON "
                                 "array of skills, or JSON Lines: one object per line)",
                                 path=where, line=line_no) from exc
            raise InputError(f"invalid JSON ({exc.msg})", path=where, line=line_no,
                             column=exc.colno) from exc
        yield line_no, _object(item, where, line_no)


def _array_items(text: str, pos: int, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Walk the array item by item so each object keeps its line number."""
    try:
        json.loads(text)  # the whole file first: a syntax error is reported exactly
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg})", path=where, line=exc.lineno,
                         column=exc.colno) from exc
    while True:
        pos = _skip(text, pos)
        if text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        item, pos = _decoder.raw_decode(text, pos)
        yield line, _object(item, where, line)
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos += 1


def _skip(text: str, pos: int) -> int:
    while text[pos] in " \t\r\n":
        pos += 1
    return pos


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _object(item: Any, where: str, line: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"expected a JSON object with id and label, got {type(item).__name__}",
                         path=where, line=line)
    return item
