"""Real public catalogues and postings as skillmatch records (read in place, never copied).

- :func:`cip_programs`: NCES CIP 2020 program definitions (``CIPCode2020.csv``) as
  credentials of type ``program``, one per six-digit code still in use;
- :func:`nyc_postings`: NYC Jobs postings (the city's open-data export zip), one per
  ``Job ID``, with their openings, date and agency.

Errors name the file and line, as every importer's do.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
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
