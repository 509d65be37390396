"""``skillmatch data``: generated data for tests and scale."""

from __future__ import annotations

from pathlib import Path

import click

from ..progress import Progress
from ._common import SEED, _app, _emit, _format_option


@click.group()
def data() -> None:
    """Generate data for tests and scale."""


@data.command("synth-postings")
@click.option("--onet", "onet", type=click.Path(path_type=Path, exists=True), required=True,
              help="O*NET database text files (folder or zip).")
@click.option("--n", "n", type=click.IntRange(min=0), required=True, help="How many postings.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="JSON Lines file to write.")
@_format_option()
@click.pass_context
def synth_postings(ctx: click.Context, onet: Path, n: int, seed: int, out: Path,
                   fmt: str) -> None:
    """Synthetic job postings from O*NET, each labelled synthetic with its true code."""
    data = _app(ctx).synth_postings(onet, n, out, seed=seed, progress=Progress())
    _emit(data, fmt, lambda d: [f"wrote {d['written']:,} synthetic postings to {d['path']}"])
