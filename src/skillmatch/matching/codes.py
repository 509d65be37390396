"""O*NET-SOC codes of any release resolved to SOC 2018 occupations.

Catalogues such as the Texas ETPL mix O*NET-SOC 2010 and 2019 codes, and some codes
are in neither list (group-level ``11-1000.00``). :class:`SocResolver` tries, in order:

1. ``onet-2019``: the code is an O*NET 29.2 occupation; its SOC 2018 code is the
   first seven characters;
2. ``onet-2010``: the code is in O*NET's 2010 to 2019 crosswalk;
3. ``soc-2010``: its first seven characters are a SOC 2010 code in BLS's 2010 to 2018
   crosswalk;
4. ``soc-2018``: its first seven characters are a SOC 2018 code that O*NET covers;
5. ``soc-broad``: a broad-occupation code (``15-1250.00``, last digit 0): every SOC 2018
   occupation of that broad group;

and otherwise (minor and major groups, SOC codes that O*NET splits) reports it ``unresolved``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..taxonomy.crosswalk import (
    ONET_2010_FILE,
    SOC_2010_FILE,
    read_onet_2010_pairs,
    read_soc_2010_pairs,
    to_mapping,
)

HOW = ("onet-2019", "onet-2010", "soc-2010", "soc-2018", "soc-broad", "unresolved")


def read_onet_2010_crosswalk(path: Path) -> dict[str, set[str]]:
    """O*NET-SOC 2010 code -> O*NET-SOC 2019 codes."""
    return to_mapping(read_onet_2010_pairs(path))


def read_soc_2010_crosswalk(path: Path) -> dict[str, set[str]]:
    """SOC 2010 code -> SOC 2018 codes (BLS xlsx; the header sits below banner rows)."""
    return to_mapping(read_soc_2010_pairs(path))


class SocResolver:
    """O*NET-SOC code (2010 or 2019) -> SOC 2018 codes, and how it was resolved."""

    def __init__(self, onet_codes: set[str], onet_2010: dict[str, set[str]],
                 soc_2010: dict[str, set[str]] | None = None) -> None:
        self.onet_codes = onet_codes
        self.socs = {c[:7] for c in onet_codes}
        self.onet_2010 = onet_2010
        self.soc_2010 = soc_2010 or {}

    @classmethod
    def from_shared(cls, folder: Path, onet_codes: set[str]) -> SocResolver:
        """The resolver over ``onet-soc-crosswalks/`` in the shared data."""
        onet = folder / ONET_2010_FILE
        if not onet.is_file():
            raise InputError(f"no {ONET_2010_FILE} (expected O*NET's 2010 to 2019 crosswalk)",
                             path=folder)
        soc = folder / SOC_2010_FILE
        return cls(onet_codes, read_onet_2010_crosswalk(onet),
                   read_soc_2010_crosswalk(soc) if soc.is_file() else None)

    def resolve(self, code: str) -> tuple[set[str], str]:
        if code in self.onet_codes:
            return {code[:7]}, "onet-2019"
        mapped = {c[:7] for c in self.onet_2010.get(code, ())} & self.socs
        if mapped:
            return mapped, "onet-2010"
        mapped = self.soc_2010.get(code[:7], set()) & self.socs
        if mapped:
            return mapped, "soc-2010"
        if code[:7] in self.socs:
            return {code[:7]}, "soc-2018"
        if code[6] == "0" and code[5] != "0":
            broad = {s for s in self.socs if s[:6] == code[:6]}
            if broad:
                return broad, "soc-broad"
        return set(), "unresolved"
