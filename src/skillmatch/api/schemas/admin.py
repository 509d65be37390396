"""What admins read and write besides the records: API keys and the loaded taxonomies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from .common import Input, Output

Role = Literal["admin", "employer", "designer", "counselor"]


class KeyIn(Input):
    """A new API key: an employer key is bound to the employer it acts for."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"role": "employer", "employer": "Bayou Senior Living", "name": "job board"},
        {"role": "counselor", "name": "district counselors"}]})

    role: Role
    employer: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="For employer keys (required), else left out.")
    name: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="What it is for, shown in lists.")


KEY_EXAMPLE: dict[str, Any] = {
    "id": "3463c837", "role": "employer", "employer": "Bayou Senior Living",
    "name": "job board", "created_at": "2027-01-15T10:00:00+00:00", "revoked_at": None}


class Key(Output):
    """An API key as listed: its public id, never the key."""

    model_config = ConfigDict(json_schema_extra={"examples": [KEY_EXAMPLE]})

    id: str = Field(description="The key's public id (to revoke it).")
    role: Role
    employer: str
    name: str
    created_at: str
    revoked_at: str | None = Field(description="null: live.")


class KeyCreated(Key):
    """A new key, with the key itself: shown this once, never again."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {**KEY_EXAMPLE, "key": "smk_3463c837_" + "x" * 43}]})

    key: str = Field(description="The API key (Authorization: Bearer <key>): keep it "
                     "secret; only its HMAC is stored.")


class Taxonomy(Output):
    """A loaded taxonomy and what it holds."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "esco", "kind": "esco", "version": "1.1.1",
        "imported_at": "2027-01-10T08:00:00+00:00",
        "counts": {"skills": 13939, "labels": 107583, "occupations": 3039,
                   "relations": 126051, "groups": 640, "hierarchy": 20822,
                   "collections": 3200}}]})

    name: str
    kind: str
    version: str
    imported_at: str
    counts: dict[str, int] = Field(description="Skills, labels, occupations, relations, "
                                   "groups, hierarchy edges, collection memberships.")
