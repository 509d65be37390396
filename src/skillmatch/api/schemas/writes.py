"""Employers' writes: a need or posting to create, replace or change, one at a time or in
bulk, and what each write was understood as."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from .common import MAX_ITEMS, MAX_TEXT, Input, Output, Problem
from .recommendations import RecommendedCredential
from .records import NeedDetail, PostingDetail

Short = Annotated[str, StringConstraints(max_length=300)]
Code = Annotated[str, StringConstraints(max_length=100)]
Phrase = Annotated[str, StringConstraints(min_length=1, max_length=300)]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=200,
                                            pattern=r"^[^\s/?#]+$")]

EARLIEST = dt.date(1900, 1, 1)
AHEAD = dt.timedelta(days=366)


def _plausible(day: dt.date) -> dt.date:
    """A record's date from 1900 to a year from today: demand decays with a record's age
    counted back from the newest record's date, so one dated far ahead would count every
    other record as centuries old (weightless)."""
    latest = dt.date.today() + AHEAD
    if not EARLIEST <= day <= latest:
        raise ValueError(f"a date from {EARLIEST} to {latest} (a year ahead at most)")
    return day


RecordDate = Annotated[dt.date, AfterValidator(_plausible)]

ID: Any = Field(default=None, description="Your id for it (letters, digits, ':', '-', no spaces "
           "or '/'); default: one is made. Ids are shared by every employer: one taken "
           "answers 409.", examples=["need:acme-rn-2027"])
EMPLOYER: Any = Field(default=None, description="An employer key writes for its own employer "
                 "(leave it out); an admin key names it.")
PRIVATE: Any = Field(default=False, description="Only your employer's keys (and admins) can "
                "list or read it; it still counts in demand figures, never named in them.")
SKILLS: Any = Field(default_factory=list, max_length=MAX_ITEMS,
               description="Skill ids, labels or free text.")


class NeedIn(Input):
    """A stated skill need (at least one required or preferred skill)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "role": "Certified Nursing Assistant", "occupation_code": "31-1131.00",
        "required_skills": ["CPR", "take vital signs"], "preferred_skills": ["Spanish"],
        "openings": 4, "region": "TX-Houston", "date": "2027-01-15"}]})

    id: RecordId | None = ID
    employer: Short | None = EMPLOYER
    role: Short = ""
    occupation_code: Code = ""
    required_skills: list[Phrase] = SKILLS
    preferred_skills: list[Phrase] = SKILLS
    openings: int = Field(default=1, ge=1, le=1_000_000)
    region: Code = ""
    date: RecordDate | None = None
    private: bool = PRIVATE


class NeedPatch(Input):
    """The fields of a need to change (the others stay; null clears one)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"openings": 6,
                                                                "private": True}]})

    employer: Short | None = None
    role: Short | None = None
    occupation_code: Code | None = None
    required_skills: list[Phrase] | None = Field(default=None, max_length=MAX_ITEMS)
    preferred_skills: list[Phrase] | None = Field(default=None, max_length=MAX_ITEMS)
    openings: int | None = Field(default=None, ge=1, le=1_000_000)
    region: Code | None = None
    date: RecordDate | None = None
    private: bool | None = None


class PostingIn(Input):
    """A job posting: its skills are linked from the title and description (with
    evidence), plus any declared in ``skills``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Certified Nursing Assistant", "description": "Take and record vital "
        "signs; current BLS/CPR; assist residents with daily living.",
        "region": "TX-Houston", "date_posted": "2027-01-15", "openings": 3,
        "occupation_code": "31-1131.00"}]})

    id: RecordId | None = ID
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    employer: Short | None = EMPLOYER
    description: Annotated[str, StringConstraints(max_length=MAX_TEXT)] = ""
    region: Code = ""
    date_posted: RecordDate | None = None
    openings: int = Field(default=1, ge=1, le=1_000_000)
    occupation_code: Code = ""
    skills: list[Phrase] = SKILLS
    private: bool = PRIVATE


class PostingPatch(Input):
    """The fields of a posting to change (the others stay; null clears one)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"openings": 1}]})

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    employer: Short | None = None
    description: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = None
    region: Code | None = None
    date_posted: RecordDate | None = None
    openings: int | None = Field(default=None, ge=1, le=1_000_000)
    occupation_code: Code | None = None
    skills: list[Phrase] | None = Field(default=None, max_length=MAX_ITEMS)
    private: bool | None = None


def _bulk_items(item: str) -> Any:
    return Field(min_length=1, description="The items (at most the server's batch "
                 f"size); each is a {item}, checked on its own.",
                 json_schema_extra={"items": {"$ref": f"#/components/schemas/{item}"}})


class NeedsBulk(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"id": "need:acme-cna", "required_skills": ["CPR"], "openings": 2},
        {"id": "need:acme-rn", "required_skills": ["take vital signs"], "private": True}]}]})

    items: list[dict[str, Any]] = _bulk_items("NeedIn")


class PostingsBulk(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"id": "post:acme-1", "title": "Welder", "description": "MIG welding of steel."},
        {"id": "post:acme-2", "title": "Forklift Operator", "private": True}]}]})

    items: list[dict[str, Any]] = _bulk_items("PostingIn")


class Understood(Output):
    phrase: str = Field(description="The phrase as given (the evidence).")
    id: str = Field(description="The skill it was linked to.")
    label: str
    role: str = Field(description="required or preferred.")
    score: float


class NeedWritten(Output):
    """A written need: the record with its skills, what each phrase was understood as,
    what could not be linked, and the credentials that teach its skills."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "need": {"id": "need:acme-cna", "employer": "Acme Clinic",
                 "role": "Certified Nursing Assistant", "occupation_code": "31-1131.00",
                 "required_skills": ["CPR"], "preferred_skills": ["Spanish"],
                 "openings": 4, "region": "TX-Houston", "date": "2027-01-15", "meta": {},
                 "updated_at": "2027-01-15T10:00:00+00:00", "private": False,
                 "skill_count": 1, "skills": [{
                     "id": "sm:cpr", "label": "perform cardiopulmonary resuscitation",
                     "taxonomy": "demo", "score": 1.0, "source": "declared",
                     "role": "required", "evidence": {"start": None, "end": None,
                                                      "text": "CPR"}}]},
        "understood": [{"phrase": "CPR", "id": "sm:cpr",
                        "label": "perform cardiopulmonary resuscitation",
                        "role": "required", "score": 1.0}],
        "not_linked": ["Spanish"], "demand_records": 42, "credentials": []}]})

    need: NeedDetail
    understood: list[Understood]
    not_linked: list[str] = Field(description="Phrases no skill was found for.")
    demand_records: int = Field(description="Postings and needs demand now counts.")
    credentials: list[RecommendedCredential] = Field(
        description="Credentials that teach its skills, ranked by its weights.")


class PostingWritten(Output):
    """A written posting: the record with its linked skills (each with its score and
    evidence) and the declared skills that could not be linked."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "posting": {"id": "post:acme-1", "title": "Certified Nursing Assistant",
                    "employer": "Acme Clinic", "description": "Current BLS/CPR ...",
                    "region": "TX-Houston", "date_posted": "2027-01-15", "openings": 3,
                    "occupation_code": "31-1131.00", "declared_skills": [], "meta": {},
                    "updated_at": "2027-01-15T10:00:00+00:00", "skill_count": 1,
                    "private": False, "skills": [{
                        "id": "sm:cpr", "label": "perform cardiopulmonary resuscitation",
                        "taxonomy": "demo", "score": 0.61, "source": "linked", "role": "",
                        "evidence": {"start": 45, "end": 48, "text": "CPR"}}]},
        "not_linked": []}]})

    posting: PostingDetail
    not_linked: list[str]


class BulkItem(Output):
    index: int = Field(description="The item's place in the request (from 0).")
    id: str | None = Field(default=None, description="Its id (given or made; left out "
                           "for an item too malformed to name one).")
    status: int = Field(description="201 written; 200 stored already as sent (resume); "
                        "else the error's status.")
    unchanged: bool | None = Field(default=None, description="Stored already, exactly as "
                                   "sent (resume=true): nothing written, no result.")
    result: dict[str, Any] | None = Field(
        default=None, description="What was written (as the single write answers).")
    error: Problem | None = None


class BulkResult(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "atomic": False, "written": 1, "failed": 1, "items": [
            {"index": 0, "id": "need:acme-cna", "status": 201, "result": {}},
            {"index": 1, "id": "need:acme-rn", "status": 409, "error": {
                "type": "urn:skillmatch:problem:conflict", "title": "Conflict",
                "status": 409, "detail": "a need with id 'need:acme-rn' exists already"}}]}]})

    atomic: bool
    written: int
    failed: int
    unchanged: int = Field(default=0, description="Items stored already as sent (resume).")
    items: list[BulkItem]
