"""Crosswalk from Rich Skill Descriptors to ESCO and O*NET: proposals to review.

For each RSD skill and each target taxonomy, up to ``k`` target skills, best first:

1. **declared** (score 1.0): the RSD's own alignments name the target (its id, e.g. an
   ESCO concept URI or an O*NET ``tech:`` code; or, for an alignment to an O*NET
   framework, the target's label);
2. **exact label** (score 1.0): the RSD's name is the target's label (case and spacing
   aside), or one of its alternative labels when the target gives them;
3. **embedding**: the nearest by cosine of ``label. statement`` (RSD) against
   ``label. description`` (target), with the ``embed`` callable passed in
   (``embed(list[str]) -> ndarray`` of unit vectors: the workspace's embedder, or the
   deterministic ``FakeEmbedder`` in tests).

Every row starts as ``proposed``; a reviewer sets ``accepted`` or ``rejected`` in the
CSV (:func:`write_crosswalk_csv`, read back by :func:`read_crosswalk_csv`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import InputError
from ..records import SkillRecord

STATUSES = ("proposed", "accepted", "rejected")
METHODS = ("declared", "exact label", "embedding")
BLOCK = 512  # RSD skills scored against a taxonomy at once (bounds the score matrix)


class TargetSkill(Protocol):
    """What the crosswalk needs of a target skill: the store's ``SkillRow`` has it."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def taxonomy(self) -> str: ...
    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class Target:
    """A target skill given directly (tests, or skills read from a bundle)."""

    code: str
    label: str
    taxonomy: str
    description: str = ""
    alt_labels: tuple[str, ...] = ()


@dataclass
class CrosswalkRow:
    rsd_code: str
    rsd_label: str
    target_taxonomy: str
    target_code: str
    target_label: str
    score: float  # 1.0 for declared and exact label matches, else the cosine
    rank: int  # 1 = best, per RSD skill and target taxonomy
    method: str  # declared | exact label | embedding
    reason: str
    status: str = "proposed"  # proposed | accepted | rejected (a reviewer's call)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS = tuple(f.name for f in fields(CrosswalkRow))
Embed = Callable[[list[str]], np.ndarray]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _text(label: str, description: str) -> str:
    return f"{label}. {description}".strip() if description else label


def crosswalk(rsd_skills: Sequence[SkillRecord], target_skills: Iterable[TargetSkill],
              embed: Embed, k: int = 3) -> list[CrosswalkRow]:
    """Each RSD skill's ``k`` nearest skills in each target taxonomy (ESCO, O*NET, or
    any other given), declared and exact matches first: rows ordered by RSD skill,
    taxonomy (as first seen among the targets), then rank."""
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}", field="k")
    by_taxonomy: dict[str, list[TargetSkill]] = {}
    for t in target_skills:
        by_taxonomy.setdefault(t.taxonomy, []).append(t)
    if not rsd_skills or not by_taxonomy:
        return []
    rsd_vectors = _embed(embed, [_text(s.label, s.description) for s in rsd_skills], "RSD")
    rows: dict[tuple[int, str], list[CrosswalkRow]] = {}
    for taxonomy, targets in by_taxonomy.items():
        vectors = _embed(embed, [_text(t.label, t.description) for t in targets], taxonomy)
        if vectors.shape[1] != rsd_vectors.shape[1]:
            raise InputError(f"embed returned {vectors.shape[1]} dimensions for {taxonomy} "
                             f"but {rsd_vectors.shape[1]} for the RSDs", field="embed")
        fixed = _fixed_matches(rsd_skills, targets)
        depth = min(len(targets), k + max((len(v) for v in fixed.values()), default=0))
        for start in range(0, len(rsd_skills), BLOCK):
            scores = rsd_vectors[start:start + BLOCK] @ vectors.T
            for offset, row_scores in enumerate(scores):
                i = start + offset
                rows[(i, taxonomy)] = _rank(rsd_skills[i], taxonomy, targets,
                                            fixed.get(i, []), row_scores, depth, k)
    order = list(by_taxonomy)
    return [r for i in range(len(rsd_skills)) for t in order for r in rows[(i, t)]]


def _embed(embed: Embed, texts: list[str], what: str) -> np.ndarray:
    vectors = np.asarray(embed(texts), dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts) or not np.isfinite(vectors).all():
        raise InputError(f"embed returned shape {vectors.shape} for {len(texts)} {what} texts "
                         "(expected one finite vector per text)", field="embed")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def _fixed_matches(rsd_skills: Sequence[SkillRecord], targets: Sequence[TargetSkill]
                   ) -> dict[int, list[tuple[int, str, str]]]:
    """RSD index -> [(target index, method, reason)] for declared and exact matches."""
    by_code = {t.code: j for j, t in enumerate(targets)}
    by_label: dict[str, list[tuple[int, str]]] = {}
    for j, t in enumerate(targets):
        by_label.setdefault(_norm(t.label), []).append((j, "label"))
        for alt in getattr(t, "alt_labels", ()) or ():
            by_label.setdefault(_norm(alt), []).append((j, "alternative label"))
    out: dict[int, list[tuple[int, str, str]]] = {}
    for i, skill in enumerate(rsd_skills):
        found: dict[int, tuple[str, str]] = {}
        for alignment in _declared(skill):
            hit = by_code.get(alignment["id"]) if alignment["id"] else None
            if hit is None and _is_onet_framework(alignment["framework"]) and alignment["name"]:
                hit = next((j for j, kind in by_label.get(_norm(alignment["name"]), [])
                            if kind == "label" and targets[j].code.startswith("tech:")), None)
            if hit is not None and hit not in found:
                framework = alignment["framework"] or "the RSD"
                found[hit] = ("declared", f"declared in the RSD's alignments ({framework})")
        for j, kind in by_label.get(_norm(skill.label), []):
            if j not in found:
                found[j] = ("exact label", f"the RSD's name is the target's {kind}")
        if found:
            out[i] = [(j, m, r) for j, (m, r) in found.items()]
    return out


def _declared(skill: SkillRecord) -> list[dict[str, str]]:
    alignments = [a for a in skill.meta.get("alignments") or [] if isinstance(a, Mapping)]
    out = [{"id": str(a.get("id") or ""), "name": str(a.get("name") or ""),
            "framework": str(a.get("framework") or "")} for a in alignments]
    for key, framework in (("esco_uri", "ESCO"), ("onet_code", "O*NET")):
        if skill.meta.get(key):
            out.append({"id": str(skill.meta[key]), "name": "", "framework": framework})
    return out


def _is_onet_framework(name: str) -> bool:
    return name.casefold().replace("*", "").replace(" ", "").startswith("onet")


def _rank(skill: SkillRecord, taxonomy: str, targets: Sequence[TargetSkill],
          fixed: list[tuple[int, str, str]], scores: np.ndarray, depth: int, k: int
          ) -> list[CrosswalkRow]:
    chosen = [(j, 1.0, method, reason) for j, method, reason in
              sorted(fixed, key=lambda f: (METHODS.index(f[1]), -float(scores[f[0]])))]
    taken = {j for j, *_ in chosen}
    if depth < len(scores):
        top = np.argpartition(-scores, depth - 1)[:depth]
    else:
        top = np.arange(len(scores))
    for j in sorted(top.tolist(), key=lambda j: (-float(scores[j]), j)):
        if len(chosen) >= max(k, len(fixed)):
            break
        if j not in taken:
            chosen.append((j, round(float(scores[j]), 4), "embedding",
                           "nearest by cosine of label and statement"))
    return [CrosswalkRow(skill.code, skill.label, taxonomy, targets[j].code, targets[j].label,
                         score, rank, method, reason)
            for rank, (j, score, method, reason) in enumerate(chosen, start=1)]


def write_crosswalk_csv(rows: Iterable[CrosswalkRow], path: str | Path,
                        provenance: Mapping[str, Any]) -> Path:
    """Write the rows as CSV (one row per proposal, the columns of
    :class:`CrosswalkRow`) with CSVW provenance metadata beside it (the RSD
    taxonomy and the targets with their versions, the model, the skillmatch version,
    the date: see :mod:`skillmatch.formats.provenance`). Returns the CSV's path."""
    from ..formats.provenance import csv_text, csvw_metadata, write_csv
    from ..formats.provenance import provenance as full

    path = Path(path)
    prov = full(provenance)
    meta = csvw_metadata(path.name, COLUMNS, prov, "RSD crosswalk to ESCO and O*NET",
                         {"score": "double", "rank": "integer"})
    meta["dc:description"] = ("Proposed matches to review: set status to accepted or "
                              "rejected. Methods: " + ", ".join(METHODS) + ".")
    write_csv(path, csv_text(COLUMNS, [r.to_dict() for r in rows]), meta)
    return path


def read_crosswalk_csv(path: str | Path) -> list[CrosswalkRow]:
    """Rows of a crosswalk CSV, as reviewed (status one of proposed, accepted, rejected)."""
    from ..formats.provenance import unsafe_cell

    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)} (expected a crosswalk "
                             "CSV written by skillmatch)", path=path, line=1)
        out = []
        for row in reader:
            line = reader.line_num
            values = {c: unsafe_cell(row[c] or "") for c in COLUMNS}
            status = values["status"].strip().lower()
            if status not in STATUSES:
                raise InputError(f"status {values['status']!r} (expected one of "
                                 f"{', '.join(STATUSES)})", path=path, line=line,
                                 column="status")
            try:
                score, rank = float(values["score"]), int(values["rank"])
            except ValueError as exc:
                raise InputError(f"score or rank is not a number ({exc})", path=path,
                                 line=line, column="score") from exc
            out.append(CrosswalkRow(
                rsd_code=values["rsd_code"], rsd_label=values["rsd_label"],
                target_taxonomy=values["target_taxonomy"], target_code=values["target_code"],
                target_label=values["target_label"], score=score, rank=rank,
                method=values["method"], reason=values["reason"], status=status))
    return out
