"""``/v1/demand``: the most demanded skills of a region, occupation and window."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from .common import Output, ResolvedOccupation, SkillRef


class SkillTrend(Output):
    share: float = Field(description="Its share in the trend's window.")
    previous_share: float = Field(description="In the window of the same length before.")
    change: float = Field(description="share - previous_share.")


class DemandedSkill(Output):
    skill: SkillRef
    postings: int = Field(description="Postings and needs asking for it.")
    weight: float = Field(description="Openings x recency decay.")
    share: float
    specificity: float
    score: float = Field(description="Specificity-adjusted share.")
    postings_behind: list[str] = Field(description="A few of the records behind it.")
    trend: SkillTrend | None = Field(default=None, description="With trend=true.")


class TrendWindows(Output):
    window: list[str] = Field(description="[start, end): the window asked for, else the "
                              "year to the reference date.")
    previous_window: list[str] = Field(description="The window of the same length before.")
    records: int
    previous_records: int


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
    trend: TrendWindows | None = Field(default=None, description="With trend=true: the "
                                       "windows each skill's trend compares.")


class SeriesPoint(Output):
    start: str = Field(description="First day of the interval.")
    end: str = Field(description="First day after it.")
    records: int = Field(description="Postings and needs of the slice in it.")
    postings: int = Field(description="Those asking for the skill.")
    share: float = Field(description="Their weighted share (0 when there are none).")


class SkillSeries(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "skill": {"id": "sm:cpr", "label": "perform cardiopulmonary resuscitation",
                  "taxonomy": "demo"},
        "interval": "month",
        "slice": {"region": "TX", "occupation": None, "window": ["2026-01-01", "2026-03-01"]},
        "points": [{"start": "2026-01-01", "end": "2026-02-01", "records": 12,
                    "postings": 5, "share": 0.43},
                   {"start": "2026-02-01", "end": "2026-03-01", "records": 9,
                    "postings": 3, "share": 0.31}]}]})

    skill: SkillRef
    interval: str
    slice: dict[str, Any]
    points: list[SeriesPoint]
    target: ResolvedOccupation | None = None
