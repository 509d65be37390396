"""``skillmatch import PATH...``: files in the field's standards, formats detected."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..formats.detect import FORMATS
from ..progress import Progress
from ._common import _app, _emit, _format_option, _taxonomy_option

SHOWN_REJECTIONS = 10  # per file, in text output (JSON has them all)


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--from", "source_format", type=click.Choice(["auto", *FORMATS]),
              default="auto", show_default=True,
              help="The files' format (auto: detected per file, and said).")
@click.option("--kind", type=click.Choice(["credentials", "postings", "needs"]),
              help="The records a file holds, for formats that do not say (our own CSV "
                   "or JSON Lines, a spreadsheet).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=EXPR",
              help="A column mapping for a spreadsheet (repeatable; see "
                   "docs/data-formats.md): title='\"Program Name\"'.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A saved column mapping (TOML), e.g. data/mappings/twc-etpl-2024.toml; "
                   "--map options add to it or override it.")
@click.option("--atomic", is_flag=True,
              help="Each file all or nothing: one rejected record imports none of it.")
@click.option("--dry-run", is_flag=True,
              help="Show the first records of each file as they would be imported; "
                   "store nothing.")
@click.option("--jwks", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local JWKS file to verify signed badges with (never fetched); "
                   "without it a JWT badge is imported marked unverified.")
@_format_option()
@_taxonomy_option
@click.pass_context
def import_files(ctx: click.Context, paths: tuple[str, ...], source_format: str,
                 kind: str | None, maps: tuple[str, ...], mapping: Path | None,
                 atomic: bool, dry_run: bool, jwks: Path | None, fmt: str,
                 taxonomies: tuple[str, ...]) -> None:
    """Import credentials and postings from files, folders, globs and zip or gzip
    archives: Open Badges 2.0/3.0, CTDL, schema.org JobPosting and JDX, skillmatch's own
    CSV or JSON Lines, or any spreadsheet through a column mapping. Valid records are
    imported; rejected ones are reported with the reason."""
    from ..formats.mapping import load_mapping, parse_mapping

    columns = None
    if mapping is not None:
        columns = load_mapping(mapping)
    if maps:
        given = parse_mapping(list(maps))
        columns = columns.combined(given) if columns is not None else given
    data = _app(ctx).import_files(
        list(paths), fmt=source_format, kind=kind, mapping=columns, atomic=atomic,
        dry_run=dry_run, taxonomies=taxonomies, jwks=jwks, progress=Progress())
    _emit(data, fmt, _lines)


def _lines(data: dict[str, Any]) -> Iterable[str]:
    for f in data["files"]:
        kind = f" ({f['kind']}s)" if f["kind"] else ""
        yield (f"{f['path']}: {f['format']}{kind}: {f['created']:,} created, "
               f"{f['updated']:,} updated, {f['unchanged']:,} unchanged, "
               f"{len(f['rejected']):,} rejected")
        if f.get("refused"):
            yield f"  refused: {f['refused']}"
        for r in f["rejected"][:SHOWN_REJECTIONS]:
            at = ", ".join(p for p in (r["where"], f"field {r['field']!r}" if r["field"]
                                       else "") if p)
            yield f"  rejected {at}: {r['reason']}"
        if len(f["rejected"]) > SHOWN_REJECTIONS:
            yield (f"  ... and {len(f['rejected']) - SHOWN_REJECTIONS:,} more rejections "
                   "(--format json lists them all)")
        for what, n in sorted(f["notes"].items()):
            yield f"  note: {what}: {n:,}"
        if f["unused_fields"]:
            yield "  kept in meta, not read by the flows: " + ", ".join(
                f"{k} ({n:,})" for k, n in sorted(f["unused_fields"].items()))
        for rid, phrases in list(f["unresolved"].items())[:SHOWN_REJECTIONS]:
            yield f"  could not link for {rid}: {', '.join(phrases)}"
        for record in f.get("preview") or []:
            yield (f"  would import {record['id']}: {record['title']!r}"
                   + "".join(f", {k}={record[k]!r}" for k in (
                       "provider", "employer", "type", "cost", "hours", "region",
                       "occupation_codes", "occupation_code", "skills")
                       if record.get(k) not in (None, "", [])))
    t = data["totals"]
    if len(data["files"]) > 1:
        yield (f"{t['files']} files: {t['created']:,} created, {t['updated']:,} updated, "
               f"{t['unchanged']:,} unchanged, {t['rejected']:,} rejected")
    if data["dry_run"]:
        yield "dry run: nothing was stored"
