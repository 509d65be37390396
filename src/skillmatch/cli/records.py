"""``skillmatch credentials|postings|needs import|list|show|delete``: the stored records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..catalog.models import cost_text as _cost
from ..catalog.models import hours_text as _hours
from ..progress import Progress
from ._common import _app, _emit, _format_option, _taxonomy_option


def record_group(kind: str, plural: str, what: str) -> click.Group:
    """The command group of one record kind, named ``plural``."""

    @click.group(name=plural, help=f"Import and show {what}.")
    def group() -> None:
        pass

    @group.command("import", help=f"Import {what} from CSV or JSON Lines (upsert by id), "
                   "plain, .gz or in a .zip (ARCHIVE.zip!MEMBER picks one of several); "
                   "skills are linked with evidence, texts embedded and indexed.")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Re-process records whose content is unchanged.")
    @_format_option()
    @_taxonomy_option
    @click.pass_context
    def import_(ctx: click.Context, path: Path, force: bool, fmt: str,
                taxonomies: tuple[str, ...]) -> None:
        data = _app(ctx).import_records(kind, path, force=force, progress=Progress(),
                                        taxonomies=taxonomies)
        _emit(data, fmt, lambda d: [
            f"{d['kind']}s: {d['read']:,} read, {d['imported']:,} imported, "
            f"{d['unchanged']:,} unchanged, {d['mentions']:,} skill mentions "
            f"in {d['seconds']} s ({d['per_second']}/s)",
            *(f"  could not link for {rid}: {', '.join(p)}" for rid, p in d["unresolved"].items()),
            *_field_use_lines(d),
        ])

    @group.command("list", help=f"The stored {what}, a page at a time, with their total.")
    @click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
                  help="At most this many.")
    @click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
                  help="Skip this many first (in import order).")
    @click.option("--all", "all_", is_flag=True, help="Every record (no --limit).")
    @_format_option()
    @click.pass_context
    def list_(ctx: click.Context, limit: int, offset: int, all_: bool, fmt: str) -> None:
        data = _app(ctx).list_records(kind, limit=None if all_ else limit, offset=offset)
        _emit(data, fmt, lambda d: _records_table(d, plural))

    @group.command("show", help=f"One of the {what} with its fields, skills and evidence.")
    @click.argument("record_id")
    @_format_option()
    @click.pass_context
    def show(ctx: click.Context, record_id: str, fmt: str) -> None:
        data = _app(ctx).record(kind, record_id)
        _emit(data, fmt, lambda d: [
            f"{d['code']}: {d.get('title') or d.get('role') or d.get('employer')}",
            *_fields(d),
            f"  skills ({len(d['skills'])}):",
            *(f"    {x['score']:.2f}  {x['label'][:45]:<45} {x['source']:<8} {x['role']:<9}"
              f" \"{(x['evidence']['text'] or '')[:40]}\"" for x in d["skills"]),
        ])

    @group.command("delete", help=f"Delete {what} by id, with their skills and vectors "
                   "(an unknown id deletes nothing).")
    @click.argument("record_ids", nargs=-1, required=True)
    @_format_option()
    @click.pass_context
    def delete(ctx: click.Context, record_ids: tuple[str, ...], fmt: str) -> None:
        data = _app(ctx).delete_records(kind, record_ids)
        _emit(data, fmt, lambda d: [
            f"deleted {len(d['deleted'])} {kind if len(d['deleted']) == 1 else plural}: "
            f"{', '.join(d['deleted'])}"
            + (f" ({d['vectors_removed']} vectors removed)" if kind != "need" else "")])

    return group


credentials = record_group("credential", "credentials", "credentials")
postings = record_group("posting", "postings", "job postings")
needs = record_group("need", "needs", "employers' skill needs")



def _field_use_lines(d: dict[str, Any]) -> Iterable[str]:
    """One line for the fields an import does not use, one for titles-only records."""
    unused = list(d.get("unused_fields", {}).items())
    if unused:
        (name, n), rest = unused[0], unused[1:]
        yield (f"  unused fields: {name} ({n:,} record{'s' if n != 1 else ''})"
               + "".join(f", {k} ({v:,})" for k, v in rest)
               + "; kept as extra fields (see show), read by no flow")
    titles = d.get("titles_only")
    if titles:
        n = titles["records"]
        where = ", ".join(f"{k} ({v:,})" for k, v in titles["text_in"].items())
        yield (f"  imported as titles only: {n:,} record{'s' if n != 1 else ''} had no "
               f"description" + (f"; text found in {where}" if where else ""))


# the columns a list shows per kind (after the id), with their widths
_LIST_COLUMNS = {
    "credential": (("title", 36), ("provider", 24), ("cost", 9), ("hours", 9),
                   ("region", 16)),
    "posting": (("title", 36), ("employer", 24), ("region", 16), ("date_posted", 10)),
    "need": (("employer", 28), ("role", 24), ("region", 16), ("date", 10)),
}


def _records_table(d: dict[str, Any], plural: str) -> Iterable[str]:
    rows = d["records"]
    if not d["total"]:
        yield f"no {plural} stored"
        return
    if not rows:
        yield f"no {plural} after offset {d['offset']} ({d['total']:,} stored)"
        return
    first, last = d["offset"] + 1, d["offset"] + len(rows)
    more = f" (next: --offset {last})" if last < d["total"] else ""
    yield f"{plural} {first:,}-{last:,} of {d['total']:,}{more}"
    columns = _LIST_COLUMNS[d["kind"]]
    width = max(12, *(len(r["code"]) for r in rows))
    yield (f"{'id':<{width}} " + " ".join(f"{name:<{w}}" for name, w in columns)
           + " skills")
    for r in rows:
        cells = [_cell(name, r[name])[:w] for name, w in columns]
        yield (f"{r['code']:<{width}} " + " ".join(f"{c:<{w}}" for c, (_, w) in
                                                   zip(cells, columns))
               + f" {r['skill_count']:>6}")


def _cell(name: str, value: Any) -> str:
    if name == "cost":
        return _cost(value)
    if name == "hours":
        return _hours(value)
    return "" if value is None else str(value)


_SHOWN = {"id", "code", "title", "skills", "meta", "content_hash", "updated_at"}


def _fields(d: dict[str, Any]) -> Iterable[str]:
    """A stored record's fields, one a line; empty ones left out, cost and hours always
    (unknown when not given); fields the importer kept but does not use last."""
    for name, value in d.items():
        if name in _SHOWN or (value in ("", [], None) and name not in ("cost", "hours")):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        yield f"  {name}: {_cell(name, value)}"
    for name, value in (d.get("meta") or {}).items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        yield f"  {name}: {str(text)[:200]}"
