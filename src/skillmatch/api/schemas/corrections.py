"""Corrections of linked skills (``/v1/{postings|needs}/{id}/corrections``) and the
review queue (``/v1/corrections``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from .common import Input, Output, SkillRef
from .records import NeedDetail, PostingDetail

SkillId = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Name = Annotated[str, StringConstraints(max_length=100)]
Note = Annotated[str, StringConstraints(max_length=1000)]


class CorrectionIn(Input):
    """A skill linked in one of your postings or needs is wrong (``reject``) or should be
    another (``replace`` it ``with`` that skill's id)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"phrase": "CPR", "skill": "sm:cpr", "action": "replace", "with": "sm:bls",
         "note": "We mean the BLS certification."},
        {"phrase": "night shifts", "skill": "sm:shift-work", "action": "reject"}]})

    skill: SkillId = Field(description="The linked skill's id, as the record shows it.")
    phrase: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        default=None, description="The phrase it was linked from (its evidence text, "
        "compared case- and punctuation-blind); may be left out when the skill is linked "
        "from one phrase only.")
    action: Literal["reject", "replace"] = Field(
        description="reject: the skill is wrong; replace: link `with` instead.")
    with_: SkillId | None = Field(default=None, alias="with",
                                  description="For replace: the skill id to link instead.")
    taxonomy: Name | None = Field(default=None, description="The skill's taxonomy, when "
                                  "the record holds the same id from two.")
    with_taxonomy: Name | None = Field(default=None, description="The replacement's "
                                       "taxonomy (default: the corrected skill's).")
    note: Note = Field(default="", description="Why, for the reviewer.")

    @model_validator(mode="after")
    def _replace_needs_with(self) -> CorrectionIn:
        if self.action == "replace" and not self.with_:
            raise ValueError("action 'replace' needs 'with', the skill to link instead")
        if self.action == "reject" and self.with_:
            raise ValueError("'with' is for action 'replace' only")
        return self

    def as_body(self) -> dict[str, Any]:
        return {**self.model_dump(exclude={"with_"}), "with": self.with_}


class RecordRef(Output):
    kind: Literal["posting", "need"]
    id: str


CORRECTION_EXAMPLE: dict[str, Any] = {
    "id": 7, "employer": "Bayou Senior Living",
    "record": {"kind": "posting", "id": "post:bayou-cna-2"}, "phrase": "CPR",
    "skill": {"id": "sm:cpr", "label": "perform cardiopulmonary resuscitation",
              "taxonomy": "demo"},
    "action": "replace", "with": {"id": "sm:bls", "label": "basic life support",
                                 "taxonomy": "demo"},
    "note": "We mean the BLS certification.", "status": "pending", "applied": 1,
    "created_at": "2027-01-15T10:00:00+00:00", "key_id": "3463c837",
    "reviewed_at": None, "reviewed_by": None, "review_note": ""}


class Correction(Output):
    """A correction: what it changes, where it was made, and its review."""

    model_config = ConfigDict(json_schema_extra={"examples": [CORRECTION_EXAMPLE]})

    id: int
    employer: str | None = Field(description="Whose it is (null: an admin's).")
    record: RecordRef = Field(description="The record it was made on.")
    phrase: str
    skill: SkillRef = Field(description="The skill the phrase was linked to.")
    action: Literal["reject", "replace"]
    with_: SkillRef | None = Field(alias="with", description="The skill linked instead.")
    note: str
    status: Literal["pending", "accepted", "rejected"] = Field(
        description="pending: applies to its employer's records; accepted: to "
        "everyone's later writes; rejected: its employer's own only.")
    applied: int = Field(description="Records it has changed.")
    created_at: str
    key_id: str = Field(description="The key that made it.")
    reviewed_at: str | None
    reviewed_by: str | None = Field(description="The admin key that reviewed it.")
    review_note: str


class CorrectionWritten(Output):
    """The correction, queued for review, and the record as it now is."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "correction": CORRECTION_EXAMPLE,
        "record": {"id": "post:bayou-cna-2", "title": "Certified Nursing Assistant",
                   "employer": "Bayou Senior Living", "description": "Current BLS/CPR.",
                   "region": "TX-Houston", "date_posted": "2027-01-15", "openings": 2,
                   "occupation_code": "31-1131.00", "declared_skills": [], "meta": {},
                   "updated_at": "2027-01-15T10:00:00+00:00", "private": False,
                   "skill_count": 1, "skills": [{
                       "id": "sm:bls", "label": "basic life support", "taxonomy": "demo",
                       "score": 0.61, "source": "linked", "role": "",
                       "evidence": {"start": 12, "end": 15, "text": "CPR"}}]}}]})

    correction: Correction
    record: PostingDetail | NeedDetail


class Review(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"note": "BLS is what CNA postings ask for."}]})

    note: Note = Field(default="", description="Why (shown with the correction).")


class Reviewed(Correction):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {**CORRECTION_EXAMPLE, "status": "accepted", "applied": 4, "reapplied": 3,
         "reviewed_at": "2027-01-16T09:00:00+00:00", "reviewed_by": "9f1c20aa",
         "review_note": "BLS is what CNA postings ask for."}]})

    reapplied: int | None = Field(default=None, description="Accepted with reapply: "
                                  "the stored records it changed now.")
