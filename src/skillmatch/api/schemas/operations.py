"""Operations: liveness, readiness, version and provenance."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ready", "seconds": 2.4,
        "loaded": {"taxonomies": ["demo"], "credentials": 61,
                   "autocomplete": {"skills": 512, "occupations": 0}}}]})

    status: Literal["ready"]
    seconds: float = Field(description="How long loading took.")
    loaded: dict[str, Any] = Field(description="What the engine loaded.")


class TaxonomyVersion(BaseModel):
    name: str
    kind: str
    version: str
    imported_at: str


class Version(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "skillmatch", "version": "0.1.0", "api": "v1",
        "model": "skillmatch-minilm-v3@onnx-07c75e75910f",
        "linked_taxonomies": {"demo": "unknown"},
        "taxonomies": [{"name": "demo", "kind": "custom", "version": "unknown",
                        "imported_at": "2026-12-01T10:00:00+00:00"}]}]})

    name: str
    version: str = Field(description="The package's version.")
    api: str
    model: str = Field(description="The embedding model results come from.")
    linked_taxonomies: dict[str, str] = Field(
        description="The taxonomies linked by default, name -> version.")
    taxonomies: list[TaxonomyVersion] = Field(description="Every loaded taxonomy.")
