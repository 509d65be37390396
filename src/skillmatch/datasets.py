"""Real public catalogues and postings as skillmatch records (read in place, never copied).

- :func:`cip_programs`: NCES CIP 2020 program definitions (``CIPCode2020.csv``) as
  credentials of type ``program``, one per six-digit code still in use;
- :func:`nyc_postings`: NYC Jobs postings (the city's open-data export zip), one per
  ``Job ID``, with their openings, date and agency;
- :func:`read_etpl`: the Texas Workforce Commission's Eligible Training Provider List
  (programs with their CIP code and declared O*NET-SOC codes, normalised).

Errors name the file and line, as every importer's do.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .catalog.models import Credential, Posting
from .errors import InputError

CIP_COLUMNS = ("CIPCode", "CIPTitle", "CIPDefinition")
NYC_COLUMNS = ("Job ID", "Business Title", "Job Description")
_MOJIBAKE = re.compile("[\u00c2\u00e2][\u0080-\u00bf\u20ac\u201a-\u201e\u2018-\u201d\u2122]")


def read_cip(path: str | Path) -> dict[str, tuple[str, str]]:
    """CIP code -> (title, definition) for the six-digit programs in use (latin-1 CSV)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file (expected NCES CIPCode2020.csv)", path=path)
    out: dict[str, tuple[str, str]] = {}
    with path.open(encoding="latin-1", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in CIP_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)} (expected NCES "
                             f"CIPCode2020.csv with {', '.join(CIP_COLUMNS)})", path=path, line=1)
        for row in reader:
            code = row["CIPCode"].strip('="')
            if not re.fullmatch(r"\d{2}\.\d{4}", code):
                continue  # two- and four-digit family rows
            if row.get("Action", "").startswith(("Deleted", "Moved to")):
                continue
            out[code] = (row["CIPTitle"].strip().rstrip(". "), row["CIPDefinition"].strip())
    if not out:
        raise InputError("no six-digit CIP programs found", path=path)
    return out


def cip_programs(path: str | Path, codes: set[str] | None = None) -> list[Credential]:
    """CIP programs as credentials (``cip:<code>``), optionally only the ``codes`` given."""
    return [
        Credential(id=f"cip:{code}", title=title, provider="NCES CIP 2020", type="program",
                   description=definition, meta={"cip_code": code, "source": "NCES CIP 2020"})
        for code, (title, definition) in sorted(read_cip(path).items())
        if codes is None or code in codes
    ]


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 (``â€¢`` for a bullet), common in the NYC export."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def nyc_postings(path: str | Path, limit: int | None = None) -> list[Posting]:
    """NYC Jobs postings, deduplicated on ``Job ID`` (internal and external share one)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as z, z.open("nyc-jobs.csv") as f:
            reader = csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline=""))
            missing = [c for c in NYC_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"missing column(s) {', '.join(missing)} (expected the NYC "
                                 "Jobs export)", path=path, line=1)
            out: dict[str, Posting] = {}
            for row in reader:
                job = row["Job ID"].strip()
                if not job or job in out:
                    continue
                parts = [row.get("Job Description", ""), row.get("Preferred Skills", "")]
                text = "\n".join(fix_mojibake(re.sub(r"\s{3,}|\t", "\n", p)) for p in parts)
                positions = row.get("# Of Positions", "").strip()
                out[job] = Posting(
                    id=f"nyc:{job}", title=fix_mojibake(row["Business Title"].strip()),
                    employer=row.get("Agency", "").strip().title(), description=text.strip(),
                    region="NY-New York", date_posted=(row.get("Posting Date") or "")[:10] or None,
                    openings=int(positions) if positions.isdigit() and int(positions) > 0 else 1,
                    meta={"source": "NYC Jobs", "civil_service_title":
                          row.get("Civil Service Title", "")})
                if limit is not None and len(out) >= limit:
                    break
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"not the NYC Jobs export zip with nyc-jobs.csv ({exc})",
                         path=path) from exc
    return list(out.values())


# ---------------------------------------------------------------- Texas ETPL
ETPL_NAME = "Program Name"
ETPL_CIP = "Instructional Program (CIP) Code"
ETPL_DESCRIPTION = "Program Description"
ETPL_CREDENTIAL = "Associted Credential Name"  # sic: the TWC file's spelling
ETPL_ONET = tuple(f"Occupation Code (ONET {k})" for k in (1, 2, 3))
ETPL_COLUMNS = ("Program ID", ETPL_NAME, ETPL_CIP, ETPL_DESCRIPTION, ETPL_CREDENTIAL, *ETPL_ONET)


@dataclass(frozen=True)
class EtplProgram:
    """One row of the Texas ETPL: a program and the O*NET-SOC codes it declares."""

    line: int  # the spreadsheet row (the header is row 1)
    program_id: str
    provider: str
    name: str
    credential: str
    description: str
    cip: str | None  # like 11.0101
    onet_codes: tuple[str, ...]  # like 15-1122.00, as written (2010 or 2019 codes)

    @property
    def text(self) -> str:
        """Program name, credential name and description, the text matched on."""
        parts = [p.strip().rstrip(".") for p in (self.name, self.credential, self.description)]
        seen: list[str] = []
        for p in parts:
            if p and p.lower() not in (s.lower() for s in seen):
                seen.append(p)
        return ". ".join(seen)


def _digits(value: object) -> str | None:
    """``15112200``, ``15112200.0``, ``'15112200'`` or ``'15112200.0'`` -> ``'15112200'``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and value >= 0 else None
    m = re.fullmatch(r"(\d+)(?:\.0*)?", str(value).strip())
    return m.group(1) if m else None


def onet_code(value: object, *, path: str | Path, line: int, column: str) -> str | None:
    """An ETPL O*NET-SOC cell as ``15-1122.00`` (None when empty); InputError names the cell."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    m = re.fullmatch(r"(\d{2}-\d{4})(\.\d{2})?", text)
    if m:
        return m.group(1) + (m.group(2) or ".00")
    d = _digits(value)
    if d is None or not 7 <= len(d) <= 8:
        raise InputError(f"{text!r} is not an O*NET-SOC code (expected like 15112200 "
                         "or 15-1122.00)", path=path, line=line, column=column)
    d = d.zfill(8)
    return f"{d[:2]}-{d[2:6]}.{d[6:]}"


def cip_code(value: object, *, path: str | Path, line: int, column: str) -> str | None:
    """An ETPL CIP cell (``110101.0``, ``'10605 '``) as ``11.0101``; None when empty."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}\.\d{4}", text):
        return text.zfill(7)
    d = _digits(value)
    if d is None or not 5 <= len(d) <= 6:
        raise InputError(f"{text!r} is not a CIP code (expected like 110101 or 11.0101)",
                         path=path, line=line, column=column)
    d = d.zfill(6)
    return f"{d[:2]}.{d[2:]}"


def _etpl_rows(path: Path) -> tuple[list[str], list[tuple[int, tuple[object, ...]]]]:
    """Header and (row number, values) of the first sheet (xlsx) or of a csv."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(f))
        if not table:
            raise InputError("empty file (expected the TWC ETPL)", path=path)
        return table[0], [(i, tuple(r)) for i, r in enumerate(table[1:], start=2)]
    import openpyxl  # only this reader needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"not an xlsx workbook ({exc}) (expected the TWC ETPL)",
                         path=path) from exc
    try:
        it = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        rows = [(i, tuple(r)) for i, r in enumerate(it, start=2)]
    finally:
        book.close()
    return header, rows


def read_etpl(path: str | Path) -> list[EtplProgram]:
    """Programs of a Texas ETPL export (the 2024 xlsx, or a csv with the same columns).

    Codes are normalised (``15112200.0`` -> ``15-1122.00``, ``110101.0`` -> ``11.0101``);
    a cell that is neither empty nor a code raises InputError naming row and column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file (expected the TWC ETPL xlsx)", path=path)
    header, rows = _etpl_rows(path)
    missing = [c for c in ETPL_COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)} (expected the TWC ETPL "
                         f"with {', '.join(ETPL_COLUMNS)})", path=path, line=1)
    col = {name: header.index(name) for name in header if name}

    def cell(row: tuple[object, ...], name: str) -> object:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    def text(row: tuple[object, ...], name: str) -> str:
        v = cell(row, name)
        return "" if v is None else str(v).strip()

    out: list[EtplProgram] = []
    for line, row in rows:
        if not any(v not in (None, "") for v in row):
            continue
        codes = [onet_code(cell(row, c), path=path, line=line, column=c) for c in ETPL_ONET]
        out.append(EtplProgram(
            line=line, program_id=text(row, "Program ID"), provider=text(row, "ProviderName"),
            name=text(row, ETPL_NAME), credential=text(row, ETPL_CREDENTIAL),
            description=text(row, ETPL_DESCRIPTION),
            cip=cip_code(cell(row, ETPL_CIP), path=path, line=line, column=ETPL_CIP),
            onet_codes=tuple(dict.fromkeys(c for c in codes if c))))
    if not out:
        raise InputError("no programs (expected the TWC ETPL)", path=path)
    return out
