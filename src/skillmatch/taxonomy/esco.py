"""ESCO's official CSV export (v1.1.x; v1.2.x has the same columns), folder or zip."""

from __future__ import annotations

import logging
import re
from collections import Counter
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
SKILLS_FILE = "the ESCO skills file (skills_en.csv)"
OCCUPATIONS_FILE = "the ESCO occupations file (occupations_en.csv)"
RELATIONS_FILE = "ESCO's occupationSkillRelations.csv"
SKILL_COLUMNS = ("conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel",
                 "altLabels", "description")
OCCUPATION_COLUMNS = ("conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels",
                      "description")
RELATION_COLUMNS = ("occupationUri", "relationType", "skillUri")
SKILL_META = ("status", "modifiedDate", "scopeNote", "definition")
OCCUPATION_META = ("code", "status", "modifiedDate", "regulatedProfessionNote", "scopeNote",
                   "definition", "naceCode")
COLLECTIONS = {
    "digital": "digitalSkillsCollection_en.csv",
    "green": "greenSkillsCollection_en.csv",
    "transversal": "transversalSkillsCollection_en.csv",
    "language": "languageSkillsCollection_en.csv",
    "digcomp": "digCompSkillsCollection_en.csv",
    "research": "researchSkillsCollection_en.csv",
}
_VERSION = re.compile(r"(?<![0-9A-Za-z])v(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


def detect_version(path: str | Path) -> str:
    """``v1.1.1`` from a name like ``esco-v1.1.1`` or ``ESCO dataset - v1.2.0 - ....zip``."""
    path = Path(path).resolve()
    for part in (path.name, path.parent.name):
        m = _VERSION.search(part)
        if m:
            return f"v{m.group(1)}"
    return "unknown"


def read_esco(path: str | Path, name: str = "esco", version: str | None = None) -> TaxonomyBundle:
    """Skills, occupations, relations, skill hierarchy and collections of an ESCO export."""
    with Source(path, expected=EXPECTED) as src:
        bundle = TaxonomyBundle(
            name=name, kind="esco", version=version or detect_version(path), source=str(path),
        )
        _skills(src, bundle)
        _occupations(src, bundle)
        _relations(src, bundle)
        _hierarchy(src, bundle)
        _collections(src, bundle)
    log.info("read ESCO %s from %s: %s", bundle.version, path, bundle.counts())
    return bundle


def _concept_type(row: dict[str, str], wanted: str, what: str, display: str, line: int) -> None:
    if row["conceptType"] != wanted:
        raise InputError(
            f"conceptType is {row['conceptType']!r}: this is not the {what} file "
            f"(expected conceptType {wanted!r} on every row)",
            path=display, line=line, column="conceptType",
        )


def _skills(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require("skills_en.csv", "skills.csv", expected=EXPECTED)
    where = member.display
    ids = UniqueIds(where, "conceptUri")
    for line, row in read_table(src, member, required=SKILL_COLUMNS, expected=SKILLS_FILE):
        _concept_type(row, "KnowledgeSkillCompetence", "skills", where, line)
        code = need(row, "conceptUri", where, line)
        ids.add(code, line, "conceptUri")
        bundle.skills.append(SkillRecord(
            code=code,
            label=need(row, "preferredLabel", where, line),
            alt_labels=split_multi(row["altLabels"]),
            hidden_labels=split_multi(row.get("hiddenLabels", "")),
            description=row["description"],
            skill_type=row["skillType"],
            reuse_level=row["reuseLevel"],
            meta={k: row[k] for k in SKILL_META if row.get(k)},
        ))


def _occupations(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require("occupations_en.csv", "occupations.csv", expected=EXPECTED)
    where = member.display
    ids = UniqueIds(where, "conceptUri")
    rows = read_table(src, member, required=OCCUPATION_COLUMNS, expected=OCCUPATIONS_FILE)
    for line, row in rows:
        _concept_type(row, "Occupation", "occupations", where, line)
        code = need(row, "conceptUri", where, line)
        ids.add(code, line, "conceptUri")
        meta: dict[str, object] = {k: row[k] for k in OCCUPATION_META if row.get(k)}
        hidden = split_multi(row.get("hiddenLabels", ""))
        if hidden:
            meta["hidden_labels"] = hidden
        bundle.occupations.append(OccupationRecord(
            code=code,
            label=need(row, "preferredLabel", where, line),
            alt_labels=split_multi(row["altLabels"]),
            description=row["description"],
            group_code=row["iscoGroup"],
            meta=meta,
        ))


def _relations(src: Source, bundle: TaxonomyBundle) -> None:
    member = src.require(
        "occupationSkillRelations.csv", "occupationSkillRelations_en.csv", expected=EXPECTED
    )
    where = member.display
    skills = {s.code for s in bundle.skills}
    occupations = {o.code for o in bundle.occupations}
    unlisted: Counter[str] = Counter()
    seen: dict[tuple[str, str], int] = {}
    for line, row in read_table(src, member, required=RELATION_COLUMNS, expected=RELATIONS_FILE):
        occ = need(row, "occupationUri", where, line)
        skill = need(row, "skillUri", where, line)
        kind = row["relationType"]
        if kind not in ("essential", "optional"):
            raise InputError(f"relationType {kind!r} (expected essential or optional)",
                             path=where, line=line, column="relationType")
        if skill not in skills:
            raise InputError(f"skillUri {skill!r} is not in skills_en.csv (expected a skill "
                             "of this export)", path=where, line=line, column="skillUri")
        if occ not in occupations:
            unlisted[occ] += 1
        first = seen.setdefault((occ, skill), line)
        if first != line:
            raise InputError(f"duplicate relation {occ} -> {skill} (first on line {first}); "
                             "expected each pair once", path=where, line=line, column="skillUri")
        bundle.relations.append(RelationRecord(occ, skill, kind))
    if unlisted:
        # ESCO v1.1.1 itself has one such occupation (67 relations): keep them, say so.
        note = (f"{member.name}: {sum(unlisted.values())} relations name "
                f"{len(unlisted)} occupation(s) missing from occupations_en.csv (kept): "
                + ", ".join(sorted(unlisted)[:5]))
        log.info("%s", note)
        bundle.meta.setdefault("warnings", []).append(note)


def _hierarchy(src: Source, bundle: TaxonomyBundle) -> None:
    """Skill groups, plus nodes only skillsHierarchy_en.csv names; then the broader links."""
    groups = src.find("skillGroups_en.csv")
    known: dict[str, GroupRecord] = {}
    if groups is not None:
        ids = UniqueIds(groups.display, "conceptUri")
        for line, row in read_table(src, groups, required=("conceptUri", "preferredLabel"),
                                    expected="ESCO's skillGroups_en.csv"):
            code = need(row, "conceptUri", groups.display, line)
            ids.add(code, line, "conceptUri")
            known[code] = GroupRecord(code, need(row, "preferredLabel", groups.display, line),
                                      row.get("description", ""))
    levels = src.find("skillsHierarchy_en.csv")
    if levels is not None:
        for _, row in read_table(src, levels, required=("Level 0 URI", "Level 0 preferred term"),
                                 expected="ESCO's skillsHierarchy_en.csv", pad=True):
            deepest = max(i for i in range(4) if row.get(f"Level {i} URI") or i == 0)
            for i in range(deepest + 1):
                code = row.get(f"Level {i} URI", "")
                if code and code not in known:
                    text = row.get("Description", "") if i == deepest else ""
                    known[code] = GroupRecord(code, row.get(f"Level {i} preferred term", ""),
                                              text)
    bundle.groups = list(known.values())
    broader = src.find("broaderRelationsSkillPillar.csv", "broaderRelationsSkillPillar_en.csv")
    if broader is None:
        return
    nodes = known.keys() | {s.code for s in bundle.skills}
    seen: set[tuple[str, str]] = set()
    dropped = 0
    for line, row in read_table(src, broader, required=("conceptUri", "broaderUri"),
                                expected="ESCO's broaderRelationsSkillPillar.csv"):
        edge = (need(row, "conceptUri", broader.display, line),
                need(row, "broaderUri", broader.display, line))
        if edge[0] not in nodes or edge[1] not in nodes:
            dropped += 1
        elif edge not in seen:
            seen.add(edge)
            bundle.broader.append(BroaderRecord(*edge))
    if dropped:
        log.warning("%s: %d links name concepts that are neither skills nor skill groups "
                    "(skipped)", broader.display, dropped)


def _collections(src: Source, bundle: TaxonomyBundle) -> None:
    known = {s.code for s in bundle.skills}
    for name, file in COLLECTIONS.items():
        member = src.find(file)
        if member is None:
            continue
        rows = read_table(src, member, required=("conceptUri",), expected=f"ESCO's {file}")
        codes = list(dict.fromkeys(row["conceptUri"] for _, row in rows if row["conceptUri"]))
        bundle.collections[name] = [c for c in codes if c in known]
        dropped = len(codes) - len(bundle.collections[name])
        if dropped:
            log.warning("%s: %d entries are not skills of skills_en.csv (skipped)",
                        member.display, dropped)
