"""Provenance of every export, and how each file format carries it.

Every export names what made it: the skillmatch version, the embedding model, the
taxonomies with their versions, and the date (UTC, ISO 8601)::

    {"skillmatch_version": "0.1.0", "model": "skillmatch-minilm-v3",
     "taxonomies": {"esco": "v1.1.1", "onet": "29.2"}, "date": "2026-05-01T09:30:00Z"}

- **JSON**: that object as the ``provenance`` field.
- **CSV**: the CSV itself stays plain (one header row, then data), so a spreadsheet,
  pandas, R, DuckDB or ``csvkit`` read it with no options; a comment line would be read
  as a data row by most of them, and a ``#`` inside a skill label ("C#") would cut a
  row short in readers told to skip comments. The provenance goes in a W3C *CSV on the
  Web* metadata file beside it, ``<name>.csv-metadata.json`` (the sidecar location CSVW
  defines, ``{+url}-metadata.json``): ``dc:creator``, ``dc:created``, the model and the
  taxonomies under ``prov:wasGeneratedBy``, and the column list. Over HTTP the same
  document can be linked with ``Link: <...>; rel="describedby"`` (CSVW section 5.2).
- **Parquet**: the object, as JSON, in the file's key-value metadata under
  ``skillmatch.provenance`` (pyarrow keeps it in the schema metadata too).
"""

from __future__ import annotations

import csv
import io
import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError

PARQUET_KEY = "skillmatch.provenance"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
SIDECAR_SUFFIX = "-metadata.json"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads these as a formula


def skillmatch_version() -> str:
    """The installed skillmatch version (``unknown`` when run from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skillmatch")
    except PackageNotFoundError:
        return "unknown"


def utc_now() -> str:
    """Now, UTC, to the second: ``2026-05-01T09:30:00Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def provenance(
    source: Mapping[str, Any] | None = None,
    *,
    model: str | None = None,
    taxonomies: Mapping[str, str] | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    """The full provenance of an export. ``source`` is what the engine already gives
    (``{"model": ..., "taxonomies": {name: version}}``, e.g. an alignment report's
    ``provenance`` or ``LinkingService.provenance()``); ``model`` and ``taxonomies``
    override it; the skillmatch version and the date (now, unless given) are added."""
    source = source or {}
    found = taxonomies if taxonomies is not None else source.get("taxonomies") or {}
    if not isinstance(found, Mapping):
        raise InputError("provenance taxonomies must map each taxonomy name to its version",
                         field="taxonomies")
    return {
        "skillmatch_version": str(source.get("skillmatch_version") or skillmatch_version()),
        "model": str(model or source.get("model") or "unknown"),
        "taxonomies": {str(k): str(v) for k, v in found.items()},
        "date": date or str(source.get("date") or utc_now()),
    }


# ---------------------------------------------------------------------------- CSV
def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, quoted with a leading
    apostrophe (numbers, None and other text unchanged)."""
    if isinstance(value, str) and value[:1] in _FORMULA:
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The inverse of :func:`safe_cell` for a cell read back."""
    if value[:1] == "'" and value[1:2] in _FORMULA and value[1:2]:
        return value[1:]
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends, UTF-8 when written): a header row, then one row per
    mapping; lists are joined with ``|``, None is an empty cell, text cells that look
    like formulas are quoted (:func:`safe_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, list | tuple):
        return safe_cell("|".join(str(v) for v in value))
    return safe_cell(value)


def csvw_metadata(csv_name: str, columns: Sequence[str], prov: Mapping[str, Any],
                  title: str, datatypes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The CSV on the Web metadata document of a CSV file named ``csv_name`` (relative
    to the metadata file): its title, who made it and when, the model and taxonomies
    it used, and its columns (``datatypes``: column -> CSVW datatype, default string)."""
    datatypes = datatypes or {}
    version = prov.get("skillmatch_version", "unknown")
    used = [{"@type": "prov:Entity", "rdfs:label": "model", "rdf:value": prov.get("model")}]
    used += [{"@type": "prov:Entity", "rdfs:label": f"taxonomy {name}", "rdf:value": v}
             for name, v in (prov.get("taxonomies") or {}).items()]
    return {
        "@context": [CSVW_CONTEXT, {"@language": "en"}],
        "url": csv_name,
        "dc:title": title,
        "dc:creator": f"skillmatch {version}",
        "dc:created": {"@value": prov.get("date"), "@type": "xsd:dateTime"},
        "prov:wasGeneratedBy": {
            "@type": "prov:Activity",
            "prov:wasAssociatedWith": {"@type": "prov:SoftwareAgent",
                                       "rdfs:label": "skillmatch", "rdf:value": version},
            "prov:used": used,
        },
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": [
            {"name": c, "titles": c, "datatype": datatypes.get(c, "string")} for c in columns]},
    }


def sidecar_path(csv_path: str | Path) -> Path:
    """Where a CSV's metadata lives: ``<name>.csv-metadata.json`` beside it."""
    path = Path(csv_path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def replace_atomically(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """``write`` a file under a unique temporary name beside ``path``, then rename it
    into place: a reader sees the old file or the whole new one, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_csv(path: str | Path, text: str, metadata: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write a CSV's text and its CSVW metadata beside it, each whole
    (:func:`replace_atomically`); returns both paths."""
    path = Path(path)
    replace_atomically(path, lambda p: p.write_text(text, encoding="utf-8", newline=""))
    doc = json.dumps({**metadata, "url": path.name}, indent=2, ensure_ascii=False) + "\n"
    meta = replace_atomically(sidecar_path(path),
                              lambda p: p.write_text(doc, encoding="utf-8"))
    return path, meta


def read_csv_provenance(csv_path: str | Path) -> dict[str, Any]:
    """The provenance of a CSV written here, read back from its metadata file."""
    meta = sidecar_path(csv_path)
    try:
        doc = json.loads(meta.read_text(encoding="utf-8"))
        activity = doc["prov:wasGeneratedBy"]
        used = {u["rdfs:label"]: u["rdf:value"] for u in activity["prov:used"]}
        return {
            "skillmatch_version": activity["prov:wasAssociatedWith"]["rdf:value"],
            "model": used.pop("model"),
            "taxonomies": {k.removeprefix("taxonomy "): v for k, v in used.items()},
            "date": doc["dc:created"]["@value"],
        }
    except FileNotFoundError as exc:
        raise InputError("no provenance metadata beside the CSV (expected "
                         f"{meta.name}, written with it)", path=meta) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not skillmatch's CSV metadata ({exc!r}; expected a CSVW document "
                         "with dc:created and prov:wasGeneratedBy)", path=meta) from exc


# ------------------------------------------------------------------------ Parquet
def parquet_metadata(prov: Mapping[str, Any]) -> dict[bytes, bytes]:
    """The key-value metadata a Parquet file carries its provenance in."""
    return {PARQUET_KEY.encode(): json.dumps(dict(prov), sort_keys=True).encode()}


def read_parquet_provenance(path: str | Path) -> dict[str, Any]:
    """The provenance of a Parquet file written here (needs pyarrow)."""
    pq = require_pyarrow()[1]
    found = pq.read_schema(path).metadata or {}
    raw = found.get(PARQUET_KEY.encode())
    if raw is None:
        raise InputError(f"no {PARQUET_KEY} in the Parquet file's metadata (expected a file "
                         "written by skillmatch)", path=path)
    value: dict[str, Any] = json.loads(raw)
    return value


def require_pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, or an error saying how to install them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        from ..errors import ConfigurationError

        raise ConfigurationError(
            "writing Parquet needs pyarrow, which is not installed: "
            "pip install 'skillmatch[parquet]' (or pip install pyarrow), or export CSV"
        ) from exc
    return pyarrow, pyarrow.parquet
