"""A posting's place as our region: ``<STATE>-<City>`` (``VA-Norfolk``) or the state.

Postings give a place as ``jobLocation`` (one Place or several; a posting with none may
name the area applicants must live in, ``applicantLocationRequirements``), its address a
PostalAddress (``addressRegion`` a state code or name, ``addressLocality`` the city,
``addressCountry``) or text (``"Norfolk, VA 23510"``).
US states, DC and the territories are written as their USPS codes; a region outside
the US keeps its code or name (hyphens in a name become spaces, since the first hyphen
of a region separates its two levels: see :mod:`skillmatch.regions`).
"""

from __future__ import annotations

import re
from typing import Any

from .jobposting_nodes import Graph, plain

US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "district of columbia": "DC", "washington dc": "DC",
    "washington d.c.": "DC", "puerto rico": "PR", "guam": "GU", "u.s. virgin islands": "VI",
    "virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}
US_CODES = frozenset(US_STATES.values())
_US = frozenset({"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"})
_SPACES = re.compile(r"\s+")
_ZIP = re.compile(r"\s+\d{5}(?:-\d{4})?$")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ,.")


def state_code(text: str, country: str = "") -> str:
    """A state's USPS code from its code or name ("" when ``text`` is empty); outside
    the US (``country`` given and not the US) the region as written."""
    name = _clean(_ZIP.sub("", text))
    if not name:
        return ""
    us = not country or _clean(country).lower() in _US
    if us:
        if name.upper() in US_CODES:
            return name.upper()
        code = US_STATES.get(name.lower().removeprefix("state of "))
        if code:
            return code
    return name.replace("-", " ") if len(name) > 3 else name.upper()


def _split_text(text: str) -> tuple[str, str]:
    """``(state, city)`` from an address written as text: the last comma part that
    names a US state, and the part before it."""
    parts = [_clean(p) for p in text.split(",") if _clean(p)]
    for i in range(len(parts) - 1, -1, -1):
        candidate = _clean(_ZIP.sub("", parts[i]))
        if candidate.upper() in US_CODES or candidate.lower() in US_STATES:
            return candidate, parts[i - 1] if i > 0 else ""
    return "", ""


def region_of(state: str, city: str, text: str = "", country: str = "") -> str:
    """Our region for a place: ``ST-City``, ``ST``, or "" when no state is known.

    ``state`` and ``city`` from a PostalAddress; ``text`` a place written as text
    (``"Norfolk, VA"``), read when ``state`` is empty."""
    if country and _clean(country).lower() not in _US and not state:
        return ""
    if not state and text:
        state, found_city = _split_text(text)
        city = city or found_city
    code = state_code(state, country)
    if not code:
        return ""
    city = _clean(city)
    return f"{code}-{city}" if city else code


def posting_region(node: dict[str, Any], graph: Graph, meta: dict[str, Any]) -> str:
    """The posting's region (the first of its places'), every place in
    ``meta["locations"]`` and, when several, their regions in ``meta["regions"]``."""
    regions: list[str] = []
    places = []
    for place in graph.values(node, "jobLocation"):
        sub = graph.node_of(place)
        places.append(plain(sub if sub is not None else place, graph))
        if sub is None:
            texts = graph.texts([place])
            region = region_of("", "", texts[0][0]) if texts else ""
        else:
            region = _place_region(sub, graph)
        if region and region not in regions:
            regions.append(region)
    if places:
        meta["locations"] = places
    if not regions:
        for area in graph.values(node, "applicantLocationRequirements"):
            sub = graph.node_of(area)
            name = graph.text(sub, "name")[0] if sub is not None else ""
            region = region_of(name, "", "") if name else ""
            if region and region not in regions:
                regions.append(region)
        if regions:
            meta["region_from"] = "applicantLocationRequirements"
    if len(regions) > 1:
        meta["regions"] = regions
    return regions[0] if regions else ""


def _place_region(place: dict[str, Any], graph: Graph) -> str:
    for address in graph.values(place, "address"):
        sub = graph.node_of(address)
        if sub is None:
            texts = graph.texts([address])
            if texts:
                return region_of("", "", texts[0][0])
            continue
        state, _ = graph.text(sub, "addressRegion")
        city, _ = graph.text(sub, "addressLocality")
        country, _ = graph.text(sub, "addressCountry")
        if not country:
            for c in graph.nodes(sub, "addressCountry"):
                country, _ = graph.text(c, "name", "identifier")
        region = region_of(state, city, "", country)
        if region:
            return region
    name, _ = graph.text(place, "name")
    return region_of("", "", name) if name else ""
