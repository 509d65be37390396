"""``/v1/recommendations``: credentials for a student, ranked and explained."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from .common import (
    MAX_ITEMS,
    MAX_TEXT,
    CredentialType,
    Delivery,
    Input,
    Output,
    Provenance,
    ResolvedOccupation,
    taxonomies_field,
)


class RecommendationRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"query": "likes biology and helping people", "max_cost": 500, "k": 3},
        {"occupation": "31-1131.00", "known_skills": ["CPR"], "region": "TX",
         "include_unknown_cost": True, "max_cost": 1000, "k": 5}]})

    query: str | None = Field(default=None, max_length=MAX_TEXT,
                              description="Free text: interests, goals, a career.")
    occupation: str | None = Field(default=None, max_length=300,
                                   description="Target occupation: a code (O*NET-SOC, SOC, "
                                   "ESCO URI) or a title.")
    known_skills: list[str] = Field(default_factory=list, max_length=MAX_ITEMS,
                                    description="Skills the student has (ids or labels).")
    max_cost: float | None = Field(default=None, ge=0,
                                   description="At most this cost; a credential with no "
                                   "cost given is left out unless include_unknown_cost.")
    max_hours: float | None = Field(default=None, ge=0,
                                    description="At most this many hours; unknown hours "
                                    "left out unless include_unknown_hours.")
    include_unknown_cost: bool = Field(default=False, description="Let credentials with "
                                       "no cost given pass max_cost (unknown is not free).")
    include_unknown_hours: bool = Field(default=False, description="Let credentials with "
                                        "no hours given pass max_hours.")
    types: list[CredentialType] = Field(default_factory=list, description="Only these types.")
    delivery: list[Delivery] = Field(default_factory=list, description="Only these modes.")
    region: str | None = Field(default=None, max_length=100,
                               description="ST or ST-Place: credentials offered there (ST "
                               "covers its places), statewide in its state, or online; "
                               "demand of that region.")
    k: int = Field(default=10, ge=1, le=50, description="How many credentials.")
    taxonomies: list[str] = taxonomies_field()


class InDemandSkill(Output):
    id: str
    label: str
    taxonomy: str
    demand_weight: float
    postings: int
    share: float
    specificity: float
    confidence: float = Field(description="How surely the credential teaches it.")


class PostingRef(Output):
    id: str
    region: str
    occupation: str
    date: str | None
    title: str | None = None
    employer: str | None = None


class RecommendedCredential(Output):
    id: str
    title: str
    provider: str
    type: str
    cost: float | None = Field(description="null: not given (unknown, not free).")
    hours: float | None = Field(description="null: not given.")
    delivery: str
    region: str
    url: str
    score: float = Field(description="w * relevance + (1 - w) * value.")
    relevance: float
    value: float
    text_similarity: float | None = None
    skill_fit: float | None = None
    in_demand_skills: list[InDemandSkill]
    adds_skills: list[str] = Field(description="What it teaches that the student lacks.")
    postings: list[PostingRef] = Field(description="Postings that ask for what it teaches.")


class RecommendationResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "likes biology and helping people", "filters": {"max_cost": 500},
        "implied_targets": [], "demand_basis": "all postings and needs",
        "known_skills": [], "unresolved_skills": [],
        "formula": "score = 0.4 * relevance + 0.6 * value; ...",
        "results": [{
            "id": "cred:cna", "title": "Certified Nurse Aide (CNA) Pathway",
            "provider": "Lakeview ISD Health Science", "type": "certification",
            "cost": 0.0, "hours": 180.0, "delivery": "in person", "region": "TX-Houston",
            "url": "", "score": 0.52, "relevance": 0.41, "value": 0.6,
            "text_similarity": 0.41, "skill_fit": None,
            "in_demand_skills": [{"id": "sm:vital-signs", "label": "monitor patient's vital signs",
                                  "taxonomy": "demo", "demand_weight": 1.0, "postings": 9,
                                  "share": 0.2, "specificity": 0.4, "confidence": 0.9}],
            "adds_skills": ["take vital signs"],
            "postings": [{"id": "post:0001", "region": "TX-Houston",
                          "occupation": "31-1131.00", "date": "2026-10-01",
                          "title": "Certified Nursing Assistant",
                          "employer": "Bayou Senior Living"}]}],
        "provenance": {"model": "skillmatch-minilm-v3@onnx-07c75e75910f",
                       "taxonomies": {"demo": "unknown"}}}]})

    query: str | None
    filters: dict[str, Any]
    occupation: ResolvedOccupation | None = None
    target: ResolvedOccupation | None = None
    implied_targets: list[ResolvedOccupation] = Field(
        default_factory=list, description="For free text: the occupations it stands for.")
    demand_basis: str | None = None
    known_skills: list[str] = Field(default_factory=list)
    unresolved_skills: list[str] = Field(default_factory=list)
    formula: str | None = None
    results: list[RecommendedCredential]
    reason: str | None = Field(default=None, description="Why there are no results.")
    provenance: Provenance | None = None
