"""The ``skillmatch`` command line: a thin adapter over :class:`~skillmatch.app.SkillMatch`.

Commands parse arguments, call the facade, and print; no logic lives here. Errors from
the library (:mod:`skillmatch.errors`) become one line on stderr and exit status 1; a bad
option value is click's usage error, exit status 2. One module per command group:
:mod:`.taxonomy` (taxonomy, crosswalk, index), :mod:`.skills`, :mod:`.records`
(credentials, postings, needs), :mod:`.flows` (demand, recommend, align, pathway,
post-need), :mod:`.data`, :mod:`.models`, :mod:`.evaluate` (eval), :mod:`.demo` and
:mod:`.serve` (the HTTP API), :mod:`.keys` (its API keys), :mod:`.imports` (import: files
in the field's standards); what
they share is in :mod:`._common`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from ..errors import ConfigurationError
from ..settings import Settings, settings_error
from . import (
    data,
    demo,
    evaluate,
    exports,
    flows,
    imports,
    keys,
    models,
    records,
    serve,
    skills,
    taxonomy,
)
from ._common import SkillmatchGroup

__all__ = ["main"]


@click.group(cls=SkillmatchGroup)
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


for _command in (
    taxonomy.taxonomy, taxonomy.crosswalk, taxonomy.index,
    skills.skills,
    records.credentials, records.postings, records.needs, imports.import_files, exports.export,
    flows.demand, flows.recommend, flows.align, flows.pathway, flows.post_need,
    data.data,
    models.models,
    evaluate.eval_,
    demo.demo,
    serve.serve,
    keys.keys,
):
    main.add_command(_command)
