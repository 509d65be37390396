"""Saving the linking tables beside a skill index (the write side of :mod:`.derived`).

``skillmatch index build`` computes the tables once (:class:`~.derived_tables.ComputedTables`)
and :func:`write` saves them in a new folder of the index's directory, written under a
temporary name and then renamed, so a linker never opens a half-written folder; the
index manifest's ``linking`` entry (:data:`~.derived_tables.ENTRY`) names it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from .columns import Grouped, StringColumn
from .derived_tables import (
    DERIVATION,
    FORMAT,
    META,
    PREFIX,
    SETTINGS,
    FeatureVectors,
    SkillTable,
    TaxonomyTables,
)

log = logging.getLogger(__name__)


def write(directory: Path, tables: TaxonomyTables, *, model: str,
          vectors: FeatureVectors | None = None) -> dict[str, Any]:
    """Save ``tables`` in a new folder of ``directory`` (written under a temporary name,
    then renamed) and return the manifest entry naming it (:data:`ENTRY`)."""
    started = time.perf_counter()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    folder = f"{PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    tmp = directory / f".{folder}.tmp"
    tmp.mkdir()
    files: list[str] = []

    def array(name: str, value: np.ndarray) -> None:
        np.save(tmp / f"{name}.npy", np.ascontiguousarray(value), allow_pickle=False)
        files.append(f"{name}.npy")

    def text(name: str, value: Any) -> None:
        (tmp / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False))
        files.append(f"{name}.json")

    try:
        ids, owners = tables.entries
        array("entry_ids", ids)
        array("entry_owners", owners)
        skills = tables.skills
        skill_ids = sorted(skills)
        rows = [skills[s] for s in skill_ids]
        array("skill_ids", np.array(skill_ids, dtype=np.int64))
        for column in SkillTable.COLUMNS:
            blob, offsets = StringColumn.encode(getattr(r, column) for r in rows)
            array(f"skills_{column}_blob", blob)
            array(f"skills_{column}_offsets", offsets)
        lex_meta, lex_arrays = tables.lexicon.export()
        text("lexicon", {"firsts": lex_meta.pop("firsts")})
        for name, value in lex_arrays.items():
            array(f"lexicon_{name}", value)
        bm25_meta, bm25_arrays = tables.bm25.export()
        text("bm25", {"vocab": bm25_meta.pop("vocab")})
        for name, value in bm25_arrays.items():
            array(f"bm25_{name}", value)
        preferred = tables.preferred
        array("preferred_label", np.array([preferred.get(s, -1) for s in skill_ids],
                                          dtype=np.int64))
        array("acronyms", np.array(sorted(tables.acronyms), dtype=np.int64))
        for name, groups in (("label_stems", tables.label_stems), ("parents", tables.parents)):
            for part, value in Grouped.encode(groups).items():
                array(f"{name}_{part}", value)
        table = tables.titles.table_
        text("titles", {"keys": list(table), "taxonomies": [v[0] for v in table.values()],
                        "codes": [v[1] for v in table.values()],
                        "labels": [v[2] for v in table.values()]})
        if vectors is not None:
            vector_ids, pref, desc = vectors
            if vector_ids.tolist() != skill_ids:
                raise ValueError("feature vectors are not in the order of the skill ids")
            array("pref_vectors", pref.astype(np.float32))
            array("desc_vectors", desc.astype(np.float32))
        entry = {
            "format": FORMAT,
            "folder": folder,
            "derivation": DERIVATION,
            "settings": SETTINGS,
            "taxonomy": {"name": tables.name, "imported_at": tables.imported_at},
            "model": model,
            "counts": {"labels": int(len(ids)), "skills": len(skill_ids),
                       "lexicon_keys": len(tables.lexicon.starts_) - 1,
                       "bm25_terms": len(tables.bm25.vocab_), "titles": len(table)},
            "files": sorted(files),
        }
        meta = {**entry, "lexicon": lex_meta, "bm25": bm25_meta}
        (tmp / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        os.rename(tmp, directory / folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    entry["build_seconds"] = round(time.perf_counter() - started, 2)
    log.info("saved the linking tables of %s in %s (%.1f s)", tables.name, folder,
             entry["build_seconds"])
    return entry
