"""Shipped model files are never overwritten by a command that did not ask to (issue 14):
`skillmatch models train|interpolate|quantize --name X` refuse an existing models/X
folder before any work unless --overwrite, and `skillmatch eval matching --fit` writes the
package's weights.json only with --overwrite (or another file with --output). Every test
uses a models folder and a weights file of its own, never the project's."""

import shlex
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from skillmatch.errors import ConflictError, InputError
from skillmatch.evaluation import matching
from skillmatch.services.models import ModelService
from skillmatch.settings import PROJECT_ROOT

SHIPPED = "shipped\n"
SHIPPED_MODEL = "skillmatch-minilm-v3"
MODEL_COMMANDS = {
    "train": ("train_model", ["models", "train", "--name", SHIPPED_MODEL]),
    "interpolate": ("interpolate_model",
                    ["models", "interpolate", "tuned", "--name", SHIPPED_MODEL]),
    "quantize": ("quantize_model", ["models", "quantize", "tuned", "--name", SHIPPED_MODEL]),
}


@pytest.fixture
def models(tmp_path, monkeypatch) -> Path:
    """A models folder of its own holding a (pretend) shipped model; no shared data."""
    folder = tmp_path / "models" / SHIPPED_MODEL
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_text(SHIPPED)
    monkeypatch.setenv("SKILLMATCH_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("SKILLMATCH_SHARED_DATA", str(tmp_path / "no-shared-data"))
    return folder


@pytest.fixture
def work(monkeypatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The model service's train/interpolate/quantize replaced by a recorder: what a
    command got as far as starting."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for method in ("train_model", "interpolate_model", "quantize_model"):
        def record(self: Any, *args: Any, _m: str = method, **kwargs: Any) -> dict[str, Any]:
            calls.append((_m, args))
            return {"name": args[1] if _m != "train_model" else args[0]}

        monkeypatch.setattr(ModelService, method, record)
    return calls


def _run(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--home", str(tmp_path / "ws"), *args],
                              catch_exceptions=False)


@pytest.mark.parametrize("command", sorted(MODEL_COMMANDS))
def test_a_model_command_refuses_an_existing_folder(models, work, tmp_path,
                                                    command) -> None:
    out = _run(tmp_path, *MODEL_COMMANDS[command][1])
    assert out.exit_code == 1
    assert out.output.count("\n") == 1, out.output
    assert str(models) in out.output and "--overwrite" in out.output
    assert work == []  # refused before any work
    assert (models / "model.onnx").read_text() == SHIPPED


@pytest.mark.parametrize("command", sorted(MODEL_COMMANDS))
def test_overwrite_lets_a_model_command_replace_its_folder(models, work, tmp_path,
                                                           command) -> None:
    method, args = MODEL_COMMANDS[command]
    out = _run(tmp_path, *args, "--overwrite", "--format", "json")
    assert out.exit_code == 0, out.output
    assert [m for m, _ in work] == [method] and SHIPPED_MODEL in work[0][1]


@pytest.mark.parametrize("command", sorted(MODEL_COMMANDS))
def test_a_new_model_folder_needs_no_overwrite(models, work, tmp_path, command) -> None:
    method, args = MODEL_COMMANDS[command]
    out = _run(tmp_path, *[a if a != SHIPPED_MODEL else "new-model" for a in args],
               "--format", "json")
    assert out.exit_code == 0, out.output
    assert [m for m, _ in work] == [method] and "new-model" in work[0][1]


# ------------------------------------------------------------- eval matching --fit
@pytest.fixture
def weights(tmp_path, monkeypatch) -> Path:
    """The package's weights.json stood in for by a file of the test's own; the fit's
    first step replaced by one that says it was reached."""
    path = tmp_path / "package" / "weights.json"
    path.parent.mkdir()
    path.write_text(SHIPPED)
    monkeypatch.setattr(matching, "WEIGHTS_FILE", path)

    def reached(*args: Any, **kwargs: Any) -> None:
        raise InputError("the fit started")

    monkeypatch.setattr(matching, "crosswalk_features", reached)
    monkeypatch.setenv("SKILLMATCH_SHARED_DATA", str(tmp_path / "no-shared-data"))
    return path


def test_matching_fit_refuses_to_write_over_the_shipped_weights(weights, tmp_path) -> None:
    out = _run(tmp_path, "--embedder", "fake", "eval", "matching", "--fit")
    assert out.exit_code == 1
    assert out.output.count("\n") == 1, out.output
    assert str(weights) in out.output and "shipped matching weights" in out.output
    assert "--overwrite" in out.output and "--output PATH" in out.output
    assert "the fit started" not in out.output  # refused before any work
    assert weights.read_text() == SHIPPED


@pytest.mark.parametrize("extra", [["--overwrite"], ["--output", "new.json"],
                                   ["--weights", "new.json"]])
def test_matching_fit_goes_ahead_when_asked(weights, tmp_path, extra) -> None:
    extra = [str(tmp_path / a) if a.endswith(".json") else a for a in extra]
    out = _run(tmp_path, "--embedder", "fake", "eval", "matching", "--fit", *extra)
    assert out.exit_code == 1 and "the fit started" in out.output, out.output
    assert weights.read_text() == SHIPPED


def test_matching_output_options_go_with_fit(weights, tmp_path) -> None:
    out = _run(tmp_path, "--embedder", "fake", "eval", "matching", "--overwrite")
    assert out.exit_code == 2 and "go with --fit" in out.output
    out = _run(tmp_path, "--embedder", "fake", "eval", "matching", "--fit",
               "--weights", str(tmp_path / "a.json"), "--output", str(tmp_path / "b.json"))
    assert out.exit_code == 2 and "not both" in out.output


def test_weights_target(weights, tmp_path) -> None:
    with pytest.raises(ConflictError, match="shipped matching weights"):
        matching.weights_target()
    assert matching.weights_target(overwrite=True) == weights
    new = tmp_path / "out" / "w.json"
    assert matching.weights_target(new) == new
    new.parent.mkdir()
    new.write_text("{}")
    with pytest.raises(ConflictError, match="a file"):
        matching.weights_target(new)
    assert matching.weights_target(new, overwrite=True) == new


def test_the_package_weights_are_protected() -> None:
    with pytest.raises(ConflictError, match="--overwrite"):
        matching.weights_target()


# ------------------------------------------------------------------ reproduce.sh
def _script_commands(script: Path) -> list[list[str]]:
    """The skillmatch argument lists of a shell script (``$SM ...`` lines)."""
    text = script.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or "$SM" not in line:
            continue
        words = shlex.split(line)
        out.append(words[words.index("$SM") + 1:])
    return out


def _leaf(group: click.Group, args: list[str]) -> click.Command:
    """The command ``args`` name (the first words that are not options)."""
    words = [a for a in args if not a.startswith("-")]
    command: click.Command = group
    for word in words:
        if not isinstance(command, click.Group) or word not in command.commands:
            break
        command = command.commands[word]
    return command


def test_reproduce_script_parses_and_asks_to_overwrite(models, tmp_path,
                                                       monkeypatch) -> None:
    """Every command of models/reproduce.sh parses, and each that writes shipped files
    passes --overwrite (it means to replace them)."""
    commands = _script_commands(PROJECT_ROOT / "models" / "reproduce.sh")
    assert len(commands) >= 6
    seen: list[dict[str, Any]] = []
    for args in commands:
        leaf = _leaf(main, [a for a in args if a != "$HOME_WS"])
        monkeypatch.setattr(leaf, "callback", lambda **params: seen.append(params))
        out = CliRunner().invoke(main, [a if a != "$HOME_WS" else str(tmp_path / "ws")
                                        for a in args], catch_exceptions=False)
        assert out.exit_code == 0, (args, out.output)
        assert seen[-1].get("overwrite") is True, args
    assert len(seen) == len(commands)
