"""What several resources share: the model bases, skill and occupation references, the
problem details of an error, a page of a list, and the request limits."""

from __future__ import annotations

import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

# Request limits (a later step makes them settings): long enough for a whole posting or
# course page, short enough that no request holds a worker for long.
MAX_TEXT = 20_000
MAX_ITEMS = 100  # entries of a list field (known skills, occupations, types ...)
MAX_TAXONOMIES = 10

CredentialType = Literal["badge", "certificate", "certification", "course", "program",
                         "license", "apprenticeship", "degree", "other"]
Delivery = Literal["online", "in person", "hybrid"]
Taxonomies = list[str]


class Input(BaseModel):
    """A request body: an unknown field is an error naming it (a typo never passes
    silently), numbers are finite, text is characters (JSON's ``\\ud800`` escapes
    can spell a lone UTF-16 surrogate, which no storage or model can encode)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _characters(cls, value: Any) -> Any:
        if _has_surrogate(value):
            raise PydanticCustomError(
                "surrogate", "text holds a lone UTF-16 surrogate (\\ud800 to \\udfff), "
                "which is not a character")
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


class Output(BaseModel):
    """A response: the fields listed, plus any the engine adds (a newer engine may say
    more; clients ignore what they do not know)."""

    model_config = ConfigDict(extra="allow")


def taxonomies_field() -> Any:
    return Field(default_factory=list, max_length=MAX_TAXONOMIES,
                 description="Only these taxonomies' skills (default: the server's setting, "
                 "else every loaded one, each ranked on its own).", examples=[["demo"]])


class Evidence(Output):
    start: int | None = Field(description="Character offset where the evidence starts.")
    end: int | None = Field(description="Character offset where it ends (exclusive).")
    text: str = Field(description="The words of the text that state the skill.")


class SkillRef(Output):
    id: str = Field(description="The skill's id in its taxonomy.")
    label: str
    taxonomy: str


class ResolvedOccupation(Output):
    """An occupation as the engine resolved it from a code or a title."""

    code: str
    label: str
    taxonomy: str
    resolved_by: str = Field(description="code, title, nearest title, a crosswalked code "
                             "or code used by postings.")
    score: float
    resolved_from: str
    postings_and_needs: int
    alternatives: list[dict[str, Any]] = Field(default_factory=list)
    note: str | None = None


class Provenance(Output):
    model: str = Field(description="The embedding model.")
    taxonomies: dict[str, str] = Field(description="Taxonomy name -> version.")


class FieldError(BaseModel):
    field: str = Field(description="The field, dotted for nested ones (known_skills.2).")
    location: Literal["body", "query", "path", "header", "cookie"] | None = None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: every error the API returns, as
    ``application/problem+json``."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "urn:skillmatch:problem:invalid-request",
        "title": "Invalid request", "status": 422,
        "detail": "top_k: Input should be greater than or equal to 1",
        "field": "top_k",
        "errors": [{"field": "top_k", "location": "body",
                    "message": "Input should be greater than or equal to 1"}]}]})

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(default=None, description="The request path.")
    field: str | None = Field(default=None, description="The field at fault, when one is.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every invalid field, for a request that failed validation.")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: stable order (by when the record was first stored), an opaque
    cursor to the next page, the total of the whole list."""

    items: list[T]
    total: int = Field(description="How many items the whole list holds (with its filters).")
    limit: int = Field(description="The most items a page holds.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page.")
