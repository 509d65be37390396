"""The files an import names, and which reader each one needs.

``skillmatch import PATH...`` (and ``POST /v1/imports``) take files, folders (every file
under them), globs (``feeds/*.jsonl.gz``) and zip archives (each member a file of its
own). Each file's format is detected from its name and its first 64 KB (decompressed
when gzip-compressed), in this order, and said:

- ``ctdl``: Credential Engine CTDL JSON-LD (its context or ``ceterms:`` keys);
- ``openbadges``: Open Badges 2.0 or 3.0 (the OB or VC contexts, the credential types,
  or a JWT whose payload names them);
- ``jobposting``: schema.org JobPosting or JDX JobSchema+ (JSON-LD, HTML pages that
  embed it, JSON Lines of JobPosting-shaped objects);
- ``records``: skillmatch's own CSV or JSON Lines (``id`` and ``title`` or, for needs,
  ``employer``; see ``docs/data-formats.md``);
- ``spreadsheet``: any CSV, TSV or XLSX, read through a column mapping (``--map`` or
  ``--mapping``); a mapping given makes every file a spreadsheet.

``--format`` names the format instead of detecting it.
"""

from __future__ import annotations

import glob
import gzip
import json
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import InputError

FORMATS = ("ctdl", "openbadges", "jobposting", "records", "spreadsheet")
KIND_OF = {"ctdl": "credential", "openbadges": "credential", "jobposting": "posting"}
HEAD_BYTES = 65_536
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".tsv", ".tab")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Source:
    """One file to import: ``path`` on disk (a zip member extracted to a temporary
    folder), ``display`` what messages call it (``feeds.zip!postings.jsonl``)."""

    path: Path
    display: str


def expand(paths: Sequence[str | Path], workdir: Path, *, keep_zips: bool = False
           ) -> Iterator[Source]:
    """The files ``paths`` name, in order (a folder's files and a glob's matches sorted);
    zip members extracted (streamed) under ``workdir`` unless ``keep_zips`` (a reader that
    opens archives itself, such as a spreadsheet's). A path that names nothing raises."""
    for raw in paths:
        text = str(raw)
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and not any(part.startswith(".")
                                                      for part in p.relative_to(path).parts))
            if not files:
                raise InputError("the folder holds no file to import", path=text)
        elif path.is_file():
            files = [path]
        elif glob.has_magic(text):
            files = [Path(p) for p in sorted(glob.glob(text, recursive=True))
                     if Path(p).is_file()]
            if not files:
                raise InputError("no file matches this pattern", path=text)
        else:
            raise InputError("no such file or folder", path=text)
        for file in files:
            if file.suffix.lower() == ".zip" and not keep_zips:
                yield from _members(file, workdir)
            else:
                yield Source(file, str(file))


def _members(archive: Path, workdir: Path) -> Iterator[Source]:
    try:
        with zipfile.ZipFile(archive) as z:
            names = [i for i in z.infolist() if not i.is_dir()
                     and not PurePosixPath(i.filename).name.startswith(".")
                     and "__MACOSX" not in i.filename]
            if not names:
                raise InputError("the zip archive holds no file", path=archive)
            for n, info in enumerate(names):
                target = workdir / f"{archive.stem}-{n}" / PurePosixPath(info.filename).name
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                yield Source(target, f"{archive}!{info.filename}")
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a readable zip archive ({exc})", path=archive) from None


DATA_SUFFIXES = (".json", ".jsonld", ".jsonl", ".ndjson", ".jwt", ".html", ".htm", ".csv",
                 ".tsv", ".tab", ".xlsx", ".xlsm", ".xls", ".zip")


def data_file(path: Path) -> bool:
    """Whether a file found inside a folder or an archive is one to read (by its suffix,
    after a ``.gz``): a README or an image beside the data is passed over."""
    return _name(path).endswith(DATA_SUFFIXES)


def named(source: Source, paths: Sequence[str | Path]) -> bool:
    """Whether ``source`` is a file the command line named itself (read whatever its
    name), not one found in a folder, a glob or an archive."""
    return source.display in {str(p) for p in paths}


def head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file, decompressed when it is gzip."""
    with open(path, "rb") as f:
        start = f.read(2)
    try:
        if start == GZIP_MAGIC:
            with gzip.open(path, "rb") as g:
                return g.read(size)
        with open(path, "rb") as f:
            return f.read(size)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read the file ({exc})", path=path) from None


def _name(path: Path) -> str:
    """The file name without a trailing ``.gz``, lower case."""
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def detect(source: Source, *, mapped: bool = False) -> str:
    """The format of ``source`` (one of :data:`FORMATS`); ``mapped``: a column mapping
    was given, so it is a spreadsheet. Raises naming the file when nothing fits."""
    if mapped:
        return "spreadsheet"
    name = _name(source.path)
    if name.endswith(SPREADSHEET_SUFFIXES):
        raise InputError("a spreadsheet needs a column mapping (--map FIELD=EXPR or "
                         "--mapping FILE; see docs/data-formats.md)", path=source.display)
    if name.endswith(".xls"):
        raise InputError("an .xls workbook (Excel 97-2003) is not read; save it as .xlsx "
                         "or CSV", path=source.display)
    from .ctdl import looks_like_ctdl
    from .jobposting import looks_like_jobposting
    from .openbadges import looks_like_openbadges

    raw = head(source.path)
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")
    if looks_like_ctdl(text):
        return "ctdl"
    if looks_like_openbadges(text):
        return "openbadges"
    if looks_like_jobposting(text):
        return "jobposting"
    if _own_records(name, text):
        return "records"
    if name.endswith(".csv"):
        raise InputError("a CSV without skillmatch's own columns (id and title, or "
                         "employer for needs): give a column mapping (--map or --mapping)",
                         path=source.display)
    raise InputError(f"cannot tell this file's format (expected one of: {', '.join(FORMATS)});"
                     " name it with --from", path=source.display)


def _own_records(name: str, text: str) -> bool:
    """skillmatch's own CSV (a header with ``id`` and ``title``, or ``employer``) or JSON
    Lines (a first object with those keys)."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if name.endswith(".csv"):
        header = {c.strip().strip('"').lower() for c in first.split(",")}
        return {"id", "title"} <= header or "employer" in header
    try:
        row = json.loads(first)
    except ValueError:
        return False
    return isinstance(row, dict) and ({"id", "title"} <= row.keys() or "employer" in row)
