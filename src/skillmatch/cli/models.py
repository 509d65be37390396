"""``skillmatch models``: export, train, average, quantize and list embedding models, and
fit the linker's calibrated ranker and document model for the active one.

Nothing shipped is written over unless asked: train, interpolate and quantize refuse an
existing ``models/<name>`` folder without ``--overwrite``; the fits keep an existing
ranker.json or document.json without ``--overwrite`` (or write to ``--output``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..errors import ConflictError
from ..progress import Progress
from ._common import (
    FiniteFloatRange,
    _app,
    _emit,
    _format_option,
    _settings,
)


@click.group()
def models() -> None:
    """Export and list embedding models."""


def _overwrite_option(f: Any) -> Any:
    """``--overwrite`` of a command that writes a whole ``models/<name>`` folder."""
    return click.option("--overwrite", is_flag=True,
                        help="Replace an existing models/<name> folder wholesale (the shipped "
                        "model's included); without it an existing folder is refused.")(f)


def _check_new_model(ctx: click.Context, name: str, overwrite: bool) -> None:
    """Refuse, before any work, to replace an existing ``models/<name>`` folder (a
    shipped model's, or one trained earlier) unless ``--overwrite``."""
    target = Path(_settings(ctx).models_dir) / name
    if name and target.exists() and not overwrite:
        raise ConflictError(f"{target} exists and is not replaced: pass --overwrite to "
                            "replace it wholesale, or choose another --name")


@models.command("build")
@click.option("--force", is_flag=True, help="Re-export even if present.")
@_format_option()
@click.pass_context
def models_build(ctx: click.Context, force: bool, fmt: str) -> None:
    """Export the packaged base model to ONNX under models/ (once; query time needs no
    torch), and check the active model's files against its manifest."""
    from ..embeddings.export import BASE_MODEL, export_onnx, verify_model

    settings = _settings(ctx)
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
@click.option("--epochs", type=FiniteFloatRange(min=0, min_open=True), default=1.0,
              show_default=True)
@click.option("--max-steps", type=click.IntRange(min=1), help="Stop after this many steps.")
@click.option("--batch-size", type=click.IntRange(min=2), default=32, show_default=True)
@click.option("--learning-rate", type=FiniteFloatRange(min=0, min_open=True), default=3e-5,
              show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1),  # numpy's legacy seed
              default=13, show_default=True)
@click.option("--skillskape-limit", type=click.IntRange(min=1),
              help="Use only the first N SkillSkape train sentences (quick runs).")
@click.option("--dev-limit", type=click.IntRange(min=1),
              help="Validate on the first N SkillSkape dev sentences (quick runs).")
@click.option("--mined-share", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Share of pairs whose hard negative is mined from the base model's "
              "mistakes (the rest: an ESCO hierarchy sibling).")
@_overwrite_option
@_format_option()
@click.pass_context
def models_train(ctx: click.Context, name: str, epochs: float, max_steps: int | None,
                 batch_size: int, learning_rate: float, seed: int,
                 skillskape_limit: int | None, dev_limit: int | None, mined_share: float,
                 overwrite: bool, fmt: str) -> None:
    """Fine-tune the model contrastively on SkillSkape train and ESCO's own texts. An
    existing models/<name> folder is refused unless --overwrite."""
    from ..training.train import TrainConfig

    _check_new_model(ctx, name, overwrite)
    config = TrainConfig(epochs=epochs, max_steps=max_steps, batch_size=batch_size,
                         learning_rate=learning_rate, seed=seed,
                         skillskape_limit=skillskape_limit, dev_limit=dev_limit,
                         mined_share=mined_share, keep_torch=True)
    data = _app(ctx).model_service.train_model(name, config, progress=Progress())

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
@_overwrite_option
@_format_option()
@click.pass_context
def models_interpolate(ctx: click.Context, source: str, name: str, alphas: str,
                       keep_torch: bool, overwrite: bool, fmt: str) -> None:
    """Average a fine-tuned model with the base model, the weight chosen on dev data. An
    existing models/<name> folder is refused unless --overwrite."""
    try:
        weights = [float(a) for a in alphas.split(",") if a.strip()]
    except ValueError:
        raise click.BadParameter(f"{alphas!r} (expected numbers such as 0.5,0.7)",
                                 param_hint="--alphas") from None
    _check_new_model(ctx, name, overwrite)
    data = _app(ctx).model_service.interpolate_model(source, name, weights,
                                                     progress=Progress(), keep_torch=keep_torch)

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
@_overwrite_option
@_format_option()
@click.pass_context
def models_quantize(ctx: click.Context, source: str, name: str, no_check: bool,
                    overwrite: bool, fmt: str) -> None:
    """Write an int8 copy of an exported model, kept only if it ranks like the original.
    An existing models/<name> folder is refused unless --overwrite."""
    _check_new_model(ctx, name, overwrite)
    data = _app(ctx).model_service.quantize_model(source, name, check=not no_check)

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


def _output_options(filename: str) -> Any:
    """``--output PATH`` and ``--overwrite`` of a fit that writes ``filename``."""

    def decorate(f: Any) -> Any:
        f = click.option("--overwrite", is_flag=True,
                         help=f"Write over an existing file: the model's own {filename} "
                         "(shipped with it) or --output.")(f)
        return click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                            help=f"Write the fitted model here instead of "
                            f"models/<model>/{filename}.")(f)

    return decorate


def _check_dry_run(dry_run: bool, output: Path | None, overwrite: bool) -> None:
    if dry_run and (output is not None or overwrite):
        raise click.UsageError("--dry-run writes nothing: drop --output and --overwrite")


@models.command("fit-ranker")
@click.option("--limit", type=click.IntRange(min=50),
              help="Fit on the first N SkillSkape dev sentences only (quick runs).")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the reliability chart (PNG) here.")
@click.option("--dry-run", is_flag=True, help="Report the figures; write no ranker.json.")
@_output_options("ranker.json")
@_format_option()
@click.pass_context
def models_fit_ranker(ctx: click.Context, limit: int | None, chart: Path | None,
                      dry_run: bool, output: Path | None, overwrite: bool, fmt: str) -> None:
    """Fit the linker's calibrated score for the active model on SkillSkape dev. An
    existing ranker.json (the shipped model has one) is kept unless --overwrite."""
    from ..evaluation.ranker_fit import fit_linker_ranker

    _check_dry_run(dry_run, output, overwrite)
    data = fit_linker_ranker(_app(ctx), limit=limit, chart=chart, save=not dry_run,
                             output=output, overwrite=overwrite, progress=Progress())

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
@_output_options("document.json")
@_format_option()
@click.pass_context
def models_fit_document(ctx: click.Context, limit: int | None, dry_run: bool,
                        output: Path | None, overwrite: bool, fmt: str) -> None:
    """Fit the keep-or-drop probability of document linking for the active model (SkillSpan
    train and dev postings, SkillSkape train; the cut chosen on SkillSpan dev). An existing
    document.json (the shipped model has one) is kept unless --overwrite."""
    from ..evaluation.document_fit import fit_document_model

    _check_dry_run(dry_run, output, overwrite)
    data = fit_document_model(_app(ctx), limit=limit, save=not dry_run, output=output,
                              overwrite=overwrite, progress=Progress())

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
@_format_option()
@click.pass_context
def models_list(ctx: click.Context, fmt: str) -> None:
    """Installed models and which one is active."""
    from ..embeddings.export import list_models

    settings = _settings(ctx)
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
