"""Employers' corrections of linked skills, as rules the import pipeline applies.

A correction says that a phrase (a mention's evidence text, compared by its lexical key,
:func:`skillmatch.text.normalize`) linked to a skill was wrong: the mention is dropped
(``reject``) or points at another skill (``replace``). Each is in effect for the records
of the employer that made it (its *owner*; '' stands for records of no employer) from
then on, and for everyone's once an admin accepts it. An owner's own correction of a
phrase and skill wins over an accepted one; rules are not chained (a replacement is not
corrected again).

:class:`Corrector` holds the rules in effect when an import starts (one read);
:func:`apply_rules` is the pure step the pipeline and the corrections service share.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..storage.corrections_store import CorrectionStore
from ..storage.records_store import Mention
from ..text import normalize

Key = tuple[str, int]  # (the phrase's lexical key, the skill's row id)


@dataclass(frozen=True)
class Rule:
    id: int
    norm: str
    skill_id: int
    replacement: int | None  # None: the mention is rejected

    @property
    def key(self) -> Key:
        return (self.norm, self.skill_id)


Rules = Mapping[Key, Rule]


def apply_rules(mentions: Sequence[Mention], rules: Rules
                ) -> tuple[list[Mention], list[Mention], int]:
    """(the mentions with ``rules`` applied, the mentions rejected, how many mentions a
    rule changed). A replacement may duplicate another mention of the same skill and
    role: the caller merges them (``pipeline.corrected``)."""
    if not rules:
        return list(mentions), [], 0
    kept: list[Mention] = []
    rejected: list[Mention] = []
    changed = 0
    for m in mentions:
        rule = rules.get((normalize(m.text), m.skill_id))
        if rule is None:
            kept.append(m)
            continue
        changed += 1
        if rule.replacement is None:
            rejected.append(m)
        else:
            kept.append(replace(m, skill_id=rule.replacement))
    return kept, rejected, changed


class Corrector:
    """The corrections in effect: every owner's own and the accepted ones."""

    def __init__(self, own: Mapping[str, Rules], accepted: Rules,
                 conn: sqlite3.Connection | None = None) -> None:
        self._own = own
        self._accepted = accepted
        self._conn = conn

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Corrector | None:
        """The rules stored in ``conn``'s workspace (None when there are none)."""
        own: dict[str, dict[Key, Rule]] = {}
        accepted: dict[Key, Rule] = {}
        for cid, owner, status, norm, skill_id, with_id in CorrectionStore(conn).rules():
            rule = Rule(cid, norm, skill_id, with_id)
            own.setdefault(owner, {})[rule.key] = rule  # the latest of a key wins
            if status == "accepted":
                accepted[rule.key] = rule
        if not own:
            return None
        return cls(own, accepted, conn)

    def rules(self, owner: str) -> Rules:
        """The rules for a record of ``owner``: its own over the accepted ones."""
        own = self._own.get(owner)
        if not own:
            return self._accepted
        return {**self._accepted, **own}

    def own(self, owner: str) -> Rules:
        """``owner``'s own rules (whatever their review)."""
        return self._own.get(owner, {})

    def owners(self, kind: str, codes: Sequence[str]) -> dict[str, str]:
        """The stored owners of the ``kind`` records ``codes`` (absent: new records)."""
        if not codes or self._conn is None:
            return {}
        return CorrectionStore(self._conn).owners(kind, codes)
