"""The shipped default model: loaded and checked, never retrained in CI."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from skillmatch.app import SkillMatch
from skillmatch.embeddings.export import BASE_MODEL, TRAINED_MODEL, list_models, verify_model
from skillmatch.embeddings.onnx_backend import OnnxEmbedder
from skillmatch.evaluation.skillskape import esco_split, nearest_label
from skillmatch.linking.ranker import FEATURES, RankerModel
from skillmatch.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.shared]

SHIPPED = TRAINED_MODEL


def test_shipped_int8_model_checks_out() -> None:
    settings = Settings()
    manifest = verify_model(settings.models_dir, SHIPPED)  # files match their checksums
    assert manifest["files"]["model.onnx"]["bytes"] <= 30_000_000
    quant = manifest["quantization"]
    assert quant["mean_cosine_vs_fp32"] >= 0.99
    dev = quant["skillskape_dev_nearest_label"]
    assert dev["fp32"]["RP@5"] - dev["int8"]["RP@5"] <= 0.005
    training = manifest["training"]
    assert training["leaked_anchors"] == 0 and training["config"]["seed"] == 13
    assert training["counts"]["hard negatives mined"] > 0
    listed = {m["name"]: m for m in list_models(settings.models_dir)}
    assert listed[SHIPPED]["kind"] == "fine-tuned, int8"
    assert settings.model_name == SHIPPED  # the default


def test_shipped_model_was_chosen_on_dev_data_and_keeps_descriptions() -> None:
    """The averaging weight was picked by the stated rule on dev data, and at that weight
    the dev descriptions rank at least as well as with the base model."""
    manifest = verify_model(Settings().models_dir, SHIPPED)
    info = manifest["interpolation"]
    assert 0.0 < info["alpha"] < 1.0 and 1.0 in [r["alpha"] for r in info["sweep"]]
    chosen = next(r for r in info["sweep"] if r["alpha"] == info["alpha"])
    assert chosen["gain"] == max(r["gain"] for r in info["sweep"])
    assert chosen["esco_occupations_dev_MAP"] >= info["base"]["esco_occupations_dev_MAP"]
    assert chosen["skillskape_dev_RP@5"] >= info["base"]["skillskape_dev_RP@5"] + 0.15
    assert info["dev_occupations"] > 1400 and info["dev_sentences"] > 1000


def test_shipped_model_ranks_skillskape_dev_better_than_base(shared: Path) -> None:
    """Nearest preferred label on 150 dev sentences among their gold skills and 2,000
    seeded distractors: the fine-tuned model must beat the base model clearly."""
    skills, dev = esco_split(shared, "dev", 150)
    gold = {c for _, g in dev for c in g}
    others = [s for s in skills if s.code not in gold]
    pool = [s for s in skills if s.code in gold] + random.Random(13).sample(others, 2000)
    models = Settings().models_dir
    shipped = nearest_label(OnnxEmbedder(models / SHIPPED).embed, pool, dev)
    base = nearest_label(OnnxEmbedder(models / BASE_MODEL).embed, pool, dev)
    assert shipped["RP@5"] >= base["RP@5"] + 0.10, (shipped, base)


def test_ranker_ships_for_the_model_and_scores_are_probabilities(
        shared: Path, tmp_path: Path) -> None:
    """The shipped model with its ranker over real ESCO (labels and descriptions)."""
    settings = Settings(home=tmp_path / "ws", model_name=SHIPPED, shared_data=shared,
                        index_alt_labels=False, taxonomies=["esco"])
    app = SkillMatch(settings)
    try:
        app.import_taxonomy("esco", shared / "esco-v1.1.1")
        app.build_indexes(["esco"])
        ranker = RankerModel.load(settings.models_dir / SHIPPED)
        assert ranker is not None and ranker.features == FEATURES
        assert ranker.meta["model"] == app.embedder.model_id
        assert app.linking_service.ranker is not None
        text = ["Experience with Python and SQL is required."]
        [ranked] = app.link(text, top_k=5)
        assert all(0.0 <= s.score <= 1.0 and s.similarity is not None
                   for s in ranked.skills)
        assert ranked.skills[0].label in {"Python (computer programming)", "SQL"}
        [linked] = app.link(text)  # thresholded: raw scores, probability beside
        assert {"Python (computer programming)", "SQL"} <= {s.label for s in linked.skills}
        assert all(s.probability is not None and s.score >= settings.link_threshold
                   for s in linked.skills)
    finally:
        app.close()
