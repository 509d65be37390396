"""int8 copies of an exported model: smaller, checked, never half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillmatch.embeddings.export import BASE_MODEL, list_models, verify_model
from skillmatch.embeddings.quantize import quantize_model
from skillmatch.errors import ArtifactError
from skillmatch.settings import Settings

pytestmark = pytest.mark.model


@pytest.fixture
def models(tmp_path: Path) -> Path:
    source = Settings().models_dir / BASE_MODEL
    shutil.copytree(source, tmp_path / BASE_MODEL)
    return tmp_path


def test_int8_copy_is_smaller_agrees_and_lists(models: Path) -> None:
    calls = []

    def rank_check(folder: Path) -> dict[str, float]:
        calls.append(folder.name)
        return {"RP@5": 0.40 if folder.name == BASE_MODEL else 0.398}

    manifest = quantize_model(models, BASE_MODEL, "base-int8", rank_check)
    q = manifest["quantization"]
    assert manifest["files"]["model.onnx"]["bytes"] < q["from_bytes"] / 3
    assert q["mean_cosine_vs_fp32"] >= 0.99 and q["from"] == BASE_MODEL
    assert calls == [BASE_MODEL, "base-int8.tmp"]
    verify_model(models, "base-int8")  # checksums match the files
    kinds = {m["name"]: m["kind"] for m in list_models(models)}
    assert kinds == {BASE_MODEL: "base, fp32", "base-int8": "base, int8"}
    with pytest.raises(ArtifactError, match="already quantized"):
        quantize_model(models, "base-int8", "twice")


def test_a_copy_that_ranks_worse_is_not_kept(models: Path) -> None:
    def rank_check(folder: Path) -> dict[str, float]:
        return {"RP@5": 0.40 if folder.name == BASE_MODEL else 0.39}

    with pytest.raises(ArtifactError, match="1.00 RP@5 points"):
        quantize_model(models, BASE_MODEL, "base-int8", rank_check)
    assert sorted(p.name for p in models.iterdir()) == [BASE_MODEL]


def test_bad_names(models: Path) -> None:
    with pytest.raises(ArtifactError, match="must differ"):
        quantize_model(models, BASE_MODEL, BASE_MODEL)
    with pytest.raises(ArtifactError, match="expected a new folder name"):
        quantize_model(models, BASE_MODEL, "../elsewhere")
