"""``skillmatch demo``: the main job on the built-in data."""

from __future__ import annotations

import click

from ..progress import Progress
from ._common import _app, _emit, _format_option


@click.command()
@_format_option()
@click.pass_context
def demo(ctx: click.Context, fmt: str) -> None:
    """The main job on the built-in data: load it, index it, link its texts."""
    from ..demo import demo_table, run_demo

    data = run_demo(_app(ctx), progress=Progress())
    _emit(data, fmt, demo_table)
