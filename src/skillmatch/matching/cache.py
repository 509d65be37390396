"""The occupation side of the learned scorer (:class:`~.features.OccupationSignals`), kept
in the workspace so a new process loads it instead of recomputing it.

One folder (``Workspace.derived_dir("occupation-signals")``) holds:

- ``arrays.npz``: the dense vectors (``description``, ``text``, ``titles``), the skill
  profiles and the TF-IDF matrix as CSR components (``*_data``, ``*_indices``,
  ``*_indptr``, ``*_shape``) and the TF-IDF ``idf``; read with ``allow_pickle=False``;
- ``tfidf.json``: the vectorizer's constructor parameters and vocabulary;
- ``manifest.json``: the format, the cache key (and its sha256), the arrays' shapes and
  the files' sizes; written last.

The key names every input of :func:`~.features.occupation_signals`: the embedding model,
the linker's settings, ranker, taxonomies (versions and import times) and skill indexes,
the O*NET occupations' texts, scikit-learn's version, and the source of the code that
computes the signals. A cache whose key differs, or that cannot be read back whole
(missing file, bad JSON, shapes or sizes that disagree), is recomputed and overwritten;
an unreadable one is logged as a warning. The folder is written beside its target and
renamed into place, so readers never see half of it. Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ..embeddings.export import replace_dir
from ..errors import ArtifactError
from .features import Occupations, OccupationSignals, ProgressFn, occupation_signals

log = logging.getLogger(__name__)

FORMAT = "skillmatch-occupation-signals/1"
DIRNAME = "occupation-signals"
ARRAYS, TFIDF, MANIFEST = "arrays.npz", "tfidf.json", "manifest.json"
LINKER_PARAMS = ("threshold", "top_k", "candidates", "max_per_segment", "lexical_bonus",
                 "context_weight", "support_weight", "clauses", "drop_boilerplate")
_SRC = Path(__file__).resolve().parents[1]
CODE = [_SRC / "matching" / "features.py", *sorted((_SRC / "linking").glob("*.py"))]


def _sha(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def occupations_hash(occ: Occupations) -> str:
    """sha256 over every occupation field the signals read."""
    texts = (occ.socs, occ.documents, occ.descriptions, occ.titles, occ.lexical_docs)
    return _sha([*(t.encode() for field in texts for t in [*field, "\x00"]),
                 np.asarray(occ.owner, dtype=np.int64).tobytes(),
                 np.asarray(occ.title_owner, dtype=np.int64).tobytes()])


def linker_key(linker: Any) -> dict[str, Any]:
    """Everything ``linker``'s answers depend on, as JSON: its embedding model, settings,
    ranker, taxonomies (versions and import times), skill indexes, and the linking code."""
    ranker = getattr(linker, "ranker", None)
    store = getattr(linker, "store_", None)
    imported = {t.name: t.imported_at for t in store.all()} if store is not None else {}
    indexes = {}
    for name, index in sorted(getattr(linker, "indexes_", {}).items()):
        ids = np.asarray(getattr(index, "ids_", []), dtype=np.int64)
        alive = np.asarray(getattr(index, "alive_", []), dtype=bool)
        indexes[name] = {"count": int(index.count), "dimension": int(index.dimension),
                         "entries": _sha([ids.tobytes(), alive.tobytes()])}
    return {
        "linker_model": getattr(getattr(linker, "embedder_", None), "model_id", None),
        "linker": {p: getattr(linker, p, None) for p in LINKER_PARAMS},
        "ranker": None if ranker is None else _sha(
            [json.dumps(ranker.to_json(), sort_keys=True, default=str).encode()]),
        "taxonomies": {name: {"version": version, "imported_at": imported.get(name)}
                       for name, version in sorted(linker.taxonomies_.items())},
        "skills": {"count": len(linker.skills_), "width": max(linker.skills_, default=-1) + 1},
        "indexes": indexes,
        "code": _sha([p.read_bytes() for p in CODE]),
    }


def cache_key(model_id: str, linker: Any, occ: Occupations) -> dict[str, Any]:
    """Everything the occupation side depends on, as JSON."""
    from importlib.metadata import version  # not `import sklearn`: 1 to 2 s at start

    return {
        "model": model_id,
        **linker_key(linker),
        "occupations": {"socs": len(occ.socs), "titles": len(occ.titles),
                        "sha256": occupations_hash(occ)},
        "sklearn": version("scikit-learn"),
        "tfidf": 2,  # 2: the stop words are saved, so serving applies it without sklearn
    }


def _digest(key: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _csr(arrays: dict[str, np.ndarray], name: str, m: sparse.csr_matrix) -> None:
    m = sparse.csr_matrix(m)
    arrays.update({f"{name}_data": m.data, f"{name}_indices": m.indices,
                   f"{name}_indptr": m.indptr, f"{name}_shape": np.array(m.shape)})


def _tfidf_params(vec: Any) -> dict[str, Any]:
    params = vec.get_params()
    bad = sorted(k for k, v in params.items() if callable(v) and k != "dtype")
    if bad:
        raise ArtifactError(f"TF-IDF parameters {bad} are callables; they cannot be saved")
    params["dtype"] = np.dtype(params["dtype"]).name
    params["ngram_range"] = list(params["ngram_range"])
    return params


def save_signals(directory: Path, key: dict[str, Any], side: OccupationSignals) -> None:
    """Write ``side`` under ``directory`` atomically (a temporary folder renamed)."""
    directory = Path(directory)
    vec, lex = side.lexical
    digest = _digest(key)  # in every file, so files of two writes never mix unnoticed
    arrays = {"description": side.description, "text": side.text, "titles": side.titles,
              "idf": np.asarray(vec.idf_), "key": np.array(digest)}
    _csr(arrays, "profiles", side.profiles)
    _csr(arrays, "lexical", lex)
    stop = vec.get_stop_words() if hasattr(vec, "get_stop_words") else sorted(vec.stop)
    tfidf = {"key_sha256": digest, "params": _tfidf_params(vec),
             "vocabulary": {t: int(i) for t, i in vec.vocabulary_.items()},
             "stop_words": sorted(stop or ())}
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{directory.name}.tmp-", dir=directory.parent))
    try:
        tmp.chmod(directory.parent.stat().st_mode & 0o777)  # not mkdtemp's 0o700
        np.savez(tmp / ARRAYS, allow_pickle=False, **arrays)
        (tmp / TFIDF).write_text(json.dumps(tfidf))
        manifest = {"format": FORMAT, "key_sha256": digest, "key": key,
                    "shapes": {k: list(v.shape) for k, v in arrays.items()},
                    "files": {n: (tmp / n).stat().st_size for n in (ARRAYS, TFIDF)}}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        replace_dir(tmp, directory)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The cache's manifest, None when there is no cache; ArtifactError when unreadable."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{path}: unreadable ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArtifactError(f"{path}: not a {FORMAT} manifest")
    return manifest


def load_signals(directory: Path, manifest: dict[str, Any], occ: Occupations,
                 width: int) -> OccupationSignals:
    """The side saved under ``directory``, checked against its manifest and against the
    occupations (``width``: the skill profiles' columns); ArtifactError if anything is off."""
    from .tfidf import restore

    directory = Path(directory)
    try:
        for name, size in manifest["files"].items():
            if (directory / name).stat().st_size != size:
                raise ArtifactError(f"{directory / name}: {size} bytes expected")
        with np.load(directory / ARRAYS, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        tfidf = json.loads((directory / TFIDF).read_text())
        shapes = {k: list(v.shape) for k, v in arrays.items()}
        if shapes != manifest["shapes"]:
            raise ArtifactError(f"{directory}: arrays {shapes} but manifest {manifest['shapes']}")
        if not str(arrays["key"]) == tfidf["key_sha256"] == manifest["key_sha256"]:
            raise ArtifactError(f"{directory}: files of different writes")
        n, vocab = len(occ.socs), tfidf["vocabulary"]
        profiles, lexical = (
            sparse.csr_matrix((arrays[f"{m}_data"], arrays[f"{m}_indices"],
                               arrays[f"{m}_indptr"]), shape=tuple(arrays[f"{m}_shape"]))
            for m in ("profiles", "lexical"))
        for m in (profiles, lexical):
            m.check_format(full_check=True)
        d = arrays["description"].shape[1]
        expected = [(arrays["description"].shape, (n, d)), (arrays["text"].shape, (n, d)),
                    (arrays["titles"].shape, (len(occ.titles), d)),
                    (profiles.shape, (n, width)), (lexical.shape, (n, len(vocab))),
                    (arrays["idf"].shape, (len(vocab),)),
                    (sorted(vocab.values()), list(range(len(vocab))))]
        if any(got != want for got, want in expected):
            raise ArtifactError(f"{directory}: shapes do not fit {n} occupations")
        vec = restore(dict(tfidf["params"]), vocab, arrays["idf"], tfidf.get("stop_words"))
    except ArtifactError:
        raise
    except (OSError, KeyError, TypeError, ValueError, IndexError, AttributeError,
            zipfile.BadZipFile, EOFError) as exc:
        raise ArtifactError(f"{directory}: unreadable occupation signals ({exc!r})") from None
    return OccupationSignals(arrays["description"], arrays["text"], arrays["titles"],
                             profiles, (vec, lexical))


def cached_occupation_signals(directory: Path, embedder: Any, linker: Any, occ: Occupations,
                              progress: ProgressFn | None = None) -> OccupationSignals:
    """:func:`~.features.occupation_signals`, read from ``directory`` when its key matches,
    else computed and saved there."""
    directory = Path(directory)
    key = json.loads(json.dumps(cache_key(embedder.model_id, linker, occ)))
    width = key["skills"]["width"]
    try:
        manifest = read_manifest(directory)
        if manifest is not None and manifest.get("key_sha256") == _digest(key):
            if progress:
                progress("occupation signals: read cache", 0, 1)
            side = load_signals(directory, manifest, occ, width)
            log.info("occupation signals loaded from %s", directory)
            if progress:
                progress("occupation signals: read cache", 1, 1)
            return side
        if manifest is not None:
            old = manifest.get("key")
            old = old if isinstance(old, dict) else {}
            changed = sorted(k for k in key if old.get(k) != key[k])
            log.info("occupation signals in %s are stale (%s changed); recomputing",
                     directory, ", ".join(changed) or "key")
    except ArtifactError as exc:
        log.warning("occupation signals cache unusable, recomputing: %s", exc)
    side = occupation_signals(embedder.embed, linker, occ, progress)
    try:
        save_signals(directory, key, side)
        log.info("occupation signals saved to %s", directory)
    except (OSError, ValueError, ArtifactError) as exc:
        log.warning("could not save the occupation signals to %s: %s", directory, exc)
    return side
