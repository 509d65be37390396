"""``skillmatch skills link``: the skills in a text, a file, or each line of a file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..records import LinkResult
from ._common import FiniteFloat, _app, _format_option, _taxonomy_option


@click.group()
def skills() -> None:
    """Link the skills in texts to the taxonomy."""


@skills.command("link")
@click.argument("text", required=False)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Link a whole file as one text.")
@click.option("--input", "input_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="One text per line; one result per line, in order.")
@click.option("--top-k", type=int, help="Ranked mode: the K best skills per text.")
@click.option("--threshold", type=FiniteFloat(), help="Minimum score (default: a setting).")
@_format_option("table", "json", "jsonl", default=None)
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
