"""``skillmatch export``: skills, alignments, demand and crosswalks in standard shapes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import ISO_DATE, _app, _emit, _format_option, _taxonomy_option

OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.group()
def export() -> None:
    """Export in the field's standards, each with provenance (skillmatch version, model,
    taxonomies and their versions, date)."""


@export.command("skills")
@click.argument("credential")
@click.option("--standard", type=click.Choice(["ob3", "ctdl"]), default="ob3",
              show_default=True, help="ob3: Open Badges 3.0 Alignment entries for an "
              "Achievement; ctdl: CTDL CredentialAlignmentObjects.")
@click.option("--min-score", type=float, default=0.0, show_default=True,
              help="Leave out linked skills below this score (declared ones stay).")
@click.option("--output", type=OUTPUT, help="Write the JSON here (default: print it).")
@_taxonomy_option
@click.pass_context
def skills(ctx: click.Context, credential: str, standard: str, min_score: float,
           output: Path | None, taxonomies: tuple[str, ...]) -> None:
    """A credential's skills, ready to paste into a badge or a registry record."""
    data = _app(ctx).exports.skills(credential, standard, min_score=min_score,
                                    taxonomies=taxonomies)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}: {standard} for {credential}")


@export.command("alignment")
@click.argument("credential")
@click.option("--as", "as_", type=click.Choice(["json", "csv"]), default="csv",
              show_default=True)
@click.option("--output", type=OUTPUT, required=True,
              help="The file (a CSV gets its CSVW metadata beside it: NAME-metadata.json).")
@click.option("--occupation", "occupations", multiple=True,
              help="A target occupation (repeatable; default: the ones it prepares for).")
@click.option("--region", help="Demand of this region only.")
@_format_option()
@_taxonomy_option
@click.pass_context
def alignment(ctx: click.Context, credential: str, as_: str, output: Path,
              occupations: tuple[str, ...], region: str | None, fmt: str,
              taxonomies: tuple[str, ...]) -> None:
    """A credential's alignment report, one row per skill (covered, missing,
    taught but not demanded) with demand figures and evidence."""
    data = _app(ctx).exports.alignment(credential, as_, output, occupations=occupations,
                                       region=region, taxonomies=taxonomies)
    _emit(data, fmt, lambda d: [f"wrote {d['written']}"
                                + (f" and {d['metadata']}" if d.get("metadata") else "")])


@export.command("demand")
@click.option("--as", "as_", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True)
@click.option("--output", type=OUTPUT, required=True)
@click.option("--region", help="Only postings and needs of this region (ST covers ST-Place).")
@click.option("--occupation", help="Only this occupation (code or title).")
@click.option("--since", type=ISO_DATE, help="Window start (YYYY-MM-DD, inclusive).")
@click.option("--until", type=ISO_DATE, help="Window end (YYYY-MM-DD, exclusive).")
@click.option("--top", type=click.IntRange(min=1), default=100, show_default=True)
@_format_option()
@_taxonomy_option
@click.pass_context
def demand(ctx: click.Context, as_: str, output: Path, region: str | None,
           occupation: str | None, since: str | None, until: str | None, top: int,
           fmt: str, taxonomies: tuple[str, ...]) -> None:
    """The demand table (skill, occupation, region, window, share, score)."""
    window = (since or "0001-01-01", until or "9999-12-31") if since or until else None
    data = _app(ctx).exports.demand(output, as_, region=region, occupation=occupation,
                                    window=window, top=top, taxonomies=taxonomies)
    _emit(data, fmt, lambda d: [f"wrote {d['written']} ({d['rows']} skills)"
                                + (f" and {d['metadata']}" if d.get("metadata") else "")])


@export.command("crosswalk")
@click.argument("rsd", type=click.Path(exists=True, path_type=Path))
@click.option("--output", type=OUTPUT, required=True, help="The CSV to review.")
@click.option("-k", "k", type=click.IntRange(min=1), default=3, show_default=True,
              help="Proposals per RSD skill and target taxonomy.")
@click.option("--target", "targets", multiple=True, default=("esco", "onet"),
              show_default=True, help="A loaded taxonomy to map to (repeatable).")
@_format_option()
@click.pass_context
def crosswalk(ctx: click.Context, rsd: Path, output: Path, k: int,
              targets: tuple[str, ...], fmt: str) -> None:
    """An RSD skill library (OSMT JSON) mapped to ESCO and O*NET: each skill's nearest
    skills with scores, declared and exact matches first, status proposed, for review."""
    data = _app(ctx).exports.rsd_crosswalk(rsd, output, k=k, targets=targets)
    _emit(data, fmt, lambda d: [f"wrote {d['written']}: {d['rows']} proposals for "
                                f"{d['rsd_skills']} RSD skills ({', '.join(d['targets'])})"])
