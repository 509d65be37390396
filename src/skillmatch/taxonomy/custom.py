"""A plain CSV, JSON or JSON Lines file of your own skills.

Columns (CSV) or keys (JSON): ``id`` and ``label`` required; ``alt_labels`` (``|``
separated in CSV, a list in JSON), ``description``, ``skill_type``, and the
cross-references ``esco_uri`` and ``onet_code`` (kept with the skill).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import SkillRecord, TaxonomyBundle
from .sources import UniqueIds, decode, parse_table, split_multi

REQUIRED = ("id", "label")
CROSS_REFERENCES = ("esco_uri", "onet_code")


def read_custom(
    path: str | Path, name: str = "custom", version: str | None = None
) -> TaxonomyBundle:
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file (expected a CSV, JSON or JSON Lines file)", path=path)
    text = decode(path.read_bytes(), str(path))
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        rows = list(_json_rows(text, str(path)))
    else:
        rows = [(line, dict(row)) for line, row in
                parse_table(text, str(path), required=REQUIRED, expected="custom skills")]
    ids = UniqueIds(str(path), "id")
    bundle = TaxonomyBundle(name=name, kind="custom", version=version or "1", source=str(path))
    for line, row in rows:
        code = _text(row, "id", path, line)
        ids.add(code, line, "id")
        alt = row.get("alt_labels") or []
        if isinstance(alt, str):
            alt = split_multi(alt, "|")
        elif not isinstance(alt, list) or not all(isinstance(a, str) for a in alt):
            raise InputError("alt_labels must be a list of strings", path=path, line=line,
                             field="alt_labels")
        bundle.skills.append(SkillRecord(
            code=code,
            label=_text(row, "label", path, line),
            alt_labels=[a.strip() for a in alt if a.strip()],
            description=str(row.get("description") or "").strip(),
            skill_type=str(row.get("skill_type") or "").strip(),
            meta={k: str(row[k]).strip() for k in CROSS_REFERENCES if row.get(k)},
        ))
    if not bundle.skills:
        raise InputError("no skills in the file (expected at least one row)", path=path)
    return bundle


def _text(row: dict[str, Any], key: str, path: Path, line: int) -> str:
    value = row.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise InputError("required value is missing or empty", path=path, line=line, field=key)
    return str(value).strip()


def _json_rows(text: str, display: str):  # type: ignore[no-untyped-def]
    stripped = text.lstrip()
    if not stripped:
        raise InputError("file is empty (expected JSON skills with id and label)", path=display)
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg})", path=display, line=exc.lineno,
                             column=exc.colno) from exc
        # line numbers of array items: best effort, by position of each object
        for i, item in enumerate(data, start=1):
            yield i, _object(item, display, i)
        return
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg})", path=display, line=line_no,
                             column=exc.colno) from exc
        yield line_no, _object(item, display, line_no)


def _object(item: Any, display: str, line: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"expected a JSON object with id and label, got {type(item).__name__}",
                         path=display, line=line)
    return item
