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

The family prior's signals come from :mod:`.prior`. Nothing here reads labels. The
occupation side (:class:`OccupationSignals`) is computed once and paired with programs
by :func:`pair_features`, so ``align``'s "prepares for" keeps it between calls.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from ..storage.occupation_store import OccupationStore
from ..storage.taxonomy_store import TaxonomyStore

if TYPE_CHECKING:
    from ..embeddings.base import Embedder

ProgressFn = Callable[[str, int, int], None]
DOCUMENT_STEP = 100  # occupation documents linked per step (progress between steps)
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
    codes: dict[str, str] = field(default_factory=dict)  # SOC -> its first O*NET-SOC code


def load_occupations(conn: sqlite3.Connection) -> Occupations:
    """O*NET occupations from the workspace database (imported as taxonomy ``onet``)."""
    store = OccupationStore(conn)
    tasks = store.tasks_by_occupation("onet")
    alts = store.alternative_titles("onet")
    by_soc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for occupation in TaxonomyStore(conn).occupations("onet"):
        by_soc[occupation["code"][:7]].append(dict(occupation))
    socs = sorted(by_soc)
    docs, descs, owner, titles, title_owner, lexical = [], [], [], [], [], []
    for i, soc in enumerate(socs):
        words: list[str] = []
        seen: set[str] = set()
        for row in by_soc[soc]:
            t = tasks.get(row["id"], [])
            docs.append(f"{row['label']}. {row['description']} " + " ".join(t[:TASKS_PER_DOC]))
            descs.append(row["description"])
            owner.append(i)
            for title in [row["label"], *alts.get(row["id"], [])]:
                if title.lower() not in seen:
                    seen.add(title.lower())
                    titles.append(title)
                    title_owner.append(i)
            words += [row["label"], row["description"], *t]
        lexical.append(" ".join(words + sorted(seen)))
    return Occupations(
        socs=socs, labels={s: by_soc[s][0]["label"] for s in socs}, documents=docs,
        descriptions=descs, owner=np.array(owner), titles=titles,
        title_owner=np.array(title_owner), lexical_docs=lexical,
        codes={s: by_soc[s][0]["code"] for s in socs})


def group_mean(vectors: np.ndarray, owner: np.ndarray, groups: int) -> np.ndarray:
    """Row-normalised mean of the vectors of each group."""
    out = np.zeros((groups, vectors.shape[1]), dtype=np.float32)
    np.add.at(out, owner, vectors)
    return unit_rows(out)


def unit_rows(m: np.ndarray) -> np.ndarray:
    return (m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def ranked_profiles(linker: Any, texts: Sequence[str], prepared: Any = None
                    ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each text's profile: its :data:`PROFILE_DEPTH` best skills by ranked linking, as
    (skill row ids, scores); ``prepared``: the texts already segmented and embedded."""
    ranked = (linker.rank(texts, PROFILE_DEPTH, prepared=prepared) if prepared is not None
              else linker.rank(texts, PROFILE_DEPTH))
    return [(np.array([s.row_id for s in r.skills], dtype=np.int64),
             np.array([s.score for s in r.skills], dtype=np.float32)) for r in ranked]


def profiles(linker: Any, texts: Sequence[str], progress: ProgressFn | None = None,
             stage: str = "profiles", prepared: Any = None, cache: Any = None) -> np.ndarray:
    """Texts x skills matrix of linked-skill scores (the top skills of each text);
    ``prepared``: the texts already segmented and embedded (one batch); ``cache``: a
    :class:`~.profile_cache.ProfileCache` of ``linker`` to read profiles from and store
    the ones computed in."""
    width = max(linker.skills_) + 1
    out = np.zeros((len(texts), width), dtype=np.float32)

    def put(j: int, ids: np.ndarray, scores: np.ndarray) -> None:
        keep = ids < width
        out[j, ids[keep]] = np.maximum(scores[keep], 0.0)

    found = cache.get_many(texts) if cache is not None else {}
    for j, (ids, scores) in found.items():
        put(j, ids, scores)
    todo = [j for j in range(len(texts)) if j not in found]
    if not todo:
        return out
    if len(todo) < len(texts):
        prepared = None  # prepared for every text; link only those not found
    step = len(todo) if prepared is not None else 200
    if progress:
        progress(stage, 0, len(todo))
    for start in range(0, len(todo), max(step, 1)):
        rows = todo[start : start + step]
        batch = [texts[j] for j in rows]
        computed = ranked_profiles(linker, batch, prepared)
        for j, (ids, scores) in zip(rows, computed):
            put(j, ids, scores)
        if cache is not None:
            cache.put_many(batch, computed)
        if progress:
            progress(stage, min(start + step, len(todo)), len(todo))
    return out


def idf_weight(programs: np.ndarray, occupations: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Weight skills by inverse document frequency over both sides, then unit-normalise."""
    df = (programs > 0).sum(axis=0) + (occupations > 0).sum(axis=0)
    idf = np.log((len(programs) + len(occupations) + 1) / (df + 1)).astype(np.float32)
    return unit_rows(programs * idf), unit_rows(occupations * idf)


def idf_cosine(programs: np.ndarray, occupations: sparse.csr_matrix) -> np.ndarray:
    """programs x occupations: :func:`idf_weight`'s cosine, with the occupation profiles
    kept sparse (a few dozen skills each), so one program costs little."""
    df = (programs > 0).sum(axis=0) + np.asarray((occupations > 0).sum(axis=0)).ravel()
    idf = np.log((len(programs) + occupations.shape[0] + 1) / (df + 1)).astype(np.float32)
    o = sparse.csr_matrix(occupations.multiply(idf[None, :]), dtype=np.float32)
    norms = np.sqrt(np.asarray(o.multiply(o).sum(axis=1)).ravel())
    o = sparse.diags((1 / np.maximum(norms, 1e-12)).astype(np.float32)) @ o
    return np.asarray((o @ unit_rows(programs * idf).T).T, dtype=np.float32)


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


def fit_lexical(occupation_docs: Sequence[str]) -> tuple[Any, Any]:
    """TF-IDF (sublinear, English stop words) fitted on the occupation side: the
    vectorizer and the occupations' matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1,
                          token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    return vec, vec.fit_transform(occupation_docs)


def lexical_similarity(program_texts: Sequence[str], occupation_docs: Sequence[str]
                       ) -> np.ndarray:
    """TF-IDF cosine of each program text against each occupation document."""
    vec, o = fit_lexical(occupation_docs)
    return np.asarray((vec.transform(program_texts) @ o.T).toarray(), dtype=np.float32)


@dataclass
class OccupationSignals:
    """The occupation side of every text signal (no program involved): computed once,
    then paired with any number of programs by :func:`pair_features`."""

    description: np.ndarray  # SOCs x d: mean of the O*NET description vectors
    text: np.ndarray  # SOCs x d: mean of the occupation document vectors
    titles: np.ndarray  # titles x d, owned as ``Occupations.title_owner``
    profiles: sparse.csr_matrix  # SOCs x skills: unit-normalised sum of the documents' profiles
    lexical: tuple[Any, Any]  # fitted TF-IDF vectorizer, SOCs x words matrix


def occupation_signals(embed: Callable[..., np.ndarray], linker: Any,
                       occ: Occupations, progress: ProgressFn | None = None
                       ) -> OccupationSignals:
    """The occupation side of the signals; ``progress`` sees each step (stages
    ``occupation signals: descriptions``, ``documents``, ``titles``, then
    ``profiles (occupations)``): minutes on O*NET the first time."""
    n = len(occ.socs)

    def step(stage: str, total: int) -> Callable[[int, int], None] | None:
        """The stage's reporter, started now (its clock runs from here)."""
        if progress is None:
            return None
        report, name = progress, f"occupation signals: {stage}"
        report(name, 0, total)
        return lambda done, of: report(name, done, of)

    description = group_mean(np.asarray(
        embed(occ.descriptions, progress=step("descriptions", len(occ.descriptions))),
        dtype=np.float32), occ.owner, n)
    documents = step("documents", len(occ.documents))
    doc_parts = []
    for start in range(0, len(occ.documents), DOCUMENT_STEP):
        _, part = linker.link_documents(occ.documents[start:start + DOCUMENT_STEP])
        doc_parts.append(np.asarray(part, dtype=np.float32))
        if documents:
            documents(min(start + DOCUMENT_STEP, len(occ.documents)), len(occ.documents))
    doc_o = np.concatenate(doc_parts) if doc_parts else np.asarray(
        linker.link_documents([])[1], dtype=np.float32)
    text = group_mean(doc_o, occ.owner, n)
    titles = np.asarray(embed(occ.titles, progress=step("titles", len(occ.titles))),
                        dtype=np.float32)
    prof_o = profiles(linker, occ.documents, progress, "profiles (occupations)")
    occ_prof = np.zeros((n, prof_o.shape[1]), dtype=np.float32)
    np.add.at(occ_prof, occ.owner, prof_o)
    return OccupationSignals(description, text, titles, sparse.csr_matrix(unit_rows(occ_prof)),
                             fit_lexical(occ.lexical_docs))


def pair_features(embed: Callable[[Sequence[str]], np.ndarray], linker: Any,
                  programs: Programs, occ: Occupations, side: OccupationSignals,
                  progress: ProgressFn | None = None, profile_cache: Any = None
                  ) -> dict[str, np.ndarray]:
    """Every text signal of ``programs`` against the occupations, each a programs x
    ``occ.socs`` matrix."""
    out: dict[str, np.ndarray] = {}
    base_p = np.asarray(embed(programs.baseline_texts), dtype=np.float32)
    out["description"] = base_p @ side.description.T
    # a few programs (a credential being aligned): segmented and embedded once for the
    # document vectors and the profiles; many (fitting): as before, in batches
    prepared = linker.prepare(programs.texts) if len(programs.texts) <= 200 else None
    doc_p = (linker.document_vectors(prepared) if prepared is not None
             else linker.link_documents(programs.texts)[1])
    out["text"] = unit_rows(np.asarray(doc_p)) @ side.text.T
    title_p = np.asarray(embed(programs.titles), dtype=np.float32)
    out["title"] = max_by_group(title_p, side.titles, occ.title_owner, len(occ.socs))
    vec, o = side.lexical
    out["lexical"] = np.asarray((vec.transform(programs.texts) @ o.T).toarray(),
                                dtype=np.float32)
    prof_p = profiles(linker, programs.texts, progress, "profiles (programs)", prepared,
                      profile_cache)
    out["skills"] = idf_cosine(prof_p, side.profiles)
    return {k: out[k] for k in TEXT_FEATURES}


def text_features(embedder: Embedder, linker: Any, programs: Programs, occ: Occupations,
                  progress: ProgressFn | None = None) -> dict[str, np.ndarray]:
    """Every text signal, each a programs x ``occ.socs`` matrix (``embedder``'s vectors)."""
    embed = embedder.embed
    side = occupation_signals(embed, linker, occ, progress)
    return pair_features(embed, linker, programs, occ, side, progress)
