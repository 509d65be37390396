"""Training, interpolating and quantizing the embedding model.

Training and export load torch and friends, so everything is imported inside the
methods: a process that only serves never imports them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..progress import ProgressFn
from .context import Context


class ModelService:
    """Fine-tune, interpolate and quantize models under the setting ``models_dir``."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def train_model(self, name: str, config: Any = None,
                    progress: ProgressFn | None = None) -> dict[str, Any]:
        """Fine-tune the base model on the shared data; export it under ``models_dir``.
        Select it afterwards with ``SKILLMATCH_MODEL_NAME=<name>``."""
        from ..training.train import TrainConfig, train_model

        s = self._ctx.settings
        return train_model(Path(s.shared_data), Path(s.models_dir), name,
                           config or TrainConfig(), progress)

    def interpolate_model(self, source: str, name: str, alphas: Any = None,
                          progress: ProgressFn | None = None, keep_torch: bool = False
                          ) -> dict[str, Any]:
        """Average the fine-tuned ``source``'s weights with the base model's, the weight
        chosen on dev data (see :mod:`skillmatch.training.interpolate`); export as ``name``."""
        from ..training.interpolate import DEFAULT_ALPHAS, interpolate_model

        s = self._ctx.settings
        return interpolate_model(Path(s.shared_data), Path(s.models_dir), source, name,
                                 alphas or DEFAULT_ALPHAS, progress, keep_torch)

    def quantize_model(self, source: str, name: str, check: bool = True) -> dict[str, Any]:
        """An int8 copy of the exported model ``source`` as ``name``, kept only if it ranks
        SkillSkape dev within 0.5 RP@5 points of the original (``check``)."""
        from ..embeddings.onnx_backend import OnnxEmbedder
        from ..embeddings.quantize import quantize_model
        from ..evaluation.skillskape import esco_split, nearest_label

        s = self._ctx.settings
        rank_check = None
        if check:
            skills, dev = esco_split(Path(s.shared_data), "dev")

            def rank_check(folder: Path) -> dict[str, float]:
                embedder = OnnxEmbedder(folder, batch_size=s.batch_size, threads=s.threads)
                return nearest_label(embedder.embed, skills, dev)

        return quantize_model(Path(s.models_dir), source, name, rank_check)
