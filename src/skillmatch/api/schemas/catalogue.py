"""Admins' writes of the catalogue: a credential to create, replace or change, one at a
time or in bulk, and what each was understood as (its linked skills)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from .common import MAX_ITEMS, MAX_TEXT, CredentialType, Delivery, Input, Output
from .records import CredentialDetail
from .writes import ID, SKILLS, Code, Phrase, Short, _bulk_items

Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Url = Annotated[str, StringConstraints(max_length=2000)]
Amount = Field(default=None, ge=0, le=1e9, description="null: not given (unknown).")


class CredentialIn(Input):
    """A credential of the catalogue: its skills are linked from the title and
    description (with evidence), plus any declared in ``skills``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "cred:phlebotomy", "title": "Phlebotomy Technician Certificate",
        "provider": "Lakeview Community College", "type": "certificate",
        "description": "Venipuncture and capillary collection, specimen handling, "
        "patient identification and infection control.", "hours": 120, "cost": 950,
        "delivery": "in person", "region": "TX-Houston",
        "occupation_codes": ["31-9097.00"], "skills": ["draw blood"]}]})

    id: Annotated[str, StringConstraints(min_length=1, max_length=200,
                                         pattern=r"^[^\s/?#]+$")] | None = ID
    title: Title
    provider: Short = ""
    type: CredentialType | None = None
    description: Text = ""
    skills: list[Phrase] = SKILLS
    level: Code = ""
    hours: float | None = Amount
    cost: float | None = Amount
    delivery: Delivery | None = None
    region: Code = ""
    url: Url = ""
    occupation_codes: list[Code] = Field(default_factory=list, max_length=MAX_ITEMS)


class CredentialPatch(Input):
    """The fields of a credential to change (the others stay; null clears one)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"cost": 0,
                                                                "delivery": "hybrid"}]})

    title: Title | None = None
    provider: Short | None = None
    type: CredentialType | None = None
    description: Text | None = None
    skills: list[Phrase] | None = Field(default=None, max_length=MAX_ITEMS)
    level: Code | None = None
    hours: float | None = Amount
    cost: float | None = Amount
    delivery: Delivery | None = None
    region: Code | None = None
    url: Url | None = None
    occupation_codes: list[Code] | None = Field(default=None, max_length=MAX_ITEMS)


class CredentialsBulk(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [
        {"id": "cred:osha10", "title": "OSHA 10 Construction", "type": "certification",
         "hours": 10, "cost": 89, "delivery": "online"},
        {"id": "cred:forklift", "title": "Forklift Operator Certification", "hours": 8}]}]})

    items: list[dict[str, Any]] = _bulk_items("CredentialIn")


class CredentialWritten(Output):
    """A written credential with its linked skills (each with its score and evidence)
    and the declared skills that could not be linked."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "credential": {
            "id": "cred:phlebotomy", "title": "Phlebotomy Technician Certificate",
            "provider": "Lakeview Community College", "type": "certificate",
            "description": "Venipuncture and capillary collection ...", "level": "",
            "hours": 120.0, "cost": 950.0, "delivery": "in person", "region": "TX-Houston",
            "url": "", "occupation_codes": ["31-9097.00"], "declared_skills": ["draw blood"],
            "meta": {}, "updated_at": "2027-01-15T10:00:00+00:00", "skill_count": 1,
            "skills": [{"id": "sm:draw-blood", "label": "draw blood samples",
                        "taxonomy": "demo", "score": 1.0, "source": "declared", "role": "",
                        "evidence": {"start": None, "end": None, "text": "draw blood"}}]},
        "not_linked": []}]})

    credential: CredentialDetail
    not_linked: list[str] = Field(description="Declared skills no skill was found for.")


class CredentialExport(Output):
    """A credential's skills in a standard's shape: ``alignment`` (Open Badges 3.0
    Alignment objects) for ``ob3``; for ``ctdl`` the CTDL property its type takes
    (``ceterms:teaches`` or ``ceterms:requires``) holding CredentialAlignmentObjects."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "credential": {"id": "cred:cna", "title": "Certified Nurse Aide (CNA) Pathway",
                       "type": "certification"},
        "standard": "ob3",
        "provenance": {"skillmatch_version": "0.1.0", "model": "skillmatch-minilm-v3",
                       "taxonomies": {"esco": "v1.1.1"}, "date": "2027-01-15T10:00:00Z"},
        "alignment": [{"type": ["Alignment"], "targetType": "ceasn:Competency",
                       "targetFramework": "ESCO v1.1.1",
                       "targetCode": "http://data.europa.eu/esco/skill/"
                                     "1ef8cd2c-2ee2-4c9e-9a1d-d6e9e8c3a1d2",
                       "targetName": "monitor patient's vital signs",
                       "targetUrl": "http://data.europa.eu/esco/skill/"
                                    "1ef8cd2c-2ee2-4c9e-9a1d-d6e9e8c3a1d2"}]}]})

    credential: dict[str, Any]
    standard: Literal["ob3", "ctdl"]
    provenance: dict[str, Any]
