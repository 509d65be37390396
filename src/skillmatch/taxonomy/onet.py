"""O*NET's database text files (tab-separated, CRLF), folder or zip (db_29_2_text.zip)."""

from __future__ import annotations

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
from .sources import Source, UniqueIds, need, read_table

EXPECTED = "O*NET's database text files (Occupation Data.txt, Technology Skills.txt, ...)"
CODE = "O*NET-SOC Code"
_CODE_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")


def detect_version(src: Source, path: Path) -> str:
    readme = src.find("Read Me.txt")
    if readme is not None:
        m = re.search(r"O\*NET\s+(\d+\.\d+)\s+Database", src.read_text(readme))
        if m:
            return m.group(1)
    m = re.search(r"(\d+)[._](\d+)", path.name)
    return f"{m.group(1)}.{m.group(2)}" if m else "unknown"


def read_onet(path: str | Path, name: str = "onet", version: str | None = None) -> TaxonomyBundle:
    """Occupations (titles, alternate titles, tasks, job zones) and technology skills."""
    with Source(path) as src:
        bundle = TaxonomyBundle(
            name=name, kind="onet", version=version or detect_version(src, Path(path)),
            source=str(path),
        )
        occupations = _occupations(src)
        _alternate_titles(src, occupations)
        _tasks(src, occupations)
        _job_zones(src, occupations)
        bundle.occupations = list(occupations.values())
        _technology(src, bundle, occupations)
    return bundle


def _tsv(src: Source, file: str, required: tuple[str, ...]):  # type: ignore[no-untyped-def]
    member = src.require(file, expected=EXPECTED)
    return member, read_table(src, member, required=required, delimiter="\t",
                              expected=f"O*NET {file}")


def _occupations(src: Source) -> dict[str, OccupationRecord]:
    member, rows = _tsv(src, "Occupation Data.txt", (CODE, "Title", "Description"))
    ids = UniqueIds(member.display, CODE)
    out: dict[str, OccupationRecord] = {}
    for line, row in rows:
        code = need(row, CODE, member.display, line)
        if not _CODE_RE.match(code):
            raise InputError(f"{code!r} is not an O*NET-SOC code (expected like 15-1252.00)",
                             path=member.display, line=line, column=CODE)
        ids.add(code, line, CODE)
        out[code] = OccupationRecord(
            code=code, label=need(row, "Title", member.display, line),
            description=row["Description"], group_code=code[:7],
        )
    return out


def _known(occupations: dict[str, OccupationRecord], code: str, display: str,
           line: int) -> OccupationRecord:
    occ = occupations.get(code)
    if occ is None:
        raise InputError(f"O*NET-SOC code {code!r} is not in Occupation Data.txt",
                         path=display, line=line, column=CODE)
    return occ


def _alternate_titles(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    member, rows = _tsv(src, "Alternate Titles.txt", (CODE, "Alternate Title"))
    for line, row in rows:
        occ = _known(occupations, row[CODE], member.display, line)
        title = row["Alternate Title"]
        if title and title not in occ.alt_labels:
            occ.alt_labels.append(title)


def _tasks(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    member, rows = _tsv(src, "Task Statements.txt", (CODE, "Task ID", "Task"))
    for line, row in rows:
        occ = _known(occupations, row[CODE], member.display, line)
        occ.tasks.append(need(row, "Task", member.display, line))


def _job_zones(src: Source, occupations: dict[str, OccupationRecord]) -> None:
    member, rows = _tsv(src, "Job Zones.txt", (CODE, "Job Zone"))
    for line, row in rows:
        occ = _known(occupations, row[CODE], member.display, line)
        if not row["Job Zone"].isdigit():
            raise InputError(f"Job Zone {row['Job Zone']!r} (expected 1 to 5)",
                             path=member.display, line=line, column="Job Zone")
        occ.meta["job_zone"] = int(row["Job Zone"])


def _flag(value: str, display: str, line: int, column: str) -> bool:
    if value not in ("Y", "N"):
        raise InputError(f"{value!r} (expected Y or N)", path=display, line=line, column=column)
    return value == "Y"


def _technology(src: Source, bundle: TaxonomyBundle,
                occupations: dict[str, OccupationRecord]) -> None:
    columns = (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology", "In Demand")
    member, rows = _tsv(src, "Technology Skills.txt", columns)
    skills: dict[str, SkillRecord] = {}
    commodities: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        occ = _known(occupations, row[CODE], member.display, line)
        example = need(row, "Example", member.display, line)
        commodity = need(row, "Commodity Code", member.display, line)
        hot = _flag(row["Hot Technology"], member.display, line, "Hot Technology")
        demand = _flag(row["In Demand"], member.display, line, "In Demand")
        code = f"tech:{example}"
        first = seen.setdefault((occ.code, code), line)
        if first != line:
            raise InputError(f"duplicate technology {example!r} for {occ.code} "
                             f"(first on line {first})", path=member.display, line=line,
                             column="Example")
        group = f"unspsc:{commodity}"
        commodities[group] = row["Commodity Title"]
        skill = skills.get(code)
        if skill is None:
            skill = skills[code] = SkillRecord(
                code=code, label=example, description=row["Commodity Title"],
                skill_type="technology",
                meta={"commodity_code": commodity, "hot_occupations": 0,
                      "in_demand_occupations": 0},
            )
        skill.meta["hot_occupations"] += int(hot)
        skill.meta["in_demand_occupations"] += int(demand)
        bundle.relations.append(RelationRecord(
            occ.code, code, "technology",
            meta={"hot": hot, "in_demand": demand, "commodity_code": commodity},
        ))
    bundle.skills = list(skills.values())
    bundle.groups = [GroupRecord(code, title) for code, title in sorted(commodities.items())]
    bundle.broader = [
        BroaderRecord(s.code, f"unspsc:{s.meta['commodity_code']}") for s in bundle.skills
    ]
