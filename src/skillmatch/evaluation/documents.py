"""Whole postings rebuilt from SkillSpan: how precise is linking on a real document?

SkillSpan's sentences carry ``(source, idx)``: every sentence of one posting, in order,
boilerplate included (titles, "Date posted:", addresses, benefits). A posting is
rebuilt as its sentences joined by line breaks and linked as one document, exactly as
a user's import would link it. Every distinct evidence span of the linked skills is
mapped back to its sentence's tokens and scored against the gold skill and knowledge
spans of that sentence:

- span precision: share of linked evidence spans that match a gold span (strict: token
  IoU >= 0.5, or loose: one shared token);
- span recall: share of gold spans matched by a linked evidence span;
- links per posting: linked skills per document (what a user reads).

Tune on dev (or train), report test.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import LinkResult
from . import metrics

Span = tuple[int, int, int]  # sentence, first token, end token (exclusive)


@dataclass(frozen=True)
class PostingDoc:
    key: str  # source:idx
    text: str
    sentence_starts: list[int]  # character offset of each sentence in text
    token_offsets: list[list[tuple[int, int]]]  # per sentence, token char offsets in text
    gold: list[Span]

    def to_span(self, start: int, end: int) -> Span | None:
        """The sentence and token span covered by characters ``start:end``."""
        s = bisect.bisect_right(self.sentence_starts, start) - 1
        if s < 0:
            return None
        inside = [i for i, (a, b) in enumerate(self.token_offsets[s]) if a < end and b > start]
        return (s, inside[0], inside[-1] + 1) if inside else None


def load_postings(path: Path, limit: int | None = None) -> list[PostingDoc]:
    """SkillSpan sentences grouped into postings by ``(source, idx)``, in file order."""
    if not path.is_file():
        raise InputError("no such SkillSpan file (expected JSON lines with source, idx, "
                         "tokens, tags_skill, tags_knowledge)", path=path)
    groups: dict[str, list[tuple[list[str], list[str], list[str]]]] = {}
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = f"{row['source']}:{row['idx']}"
                groups.setdefault(key, []).append(
                    (row["tokens"], row["tags_skill"], row["tags_knowledge"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"not a SkillSpan record ({exc})", path=path,
                                 line=line_no) from exc
    docs = []
    for key, sentences in list(groups.items())[:limit]:
        parts: list[str] = []
        starts: list[int] = []
        offsets: list[list[tuple[int, int]]] = []
        gold: list[Span] = []
        pos = 0
        for s, (tokens, skill, knowledge) in enumerate(sentences):
            starts.append(pos)
            offs = []
            for tok in tokens:
                offs.append((pos, pos + len(tok)))
                pos += len(tok) + 1
            offsets.append(offs)
            parts.append(" ".join(tokens))
            spans = set(metrics.bio_spans(skill) + metrics.bio_spans(knowledge))
            gold.extend((s, a, b) for a, b in spans)
            if not tokens:
                pos += 1
        docs.append(PostingDoc(key, "\n".join(parts), starts, offsets, sorted(gold)))
    return docs


def predicted_spans(doc: PostingDoc, result: LinkResult) -> list[Span]:
    """The distinct evidence spans of a document's linked skills, as token spans."""
    out = {doc.to_span(s.evidence.start, s.evidence.end) for s in result.skills}
    return sorted(sp for sp in out if sp is not None and sp[2] > sp[1])


def _match(a: Span, b: Span, rule: str) -> bool:
    return a[0] == b[0] and metrics.overlaps(a[1:], b[1:], rule)


def score_documents(docs: Sequence[PostingDoc], results: Sequence[LinkResult]
                    ) -> dict[str, Any]:
    """Span precision and recall (strict and loose) and links per posting."""
    out: dict[str, Any] = {"postings": len(docs), "gold_spans": sum(len(d.gold) for d in docs)}
    preds = [predicted_spans(d, r) for d, r in zip(docs, results)]
    for rule in ("strict", "loose"):
        tp_pred = sum(sum(1 for p in pred if any(_match(p, g, rule) for g in d.gold))
                      for d, pred in zip(docs, preds))
        tp_gold = sum(sum(1 for g in d.gold if any(_match(p, g, rule) for p in pred))
                      for d, pred in zip(docs, preds))
        n_pred = sum(len(p) for p in preds)
        p = tp_pred / n_pred if n_pred else 0.0
        r = tp_gold / out["gold_spans"] if out["gold_spans"] else 0.0
        out[rule] = {"precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}
    out["spans"] = sum(len(p) for p in preds)
    out["links_per_posting"] = round(sum(len(r.skills) for r in results) / max(len(docs), 1), 1)
    return out


def link_documents(link: Callable[[list[str]], list[LinkResult]], docs: Sequence[PostingDoc],
                   progress: Callable[[str, int, int], None] | None = None,
                   label: str = "postings", chunk: int = 8) -> list[LinkResult]:
    results: list[LinkResult] = []
    for i in range(0, len(docs), chunk):
        results.extend(link([d.text for d in docs[i : i + chunk]]))
        if progress:
            progress(label, min(i + chunk, len(docs)), len(docs))
    return results
