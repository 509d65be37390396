"""Weight-space interpolation of the fine-tuned model with its base (``models interpolate``).

Contrastive fine-tuning on job-ad sentences makes the model much better at mapping a
sentence onto its ESCO label, and a little worse at the general relatedness whole
descriptions need. Averaging the weights, ``(1 - alpha) * base + alpha * tuned``
(WiSE-FT: Wortsman et al., "Robust fine-tuning of zero-shot models", CVPR 2022), keeps
most of the first and recovers the second, at no cost in size or speed.

``alpha`` is chosen on development data only, by a rule stated before looking:

- sentence level: SkillSkape dev, nearest ESCO preferred label, RP@5;
- description level: the *dev half* of ESCO occupations (by the first byte of the
  sha256 of the occupation URI, see :func:`occupation_half`), each description ranking
  all ESCO preferred labels, MAP against its essential skills;
- the chosen ``alpha`` maximises the product of the two ratios to the base model (equal
  weight to both levels; a gain on one cannot hide a loss on the other).

The other half of ESCO occupations is never looked at here; ``eval linking`` reports
it apart as the held-out figure. torch is imported only here.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError, InputError
from ..evaluation.esco_occupations import occupation_gold
from ..evaluation.metrics import average_precision
from ..evaluation.skillskape import esco_split, score

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
DEFAULT_ALPHAS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
RULE = ("max over alpha of (SkillSkape dev RP@5 / base) * (ESCO occupations dev-half MAP / "
        "base), both with the plain nearest-label method")


def dev_figures(embed: Callable[[list[str]], np.ndarray], skills: Sequence[Any],
                sentences: list[tuple[str, set[str]]],
                descriptions: list[tuple[str, set[str]]], depth: int = 100
                ) -> dict[str, float]:
    """RP@5 on the sentences and MAP on the descriptions, nearest ESCO label by cosine."""
    codes = [s.code for s in skills]
    labels = embed([s.label for s in skills])

    def ranked(texts: list[str], k: int) -> list[list[str]]:
        out: list[list[str]] = []
        vectors = embed(texts)
        for start in range(0, len(vectors), 512):
            sims = vectors[start : start + 512] @ labels.T
            top = np.argpartition(-sims, k, axis=1)[:, :k]
            for row, idx in enumerate(top):
                out.append([codes[j] for j in idx[np.argsort(-sims[row, idx])]])
        return out

    rp = score(ranked([t for t, _ in sentences], 10), [g for _, g in sentences])
    ap = [average_precision(r, g) for r, g in
          zip(ranked([t for t, _ in descriptions], depth), [g for _, g in descriptions])]
    return {"skillskape_dev_RP@5": round(rp["RP@5"], 4),
            "esco_occupations_dev_MAP": round(float(np.mean(ap)), 4)}


def choose(sweep: list[dict[str, float]], base: dict[str, float]) -> dict[str, float]:
    """The sweep row that maximises the product of the two ratios to ``base``."""
    def gain(row: dict[str, float]) -> float:
        return (row["skillskape_dev_RP@5"] / base["skillskape_dev_RP@5"]
                * row["esco_occupations_dev_MAP"] / base["esco_occupations_dev_MAP"])

    for row in sweep:
        row["gain"] = round(gain(row), 4)
    return max(sweep, key=lambda r: (r["gain"], -r["alpha"]))


def interpolate_model(shared: Path, models_dir: Path, source: str, name: str,
                      alphas: Sequence[float] = DEFAULT_ALPHAS,
                      progress: ProgressFn | None = None, keep_torch: bool = False
                      ) -> dict[str, Any]:
    """Sweep ``alphas`` between the packaged base model and the fine-tuned ``source``
    (its torch weights, kept by ``models train --keep-torch`` in ``models/.<source>.torch``),
    export the chosen one to ``models_dir/name`` (fp32 ONNX); return its manifest.
    ``keep_torch`` keeps the averaged torch weights in ``models/.<name>.torch``."""
    models_dir = Path(models_dir)
    tuned_dir = models_dir / f".{source}.torch"
    if not tuned_dir.is_dir():
        raise InputError(f"no torch weights for {source!r} at {tuned_dir} (train it with "
                         "`skillmatch models train --keep-torch`)", field="source")
    if not name or "/" in name or name in (source, "all-MiniLM-L6-v2"):
        raise InputError(f"model name {name!r} (expected a new folder name under models/)",
                         field="name")
    bad = [a for a in alphas if not 0.0 <= a <= 1.0]
    if bad or not alphas:
        raise InputError(f"alphas {list(alphas)!r} (expected values between 0 and 1)",
                         field="alphas")
    from ..embeddings.extras import require_train

    require_train("interpolating models (skillmatch models interpolate)")
    import torch
    from sentence_transformers import SentenceTransformer

    from ..embeddings.export import export_onnx
    from ..embeddings.onnx_backend import read_model_manifest
    from ..embeddings.st_backend import packaged_model_path

    source_manifest = read_model_manifest(models_dir / source)
    started = time.perf_counter()
    skills, sentences = esco_split(Path(shared), "dev")
    descriptions = occupation_gold(Path(shared), "dev")
    model = SentenceTransformer(str(packaged_model_path()), device="cpu", local_files_only=True)
    tuned = SentenceTransformer(str(tuned_dir), device="cpu", local_files_only=True)
    base_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    tuned_state = tuned.state_dict()
    if set(base_state) != set(tuned_state):
        raise ArtifactError(f"{tuned_dir}: not a fine-tune of the packaged model "
                            "(different parameters)")
    del tuned

    def embed(texts: list[str]) -> np.ndarray:
        return model.encode(texts, batch_size=128, normalize_embeddings=True,
                            convert_to_numpy=True)

    def load(alpha: float) -> None:
        model.load_state_dict({
            k: ((1.0 - alpha) * v + alpha * tuned_state[k]) if v.is_floating_point() else v
            for k, v in base_state.items()})

    with torch.no_grad():
        base = dev_figures(embed, skills, sentences, descriptions)
        sweep = []
        for i, alpha in enumerate(sorted(set(alphas))):
            load(alpha)
            sweep.append({"alpha": alpha, **dev_figures(embed, skills, sentences, descriptions)})
            log.info("alpha %.2f: %s", alpha, sweep[-1])
            if progress:
                progress("interpolate", i + 1, len(set(alphas)))
        best = choose(sweep, base)
        load(best["alpha"])
    staging = models_dir / f".{name}.torch"
    shutil.rmtree(staging, ignore_errors=True)
    model.save(str(staging))
    extra: dict[str, Any] = {
        key: source_manifest[key] for key in ("base_model", "training") if key in source_manifest
    }
    extra["interpolation"] = {
        "method": "WiSE-FT weight averaging: (1 - alpha) * base + alpha * fine-tuned",
        "fine_tuned": source, "alpha": best["alpha"], "rule": RULE,
        "base": base, "sweep": sweep, "dev_occupations": len(descriptions),
        "dev_sentences": len(sentences),
        "seconds": round(time.perf_counter() - started, 1),
    }
    extra["figures"] = {"skillskape_dev_nearest_label": {
        "base": source_manifest.get("figures", {}).get("skillskape_dev_nearest_label", {})
        .get("base", {"RP@5": base["skillskape_dev_RP@5"]}),
        "trained": {"RP@5": best["skillskape_dev_RP@5"]},
    }}
    try:
        target = export_onnx(models_dir, name, source=staging, extra=extra)
    finally:
        if not keep_torch:
            shutil.rmtree(staging, ignore_errors=True)
    log.info("interpolated %s at alpha %.2f: %s", name, best["alpha"],
             json.dumps({k: best[k] for k in best if k != "alpha"}))
    return read_model_manifest(target)
