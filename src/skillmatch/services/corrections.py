"""Corrections of linked skills by employers, and the admins' review queue.

An employer key may correct a skill linked in one of its own postings or needs: the
phrase (a mention's evidence text) linked to skill S is wrong (``reject``) or should
be skill W (``replace``). The correction

- applies at once to that record: its mentions are rewritten in the same transaction
  that stores the correction, with a change-log row, so demand in every process
  follows at its next read;
- applies to that employer's later writes: whenever the same phrase (by its lexical
  key) links to S in a posting or need it writes, the pipeline applies it
  (:mod:`skillmatch.catalog.corrections`);
- is queued for review (``pending``). An admin accepts it (then it applies to
  everyone's later writes, and with ``reapply`` at once to every stored posting and
  need with that phrase linked to S, in one transaction) or rejects it (it then stays
  the employer's own).

An employer sees only its own corrections, and corrects only its own records: anything
else answers as absent. An admin key's corrections belong to no employer: they apply to
the records of no employer (its imports) until accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalog.corrections import Corrector, Rule
from ..errors import ConflictError, InputError, NotFoundError
from ..storage.corrections_store import STATUSES, CorrectionStore
from ..storage.records_store import Mention
from ..text import normalize
from .context import Context
from .keys import Principal
from .records import RecordService
from .state import State
from .writes import owned_kind

ACTIONS = ("reject", "replace")
MAX_NOTE = 1000


class CorrectionService:
    """Make, list, read and review corrections on behalf of a principal."""

    def __init__(self, ctx: Context, records: RecordService, state: State) -> None:
        self._ctx = ctx
        self._records = records
        self._state = state

    def _store(self) -> CorrectionStore:
        return CorrectionStore(self._ctx.conn)

    # ------------------------------------------------------------- making
    def create(self, kind: str, record_id: str, body: Mapping[str, Any],
               principal: Principal) -> dict[str, Any]:
        """Correct a skill of a record ``principal`` may change (else answered as absent):
        ``body`` holds ``skill`` (its id; ``taxonomy`` when ids clash), ``phrase`` (the
        evidence text; may be left out when the skill has one), ``action`` and, to
        replace, ``with`` (a skill id; ``with_taxonomy``), and a ``note``. Returns the
        correction and the record as it now is."""
        owned_kind(kind)
        owner = None if principal.is_admin else principal.employer
        row = self._records.record(kind, record_id)
        if owner is not None and row["owner"] != owner:
            raise NotFoundError(f"no {kind} with id {record_id!r}")
        action = _text(body.get("action")) or "reject"
        if action not in ACTIONS:
            raise InputError(f"unknown action {action!r} (choose one of "
                             f"{', '.join(ACTIONS)})", field="action")
        skill, norm, phrase = self._mention(kind, record_id, row["skills"], body)
        found = self._store().skills(skill["id"], skill["taxonomy"])
        if not found:  # the taxonomy was replaced since: nothing to correct
            raise ConflictError(f"skill {skill['id']!r} is no longer loaded")
        skill_id = found[0][0]
        with_id, with_code, with_taxonomy = None, "", ""
        if action == "replace":
            with_id, with_code, with_taxonomy = self._replacement(body, skill)
        elif body.get("with") is not None:
            raise InputError("'with' is for action 'replace' only", field="with")
        rule = Rule(0, norm, skill_id, with_id)
        fields = {"owner": principal.employer, "key_id": principal.key_id,
                  "record_kind": kind, "record_code": record_id, "phrase": phrase,
                  "norm": norm, "taxonomy": skill["taxonomy"], "skill_code": skill["id"],
                  "action": action, "with_taxonomy": with_taxonomy, "with_code": with_code,
                  "note": _note(body.get("note"))}

        def rewrite(_owner: str, mentions: list[Mention]) -> tuple[list[Mention], int]:
            from ..catalog.pipeline import corrected

            kept, _, changed = corrected(mentions, {rule.key: rule})
            if not changed:  # another write changed the record since it was read
                raise ConflictError(f"the {kind} {record_id!r} changed meanwhile; read it "
                                    "again and correct what it now holds")
            return kept, changed

        cid, _ = self._store().create(fields, owner, rewrite)
        self._state.changed()
        return {"correction": self.describe(self._store().get(cid)),
                "record": self._records.record(kind, record_id)}

    def _mention(self, kind: str, record_id: str, skills: list[dict[str, Any]],
                 body: Mapping[str, Any]) -> tuple[dict[str, Any], str, str]:
        """The record's skill the body names, the phrase's lexical key and the phrase."""
        code, taxonomy = _text(body.get("skill")), _text(body.get("taxonomy"))
        if not code:
            raise InputError("name the skill to correct (its id, as the record shows it)",
                             field="skill")
        of_skill = [s for s in skills if s["id"] == code
                    and (not taxonomy or s["taxonomy"] == taxonomy)]
        if not of_skill:
            shown = ", ".join(sorted({s["id"] for s in skills})[:10]) or "none"
            raise InputError(f"the {kind} {record_id!r} has no skill {code!r} (its skills: "
                             f"{shown})", field="skill")
        if len({s["taxonomy"] for s in of_skill}) > 1:
            raise InputError(f"skill {code!r} is in several taxonomies; name one in "
                             "'taxonomy'", field="taxonomy")
        phrase = _text(body.get("phrase"))
        texts = {normalize(s["evidence"]["text"]): s["evidence"]["text"] for s in of_skill}
        texts.pop("", None)
        if phrase:
            norm = normalize(phrase)
            if norm not in texts:
                froms = ", ".join(map(repr, texts.values())) or "no phrase"
                raise InputError(f"skill {code!r} is not linked from {phrase!r} in this "
                                 f"{kind} (it is from: {froms})", field="phrase")
            return of_skill[0], norm, phrase
        if len(texts) != 1:
            raise InputError(f"skill {code!r} is linked from "
                             f"{'several phrases' if texts else 'no phrase'} in this {kind}"
                             + (f" ({', '.join(map(repr, texts.values()))}): name one"
                                if texts else ""), field="phrase")
        [(norm, phrase)] = texts.items()
        return of_skill[0], norm, phrase

    def _replacement(self, body: Mapping[str, Any], skill: Mapping[str, Any]
                     ) -> tuple[int, str, str]:
        """(row id, id, taxonomy) of the skill to link instead: the id in the named
        taxonomy, else in the corrected skill's, else in the one taxonomy that has it."""
        code, taxonomy = _text(body.get("with")), _text(body.get("with_taxonomy"))
        if not code:
            raise InputError("action 'replace' needs 'with': the skill id to link "
                             "instead", field="with")
        store = self._store()
        found = store.skills(code, taxonomy) if taxonomy else (
            store.skills(code, skill["taxonomy"]) or store.skills(code))
        if not found:
            raise InputError(f"no skill {code!r}" + (f" in {taxonomy!r}" if taxonomy else ""),
                             field="with")
        if len(found) > 1:
            raise InputError(f"skill {code!r} is in several taxonomies ("
                             f"{', '.join(f[3] for f in found)}); name one in "
                             "'with_taxonomy'", field="with_taxonomy")
        row_id, code, _, taxonomy = found[0]
        if code == skill["id"] and taxonomy == skill["taxonomy"]:
            raise InputError("a skill cannot replace itself (to drop it, use action "
                             "'reject')", field="with")
        return row_id, code, taxonomy

    # ------------------------------------------------------------- reading
    def list(self, principal: Principal, *, after: int = 0, limit: int = 20,
             status: str | None = None, employer: str | None = None) -> dict[str, Any]:
        """A page of the corrections ``principal`` may see: an employer its own, an
        admin all (``employer``: one employer's; '' those of no employer)."""
        if status is not None and status not in STATUSES:
            raise InputError(f"unknown status {status!r} (choose one of "
                             f"{', '.join(STATUSES)})", field="status")
        owner = employer if principal.is_admin else principal.employer
        total, rows = self._store().page(after=after, limit=limit + 1, owner=owner,
                                         status=status)
        more, rows = len(rows) > limit, rows[:limit]
        return {"total": total, "items": [self.describe(r) for r in rows],
                "next_after": int(rows[-1]["id"]) if more else None}

    def get(self, cid: int, principal: Principal) -> dict[str, Any]:
        """One correction ``principal`` may see (else answered as absent)."""
        row = self._store().get(cid)
        if not principal.is_admin and row["owner"] != principal.employer:
            raise NotFoundError(f"no correction with id {cid}")
        return self.describe(row)

    def describe(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A stored correction as the API shows it (skills with their labels)."""
        store = self._store()

        def skill(code: str, taxonomy: str) -> dict[str, Any] | None:
            if not code:
                return None
            found = store.skills(code, taxonomy)
            return {"id": code, "taxonomy": taxonomy, "label": found[0][2] if found else ""}

        return {"id": row["id"], "employer": row["owner"] or None,
                "record": {"kind": row["record_kind"], "id": row["record_code"]},
                "phrase": row["phrase"], "skill": skill(row["skill_code"], row["taxonomy"]),
                "action": row["action"],
                "with": skill(row["with_code"], row["with_taxonomy"]),
                "note": row["note"], "status": row["status"], "applied": row["applied"],
                "created_at": row["created_at"], "key_id": row["key_id"],
                "reviewed_at": row["reviewed_at"], "reviewed_by": row["reviewed_by"] or None,
                "review_note": row["review_note"]}

    # ------------------------------------------------------------- reviewing
    def accept(self, cid: int, principal: Principal, *, reapply: bool = False,
               note: Any = None) -> dict[str, Any]:
        """An admin accepts a correction: it applies to everyone's later writes; with
        ``reapply``, at once to every stored posting and need that links the phrase to
        the skill (each record's employer's own correction of it wins), in the same
        transaction. The correction, with ``reapplied``: the records rewritten."""
        store = self._store()
        row = store.get(cid)
        plan = None
        if reapply:
            skill = store.skills(row["skill_code"], row["taxonomy"])
            with_ = store.skills(row["with_code"], row["with_taxonomy"]) if row[
                "with_code"] else []
            if skill and (row["action"] == "reject" or with_):
                rule = Rule(cid, row["norm"], skill[0][0], with_[0][0] if with_ else None)
                plan = ([rule.skill_id], rule.norm, _reapplier(self._ctx, rule))
        done, rewritten = store.review(cid, "accepted", principal.key_id, _note(note),
                                       reapply=plan)
        if rewritten:
            self._state.changed()
        return {**self.describe(done), "reapplied": rewritten}

    def reject(self, cid: int, principal: Principal, *, note: Any = None
               ) -> dict[str, Any]:
        """An admin declines a correction for everyone (it stays its employer's own;
        records it already changed keep the change)."""
        done, _ = self._store().review(cid, "rejected", principal.key_id, _note(note))
        return self.describe(done)


def _reapplier(ctx: Context, rule: Rule) -> Any:
    """The rewrite of a record when ``rule`` is accepted: its owner's own correction of
    the same phrase and skill, if any, else ``rule``."""
    from ..catalog.pipeline import corrected

    corrector = Corrector.load(ctx.conn)

    def rewrite(owner: str, mentions: list[Mention]) -> tuple[list[Mention], int]:
        own = corrector.own(owner).get(rule.key) if corrector is not None else None
        chosen = own if own is not None and own.id != rule.id else rule
        kept, _, changed = corrected(mentions, {rule.key: chosen})
        return kept, changed

    return rewrite


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _note(value: Any) -> str:
    note = _text(value)
    if len(note) > MAX_NOTE:
        raise InputError(f"at most {MAX_NOTE} characters", field="note")
    return note
