"""The trained model against the base model: agreement and linking speed, one run.

Prints, side by side:

- agreement on real NYC Jobs posting sentences (default 1,000): mean cosine between
  the trained model's torch form (kept by ``skillmatch models train`` in
  ``models/.<fp32>.torch``) and its fp32 ONNX export, and its shipped int8 ONNX form;
- embedding throughput (sentences/s) of the base model and the shipped model;
- linking throughput: ``SkillMatch.link`` over the same sentences against ESCO, each
  model with its own workspace (ESCO indexed with that model; ``--base-home`` and
  ``--home``), its ranker on where it has one. Embedding caches are bypassed (fresh
  embedder), so the figures are model speed, not cache speed.

    python benchmarks/bench_model.py --home WS_TRAINED --base-home WS_BASE \
        [--fp32 skillmatch-minilm-v3-fp32] [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from posting_sentences import nyc_sentences  # noqa: E402

from skillmatch.app import SkillMatch  # noqa: E402
from skillmatch.embeddings.export import BASE_MODEL, TRAINED_MODEL  # noqa: E402
from skillmatch.embeddings.onnx_backend import OnnxEmbedder  # noqa: E402
from skillmatch.settings import Settings  # noqa: E402


def throughput(folder: Path, sentences: list[str]) -> float:
    embedder = OnnxEmbedder(folder).load()
    embedder.embed(sentences[:32])  # warm up
    started = time.perf_counter()
    embedder.embed(sentences)
    return len(sentences) / (time.perf_counter() - started)


def link_rate(settings: Settings, sentences: list[str]) -> tuple[float, bool]:
    app = SkillMatch(settings)
    try:
        app.link(sentences[:20])  # load model, indexes, ranker
        app.linker.embedder_ = getattr(app.linker.embedder_, "inner", app.linker.embedder_)
        started = time.perf_counter()
        app.link(sentences)
        ranked = app.linking_service.ranker is not None
        return len(sentences) / (time.perf_counter() - started), ranked
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="workspace, trained model")
    parser.add_argument("--base-home", type=Path, required=True, help="workspace, base model")
    parser.add_argument("--fp32", default="skillmatch-minilm-v3-fp32")
    parser.add_argument("--model", default=TRAINED_MODEL, help="the shipped model")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    settings = Settings()
    models = Path(settings.models_dir)
    shipped = args.model
    sentences = nyc_sentences(settings.shared_data, args.n)
    rows: list[tuple[str, str]] = []

    torch_dir = models / f".{args.fp32}.torch"
    if torch_dir.exists():
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(str(torch_dir), device="cpu", local_files_only=True)
        st.max_seq_length = 256
        ref = st.encode(sentences, batch_size=64, normalize_embeddings=True,
                        convert_to_numpy=True)
        del st
        for name in (args.fp32, shipped):
            if (models / name).exists():
                vecs = OnnxEmbedder(models / name).embed(sentences)
                cos = np.sum(ref * vecs, axis=1)
                rows.append((f"agreement torch vs ONNX {name} (mean / min cosine)",
                             f"{cos.mean():.5f} / {cos.min():.4f}"))
    else:
        rows.append(("agreement torch vs ONNX", f"skipped: no {torch_dir}"))

    base_rate = throughput(models / BASE_MODEL, sentences)
    ours_rate = throughput(models / shipped, sentences)
    rows.append((f"embed sentences/s, {BASE_MODEL}", f"{base_rate:.0f}"))
    rows.append((f"embed sentences/s, {shipped}", f"{ours_rate:.0f}"))
    rows.append(("  ratio shipped / base", f"{ours_rate / base_rate:.2f}x"))

    base_link, _ = link_rate(Settings(home=args.base_home, model_name=BASE_MODEL,
                                      taxonomies=["esco"]), sentences)
    ours_link, ranked = link_rate(Settings(home=args.home, model_name=shipped,
                                           taxonomies=["esco"]), sentences)
    rows.append((f"link sentences/s, {BASE_MODEL} (raw linker)", f"{base_link:.0f}"))
    rows.append((f"link sentences/s, {shipped}{' + ranker' if ranked else ''}",
                 f"{ours_link:.0f}"))
    rows.append(("  ratio shipped / base", f"{ours_link / base_link:.2f}x"))

    width = max(len(r[0]) for r in rows)
    print(f"\n{len(sentences):,} NYC Jobs sentences, cores {os.cpu_count()}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>17}")


if __name__ == "__main__":
    main()
