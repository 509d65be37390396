"""The bare reference endpoint of the load benchmark (``bench_load.py``).

It does the least a search service can: embed one query with the same embedder the
service uses (onnxruntime and the shipped model, one thread per worker) and search an
HNSW index of 100,000 vectors (FAISS, M=32, efSearch 64, one thread). Nothing else:
no database, no ranking, no explanation. The service's figures are read as ratios to
this one, measured in the same run on the same machine.

    REFERENCE_INDEX=<cache>/reference/hnsw-100k.faiss \\
        uvicorn --app-dir benchmarks reference_server:create_app --factory --workers 2

The model comes from the usual settings (``SKILLMATCH_MODELS_DIR``,
``SKILLMATCH_MODEL_NAME``, ``SKILLMATCH_THREADS``).
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import faiss
import numpy as np
from fastapi import FastAPI, Query

from skillmatch.embeddings import make_embedder
from skillmatch.settings import Settings

EF_SEARCH = 64


def create_app() -> FastAPI:
    faiss.omp_set_num_threads(1)
    settings = Settings()
    embedder = make_embedder(settings)  # no cache: every query is embedded
    index = faiss.read_index(os.environ["REFERENCE_INDEX"])
    faiss.ParameterSpace().set_index_parameter(index, "efSearch", EF_SEARCH)
    app = FastAPI(title="reference")

    @app.get("/search")
    def search(q: Annotated[str, Query(min_length=1, max_length=2000)],
               k: int = 10) -> dict[str, Any]:
        vector = np.asarray(embedder.embed([q]), dtype=np.float32)
        scores, ids = index.search(vector, k)
        return {"ids": ids[0].tolist(), "scores": [round(float(s), 4) for s in scores[0]]}

    @app.get("/ready")
    def ready() -> dict[str, Any]:
        return {"ready": True, "vectors": int(index.ntotal)}

    return app
