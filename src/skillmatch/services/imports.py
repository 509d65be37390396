"""Importing files in the field's standards: ``skillmatch import`` and ``/v1/imports``.

Each file named (:mod:`skillmatch.formats.detect`: files, folders, globs, zip members)
has its format detected (or named) and said; its reader streams records and
rejections (:mod:`skillmatch.formats.base`); records go to the record importer in
chunks (their skills linked, stored, indexed: :class:`.records.RecordService`), so
memory stays flat on a file of any size. By default the valid records are imported and
the rejected ones reported, each with its reason; ``atomic`` makes each file all or
nothing (its records held until the end of the file, then one transaction; any rejection
imports none of them). Counts per file: created, updated, unchanged, rejected.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog.models import content_hash
from ..errors import InputError
from ..formats.base import Item, Notes, Rejected, Stream
from ..formats.detect import FORMATS, KIND_OF, Source, data_file, detect, expand, named
from ..progress import ProgressFn
from ..storage.crosswalk_store import CrosswalkStore
from ..storage.occupation_store import OccupationStore
from ..storage.records_store import Access
from .context import Context
from .records import RecordService

if TYPE_CHECKING:
    from ..formats.mapping import Mapping as ColumnMapping

CHUNK = 2_000  # records per call of the record importer (one index sync each)
PREVIEW = 5  # records a dry run shows per file
KINDS = ("credential", "posting", "need")


@dataclass
class FileReport:
    """What happened to one file."""

    path: str
    format: str
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    refused: str | None = None  # atomic: why nothing of the file was imported
    mentions: int = 0
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    unused_fields: dict[str, int] = field(default_factory=dict)
    preview: list[dict[str, Any]] | None = None  # a dry run's first records

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        if self.preview is None:
            out.pop("preview")
        return out


def singular(kind: str) -> str:
    """``credentials`` -> ``credential``; a kind must be one of :data:`KINDS`."""
    one = kind.strip().lower().removesuffix("s")
    if one not in KINDS:
        raise InputError(f"unknown record kind {kind!r} (choose one of {', '.join(KINDS)})",
                         field="kind")
    return one


def _where(record: Any) -> str:
    """Where in its file a record came from (its reader's ``meta["source"]``), if said."""
    found = record.meta.get("source")
    return str(found.get("where", "")) if isinstance(found, Mapping) else ""


def _file_rejection(source: Source, exc: InputError) -> Rejected:
    """A whole file refused (its format, its kind, or its first bad row), as a rejection."""
    return Rejected(source.display, f"line {exc.line}" if exc.line is not None else "",
                    exc.field or "", exc.reason)


class FileImports:
    """Runs imports of files; a thin service over the record importer."""

    def __init__(self, ctx: Context, records: RecordService) -> None:
        self._ctx = ctx
        self._records = records

    def run(self, paths: Sequence[str | Path], *, fmt: str = "auto", kind: str | None = None,
            mapping: ColumnMapping | None = None, atomic: bool = False,
            dry_run: bool = False, taxonomies: Sequence[str] = (),
            jwks: Path | None = None, progress: ProgressFn | None = None,
            access: Access | None = None,
            on_file: Any = None) -> dict[str, Any]:
        """Import every file ``paths`` name; ``fmt``: ``auto`` or one of
        :data:`~skillmatch.formats.detect.FORMATS`; ``kind``: the record kind for
        formats that do not imply one; ``access``: the owner and privacy every imported
        posting gets (an employer's upload); ``on_file``: called with each finished
        :class:`FileReport` (a job's progress)."""
        if fmt != "auto" and fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r} (choose auto or one of "
                             f"{', '.join(FORMATS)})", field="format")
        if fmt == "spreadsheet" and mapping is None:
            raise InputError("a spreadsheet needs a column mapping (--map or --mapping)",
                             field="mapping")
        wanted = singular(kind) if kind else None
        reports: list[FileReport] = []
        with tempfile.TemporaryDirectory(prefix="skillmatch-import-") as work:
            for source in expand(paths, Path(work), keep_zips=mapping is not None):
                if not named(source, paths) and not data_file(source.path):
                    continue  # a README or a picture inside a folder or an archive
                try:
                    report = self._one(source, fmt, wanted, mapping, atomic, dry_run,
                                       taxonomies, jwks, progress, access)
                except InputError as exc:  # the whole file: said, and the others go on
                    report = FileReport(source.display, fmt if fmt != "auto" else "unknown",
                                        wanted or "")
                    report.rejected.append(_file_rejection(source, exc).to_dict())
                    report.refused = exc.reason
                reports.append(report)
                if on_file is not None:
                    on_file(report)
        files = [r.to_dict() for r in reports]
        totals = {k: sum(r[k] for r in files) for k in ("created", "updated", "unchanged")}
        totals["rejected"] = sum(len(r["rejected"]) for r in files)
        totals["files"] = len(files)
        return {"files": files, "totals": totals, "dry_run": dry_run, "atomic": atomic}

    # ----------------------------------------------------------------- one file
    def _one(self, source: Source, fmt: str, wanted: str | None,
             mapping: ColumnMapping | None, atomic: bool, dry_run: bool,
             taxonomies: Sequence[str], jwks: Path | None, progress: ProgressFn | None,
             access: Access | None) -> FileReport:
        found = fmt if fmt != "auto" else detect(source, mapped=mapping is not None)
        kind = self._kind(source, found, wanted, mapping)
        report = FileReport(source.display, found, kind)
        notes = Notes()
        items = self._stream(found, source, kind, mapping, notes, jwks)
        if dry_run:
            report.preview = []
            for item in items:
                if isinstance(item, Rejected):
                    report.rejected.append(self._rejection(item, source))
                else:
                    report.preview.append(dataclasses.asdict(item))
                if len(report.preview) + len(report.rejected) >= PREVIEW:
                    break
        else:
            self._import(source, items, kind, report, atomic, taxonomies, progress, access)
        report.notes = dict(notes.counts)
        for name, n in notes.unused_fields.items():
            report.unused_fields[name] = report.unused_fields.get(name, 0) + n
        return report

    @staticmethod
    def _kind(source: Source, fmt: str, wanted: str | None,
              mapping: ColumnMapping | None) -> str:
        implied = KIND_OF.get(fmt) or (
            singular(mapping.options.kind) if mapping and mapping.options.kind else None)
        if implied and wanted and implied != wanted:
            raise InputError(f"a {fmt} file holds {implied}s, not {wanted}s",
                             path=source.display, field="kind")
        kind = implied or wanted
        if kind is None:
            raise InputError(f"say which records a {fmt} file holds (--kind credentials, "
                             "postings or needs)", path=source.display, field="kind")
        if fmt == "spreadsheet" and kind == "need":
            raise InputError("a spreadsheet imports credentials or postings, not needs",
                             path=source.display, field="kind")
        return kind

    def _stream(self, fmt: str, source: Source, kind: str, mapping: ColumnMapping | None,
                notes: Notes, jwks: Path | None) -> Stream:
        if fmt == "ctdl":
            from ..formats.ctdl import read_ctdl

            return read_ctdl(source.path, notes=notes)
        if fmt == "openbadges":
            from ..formats.openbadges import read_openbadges

            return read_openbadges(source.path, jwks=jwks, notes=notes)
        if fmt == "jobposting":
            from ..formats.jobposting import read_jobpostings

            return read_jobpostings(source.path, notes=notes)
        if fmt == "spreadsheet":
            from ..formats.spreadsheet import read_spreadsheet

            assert mapping is not None
            crosswalk = {old: sorted(new) for old, new in
                         CrosswalkStore(self._ctx.conn).mapping("onet-2010").items()}
            # the O*NET codes loaded: some 2019 codes (15-1299.05) are no crosswalk target
            current = OccupationStore(self._ctx.conn).codes_of_kind("onet") or None
            return read_spreadsheet(source.path, kind, mapping, crosswalk=crosswalk,
                                    notes=notes, onet_codes=current)
        return self._own(source, kind)

    @staticmethod
    def _own(source: Source, kind: str) -> Iterator[Item | Rejected]:
        """skillmatch's own CSV or JSON Lines: read whole (its reader stops at the first
        bad row, which rejects the file)."""
        from ..catalog.readers import read_records

        try:
            records = read_records(kind, source.path)
        except InputError as exc:
            yield _file_rejection(source, exc)
            return
        yield from records  # type: ignore[misc]  # needs too: the importer takes them

    @staticmethod
    def _rejection(item: Rejected, source: Source) -> dict[str, str]:
        out = item.to_dict()
        if out["path"] in ("", str(source.path)):
            out["path"] = source.display
        return out

    def _import(self, source: Source, items: Stream, kind: str, report: FileReport,
                atomic: bool, taxonomies: Sequence[str], progress: ProgressFn | None,
                access: Access | None) -> None:
        seen: dict[str, str] = {}
        chunk: list[Any] = []
        done = 0
        stage = f"import {source.display}"
        for item in items:
            if isinstance(item, Rejected):
                report.rejected.append(self._rejection(item, source))
                continue
            where = _where(item)
            first = seen.get(item.id)
            if first is not None:
                report.rejected.append(Rejected(
                    source.display, where, "id", f"duplicate id {item.id!r} (first at "
                    f"{first or 'an earlier record'})").to_dict())
                continue
            seen[item.id] = where
            chunk.append(item)
            if not atomic and len(chunk) >= CHUNK:
                done += self._store(kind, chunk, report, taxonomies, access, False)
                chunk = []
                if progress:
                    progress(stage, done, 0)
        if atomic and report.rejected:
            report.refused = (f"{len(report.rejected)} record(s) rejected: nothing of this "
                              "file was imported (atomic)")
            return
        if chunk:
            done += self._store(kind, chunk, report, taxonomies, access, atomic)
        if progress:
            progress(stage, done, done)

    def _store(self, kind: str, chunk: list[Any], report: FileReport,
               taxonomies: Sequence[str], access: Access | None, atomic: bool) -> int:
        if access is not None and access.owner:  # an employer's file: never another's
            from ..storage.corrections_store import CorrectionStore

            owners = CorrectionStore(self._ctx.conn).owners(kind, [r.id for r in chunk])
            taken = {rid for rid, owner in owners.items() if owner != access.owner}
            for record in chunk:
                if record.id in taken:
                    report.rejected.append(Rejected(
                        report.path, _where(record), "id", f"a {kind} with id "
                        f"{record.id!r} exists already (choose another id)").to_dict())
            chunk = [r for r in chunk if r.id not in taken]
            if not chunk:
                return 0
        stored = self._ctx.records.hashes(kind, [r.id for r in chunk])
        for record in chunk:
            digest = stored.get(record.id)
            if digest is None:
                report.created += 1
            elif digest != content_hash(record):
                report.updated += 1
            else:
                report.unchanged += 1
        rules = {r.id: access for r in chunk} if access is not None else None
        out = self._records.import_records(kind, chunk, taxonomies=taxonomies, access=rules,
                                           one_transaction=atomic)
        report.mentions += int(out.get("mentions", 0))
        report.unresolved.update(out.get("unresolved", {}))
        for name, n in (out.get("unused_fields") or {}).items():
            report.unused_fields[name] = report.unused_fields.get(name, 0) + n
        return len(chunk)
