"""Applying a fitted TF-IDF vectorizer without importing scikit-learn.

The occupation side is fitted with scikit-learn's ``TfidfVectorizer`` (fit_lexical)
and saved with its parameters, vocabulary, idf and stop words. At serving time only
``transform`` is needed, and importing ``sklearn.feature_extraction.text`` costs about
0.9 s of a process's start on two cores, so :class:`SavedTfidf` applies the saved
vectorizer itself. It supports exactly the parameter values fit_lexical uses (word
analyzer, a token pattern, lowercase, stop words, unigrams, smoothed idf, sublinear
tf, l2 norm, no vocabulary limits) and :func:`restore` falls back to scikit-learn for
anything else; a test checks both give the same matrix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# the parameters SavedTfidf reproduces: name -> the only value it supports
SUPPORTED = {"analyzer": "word", "binary": False, "decode_error": "strict",
             "encoding": "utf-8", "input": "content", "lowercase": True,
             "max_features": None, "ngram_range": [1, 1], "norm": "l2",
             "preprocessor": None, "strip_accents": None, "tokenizer": None,
             "use_idf": True, "vocabulary": None}


class SavedTfidf:
    """``transform`` of a saved, fitted TF-IDF vectorizer (see the module's docstring)."""

    def __init__(self, params: Mapping[str, Any], vocabulary: Mapping[str, int],
                 idf: np.ndarray, stop_words: Sequence[str]) -> None:
        self.token = re.compile(params["token_pattern"])
        self.sublinear = bool(params["sublinear_tf"])
        self.dtype = np.dtype(params.get("dtype", "float64"))
        self.vocabulary_ = dict(vocabulary)
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self.stop = frozenset(stop_words)

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy import sparse

        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            counts = Counter(t for t in self.token.findall(text.lower()) if t not in self.stop)
            cols = sorted(self.vocabulary_[t] for t in counts if t in self.vocabulary_)
            by_col = {self.vocabulary_[t]: n for t, n in counts.items() if t in self.vocabulary_}
            tf = np.array([by_col[c] for c in cols], dtype=np.float64)
            if self.sublinear:
                tf = np.log(tf) + 1.0
            values = tf * self.idf_[cols] if cols else tf
            norm = float(np.sqrt((values ** 2).sum()))
            if norm:
                values = values / norm
            data.extend(values.tolist())
            indices.extend(cols)
            indptr.append(len(indices))
        return sparse.csr_matrix((np.array(data, dtype=self.dtype), indices, indptr),
                                 shape=(len(texts), len(self.idf_)))


def supported(params: Mapping[str, Any]) -> bool:
    """Whether :class:`SavedTfidf` reproduces a vectorizer of these parameters."""
    fixed = all(params.get(k) == v for k, v in SUPPORTED.items())
    return (fixed and params.get("smooth_idf") is True and params.get("min_df") in (1, 1.0)
            and params.get("max_df") in (1.0, 1) and isinstance(params.get("token_pattern"), str))


def restore(params: dict[str, Any], vocabulary: Mapping[str, int], idf: np.ndarray,
            stop_words: Sequence[str] | None) -> Any:
    """The saved vectorizer: a :class:`SavedTfidf` when it can reproduce it (and the
    stop words were saved), else a scikit-learn ``TfidfVectorizer``."""
    if stop_words is not None and supported(params):
        return SavedTfidf(params, vocabulary, idf, stop_words)
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = dict(params)
    params["dtype"] = np.dtype(params["dtype"]).type
    params["ngram_range"] = tuple(params["ngram_range"])
    vec = TfidfVectorizer(**params)
    vec.vocabulary_ = {str(t): int(i) for t, i in vocabulary.items()}
    vec.fixed_vocabulary_ = False
    vec.idf_ = idf
    return vec
