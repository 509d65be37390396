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
from pydantic import ValidationError

from .catalog.models import cost_text as _cost
from .catalog.models import hours_text as _hours
from .errors import ConfigurationError, InputError, SkillmatchError
from .progress import Progress
from .records import LinkResult
from .settings import Settings, settings_error

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


def _slow() -> Progress:
    """Progress for a flow's loading steps (demand fit, catalogue, occupation signals):
    on stderr, and only for a step that has run a second (a warm call prints nothing)."""
    return Progress(delay=1.0)


def _emit(data: Any, fmt: str, table: Callable[[Any], Iterable[str]]) -> None:
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in table(data):
            click.echo(line)


def _taxonomy_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--taxonomy NAME`` (repeatable): the taxonomies a command links against."""
    return click.option(
        "--taxonomy", "taxonomies", multiple=True, metavar="NAME",
        help="Only this taxonomy's skills (repeatable, or a comma list); default: the "
        "setting taxonomies, else every loaded one, each ranked on its own.")(f)


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
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:  # one line, not pydantic's report
        raise ConfigurationError(settings_error(exc)) from None
    ctx.obj = {"settings": settings}


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


def _target_lines(occ: dict[str, Any]) -> list[str]:
    """The target occupation, what it was resolved from, and what else matched."""
    lines = [f"target: {occ['label']} ({occ['code']}, {occ['taxonomy']}; "
             f"{occ['postings_and_needs']} postings and needs), {occ['resolved_by']} "
             f"from {occ['resolved_from']!r}"]
    if occ.get("note"):
        lines.append(f"  {occ['note']}")
    if occ.get("alternatives"):
        lines.append("  also matched: " + "; ".join(
            f"{a['label']} ({a['code']}, {a['postings_and_needs']})"
            for a in occ["alternatives"]))
    return lines


# ----------------------------------------------------------------- crosswalk
@main.group()
def crosswalk() -> None:
    """Import and list occupation code crosswalks (O*NET-SOC 2010 to 2019, SOC 2010 to
    2018): occupations then resolve by old codes, and postings coded with them count."""


@crosswalk.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["onet-2010", "soc-2010"]),
              help="Only this crosswalk of a folder (default: every one found).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def crosswalk_import(ctx: click.Context, path: Path, kind: str | None, fmt: str) -> None:
    """Import O*NET's 2010_to_2019_Crosswalk.csv, BLS's soc_2010_to_2018_crosswalk.xlsx,
    or a folder holding them (replaces a crosswalk of the same kind)."""
    data = _app(ctx).import_crosswalk(path, kind)
    _emit(data, fmt, lambda rows: [f"imported {r['kind']}: {r['pairs']:,} code pairs from "
                                   f"{r['source']}" for r in rows])


@crosswalk.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def crosswalk_list(ctx: click.Context, fmt: str) -> None:
    """Imported crosswalks."""
    data = _app(ctx).list_crosswalks()
    _emit(data, fmt, lambda rows: [f"{r['kind']:<10} {r['pairs']:>6,} pairs  {r['source']}"
                                   for r in rows] or ["no crosswalk imported"])


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
@_taxonomy_option
@click.pass_context
def skills_link(
    ctx: click.Context,
    text: str | None,
    file: Path | None,
    input_: Path | None,
    top_k: int | None,
    threshold: float | None,
    fmt: str | None,
    taxonomies: tuple[str, ...],
) -> None:
    """Link skills in TEXT, a --file, or each line of an --input file. With several
    taxonomies, each is ranked (or thresholded) on its own: one group per taxonomy."""
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
    results = app.link(texts, top_k=top_k, threshold=threshold, taxonomies=taxonomies)
    fmt = fmt or ("jsonl" if input_ is not None else "json")
    provenance = app.provenance(taxonomies)
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

    @group.command("import", help=f"Import {what} from CSV or JSON Lines (upsert by id), "
                   "plain, .gz or in a .zip (ARCHIVE.zip!MEMBER picks one of several); "
                   "skills are linked with evidence, texts embedded and indexed.")
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help="Re-process records whose content is unchanged.")
    @click.option("--format", "fmt", type=FORMATS, default="table")
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
    @click.option("--format", "fmt", type=FORMATS, default="table")
    @click.pass_context
    def list_(ctx: click.Context, limit: int, offset: int, all_: bool, fmt: str) -> None:
        data = _app(ctx).list_records(kind, limit=None if all_ else limit, offset=offset)
        _emit(data, fmt, lambda d: _records_table(d, plural))

    @group.command("show", help=f"One of the {what} with its fields, skills and evidence.")
    @click.argument("record_id")
    @click.option("--format", "fmt", type=FORMATS, default="table")
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
    @click.option("--format", "fmt", type=FORMATS, default="table")
    @click.pass_context
    def delete(ctx: click.Context, record_ids: tuple[str, ...], fmt: str) -> None:
        data = _app(ctx).delete_records(kind, record_ids)
        _emit(data, fmt, lambda d: [
            f"deleted {len(d['deleted'])} {kind if len(d['deleted']) == 1 else plural}: "
            f"{', '.join(d['deleted'])}"
            + (f" ({d['vectors_removed']} vectors removed)" if kind != "need" else "")])


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


_record_group("credential", "credentials", "credentials")


@main.command()
@click.option("--region", help="Only postings and needs of this region: ST covers ST and "
              "every ST-Place, ST-Place only itself.")
@click.option("--occupation", help="Only this occupation (code or title); adds skill tiers.")
@click.option("--since", help="Window start (YYYY-MM-DD, inclusive).")
@click.option("--until", help="Window end (YYYY-MM-DD, exclusive).")
@click.option("--top", type=int, default=20, show_default=True)
@click.option("--order", type=click.Choice(["score", "share"]), default="score",
              show_default=True, help="Specificity-adjusted score, or raw share.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@_taxonomy_option
@click.pass_context
def demand(ctx: click.Context, region: str | None, occupation: str | None, since: str | None,
           until: str | None, top: int, order: str, fmt: str,
           taxonomies: tuple[str, ...]) -> None:
    """Employer demand per skill, from postings and stated needs."""
    window = (since or "0001-01-01", until or "9999-12-31") if since or until else None
    data = _app(ctx).demand(region=region, occupation=occupation, window=window, top=top,
                            order=order, taxonomies=taxonomies, progress=_slow())

    def table(d: dict[str, Any]) -> Iterable[str]:
        if d.get("target"):
            yield from _target_lines(d["target"])
        yield (f"{d['records']:,} postings and needs (weight {d['weight']}, half-life "
               f"{d['half_life_days']:g} days from {d['reference_date']})")
        yield f"{'skill':<42} {'postings':>8} {'share':>7} {'specif.':>7} {'score':>7}"
        for r in d["skills"]:
            yield (f"{r['skill']['label'][:42]:<42} {r['postings']:>8} {r['share']:>7.3f}"
                   f" {r['specificity']:>7.3f} {r['score']:>7.3f}")
        for tier in ("necessary", "defining", "distinguishing"):
            if "tiers" in d and d["tiers"].get(tier):
                yield f"{tier}: " + ", ".join(x["label"] for x in d["tiers"][tier][:10])

    _emit(data, fmt, table)


@main.command()
@click.argument("query", required=False)
@click.option("--occupation", help="Target occupation: O*NET-SOC code, ESCO URI or title.")
@click.option("--knows", multiple=True, help="A skill the student has (repeatable).")
@click.option("--max-cost", type=float, help="At most this cost (unknown costs left out).")
@click.option("--max-hours", type=float, help="At most this many hours (unknown left out).")
@click.option("--include-unknown-cost", is_flag=True,
              help="Let credentials with no cost given pass --max-cost.")
@click.option("--include-unknown-hours", is_flag=True,
              help="Let credentials with no hours given pass --max-hours.")
@click.option("--type", "types", multiple=True, help="Credential type (repeatable).")
@click.option("--delivery", multiple=True, type=click.Choice(["online", "in person", "hybrid"]))
@click.option("--region", help="ST or ST-Place: credentials offered there (ST covers its "
              "places), statewide in its state, or online; demand of that region.")
@click.option("-k", "k", type=int, default=10, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@_taxonomy_option
@click.pass_context
def recommend(ctx: click.Context, query: str | None, occupation: str | None,
              knows: tuple[str, ...], max_cost: float | None, max_hours: float | None,
              include_unknown_cost: bool, include_unknown_hours: bool,
              types: tuple[str, ...], delivery: tuple[str, ...], region: str | None, k: int,
              fmt: str, taxonomies: tuple[str, ...]) -> None:
    """Credentials a student should pursue, ranked and explained."""
    data = _app(ctx).recommend(query, occupation=occupation, known_skills=knows,
                               max_cost=max_cost, max_hours=max_hours, types=types,
                               delivery=delivery, region=region, k=k,
                               include_unknown_cost=include_unknown_cost,
                               include_unknown_hours=include_unknown_hours,
                               taxonomies=taxonomies, progress=_slow())

    def table(d: dict[str, Any]) -> Iterable[str]:
        if "occupation" in d:
            yield from _target_lines(d["occupation"])
        if d.get("implied_targets"):
            yield "the query stands for: " + "; ".join(
                f"{t['label']} ({t['code']}, {t['postings_and_needs']} postings and needs)"
                for t in d["implied_targets"])
        yield f"demand from: {d.get('demand_basis', '-')}"
        yield d.get("formula", "")
        if d.get("reason"):
            yield d["reason"]
        for n, r in enumerate(d["results"], start=1):
            cost, hours = _cost(r["cost"], "cost unknown"), _hours(r["hours"], "hours unknown")
            yield f"{n:>2}. {r['title']} ({r['provider']}) {r['score']:.3f}  {cost}, {hours}"
            fit = "" if r.get("skill_fit") is None else f", skill fit {r['skill_fit']:.2f}"
            yield (f"      relevance {r['relevance']:.2f} (text {r['text_similarity']:.2f}"
                   f"{fit}), value {r['value']:.2f}")
            for s in r["in_demand_skills"][:3]:
                yield (f"      teaches {s['label']} (in {s['postings']} postings, share "
                       f"{s['share']:.2f})")
            if r["postings"]:
                yield "      asked for by: " + "; ".join(
                    f"{p['title']} at {p['employer']}" for p in r["postings"])

    _emit(data, fmt, table)


@main.command()
@click.argument("credential", required=False)
@click.option("--description", help="Align a free-text description instead.")
@click.option("--occupation", "occupations", multiple=True, help="Target (repeatable).")
@click.option("--region")
@click.option("-k", "k", type=int, default=5, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "html"]),
              default="table")
@click.option("--chart", type=click.Path(path_type=Path), help="Write the coverage chart here.")
@_taxonomy_option
@click.pass_context
def align(ctx: click.Context, credential: str | None, description: str | None,
          occupations: tuple[str, ...], region: str | None, k: int, fmt: str,
          chart: Path | None, taxonomies: tuple[str, ...]) -> None:
    """How well a credential matches demand: coverage, gaps, what to add."""
    from .flows.report import alignment_chart, alignment_html, alignment_markdown

    data = _app(ctx).align(credential, description=description, occupations=occupations,
                           region=region, k=k, taxonomies=taxonomies, progress=_slow())
    if chart is not None:
        alignment_chart(data, chart)
    if fmt == "markdown":
        click.echo(alignment_markdown(data))
    elif fmt == "html":
        click.echo(alignment_html(data))
    else:
        _emit(data, fmt, lambda d: alignment_markdown(d).splitlines())


@main.command()
@click.argument("occupation")
@click.option("--knows", multiple=True, help="A skill the student has (repeatable).")
@click.option("--by", type=click.Choice(["cost", "hours"]), default="cost", show_default=True)
@click.option("--max-steps", type=int, default=4, show_default=True)
@click.option("--coverage", type=float, default=0.8, show_default=True)
@click.option("--max-cost", type=float, help="Each step at most this cost (unknown left out).")
@click.option("--include-unknown-cost", is_flag=True,
              help="Let credentials with no cost given pass --max-cost.")
@click.option("--region", help="ST or ST-Place (ST covers its places), as for recommend.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@_taxonomy_option
@click.pass_context
def pathway(ctx: click.Context, occupation: str, knows: tuple[str, ...], by: str,
            max_steps: int, coverage: float, max_cost: float | None,
            include_unknown_cost: bool, region: str | None, fmt: str,
            taxonomies: tuple[str, ...]) -> None:
    """The cheapest short sequence of credentials toward an occupation."""
    data = _app(ctx).pathway(occupation, known_skills=knows, by=by, max_steps=max_steps,
                             target_coverage=coverage, max_cost=max_cost, region=region,
                             include_unknown_cost=include_unknown_cost,
                             taxonomies=taxonomies, progress=_slow())

    def table(d: dict[str, Any]) -> Iterable[str]:
        yield from _target_lines(d["occupation"])
        yield f"demand from: {d['demand_basis']}"
        yield f"known skills already cover {d['coverage_from_known']:.0%}"
        for n, s in enumerate(d["steps"], start=1):
            yield (f"{n}. {s['title']} ({_cost(s['cost'], 'cost unknown')}, "
                   f"{_hours(s['hours'], 'hours unknown')}) -> "
                   f"{s['coverage_after']:.0%}: {', '.join(s['new_skills'][:6])}")
        unknown = [f"{what} unknown for {', '.join(d[key])}" for what, key in (
            ("cost", "total_cost_unknown"), ("hours", "total_hours_unknown")) if d.get(key)]
        if d["steps"]:
            yield (f"total: ${d['total_cost']:,.0f} and {d['total_hours']:g} h"
                   + (" known; " + "; ".join(unknown) if unknown else ""))
        yield (f"coverage {d['coverage']:.0%} of the {d['target_coverage']:.0%} target: "
               + ("reached" if d["reached"] else "NOT reached") + f" (steps: {d['strategy']})")
        if not d["reached"]:
            why = d["shortfall"]
            yield f"  why: {why['reason']}"
            for key, what in (("untaught", "no catalogued credential teaches"),
                              ("filtered_out", "taught only by credentials filtered out"),
                              ("low_confidence", "taught only with low confidence"),
                              ("not_chosen", "taught by credentials not chosen")):
                if why[key]["count"]:
                    yield f"  {what} ({why[key]['weight_share']:.0%} of demand): " + ", ".join(
                        s["label"] + (f" [{s['taught_by']['title']}]" if "taught_by" in s
                                      else "") for s in why[key]["skills"][:6])
        yield f"uncovered: {', '.join(d['uncovered'][:10]) or 'nothing'}"

    _emit(data, fmt, table)
_record_group("posting", "postings", "job postings")
_record_group("need", "needs", "employers' skill needs")


@main.command("post-need")
@click.argument("employer")
@click.option("--role", default="")
@click.option("--occupation", default="")
@click.option("--required", multiple=True, help="A required skill, id or free text.")
@click.option("--preferred", multiple=True, help="A preferred skill, id or free text.")
@click.option("--openings", type=int, default=1, show_default=True)
@click.option("--region", default="")
@click.option("--date", "date_", help="YYYY-MM-DD (default: none).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@_taxonomy_option
@click.pass_context
def post_need(ctx: click.Context, employer: str, role: str, occupation: str,
              required: tuple[str, ...], preferred: tuple[str, ...], openings: int,
              region: str, date_: str | None, fmt: str, taxonomies: tuple[str, ...]) -> None:
    """Post an employer's skill need: see it understood, counted, and supplied."""
    data = _app(ctx).post_need(employer, role=role, occupation=occupation, required=required,
                               preferred=preferred, openings=openings, region=region,
                               date=date_, taxonomies=taxonomies)

    def table(d: dict[str, Any]) -> Iterable[str]:
        yield f"stored need {d['need']['id']}; demand now counts {d['demand_records']:,} records"
        for u in d["understood"]:
            yield f"  understood {u['phrase']!r} as {u['label']} ({u['role']}, {u['score']:.2f})"
        for p in d["not_linked"]:
            yield f"  could not link {p!r}"
        for c in d["credentials"]:
            yield f"  supplied by {c['title']} ({c['provider']}), value {c['value']:.2f}"

    _emit(data, fmt, table)


# ---------------------------------------------------------------------- data
@main.group()
def data() -> None:
    """Generate data for tests and scale."""


@data.command("synth-postings")
@click.option("--onet", "onet", type=click.Path(path_type=Path, exists=True), required=True,
              help="O*NET database text files (folder or zip).")
@click.option("--n", "n", type=click.IntRange(min=0), required=True, help="How many postings.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="JSON Lines file to write.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def synth_postings(ctx: click.Context, onet: Path, n: int, seed: int, out: Path,
                   fmt: str) -> None:
    """Synthetic job postings from O*NET, each labelled synthetic with its true code."""
    data = _app(ctx).synth_postings(onet, n, out, seed=seed, progress=Progress())
    _emit(data, fmt, lambda d: [f"wrote {d['written']:,} synthetic postings to {d['path']}"])


# -------------------------------------------------------------------- models
@main.group()
def models() -> None:
    """Export and list embedding models."""


@models.command("build")
@click.option("--force", is_flag=True, help="Re-export even if present.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_build(ctx: click.Context, force: bool, fmt: str) -> None:
    """Export the packaged base model to ONNX under models/ (once; query time needs no
    torch), and check the active model's files against its manifest."""
    from .embeddings.export import BASE_MODEL, export_onnx, verify_model

    settings: Settings = ctx.find_root().obj["settings"]
    rows = []
    target = settings.models_dir / BASE_MODEL
    if target.exists() and not force:
        status = "present"
        verify_model(settings.models_dir, BASE_MODEL)
    else:
        export_onnx(settings.models_dir, BASE_MODEL)
        status = "built"
    rows.append({"name": BASE_MODEL, "status": status, "path": str(target)})
    if settings.model_name != BASE_MODEL and settings.embedder == "onnx":
        verify_model(settings.models_dir, settings.model_name)
        rows.append({"name": settings.model_name, "status": "verified (active)",
                     "path": str(settings.models_dir / settings.model_name)})
    _emit(rows, fmt, lambda rs: [f"{r['name']}: {r['status']} at {r['path']}" for r in rs])


@models.command("train")
@click.option("--name", default="skillmatch-minilm-v2-fp32", show_default=True,
              help="Folder under models/ for the trained model (fp32 ONNX).")
@click.option("--epochs", type=float, default=1.0, show_default=True)
@click.option("--max-steps", type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--batch-size", type=click.IntRange(min=2), default=32, show_default=True)
@click.option("--learning-rate", type=float, default=3e-5, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--skillskape-limit", type=click.IntRange(min=1),
              help="Use only the first N SkillSkape train sentences (quick runs).")
@click.option("--dev-limit", type=click.IntRange(min=1),
              help="Validate on the first N SkillSkape dev sentences (quick runs).")
@click.option("--mined-share", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Share of pairs whose hard negative is mined from the base model's "
              "mistakes (the rest: an ESCO hierarchy sibling).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_train(ctx: click.Context, name: str, epochs: float, max_steps: int | None,
                 batch_size: int, learning_rate: float, seed: int,
                 skillskape_limit: int | None, dev_limit: int | None, mined_share: float,
                 fmt: str) -> None:
    """Fine-tune the model contrastively on SkillSkape train and ESCO's own texts."""
    from .training.train import TrainConfig

    config = TrainConfig(epochs=epochs, max_steps=max_steps, batch_size=batch_size,
                         learning_rate=learning_rate, seed=seed,
                         skillskape_limit=skillskape_limit, dev_limit=dev_limit,
                         mined_share=mined_share, keep_torch=True)
    data = _app(ctx).train_model(name, config, progress=Progress())

    def table(d: dict[str, Any]) -> Iterable[str]:
        t, f = d["training"], d["figures"]["skillskape_dev_nearest_label"]
        yield (f"{d['name']}: {t['steps']} steps on {t['pairs']:,} pairs in {t['seconds']} s; "
               f"SkillSkape dev RP@5 {f['base']['RP@5']:.4f} -> {f['trained']['RP@5']:.4f}")
        yield f"use it: SKILLMATCH_MODEL_NAME={d['name']} (then `skillmatch index build`)"

    _emit(data, fmt, table)


@models.command("interpolate")
@click.argument("source")
@click.option("--name", required=True, help="Folder under models/ for the averaged model.")
@click.option("--alphas", default="0.5,0.6,0.7,0.8,0.9,1.0", show_default=True,
              help="Comma-separated weights of the fine-tuned model to try.")
@click.option("--keep-torch", is_flag=True,
              help="Keep the averaged torch weights in models/.<name>.torch (benchmarks).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_interpolate(ctx: click.Context, source: str, name: str, alphas: str,
                       keep_torch: bool, fmt: str) -> None:
    """Average a fine-tuned model with the base model, the weight chosen on dev data."""
    try:
        weights = [float(a) for a in alphas.split(",") if a.strip()]
    except ValueError:
        raise click.BadParameter(f"{alphas!r} (expected numbers such as 0.5,0.7)",
                                 param_hint="--alphas") from None
    data = _app(ctx).interpolate_model(source, name, weights, progress=Progress(),
                                       keep_torch=keep_torch)

    def table(d: dict[str, Any]) -> Iterable[str]:
        i = d["interpolation"]
        yield f"{'alpha':>6} {'SkillSkape dev RP@5':>20} {'ESCO occ. dev MAP':>18} {'gain':>7}"
        yield (f"{'base':>6} {i['base']['skillskape_dev_RP@5']:>20.4f} "
               f"{i['base']['esco_occupations_dev_MAP']:>18.4f}")
        for row in i["sweep"]:
            mark = " *" if row["alpha"] == i["alpha"] else ""
            yield (f"{row['alpha']:>6.2f} {row['skillskape_dev_RP@5']:>20.4f} "
                   f"{row['esco_occupations_dev_MAP']:>18.4f} {row['gain']:>7.4f}{mark}")
        yield f"{d['name']}: alpha {i['alpha']} ({i['rule']})"

    _emit(data, fmt, table)


@models.command("quantize")
@click.argument("source")
@click.option("--name", required=True, help="Folder under models/ for the int8 copy.")
@click.option("--no-check", is_flag=True,
              help="Skip the SkillSkape dev ranking check (agreement is still checked).")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_quantize(ctx: click.Context, source: str, name: str, no_check: bool,
                    fmt: str) -> None:
    """Write an int8 copy of an exported model, kept only if it ranks like the original."""
    data = _app(ctx).quantize_model(source, name, check=not no_check)

    def table(d: dict[str, Any]) -> Iterable[str]:
        q = d["quantization"]
        yield (f"{d['name']}: {q['from_bytes'] / 1e6:.1f} MB -> "
               f"{d['files']['model.onnx']['bytes'] / 1e6:.1f} MB, "
               f"mean cosine vs fp32 {q['mean_cosine_vs_fp32']:.4f}")
        c = q["skillskape_dev_nearest_label"]
        if c:
            yield (f"SkillSkape dev RP@5: fp32 {c['fp32']['RP@5']:.4f}, "
                   f"int8 {c['int8']['RP@5']:.4f}")

    _emit(data, fmt, table)


@models.command("fit-ranker")
@click.option("--limit", type=click.IntRange(min=50),
              help="Fit on the first N SkillSkape dev sentences only (quick runs).")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the reliability chart (PNG) here.")
@click.option("--dry-run", is_flag=True, help="Report the figures; write no ranker.json.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_fit_ranker(ctx: click.Context, limit: int | None, chart: Path | None,
                      dry_run: bool, fmt: str) -> None:
    """Fit the linker's calibrated score for the active model on SkillSkape dev."""
    from .evaluation.ranker_fit import fit_linker_ranker

    data = fit_linker_ranker(_app(ctx), limit=limit, chart=chart, save=not dry_run,
                             progress=Progress())

    def table(d: dict[str, Any]) -> Iterable[str]:
        yield f"{d['model']}: fitted on {d['fitted_on']} in {d['seconds']} s"
        for who, m in d["dev"].items():
            yield f"  {who:<22} RP@5 {m['RP@5']:.4f}  RP@10 {m['RP@10']:.4f}  MRR {m['MRR']:.4f}"
        yield f"  expected calibration error {d['ece']:.4f} (raw score {d['ece_raw_score']:.4f})"
        yield "  weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in d["weights"].items())
        if d.get("path"):
            yield f"  written to {d['path']}"

    _emit(data, fmt, table)


@models.command("fit-document")
@click.option("--limit", type=click.IntRange(min=5),
              help="Fit on the first N SkillSpan postings of each split only (quick runs).")
@click.option("--dry-run", is_flag=True, help="Report the figures; write no document.json.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def models_fit_document(ctx: click.Context, limit: int | None, dry_run: bool,
                        fmt: str) -> None:
    """Fit the keep-or-drop probability of document linking for the active model (SkillSpan
    train and dev postings, SkillSkape train; the cut chosen on SkillSpan dev)."""
    from .evaluation.document_fit import fit_document_model

    data = fit_document_model(_app(ctx), limit=limit, save=not dry_run, progress=Progress())

    def table(d: dict[str, Any]) -> Iterable[str]:
        yield f"{d['model']}: fitted in {d['seconds']} s on"
        for name, f in d["fitted_on"].items():
            yield f"  {name:<18} {f['texts']:>6} texts {f['candidates']:>7} candidates " \
                  f"{f['right']:>6} right"
        leg, ch = d["dev_legacy"], d["dev_chosen"]
        yield (f"  SkillSpan dev postings, legacy linker: strict P {leg['strict']['precision']:.4f}"
               f" R {leg['strict']['recall']:.4f}, {leg['links_per_posting']} links/posting")
        yield (f"  chosen cut {d['threshold']}: strict P {ch['precision']:.4f} "
               f"R {ch['recall']:.4f}, {ch['links_per_posting']} links/posting (out of fold)")
        yield f"  expected calibration error {d['ece']:.4f}"
        if d.get("path"):
            yield f"  written to {d['path']}"

    _emit(data, fmt, table)


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

    def table(rs: list[dict[str, Any]]) -> Iterable[str]:
        if not rs:
            yield "no model built; run `skillmatch models build`"
            return
        yield f"  {'name':<28} {'kind':<16} {'MB':>6}  SkillSkape dev RP@5"
        for r in rs:
            rp5 = f"{r['dev_rp5']:.4f}" if r.get("dev_rp5") is not None else "-"
            yield (f"{'*' if r['active'] else ' '} {r['name']:<28} {r['kind']:<16} "
                   f"{r['megabytes']:>6.1f}  {rp5}")
        if not any(r["active"] for r in rs):
            yield (f"active model {settings.model_name!r} is not installed "
                   "(`skillmatch models build`)")

    _emit(rows, fmt, table)


# ---------------------------------------------------------------------- eval
@main.group(name="eval")
def eval_() -> None:
    """Measure quality on the real data in ../shared/data."""


@eval_.command("linking")
@click.option("--sample", type=int, help="Seeded sample of ESCO occupations (default: all).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--skillspan-limit", type=int, help="At most this many SkillSpan sentences.")
@click.option("--skillskape-split", type=click.Choice(["test", "dev", "train"]),
              default="test", show_default=True)
@click.option("--documents-split", type=click.Choice(["test", "dev", "train"]),
              default="test", show_default=True,
              help="SkillSpan split rebuilt into whole postings (tune on dev, report test).")
@click.option("--documents-limit", type=int, help="At most this many whole postings.")
@click.option("--documents-only", is_flag=True,
              help="Only the whole-posting table, for the active model.")
@click.option("--models", "names", default=None,
              help="Comma-separated models to compare (default: the base model and the "
              "fine-tuned one, or the active one if it is neither). Each other than the "
              "active one gets a workspace under <home>/models/<name>.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def eval_linking(
    ctx: click.Context, sample: int | None, seed: int, skillspan_limit: int | None,
    skillskape_split: str, documents_split: str, documents_limit: int | None,
    documents_only: bool, names: str | None, fmt: str
) -> None:
    """Skill linking: plain nearest label and the full linker, per model, side by side;
    whole postings with today's linker (legacy profile) beside the document profile."""
    from .embeddings.export import BASE_MODEL, TRAINED_MODEL
    from .evaluation.linking import (
        documents_eval,
        ensure_esco,
        evaluate_models,
        format_documents,
        format_models,
    )

    if documents_only:
        app = _app(ctx)
        ensure_esco(app, Progress())
        docs = documents_eval(app, documents_split, documents_limit, Progress())
        _emit(docs, fmt, format_documents)
        return
    settings: Settings = ctx.find_root().obj["settings"]
    active = settings.model_name
    models = ([n.strip() for n in names.split(",") if n.strip()] if names
              else [BASE_MODEL, active if active != BASE_MODEL else TRAINED_MODEL])
    report = evaluate_models(
        settings, models, sample=sample, seed=seed, skillspan_limit=skillspan_limit,
        skillskape_split=skillskape_split, documents_split=documents_split,
        documents_limit=documents_limit, progress=Progress()
    )
    _emit(report, fmt, format_models)


@eval_.command("matching")
@click.option("--dataset", type=click.Choice(["crosswalk", "etpl"]), default="crosswalk",
              show_default=True,
              help="crosswalk: CIP-SOC crosswalk, learned weights scored out of fold; "
                   "etpl: Texas ETPL programs, the shipped weights applied unchanged.")
@click.option("--crosswalk", type=click.Path(path_type=Path, dir_okay=False),
              help="A CIP 2020 to SOC 2018 crosswalk (default: the dev half in shared data).")
@click.option("--etpl", "etpl_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A TWC ETPL xlsx (default: the 2024 list in shared data).")
@click.option("--fit", is_flag=True,
              help="Fit the weights on the whole crosswalk and write them (see --weights).")
@click.option("--weights", type=click.Path(path_type=Path, dir_okay=False),
              help="Weights JSON to read (etpl) or write (--fit); default: the package's.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def eval_matching(ctx: click.Context, dataset: str, crosswalk: Path | None,
                  etpl_file: Path | None, fit: bool, weights: Path | None, folds: int,
                  seed: int, fmt: str) -> None:
    """Programs and occupations: baseline, fixed formula and learned weights side by side."""
    from .evaluation import matching

    app = _app(ctx)
    if fit:
        _emit(matching.fit_matching(app, crosswalk, weights, seed=seed, progress=Progress()),
              fmt, matching.format_fit)
    elif dataset == "etpl":
        from .evaluation.matching_etpl import evaluate_etpl, format_etpl

        _emit(evaluate_etpl(app, etpl_file, weights, progress=Progress()), fmt, format_etpl)
    else:
        report = matching.evaluate_matching(app, crosswalk, folds=folds, seed=seed,
                                            progress=Progress())
        _emit(report, fmt, matching.format_matching)



@eval_.command("judged")
@click.option("--make-sheet", is_flag=True,
              help="Select the documents, run the linker configurations and write the blind "
              "sheet and its key (judgements already in the sheet are carried over).")
@click.option("--linkers", default="baseline,current", show_default=True,
              help="Comma-separated linker configurations to run (--make-sheet).")
@click.option("--dir", "sheet_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where the sheet lives (default: tests/data/judged in the project).")
@click.option("--postings", type=click.IntRange(min=0), default=30, show_default=True)
@click.option("--programs", type=click.IntRange(min=0), default=30, show_default=True,
              help="Texas ETPL programs.")
@click.option("--cip", type=click.IntRange(min=0), default=0, show_default=True,
              help="More programs from the CIP 2020 definitions.")
@click.option("--max-posting-chars", type=click.IntRange(min=1),
              help="Draw only postings with at most this many characters of text.")
@click.option("--onet", is_flag=True, help="Also link to O*NET (imported and indexed if need be).")
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--view", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a Markdown judging view (full document texts re-read from the "
              "shared data, with their rows) to this file, outside the repository.")
@click.option("--format", "fmt", type=FORMATS, default="table")
@click.pass_context
def eval_judged(ctx: click.Context, make_sheet: bool, linkers: str, sheet_dir: Path | None,
                postings: int, programs: int, cip: int, max_posting_chars: int | None,
                onet: bool, seed: int, view: Path | None, fmt: str) -> None:
    """Hand-judged linking on real documents (docs/judging.md): score the judgements,
    one column per linker; or make the blind judging sheet."""
    from .evaluation import judged

    directory = sheet_dir or judged.DEFAULT_DIR
    settings: Settings = ctx.find_root().obj["settings"]
    if make_sheet:
        names = [n.strip() for n in linkers.split(",") if n.strip()]
        summary = judged.make_app_sheet(
            _app(ctx), names, directory, n_postings=postings, n_programs=programs,
            n_cip=cip, seed=seed, max_posting_chars=max_posting_chars, onet=onet,
            progress=Progress())
        _emit(summary, fmt, lambda d: [f"{k}: {v}" for k, v in d.items()])
    elif view is None:
        _emit(judged.score_dir(directory, seed=seed), fmt, judged.format_judged)
    if view is not None:
        count = judged.write_view(directory, settings.shared_data, view)
        click.echo(f"judging view of {count} documents written to {view}", err=True)

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
