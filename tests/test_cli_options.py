"""Bad option values are click usage errors (one line naming the option, exit status 2),
never a traceback: dates, ranges and numbers that are not numbers (fake embedder)."""

import json

import pytest
from click.testing import CliRunner

from skillmatch.cli import main
from tests.conftest import TINY_SKILLS
from tests.flow_data import POSTINGS


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """A workspace with postings, so that a command given a bad value would get as far as
    using it; no shared data and a models folder of its own, so that a command whose bad
    value got through (eval, models train) stops at once and writes nothing of the
    project's."""
    tmp = tmp_path_factory.mktemp("cli-options")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SKILLMATCH_SHARED_DATA", str(tmp / "no-shared-data"))
        env.setenv("SKILLMATCH_MODELS_DIR", str(tmp / "models"))
        yield _workspace(tmp)


def _workspace(tmp):
    runner = CliRunner()
    base = ["--home", str(tmp / "ws"), "--embedder", "fake"]

    def invoke(*args: str):
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    skills = tmp / "skills.csv"
    skills.write_text("id,label,alt_labels,description\n" + "".join(
        f'{c},{label},{"|".join(alt)},{d}\n' for c, label, alt, d in TINY_SKILLS))
    assert invoke("taxonomy", "import", "custom", str(skills)).exit_code == 0
    assert invoke("index", "build").exit_code == 0
    postings = tmp / "postings.jsonl"
    postings.write_text("\n".join(json.dumps(r) for r in POSTINGS))
    assert invoke("postings", "import", str(postings)).exit_code == 0
    return invoke


def _usage_error(out, option: str) -> str:
    """The one error line of a usage error on ``option`` (exit status 2, no traceback)."""
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output
    errors = [line for line in out.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and f"'{option}'" in errors[0], out.output
    return errors[0]


@pytest.mark.parametrize("args", [
    ("demand", "--since", "2024-13-45"),
    ("demand", "--since", "yesterday"),
    ("demand", "--until", "2024-02-30"),
    ("post-need", "Acme", "--required", "CPR", "--date", "tomorrow"),
])
def test_a_bad_date_is_a_usage_error(cli, args) -> None:
    option, value = args[-2], args[-1]
    line = _usage_error(cli(*args), option)
    assert f"'{value}'" in line and "ISO 8601" in line and "YYYY-MM-DD" in line


def test_good_dates_still_slice_demand(cli) -> None:
    everything = json.loads(cli("demand", "--format", "json").output)["records"]
    window = cli("demand", "--since", "2026-01-01", "--until", "2026-12-31", "--format", "json")
    assert window.exit_code == 0, window.output
    assert 0 < json.loads(window.output)["records"] < everything  # 2026 postings only
    line = _usage_error(cli("demand", "--since", "2026-01-01", "--until", "2025-01-01"),
                        "--since")
    assert "not before --until" in line


@pytest.mark.parametrize("args", [
    ("demand", "--top", "-1"),
    ("recommend", "nurse", "--max-cost", "-5"),
    ("recommend", "nurse", "--max-cost", "nan"),
    ("recommend", "nurse", "--max-hours", "inf"),
    ("pathway", "31-1131.00", "--max-cost", "-1"),
    ("pathway", "31-1131.00", "--coverage", "2"),
    ("pathway", "31-1131.00", "--coverage", "nan"),
    ("post-need", "Acme", "--required", "CPR", "--openings", "0"),
    ("skills", "link", "CPR", "--threshold", "nan"),
    ("data", "synth-postings", "--onet", ".", "--n", "1", "--out", "x.jsonl", "--seed", "-1"),
    ("eval", "linking", "--sample", "-2"),
    ("eval", "matching", "--seed", "-1"),
    ("models", "train", "--epochs", "nan"),
    ("models", "train", "--learning-rate", "0"),
])
def test_a_bad_number_is_a_usage_error(cli, args) -> None:
    _usage_error(cli(*args), args[-2])


def test_serve_shares_the_cores_among_workers_compute_threads() -> None:
    from skillmatch.cli.serve import worker_threads

    assert worker_threads(1, cores=2) == 2
    assert worker_threads(2, cores=2) == 1
    assert worker_threads(4, cores=2) == 1  # never none
    assert worker_threads(2, cores=16) == 8
