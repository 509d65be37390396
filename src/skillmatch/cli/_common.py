"""What every command module shares: the root group's error translation, the facade
(``_app``), output (``_emit`` and its formats), the ``--taxonomy`` option, progress, and
the option types that turn a bad value into a usage error (exit status 2) instead of a
traceback."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import SkillmatchError
from ..progress import Progress

FORMATS = click.Choice(["table", "json"])


class SkillmatchGroup(click.Group):
    """Turns library errors (:mod:`skillmatch.errors`) into one line on stderr and exit
    status 1; click's own usage errors keep their exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SkillmatchError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def _app(ctx: click.Context) -> Any:
    """The :class:`~skillmatch.app.SkillMatch` of this invocation, made on first use and
    closed when the command ends."""
    from ..app import SkillMatch

    obj = ctx.find_root().obj
    if "app" not in obj:
        obj["app"] = SkillMatch(obj["settings"])
        ctx.call_on_close(obj["app"].close)
    return obj["app"]


def _settings(ctx: click.Context) -> Any:
    """The :class:`~skillmatch.settings.Settings` the root command made."""
    return ctx.find_root().obj["settings"]


def _slow() -> Progress:
    """Progress for a flow's loading steps (demand fit, catalogue, occupation signals):
    on stderr, and only for a step that has run a second (a warm call prints nothing)."""
    return Progress(delay=1.0)


def _json_default(value: Any) -> Any:
    """JSON for the few non-JSON values a report may hold (paths, numpy scalars, sets)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _emit(data: Any, fmt: str, table: Callable[[Any], Iterable[str]]) -> None:
    """``data`` as indented JSON (``--format json``) or as the lines of ``table``."""
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))
    else:
        for line in table(data):
            click.echo(line)


def _taxonomy_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--taxonomy NAME`` (repeatable): the taxonomies a command links against."""
    return click.option(
        "--taxonomy", "taxonomies", multiple=True, metavar="NAME",
        help="Only this taxonomy's skills (repeatable, or a comma list); default: the "
        "setting taxonomies, else every loaded one, each ranked on its own.")(f)


def _format_option(*choices: str, default: str | None = "table") -> Callable[..., Any]:
    """``--format`` with ``choices`` (default: table or json)."""
    kind = click.Choice(list(choices)) if choices else FORMATS
    if default is None:
        return click.option("--format", "fmt", type=kind)
    return click.option("--format", "fmt", type=kind, default=default)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDate(click.ParamType):
    """A calendar date written ``YYYY-MM-DD`` (ISO 8601), passed on as that string."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        if isinstance(value, date):
            return value.isoformat()
        text = str(value).strip()
        try:
            if not _ISO_DAY.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            self.fail(f"{value!r} is not a date (expected an ISO 8601 date, YYYY-MM-DD)",
                      param, ctx)


ISO_DATE = IsoDate()


class FiniteFloat(click.types.FloatParamType):
    """A float that is a number: ``nan`` and ``inf`` are refused (``nan`` would pass any
    range check, every comparison with it being false)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class FiniteFloatRange(click.FloatRange):
    """:class:`click.FloatRange` that also refuses ``nan`` and ``inf``."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = FiniteFloat().convert(value, param, ctx)
        return super().convert(number, param, ctx)

SEED = click.IntRange(min=0)  # numpy's generators refuse a negative seed
