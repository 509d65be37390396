"""The ``skillmatch`` command line: a thin adapter over :class:`SkillMatch`.

Commands parse arguments, call the facade, and print. Errors from the library
become one line on stderr and exit status 1; no logic lives here.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .errors import InputError, SkillmatchError
from .progress import Progress
from .records import LinkResult
from .settings import Settings

FORMATS = click.Choice(["table", "json"])


class _Group(click.Group):
    """Turns library errors into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SkillmatchError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def _app(ctx: click.Context) -> Any:
    from .app import SkillMatch

    obj = ctx.find_root().obj
    if "app" not in obj:
        obj["app"] = SkillMatch(obj["settings"])
        ctx.call_on_close(obj["app"].close)
    return obj["app"]


def _emit(data: Any, fmt: str, table: Callable[[Any], Iterable[str]]) -> None:
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in table(data):
            click.echo(line)


@click.group(cls=_Group)
@click.option("--home", type=click.Path(path_type=Path), help="Workspace directory.")
@click.option(
    "--embedder",
    type=click.Choice(["onnx", "sentence-transformers", "fake"]),
    help="Embedding backend (default: onnx).",
)
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, home: Path | None, embedder: str | None, verbose: int) -> None:
    """skillmatch: which credentials teach the skills employers ask for."""
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    overrides: dict[str, Any] = {}
    if home is not None:
        overrides["home"] = home
    if embedder is not None:
        overrides["embedder"] = embedder
    ctx.obj = {"settings": Settings(**overrides)}


# ------------------------------------------------------------------ taxonomy
@main.group()
def taxonomy() -> None:
    """Import and list skill taxonomies (ESCO, O*NET, your own)."""


@taxonomy.command("import")
@click.argument("kind", type=click.Choice(["esco", "onet", "custom"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="Name to store it under (default: the kind).")
@click.option("--version", "version", help="Version label (default: read from the source).")
@click.option("--replace", is_flag=True, help="Update a taxonomy of the same name.")
@click.option("--format", "fmt", type=FORMATS, default="table")
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
    """Import a taxonomy from a folder or zip (KIND: esco, onet or custom)."""
    import time

    started = time.perf_counter()
    info = _app(ctx).import_taxonomy(kind, path, name=name, version=version, replace=replace)
    data = {**info.to_dict(), "seconds": round(time.perf_counter() - started, 2)}
    _emit(data, fmt, lambda d: [
        f"imported {d['name']} ({d['kind']} {d['version']}) in {d['seconds']} s",
        *(f"  {k:<12} {v:>9,}" for k, v in d["counts"].items()),
    ])


@taxonomy.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table")
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


# --------------------------------------------------------------------- index
@main.group()
def index() -> None:
    """Build and inspect the vector indexes."""


@index.command("build")
@click.option("--taxonomy", "names", multiple=True, help="Only these taxonomies.")
@click.option("--force", is_flag=True, help="Rebuild even when current.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def index_build(ctx: click.Context, names: tuple[str, ...], force: bool, fmt: str) -> None:
    """Embed and index the skills and occupations of the loaded taxonomies."""
    data = _app(ctx).build_indexes(names, force=force, progress=Progress())
    _emit(data, fmt, _index_table)


@index.command("status")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def index_status(ctx: click.Context, fmt: str) -> None:
    """Which indexes exist and whether they are current."""
    _emit(_app(ctx).index_status(), fmt, _index_table)


def _index_table(rows: list[dict[str, Any]]) -> Iterable[str]:
    for r in rows:
        if r.get("status") == "missing":
            yield f"{r['name']:<24} missing"
            continue
        yield (
            f"{r['name']:<24} {r['status']:<8} {r['count']:>8,} vectors  {r['index_type']:<5}"
            f" {r.get('model', '')}  {r.get('build_seconds', '')} s"
        )


# -------------------------------------------------------------------- skills
@main.group()
def skills() -> None:
    """Link the skills in texts to the taxonomy."""


@skills.command("link")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Link a whole file as one text.")
@click.option("--input", "input_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="One text per line; one result per line, in order.")
@click.option("--top-k", type=int, help="Ranked mode: the K best skills per text.")
@click.option("--threshold", type=float, help="Minimum score (default: a setting).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]))
@click.pass_context
def skills_link(
    ctx: click.Context,
    text: str | None,
    file: Path | None,
    input_: Path | None,
    top_k: int | None,
    threshold: float | None,
    fmt: str | None,
) -> None:
    """Link skills in TEXT, a --file, or each line of an --input file."""
    given = [x for x in (text, file, input_) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of TEXT, --file or --input")
    if input_ is not None:
        texts = _read_lines(input_)
    elif file is not None:
        texts = [_read_text(file)]
    else:
        texts = [str(text)]
    if not any(t.strip() for t in texts):
        raise InputError("nothing to link: the text is empty", path=file or input_)
    app = _app(ctx)
    results = app.link(texts, top_k=top_k, threshold=threshold)
    fmt = fmt or ("jsonl" if input_ is not None else "json")
    provenance = app.provenance()
    if fmt == "jsonl":
        for r in results:
            click.echo(json.dumps(r.to_dict(), ensure_ascii=False))
    elif fmt == "json":
        dicts = [{**r.to_dict(), "provenance": provenance} for r in results]
        payload: Any = dicts if input_ is not None else dicts[0]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for line in _link_table(results):
            click.echo(line)
        click.echo(f"model {provenance['model']}; taxonomies "
                   + ", ".join(f"{k} {v}" for k, v in provenance["taxonomies"].items()))


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 (expected UTF-8 text)",
            path=path, line=line, column=column,
        ) from exc


def _read_lines(path: Path) -> list[str]:
    return _read_text(path).splitlines()


def _link_table(results: list[LinkResult]) -> Iterable[str]:
    for r in results:
        yield r.text if len(r.text) <= 100 else r.text[:97] + "..."
        if not r.skills:
            yield "    (no skill above the threshold)"
        for s in r.skills:
            yield f"    {s.score:.3f}  {s.label:<45.45} [{s.taxonomy}]  \"{s.evidence.text[:50]}\""
        yield ""


# ------------------------------------------------- credentials, postings, needs
def _record_group(kind: str, plural: str, what: str) -> None:
    @main.group(name=plural, help=f"Import and show {what}.")
    def group() -> None:
        pass

    @group.command("import", help=f"Import {what} from CSV or JSON Lines (upsert by id); "
                   "skills are linked with evidence, texts embedded and indexed.")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Re-process records whose content is unchanged.")
    @click.option("--format", "fmt", type=FORMATS, default="table")
    @click.pass_context
    def import_(ctx: click.Context, path: Path, force: bool, fmt: str) -> None:
        data = _app(ctx).import_records(kind, path, force=force, progress=Progress())
        _emit(data, fmt, lambda d: [
            f"{d['kind']}s: {d['read']:,} read, {d['imported']:,} imported, "
            f"{d['unchanged']:,} unchanged, {d['mentions']:,} skill mentions "
            f"in {d['seconds']} s ({d['per_second']}/s)",
            *(f"  could not link for {rid}: {', '.join(p)}" for rid, p in d["unresolved"].items()),
        ])

    @group.command("show", help=f"One of the {what} with its skills and evidence.")
    @click.argument("record_id")
    @click.option("--format", "fmt", type=FORMATS, default="table")
    @click.pass_context
    def show(ctx: click.Context, record_id: str, fmt: str) -> None:
        data = _app(ctx).record(kind, record_id)
        _emit(data, fmt, lambda d: [
            f"{d['code']}: {d.get('title') or d.get('role') or d.get('employer')}",
            *(f"    {x['score']:.2f}  {x['label'][:45]:<45} {x['source']:<8} {x['role']:<9}"
              f" \"{(x['evidence']['text'] or '')[:40]}\"" for x in d["skills"]),
        ])


_record_group("credential", "credentials", "credentials")
_record_group("posting", "postings", "job postings")
_record_group("need", "needs", "employers' skill needs")


# -------------------------------------------------------------------- models
@main.group()
def models() -> None:
    """Export and list embedding models."""


@models.command("build")
@click.option("--force", is_flag=True, help="Re-export even if present.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_build(ctx: click.Context, force: bool, fmt: str) -> None:
    """Export the model to ONNX under models/ (once; query time needs no torch)."""
    from .embeddings.export import export_onnx, verify_model

    settings: Settings = ctx.find_root().obj["settings"]
    target = settings.models_dir / settings.model_name
    if target.exists() and not force:
        data = verify_model(settings.models_dir, settings.model_name)
        data["status"] = "present"
    else:
        export_onnx(settings.models_dir, settings.model_name)
        data = verify_model(settings.models_dir, settings.model_name)
        data["status"] = "built"
    _emit(data, fmt, lambda d: [f"{settings.model_name}: {d['status']} at {target}"])


@models.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_list(ctx: click.Context, fmt: str) -> None:
    """Installed models and which one is active."""
    from .embeddings.export import list_models

    settings: Settings = ctx.find_root().obj["settings"]
    rows = list_models(settings.models_dir)
    for r in rows:
        r["active"] = r.get("name") == settings.model_name and settings.embedder == "onnx"
    _emit(rows, fmt, lambda rs: [
        f"{'*' if r['active'] else ' '} {r.get('name')}  dim {r.get('dimension')}" for r in rs
    ] or ["no model built; run `skillmatch models build`"])


# ---------------------------------------------------------------------- eval
@main.group(name="eval")
def eval_() -> None:
    """Measure quality on the real data in ../shared/data."""


@eval_.command("linking")
@click.option("--sample", type=int, help="Seeded sample of ESCO occupations (default: all).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--skillspan-limit", type=int, help="At most this many SkillSpan sentences.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def eval_linking(
    ctx: click.Context, sample: int | None, seed: int, skillspan_limit: int | None, fmt: str
) -> None:
    """Skill linking against a plain nearest-label baseline, side by side."""
    from .evaluation.linking import evaluate_linking, format_report

    report = evaluate_linking(
        _app(ctx), sample=sample, seed=seed, skillspan_limit=skillspan_limit, progress=Progress()
    )
    _emit(report, fmt, format_report)


# ---------------------------------------------------------------------- demo
@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def demo(ctx: click.Context, fmt: str) -> None:
    """The main job on the built-in data: load it, index it, link its texts."""
    from .demo import run_demo

    data = run_demo(_app(ctx), progress=Progress())
    from .demo import demo_table

    _emit(data, fmt, demo_table)


if __name__ == "__main__":  # pragma: no cover
    main()
