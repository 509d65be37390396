"""O*NET's database text files (tab-separated, CRLF), folder or zip (db_29_2_text.zip).

Occupations come from ``Occupation Data.txt`` with their alternate titles, tasks and
job zone; skills are the distinct technologies (``Example``) of ``Technology
Skills.txt``, each linked to its occupations (one relation per row, with the hot
technology and in-demand flags) and to its UNSPSC commodities (skill groups).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
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
from .sources import Source, UniqueIds, need, read_table

log = logging.getLogger(__name__)

EXPECTED = "O*NET's database text files (Occupation Data.txt, Technology Skills.txt, ...)"
OCCUPATIONS_FILE = "O*NET's Occupation Data.txt"
TECHNOLOGY_FILE = "O*NET's Technology Skills.txt"
CODE = "O*NET-SOC Code"
TECH_COLUMNS = (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology",
                "In Demand")
TECH_PREFIX = "tech:"  # skill code: "tech:" + the Example as O*NET spells it
GROUP_PREFIX = "unspsc:"  # group code: "unspsc:" + the commodity code
_CODE_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_README_VERSION = re.compile(r"O\*NET\s+(\d+\.\d+)\s+Database", re.IGNORECASE)
_NAME_VERSION = re.compile(r"(?<!\d)(\d{2})[._](\d)(?!\d)")

Rows = Iterator[tuple[int, dict[str, str]]]


def technology_code(example: str) -> str:
    """The stable skill code of a technology: ``tech:`` and its name, spaces collapsed."""
    return TECH_PREFIX + " ".join(example.split())


def detect_version(src: Source, path: str | Path) -> str:
    """``29.2`` from ``Read Me.txt``, else from a name like ``db_29_2_text``."""
    readme = src.find("Read Me.txt")
    if readme is not None:
        m = _README_VERSION.search(src.read_text(readme)[:2000])
        if m:
            return m.group(1)
    m = _NAME_VERSION.search(Path(path).name)
    return f"{m.group(1)}.{m.group(2)}" if m else "unknown"


def read_onet(path: str | Path, name: str = "onet", version: str | None = None) -> TaxonomyBundle:
    """Occupations (titles, alternate titles, tasks, job zones) and technology skills."""
    with Source(path, expected=EXPECTED) as src:
        bundle = TaxonomyBundle(
            name=name, kind="onet", version=version or detect_version(src, path),
            source=str(path),
        )
        occupations = _occupations(src)
        _alternate_titles(src, occupations)
        _tasks(src, occupations)
        _job_zones(src, occupations)
        bundle.occupations = list(occupations.values())
        _technology(src, bundle, occupations)
    log.info("read O*NET %s from %s: %s", bundle.version, path, bundle.counts())
    return bundle


def _tsv(src: Source, file: str, columns: tuple[str, ...], expected: str,
         optional: bool = False) -> tuple[str, Rows]:
    member = src.find(file) if optional else src.require(file, expected=EXPECTED)
    if member is None:
        log.warning("%s: no %s (skipped)", src.path, file)
        return file, iter(())
    rows = read_table(src, member, required=columns, delimiter="\t", expected=expected,
                      quoted=False)
    return member.display, rows


def _occupations(src: Source) -> dict[str, OccupationRecord]:
    where, rows = _tsv(src, "Occupation Data.txt", (CODE, "Title", "Description"),
                       OCCUPATIONS_FILE)
    ids = UniqueIds(where, CODE)
    out: dict[str, OccupationRecord] = {}
    for line, row in rows:
        code = need(row, CODE, where, line)
        if not _CODE_RE.match(code):
            raise InputError(f"{code!r} is not an O*NET-SOC code (expected like 15-1252.00)",
                             path=where, line=line, column=CODE)
        ids.add(code, line, CODE)
        out[code] = OccupationRecord(
            code=code, label=need(row, "Title", where, line),
            description=row["Description"], group_code=code[:7],
        )
    return out


def _known(occupations: dict[str, OccupationRecord], row: dict[str, str], where: str,
           line: int) -> OccupationRecord:
    occ = occupations.get(row[CODE])
    if occ is None:
        raise InputError(f"O*NET-SOC code {row[CODE]!r} is not in Occupation Data.txt "
                         "(expected an occupation of this database)",
                         path=where, line=line, column=CODE)
    return occ


def _alternate_titles(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    where, rows = _tsv(src, "Alternate Titles.txt", (CODE, "Alternate Title"),
                       "O*NET's Alternate Titles.txt", optional=True)
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        occ = _known(occupations, row, where, line)
        title = row["Alternate Title"]
        if title and title != occ.label and (occ.code, title) not in seen:
            seen.add((occ.code, title))
            occ.alt_labels.append(title)


def _tasks(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    where, rows = _tsv(src, "Task Statements.txt", (CODE, "Task ID", "Task"),
                       "O*NET's Task Statements.txt", optional=True)
    for line, row in rows:
        occ = _known(occupations, row, where, line)
        occ.tasks.append(need(row, "Task", where, line))
        occ.meta.setdefault("tasks", []).append(
            {"id": row["Task ID"], "type": row.get("Task Type", "")})


def _job_zones(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    where, rows = _tsv(src, "Job Zones.txt", (CODE, "Job Zone"), "O*NET's Job Zones.txt",
                       optional=True)
    for line, row in rows:
        occ = _known(occupations, row, where, line)
        zone = row["Job Zone"]
        if zone not in ("1", "2", "3", "4", "5"):
            raise InputError(f"Job Zone {zone!r} (expected 1 to 5)",
                             path=where, line=line, column="Job Zone")
        occ.meta["job_zone"] = int(zone)


def _flag(row: dict[str, str], column: str, where: str, line: int) -> bool:
    value = row[column]
    if value not in ("Y", "N"):
        raise InputError(f"{value!r} (expected Y or N)", path=where, line=line, column=column)
    return value == "Y"


def _technology(src: Source, bundle: TaxonomyBundle,
                occupations: dict[str, OccupationRecord]) -> None:
    where, rows = _tsv(src, "Technology Skills.txt", TECH_COLUMNS, TECHNOLOGY_FILE)
    skills: dict[str, SkillRecord] = {}
    commodities: dict[str, str] = {}
    links: dict[tuple[str, str], None] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        occ = _known(occupations, row, where, line)
        example = need(row, "Example", where, line)
        commodity = need(row, "Commodity Code", where, line)
        title = row["Commodity Title"]
        hot = _flag(row, "Hot Technology", where, line)
        demand = _flag(row, "In Demand", where, line)
        code = technology_code(example)
        first = seen.setdefault((occ.code, code), line)
        if first != line:
            raise InputError(f"duplicate technology {example!r} for {occ.code} (first on line "
                             f"{first}); expected each pair once", path=where, line=line,
                             column="Example")
        commodities.setdefault(commodity, title)
        skill = skills.get(code)
        if skill is None:
            skill = skills[code] = SkillRecord(
                code=code, label=example, description=title, skill_type="technology",
                meta={"commodity_code": commodity, "commodity_title": title,
                      "commodity_codes": [], "hot_occupations": 0, "in_demand_occupations": 0},
            )
        if commodity not in skill.meta["commodity_codes"]:
            skill.meta["commodity_codes"].append(commodity)
            links[(code, GROUP_PREFIX + commodity)] = None
            if title and title not in skill.description.split("; "):
                skill.description += f"; {title}"
        skill.meta["hot_occupations"] += int(hot)
        skill.meta["in_demand_occupations"] += int(demand)
        bundle.relations.append(RelationRecord(
            occ.code, code, "technology",
            meta={"hot": hot, "in_demand": demand, "commodity_code": commodity},
        ))
    bundle.skills = list(skills.values())
    bundle.groups = [GroupRecord(GROUP_PREFIX + c, t) for c, t in sorted(commodities.items())]
    bundle.broader = [BroaderRecord(skill, group) for skill, group in links]
