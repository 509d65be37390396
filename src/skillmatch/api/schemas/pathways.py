"""``/v1/pathways``: a short, cheap sequence of credentials toward an occupation."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from .common import MAX_ITEMS, Input, Output, ResolvedOccupation, taxonomies_field


class PathwayRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"occupation": "29-1141.00", "by": "hours"},
        {"occupation": "Nursing Assistants", "known_skills": ["CPR"], "max_cost": 500,
         "include_unknown_cost": True, "region": "TX"}]})

    occupation: str = Field(min_length=1, max_length=300,
                            description="Target occupation: a code or a title.")
    known_skills: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    by: Literal["cost", "hours"] = "cost"
    max_steps: int = Field(default=4, ge=1, le=10)
    target_coverage: float = Field(default=0.8, gt=0, le=1,
                                   description="Share of the occupation's demand to cover.")
    max_cost: float | None = Field(default=None, ge=0, description="Per credential.")
    include_unknown_cost: bool = False
    region: str | None = Field(default=None, max_length=100)
    taxonomies: list[str] = taxonomies_field()


class PathwayStep(Output):
    id: str
    title: str
    cost: float | None
    hours: float | None
    new_skills: list[str]
    coverage_after: float


class PathwayResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "occupation": {"code": "29-1141.00", "label": "Registered Nurses", "taxonomy": "demo",
                       "resolved_by": "code used by postings", "score": 1.0,
                       "resolved_from": "29-1141.00", "postings_and_needs": 5,
                       "alternatives": []},
        "demand_basis": "5 postings and needs for 29-1141.00", "by": "hours",
        "unresolved_skills": [],
        "steps": [{"id": "cred:cna", "title": "Certified Nurse Aide (CNA) Pathway",
                   "cost": 0.0, "hours": 180.0, "new_skills": ["take vital signs"],
                   "coverage_after": 0.45}],
        "coverage": 0.45, "target_coverage": 0.8, "reached": False,
        "strategy": "cheapest per unit of demand", "coverage_from_known": 0.0,
        "total_cost": 0.0, "total_cost_unknown": [], "total_hours": 180.0,
        "total_hours_unknown": [], "uncovered": ["administer medication"]}]})

    occupation: ResolvedOccupation
    target: ResolvedOccupation | None = None
    demand_basis: str
    by: str
    unresolved_skills: list[str] = Field(default_factory=list)
    steps: list[PathwayStep]
    coverage: float
    target_coverage: float
    reached: bool
    strategy: str
    coverage_from_known: float
    total_cost: float
    total_cost_unknown: list[str] = Field(description="Steps whose cost is not given.")
    total_hours: float
    total_hours_unknown: list[str]
    uncovered: list[str]
    shortfall: dict[str, Any] | None = Field(
        default=None, description="When not reached: the uncovered demand, by why.")
