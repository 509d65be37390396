"""Signals per (program, SOC occupation) pair, each a programs x occupations matrix.

Occupations are O*NET 29.2's grouped by SOC 2018 code (the first seven characters of
the O*NET-SOC code); a group's vectors are the mean of its occupations'. Signals:

- ``text``: the program's text against the occupation's title, description and first
  eight task statements, each the mean of its sentence vectors (as the import pipeline
  indexes records);
- ``skills``: cosine of the two texts' top-30 linked ESCO skills, weighted by inverse
  document frequency over both sides;
- ``description``: one vector for the program text against one for the occupation's
  O*NET description (the baseline's signal);
- ``title``: the program title against the nearest of the occupation's titles (O*NET
  title and alternate titles);
- ``lexical``: TF-IDF cosine (words) between the program text and the occupation's
  titles, description and tasks.

The family prior's signals come from :mod:`.prior`. Nothing here reads labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ProgressFn = Callable[[str, int, int], None]
PROFILE_DEPTH = 30  # skills linked per text for the profiles
TASKS_PER_DOC = 8
TEXT_FEATURES = ("text", "skills", "description", "title", "lexical")


@dataclass
class Programs:
    """The program side: one entry per program."""

    ids: list[str]
    titles: list[str]
    texts: list[str]  # what the learned model reads (title and description)
    baseline_texts: list[str]  # what the baseline reads
    cips: list[str | None]  # CIP codes (for the prior), None when unknown


@dataclass
class Occupations:
    """The occupation side, grouped by SOC 2018 code (``socs`` sorted)."""

    socs: list[str]
    labels: dict[str, str]
    documents: list[str]  # one per O*NET occupation, in SOC order
    descriptions: list[str]
    owner: np.ndarray  # O*NET occupation -> SOC index
    titles: list[str]  # O*NET titles and alternate titles, grouped by SOC index
    title_owner: np.ndarray  # title -> SOC index (non-decreasing)
    lexical_docs: list[str]  # one per SOC


def load_occupations(app: Any) -> Occupations:
    """O*NET occupations from the workspace (imported as taxonomy ``onet``)."""
    tasks: dict[int, list[str]] = defaultdict(list)
    for oid, text in app.conn.execute(
        "SELECT t.occupation_id, t.text FROM occupation_tasks t JOIN occupations o"
        " ON o.id=t.occupation_id JOIN taxonomies x ON x.id=o.taxonomy_id"
        " WHERE x.name='onet' ORDER BY t.id"):
        tasks[oid].append(text)
    alts: dict[int, list[str]] = defaultdict(list)
    for oid, label in app.conn.execute(
        "SELECT l.occupation_id, l.label FROM occupation_labels l JOIN occupations o"
        " ON o.id=l.occupation_id JOIN taxonomies x ON x.id=o.taxonomy_id"
        " WHERE x.name='onet' AND l.kind='alternative' ORDER BY l.id"):
        alts[oid].append(label)
    by_soc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in app.taxonomies.occupations("onet"):
        by_soc[row["code"][:7]].append(row)
    socs = sorted(by_soc)
    docs, descs, owner, titles, title_owner, lexical = [], [], [], [], [], []
    for i, soc in enumerate(socs):
        words: list[str] = []
        seen: set[str] = set()
        for row in by_soc[soc]:
            t = tasks[row["id"]]
            docs.append(f"{row['label']}. {row['description']} " + " ".join(t[:TASKS_PER_DOC]))
            descs.append(row["description"])
            owner.append(i)
            for title in [row["label"], *alts[row["id"]]]:
                if title.lower() not in seen:
                    seen.add(title.lower())
                    titles.append(title)
                    title_owner.append(i)
            words += [row["label"], row["description"], *t]
        lexical.append(" ".join(words + sorted(seen)))
    return Occupations(
        socs=socs, labels={s: by_soc[s][0]["label"] for s in socs}, documents=docs,
        descriptions=descs, owner=np.array(owner), titles=titles,
        title_owner=np.array(title_owner), lexical_docs=lexical)


def group_mean(vectors: np.ndarray, owner: np.ndarray, groups: int) -> np.ndarray:
    """Row-normalised mean of the vectors of each group."""
    out = np.zeros((groups, vectors.shape[1]), dtype=np.float32)
    np.add.at(out, owner, vectors)
    return unit_rows(out)


def unit_rows(m: np.ndarray) -> np.ndarray:
    return (m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def profiles(linker: Any, texts: Sequence[str], progress: ProgressFn | None = None,
             stage: str = "profiles") -> np.ndarray:
    """Texts x skills matrix of linked-skill scores (the top skills of each text)."""
    width = max(linker.skills_) + 1
    out = np.zeros((len(texts), width), dtype=np.float32)
    step = 200
    for start in range(0, len(texts), step):
        for j, r in enumerate(linker.rank(list(texts[start : start + step]), PROFILE_DEPTH),
                              start=start):
            for s in r.skills:
                out[j, s.row_id] = max(s.score, 0.0)
        if progress:
            progress(stage, min(start + step, len(texts)), len(texts))
    return out


def idf_weight(programs: np.ndarray, occupations: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Weight skills by inverse document frequency over both sides, then unit-normalise."""
    df = (programs > 0).sum(axis=0) + (occupations > 0).sum(axis=0)
    idf = np.log((len(programs) + len(occupations) + 1) / (df + 1)).astype(np.float32)
    return unit_rows(programs * idf), unit_rows(occupations * idf)


def max_by_group(queries: np.ndarray, items: np.ndarray, owner: np.ndarray, groups: int,
                 chunk: int = 256) -> np.ndarray:
    """queries x groups: the best cosine between a query and any item of the group.

    ``owner`` must be non-decreasing and cover every group.
    """
    starts = np.searchsorted(owner, np.arange(groups))
    out = np.empty((len(queries), groups), dtype=np.float32)
    for a in range(0, len(queries), chunk):
        sim = queries[a : a + chunk] @ items.T
        out[a : a + chunk] = np.maximum.reduceat(sim, starts, axis=1)
    return out


def lexical_similarity(program_texts: Sequence[str], occupation_docs: Sequence[str]
                       ) -> np.ndarray:
    """TF-IDF (sublinear, English stop words) cosine, fitted on the occupation side."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1,
                          token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    o = vec.fit_transform(occupation_docs)
    p = vec.transform(program_texts)
    return np.asarray((p @ o.T).toarray(), dtype=np.float32)


def text_features(app: Any, linker: Any, programs: Programs, occ: Occupations,
                  progress: ProgressFn | None = None) -> dict[str, np.ndarray]:
    """Every text signal, each a programs x ``occ.socs`` matrix."""
    embed = app.embedder.embed
    n = len(occ.socs)
    out: dict[str, np.ndarray] = {}
    base_p = np.asarray(embed(programs.baseline_texts), dtype=np.float32)
    base_o = group_mean(np.asarray(embed(occ.descriptions), dtype=np.float32), occ.owner, n)
    out["description"] = base_p @ base_o.T
    _, doc_p = linker.link_documents(programs.texts)
    _, doc_o = linker.link_documents(occ.documents)
    out["text"] = unit_rows(np.asarray(doc_p)) @ group_mean(
        np.asarray(doc_o, dtype=np.float32), occ.owner, n).T
    title_p = np.asarray(embed(programs.titles), dtype=np.float32)
    title_o = np.asarray(embed(occ.titles), dtype=np.float32)
    out["title"] = max_by_group(title_p, title_o, occ.title_owner, n)
    out["lexical"] = lexical_similarity(programs.texts, occ.lexical_docs)
    prof_p = profiles(linker, programs.texts, progress, "profiles (programs)")
    prof_o = profiles(linker, occ.documents, progress, "profiles (occupations)")
    occ_prof = np.zeros((n, prof_o.shape[1]), dtype=np.float32)
    np.add.at(occ_prof, occ.owner, prof_o)
    p, o = idf_weight(prof_p, unit_rows(occ_prof))
    out["skills"] = p @ o.T
    return {k: out[k] for k in TEXT_FEATURES}
