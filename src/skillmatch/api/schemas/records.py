"""``/v1/credentials``, ``/v1/postings``, ``/v1/needs``: stored records, as listed and
one by one with their linked skills and evidence."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from .common import Evidence, Output


class Record(Output):
    """A stored record. ``id`` is the record's own id (the one it was imported with)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    meta: dict[str, Any] = Field(default_factory=dict,
                                 description="Fields of the import no flow reads.")
    updated_at: str = Field(description="When it was last written (UTC).")
    skill_count: int | None = Field(default=None, description="Skills linked or declared "
                                    "(in lists).")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Any:
        """A stored row (``code`` is the public id; the row id stays inside)."""
        out = {**row, "id": row["code"]}
        if "skills" in row and row.get("skill_count") is None:
            out["skill_count"] = len(row["skills"])
        return cls.model_validate(out)


class RecordSkill(Output):
    id: str
    label: str
    taxonomy: str
    score: float
    source: str = Field(description="linked (from the text) or declared (given).")
    role: str = Field(description="For needs: required or preferred.")
    evidence: Evidence


class Credential(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "cred:cna", "title": "Certified Nurse Aide (CNA) Pathway",
        "provider": "Lakeview ISD Health Science", "type": "certification",
        "description": "Students complete classroom and clinical rotations ...",
        "level": "", "hours": 180.0, "cost": 0.0, "delivery": "in person",
        "region": "TX-Houston", "url": "", "occupation_codes": ["31-1131.00"],
        "declared_skills": ["sm:vital-signs"], "meta": {"audience": "student"},
        "updated_at": "2026-12-01T10:00:00+00:00", "skill_count": 7}]})

    title: str
    provider: str
    type: str
    description: str
    level: str
    hours: float | None = Field(description="null: not given.")
    cost: float | None = Field(description="null: not given (unknown, not free).")
    delivery: str
    region: str
    url: str
    occupation_codes: list[str]
    declared_skills: list[str]


class Posting(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "post:0001", "title": "Certified Nursing Assistant",
        "employer": "Bayou Senior Living", "description": "Responsibilities: ...",
        "region": "TX-Houston", "date_posted": "2026-10-01", "openings": 3,
        "occupation_code": "31-1131.00", "declared_skills": [], "meta": {},
        "updated_at": "2026-12-01T10:00:00+00:00", "skill_count": 9}]})

    title: str
    employer: str
    description: str
    region: str
    date_posted: str | None
    openings: int
    occupation_code: str
    declared_skills: list[str]
    private: bool = Field(default=False, description="Only its employer's keys (and "
                          "admins) see it; it counts in demand all the same.")


class Need(Record):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "need:001", "employer": "Bayou Senior Living",
        "role": "Certified Nursing Assistant", "occupation_code": "31-1131.00",
        "required_skills": ["CNA license", "take vital signs"],
        "preferred_skills": ["Spanish"], "openings": 8, "region": "TX-Houston",
        "date": "2026-10-01", "meta": {}, "updated_at": "2026-12-01T10:00:00+00:00",
        "skill_count": 5}]})

    employer: str
    role: str
    occupation_code: str
    required_skills: list[str]
    preferred_skills: list[str]
    openings: int
    region: str
    date: str | None
    private: bool = Field(default=False, description="Only its employer's keys (and "
                          "admins) see it; it counts in demand all the same.")


class CredentialDetail(Credential):
    skills: list[RecordSkill] = Field(description="Linked and declared skills, with evidence.")


class PostingDetail(Posting):
    skills: list[RecordSkill]


class NeedDetail(Need):
    skills: list[RecordSkill]
