"""The blind judging sheet of ``skillmatch eval judged``: making it, reading it back.

:func:`judging_sheet` turns the linkers' results into one row per (document, skill) with
no linker name, score or rank, and a private key; :func:`carry_judgements` keeps the
judgements of an earlier sheet; :func:`normalize_judgement` checks a judged row;
:func:`read_jsonl` / :func:`write_jsonl` are the sheet files; :func:`judging_view` is the
page a judge reads.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from .judged_documents import Document

JUDGEMENTS = ("correct", "plausible", "wrong")
_SHORT = {"c": "correct", "p": "plausible", "w": "wrong"}
CONTEXT_CHARS = 80


class _Evidence(Protocol):
    start: int
    end: int
    text: str


class _Linked(Protocol):
    id: str
    label: str
    taxonomy: str
    score: float
    evidence: _Evidence


class _Result(Protocol):
    @property
    def skills(self) -> Sequence[_Linked]: ...


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The evidence in ``[[...]]`` with about ``width`` characters either side, cut at
    word boundaries, whitespace collapsed."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and not text[lo - 1].isspace():  # drop a cut word
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi

    window = " ".join(f"{text[lo:start]}[[{text[start:end]}]]{text[end:hi]}".split())
    return ("…" if lo > 0 else "") + window + ("…" if hi < len(text) else "")


def judging_sheet(
    docs: Sequence[Document], runs: Mapping[str, Sequence[_Result]], seed: int = 13,
    describe: Callable[[str, str], str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The blind judging sheet and its private key, from each linker's results
    (``runs[name][i]`` are the links of ``docs[i]``).

    One sheet row per (document, skill) linked by any linker: row id, document, skill id,
    label, taxonomy, the skill's description (``describe(taxonomy, skill_id)``, when given),
    and every distinct evidence span with a short context, in text order, and an empty
    ``judgement``. No linker name, score or rank. Documents are in a seeded shuffled
    order and rows shuffled within each document (judging reads one document at a time).
    The key gives, per row, the linkers that produced it with their score and evidence.
    """
    for name, results in runs.items():
        if len(results) != len(docs):
            raise InputError(f"linker {name!r} returned {len(results)} results for "
                             f"{len(docs)} documents")
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for name in sorted(runs):
        for doc, result in zip(docs, runs[name]):
            for s in result.skills:
                key = (doc.doc_id, s.id)
                entry = merged.setdefault(key, {"doc": doc, "skill": s, "by": {}})
                entry["by"][name] = {"score": round(float(s.score), 4),
                                     "start": s.evidence.start, "end": s.evidence.end}
    rng = random.Random(seed)
    order = [d.doc_id for d in docs]
    rng.shuffle(order)
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(merged):
        by_doc[key[0]].append(key)
    sheet: list[dict[str, Any]] = []
    key_rows: list[dict[str, Any]] = []
    for doc_id in order:
        keys = by_doc.get(doc_id, [])
        rng.shuffle(keys)
        for key in keys:
            entry = merged[key]
            doc, skill = entry["doc"], entry["skill"]
            spans = sorted({(v["start"], v["end"]) for v in entry["by"].values()})
            row_id = f"r{len(sheet) + 1:04d}"
            sheet.append({
                "row": row_id, "doc_id": doc.doc_id, "kind": doc.kind, "title": doc.title,
                "skill_id": skill.id, "label": skill.label, "taxonomy": skill.taxonomy,
                "skill_description": _short(describe(skill.taxonomy, skill.id))
                if describe else "",
                "evidence": [{"start": a, "end": b, "text": doc.text[a:b],
                              "context": context(doc.text, a, b)} for a, b in spans],
                "judgement": "", "note": ""})
            key_rows.append({"row": row_id, "doc_id": doc.doc_id, "kind": doc.kind,
                             "skill_id": skill.id, "linkers": dict(sorted(entry["by"].items()))})
    return sheet, key_rows


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def carry_judgements(old: Iterable[Mapping[str, Any]], new: list[dict[str, Any]]) -> int:
    """Copy judgements and notes of an earlier sheet onto a new one by (doc id, skill id);
    the number of rows that got one."""
    earlier = {(r["doc_id"], r["skill_id"]): r for r in old if r.get("judgement")}
    carried = 0
    for row in new:
        prev = earlier.get((row["doc_id"], row["skill_id"]))
        if prev is not None:
            row["judgement"], row["note"] = prev["judgement"], prev.get("note", "")
            carried += 1
    return carried


# ------------------------------------------------------ reading judged rows
def normalize_judgement(value: Any, where: str = "") -> str | None:
    """``correct``/``plausible``/``wrong`` (or c/p/w, any case); None when not judged."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    text = _SHORT.get(text, text)
    if text not in JUDGEMENTS:
        raise InputError(f"judgement {value!r} (expected one of {', '.join(JUDGEMENTS)}, "
                         "or c, p, w)", field=where or "judgement")
    return text


def _judgement_map(judgements: Iterable[Mapping[str, Any]] | Mapping[Any, Any]
                   ) -> dict[tuple[str, str], str | None]:
    if isinstance(judgements, Mapping):
        return {(str(d), str(s)): normalize_judgement(v, f"{d} {s}")
                for (d, s), v in judgements.items()}
    return {(r["doc_id"], r["skill_id"]): normalize_judgement(r.get("judgement"),
                                                               str(r.get("row", "")))
            for r in judgements}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError("no such file (make it with `skillmatch eval judged --make-sheet`)",
                         path=path)
    out = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"not JSON ({exc})", path=path, line=line_no) from exc
    return out


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(path)


def judging_view(docs: Sequence[Document], sheet: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown page per document for the judge: the full text, then its rows (row id,
    skill, evidence). Holds the document texts: write it outside the repository."""
    rows: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in sheet:
        rows[r["doc_id"]].append(r)
    by_id = {d.doc_id: d for d in docs}
    lines = ["# Judging view (rules: docs/judging.md)", ""]
    for doc_id in dict.fromkeys(r["doc_id"] for r in sheet):
        d = by_id[doc_id]
        lines += [f"## {doc_id} ({d.kind}, {d.field}): {d.title}", "", "```", d.text, "```", ""]
        for r in rows[doc_id]:
            ev = "; ".join(f"\"{e['context']}\"" for e in r["evidence"])
            lines.append(f"- **{r['row']}** {r['label']} ({r['taxonomy']}) "
                         f"[{r['judgement'] or ' '}]: {ev}")
            if r.get("skill_description"):
                lines.append(f"  - _{r['skill_description']}_")
        lines.append("")
    return "\n".join(lines)
