"""Character n-gram TF-IDF, as scikit-learn's TfidfVectorizer(analyzer="char", sublinear_tf=True) computes it.

Written out because the matcher vectorises one short text per request: scikit-learn's input checks cost more than
the arithmetic, and importing it costs a command-line run about a second. tests/test_index.py checks that both
give the same matrix.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter

import numpy as np
from scipy import sparse

_SPACES = re.compile(r"\s\s+")
TRANSFORM_CHUNK = 4_096


class CharTfidf:
    """fit(texts) learns the n-gram vocabulary and IDF; transform(texts) gives L2-normalised float32 rows."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3)):
        self.ngram_range = ngram_range

    def _grams(self, text: str) -> list[str]:
        text = _SPACES.sub(" ", text.lower())
        low, high = self.ngram_range
        return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]

    def fit(self, texts) -> CharTfidf:
        df: Counter = Counter()
        count = 0
        for text in texts:
            df.update(set(self._grams(text)))
            count += 1
        terms = sorted(df)
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        # Smoothed IDF: as if one more document held every term once.
        self.idf_ = np.array([math.log((1 + count) / (1 + df[t])) + 1.0 for t in terms])
        return self

    def transform(self, texts) -> sparse.csr_matrix:
        texts = list(texts)
        if len(texts) > TRANSFORM_CHUNK:  # bounded working memory for a city-sized batch
            parts = [self.transform(texts[i : i + TRANSFORM_CHUNK]) for i in range(0, len(texts), TRANSFORM_CHUNK)]
            return sparse.vstack(parts, format="csr", dtype=np.float32)
        vocabulary, idf = self.vocabulary_, self.idf_
        get = vocabulary.get
        # Python only maps n-grams to columns; counting, weighting and normalising are done on arrays.
        docs, terms = array("q"), array("q")
        n_docs = 0
        for n_docs, text in enumerate(texts, start=1):
            ids = [t for t in map(get, self._grams(text)) if t is not None]
            terms.extend(ids)
            docs.extend([n_docs - 1] * len(ids))
        width = max(len(vocabulary), 1)
        keys, counts = np.unique(
            np.frombuffer(docs, dtype=np.int64) * width + np.frombuffer(terms, dtype=np.int64), return_counts=True
        )
        rows, columns = keys // width, keys % width
        weights = (np.log(counts) + 1.0) * idf[columns]  # sublinear term frequency times IDF
        norms = np.sqrt(np.bincount(rows, weights * weights, minlength=n_docs))
        weights /= norms[rows]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_docs))])
        return sparse.csr_matrix(
            (weights.astype(np.float32), columns.astype(np.int32), indptr.astype(np.int64)),
            shape=(n_docs, len(vocabulary)),
        )
