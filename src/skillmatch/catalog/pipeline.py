"""The import pipeline: parse, link, embed, index, store, in batches with progress.

Each batch is one database transaction holding the records, their skill mentions,
their vectors and their change-log rows, so an interrupted (even killed) import
keeps every finished batch whole and nothing of the unfinished one; re-running it
skips records whose content is unchanged (by content hash). The vector index files
follow the database (:mod:`skillmatch.index.sync`), every ``save_every`` batches and
at the end. Re-importing an id updates the record and replaces its skill mentions;
nothing is duplicated. A record's text is embedded once, sentence by sentence: the
same vectors serve linking and, averaged, the record's place in the index.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..index.sync import sync_record_index
from ..linking.linker import Prepared, SkillLinker
from ..records import LinkedSkill
from ..storage.records_store import OWNED, Access, Mention, RecordStore
from ..storage.taxonomy_store import TaxonomyStore
from ..text import normalize
from .corrections import Corrector, Rules, apply_rules
from .models import Credential, Need, Posting, Record, content_hash

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]
INDEXED = {"credential": "credentials", "posting": "postings"}


@dataclass
class ImportReport:
    kind: str
    read: int = 0
    imported: int = 0
    unchanged: int = 0
    reindexed: int = 0
    mentions: int = 0
    unresolved: dict[str, list[str]] = field(default_factory=dict)  # record id -> phrases
    seconds: float = 0.0
    unused_fields: dict[str, int] = field(default_factory=dict)  # field -> records with it
    titles_only: dict[str, Any] | None = None  # see :func:`field_use`

    def to_dict(self) -> dict[str, Any]:
        per_second = self.imported / self.seconds if self.seconds else 0.0
        return {"kind": self.kind, "read": self.read, "imported": self.imported,
                "unchanged": self.unchanged, "reindexed": self.reindexed,
                "mentions": self.mentions, "unresolved": self.unresolved,
                "unused_fields": self.unused_fields, "titles_only": self.titles_only,
                "seconds": round(self.seconds, 2), "per_second": round(per_second, 1)}


# Extra fields (kept in a record's ``meta``) that a flow reads: the CIP code of a
# credential feeds align's learned "prepares for" prior (flows.occupation_match.cip_of).
META_READ: dict[str, frozenset[str]] = {"credential": frozenset({"cip_code", "cip"})}
LONG_TEXT = 40  # characters: a field this long in a record with no description is text


def field_use(kind: str, records: Sequence[Record]
              ) -> tuple[dict[str, int], dict[str, Any] | None]:
    """The fields the records carry that nothing uses, and the records imported as
    titles only.

    A field the importer does not map to a record attribute is kept in the record's
    ``meta`` (``show`` prints it) but no flow reads it, except those in
    :data:`META_READ`: those are the unused fields, each with how many records carry a
    value in it (most first). A credential or posting with no description is linked
    and indexed on its title alone: ``{"records": how many, "text_in": {unused field:
    how many of them hold text of LONG_TEXT characters or more there}}``, else None."""
    read = META_READ.get(kind, frozenset())
    unused: Counter[str] = Counter()
    titles_only = 0
    text_in: Counter[str] = Counter()
    for record in records:
        extras = {k: v for k, v in record.meta.items() if k not in read and _carries(v)}
        unused.update(extras.keys())
        if isinstance(record, Credential | Posting) and not record.description.strip():
            titles_only += 1
            text_in.update(k for k, v in extras.items() if _text_length(v) >= LONG_TEXT)
    return dict(unused.most_common()), (
        {"records": titles_only, "text_in": dict(text_in.most_common())} if titles_only
        else None)


def _carries(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str)
                                                    and not value.strip())


def _text_length(value: Any) -> int:
    if isinstance(value, str):
        return len(value.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return len(" ".join(v.strip() for v in value).strip())
    return 0


class DeclaredSkills:
    """Resolves declared skills: a taxonomy id, an exact label, or free text to link.

    Free text is ranked by the linker (the best skill of each taxonomy) and kept when
    the linker's own score (the cosine with lexical bonus, :attr:`LinkedSkill.similarity`
    where a calibrated ranker made ``score`` a probability) reaches the linker's
    ``threshold``, which is on that same raw scale; a ranker's probability only
    orders the candidates. The mention stores that raw score too, like a linked one.
    """

    def __init__(self, taxonomies: TaxonomyStore, linker: SkillLinker) -> None:
        self.linker = linker
        names = sorted(linker.indexes_)
        self.by_code = {s.code: s.id for s in taxonomies.skills(names)}
        self.by_label: dict[str, int] = {}
        for _, skill_id, key, kind in taxonomies.lexical_rows(names):
            if kind == "preferred" or key not in self.by_label:
                self.by_label[key] = skill_id

    def resolve(self, phrases: Sequence[str], role: str = "") -> tuple[list[Mention], list[str]]:
        mentions: list[Mention] = []
        unresolved: list[str] = []
        to_link: list[str] = []
        for phrase in phrases:
            sid = self.by_code.get(phrase) or self.by_label.get(normalize(phrase))
            if sid is not None:
                mentions.append(Mention(sid, 1.0, "declared", role, None, None, phrase))
            else:
                to_link.append(phrase)
        if to_link:
            for phrase, result in zip(to_link, self.linker.rank(to_link, 1)):
                # one best per taxonomy: the first group's whose raw score passes the
                # (raw-score) threshold
                best = next((s for s in result.skills
                             if _raw_score(s) >= self.linker.threshold), None)
                if best is not None:
                    mentions.append(Mention(best.row_id, _raw_score(best), "declared", role,
                                            None, None, phrase))
                else:
                    unresolved.append(phrase)
        return mentions, unresolved


def _raw_score(skill: LinkedSkill) -> float:
    """The linker's own score of ``skill`` (its ``score`` unless that is a probability)."""
    return skill.score if skill.similarity is None else skill.similarity


class RecordImporter:
    """Imports records of one kind into a workspace."""

    def __init__(self, *, batch_size: int = 256, force: bool = False,
                 save_every: int = 20) -> None:
        self.batch_size = batch_size
        self.force = force
        self.save_every = save_every

    def run(
        self,
        kind: str,
        records: Sequence[Record],
        store: RecordStore,
        declared: DeclaredSkills,
        index_dir: Path | None,
        manifest: dict[str, Any],
        progress: ProgressFn | None = None,
        access: Mapping[str, Access] | None = None,
    ) -> ImportReport:
        """Import ``records``; ``access``: the owner, privacy and expectation of each
        posting or need written on behalf of an API key (:class:`Access`)."""
        started = time.perf_counter()
        report = ImportReport(kind=kind, read=len(records))
        report.unused_fields, report.titles_only = field_use(kind, records)
        linker = declared.linker
        stored = store.hashes(kind, [r.id for r in records])
        todo = [r for r in records if self.force or stored.get(r.id) != content_hash(r)]
        report.unchanged = len(records) - len(todo)
        batches = [todo[i : i + self.batch_size] for i in range(0, len(todo), self.batch_size)]
        done = 0
        saved: set[int] = set()
        # employers' corrections of links (catalog/corrections.py): one read per import
        corrector = Corrector.load(store.conn) if kind in OWNED and todo else None
        # the transformer is the costly half: embed batch i + 1 in a worker thread while
        # batch i is linked and stored here
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            ahead = pool.submit(_embed, linker, batches[0]) if batches else None
            for n, batch in enumerate(batches):
                assert ahead is not None
                prepared = ahead.result()
                ahead = pool.submit(_embed, linker, batches[n + 1]) if n + 1 < len(
                    batches) else None
                items, vectors = self._prepare(batch, declared, report, prepared)
                if corrector is not None:
                    items = _correct(kind, items, corrector, access or {}, report)
                # one transaction: the records, their skills, vectors and change-log rows
                saved.update(store.save_batch(items, vectors, linker.embedder_.model_id,
                                              access).values())
                report.imported += len(batch)
                report.mentions += sum(len(m) for _, m in items)
                if index_dir is not None and (n + 1) % self.save_every == 0:
                    self._sync(store, kind, index_dir, linker, manifest)
                done += len(batch)
                if progress:
                    progress(f"import {kind}s", done, len(todo))
        if index_dir is not None:
            embedded = self._reindex(kind, store, linker)
            synced = self._sync(store, kind, index_dir, linker, manifest)
            report.reindexed = embedded + len(set(synced["restored"]) - saved)
        report.seconds = time.perf_counter() - started
        return report

    @staticmethod
    def _sync(store: RecordStore, kind: str, index_dir: Path, linker: SkillLinker,
              manifest: dict[str, Any]) -> dict[str, Any]:
        """The index files follow the committed database (:mod:`skillmatch.index.sync`)."""
        return sync_record_index(store, kind, index_dir, index_lock(index_dir),
                          linker.embedder_.dimension, manifest)

    def _prepare(
        self, batch: Sequence[Record], declared: DeclaredSkills, report: ImportReport,
        prepared: Prepared | None = None,
    ) -> tuple[list[tuple[Record, list[Mention]]], np.ndarray | None]:
        items: list[tuple[Record, list[Mention]]] = []
        if isinstance(batch[0], Need):
            for need in batch:
                assert isinstance(need, Need)
                req, miss_r = declared.resolve(need.required_skills, "required")
                pref, miss_p = declared.resolve(need.preferred_skills, "preferred")
                if miss_r or miss_p:
                    report.unresolved[need.id] = miss_r + miss_p
                items.append((need, _dedupe(req + pref)))
            return items, None
        results, vectors = declared.linker.link_documents(_texts(batch), prepared=prepared)
        for record, result in zip(batch, results):
            assert isinstance(record, Credential | Posting)
            mentions = [Mention(s.row_id, s.score, "linked", "", s.evidence.start,
                                s.evidence.end, s.evidence.text) for s in result.skills]
            if record.skills:
                extra, missing = declared.resolve(record.skills)
                mentions.extend(extra)
                if missing:
                    report.unresolved[record.id] = missing
            items.append((record, _dedupe(mentions)))
        return items, vectors

    def _reindex(self, kind: str, store: RecordStore, linker: SkillLinker) -> int:
        """Embed stored records that have no vector in the database (imported before
        vectors were kept there and missing from the index too)."""
        missing = sorted(set(store.ids(kind)) - store.vector_ids(kind))
        if not missing:
            return 0
        rows = store.rows(kind, missing)
        texts = [f"{r['title']}\n{r['description']}".strip() for r in rows]
        _, vectors = linker.link_documents(texts)
        store.save_vectors(kind, [r["id"] for r in rows], vectors, linker.embedder_.model_id)
        log.info("embedded %d stored %ss that had no vector", len(rows), kind)
        return len(rows)


def index_lock(index_dir: Path) -> Path:
    """The lock file that writers of the index in ``index_dir`` hold."""
    return index_dir.parent / f".{index_dir.name}.lock"


def _texts(batch: Sequence[Record]) -> list[str]:
    return [r.text() for r in batch if isinstance(r, Credential | Posting)]


def _embed(linker: SkillLinker, batch: Sequence[Record]) -> Prepared | None:
    """The embedding half of linking a batch (run in the worker thread)."""
    texts = _texts(batch)
    return linker.prepare(texts) if texts else None


def corrected(mentions: list[Mention], rules: Rules
              ) -> tuple[list[Mention], list[Mention], int]:
    """``mentions`` with corrections ``rules`` applied, one per skill and role again;
    the mentions rejected; how many a rule changed."""
    kept, rejected, changed = apply_rules(mentions, rules)
    return (_dedupe(kept) if changed else kept), rejected, changed


def _correct(kind: str, items: list[tuple[Record, list[Mention]]], corrector: Corrector,
             access: Mapping[str, Access], report: ImportReport
             ) -> list[tuple[Record, list[Mention]]]:
    """A batch with the corrections in effect for each record's owner (the write's, else
    the stored one's); a declared phrase left without a skill is reported unresolved."""
    owners = corrector.owners(kind, [r.id for r, _ in items if r.id not in access])
    out: list[tuple[Record, list[Mention]]] = []
    for record, mentions in items:
        rule = access.get(record.id)
        owner = rule.owner if rule is not None else owners.get(record.id, "")
        kept, rejected, _ = corrected(mentions, corrector.rules(owner))
        left = {m.text for m in kept} | set(report.unresolved.get(record.id, []))
        lost = list(dict.fromkeys(m.text for m in rejected
                                  if m.source == "declared" and m.text not in left))
        if lost:
            report.unresolved[record.id] = report.unresolved.get(record.id, []) + lost
        out.append((record, kept))
    return out


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    """One mention per skill and role. Declared beats linked, but keeps the linked
    evidence span when the text also shows the skill."""
    best: dict[tuple[int, str], Mention] = {}
    for m in mentions:
        key = (m.skill_id, m.role)
        cur = best.get(key)
        if cur is None:
            best[key] = m
            continue
        declared = cur if cur.source == "declared" else m if m.source == "declared" else None
        linked = [x for x in (cur, m) if x.source == "linked"]
        span = max(linked, key=lambda x: x.score) if linked else None
        if declared is None:
            best[key] = max(cur, m, key=lambda x: x.score)
        elif span is not None:
            best[key] = Mention(m.skill_id, max(cur.score, m.score), "declared", m.role,
                                span.start, span.end, span.text)
        else:
            best[key] = max(cur, m, key=lambda x: x.score)
    return list(best.values())
