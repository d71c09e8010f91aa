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
        vocabulary, idf = self.vocabulary_, self.idf_
        # Typed arrays, not lists: a batch of 30,000 texts holds millions of entries.
        indptr, indices, data = array("q", [0]), array("i"), array("f")
        for text in texts:
            counts = sorted(Counter(vocabulary[g] for g in self._grams(text) if g in vocabulary).items())
            if counts:
                columns = [c for c, _ in counts]
                weights = np.log([n for _, n in counts]) + 1.0  # sublinear term frequency
                weights *= idf[columns]
                weights /= np.sqrt(weights @ weights)
                indices.extend(columns)
                data.extend(weights.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.frombuffer(data, dtype=np.float32), np.frombuffer(indices, dtype=np.int32), np.frombuffer(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(vocabulary)),
        )
