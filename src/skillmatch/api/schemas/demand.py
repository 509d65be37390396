"""``/v1/demand``: the most demanded skills of a region, occupation and window."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from .common import Output, ResolvedOccupation, SkillRef


class DemandedSkill(Output):
    skill: SkillRef
    postings: int = Field(description="Postings and needs asking for it.")
    weight: float = Field(description="Openings x recency decay.")
    share: float
    specificity: float
    score: float = Field(description="Specificity-adjusted share.")
    postings_behind: list[str] = Field(description="A few of the records behind it.")


class DemandResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "slice": {"region": "TX", "occupation": None, "window": None},
        "records": 30, "weight": 61.5, "half_life_days": 365.0,
        "reference_date": "2026-10-01",
        "skills": [{"skill": {"id": "sm:vital-signs", "label": "monitor patient's vital signs",
                              "taxonomy": "demo"},
                    "postings": 9, "weight": 21.0, "share": 0.34, "specificity": 0.41,
                    "score": 0.14, "postings_behind": ["post:0001", "need:001"]}]}]})

    slice: dict[str, Any]
    records: int
    weight: float
    half_life_days: float
    reference_date: str | None
    skills: list[DemandedSkill]
    target: ResolvedOccupation | None = None
    tiers: dict[str, Any] | None = Field(
        default=None, description="With an occupation: necessary, defining and "
        "distinguishing skills.")
