"""all-MiniLM-L6-v2 through onnxruntime and tokenizers: no torch at query time.

Texts are sorted by length and padded per batch (the shipped tokenizer pads
every input to 128 tokens, which makes short queries 8 to 10 times slower);
mean pooling over the attention mask, then L2 normalisation.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError
from .base import Embedder, ProgressFn

log = logging.getLogger(__name__)


def read_model_manifest(model_dir: Path) -> dict[str, Any]:
    path = Path(model_dir) / "manifest.json"
    if not path.exists():
        raise ArtifactError(
            f"{model_dir}: no exported model here; run `skillmatch models build` (or `make models`)"
        )
    data: dict[str, Any] = json.loads(path.read_text())
    return data


class OnnxEmbedder(Embedder):
    def __init__(
        self, model_dir: Path, batch_size: int = 64, max_tokens: int = 256, threads: int = 0
    ) -> None:
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.threads = threads
        self._manifest: dict[str, Any] | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest = read_model_manifest(self.model_dir)
        return self._manifest

    @property
    def model_id(self) -> str:  # type: ignore[override]
        m = self.manifest
        return f"{m['name']}@onnx-{m['files']['model.onnx']['sha256'][:12]}"

    @property
    def dimension(self) -> int:  # type: ignore[override]
        return int(self.manifest["dimension"])

    def load(self) -> OnnxEmbedder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = self.model_dir / "model.onnx"
        expected = self.manifest["files"]["model.onnx"]["bytes"]
        if not model.exists() or model.stat().st_size != expected:
            raise ArtifactError(
                f"{model}: missing or not the exported size ({expected} bytes); "
                "run `skillmatch models build --force`"
            )
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session_ = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self.inputs_ = {i.name for i in self.session_.get_inputs()}
        self.tokenizer_ = tokenizer
        return self

    def close(self) -> None:
        """Drop the inference session and the tokenizer (loaded again when needed)."""
        for name in ("session_", "inputs_", "tokenizer_"):
            self.__dict__.pop(name, None)

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        if not hasattr(self, "session_"):
            self.load()
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer_.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        done = 0
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs_:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session_.run(None, feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[batch] = pooled
            done += len(batch)
            if progress:
                progress(done, len(texts))
        return out
