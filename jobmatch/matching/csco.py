"""The national classification of occupations (CSCO 2022) and a learned coder from job titles to its codes.

`Classification` holds the codes, names, levels and aliases shipped in models/csco.json. `TitleCoder` is a linear
model over the character n-grams of a cleaned title (scikit-learn's LinearSVC at fit time); it is stored as a sparse
weight matrix, so coding a title needs neither scikit-learn nor a dense matrix of 2,000 classes.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from ..text import normalise
from .postings import clean_title
from .vectoriser import CharTfidf

# The 2022 edition marks new digital (S) and green (L) occupations after the name: 道路货运汽车驾驶员L.
_MARKS = re.compile(r"\s*[SL]\s*$")
# Aliases kept are names of a person's job (货运司机, 报关员, 礼宾员); field words (物业, 证券, 招聘) would code every
# text that mentions the field.
_NAME_LIKE = re.compile(r"^[\u4e00-\u9fff]{2,11}(?:师|员|工|长|手|匠|官|司机|保姆|阿姨)$")


def plain_name(name: str) -> str:
    """A CSCO name without its S/L marker."""
    return _MARKS.sub("", name.strip())


def minor_group(code: str) -> str:
    """4-02-02-02 -> 4-02-02: the minor group, the level the classification's neighbours share."""
    return code[:7]


@dataclass
class Classification:
    """CSCO codes with their names, levels (1 major ... 4 detailed) and aliases."""

    names: dict[str, str] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return list(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, code: str) -> bool:
        return code in self.names

    @classmethod
    def from_rows(cls, rows, metadata: dict | None = None) -> Classification:
        """From csco22.csv rows (level, code, name, alias, ...): names and aliases only, no definitions or tasks."""
        out = cls(metadata=dict(metadata or {}))
        for row in rows:
            code, name = row["code"].strip(), plain_name(row["name"])
            out.names[code] = name
            out.levels[code] = int(row["level"])
            aliases = {plain_name(a) for a in (row.get("alias") or "").split(",")} - {name, ""}
            out.aliases[code] = tuple(sorted(a for a in aliases if _NAME_LIKE.match(a)))
        return out

    def to_dict(self) -> dict:
        return {
            "metadata": self.metadata,
            "codes": [
                {"code": c, "name": self.names[c], "level": self.levels[c], "aliases": list(self.aliases.get(c, ()))}
                for c in self.names
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Classification:
        out = cls(metadata=data.get("metadata", {}))
        for entry in data.get("codes", []):
            out.names[entry["code"]] = entry["name"]
            out.levels[entry["code"]] = int(entry["level"])
            out.aliases[entry["code"]] = tuple(entry.get("aliases", ()))
        return out

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Classification:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def empty(cls) -> Classification:
        return cls()


def coder_text(title: str) -> str:
    """What the title coder reads: the cleaned occupation, or the whole normalised title when cleaning leaves nothing."""
    return clean_title(title) or normalise(title)


class TitleCoder:
    """Job title -> CSCO codes with probabilities: fit(texts, codes), predict(texts), top(text, k).

    The probabilities are a softmax of the linear scores with a temperature fitted on held-out folds, so that 0.8
    means right about four times in five.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), C: float = 0.5, min_weight: float = 0.05):
        self.ngram_range = ngram_range
        self.C = C
        self.min_weight = min_weight  # smaller weights are dropped from the stored model: they change few decisions
        self.metadata: dict = {}

    # --- fitting ---------------------------------------------------------------------------------------

    def fit(self, texts: list[str], codes: list[str], sample_weight=None) -> TitleCoder:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        texts = [coder_text(t) for t in texts]
        vectoriser = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True, lowercase=True)
        X = vectoriser.fit_transform(texts)
        model = LinearSVC(C=self.C, random_state=0).fit(X, codes, sample_weight=sample_weight)
        weights = model.coef_.T if len(model.classes_) > 2 else np.column_stack([-model.coef_[0], model.coef_[0]])
        intercept = model.intercept_ if len(model.classes_) > 2 else np.array([-model.intercept_[0], model.intercept_[0]])
        weights = np.where(np.abs(weights) >= self.min_weight, weights, 0.0)
        terms = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
        self._set(terms, vectoriser.idf_, sparse.csr_matrix(weights, dtype=np.float32), intercept, list(model.classes_), 1.0)
        return self

    def _set(self, terms, idf, weights, intercept, classes, temperature) -> None:
        self.vectoriser_ = CharTfidf(self.ngram_range)
        self.vectoriser_.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.vectoriser_.idf_ = np.asarray(idf, dtype=float)
        self.weights_ = weights  # terms x classes, sparse
        self.intercept_ = np.asarray(intercept, dtype=np.float32)
        self.classes_ = list(classes)
        self.temperature_ = float(temperature)

    def calibrate(self, scores: np.ndarray, truth: list[str]) -> TitleCoder:
        """Choose the softmax temperature that best predicts held-out truth from held-out scores (rows: texts)."""
        position = {c: i for i, c in enumerate(self.classes_)}
        rows = [i for i, t in enumerate(truth) if t in position]
        if not rows:
            return self
        right = scores[rows, [position[truth[i]] for i in rows]]

        def loss(t: float) -> float:
            z = scores[rows] / t
            top = z.max(axis=1)
            return float(np.mean(top + np.log(np.exp(z - top[:, None]).sum(axis=1)) - right / t))

        self.temperature_ = min(np.geomspace(0.02, 2.0, 60), key=loss)
        return self

    # --- coding ----------------------------------------------------------------------------------------

    def scores(self, texts: list[str]) -> np.ndarray:
        X = self.vectoriser_.transform([coder_text(t) for t in texts])
        return np.asarray((X @ self.weights_).todense()) + self.intercept_

    def predict(self, texts: list[str]) -> list[str]:
        return [self.classes_[i] for i in self.scores(texts).argmax(axis=1)]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        z = self.scores(texts) / self.temperature_
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The k likeliest codes of one title, with probabilities."""
        if not text or not text.strip():
            return []
        p = self.probabilities([text])[0]
        best = np.argsort(-p, kind="stable")[:k]
        return [(self.classes_[i], float(p[i])) for i in best]

    # --- storage ---------------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (self.weights_.data, self.weights_.indices, self.intercept_, np.array(self.classes_), self.vectoriser_.idf_):
            digest.update(np.ascontiguousarray(part).tobytes())
        digest.update(repr((self.ngram_range, self.temperature_)).encode())
        return digest.hexdigest()[:16]

    def save(self, path: str | Path) -> None:
        """The model as .npz, its metadata beside it as .json."""
        path = Path(path)
        terms = sorted(self.vectoriser_.vocabulary_, key=self.vectoriser_.vocabulary_.get)
        with open(path, "wb") as handle:
            np.savez_compressed(
                handle,
                terms=np.array(terms),
                idf=self.vectoriser_.idf_.astype(np.float32),
                data=self.weights_.data,
                indices=self.weights_.indices,
                indptr=self.weights_.indptr,
                intercept=self.intercept_,
                classes=np.array(self.classes_),
                settings=np.array([self.ngram_range[0], self.ngram_range[1], self.temperature_, self.C, self.min_weight]),
            )
        path.with_suffix(".json").write_text(json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TitleCoder:
        path = Path(path)
        with np.load(path) as data:
            low, high, temperature, C, min_weight = data["settings"].tolist()
            coder = cls((int(low), int(high)), C=C, min_weight=min_weight)
            terms = data["terms"].tolist()
            weights = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=(len(terms), len(data["classes"]))
            )
            coder._set(terms, data["idf"], weights, data["intercept"], data["classes"].tolist(), temperature)
        meta = path.with_suffix(".json")
        coder.metadata = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        return coder
