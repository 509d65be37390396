"""The exported ONNX model against sentence-transformers (real model)."""

import subprocess
import sys

import numpy as np
import pytest

from skillmatch.embeddings.onnx_backend import OnnxEmbedder
from skillmatch.errors import ArtifactError
from skillmatch.settings import Settings

pytestmark = pytest.mark.model

SENTENCES = [
    "Provide patient care and take vital signs.",
    "Python",
    "Teachers design maker-education lessons with 3D printers, laser cutters and microcontrollers "
    "so that students prototype solutions to community problems.",
    "Collaborate with colleagues.",
]


@pytest.fixture(scope="module")
def model_dir():
    path = Settings().models_dir / "all-MiniLM-L6-v2"
    if not (path / "manifest.json").exists():
        from skillmatch.embeddings.export import export_onnx

        export_onnx(path.parent)
    return path


def test_matches_sentence_transformers_and_keeps_order(model_dir) -> None:
    from skillmatch.embeddings.st_backend import SentenceTransformerEmbedder

    onnx = OnnxEmbedder(model_dir, batch_size=2).embed(SENTENCES)
    ref = SentenceTransformerEmbedder().embed(SENTENCES)
    cos = np.sum(onnx * ref, axis=1)
    assert cos.min() > 0.9999
    one_by_one = np.stack([OnnxEmbedder(model_dir).embed([s])[0] for s in SENTENCES])
    assert np.allclose(one_by_one, onnx, atol=1e-5)


def test_query_path_does_not_import_torch(model_dir) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from skillmatch.embeddings.onnx_backend import OnnxEmbedder\n"
        f"v = OnnxEmbedder(Path({str(model_dir)!r})).embed(['weld steel'])\n"
        "assert v.shape == (1, 384)\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_model_names_the_command(tmp_path) -> None:
    with pytest.raises(ArtifactError, match="skillmatch models build"):
        OnnxEmbedder(tmp_path / "none").embed(["x"])
