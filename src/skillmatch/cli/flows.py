"""The flows: ``skillmatch demand``, ``recommend``, ``align``, ``pathway`` and
``post-need``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..catalog.models import cost_text as _cost
from ..catalog.models import hours_text as _hours
from ._common import (
    ISO_DATE,
    FiniteFloatRange,
    _app,
    _emit,
    _format_option,
    _slow,
    _taxonomy_option,
)


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


@click.command()
@click.option("--region", help="Only postings and needs of this region: ST covers ST and "
              "every ST-Place, ST-Place only itself.")
@click.option("--occupation", help="Only this occupation (code or title); adds skill tiers.")
@click.option("--since", type=ISO_DATE, help="Window start (YYYY-MM-DD, inclusive).")
@click.option("--until", type=ISO_DATE, help="Window end (YYYY-MM-DD, exclusive).")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--order", type=click.Choice(["score", "share"]), default="score",
              show_default=True, help="Specificity-adjusted score, or raw share.")
@_format_option()
@_taxonomy_option
@click.pass_context
def demand(ctx: click.Context, region: str | None, occupation: str | None, since: str | None,
           until: str | None, top: int, order: str, fmt: str,
           taxonomies: tuple[str, ...]) -> None:
    """Employer demand per skill, from postings and stated needs."""
    if since and until and since >= until:
        raise click.BadParameter(f"{since!r} is not before --until {until!r} (the window "
                                 "would be empty)", param_hint="'--since'")
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


@click.command()
@click.argument("query", required=False)
@click.option("--occupation", help="Target occupation: O*NET-SOC code, ESCO URI or title.")
@click.option("--knows", multiple=True, help="A skill the student has (repeatable).")
@click.option("--max-cost", type=FiniteFloatRange(min=0),
              help="At most this cost (unknown costs left out).")
@click.option("--max-hours", type=FiniteFloatRange(min=0),
              help="At most this many hours (unknown left out).")
@click.option("--include-unknown-cost", is_flag=True,
              help="Let credentials with no cost given pass --max-cost.")
@click.option("--include-unknown-hours", is_flag=True,
              help="Let credentials with no hours given pass --max-hours.")
@click.option("--type", "types", multiple=True, help="Credential type (repeatable).")
@click.option("--delivery", multiple=True, type=click.Choice(["online", "in person", "hybrid"]))
@click.option("--region", help="ST or ST-Place: credentials offered there (ST covers its "
              "places), statewide in its state, or online; demand of that region.")
@click.option("-k", "k", type=int, default=10, show_default=True)
@_format_option()
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


@click.command()
@click.argument("credential", required=False)
@click.option("--description", help="Align a free-text description instead.")
@click.option("--occupation", "occupations", multiple=True, help="Target (repeatable).")
@click.option("--region")
@click.option("-k", "k", type=int, default=5, show_default=True)
@_format_option("table", "json", "markdown", "html")
@click.option("--chart", type=click.Path(path_type=Path), help="Write the coverage chart here.")
@_taxonomy_option
@click.pass_context
def align(ctx: click.Context, credential: str | None, description: str | None,
          occupations: tuple[str, ...], region: str | None, k: int, fmt: str,
          chart: Path | None, taxonomies: tuple[str, ...]) -> None:
    """How well a credential matches demand: coverage, gaps, what to add."""
    from ..flows.report import alignment_chart, alignment_html, alignment_markdown

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


@click.command()
@click.argument("occupation")
@click.option("--knows", multiple=True, help="A skill the student has (repeatable).")
@click.option("--by", type=click.Choice(["cost", "hours"]), default="cost", show_default=True)
@click.option("--max-steps", type=int, default=4, show_default=True)
@click.option("--coverage", type=FiniteFloatRange(0, 1, min_open=True), default=0.8,
              show_default=True)
@click.option("--max-cost", type=FiniteFloatRange(min=0),
              help="Each step at most this cost (unknown left out).")
@click.option("--include-unknown-cost", is_flag=True,
              help="Let credentials with no cost given pass --max-cost.")
@click.option("--region", help="ST or ST-Place (ST covers its places), as for recommend.")
@_format_option()
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


@click.command("post-need")
@click.argument("employer")
@click.option("--role", default="")
@click.option("--occupation", default="")
@click.option("--required", multiple=True, help="A required skill, id or free text.")
@click.option("--preferred", multiple=True, help="A preferred skill, id or free text.")
@click.option("--openings", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--region", default="")
@click.option("--date", "date_", type=ISO_DATE, help="YYYY-MM-DD (default: none).")
@_format_option()
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
