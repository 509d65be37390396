"""Occupation code crosswalks, read from their official files, and occupation codes of any
release read through them.

Two crosswalks, imported like taxonomies (``skillmatch crosswalk import PATH``):

- ``onet-2010``: O*NET-SOC 2010 -> O*NET-SOC 2019 codes (O*NET's
  ``2010_to_2019_Crosswalk.csv``);
- ``soc-2010``: SOC 2010 -> SOC 2018 codes (BLS's ``soc_2010_to_2018_crosswalk.xlsx``,
  whose header row sits below eight banner rows: it is found by its first cell).

:class:`OccupationCodes` reads an occupation code as the loaded O*NET-SOC 2019
occupations it stands for: an O*NET 2019 code is itself; an O*NET-SOC 2010 code goes
through ``onet-2010``; a SOC 2018 code (``15-1232``) stands for its O*NET-SOC
occupations (``15-1232.00``, then any ``.01`` ...); a SOC 2010 code goes through
``soc-2010`` to SOC 2018. A code it cannot read stays as written.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

ONET_2010_FILE = "2010_to_2019_Crosswalk.csv"
SOC_2010_FILE = "soc_2010_to_2018_crosswalk.xlsx"
KINDS = {
    "onet-2010": "O*NET-SOC 2010 to O*NET-SOC 2019",
    "soc-2010": "SOC 2010 to SOC 2018",
}
ONET_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
SOC_CODE = re.compile(r"\d{2}-\d{4}")
_ONET_COLS = ("O*NET-SOC 2010 Code", "O*NET-SOC 2010 Title", "O*NET-SOC 2019 Code",
              "O*NET-SOC 2019 Title")
_SOC_COLS = ("2010 SOC Code", "2010 SOC Title", "2018 SOC Code", "2018 SOC Title")


@dataclass(frozen=True)
class CodePair:
    from_code: str
    from_title: str
    to_code: str
    to_title: str


@dataclass(frozen=True)
class Crosswalk:
    kind: str  # onet-2010 | soc-2010
    source: str
    pairs: list[CodePair]

    def mapping(self) -> dict[str, set[str]]:
        return to_mapping(self.pairs)


def to_mapping(pairs: Iterable[CodePair]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        out[p.from_code].add(p.to_code)
    return dict(out)


def read_onet_2010_pairs(path: Path) -> list[CodePair]:
    """O*NET's 2010 to 2019 crosswalk; rows whose 2019 code is blank are left out."""
    out: list[CodePair] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in _ONET_COLS[::2] if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)} (expected O*NET's "
                             "2010 to 2019 crosswalk)", path=path, line=1)
        for line, row in enumerate(reader, start=2):
            old, new = row[_ONET_COLS[0]].strip(), row[_ONET_COLS[2]].strip()
            if not ONET_CODE.fullmatch(old):
                raise InputError(f"{old!r} is not an O*NET-SOC code", path=path, line=line,
                                 column=_ONET_COLS[0])
            if ONET_CODE.fullmatch(new):
                out.append(CodePair(old, (row.get(_ONET_COLS[1]) or "").strip(), new,
                                    (row.get(_ONET_COLS[3]) or "").strip()))
    if not out:
        raise InputError("no code pairs (expected O*NET's 2010 to 2019 crosswalk)", path=path)
    return out


def read_soc_2010_pairs(path: Path) -> list[CodePair]:
    """BLS's SOC 2010 to 2018 crosswalk (xlsx; the header sits below banner rows)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a file that is not xlsx
        raise InputError(f"not an xlsx workbook ({exc}) (expected BLS's SOC 2010 to 2018 "
                         "crosswalk)", path=path) from exc
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    start = next((i for i, r in enumerate(rows) if r and r[0] == _SOC_COLS[0]), None)
    if start is None:
        raise InputError(f"no '{_SOC_COLS[0]}' header (expected BLS's SOC 2010 to 2018 "
                         "crosswalk)", path=path)
    header = [str(h) for h in rows[start]]
    if _SOC_COLS[2] not in header:
        raise InputError(f"missing column '{_SOC_COLS[2]}'", path=path, line=start + 1)
    col = {name: header.index(name) for name in _SOC_COLS if name in header}

    def cell(r: tuple[object, ...], name: str) -> str:
        i = col.get(name)
        return str(r[i] or "").strip() if i is not None and i < len(r) else ""

    out = [CodePair(cell(r, _SOC_COLS[0]), cell(r, _SOC_COLS[1]), cell(r, _SOC_COLS[2]),
                    cell(r, _SOC_COLS[3]))
           for r in rows[start + 1:]
           if SOC_CODE.fullmatch(cell(r, _SOC_COLS[0])) and SOC_CODE.fullmatch(
               cell(r, _SOC_COLS[2]))]
    if not out:
        raise InputError("no code pairs (expected BLS's SOC 2010 to 2018 crosswalk)",
                         path=path, line=start + 2)
    return out


def read_crosswalks(path: str | Path, kind: str | None = None) -> list[Crosswalk]:
    """The crosswalks in ``path``: O*NET's csv, BLS's xlsx, or a folder holding either
    or both under their official names (``onet-soc-crosswalks/``)."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown crosswalk {kind!r} (choose one of {', '.join(KINDS)})",
                         field="kind")
    if path.is_dir():
        files = [(k, path / name) for k, name in (("onet-2010", ONET_2010_FILE),
                                                   ("soc-2010", SOC_2010_FILE))
                 if (path / name).is_file() and kind in (None, k)]
        if not files:
            raise InputError(f"no {ONET_2010_FILE} or {SOC_2010_FILE} in the folder "
                             "(expected O*NET's or BLS's crosswalk)", path=path)
    elif path.is_file():
        found = "soc-2010" if path.suffix.lower() == ".xlsx" else "onet-2010"
        if kind not in (None, found):
            raise InputError(f"a {path.suffix} file is the {found} crosswalk, not {kind}",
                             path=path)
        files = [(found, path)]
    else:
        raise InputError("no such file or folder (expected a crosswalk csv or xlsx)",
                         path=path)
    readers = {"onet-2010": read_onet_2010_pairs, "soc-2010": read_soc_2010_pairs}
    return [Crosswalk(k, str(p), readers[k](p)) for k, p in files]


class OccupationCodes:
    """Occupation codes of any release -> the loaded O*NET-SOC 2019 occupations."""

    def __init__(self, onet_codes: Iterable[str],
                 onet_2010: Mapping[str, Iterable[str]] | None = None,
                 soc_2010: Mapping[str, Iterable[str]] | None = None) -> None:
        self.onet = set(onet_codes)
        self.by_soc: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.onet):
            self.by_soc[code[:7]].append(code)
        self.onet_2010 = {k: set(v) for k, v in (onet_2010 or {}).items()}
        self.soc_2010 = {k: set(v) for k, v in (soc_2010 or {}).items()}

    def candidates(self, code: str) -> tuple[list[str], str]:
        """The loaded O*NET-SOC occupations ``code`` stands for (best first: a code that
        survived unchanged, then in code order), and how it was read: ``onet-2019``,
        ``onet-2010``, ``soc-2018``, ``soc-2010`` or ``unresolved``."""
        code = code.strip()
        if code in self.onet:
            return [code], "onet-2019"
        if ONET_CODE.fullmatch(code):
            mapped = sorted(self.onet_2010.get(code, set()) & self.onet,
                            key=lambda c: (c != code, c))
            if mapped:
                return mapped, "onet-2010"
            code = code[:7]
        if SOC_CODE.fullmatch(code):
            if code in self.by_soc:
                return list(self.by_soc[code]), "soc-2018"
            mapped = [c for soc in sorted(self.soc_2010.get(code, ()), key=lambda s: (
                s != code, s)) for c in self.by_soc.get(soc, [])]
            if mapped:
                return mapped, "soc-2010"
        return [], "unresolved"

    def canonical(self, code: str) -> str:
        """The one occupation demand counts a record coded ``code`` toward: the first
        candidate (a split code goes to the occupation that kept its code, else to the
        first in code order), or the code as written when it cannot be read."""
        found, _ = self.candidates(code)
        return found[0] if found else code
