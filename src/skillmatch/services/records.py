"""Stored records: credentials, postings and employer needs.

Imports upsert by id and link each record's skills; deletes remove rows, skill mentions
and index vectors in one transaction. Both drop the flows' read caches
(:meth:`.state.State.changed`) once committed, so demand and the catalogue are
recomputed on next use.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..progress import ProgressFn
from ..storage.records_store import Access, decode_row
from .context import Context
from .linking import LinkingService
from .state import State

if TYPE_CHECKING:
    from ..catalog.models import Record

log = logging.getLogger(__name__)

RECORD_KINDS = ("credential", "posting", "need")


def check_kind(kind: str) -> str:
    """``kind`` when it is a record kind, else an :class:`InputError` naming them."""
    if kind not in RECORD_KINDS:
        raise InputError(f"unknown record kind {kind!r} (choose one of "
                         f"{', '.join(RECORD_KINDS)})", field="kind")
    return kind


class RecordService:
    """Import, read, page and delete stored records; write synthetic postings."""

    def __init__(self, ctx: Context, linking: LinkingService, state: State) -> None:
        self._ctx = ctx
        self._linking = linking
        self._state = state

    def import_records(self, kind: str, source: str | Path | Sequence[Record], *,
                       force: bool = False, progress: ProgressFn | None = None,
                       taxonomies: Sequence[str] = (),
                       access: Mapping[str, Access] | None = None,
                       one_transaction: bool = False) -> dict[str, Any]:
        """Import credentials, postings or needs (upsert by id) from a CSV or JSON Lines
        file, or from records already parsed (e.g. :mod:`skillmatch.datasets`); their
        skills linked against ``taxonomies`` (default: the setting, else all).
        ``access``: owner, privacy and expectation per posting or need (API writes);
        ``one_transaction``: all records in one transaction (all or nothing)."""
        from ..catalog.models import PARSERS
        from ..catalog.pipeline import INDEXED, RecordImporter
        from ..catalog.readers import read_records

        if isinstance(source, str | Path):
            records = read_records(kind, source)
        else:
            records = list(source)
            if kind not in PARSERS:
                raise InputError(f"unknown record kind {kind!r} (choose one of "
                                 f"{', '.join(PARSERS)})", field="kind")
            if not records:
                raise InputError(f"no {kind}s to import", field="records")
        ctx = self._ctx
        index_dir = ctx.workspace.index_dir(INDEXED[kind]) if kind in INDEXED else None
        manifest = {"name": INDEXED.get(kind, kind), "model": ctx.embedder.model_id,
                    "records": kind}
        batch = max(len(records), 1) if one_transaction else ctx.settings.import_batch_size
        try:
            report = RecordImporter(batch_size=batch, force=force).run(
                kind, records, ctx.records, self._linking.declared_for(taxonomies),
                index_dir, manifest, progress, access,
            )
        finally:
            self._state.changed()
        return report.to_dict()

    def synth_postings(self, onet: str | Path, n: int, out: str | Path, *, seed: int = 0,
                       progress: ProgressFn | None = None) -> dict[str, Any]:
        """Write ``n`` synthetic postings generated from O*NET to a JSON Lines file."""
        from ..catalog.readers import write_records
        from ..catalog.synth import synth_postings

        def tracked() -> Any:
            for i, posting in enumerate(synth_postings(onet, n, seed), start=1):
                if progress and (i % 1000 == 0 or i == n):
                    progress("synth postings", i, n)
                yield posting

        count = write_records(tracked(), out)
        return {"written": count, "path": str(out), "seed": seed, "source": str(onet),
                "synthetic": True}

    def record(self, kind: str, record_id: str) -> dict[str, Any]:
        """One stored record with its skill mentions and their evidence."""
        store = self._ctx.records
        row = decode_row(store.get(check_kind(kind), record_id))
        mentions = store.evidence(kind, row["id"])
        skills = self._ctx.taxonomies.skills_by_id(m["skill_id"] for m in mentions)
        row["skills"] = [
            {"id": skills[m["skill_id"]].code, "label": skills[m["skill_id"]].label,
             "taxonomy": skills[m["skill_id"]].taxonomy, "score": round(m["score"], 4),
             "source": m["source"], "role": m["role"],
             "evidence": {"start": m["evidence_start"], "end": m["evidence_end"],
                          "text": m["evidence_text"]}}
            for m in mentions
        ]
        return row

    def list_records(self, kind: str, *, limit: int | None = 20,
                     offset: int = 0) -> dict[str, Any]:
        """A page of the stored records of ``kind``, in import order, and their total."""
        kind = check_kind(kind)
        if limit is not None and limit < 1:
            raise InputError(f"limit must be at least 1, got {limit}", field="limit")
        if offset < 0:
            raise InputError(f"offset must be at least 0, got {offset}", field="offset")
        total, rows = self._ctx.records.page(kind, limit=limit, offset=offset)
        return {"kind": kind, "total": total, "offset": offset, "limit": limit,
                "records": rows}

    def delete_records(self, kind: str, ids: Sequence[str], owner: str | None = None
                       ) -> dict[str, Any]:
        """Delete records by id: their rows, skill mentions and index vectors, in one
        database transaction (logged as changes); an unknown id (with ``owner``: one
        that employer does not own) is an error and deletes nothing. The index files
        then follow (tombstones); demand and the catalogue drop them at the next read,
        in every process."""
        from ..catalog.pipeline import INDEXED, index_lock
        from ..index.sync import sync_record_index

        kind = check_kind(kind)
        codes = [c for c in ids if c]
        if not codes:
            raise InputError(f"no ids to delete (give the ids of the {kind}s)", field="ids")
        deleted = self._ctx.records.delete(kind, codes, owner=owner)
        out: dict[str, Any] = {"kind": kind, "deleted": deleted, "vectors_removed": 0}
        if kind in INDEXED:  # the index files follow the committed deletion
            directory = self._ctx.workspace.index_dir(INDEXED[kind])
            try:
                done = sync_record_index(
                    self._ctx.records, kind, directory, index_lock(directory),
                    self._ctx.embedder.dimension,
                    {"name": INDEXED[kind], "model": self._ctx.embedder.model_id,
                     "records": kind})
                out["vectors_removed"] = done["removed"]
            except OSError as exc:  # deleted all the same: the next sync catches up
                log.warning("deleted from the database, but the %s index could not follow "
                            "(%s); the next import or `skillmatch index check --repair` "
                            "catches it up", INDEXED[kind], exc)
                out["index_pending"] = True
        self._state.changed()
        return out

    def check_indexes(self, repair: bool = False) -> list[dict[str, Any]]:
        """The consistency check of the record indexes against the database: every
        live record has exactly one live vector and no live vector belongs to a deleted
        record; with ``repair``, each index first catches up with the database (see
        :mod:`skillmatch.index.sync`)."""
        from ..catalog.pipeline import INDEXED, index_lock
        from ..index.sync import check, sync_record_index

        out = []
        for kind, name in INDEXED.items():
            directory = self._ctx.workspace.index_dir(name)
            if repair:
                sync_record_index(self._ctx.records, kind, directory, index_lock(directory),
                                  self._ctx.embedder.dimension,
                                  {"name": name, "model": self._ctx.embedder.model_id,
                                   "records": kind})
            out.append(check(self._ctx.records, kind, directory).to_dict())
        return out
