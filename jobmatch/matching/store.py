"""Append-only column stores behind the matcher, so a live index takes one more record without a refit.

Rows are never moved: a record that changes is written again at the end and its old row is marked dead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from scipy import sparse


class Growable:
    """A 1-d array that doubles its capacity when full: appends cost O(1) amortised."""

    def __init__(self, dtype, capacity: int = 64):
        self._data = np.empty(max(capacity, 1), dtype=dtype)
        self.size = 0

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self._data.dtype).ravel()
        need = self.size + len(values)
        if need > len(self._data):
            grown = np.empty(max(need, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : need] = values
        self.size = need

    def append(self, value) -> None:
        self.extend([value])

    @property
    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def trim(self) -> None:
        """Give back the spare capacity (after a build, when appends become rare)."""
        if len(self._data) > self.size:
            self._data = self._data[: max(self.size, 1)].copy()

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        return self._data.nbytes


class Columns:
    """Named growable columns of equal length: the structured fields of jobs or profiles."""

    def __init__(self, dtypes: Mapping[str, npt.DTypeLike]):
        self._columns = {name: Growable(dtype) for name, dtype in dtypes.items()}

    def extend(self, values: Mapping[str, npt.ArrayLike]) -> None:
        for name, column in self._columns.items():
            column.extend(values[name])

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["_columns"][name].view
        except KeyError:
            raise AttributeError(name) from None

    def trim(self) -> None:
        for column in self._columns.values():
            column.trim()

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._columns.values())


class OccupationPostings:
    """Which rows name each occupation and how strongly: by column for scoring, by row for reasons.

    Rows are appended whole and in order, one row per call.
    """

    def __init__(self, n_occupations: int):
        self.rows = [Growable(np.int32, 16) for _ in range(n_occupations)]
        self.values = [Growable(np.float32, 16) for _ in range(n_occupations)]
        # Rows per occupation: most of the classification's 2,000 codes name no row, and a query skips them at once.
        self.sizes = np.zeros(n_occupations, dtype=np.int64)
        self._row_start = Growable(np.int64)
        self._row_start.append(0)
        self._row_columns = Growable(np.int16)
        self._row_values = Growable(np.float32)

    def extend(self, first_row: int, rows: list[dict[int, float]]) -> None:
        """Append rows first_row, first_row + 1, ...: one numpy append per occupation, not per entry."""
        if first_row != len(self._row_start) - 1:
            raise ValueError(f"row {first_row} appended out of order")
        by_column: dict[int, tuple[list, list]] = {}
        flat_columns: list[int] = []
        flat_values: list[float] = []
        ends: list[int] = []
        for row, scores in enumerate(rows, start=first_row):
            for column, value in scores.items():
                found = by_column.setdefault(column, ([], []))
                found[0].append(row)
                found[1].append(value)
            flat_columns.extend(scores)
            flat_values.extend(scores.values())
            ends.append(len(flat_columns))
        for column, (row_ids, values) in by_column.items():
            self.rows[column].extend(row_ids)
            self.values[column].extend(values)
            self.sizes[column] += len(row_ids)
        start = len(self._row_columns)
        self._row_columns.extend(flat_columns)
        self._row_values.extend(flat_values)
        self._row_start.extend(np.asarray(ends, dtype=np.int64) + start)

    def trim(self) -> None:
        for growable in (*self.rows, *self.values, self._row_start, self._row_columns, self._row_values):
            growable.trim()

    def overlap(self, vector: np.ndarray, n_rows: int) -> np.ndarray:
        """max over occupations of min(row score, vector score) for every row: how strongly both name one job."""
        out = np.zeros(n_rows, dtype=np.float32)
        for column in np.flatnonzero((vector != 0) & (self.sizes > 0)):
            rows = self.rows[column].view
            out[rows] = np.maximum(out[rows], np.minimum(self.values[column].view, vector[column]))
        return out.astype(float)

    @property
    def counts(self) -> np.ndarray:
        """How many occupations each row names."""
        return np.diff(self._row_start.view)

    def row(self, row: int) -> dict[int, float]:
        """The occupations of one row, in the order they were given."""
        start, end = self._row_start.view[row], self._row_start.view[row + 1]
        return dict(zip(self._row_columns.view[start:end].tolist(), self._row_values.view[start:end].tolist()))

    @property
    def nbytes(self) -> int:
        columns = sum(r.nbytes + v.nbytes for r, v in zip(self.rows, self.values))
        return columns + self._row_start.nbytes + self._row_columns.nbytes + self._row_values.nbytes


class TextPostings:
    """TF-IDF rows stored term-major, so one query touches only the postings of its own terms.

    Rows arrive in blocks: a block built at fit time is sealed into a term-major matrix; rows added later go to an
    open row-major block, sealed when it reaches `open_limit` rows.
    """

    def __init__(self, n_terms: int, open_limit: int = 4096):
        self.n_terms = n_terms
        self.open_limit = open_limit
        self.sealed: list[tuple[int, sparse.csr_matrix]] = []  # (first row, terms x rows)
        self.size = 0
        self._reset_open()

    def _reset_open(self) -> None:
        self._open_start = self.size
        self._indptr = Growable(np.int64)
        self._indptr.append(0)
        self._indices = Growable(np.int32, 1024)
        self._data = Growable(np.float32, 1024)

    def _open_matrix(self) -> sparse.csr_matrix:
        rows = len(self._indptr) - 1
        return sparse.csr_matrix((self._data.view, self._indices.view, self._indptr.view), shape=(rows, self.n_terms))

    def extend(self, matrix: sparse.csr_matrix) -> None:
        """Append rows (a row-major TF-IDF matrix)."""
        matrix = sparse.csr_matrix(matrix, dtype=np.float32)
        if matrix.shape[0] >= self.open_limit and len(self._indptr) == 1:
            self.sealed.append((self.size, matrix.T.tocsr()))
            self.size += matrix.shape[0]
            self._open_start = self.size
            return
        self._indices.extend(matrix.indices)
        self._data.extend(matrix.data)
        self._indptr.extend(matrix.indptr[1:] + self._indptr.view[-1])
        self.size += matrix.shape[0]
        if len(self._indptr) - 1 >= self.open_limit:
            self.sealed.append((self._open_start, self._open_matrix().T.tocsr()))
            self._reset_open()

    def trim(self) -> None:
        for growable in (self._indptr, self._indices, self._data):
            growable.trim()

    def scores(self, query: sparse.csr_matrix) -> np.ndarray:
        """Dot product of the query row with every stored row."""
        out = np.zeros(self.size)
        terms, weights = query.indices, query.data.astype(np.float32)
        if not len(terms):
            return out
        for start, block in self.sealed:
            out[start : start + block.shape[1]] = block[terms].T @ weights
        if len(self._indptr) > 1:
            dense = np.zeros(self.n_terms, dtype=np.float32)
            dense[terms] = weights
            out[self._open_start :] = self._open_matrix() @ dense
        return out

    def has_term(self, term: int) -> np.ndarray:
        """Which rows contain the term at all."""
        out = np.zeros(self.size, dtype=bool)
        for start, block in self.sealed:
            out[start + block.indices[block.indptr[term] : block.indptr[term + 1]]] = True
        if len(self._indptr) > 1:
            out[self._open_start :] = (self._open_matrix()[:, term] != 0).toarray().ravel()
        return out

    @property
    def nbytes(self) -> int:
        sealed = sum(b.data.nbytes + b.indices.nbytes + b.indptr.nbytes for _, b in self.sealed)
        return sealed + self._indptr.nbytes + self._indices.nbytes + self._data.nbytes
