"""ESCO's official CSV export (v1.1.x; v1.2.x has the same columns), folder or zip."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..errors import InputError
from ..records import (
    BroaderRecord,
    GroupRecord,
    OccupationRecord,
    RelationRecord,
    SkillRecord,
    TaxonomyBundle,
)
from .sources import Source, UniqueIds, need, read_table, split_multi

log = logging.getLogger(__name__)

EXPECTED = "ESCO's CSV export (skills_en.csv, occupations_en.csv, occupationSkillRelations.csv)"
SKILL_COLUMNS = ("conceptType", "conceptUri", "preferredLabel", "altLabels", "description",
                 "skillType", "reuseLevel")
OCCUPATION_COLUMNS = ("conceptType", "conceptUri", "preferredLabel", "altLabels", "description",
                      "iscoGroup")
RELATION_COLUMNS = ("occupationUri", "relationType", "skillUri")
COLLECTIONS = {
    "digital": "digitalSkillsCollection_en.csv",
    "green": "greenSkillsCollection_en.csv",
    "transversal": "transversalSkillsCollection_en.csv",
    "language": "languageSkillsCollection_en.csv",
    "digcomp": "digCompSkillsCollection_en.csv",
    "research": "researchSkillsCollection_en.csv",
}


def detect_version(path: Path) -> str:
    """``v1.1.1`` from a name like ``esco-v1.1.1`` or ``ESCO dataset - v1.2.0 - ....zip``."""
    for part in reversed(path.resolve().parts):
        m = re.search(r"v(\d+\.\d+(?:\.\d+)?)", part, re.IGNORECASE)
        if m:
            return f"v{m.group(1)}"
    return "unknown"


def read_esco(path: str | Path, name: str = "esco", version: str | None = None) -> TaxonomyBundle:
    """Skills, occupations, relations, hierarchy and collections of an ESCO export."""
    with Source(path) as src:
        bundle = TaxonomyBundle(
            name=name, kind="esco", version=version or detect_version(Path(path)),
            source=str(path),
        )
        _skills(src, bundle)
        _occupations(src, bundle)
        _relations(src, bundle)
        _hierarchy(src, bundle)
        _collections(src, bundle)
    return bundle


def _wrong_kind(display: str, line: int, found: str, expected: str) -> InputError:
    return InputError(
        f"conceptType is {found!r}: this is not the {expected} file (expected conceptType "
        f"{'KnowledgeSkillCompetence' if expected == 'skills' else 'Occupation'})",
        path=display, line=line, column="conceptType",
    )


def _skills(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require("skills_en.csv", "skills.csv", expected=EXPECTED)
    ids = UniqueIds(member.display, "conceptUri")
    for line, row in read_table(src, member, required=SKILL_COLUMNS, expected="ESCO skills"):
        if row["conceptType"] != "KnowledgeSkillCompetence":
            raise _wrong_kind(member.display, line, row["conceptType"], "skills")
        code = need(row, "conceptUri", member.display, line)
        ids.add(code, line, "conceptUri")
        bundle.skills.append(SkillRecord(
            code=code,
            label=need(row, "preferredLabel", member.display, line),
            alt_labels=split_multi(row["altLabels"]),
            hidden_labels=split_multi(row.get("hiddenLabels", "")),
            description=row["description"],
            skill_type=row["skillType"],
            reuse_level=row["reuseLevel"],
            meta={k: row[k] for k in ("status", "modifiedDate") if row.get(k)},
        ))


def _occupations(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require("occupations_en.csv", "occupations.csv", expected=EXPECTED)
    ids = UniqueIds(member.display, "conceptUri")
    required = OCCUPATION_COLUMNS
    for line, row in read_table(src, member, required=required, expected="ESCO occupations"):
        if row["conceptType"] != "Occupation":
            raise _wrong_kind(member.display, line, row["conceptType"], "occupations")
        code = need(row, "conceptUri", member.display, line)
        ids.add(code, line, "conceptUri")
        bundle.occupations.append(OccupationRecord(
            code=code,
            label=need(row, "preferredLabel", member.display, line),
            alt_labels=split_multi(row["altLabels"]),
            description=row["description"],
            group_code=row["iscoGroup"],
            meta={k: row[k] for k in ("code", "status", "regulatedProfessionNote")
                  if row.get(k)},
        ))


def _relations(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require(
        "occupationSkillRelations.csv", "occupationSkillRelations_en.csv", expected=EXPECTED
    )
    skills = {s.code for s in bundle.skills}
    seen: dict[tuple[str, str], int] = {}
    for line, row in read_table(src, member, required=RELATION_COLUMNS,
                                expected="ESCO occupation-skill relations"):
        occ = need(row, "occupationUri", member.display, line)
        skill = need(row, "skillUri", member.display, line)
        kind = row["relationType"]
        if kind not in ("essential", "optional"):
            raise InputError(f"relationType {kind!r} (expected essential or optional)",
                             path=member.display, line=line, column="relationType")
        if skill not in skills:
            raise InputError(f"skillUri {skill!r} is not in skills_en.csv",
                             path=member.display, line=line, column="skillUri")
        first = seen.setdefault((occ, skill), line)
        if first != line:
            raise InputError(f"duplicate relation {occ} -> {skill} (first on line {first})",
                             path=member.display, line=line, column="skillUri")
        bundle.relations.append(RelationRecord(occ, skill, kind))


def _hierarchy(src: Source, bundle: TaxonomyBundle) -> None:
    groups = src.find("skillGroups_en.csv")
    if groups is not None:
        for line, row in read_table(src, groups, required=("conceptUri", "preferredLabel")):
            bundle.groups.append(GroupRecord(
                need(row, "conceptUri", groups.display, line), row["preferredLabel"],
                row.get("description", ""),
            ))
    broader = src.find("broaderRelationsSkillPillar.csv", "broaderRelationsSkillPillar_en.csv")
    if broader is not None:
        for line, row in read_table(src, broader, required=("conceptUri", "broaderUri")):
            bundle.broader.append(BroaderRecord(
                need(row, "conceptUri", broader.display, line),
                need(row, "broaderUri", broader.display, line),
            ))


def _collections(src: Source, bundle: TaxonomyBundle) -> None:
    known = {s.code for s in bundle.skills}
    for name, file in COLLECTIONS.items():
        member = src.find(file)
        if member is None:
            continue
        codes = [row["conceptUri"] for _, row in read_table(src, member, required=("conceptUri",))]
        bundle.collections[name] = [c for c in codes if c in known]
        dropped = len(codes) - len(bundle.collections[name])
        if dropped:
            log.info("%s: %d entries are not skills of skills_en.csv", member.display, dropped)
