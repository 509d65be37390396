"""``/v1/occupations``: autocomplete occupation titles and codes."""

from __future__ import annotations

from pydantic import ConfigDict

from .skills import Suggestion, Suggestions

__all__ = ["OccupationSuggestions", "Suggestion"]


class OccupationSuggestions(Suggestions):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "nursing as",
        "results": [{"taxonomy": "onet", "code": "31-1131.00", "label": "Nursing Assistants",
                     "matched": "Nursing Assistants", "match": "prefix", "score": 1.0}]}]})
