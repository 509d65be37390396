"""Fitting a :class:`~.linker.SkillLinker`: what :meth:`~.linker.SkillLinker.fit` loads.

Per taxonomy, the :mod:`.derived` tables (saved beside the skill index, else computed
from the database), loaded once per linker and shared with the parts and views made
from it; the document rules' tables (acronym aliases, preferred labels, label stems,
occupation titles); the ranker's features' tables (BM25, hierarchy, preferred-label and
description vectors), read on first use when neither model is set; and the refusal of
a skill index built before its taxonomy was replaced (:func:`refuse_stale`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..embeddings.base import Embedder
from ..errors import ArtifactError
from ..index.catalog import DESC_OFFSET
from ..index.faiss_index import FaissIndex
from ..storage.taxonomy_store import TaxonomyStore
from . import derived
from .derived import SkillChain, TaxonomyTables
from .groups import group_order

if TYPE_CHECKING:
    from .linker import SkillLinker


def fit(linker: SkillLinker, store: TaxonomyStore, embedder: Embedder,
        indexes: dict[str, FaissIndex], directories: Mapping[str, Path] | Path | None
        ) -> None:
    """Fit ``linker`` in place (see :meth:`~.linker.SkillLinker.fit`)."""
    names = sorted(indexes)
    heads = store.versions(names)
    for name in set(names) - heads.keys():
        store.get(name)  # raises NotFoundError naming the loaded ones
    linker.order_ = group_order(names, {n: h[0] for n, h in heads.items()})
    linker.parts_ = {}
    linker.views_ = {}
    if isinstance(directories, Path):
        directories = {n: directories / f"skills-{n}" for n in names}
    linker.directories_ = dict(directories or {})
    if not isinstance(getattr(linker, "tables_", None), dict):
        linker.tables_ = {}
    tables = {n: taxonomy_tables(linker, store, n, heads[n][2]) for n in names}
    linker.embedder_, linker.indexes_ = embedder, indexes
    linker.taxonomies_ = {n: heads[n][1] for n in names}
    linker.store_, linker.names_ = store, names
    if len(names) > 1:
        linker.skills_ = SkillChain([t.skills for t in tables.values()])
        return
    (name, fitted), = tables.items()
    linker.fitted_ = fitted
    linker.entry_ids_, linker.entry_owners_ = fitted.entries
    linker.lexicon_ = fitted.lexicon
    linker.skills_ = fitted.skills
    refuse_stale(name, indexes[name], linker.entry_ids_, linker.skills_)
    if linker.ranker is not None or linker.document_model is not None:
        fit_features(linker)
    fit_document(linker)


def taxonomy_tables(linker: SkillLinker, store: TaxonomyStore, name: str,
                    imported_at: str) -> TaxonomyTables:
    """The derived tables of one taxonomy, loaded or computed once per linker and
    the parts and views made from it."""
    directory = linker.directories_.get(name)
    key = (name, imported_at, directory)
    found = linker.tables_.get(key)
    if found is None:
        found = linker.tables_[key] = derived.tables(store, name, imported_at, directory)
    return found


def fit_document(linker: SkillLinker) -> None:
    """Document rules: acronym aliases leave dense retrieval (their entries own no
    skill there) and are scored against their skill's preferred label; occupation
    titles, to recognise a title line that names a job."""
    fitted = linker.fitted_
    linker.acronym_labels_ = fitted.acronyms
    linker.preferred_label_ = fitted.preferred
    linker.label_stems_ = fitted.label_stems
    if linker.acronyms == "lexical" and linker.acronym_labels_:
        pos = np.searchsorted(linker.entry_ids_, np.array(sorted(linker.acronym_labels_)))
        pos = pos[pos < len(linker.entry_ids_)]
        hit = linker.entry_ids_[pos]
        linker.entry_owners_ = np.array(linker.entry_owners_)  # a copy: it may be mapped
        linker.entry_owners_[pos[np.isin(hit, list(linker.acronym_labels_))]] = -1
    linker.titles_ = fitted.titles if linker.titles else None


def fit_features(linker: SkillLinker) -> None:
    """What the ranker's features need: BM25 over labels, the preferred-label and
    description vectors of every skill, and the hierarchy."""
    fitted = linker.fitted_
    linker.bm25_ = fitted.bm25
    linker.parents_ = fitted.parents
    owners = sorted(linker.skills_)
    saved = fitted.vectors
    if saved is not None and len(saved[0]) == len(owners):
        ids, linker.pref_vectors_, linker.desc_vectors_ = saved
        linker.feature_row_ = dict(zip(ids.tolist(), range(len(ids))))
        return
    preferred = fitted.preferred
    linker.feature_row_ = {sid: i for i, sid in enumerate(owners)}
    dim = linker.embedder_.dimension
    linker.pref_vectors_ = np.zeros((len(owners), dim), dtype=np.float32)
    linker.desc_vectors_ = np.zeros((len(owners), dim), dtype=np.float32)
    for taxonomy, index in linker.indexes_.items():
        for target, entry_of in ((linker.pref_vectors_, preferred.get),
                                 (linker.desc_vectors_, lambda sid: DESC_OFFSET + sid)):
            pairs = [(i, entry) for sid, i in linker.feature_row_.items()
                     if linker.skills_[sid].taxonomy == taxonomy
                     and (entry := entry_of(sid)) is not None and entry in index]
            if pairs:
                rows, entries = zip(*pairs)
                target[list(rows)] = index.vectors(np.array(entries))


def refuse_stale(name: str, index: FaissIndex, label_ids: np.ndarray,
                 skill_ids: Iterable[int]) -> None:
    """Refuse a skill index that holds a label or skill the taxonomy no longer has (one
    built before the taxonomy was replaced): its entries would link to nothing or to
    the wrong skill. An index that only lacks new labels is used as it is."""
    held = np.fromiter(index.pos_, dtype=np.int64, count=len(index.pos_))
    labels, owners = held[held < DESC_OFFSET], held[held >= DESC_OFFSET] - DESC_OFFSET
    gone = (_unknown(labels, np.asarray(label_ids, dtype=np.int64))
            + _unknown(owners, np.fromiter(skill_ids, dtype=np.int64)))
    if gone:
        raise ArtifactError(
            f"the skill index of taxonomy {name!r} is stale: {gone} of its entries name "
            "labels or skills no longer in the taxonomy (it was built before the taxonomy "
            "was replaced); rebuild it with `skillmatch index build --force`")


def _unknown(ids: np.ndarray, known: np.ndarray) -> int:
    """How many of ``ids`` (distinct) are not in ``known``: a binary search each in the
    sorted ``known`` (label and skill ids come sorted; no hashing of ``ids``)."""
    if not len(ids):
        return 0
    if not len(known):
        return len(ids)
    if (known[1:] < known[:-1]).any():
        known = np.sort(known)
    pos = np.minimum(np.searchsorted(known, ids), len(known) - 1)
    return int((known[pos] != ids).sum())
