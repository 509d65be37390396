"""Employers' postings and needs as an API key sees them: ownership, privacy, writes.

Every posting and need belongs to the employer whose key wrote it (``owner``; records
imported by an admin key or the command line belong to none) and may be ``private``.
The rules, in one place:

- an **admin** key sees, changes and deletes every record;
- an **employer** key lists, reads, changes and deletes only its own;
- any other key (and an open read without one) sees the records that are not private.

A record a key may not see is answered exactly as one that does not exist (a
:class:`NotFoundError` with the same message), so no key learns that another employer's
record is there. Figures (demand, the needs behind a recommendation) count every record;
the records named beside them go through :meth:`RecordWrites.visible_rule`.

Writes go through the one import path (:meth:`RecordService.import_records`): the
records, their skills, vectors and change-log rows commit in one transaction, with the
ownership checks inside it (:class:`~skillmatch.storage.records_store.Access`), so the
next read in any worker sees them. A bulk write is one transaction too: ``atomic``
writes nothing unless every item is valid; otherwise the valid items are written and
each invalid one gets its own error. An admin key writes credentials (the catalogue)
the same way; they have no owner and are never private.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..catalog.models import PARSERS, Credential, Need, Posting, Record
from ..errors import ConflictError, InputError, NotFoundError, SkillmatchError
from ..storage.records_store import OWNED, Access, RecordStore, Scope
from .context import Context
from .keys import Principal
from .records import RecordService, check_kind
from .state import State

if TYPE_CHECKING:  # the flows are imported on first use (a CLI start imports none)
    from ..flows.demand_view import Visible

# the input fields of each kind (what a stored row turns back into, for a partial update)
FIELDS = {
    "posting": ("title", "employer", "description", "region", "date_posted", "openings",
                "occupation_code", "skills"),
    "need": ("employer", "role", "occupation_code", "required_skills", "preferred_skills",
             "openings", "region", "date"),
    "credential": ("title", "provider", "type", "description", "skills", "level", "hours",
                   "cost", "delivery", "region", "url", "occupation_codes"),
}


@dataclass
class ItemResult:
    """One item of a write: its place in the request, its id, and what was written (the
    answer) or why not (the error)."""

    index: int
    id: str | None
    answer: dict[str, Any] | None = None
    error: SkillmatchError | None = None
    unchanged: bool = False  # stored already as sent (a resumed bulk): nothing written


def owned_kind(kind: str, principal: Principal | None = None) -> str:
    """``kind`` when employers write it (posting, need) or, for an admin ``principal``,
    a credential (the catalogue); else an :class:`InputError`."""
    admin = principal is not None and principal.is_admin
    if check_kind(kind) not in OWNED and not (kind == "credential" and admin):
        raise InputError(f"{kind}s are not written by employers (only postings and needs)",
                         field="kind")
    return kind


class RecordWrites:
    """Reads and writes of postings and needs on behalf of a principal."""

    def __init__(self, ctx: Context, records: RecordService, state: State) -> None:
        self._ctx = ctx
        self._records = records
        self._state = state

    # ------------------------------------------------------------- reading
    @staticmethod
    def scope(principal: Principal | None) -> Scope | None:
        """Which postings and needs ``principal`` may list (None: all)."""
        if principal is not None and principal.is_admin:
            return None
        if principal is not None and principal.role == "employer":
            return Scope(owner=principal.employer)
        return Scope(public_only=True)

    @staticmethod
    def can_read(row: Mapping[str, Any], principal: Principal | None) -> bool:
        if principal is not None and principal.is_admin:
            return True
        if principal is not None and principal.role == "employer":
            return bool(row.get("owner") == principal.employer)
        return not row.get("private")

    def visible_rule(self, principal: Principal | None) -> Visible | None:
        """The rule flows filter the records they name through: every record for an admin;
        else those not private, and an employer's own."""
        if principal is not None and principal.is_admin:
            return None
        owner = principal.employer if principal is not None and principal.employer else None
        ctx = self._ctx

        def visible(kind: str, codes: Collection[str]) -> Collection[str]:
            hidden = RecordStore(ctx.conn).hidden(kind, codes, owner)
            return [c for c in codes if c not in hidden]

        return visible

    def read(self, kind: str, record_id: str, principal: Principal | None
             ) -> dict[str, Any]:
        """One record with its skills, if ``principal`` may see it (else as absent)."""
        row = self._records.record(kind, record_id)
        if kind in OWNED and not self.can_read(row, principal):
            raise NotFoundError(f"no {kind} with id {record_id!r}")
        return row

    def understood(self, kind: str, record_id: str, principal: Principal | None, *,
                   k: int = 5) -> dict[str, Any]:
        """A stored posting or need as its write answered (the record with its skills,
        the phrases it declares that no skill is linked from now, and for a need the
        credentials that supply its skills), if ``principal`` may see it: the web pages
        show it again after an edit or a correction."""
        from ..text import normalize

        owned_kind(kind)
        row = self.read(kind, record_id, principal)
        declared = (row.get("declared_skills") or []) if kind == "posting" else [
            *(row.get("required_skills") or []), *(row.get("preferred_skills") or [])]
        linked = {normalize(s["evidence"]["text"] or "") for s in row["skills"]}
        not_linked = [p for p in declared if normalize(p) not in linked]
        return self._answer(kind, record_id, not_linked, k, self.visible_rule(principal))

    # ------------------------------------------------------------- writing
    def create(self, kind: str, items: Sequence[Mapping[str, Any]], principal: Principal,
               *, atomic: bool = True, bulk: bool = True, k: int = 5,
               taxonomies: Sequence[str] = (), resume: bool = False) -> list[ItemResult]:
        """Create postings or needs owned by ``principal``'s employer (none for an admin);
        ``bulk``: errors name fields as ``items.<index>.<field>``.

        Each item is parsed and checked first; with ``atomic`` any invalid item means
        nothing is written (every item's error is returned, the valid ones have none and
        no answer). The items written commit together, in one transaction. ``resume``
        (a bulk sent again after an interruption): an item stored already, by the same
        owner and exactly as sent, is ``unchanged`` instead of a conflict."""
        owned_kind(kind, principal)
        most = self._ctx.settings.api_max_batch
        if not items or len(items) > most:
            raise InputError(f"{len(items)} items (a write takes 1 to {most})", field="items")
        results: list[ItemResult] = []
        todo: list[tuple[int, Record, Access]] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            result = ItemResult(i, _text(item.get("id")) or None)
            results.append(result)
            try:
                record = self._parse(kind, item, principal, i if bulk else None)
                if record.id in seen:
                    raise ConflictError(f"id {record.id!r} is given twice in this request")
                seen.add(record.id)
                result.id = record.id
                access = Access(_owner(principal), bool(item.get("private")), "create")
                if self._exists(kind, record.id):
                    if resume and self._stored_as(kind, record, access):
                        result.unchanged = True
                        continue
                    raise ConflictError(f"a {kind} with id {record.id!r} exists already "
                                        "(choose another id, or update it)")
            except SkillmatchError as exc:
                result.error = exc
                continue
            todo.append((i, record, access))
        if atomic and any(r.error for r in results):
            return results
        self._write(kind, todo, results, atomic=atomic, k=k, taxonomies=taxonomies,
                    principal=principal)
        return results

    def update(self, kind: str, record_id: str, fields: Mapping[str, Any],
               principal: Principal, *, partial: bool = False, k: int = 5,
               taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """Replace (``partial``: change the given fields of) a record ``principal`` may
        change; it keeps its owner. A record it may not change is answered as absent."""
        owned_kind(kind, principal)
        current = self._writable(kind, record_id, principal)
        if fields.get("id") not in (None, record_id):
            raise InputError(f"the body's id {fields['id']!r} is not the path's "
                             f"{record_id!r} (ids do not change)", field="id")
        base = _as_input(kind, current) if partial else {}
        item = {**base, **{k_: v for k_, v in fields.items() if k_ != "id"}, "id": record_id}
        private = bool(item.pop("private", False))
        record = self._parse(kind, item, principal, None)
        results = [ItemResult(0, record_id)]
        self._write(kind, [(0, record, Access(current.get("owner", ""), private, "update"))],
                    results, atomic=True, k=k, taxonomies=taxonomies, principal=principal)
        if results[0].error is not None:
            raise results[0].error
        assert results[0].answer is not None
        return results[0].answer

    def delete(self, kind: str, record_id: str, principal: Principal) -> dict[str, Any]:
        """Delete a record ``principal`` may change (else answered as absent)."""
        owned_kind(kind, principal)
        owner = None if principal.is_admin else principal.employer
        try:
            return self._records.delete_records(kind, [record_id], owner=owner)
        except NotFoundError:
            raise NotFoundError(f"no {kind} with id {record_id!r}") from None

    # ------------------------------------------------------------- helpers
    def _exists(self, kind: str, record_id: str) -> bool:
        return bool(self._ctx.records.hashes(kind, [record_id]))

    def _stored_as(self, kind: str, record: Record, access: Access) -> bool:
        """Whether ``record`` is stored with this content, owner and privacy."""
        from ..catalog.models import content_hash

        row = self._ctx.records.get(kind, record.id)
        return (row.get("content_hash") == content_hash(record)
                and (row.get("owner") or "") == access.owner
                and bool(row.get("private")) == access.private)

    def _writable(self, kind: str, record_id: str, principal: Principal) -> dict[str, Any]:
        from ..storage.records_store import decode_row

        try:
            row = decode_row(self._ctx.records.get(kind, record_id))
        except NotFoundError:
            row = None
        if row is None or not (principal.is_admin or row["owner"] == principal.employer):
            raise NotFoundError(f"no {kind} with id {record_id!r}")
        return row

    def _parse(self, kind: str, item: Mapping[str, Any], principal: Principal,
               index: int | None) -> Record:
        """A record from a request item; its employer is the key's (an employer key);
        an error names the field (``items.<index>.<field>`` for an item of a bulk)."""
        fields = {k: v for k, v in item.items() if k != "private" and v is not None}
        prefix = "" if index is None else f"items.{index}."
        if principal.role == "employer":
            given = _text(fields.get("employer"))
            if given and given != principal.employer:
                raise InputError(f"{given!r} is not this key's employer "
                                 f"({principal.employer!r}); leave it out",
                                 field=prefix + "employer")
            fields["employer"] = principal.employer
        if not _text(fields.get("id")):
            fields["id"] = f"{kind}:{secrets.token_hex(6)}"
        try:
            record = PARSERS[kind](fields, "request", 1)
        except InputError as exc:
            raise InputError(exc.reason, field=prefix + (exc.field or "body")) from None
        assert isinstance(record, Credential | Posting | Need)
        return record

    def _write(self, kind: str, todo: list[tuple[int, Record, Access]],
               results: list[ItemResult], *, atomic: bool, k: int,
               taxonomies: Sequence[str], principal: Principal) -> None:
        """Write ``todo`` in one transaction; a check that fails there (another request
        took the id, or deleted the record, since) fails the whole batch when ``atomic``,
        else the items are written one by one so each gets its own result."""
        if not todo:
            return
        try:
            report = self._records.import_records(
                kind, [r for _, r, _ in todo], force=True, taxonomies=taxonomies,
                access={r.id: a for _, r, a in todo}, one_transaction=True)
        except (ConflictError, NotFoundError) as exc:
            if atomic or len(todo) == 1:
                for i, _, _ in todo:
                    results[i].error = exc
                return
            for one in todo:
                self._write(kind, [one], results, atomic=True, k=k, taxonomies=taxonomies,
                            principal=principal)
            return
        unresolved = report["unresolved"]
        visible = self.visible_rule(principal)
        for i, record, _ in todo:
            results[i].answer = self._answer(kind, record.id, unresolved.get(record.id, []),
                                             k, visible)

    def _answer(self, kind: str, record_id: str, not_linked: list[str], k: int,
                visible: Visible | None) -> dict[str, Any]:
        """What a written record was understood as: the record with its skills (each
        with its evidence and score), the phrases not linked, and for a need the
        credentials that supply its skills."""
        from ..flows.needs import need_answer

        stored = self._records.record(kind, record_id)
        if kind in ("posting", "credential"):
            return {kind: stored, "not_linked": not_linked}
        answer = need_answer(self._ctx, self._records, self._state, record_id, not_linked,
                             k=k, visible=visible)
        answer["need"] = stored
        return answer


def _owner(principal: Principal) -> str:
    return principal.employer if principal.role == "employer" else ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _as_input(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as the request item that would write it again (a partial update
    starts from it): its fields, its ``meta`` (kept as it was) and ``private``."""
    out = {name: row["declared_skills" if name == "skills" else name]
           for name in FIELDS[kind]}
    out.update(row.get("meta") or {})
    out["private"] = bool(row.get("private"))
    return out
