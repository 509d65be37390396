"""A few real training steps, exported to ONNX with its manifest (the shipped model is
checked elsewhere; CI never retrains it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillmatch.training.train import TrainConfig, train_model

pytestmark = [pytest.mark.model, pytest.mark.shared]


def test_a_few_steps_train_and_export(shared: Path, tmp_path: Path) -> None:
    config = TrainConfig(max_steps=2, batch_size=8, skillskape_limit=60, dev_limit=40,
                         alt_per_skill=0, with_descriptions=False)
    manifest = train_model(shared, tmp_path, "tiny-trained", config)
    folder = tmp_path / "tiny-trained"
    assert (folder / "model.onnx").exists() and (folder / "tokenizer.json").exists()
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk == manifest
    training = manifest["training"]
    assert training["steps"] == 2 and training["leaked_anchors"] == 0
    assert training["config"]["seed"] == 13
    assert set(training["data_sha256"]) >= {"skillskape/train.csv", "esco-v1.1.1/skills_en.csv"}
    figures = manifest["figures"]["skillskape_dev_nearest_label"]
    assert set(figures) == {"base", "trained"} and 0 < figures["base"]["RP@5"] <= 1
    # the ONNX export agrees with the trained torch model (checked at export)
    assert manifest["verification"]["mean_cosine_vs_sentence_transformers"] >= 0.9999
    assert not list(tmp_path.glob(".*"))  # no staging folder left behind
