"""``skillmatch taxonomy``, ``crosswalk`` and ``index``: what the texts are linked against."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..progress import Progress
from ._common import _app, _emit, _format_option


# ------------------------------------------------------------------ taxonomy
@click.group()
def taxonomy() -> None:
    """Import and list skill taxonomies (ESCO, O*NET, your own)."""


@taxonomy.command("import")
@click.argument("kind", type=click.Choice(["esco", "onet", "custom", "rsd"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="Name to store it under (default: the kind).")
@click.option("--version", "version", help="Version label (default: read from the source).")
@click.option("--replace", is_flag=True, help="Update a taxonomy of the same name.")
@_format_option()
@click.pass_context
def taxonomy_import(
    ctx: click.Context,
    kind: str,
    path: Path,
    name: str | None,
    version: str | None,
    replace: bool,
    fmt: str,
) -> None:
    """Import a taxonomy from a folder or zip (KIND: esco, onet, custom, or rsd: Rich
    Skill Descriptors, one or a collection, as OSMT exports them)."""
    started = time.perf_counter()
    info = _app(ctx).import_taxonomy(kind, path, name=name, version=version, replace=replace)
    data = {**info.to_dict(), "seconds": round(time.perf_counter() - started, 2)}
    _emit(data, fmt, lambda d: [
        f"imported {d['name']} ({d['kind']} {d['version']}) in {d['seconds']} s",
        *(f"  {k:<12} {v:>9,}" for k, v in d["counts"].items()),
    ])


@taxonomy.command("list")
@_format_option()
@click.pass_context
def taxonomy_list(ctx: click.Context, fmt: str) -> None:
    """Loaded taxonomies with counts per kind."""
    data = [t.to_dict() for t in _app(ctx).list_taxonomies()]

    def table(rows: list[dict[str, Any]]) -> Iterable[str]:
        if not rows:
            yield "no taxonomy loaded"
            return
        keys = list(rows[0]["counts"])
        yield f"{'name':<10} {'kind':<7} {'version':<10} " + " ".join(f"{k:>11}" for k in keys)
        for r in rows:
            counts = " ".join(f"{r['counts'][k]:>11,}" for k in keys)
            yield f"{r['name']:<10} {r['kind']:<7} {r['version']:<10} {counts}"

    _emit(data, fmt, table)


# ----------------------------------------------------------------- crosswalk
@click.group()
def crosswalk() -> None:
    """Import and list occupation code crosswalks (O*NET-SOC 2010 to 2019, SOC 2010 to
    2018): occupations then resolve by old codes, and postings coded with them count."""


@crosswalk.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["onet-2010", "soc-2010"]),
              help="Only this crosswalk of a folder (default: every one found).")
@_format_option()
@click.pass_context
def crosswalk_import(ctx: click.Context, path: Path, kind: str | None, fmt: str) -> None:
    """Import O*NET's 2010_to_2019_Crosswalk.csv, BLS's soc_2010_to_2018_crosswalk.xlsx,
    or a folder holding them (replaces a crosswalk of the same kind)."""
    data = _app(ctx).import_crosswalk(path, kind)
    _emit(data, fmt, lambda rows: [f"imported {r['kind']}: {r['pairs']:,} code pairs from "
                                   f"{r['source']}" for r in rows])


@crosswalk.command("list")
@_format_option()
@click.pass_context
def crosswalk_list(ctx: click.Context, fmt: str) -> None:
    """Imported crosswalks."""
    data = _app(ctx).list_crosswalks()
    _emit(data, fmt, lambda rows: [f"{r['kind']:<10} {r['pairs']:>6,} pairs  {r['source']}"
                                   for r in rows] or ["no crosswalk imported"])


# --------------------------------------------------------------------- index
@click.group()
def index() -> None:
    """Build and inspect the vector indexes."""


@index.command("build")
@click.option("--taxonomy", "names", multiple=True, help="Only these taxonomies.")
@click.option("--force", is_flag=True, help="Rebuild even when current.")
@_format_option()
@click.pass_context
def index_build(ctx: click.Context, names: tuple[str, ...], force: bool, fmt: str) -> None:
    """Embed and index the skills and occupations of the loaded taxonomies."""
    data = _app(ctx).build_indexes(names, force=force, progress=Progress())
    _emit(data, fmt, _index_table)


@index.command("status")
@_format_option()
@click.pass_context
def index_status(ctx: click.Context, fmt: str) -> None:
    """Which indexes exist and whether they are current."""
    _emit(_app(ctx).index_status(), fmt, _index_table)


@index.command("check")
@click.option("--repair", is_flag=True,
              help="First bring the record indexes up to the database.")
@_format_option()
@click.pass_context
def index_check(ctx: click.Context, repair: bool, fmt: str) -> None:
    """Check that every stored credential and posting has exactly one vector in its
    index, and no vector belongs to a deleted record (exit 1 when not)."""
    rows = _app(ctx).check_indexes(repair=repair)

    def table(rows: list[dict[str, Any]]) -> Iterable[str]:
        for r in rows:
            state = "ok" if r["ok"] else (
                f"{len(r['missing'])} missing, {len(r['orphans'])} orphans, "
                f"{r['duplicates']} duplicates; run `skillmatch index check --repair`")
            yield f"{r['kind']:<12} {r['records']:>8,} records {r['vectors']:>8,} vectors  {state}"

    _emit(rows, fmt, table)
    if not all(r["ok"] for r in rows):
        ctx.exit(1)


def _index_table(rows: list[dict[str, Any]]) -> Iterable[str]:
    for r in rows:
        if r.get("status") == "missing":
            yield f"{r['name']:<24} missing"
            continue
        yield (
            f"{r['name']:<24} {r['status']:<8} {r['count']:>8,} vectors  {r['index_type']:<5}"
            f" {r.get('model', '')}  {r.get('build_seconds', '')} s"
        )
