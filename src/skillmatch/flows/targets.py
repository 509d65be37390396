"""Resolving a target occupation, and the skills (with demand weights) it calls for."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..demand import DemandModel
from ..embeddings.base import Embedder
from ..errors import InputError, NotFoundError
from ..index.catalog import DESC_OFFSET
from ..index.faiss_index import load_shared
from ..linking.linker import SkillLinker
from ..storage.occupation_store import OccupationStore
from ..taxonomy.crosswalk import OccupationCodes
from ..workspace import Workspace

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.state import State

MIN_TITLE_SCORE = 0.5
TITLE_MARGIN = 0.05  # nearest titles this close to the best one are all candidates
NEAREST_DEPTH = 10  # nearest index entries read per taxonomy
ALTERNATIVES = 5  # alternatives reported beside the chosen occupation
CODE_HOW = {"onet-2010": "O*NET-SOC 2010 code, crosswalked to 2019",
            "soc-2018": "SOC 2018 code", "soc-2010": "SOC 2010 code, crosswalked to SOC 2018"}


@dataclass(frozen=True)
class Occupation:
    code: str
    label: str
    description: str
    taxonomy: str
    row_id: int
    how: str  # code | title | nearest title | a crosswalked code | code used by postings
    score: float = 1.0
    resolved_from: str = ""
    records: int = 0  # postings and needs behind it (crosswalked codes counted)
    alternatives: tuple[dict[str, Any], ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "label": self.label, "taxonomy": self.taxonomy,
               "resolved_by": self.how, "score": round(self.score, 4),
               "resolved_from": self.resolved_from or self.code,
               "postings_and_needs": self.records, "alternatives": list(self.alternatives)}
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class _Candidate:
    row: dict[str, Any]
    how: str
    quality: int  # 2 exact preferred title, 1 exact other title or code, 0 nearest title
    score: float  # cosine of the query with the occupation's title (1 for a code)
    records: int = 0

    def key(self, min_records: int) -> tuple[int, int, float, int]:
        tier = 2 if self.records >= min_records else 1 if self.records else 0
        return (tier, self.quality, round(self.score, 4), self.records)

    def brief(self) -> dict[str, Any]:
        return {"code": self.row["code"], "label": self.row["label"],
                "taxonomy": self.row["taxonomy"], "matched_by": self.how,
                "score": round(self.score, 4), "postings_and_needs": self.records}


def resolve_occupation(conn: Any, workspace: Workspace, embedder: Embedder, query: str,
                       codes: OccupationCodes | None = None,
                       records: Callable[[str], int] | None = None,
                       min_records: int = 1) -> Occupation:
    """An occupation by code (O*NET-SOC 2019 or 2010, SOC 2018 or 2010, ESCO URI), by
    title, or by nearest title.

    When several occupations match (a SOC code with several O*NET-SOC occupations, a
    title that ESCO and O*NET or several O*NET occupations carry, nearest titles within
    ``TITLE_MARGIN`` of the best), the one with postings and needs behind it is chosen
    (``records``; at least ``min_records`` first), then the best title match; the others
    are reported as ``alternatives``. A code that only postings use resolves to itself,
    never to a posting's title.
    """
    text = query.strip()
    if not text:
        raise InputError("empty occupation (expected a code such as 15-1252.00 or a title)",
                         field="occupation")
    store = OccupationStore(conn)
    count = records or (lambda _code: 0)
    cands = [_Candidate(r, "code", 1, 1.0) for r in store.by_codes([text])]
    if not cands and codes is not None:
        found, how = codes.candidates(text)
        cands = [_Candidate(r, CODE_HOW.get(how, how), 1, 1.0) for r in store.by_codes(found)]
    if not cands:
        n, title = store.posting_count(text)
        if n:  # a code no loaded taxonomy or crosswalk has, but postings use
            return Occupation(text, text, "", "postings", 0, "code used by postings",
                              resolved_from=text, records=count(text),
                              note=f"{text} is in no loaded taxonomy or crosswalk; {n} "
                              "postings use it" + (f" (most often titled {title!r})"
                                                   if title else ""))
    if not cands:
        cands = _title_candidates(conn, store, workspace, embedder, text)
    if not cands:
        raise NotFoundError(
            f"no occupation matches {text!r}; give an O*NET-SOC code (e.g. 29-1141.00), a "
            "SOC code, an ESCO occupation URI, or a title of a loaded taxonomy")
    for c in cands:
        c.records = count(c.row["code"])
    cands.sort(key=lambda c: c.key(min_records), reverse=True)
    best = cands[0]
    row = best.row
    return Occupation(row["code"], row["label"], row["description"], row["taxonomy"],
                      int(row["id"]), best.how, best.score, resolved_from=text,
                      records=best.records,
                      alternatives=tuple(c.brief() for c in cands[1:1 + ALTERNATIVES]))


def find_occupation(ctx: Context, state: State, query: str) -> Occupation:
    """:func:`resolve_occupation` in the workspace of ``ctx``: codes of any release read
    through the stored crosswalks, candidates ranked by the postings and needs that
    demand counts toward them."""
    demand = state.demand
    return resolve_occupation(
        ctx.conn, ctx.workspace, ctx.embedder, query, state.codes,
        lambda code: int(demand.size(occupation=code)["records"]), demand.min_postings)


def nearest_occupations(conn: Any, workspace: Workspace, vector: np.ndarray,
                        depth: int = NEAREST_DEPTH) -> dict[int, float]:
    """Occupation row id -> best cosine of its titles or description with ``vector``
    (``depth`` nearest index entries per taxonomy with an occupation index)."""
    store = OccupationStore(conn)
    best: dict[int, float] = {}
    for name in store.taxonomy_names():
        directory = workspace.index_dir(f"occupations-{name}")
        if not (directory / "manifest.json").exists():
            continue
        index = load_shared(directory)
        scores, ids = index.search(vector.reshape(1, -1), depth)
        owners = store.label_owners([int(i) for i in ids[0] if 0 <= i < DESC_OFFSET])
        for score, entry in zip(scores[0].tolist(), ids[0].tolist()):
            owner = entry - DESC_OFFSET if entry >= DESC_OFFSET else owners.get(entry)
            if entry >= 0 and owner is not None and score > best.get(owner, -2.0):
                best[owner] = float(score)
    return best


def _title_candidates(conn: Any, store: OccupationStore, workspace: Workspace,
                      embedder: Embedder, text: str) -> list[_Candidate]:
    """Occupations whose title is ``text`` (any case), and those whose nearest title or
    description is within ``TITLE_MARGIN`` of the best (at least ``MIN_TITLE_SCORE``):
    "database administrator" is ESCO's title and nearly O*NET's "Database
    Administrators"; the one with postings is then chosen."""
    vector = embedder.embed_query([text])  # what a user typed: never kept on disk
    exact = store.by_label(text)
    out: dict[int, _Candidate] = {}
    if exact:
        labels = embedder.embed([row["label"] for row, _ in exact])
        cosines = (labels @ vector[0]).tolist()
        out = {int(row["id"]): _Candidate(row, f"title ({kind} label)",
                                          2 if kind == "preferred" else 1, float(cos))
               for (row, kind), cos in zip(exact, cosines)}
    best = nearest_occupations(conn, workspace, vector)
    top = max(best.values(), default=-1.0)
    if top >= MIN_TITLE_SCORE:
        rows = store.by_ids(o for o, s in best.items()
                            if s >= top - TITLE_MARGIN and o not in out)
        out.update({o: _Candidate(rows[o], "nearest title", 0, best[o]) for o in rows})
    return list(out.values())


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
            f"{size} postings and needs for {code}{recoded_note(demand, code)}")
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
    rows = OccupationStore(conn).relations(code, occupation.taxonomy)
    if linker is not None:  # only skills that credentials can be linked to count
        rows = [r for r in rows if r[0] in linker.skills_]
    weights = {}
    for sid, relation, meta in rows:
        m = json.loads(meta)
        w = {"essential": 1.0, "optional": 0.5}.get(relation, 0.4)
        if relation == "technology":
            w = 1.0 if m.get("in_demand") else 0.8 if m.get("hot") else 0.4
        weights[sid] = max(weights.get(sid, 0.0), w)
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


def recoded_note(demand: DemandModel, code: str) -> str:
    """Which of the occupation's records carried an older code (a crosswalk read them)."""
    old = [f"{n} coded {was}" for was, (now, n) in sorted(demand.recoded_.items())
           if now == code]
    return f" (crosswalked: {', '.join(old)})" if old else ""


def _linked_profile(conn: Any, linker: SkillLinker, occupation: Occupation,
                    depth: int = 30) -> dict[int, float]:
    """Skill weights in [0, 1] from the occupation's own text (description and tasks),
    ranked by the linker: for a target whose taxonomy is not the one linked against."""
    tasks = OccupationStore(conn).tasks(occupation.row_id, 12)
    text = " ".join([f"{occupation.label}.", occupation.description, *tasks]).strip()
    if not text:
        return {}
    [result] = linker.rank([text], depth)
    # one group per taxonomy, each on its own scale: scaled by its own best score
    top: dict[str, float] = {}
    for s in result.skills:
        top[s.taxonomy] = max(top.get(s.taxonomy, 0.0), s.score)
    return {s.row_id: s.score / top[s.taxonomy] for s in result.skills if s.score > 0}


def _normalise(stats: dict[int, dict[str, float]], key: str) -> dict[int, float]:
    top = max((f[key] for f in stats.values()), default=0.0)
    return {s: f[key] / top for s, f in stats.items()} if top else {}


def global_weights(demand: DemandModel, region: str | None) -> dict[int, float]:
    """Without a target: the specificity-adjusted demand of every skill, scaled to [0, 1]."""
    return demand.scaled("score", region)


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
