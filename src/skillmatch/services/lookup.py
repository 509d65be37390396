"""Look-ups: skill and occupation autocomplete, and keyset pages of stored records.

Autocomplete is called per keystroke, so it never runs SQL per query: an in-memory
:class:`LabelIndex` of every visible skill label and occupation title (and occupation
code) is built once per taxonomy generation (:func:`..storage.changes.taxonomy_generation`,
one indexed query per call) and replaced whole when a taxonomy or crosswalk changes;
readers keep the index they started with. A query matches, best first:

1. ``prefix``: a label that starts with the query (``"take vi"``: "take vital signs");
2. ``word``: a label each of whose query words starts one of its words (``"vital sig"``);
3. ``fuzzy`` (queries of three characters or more, when the first two leave room):
   labels sharing character trigrams with the query, rescored with rapidfuzz's
   ``WRatio`` (``"resuscitaton"``: "perform cardiopulmonary resuscitation").

Within a tier, shorter labels first, a preferred label before an alternative one; each
skill or occupation is listed once, with the label that matched.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from ..errors import InputError
from ..storage import lookup_queries
from ..storage.changes import taxonomy_generation
from ..storage.records_store import Scope
from .context import Context
from .records import check_kind

_WORD = re.compile(r"[^\W_]+[+#]*")
KIND_RANK = {"preferred": 0, "alternative": 1, "code": 2}
FUZZY_MIN_CHARS = 3
FUZZY_CANDIDATES = 100
FUZZY_CUTOFF = 80.0
MAX_LIMIT = 50


def normalize(text: str) -> str:
    """Lower case, accents dropped, words joined by single spaces (``C++`` and ``C#``
    keep their signs)."""
    text = text.lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text))


def _grouped(keys: list[list[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(sorted distinct keys, offsets, entries): the entries holding ``vocab[i]`` are
    ``entries[offsets[i]:offsets[i + 1]]``, so those holding any key of a sorted range
    (every key with a prefix) are one slice."""
    counts = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    flat = list(chain.from_iterable(keys))
    vocab = sorted(set(flat))
    ids = {k: i for i, k in enumerate(vocab)}
    key_ids = np.fromiter(map(ids.__getitem__, flat), dtype=np.int64, count=len(flat))
    owners = np.repeat(np.arange(len(keys), dtype=np.int32), counts)
    order = np.argsort(key_ids, kind="stable")
    offsets = np.searchsorted(key_ids[order], np.arange(len(vocab) + 1))
    return vocab, offsets.astype(np.int64), owners[order]


def _prefix_range(vocab: list[str], prefix: str) -> tuple[int, int]:
    return bisect_left(vocab, prefix), bisect_left(vocab, prefix + "\U0010ffff")


def _trigram_codes(norms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(entry, code) of every distinct byte trigram of each padded UTF-8 ``" norm "``, a
    code being the trigram's three bytes as one integer (vectorized: a build reads
    every label of a taxonomy)."""
    padded = [f" {n} ".encode() for n in norms]
    sizes = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    buf = np.frombuffer(b"".join(padded), dtype=np.uint8).astype(np.int64)
    if len(buf) < 3:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = (buf[:-2] << 16) | (buf[1:-1] << 8) | buf[2:]
    owner = np.repeat(np.arange(len(padded), dtype=np.int64), sizes)[:-2]
    ends = np.cumsum(sizes)
    inside = np.ones(len(codes), dtype=bool)  # a trigram may not cross into the next label
    crossing = np.concatenate([ends - 2, ends - 1])
    inside[crossing[crossing < len(codes)]] = False
    pairs = _distinct(np.sort((owner[inside] << 24) | codes[inside]))
    return pairs >> 24, pairs & 0xFFFFFF


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (np.unique hashes, many times slower here)."""
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _query_codes(norm: str) -> list[int]:
    data = f" {norm} ".encode()
    return sorted({(data[i] << 16) | (data[i + 1] << 8) | data[i + 2]
                   for i in range(len(data) - 2)})


@dataclass(frozen=True)
class Item:
    """What a label names: a skill or an occupation of one taxonomy."""

    taxonomy: str
    code: str
    label: str


class LabelIndex:
    """Prefix, word-prefix and fuzzy search over labels (see the module's docstring);
    immutable once built, so any number of threads search it at once."""

    def __init__(self, rows: Sequence[tuple[str, str, str, str, str]]) -> None:
        """``rows``: (taxonomy, code, preferred label, label, label kind), grouped by item."""
        items: dict[tuple[str, str], int] = {}
        self.items: list[Item] = []
        self.labels: list[str] = []  # as written
        self.norms: list[str] = []  # normalized
        entry_item: list[int] = []
        key: list[int] = []
        seen: set[tuple[int, str]] = set()
        for taxonomy, code, preferred, label, kind in rows:
            ident = items.setdefault((taxonomy, code), len(items))
            if ident == len(self.items):
                self.items.append(Item(taxonomy, code, preferred))
            norm = normalize(label)
            if not norm or (ident, norm) in seen:
                continue
            seen.add((ident, norm))
            entry_item.append(ident)
            self.labels.append(label)
            self.norms.append(norm)
            key.append(len(norm) * 4 + KIND_RANK.get(kind, 3))
        self.entry_item = np.array(entry_item, dtype=np.int32)
        self.key = np.array(key, dtype=np.int64)  # within a tier: shorter, then preferred
        self.taxonomies = sorted({i.taxonomy for i in self.items})
        tax_ids = {name: n for n, name in enumerate(self.taxonomies)}
        self.item_taxonomy = np.array([tax_ids[i.taxonomy] for i in self.items],
                                      dtype=np.int16)
        split = [n.split() for n in self.norms]
        # a label shared by two items is one key with both entries
        self.sorted_norms, self.norm_offsets, self.norm_entries = _grouped(
            [[n] for n in self.norms])
        self.words, self.word_offsets, self.word_entries = _grouped(
            [list(set(w)) for w in split])
        owners, codes = _trigram_codes(self.norms)
        order = np.argsort(codes, kind="stable")
        self.gram_codes = _distinct(codes[order])
        self.gram_offsets = np.searchsorted(codes[order],
                                            np.append(self.gram_codes, 1 << 24)).astype(np.int64)
        self.gram_entries = owners[order].astype(np.int32)

    def __len__(self) -> int:
        return len(self.norms)

    # ----------------------------------------------------------------- search
    def search(self, query: str, limit: int = 10,
               taxonomies: Sequence[str] = ()) -> list[dict[str, Any]]:
        """The best ``limit`` items for ``query`` (only of ``taxonomies`` when given)."""
        norm = normalize(query)
        if not norm or not self.norms:
            return []
        allowed = None
        if taxonomies:
            wanted = [n for n, name in enumerate(self.taxonomies) if name in taxonomies]
            allowed = np.isin(self.item_taxonomy, np.array(wanted, dtype=np.int16))
        out: list[dict[str, Any]] = []
        taken: set[int] = set()
        lo, hi = _prefix_range(self.sorted_norms, norm)
        whole = self.norm_entries[self.norm_offsets[lo]:self.norm_offsets[hi]]
        tiers: list[tuple[str, Callable[[], list[tuple[int, float]]]]] = [
            ("prefix", lambda: [(int(e), 1.0) for e in self._best(whole, limit, allowed)]),
            ("word", lambda: [(int(e), 1.0) for e in self._words(norm, whole, limit, allowed)]),
        ]
        if len(norm) >= FUZZY_MIN_CHARS:
            tiers.append(("fuzzy", lambda: self._fuzzy(norm)))
        for how, found in tiers:
            for entry, score in found():
                self._take(entry, how, score, allowed, taken, out)
                if len(out) >= limit:
                    return out
        return out

    def _best(self, entries: np.ndarray, limit: int, allowed: np.ndarray | None
              ) -> np.ndarray:
        """``entries`` allowed, by key; only the best few when there are many (an item
        has at most a few dozen labels, so ``limit * 64`` entries hold ``limit`` items)."""
        if allowed is not None and len(entries):
            entries = entries[allowed[self.entry_item[entries]]]
        keys = self.key[entries]
        room = limit * 64
        if len(entries) > room:
            part = np.argpartition(keys, room)[:room]
            entries, keys = entries[part], keys[part]
        return entries[np.argsort(keys, kind="stable")]

    def _words(self, norm: str, whole: np.ndarray, limit: int,
               allowed: np.ndarray | None) -> np.ndarray:
        """Entries each of whose query words starts one of its words (not in ``whole``),
        by key."""
        slices = []
        for word in set(norm.split()):
            a, b = _prefix_range(self.words, word)
            slices.append(self.word_entries[self.word_offsets[a]:self.word_offsets[b]])
        slices.sort(key=len)
        matched = _distinct(np.sort(slices[0]))  # the rarest word's entries, then others'
        for other in slices[1:]:
            if not len(matched):
                break
            mask = np.zeros(len(self.norms), dtype=bool)
            mask[other] = True
            matched = matched[mask[matched]]
        if len(whole) and len(matched):
            mask = np.zeros(len(self.norms), dtype=bool)
            mask[whole] = True
            matched = matched[~mask[matched]]
        return self._best(matched, limit, allowed)

    def _take(self, entry: int, how: str, score: float, allowed: np.ndarray | None,
              taken: set[int], out: list[dict[str, Any]]) -> None:
        ident = int(self.entry_item[entry])
        if ident in taken or (allowed is not None and not allowed[ident]):
            return
        taken.add(ident)
        item = self.items[ident]
        out.append({"taxonomy": item.taxonomy, "code": item.code, "label": item.label,
                    "matched": self.labels[entry], "match": how, "score": round(score, 4)})

    def _fuzzy(self, norm: str) -> list[tuple[int, float]]:
        """Entries sharing the most trigrams with ``norm``, scored by the best
        :func:`rapidfuzz.fuzz.ratio` of the query with the label's text from one of its
        word starts (so a typo anywhere counts, but a query is never matched inside a
        word), at least :data:`FUZZY_CUTOFF`; best first, as 0 to 1."""
        from rapidfuzz.fuzz import ratio

        wanted = np.array(_query_codes(norm), dtype=np.int64)
        at = np.searchsorted(self.gram_codes, wanted)
        inside = at < len(self.gram_codes)
        at, wanted = at[inside], wanted[inside]
        at = at[self.gram_codes[at] == wanted]
        slices = [self.gram_entries[self.gram_offsets[i]:self.gram_offsets[i + 1]]
                  for i in at.tolist()]
        if not slices:
            return []
        counts = np.bincount(np.concatenate(slices))
        # candidates share at least a third of the query's trigrams: the most shared,
        # then the shortest labels
        near = np.flatnonzero(counts >= max(1, len(wanted) // 3))
        if len(near) > FUZZY_CANDIDATES:
            priority = counts[near].astype(np.int64) * (1 << 40) - self.key[near]
            near = near[np.argpartition(-priority, FUZZY_CANDIDATES - 1)[:FUZZY_CANDIDATES]]
        size = len(norm)
        scored = []
        for entry in near.tolist():
            text = self.norms[entry]
            best = max(ratio(norm, text[s:s + size + d], score_cutoff=FUZZY_CUTOFF)
                       for s in _word_starts(text) for d in (-1, 0, 1))
            if best:
                scored.append((-best, int(self.key[entry]), entry))
        scored.sort()
        return [(entry, -score / 100.0) for score, _, entry in scored]


def _word_starts(norm: str) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(norm) if c == " "]


class LookupService:
    """Autocomplete over skill and occupation titles; keyset pages of stored records."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._lock = threading.Lock()
        self._indexes: dict[str, tuple[int, LabelIndex]] = {}

    def _index(self, what: str,
               read: Callable[[Any], Sequence[tuple[str, str, str, str, str]]]) -> LabelIndex:
        """The index of ``what`` as of the current taxonomy generation (built by one
        thread while the others wait; replaced whole, never changed)."""
        generation = taxonomy_generation(self._ctx.conn)
        found = self._indexes.get(what)
        if found is not None and found[0] == generation:
            return found[1]
        with self._lock:
            found = self._indexes.get(what)
            if found is None or found[0] != generation:
                found = (generation, LabelIndex(read(self._ctx.conn)))
                self._indexes[what] = found
            return found[1]

    def warm(self) -> dict[str, int]:
        """Build both indexes now (the server does at start); how many labels each holds."""
        return {"skills": len(self._index("skills", lookup_queries.skill_labels)),
                "occupations": len(self._index("occupations", self._occupation_rows))}

    @staticmethod
    def _occupation_rows(conn: Any) -> list[tuple[str, str, str, str, str]]:
        rows = lookup_queries.occupation_titles(conn)
        codes = {(t, c, p) for t, c, p, _, _ in rows}
        return sorted(rows + [(t, c, p, c, "code") for t, c, p in codes],
                      key=lambda r: (r[0], r[1]))

    def skills(self, query: str, *, limit: int = 10,
               taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """Skills whose preferred or alternative label matches ``query`` as typed so far."""
        index = self._index("skills", lookup_queries.skill_labels)
        return self._answer(index, query, limit, taxonomies)

    def occupations(self, query: str, *, limit: int = 10,
                    taxonomies: Sequence[str] = ()) -> dict[str, Any]:
        """Occupations whose title, other title or code matches ``query`` as typed so far."""
        index = self._index("occupations", self._occupation_rows)
        return self._answer(index, query, limit, taxonomies)

    @staticmethod
    def _answer(index: LabelIndex, query: str, limit: int,
                taxonomies: Sequence[str]) -> dict[str, Any]:
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}",
                             field="limit")
        unknown = [t for t in taxonomies if t not in index.taxonomies]
        if unknown:
            raise InputError(f"taxonomy {unknown[0]!r} has nothing to look up here (loaded: "
                             f"{', '.join(index.taxonomies) or 'none'})", field="taxonomy")
        return {"query": query, "results": index.search(query, limit, taxonomies)}

    # ------------------------------------------------------------ record pages
    def records_page(self, kind: str, *, after: int = 0, limit: int = 20,
                     filters: dict[str, str] | None = None, scope: Scope | None = None
                     ) -> dict[str, Any]:
        """Up to ``limit`` stored ``kind`` records after the row id ``after`` (0: from the
        first), by row id, matching ``filters`` (column -> value) among those ``scope``
        lets the reader see (postings and needs; default: all); their total; and
        ``next_after``, the row id to continue after (None on the last page)."""
        kind = check_kind(kind)
        if limit < 1:
            raise InputError(f"limit must be at least 1, got {limit}", field="limit")
        if after < 0:
            raise InputError(f"after must be at least 0, got {after}", field="after")
        store = self._ctx.records
        allowed = store.PAGE_FILTERS[kind]
        for name in filters or {}:
            if name not in allowed:
                raise InputError(f"{kind}s cannot be filtered on {name!r} (only on "
                                 f"{', '.join(allowed)})", field=name)
        total, rows = store.keyset_page(kind, after=after, limit=limit + 1,
                                        filters=filters, scope=scope)
        more = len(rows) > limit
        rows = rows[:limit]
        return {"kind": kind, "total": total, "records": rows,
                "next_after": int(rows[-1]["id"]) if more else None}
