"""Linker profiles: the settings of a :class:`~.linker.SkillLinker` by name.

- ``document`` (the default): section and field-line rules, acronym aliases matched
  lexically only, title lines read as occupations, and, when the model has one, the
  keep-or-drop decision on the document model's calibrated probability.
- ``legacy``: the linker as it was before the document rules (raw-score threshold,
  every label a dense entry), kept so that evaluations show it beside the new one.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError
from .document import StatementModel
from .linker import SkillLinker
from .ranker import RankerModel

PROFILES: dict[str, dict[str, Any]] = {
    "document": {"sections": True, "acronyms": "lexical", "titles": True,
                 "narrow_evidence": True},
    "legacy": {"sections": False, "acronyms": "dense", "titles": False,
               "narrow_evidence": False},
}


def make_linker(settings: Any, *, profile: str | None = None,
                ranker: RankerModel | None = None,
                document_model: RankerModel | None = None) -> SkillLinker:
    """An unfitted linker with ``settings``' parameters and the named profile."""
    name = profile or settings.link_profile
    if name not in PROFILES:
        raise ConfigurationError(f"unknown linker profile {name!r} (choose one of "
                                 f"{', '.join(PROFILES)})")
    return SkillLinker(
        threshold=settings.link_threshold,
        top_k=settings.link_top_k,
        candidates=settings.link_candidates,
        max_per_segment=settings.link_max_per_segment,
        lexical_bonus=settings.link_lexical_bonus,
        context_weight=settings.link_context_weight,
        support_weight=settings.link_support_weight,
        ranker=ranker,
        document_model=document_model if name == "document" else None,
        statement=(StatementModel.from_json(document_model.meta.get("statement"))
                   if document_model is not None and name == "document" else None),
        decision_threshold=settings.link_probability_threshold,
        **PROFILES[name],
    )
