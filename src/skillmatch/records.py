"""Plain data records passed between the parts of skillmatch.

Importers produce a :class:`TaxonomyBundle` (pure parsing, no database); the
storage layer writes a bundle in one transaction. The linker returns
:class:`LinkResult` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SkillRecord:
    code: str  # the source's own id (ESCO URI, O*NET technology id, custom id)
    label: str
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    description: str = ""
    skill_type: str = ""  # ESCO: skill/competence | knowledge; O*NET: technology
    reuse_level: str = ""  # ESCO: transversal, cross-sector, sector- or occupation-specific
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class OccupationRecord:
    code: str  # ESCO URI or O*NET-SOC code
    label: str
    alt_labels: list[str] = field(default_factory=list)
    description: str = ""
    group_code: str = ""  # ESCO: ISCO code; O*NET: SOC 2018 code (first 7 chars)
    tasks: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class RelationRecord:
    occupation_code: str
    skill_code: str
    relation: str  # essential | optional | technology
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class GroupRecord:
    """A node of the skill hierarchy that is not itself a skill (ESCO skill group)."""

    code: str
    label: str
    description: str = ""


@dataclass
class BroaderRecord:
    narrower_code: str
    broader_code: str


@dataclass
class TaxonomyBundle:
    """Everything one importer read from one source, ready to store."""

    name: str  # e.g. "esco", "onet", or a custom name
    kind: str  # esco | onet | custom
    version: str
    source: str  # path or zip the data came from
    skills: list[SkillRecord] = field(default_factory=list)
    occupations: list[OccupationRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    groups: list[GroupRecord] = field(default_factory=list)
    broader: list[BroaderRecord] = field(default_factory=list)
    collections: dict[str, list[str]] = field(default_factory=dict)  # name -> skill codes
    meta: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "skills": len(self.skills),
            "occupations": len(self.occupations),
            "relations": len(self.relations),
            "groups": len(self.groups),
            "hierarchy": len(self.broader),
            "collections": sum(len(v) for v in self.collections.values()),
        }


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass
class LinkedSkill:
    id: str  # taxonomy's own id
    label: str
    taxonomy: str
    score: float
    evidence: Evidence
    sources: tuple[str, ...] = ()  # which signals fired: "dense", "exact", "alias"
    row_id: int = 0  # the skill's database row id (internal; not in to_dict)
    similarity: float | None = None  # the linker's own score when ``score`` is a probability
    probability: float | None = None  # the calibrated ranker's probability, when it applies
    decided: bool = False  # kept or dropped on the document model's probability (internal)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "taxonomy": self.taxonomy,
            "score": round(float(self.score), 4),
            "evidence": {
                "start": self.evidence.start,
                "end": self.evidence.end,
                "text": self.evidence.text,
            },
        }
        if self.similarity is not None:
            out["similarity"] = round(float(self.similarity), 4)
        if self.probability is not None:
            out["probability"] = round(float(self.probability), 4)
        return out


@dataclass
class LinkResult:
    text: str
    skills: list[LinkedSkill]
    # occupations named by title lines (document rules), never linked as skills
    occupations: list[dict[str, Any]] = field(default_factory=list)
    # with several taxonomies: ``skills`` is one group per taxonomy, in this order, each
    # ranked (and cut) on its own; empty when the linker had a single taxonomy
    taxonomies: list[str] = field(default_factory=list)

    def group(self, taxonomy: str) -> list[LinkedSkill]:
        """The skills of one taxonomy, best first."""
        return [s for s in self.skills if s.taxonomy == taxonomy]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "skills": [s.to_dict() for s in self.skills]}
        if self.occupations:
            out["occupations"] = self.occupations
        if self.taxonomies:
            out["taxonomies"] = self.taxonomies
        return out
