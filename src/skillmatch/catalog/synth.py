"""Synthetic job postings generated from O*NET, for demand tests and for scale.

Every posting is labelled synthetic (``meta.synthetic``) and carries its true
O*NET-SOC code (``occupation_code`` and ``meta.true_occupation``). Its parts come
from the O*NET database text files given:

- title: the occupation's title or one of its alternate titles;
- duties: three to six of its task statements (core tasks twice as likely);
- tools: two to five of its technology skills, In Demand and Hot Technology
  products weighted up (3x and 2x), so demand has a signal to learn;
- region, date (uniform over ``days`` up to ``end``), openings (1 + geometric);
- an employer blurb and an equal-opportunity line, as real postings have, which
  the linker must drop as boilerplate.

Occupations are drawn with seeded log-normal weights, so that some are common
and most are rare, as in real posting data. Same inputs and seed, same output.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..errors import InputError
from ..taxonomy import read_taxonomy
from .models import Posting

REGIONS = ("TX-Houston", "TX-Dallas", "TX-Austin", "TX-San Antonio", "NY-New York",
           "CA-Los Angeles", "OH-Columbus", "IL-Chicago", "GA-Atlanta", "WA-Seattle")
EMPLOYER_FIRST = ("Lone Star", "Gulf Coast", "Riverside", "Summit", "Northgate", "Bayou",
                  "Prairie", "Harbor", "Cedar", "Metro", "Pioneer", "Evergreen")
EMPLOYER_SECOND = ("Health", "Logistics", "Manufacturing", "Schools", "Services", "Partners",
                   "Group", "Industries", "Solutions", "Systems", "Community College",
                   "Construction")
BLURBS = (
    "{employer} has served the {city} area for over {years} years.",
    "Join {employer}, one of {city}'s fastest-growing employers.",
    "At {employer} we value our people. Competitive pay and full benefits.",
)
EEO = ("{employer} is an equal opportunity employer and considers all applicants without "
       "regard to race, color, religion, sex, national origin, disability or veteran status.")


@dataclass
class _Occupation:
    code: str
    titles: list[str]
    tasks: list[str]
    tools: list[tuple[str, float]]  # product, weight


def load_onet_for_synth(path: str | Path) -> list[_Occupation]:
    """The occupations that have task statements, with titles and weighted tools."""
    bundle = read_taxonomy("onet", path)
    labels = {s.code: s.label for s in bundle.skills}
    tools: dict[str, list[tuple[str, float]]] = {}
    for r in bundle.relations:
        w = 3.0 if r.meta.get("in_demand") else 2.0 if r.meta.get("hot") else 1.0
        tools.setdefault(r.occupation_code, []).append((labels[r.skill_code], w))
    out = [
        _Occupation(o.code, [o.label, *o.alt_labels], list(o.tasks), tools.get(o.code, []))
        for o in bundle.occupations if o.tasks
    ]
    if not out:
        raise InputError("no O*NET occupation has task statements (expected Task "
                         "Statements.txt beside Occupation Data.txt)", path=path)
    return sorted(out, key=lambda o: o.code)


def synth_postings(
    path: str | Path,
    n: int,
    seed: int = 0,
    *,
    end: date | None = None,
    days: int = 365,
    id_prefix: str = "synth",
) -> Iterator[Posting]:
    """``n`` synthetic postings from the O*NET files at ``path`` (a folder or a zip)."""
    if n < 0:
        raise InputError(f"n is {n} (expected a count >= 0)", field="n")
    if days < 1:
        raise InputError(f"days is {days} (expected at least 1)", field="days")
    occupations = load_onet_for_synth(path)
    rng = random.Random(seed)
    weights = [math.exp(rng.gauss(0.0, 1.2)) for _ in occupations]
    end = end or date(2026, 10, 31)
    for i in range(n):
        occ = rng.choices(occupations, weights)[0]
        yield _posting(rng, occ, f"{id_prefix}:{seed}:{i:07d}", end, days)


def _posting(rng: random.Random, occ: _Occupation, pid: str, end: date, days: int) -> Posting:
    region = rng.choice(REGIONS)
    city = region.split("-", 1)[1]
    employer = f"{rng.choice(EMPLOYER_FIRST)} {rng.choice(EMPLOYER_SECOND)}"
    title = occ.titles[0] if rng.random() < 0.4 else rng.choice(occ.titles)
    duties = rng.sample(occ.tasks, min(len(occ.tasks), rng.randint(3, 6)))
    lines = [rng.choice(BLURBS).format(employer=employer, city=city,
                                       years=rng.randint(5, 60)),
             "Responsibilities:", *(f"- {t}" for t in duties)]
    if occ.tools:
        k = min(len(occ.tools), rng.randint(2, 5))
        chosen: list[str] = []
        names, w = [t for t, _ in occ.tools], [x for _, x in occ.tools]
        while len(chosen) < k:
            name = rng.choices(names, w)[0]
            if name not in chosen:
                chosen.append(name)
        lines.append(f"Experience with {', '.join(chosen[:-1])} and {chosen[-1]}."
                     if len(chosen) > 1 else f"Experience with {chosen[0]}.")
    lines.append(EEO.format(employer=employer))
    posted = end - timedelta(days=rng.randrange(days))
    openings = 1
    while rng.random() < 0.35 and openings < 20:
        openings += 1
    return Posting(
        id=pid, title=title, employer=employer, description="\n".join(lines), region=region,
        date_posted=posted.isoformat(), openings=openings, occupation_code=occ.code,
        meta={"synthetic": True, "true_occupation": occ.code,
              "generator": "skillmatch synth-postings from O*NET"},
    )
