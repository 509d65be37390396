"""ESCO occupations as a description-level benchmark, split in two fixed halves.

Each occupation's description ranks ESCO skills; its essential skills are the gold.
The occupations are split by the first byte of the sha256 of their URI: even bytes
are the *dev* half (used to choose model settings, e.g. the interpolation weight of
:mod:`skillmatch.training.interpolate`), odd bytes the *test* half, never used to
choose anything. ``eval linking`` reports all occupations and the test half apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError

HALVES = ("dev", "test")


def occupation_half(code: str) -> str:
    """``"dev"`` or ``"test"``, fixed by the occupation's URI."""
    return "dev" if hashlib.sha256(code.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def occupation_gold(shared: Path, half: str | None = None) -> list[tuple[str, set[str]]]:
    """(description, essential skill codes) per ESCO v1.1.1 occupation that has both,
    in file order; only ``half`` (``dev`` or ``test``) when given."""
    from ..taxonomy import read_taxonomy

    if half is not None and half not in HALVES:
        raise InputError(f"half {half!r} (expected one of {', '.join(HALVES)})", field="half")
    taxonomy = read_taxonomy("esco", Path(shared) / "esco-v1.1.1")
    gold: dict[str, set[str]] = {}
    for r in taxonomy.relations:
        if r.relation == "essential":
            gold.setdefault(r.occupation_code, set()).add(r.skill_code)
    return [(o.description, gold[o.code]) for o in taxonomy.occupations
            if o.code in gold and o.description
            and (half is None or occupation_half(o.code) == half)]
