"""``skillmatch eval``: linking, matching and hand-judged quality on the real data."""

from __future__ import annotations

from pathlib import Path

import click

from ..progress import Progress
from ._common import SEED, _app, _emit, _format_option, _settings


@click.group(name="eval")
def eval_() -> None:
    """Measure quality on the real data in ../shared/data."""


@eval_.command("linking")
@click.option("--sample", type=click.IntRange(min=1),
              help="Seeded sample of ESCO occupations (default: all).")
@click.option("--seed", type=SEED, default=13, show_default=True)
@click.option("--skillspan-limit", type=click.IntRange(min=1),
              help="At most this many SkillSpan sentences.")
@click.option("--skillskape-split", type=click.Choice(["test", "dev", "train"]),
              default="test", show_default=True)
@click.option("--documents-split", type=click.Choice(["test", "dev", "train"]),
              default="test", show_default=True,
              help="SkillSpan split rebuilt into whole postings (tune on dev, report test).")
@click.option("--documents-limit", type=click.IntRange(min=1),
              help="At most this many whole postings.")
@click.option("--documents-only", is_flag=True,
              help="Only the whole-posting table, for the active model.")
@click.option("--models", "names", default=None,
              help="Comma-separated models to compare (default: the base model and the "
              "fine-tuned one, or the active one if it is neither). Each other than the "
              "active one gets a workspace under <home>/models/<name>.")
@_format_option()
@click.pass_context
def eval_linking(
    ctx: click.Context, sample: int | None, seed: int, skillspan_limit: int | None,
    skillskape_split: str, documents_split: str, documents_limit: int | None,
    documents_only: bool, names: str | None, fmt: str
) -> None:
    """Skill linking: plain nearest label and the full linker, per model, side by side;
    whole postings with today's linker (legacy profile) beside the document profile."""
    from ..embeddings.export import BASE_MODEL, TRAINED_MODEL
    from ..evaluation.linking import (
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
    settings = _settings(ctx)
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
              help="Fit the weights on the whole crosswalk and write them to --output (the "
              "package's shipped weights.json only with --overwrite).")
@click.option("--weights", type=click.Path(path_type=Path, dir_okay=False),
              help="Weights JSON to read (etpl; default: the package's); with --fit, the "
              "same as --output.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="With --fit: write the weights here instead of the package's weights.json.")
@click.option("--overwrite", is_flag=True,
              help="With --fit: write over an existing file, the package's shipped "
              "weights.json or --output.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option("--seed", type=SEED, default=13, show_default=True)
@_format_option()
@click.pass_context
def eval_matching(ctx: click.Context, dataset: str, crosswalk: Path | None,
                  etpl_file: Path | None, fit: bool, weights: Path | None,
                  output: Path | None, overwrite: bool, folds: int, seed: int,
                  fmt: str) -> None:
    """Programs and occupations: baseline, fixed formula and learned weights side by side."""
    from ..evaluation import matching

    if not fit and (output is not None or overwrite):
        raise click.UsageError("--output and --overwrite go with --fit (they say where the "
                               "fitted weights are written)")
    if fit and weights is not None:
        if output is not None and output != weights:
            raise click.UsageError("--fit writes one file: give --output or --weights, not "
                                   "both")
        output = weights
    app = _app(ctx)
    if fit:  # the target is checked before any work: shipped weights kept unless asked
        _emit(matching.fit_matching(app, crosswalk, output, seed=seed, progress=Progress(),
                                    overwrite=overwrite), fmt, matching.format_fit)
    elif dataset == "etpl":
        from ..evaluation.matching_etpl import evaluate_etpl, format_etpl

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
@click.option("--seed", type=SEED, default=13, show_default=True)
@click.option("--view", type=click.Path(path_type=Path, dir_okay=False),
              help="Write a Markdown judging view (full document texts re-read from the "
              "shared data, with their rows) to this file, outside the repository.")
@_format_option()
@click.pass_context
def eval_judged(ctx: click.Context, make_sheet: bool, linkers: str, sheet_dir: Path | None,
                postings: int, programs: int, cip: int, max_posting_chars: int | None,
                onet: bool, seed: int, view: Path | None, fmt: str) -> None:
    """Hand-judged linking on real documents (docs/judging.md): score the judgements,
    one column per linker; or make the blind judging sheet."""
    from ..evaluation import judged

    directory = sheet_dir or judged.DEFAULT_DIR
    settings = _settings(ctx)
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
