"""``/v1/alignments``: how a credential (catalogued, or posted as text) aligns with
employer demand."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .common import MAX_TEXT, Input, Output, Provenance, ResolvedOccupation, taxonomies_field


class AlignmentRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"credential": "cred:maker-ed", "k": 3},
        {"description": "Students weld steel plate with MIG and TIG, read blueprints and "
                        "follow shop safety rules.", "region": "TX"}]})

    credential: str | None = Field(default=None, max_length=300,
                                   description="A catalogued credential's id.")
    description: str | None = Field(default=None, max_length=MAX_TEXT,
                                    description="Or a credential's text, not catalogued.")
    occupations: list[str] = Field(default_factory=list, max_length=10,
                                   description="Target occupations (codes or titles); "
                                   "default: the ones it prepares for best.")
    region: str | None = Field(default=None, max_length=100)
    k: int = Field(default=5, ge=1, le=20, description="Suggested additions and similar "
                   "credentials to list.")
    taxonomies: list[str] = taxonomies_field()

    @model_validator(mode="after")
    def _one_subject(self) -> AlignmentRequest:
        if self.credential and self.description:
            raise PydanticCustomError(
                "one_of", "give credential or description, not both",
                {"field": "description"})
        if not self.credential and not (self.description or "").strip():
            raise PydanticCustomError(
                "one_of", "give a credential id or a description to align",
                {"field": "credential"})
        return self


class AlignedSkill(Output):
    id: str
    label: str
    taxonomy: str
    demand_weight: float
    share_of_postings: float
    covered_by: dict[str, Any] | None = Field(
        default=None, description="Taught as the same skill of another taxonomy.")
    same_as: list[dict[str, Any]] | None = None


class Addition(AlignedSkill):
    gain: float = Field(description="How much alignment adding it would gain.")


class AlignmentTarget(Output):
    occupation: ResolvedOccupation
    basis: str


class PreparesFor(Output):
    code: str
    label: str
    score: float


class SimilarCredential(Output):
    id: str
    title: str
    similarity: float


class AlignmentResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "credential": {"id": "cred:maker-ed", "title": "Maker Education for STEM Teachers"},
        "targets": [], "alignment": 0.42,
        "formula": "sum(w(s) * taught(s)) / sum(w(s)) over the targets' skills ...",
        "covered_in_demand": [{"id": "sm:3d-printing", "label": "operate 3D printers",
                               "taxonomy": "demo", "demand_weight": 1.0,
                               "share_of_postings": 0.04}],
        "missing_in_demand": [], "rarely_demanded": [], "prepares_for": [],
        "prepares_for_basis": {}, "prepares_for_confidence": {"low_confidence": False},
        "similar_credentials": [{"id": "cred:stem-pd", "title": "STEM PD",
                                 "similarity": 0.61}],
        "suggested_additions": [],
        "provenance": {"model": "skillmatch-minilm-v3@onnx-07c75e75910f",
                       "taxonomies": {"demo": "unknown"}}}]})

    credential: dict[str, Any] = Field(description="id (null for posted text) and title.")
    targets: list[AlignmentTarget]
    alignment: float = Field(description="0 to 1: demand-weighted share of the targets' "
                             "skills it teaches.")
    formula: str
    covered_in_demand: list[AlignedSkill]
    missing_in_demand: list[AlignedSkill]
    rarely_demanded: list[AlignedSkill]
    prepares_for: list[PreparesFor]
    prepares_for_basis: dict[str, Any]
    prepares_for_confidence: dict[str, Any]
    similar_credentials: list[SimilarCredential]
    suggested_additions: list[Addition]
    provenance: Provenance | None = None


CredentialId = Annotated[str, Field(min_length=1, max_length=300)]


class CompareRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"credentials": ["cred:cna", "cred:emt"], "occupations": ["31-1131.00"]},
        {"credentials": ["cred:maker-ed", "cred:stem-pd", "cred:cs-teach"]}]})

    credentials: list[CredentialId] = Field(
        min_length=2, max_length=3, description="Two or three catalogued credentials' ids.")
    occupations: list[str] = Field(default_factory=list, max_length=10,
                                   description="Target occupations (codes or titles) every "
                                   "credential is aligned against; default: the one each "
                                   "prepares for best.")
    region: str | None = Field(default=None, max_length=100)
    k: int = Field(default=5, ge=1, le=20, description="Missing skills listed per "
                   "credential, and suggested additions.")
    taxonomies: list[str] = taxonomies_field()

    @model_validator(mode="after")
    def _distinct(self) -> CompareRequest:
        if len({c.strip() for c in self.credentials}) < len(self.credentials):
            raise PydanticCustomError("distinct", "a credential is named twice",
                                      {"field": "credentials"})
        return self


class ComparedCredential(Output):
    id: str
    title: str
    provider: str | None = None
    type: str | None = None
    cost: float | None = Field(description="Null: not stated.")
    hours: float | None = Field(description="Null: not stated.")
    delivery: str | None = None
    level: str | None = None
    alignment: float
    covered_in_demand: list[AlignedSkill]
    unique_in_demand: list[AlignedSkill] = Field(
        description="Covered by this credential alone among those compared.")
    missing_in_demand: list[AlignedSkill]
    suggested_additions: list[Addition]


class Best(Output):
    alignment: str
    cost: str | None = Field(description="The lowest stated cost (null: none stated).")
    hours: str | None = Field(description="The fewest stated hours (null: none stated).")


class CompareResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "targets": [], "targets_from": "given", "region": None,
        "formula": "sum(w(s) * taught(s)) / sum(w(s)) over the targets' skills ...",
        "credentials": [
            {"id": "cred:cna", "title": "Certified Nurse Aide (CNA) Pathway", "cost": 0.0,
             "hours": 120.0, "alignment": 0.61, "covered_in_demand": [],
             "unique_in_demand": [], "missing_in_demand": [], "suggested_additions": []},
            {"id": "cred:emt", "title": "Emergency Medical Technician - Basic",
             "cost": 400.0, "hours": 180.0, "alignment": 0.34, "covered_in_demand": [],
             "unique_in_demand": [], "missing_in_demand": [], "suggested_additions": []}],
        "shared_in_demand": [{"id": "sm:cpr", "label": "perform cardiopulmonary "
                              "resuscitation", "taxonomy": "demo", "demand_weight": 0.71,
                              "share_of_postings": 0.2}],
        "missing_in_all": [],
        "best": {"alignment": "cred:cna", "cost": "cred:cna", "hours": "cred:cna"},
        "provenance": {"model": "skillmatch-minilm-v3@onnx-07c75e75910f",
                       "taxonomies": {"demo": "unknown"}}}]})

    targets: list[AlignmentTarget] = Field(description="The occupations every credential "
                                           "is aligned against.")
    targets_from: str = Field(description="given, or how they were chosen.")
    region: str | None
    formula: str
    credentials: list[ComparedCredential]
    shared_in_demand: list[AlignedSkill] = Field(description="Covered by every one.")
    missing_in_all: list[AlignedSkill] = Field(description="Covered by none.")
    best: Best
    provenance: Provenance | None = None
