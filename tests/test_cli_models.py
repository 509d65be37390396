"""`skillmatch models fit-ranker|fit-document` never write over a model's own ranker.json
or document.json (shipped with it) unless asked: --overwrite, or --output elsewhere. Every
test uses a models folder of its own, never the project's models/."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from skillmatch.errors import ConflictError
from skillmatch.evaluation import ranker_fit
from skillmatch.linking.ranker import FEATURES

SHIPPED = '{"shipped": true}\n'


@pytest.fixture
def models(tmp_path, monkeypatch) -> Path:
    """A models folder whose active model ``m`` ships ranker.json and document.json; no
    shared data (a fit that got past the check would stop at once, not run for minutes)."""
    folder = tmp_path / "models" / "m"
    folder.mkdir(parents=True)
    for name in ("ranker.json", "document.json"):
        (folder / name).write_text(SHIPPED)
    monkeypatch.setenv("SKILLMATCH_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("SKILLMATCH_MODEL_NAME", "m")
    monkeypatch.setenv("SKILLMATCH_SHARED_DATA", str(tmp_path / "no-shared-data"))
    return folder


@pytest.mark.parametrize("command, filename", [("fit-ranker", "ranker.json"),
                                               ("fit-document", "document.json")])
def test_a_fit_refuses_to_write_over_the_models_file(models, tmp_path, command,
                                                     filename) -> None:
    out = CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), "--embedder", "onnx",
                                    "models", command], catch_exceptions=False)
    assert out.exit_code == 1
    assert out.output.count("\n") == 1, out.output
    assert str(models / filename) in out.output
    assert "--overwrite" in out.output and "--output PATH" in out.output
    assert (models / filename).read_text() == SHIPPED


def test_dry_run_takes_no_output_option(models, tmp_path) -> None:
    out = CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), "--embedder", "onnx",
                                    "models", "fit-ranker", "--dry-run", "--overwrite"])
    assert out.exit_code == 2 and "--dry-run writes nothing" in out.output


def test_fit_target(models, tmp_path) -> None:
    settings = SimpleNamespace(models_dir=models.parent, model_name="m")
    with pytest.raises(ConflictError, match="the ranker of model m"):
        ranker_fit.fit_target(settings, "ranker.json", "ranker")
    assert ranker_fit.fit_target(settings, "ranker.json", "ranker",
                                 overwrite=True) == models / "ranker.json"
    (models / "ranker.json").unlink()  # a model without one (a new one): written beside it
    assert ranker_fit.fit_target(settings, "ranker.json", "ranker") == models / "ranker.json"
    elsewhere = tmp_path / "out" / "r.json"
    assert ranker_fit.fit_target(settings, "ranker.json", "ranker", elsewhere) == elsewhere
    elsewhere.parent.mkdir()
    elsewhere.write_text("{}")
    with pytest.raises(ConflictError, match="--overwrite"):
        ranker_fit.fit_target(settings, "ranker.json", "ranker", elsewhere)


class _Linker:
    """Candidates whose first feature (the linker's score) tells right from wrong."""

    candidates, lexical_bonus, context_weight, support_weight = 40, 0.1, 0.2, 0.3
    ranker = None

    def candidate_table(self, sentences, depth):
        rng = np.random.default_rng(len(sentences))
        table = []
        for _ in sentences:
            feats = rng.random((4, len(FEATURES)))
            feats[:, 0] = [0.9, 0.2, 0.3, 0.1]
            table.append((["s:a", "s:b", "s:c", "s:d"], feats))
        return table


@pytest.fixture
def quick_fit(monkeypatch, models):
    """fit_linker_ranker over a stub app and linker: seconds, no model, no data."""
    dev = [(f"sentence {i}", {"s:a"}) for i in range(60)]
    monkeypatch.setattr(ranker_fit, "ensure_esco", lambda app, progress: None)
    monkeypatch.setattr(ranker_fit, "esco_linker", lambda app, ranker=True: _Linker())
    monkeypatch.setattr(ranker_fit.skillskape, "esco_split", lambda shared, split, limit: ([],
                                                                                           dev))
    monkeypatch.setattr(ranker_fit, "threshold_sweep", lambda *a, **k: {})
    settings = SimpleNamespace(embedder="onnx", models_dir=models.parent, model_name="m",
                               shared_data=models.parent / "none")
    app = SimpleNamespace(settings=settings, embedder=SimpleNamespace(model_id="stub"),
                          taxonomies=SimpleNamespace(get=lambda name: SimpleNamespace(
                              version="1")))
    return lambda **kw: ranker_fit.fit_linker_ranker(app, folds=2, **kw)


def test_fit_ranker_writes_where_asked(quick_fit, models, tmp_path) -> None:
    with pytest.raises(ConflictError):
        quick_fit()
    assert (models / "ranker.json").read_text() == SHIPPED
    elsewhere = tmp_path / "new" / "ranker.json"
    meta = quick_fit(output=elsewhere)
    assert meta["path"] == str(elsewhere) and '"features"' in elsewhere.read_text()
    assert (models / "ranker.json").read_text() == SHIPPED
    assert "path" not in quick_fit(save=False)
    meta = quick_fit(overwrite=True)
    assert meta["path"] == str(models / "ranker.json")
    assert (models / "ranker.json").read_text() != SHIPPED
