"""``/v1/skills``: link skills in a text; autocomplete skill labels."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from .common import MAX_TEXT, Evidence, Input, Output, Provenance, taxonomies_field


class LinkRequest(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"text": "Bayou Senior Living needs CNAs: current BLS/CPR, take and record vital "
                 "signs, dementia care a plus."},
        {"text": "Weld steel parts with MIG equipment.", "top_k": 3, "taxonomies": ["demo"]}]})

    text: str = Field(min_length=1, max_length=MAX_TEXT,
                      description="A sentence, a posting or a course page.")
    top_k: int | None = Field(default=None, ge=1, le=100,
                              description="The K best skills (per taxonomy) whatever the "
                              "threshold; default: every skill above the threshold.")
    threshold: float | None = Field(default=None, ge=-1.0, le=1.0,
                                    description="Minimum score (default: the server's).")
    taxonomies: list[str] = taxonomies_field()


class LinkedSkill(Output):
    id: str
    label: str
    taxonomy: str
    score: float = Field(description="The linker's score, or the calibrated probability "
                         "where a ranker applies.")
    similarity: float | None = None
    probability: float | None = None
    evidence: Evidence


class LinkResponse(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "text": "Bayou Senior Living needs CNAs: current BLS/CPR, take and record vital "
                "signs, dementia care a plus.",
        "skills": [
            {"id": "sm:cpr", "label": "perform cardiopulmonary resuscitation",
             "taxonomy": "demo", "score": 0.5691,
             "evidence": {"start": 44, "end": 47, "text": "CPR"}},
            {"id": "sm:vital-signs", "label": "monitor patient's vital signs",
             "taxonomy": "demo", "score": 0.5622,
             "evidence": {"start": 65, "end": 76, "text": "vital signs"}}],
        "provenance": {"model": "skillmatch-minilm-v3@onnx-07c75e75910f",
                       "taxonomies": {"demo": "unknown"}}}]})

    text: str
    skills: list[LinkedSkill] = Field(description="What each phrase was linked to, with "
                                      "the words that state it; one group per taxonomy.")
    occupations: list[dict[str, Any]] = Field(
        default_factory=list, description="Title lines that name an occupation.")
    taxonomies: list[str] = Field(default_factory=list,
                                  description="The groups, in order, when several.")
    provenance: Provenance


class Suggestion(Output):
    taxonomy: str
    code: str = Field(description="The skill's or occupation's id in its taxonomy.")
    label: str = Field(description="Its preferred label.")
    matched: str = Field(description="The label (or code) the query matched.")
    match: Literal["prefix", "word", "fuzzy"] = Field(
        description="prefix: the label starts with the query; word: every query word "
        "starts a word of it; fuzzy: near the query (a typo).")
    score: float = Field(description="1 for prefix and word matches; 0 to 1 for fuzzy.")


class Suggestions(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "vital s",
        "results": [{"taxonomy": "demo", "code": "sm:vital-signs",
                     "label": "monitor patient's vital signs", "matched": "take vital signs",
                     "match": "word", "score": 1.0}]}]})

    query: str
    results: list[Suggestion]
