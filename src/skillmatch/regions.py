"""Regions of records and filters: ``ST`` (a state, or any top-level area) or
``ST-Place`` (a place in it), e.g. ``VA`` and ``VA-Norfolk``.

A filter ``VA`` covers every record whose region is ``VA`` or ``VA-<anything>``; a
filter ``VA-Norfolk`` covers ``VA-Norfolk`` only (not ``VA``: a record placed only in
the state may be anywhere in it). A place may itself hold hyphens
(``NC-Winston-Salem``): only the first hyphen separates the levels, so
``NC-Winston`` does not cover it. Comparison ignores case, repeated spaces and spaces
around hyphens (``va - norfolk`` is ``VA-Norfolk``). The older form ``statewide-ST``
reads as ``ST``; a credential offered ``statewide-ST`` also serves every place in ``ST``
(:func:`skillmatch.flows.recommend.region_matches`).
"""

from __future__ import annotations

import re

STATEWIDE = "statewide-"


def region_key(value: str) -> str:
    """The form regions are compared in: case-folded, spaces collapsed, none around a
    hyphen, ``statewide-ST`` read as ``ST``."""
    text = re.sub(r"\s+", " ", re.sub(r"\s*-\s*", "-", value.strip())).casefold()
    return text.removeprefix(STATEWIDE)


def within_key(key: str, wanted: str) -> bool:
    """:func:`within` on keys already made by :func:`region_key`."""
    if not key or not wanted:
        return False
    if key == wanted:
        return True
    return "-" not in wanted and key.startswith(wanted + "-")


def within(region: str, wanted: str) -> bool:
    """True when ``region`` is ``wanted`` or, ``wanted`` being a state, a place in it."""
    return within_key(region_key(region), region_key(wanted))


def is_statewide(region: str) -> bool:
    """True for the older ``statewide-ST`` form: offered throughout the state."""
    return region.strip().casefold().startswith(STATEWIDE)
