"""Resolving a target occupation, and the skills (with demand weights) it calls for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..demand import DemandModel
from ..embeddings.base import Embedder
from ..errors import InputError, NotFoundError
from ..index.catalog import DESC_OFFSET
from ..index.faiss_index import FaissIndex
from ..linking.linker import SkillLinker
from ..workspace import Workspace

MIN_TITLE_SCORE = 0.5


@dataclass(frozen=True)
class Occupation:
    code: str
    label: str
    description: str
    taxonomy: str
    row_id: int
    how: str  # code | title | nearest title
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "taxonomy": self.taxonomy,
                "resolved_by": self.how, "score": round(self.score, 4)}


def resolve_occupation(conn: Any, workspace: Workspace, embedder: Embedder,
                       query: str) -> Occupation:
    """An occupation by code (O*NET-SOC, ESCO URI), by title, or by nearest title."""
    text = query.strip()
    if not text:
        raise InputError("empty occupation (expected a code such as 15-1252.00 or a title)",
                         field="occupation")
    sql = ("SELECT o.id, o.code, o.label, o.description, t.name FROM occupations o"
           " JOIN taxonomies t ON t.id=o.taxonomy_id")
    row = conn.execute(f"{sql} WHERE o.code=?", (text,)).fetchone()
    if row:
        return Occupation(row[1], row[2], row[3], row[4], row[0], "code")
    row = conn.execute(
        "SELECT title, count(*) AS n FROM postings WHERE occupation_code=? GROUP BY title"
        " ORDER BY n DESC LIMIT 1", (text,)).fetchone()
    if row:  # a code no loaded taxonomy has, but postings use
        return Occupation(text, row[0], "", "postings", 0, "code used by postings")
    row = conn.execute(
        f"{sql} JOIN occupation_labels l ON l.occupation_id=o.id WHERE lower(l.label)=lower(?)"
        " ORDER BY l.kind='preferred' DESC LIMIT 1", (text,)).fetchone()
    if row:
        return Occupation(row[1], row[2], row[3], row[4], row[0], "title")
    best: tuple[float, int] | None = None
    vector = embedder.embed([text])
    for (name,) in conn.execute("SELECT name FROM taxonomies"):
        directory = workspace.index_dir(f"occupations-{name}")
        if not (directory / "manifest.json").exists():
            continue
        index, _ = FaissIndex.load(directory)
        scores, ids = index.search(vector, 1)
        if ids[0, 0] >= 0 and (best is None or scores[0, 0] > best[0]):
            entry = int(ids[0, 0])
            owner = entry - DESC_OFFSET if entry >= DESC_OFFSET else conn.execute(
                "SELECT occupation_id FROM occupation_labels WHERE id=?", (entry,)).fetchone()[0]
            best = (float(scores[0, 0]), int(owner))
    if best is None or best[0] < MIN_TITLE_SCORE:
        raise NotFoundError(
            f"no occupation matches {text!r}; give an O*NET-SOC code (e.g. 29-1141.00), an "
            "ESCO occupation URI, or a title of a loaded taxonomy")
    row = conn.execute(f"{sql} WHERE o.id=?", (best[1],)).fetchone()
    return Occupation(row[1], row[2], row[3], row[4], row[0], "nearest title", best[0])


def occupation_skills(conn: Any, demand: DemandModel, occupation: Occupation,
                      region: str | None, linker: SkillLinker | None = None
                      ) -> tuple[dict[int, float], str]:
    """Skill row id -> weight in [0, 1] for the occupation, and the basis used.

    Postings of the occupation when it has enough; else postings of its broad SOC
    group (first four characters); else the taxonomy's own signals (O*NET In Demand
    1.0, Hot Technology 0.8, other technologies 0.4; ESCO essential 1.0, optional
    0.5); else whatever few postings it has.
    """
    code = occupation.code
    size = demand.size(occupation=code, region=region)["records"]
    if size >= demand.min_postings:
        return _normalise(demand.skills(occupation=code, region=region), "share"), (
            f"{size} postings and needs for {code}")
    group = [o for o in demand.occupations_.tolist() if o and o[:4] == code[:4]]
    if group and len(code) >= 4:
        weights: dict[int, float] = {}
        total = 0.0
        for other in group:
            total += demand.size(occupation=other, region=region)["records"]
            for sid, fig in demand.skills(occupation=other, region=region).items():
                weights[sid] = weights.get(sid, 0.0) + fig["weight"]
        if total >= demand.min_postings:
            top = max(weights.values(), default=1.0) or 1.0
            return {s: w / top for s, w in weights.items()}, (
                f"{int(total)} postings and needs in the broad group {code[:4]} "
                f"(only {size} for {code})")
    rows = conn.execute(
        "SELECT r.skill_id, r.relation, r.meta FROM occupation_skills r JOIN taxonomies t"
        " ON t.id=r.taxonomy_id WHERE r.occupation_code=? AND t.name=?",
        (code, occupation.taxonomy)).fetchall()
    if linker is not None:  # only skills that credentials can be linked to count
        rows = [r for r in rows if int(r[0]) in linker.skills_]
    weights = {}
    for sid, relation, meta in rows:
        m = json.loads(meta)
        w = {"essential": 1.0, "optional": 0.5}.get(relation, 0.4)
        if relation == "technology":
            w = 1.0 if m.get("in_demand") else 0.8 if m.get("hot") else 0.4
        weights[int(sid)] = max(weights.get(int(sid), 0.0), w)
    basis = f"taxonomy signals of {occupation.taxonomy}"
    # O*NET relates occupations to technologies only: read the rest from its own text
    if linker is not None and all(r[1] == "technology" for r in rows) and occupation.row_id:
        for sid, w in _linked_profile(conn, linker, occupation).items():
            weights[sid] = max(weights.get(sid, 0.0), w)
        basis = (f"{basis} and skills linked from its description and tasks"
                 if rows else f"skills linked from the {occupation.taxonomy} description and "
                 "tasks")
    if weights:
        return weights, f"{basis} ({size} postings: too few)"
    stats = demand.skills(occupation=code, region=region)
    return _normalise(stats, "share"), f"only {size} postings and needs for {code}"


def _linked_profile(conn: Any, linker: SkillLinker, occupation: Occupation,
                    depth: int = 30) -> dict[int, float]:
    """Skill weights in [0, 1] from the occupation's own text (description and tasks),
    ranked by the linker: for a target whose taxonomy is not the one linked against."""
    tasks = [r[0] for r in conn.execute(
        "SELECT text FROM occupation_tasks WHERE occupation_id=? ORDER BY id LIMIT 12",
        (occupation.row_id,))]
    text = " ".join([f"{occupation.label}.", occupation.description, *tasks]).strip()
    if not text:
        return {}
    [result] = linker.rank([text], depth)
    scores = {s.row_id: s.score for s in result.skills if s.score > 0}
    top = max(scores.values(), default=0.0)
    return {sid: score / top for sid, score in scores.items()} if top else {}


def _normalise(stats: dict[int, dict[str, float]], key: str) -> dict[int, float]:
    top = max((f[key] for f in stats.values()), default=0.0)
    return {s: f[key] / top for s, f in stats.items()} if top else {}


def global_weights(demand: DemandModel, region: str | None) -> dict[int, float]:
    """Without a target: the specificity-adjusted demand of every skill, scaled to [0, 1]."""
    return _normalise(demand.skills(region=region), "score")


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
