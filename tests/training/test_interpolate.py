"""Weight-space interpolation: the rule that picks alpha, the fixed occupation halves,
and a real sweep between the packaged model and a two-step fine-tune."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from skillmatch.errors import InputError
from skillmatch.evaluation.esco_occupations import occupation_gold, occupation_half
from skillmatch.training import interpolate
from skillmatch.training.interpolate import choose, dev_figures, interpolate_model


def row(alpha: float, rp: float, ap: float) -> dict[str, float]:
    return {"alpha": alpha, "skillskape_dev_RP@5": rp, "esco_occupations_dev_MAP": ap}


def test_choose_maximises_the_product_of_both_ratios() -> None:
    base = {"skillskape_dev_RP@5": 0.40, "esco_occupations_dev_MAP": 0.10}
    sweep = [row(0.5, 0.60, 0.110), row(0.8, 0.64, 0.104), row(1.0, 0.66, 0.090)]
    best = choose(sweep, base)
    # 1.5 * 1.1 = 1.65; 1.6 * 1.04 = 1.664; 1.65 * 0.9 = 1.485: the sentence-best loses
    assert best["alpha"] == 0.8
    assert [r["gain"] for r in sweep] == [1.65, 1.664, 1.485]
    tie = [row(0.6, 0.6, 0.1), row(0.7, 0.6, 0.1)]
    assert choose(tie, base)["alpha"] == 0.6  # ties go to the smaller step from the base


def test_occupation_halves_are_fixed_and_balanced() -> None:
    codes = [f"http://data.europa.eu/esco/occupation/{i}" for i in range(2000)]
    halves = [occupation_half(c) for c in codes]
    assert halves == [occupation_half(c) for c in codes]
    assert 900 < halves.count("dev") < 1100
    assert set(halves) == {"dev", "test"}


def test_dev_figures_rank_with_the_given_embedder() -> None:
    class Skill:
        def __init__(self, code: str, label: str) -> None:
            self.code, self.label = code, label

    skills = [Skill(f"s{i}", f"label {i}") for i in range(12)]
    table = {f"label {i}": np.eye(12)[i] for i in range(12)}
    e = np.eye(12)
    table.update({"ask for 3": e[3], "doc 4 and 5": e[4] + 0.8 * e[5] + 0.5 * e[9]})

    def embed(texts: list[str]) -> np.ndarray:
        out = np.array([table[t] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    figures = dev_figures(embed, skills, [("ask for 3", {"s3"})],
                          [("doc 4 and 5", {"s4", "s5"})], depth=10)
    assert figures == {"skillskape_dev_RP@5": 1.0, "esco_occupations_dev_MAP": 1.0}
    figures = dev_figures(embed, skills, [("ask for 3", {"s7"})],
                          [("doc 4 and 5", {"s4", "s9"})], depth=10)
    assert figures["skillskape_dev_RP@5"] == 0.0
    # ranked s4, s5, s9: hits at 1 and 3, AP = (1/1 + 2/3) / 2
    assert figures["esco_occupations_dev_MAP"] == pytest.approx(0.8333, abs=1e-4)


def test_bad_arguments_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no torch weights"):
        interpolate_model(tmp_path, tmp_path, "absent", "new")
    (tmp_path / ".tuned.torch").mkdir()
    with pytest.raises(InputError, match="alphas"):
        interpolate_model(tmp_path, tmp_path, "tuned", "new", alphas=[0.5, 1.5])
    with pytest.raises(InputError, match="model name"):
        interpolate_model(tmp_path, tmp_path, "tuned", "tuned")


@pytest.mark.shared
def test_real_occupation_halves(shared: Path) -> None:
    every = occupation_gold(shared)
    dev, test = occupation_gold(shared, "dev"), occupation_gold(shared, "test")
    assert len(every) == len(dev) + len(test) > 2900
    assert abs(len(dev) - len(test)) < 0.15 * len(every)
    assert not {d for d, _ in dev} & {d for d, _ in test} - {""}
    assert all(gold for _, gold in every)
    with pytest.raises(InputError, match="half 'train'"):
        occupation_gold(shared, "train")


@pytest.mark.model
@pytest.mark.shared
def test_a_real_sweep_exports_the_chosen_average(shared: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    from skillmatch.embeddings.onnx_backend import OnnxEmbedder
    from skillmatch.embeddings.st_backend import packaged_model_path

    # a stand-in fine-tune: the packaged model with seeded noise on every weight (training
    # itself is tested in test_train.py), with the manifest a trained model has
    packaged = str(packaged_model_path())
    tuned = SentenceTransformer(packaged, device="cpu")
    generator = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in tuned.parameters():
            p.mul_(1 + 0.2 * torch.randn(p.shape, generator=generator))
    tuned.save(str(tmp_path / ".tuned.torch"))
    (tmp_path / "tuned").mkdir()
    (tmp_path / "tuned" / "manifest.json").write_text(json.dumps(
        {"name": "tuned", "base_model": "all-MiniLM-L6-v2", "training": {"steps": 7}}))
    # a small real pool keeps the sweep quick: the dev sentences' and descriptions'
    # gold skills plus 400 others
    skills, sentences = interpolate.esco_split(shared, "dev", 40)
    descriptions = occupation_gold(shared, "dev")[:25]
    gold = set().union(*(g for _, g in sentences + descriptions))
    pool = [s for s in skills if s.code in gold] + [s for s in skills if s.code not in gold][:400]
    monkeypatch.setattr(interpolate, "esco_split", lambda *a, **k: (pool, sentences))
    monkeypatch.setattr(interpolate, "occupation_gold", lambda *a, **k: descriptions)

    manifest = interpolate_model(shared, tmp_path, "tuned", "averaged", alphas=[0.0, 0.5, 1.0])
    info = manifest["interpolation"]
    assert [r["alpha"] for r in info["sweep"]] == [0.0, 0.5, 1.0]
    first = {k: v for k, v in info["sweep"][0].items() if k not in ("alpha", "gain")}
    assert first == info["base"]  # alpha 0 is the base model, exactly
    last = dev_figures(lambda t: tuned.encode(t, normalize_embeddings=True), pool, sentences,
                       descriptions)
    assert {k: info["sweep"][2][k] for k in last} == pytest.approx(last, abs=2e-4)
    assert info["base"] != last  # the noise changed the rankings, so the sweep means something
    assert info["alpha"] == max(info["sweep"], key=lambda r: (r["gain"], -r["alpha"]))["alpha"]
    assert manifest["training"]["steps"] == 7  # carried over from the fine-tune
    assert manifest["verification"]["mean_cosine_vs_sentence_transformers"] >= 0.9999
    on_disk = json.loads((tmp_path / "averaged" / "manifest.json").read_text())
    assert on_disk["interpolation"]["alpha"] == info["alpha"]
    assert not (tmp_path / ".averaged.torch").exists()
    # the exported weights are the average, recomputed here independently
    alpha = info["alpha"]
    expected = SentenceTransformer(packaged, device="cpu")
    base_state = expected.state_dict()
    tuned_state = tuned.state_dict()
    expected.load_state_dict({k: (1 - alpha) * v + alpha * tuned_state[k]
                              if v.is_floating_point() else v for k, v in base_state.items()})
    text = ["Weld structural steel using MIG and TIG processes.", "Lesson planning"]
    ours = OnnxEmbedder(tmp_path / "averaged").embed(text)
    want = expected.encode(text, normalize_embeddings=True)
    assert np.min(np.sum(ours * want, axis=1)) > 0.9999
