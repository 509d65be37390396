"""Typed settings: one object, passed in, never read from globals.

Every field can be set from the environment with the ``SKILLMATCH_`` prefix,
e.g. ``SKILLMATCH_HOME=/tmp/ws`` or ``SKILLMATCH_LINK_THRESHOLD=0.6``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """All tunable behaviour of skillmatch."""

    model_config = SettingsConfigDict(env_prefix="SKILLMATCH_", extra="ignore")

    # --- places -----------------------------------------------------------
    home: Path = Field(
        default=Path(".skillmatch"),
        description="Workspace directory: database, embedding cache and indexes.",
    )
    models_dir: Path = Field(
        default=PROJECT_ROOT / "models",
        description="Where exported models (ONNX + manifest) live.",
    )
    shared_data: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data",
        description="Real public data used by evaluations and benchmarks.",
    )
    demo_data: Path = Field(
        default=PROJECT_ROOT / "data" / "demo",
        description="The built-in sample data.",
    )

    # --- embeddings -------------------------------------------------------
    embedder: Literal["onnx", "sentence-transformers", "fake"] = Field(
        default="onnx",
        description="Embedding backend. 'onnx' needs `skillmatch models build` once.",
    )
    model_name: str = Field(
        default="skillmatch-minilm-v3",
        description="Model to embed with (a folder under models_dir). The default is the "
        "shipped fine-tuned int8 model with its calibrated ranker (models/MODEL_CARD.md); "
        "'all-MiniLM-L6-v2' is the base model (`skillmatch models build` exports it).",
    )
    batch_size: int = Field(default=64, ge=1)
    max_tokens: int = Field(default=256, ge=8, description="Truncate inputs to this many tokens.")
    threads: int = Field(default=0, ge=0, description="Compute threads; 0 means all cores.")

    import_batch_size: int = Field(
        default=256, ge=1, description="Records per import batch (one transaction each)."
    )

    # --- index ------------------------------------------------------------
    exact_index_max: int = Field(
        default=50_000,
        ge=0,
        description="Up to this many vectors an index is exact (flat); above it, HNSW. "
        "ESCO's 112k skill entries are HNSW: linking 7x faster, 99.6% of linked skills "
        "the same as flat (docs/performance.md).",
    )
    occupation_exact_index_max: int = Field(
        default=10_000,
        ge=0,
        description="Up to this many entries an occupation index (titles, alternative titles "
        "and descriptions) is exact; above it, HNSW. Every free-text recommendation and "
        "title look-up searches it: ESCO's 36k entries took 3 ms a search flat "
        "(docs/performance.md).",
    )
    hnsw_m: int = Field(default=32, ge=4)
    hnsw_ef_search: int = Field(default=128, ge=8)
    hnsw_ef_construction: int = Field(default=200, ge=8)
    index_alt_labels: bool = Field(
        default=True,
        description="Also embed alternative labels (more vectors, better recall).",
    )

    # --- linking ----------------------------------------------------------
    link_threshold: float = Field(
        default=0.55, ge=-1.0, le=1.0, description="Minimum score for a linked skill."
    )
    link_top_k: int = Field(default=10, ge=1, description="k of the ranked mode.")
    link_candidates: int = Field(
        default=40, ge=1, description="Label vectors fetched per text segment."
    )
    link_max_per_segment: int = Field(
        default=3, ge=1, description="At most this many skills linked from one segment."
    )
    link_lexical_bonus: float = Field(
        default=0.15, ge=0.0, le=1.0, description="Added when a label occurs verbatim."
    )
    link_context_weight: float = Field(
        default=0.7, ge=0.0, le=1.0,
        description="Weight of the sentence when scoring one of its clauses.",
    )
    link_support_weight: float = Field(
        default=0.15, ge=0.0, le=1.0,
        description="Added per unit of a skill's second-best sentence score in a document.",
    )
    link_ranker: Literal["auto", "off"] = Field(
        default="auto",
        description="'auto': the calibrated ranker fitted for the model "
        "(models/<model>/ranker.json), when there is one, orders ranked results and gives "
        "every linked skill a probability; 'off': the raw linker score only.",
    )
    link_profile: Literal["document", "legacy"] = Field(
        default="document",
        description="'document': section, field-line and title rules, acronym aliases "
        "matched lexically only, and the keep-or-drop decision on the document model's "
        "calibrated probability (models/<model>/document.json); 'legacy': the raw-score "
        "linker of earlier versions, for comparison.",
    )
    link_probability_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="Probability a linked skill needs under the document model "
        "(default: the cut stored with the model, chosen on SkillSpan dev).",
    )
    # --- demand -----------------------------------------------------------
    demand_half_life_days: float = Field(
        default=365.0, gt=0, description="A record this many days old counts half."
    )
    demand_reference_date: str | None = Field(
        default=None, description="Date ages are counted from (default: the newest record)."
    )
    demand_min_postings: int = Field(
        default=5, ge=1, description="Below this, an occupation uses the taxonomy's signals."
    )

    same_skill_cosine: float = Field(
        default=0.9, ge=0.0, le=1.0,
        description="Skills of two taxonomies whose preferred labels' embeddings are at "
        "least this close are the same skill: alignment and coverage count them once "
        "(with shared labels; skillmatch.flows.same_skill).",
    )

    recommend_relevance_weight: float = Field(
        default=0.4, ge=0.0, le=1.0,
        description="Weight of relevance (vs. labour-market value) in recommendations.",
    )

    # --- HTTP API ---------------------------------------------------------
    api_secret: SecretStr | None = Field(
        default=None,
        description="The server secret API keys are kept under (HMAC-SHA256). Default: "
        "one generated once and kept in the workspace (api-secret, readable by its owner "
        "only). Changing it invalidates every key.",
    )
    api_open_reads: bool = Field(
        default=True,
        description="Reads (GETs, and the POSTs that only compute: skills/link, "
        "recommendations, pathways, alignments) need no key; false: every request needs one.",
    )
    api_max_body_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest request body (413 above it)."
    )
    api_concurrency: int = Field(
        default=1, ge=0,
        description="Requests a server process computes at once (the rest wait their turn; "
        "0: the server's default of 40 threads). Python runs one thread at a time, so "
        "threads interleaving CPU-bound requests only add switching: run more workers.")
    api_switch_interval: float = Field(
        default=0.05, ge=0.0005, le=1.0,
        description="Seconds a server thread may hold Python's GIL before another may take "
        "it (sys.setswitchinterval; Python's default 0.005 makes the event loop and a "
        "computing request trade it back and forth).")
    api_max_upload_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1024,
        description="Largest file uploaded to /v1/imports (streamed to disk; 413 above it).")
    api_max_batch: int = Field(default=500, ge=1, description="Most items in one bulk write.")
    api_rate_limit: int = Field(
        default=600, ge=0,
        description="Requests one key (without a key: one client address) may make per "
        "window, counted across every worker in the workspace database; 0: no limit.",
    )
    api_rate_window: int = Field(default=60, ge=1, description="The rate limit's window (s).")
    api_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins browsers may call the API from (a comma list or a JSON list); "
        "empty: CORS off.",
    )

    taxonomies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Taxonomies to link against by default (a command's --taxonomy "
        "overrides it): a comma list (`esco,onet`) or a JSON list; empty means every "
        "loaded one, each ranked on its own.",
    )

    @field_validator("taxonomies", "api_cors_origins", mode="before")
    @classmethod
    def _taxonomy_names(cls, value: Any) -> Any:
        """``esco,onet``, ``esco`` or ``["esco", "onet"]`` (the environment gives a string)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{text!r} is neither a comma list nor a JSON list "
                                     f"({exc.msg})") from None
            else:
                value = text.split(",")
        if isinstance(value, list | tuple):
            return [v.strip() if isinstance(v, str) else v for v in value
                    if not isinstance(v, str) or v.strip()]
        return value


def settings_error(exc: ValidationError) -> str:
    """A settings validation error as one line naming each bad setting, e.g.
    ``setting SKILLMATCH_LINK_THRESHOLD: Input should be a valid number (got 'high')``."""
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err.get("loc") else "?"
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        got = f" (got {err['input']!r})" if "input" in err and not isinstance(
            err["input"], dict) else ""
        parts.append(f"setting SKILLMATCH_{name.upper()}: {message}{got}")
    return "; ".join(parts)
