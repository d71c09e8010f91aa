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

from .postings import clean_title
from .text import normalise
from .vectoriser import CharTfidf

# The 2022 edition marks new digital (S) and green (L) occupations after the name: 道路货运汽车驾驶员L.
_MARKS = re.compile(r"\s*[SL]\s*$")
# Aliases kept are names of a person's job (货运司机, 报关员, 礼宾员); field words (物业, 证券, 招聘) would code every
# text that mentions the field.
_NAME_LIKE = re.compile(r"^[\u4e00-\u9fff]{2,11}(?:师|员|工|长|手|匠|官|司机|保姆|阿姨)$")


def plain_name(name: str) -> str:
    """A CSCO name without its S/L marker."""
    return _MARKS.sub("", name.strip())


_GENERIC_STEM = re.compile(r"(?:专业|技术|服务|管理|辅助|有关|其他|相关|工作|操作|生产|制造|加工)$")


def _spoken(name: str) -> str:
    """How people say a classification name: 报关人员 is a 报关员, 机械设计工程技术人员 a 机械设计工程师."""
    if name.endswith("工程技术人员"):
        return name[:-6] + "工程师"
    stem = name[:-2]
    if name.endswith("人员") and len(stem) >= 2 and not _GENERIC_STEM.search(stem):
        return stem + "员"
    return ""


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
            aliases = {plain_name(a) for a in (row.get("alias") or "").split(",")} | {_spoken(name)}
            out.aliases[code] = tuple(sorted(a for a in aliases - {name, ""} if _NAME_LIKE.match(a)))
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
    """What the title coder reads: the cleaned occupation, or the whole normalised title when cleaning leaves
    nothing."""
    return clean_title(title) or normalise(title)


CANDIDATES = 3  # codes per title that calibration and coding consider


class TitleCoder:
    """Job title -> CSCO codes with probabilities: fit(texts, codes), predict(texts), top(text, k).

    Each candidate's probability comes from its linear score and its gap to the best one, calibrated on held-out
    folds, so that 0.8 means right about four times in five.
    """

    def __init__(
        self, ngram_range: tuple[int, int] = (1, 3), C: float = 0.5, min_weight: float = 0.05, hint_weight: float = 0.25
    ):
        self.ngram_range = ngram_range
        self.C = C
        self.hint_weight = hint_weight
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
        intercept = (
            model.intercept_ if len(model.classes_) > 2 else np.array([-model.intercept_[0], model.intercept_[0]])
        )
        weights = np.where(np.abs(weights) >= self.min_weight, weights, 0.0)
        terms = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
        self._set(
            terms,
            vectoriser.idf_,
            sparse.csr_matrix(weights, dtype=np.float32),
            intercept,
            list(model.classes_),
            (1.0, 0.0, 0.0),
        )
        return self

    def _set(self, terms, idf, weights, intercept, classes, calibration) -> None:
        self.vectoriser_ = CharTfidf(self.ngram_range)
        self.vectoriser_.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.vectoriser_.idf_ = np.asarray(idf, dtype=float)
        self.weights_ = weights  # terms x classes, sparse
        self.intercept_ = np.asarray(intercept, dtype=np.float32)
        self.classes_ = list(classes)
        self._positions: dict[str, int] | None = None
        # P(right) = sigmoid(a * score + b * (score - best score) + c); until calibrated, a plain sigmoid of the score
        self.calibration_ = np.asarray(calibration, dtype=float)

    def calibrate(self, scores: np.ndarray, truth: list[str], k: int = CANDIDATES) -> TitleCoder:
        """Learn how often a candidate is right from its score and its distance to the best score (Platt scaling on
        each held-out title's k best codes): 0.8 then means right about four times in five."""
        from sklearn.linear_model import LogisticRegression

        best = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        top = scores[np.arange(len(scores)), best[:, 0]]
        features, right = [], []
        for row, candidates in enumerate(best):
            for column in candidates:
                features.append((scores[row, column], scores[row, column] - top[row]))
                right.append(self.classes_[column] == truth[row])
        if len(set(right)) < 2:
            return self
        model = LogisticRegression(C=10.0).fit(np.array(features), np.array(right))
        self.calibration_ = np.array([*model.coef_[0], model.intercept_[0]])
        return self

    # --- coding ----------------------------------------------------------------------------------------

    def scores(self, texts: list[str], hints: list[dict[str, float]] | None = None) -> np.ndarray:
        """Linear scores of every class; `hints` (one per text: code -> strength in 0..1, from the alias rules) add
        `hint_weight` times their strength, so a title our aliases read plainly (普工, 看大门) is not outvoted."""
        X = self.vectoriser_.transform([coder_text(t) for t in texts])
        out = np.asarray((X @ self.weights_).todense()) + self.intercept_
        if hints:
            position = self._position()
            for row, found in enumerate(hints):
                for code, strength in (found or {}).items():
                    if code in position:
                        out[row, position[code]] += self.hint_weight * strength
        return out

    def _position(self) -> dict[str, int]:
        positions = getattr(self, "_positions", None)
        if positions is None:
            positions = self._positions = {c: i for i, c in enumerate(self.classes_)}
        return positions

    def predict(self, texts: list[str], hints: list[dict[str, float]] | None = None) -> list[str]:
        return [self.classes_[i] for i in self.scores(texts, hints).argmax(axis=1)]

    def top(self, text: str, k: int = 3, hints: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """The k best codes of one title, each with the probability that it is the right one."""
        if not text or not text.strip():
            return []
        scores = self.scores([text], [hints] if hints else None)[0]
        best = np.argsort(-scores, kind="stable")[:k]
        a, b, c = self.calibration_
        z = a * scores[best] + b * (scores[best] - scores[best[0]]) + c
        return [(self.classes_[i], float(p)) for i, p in zip(best, 1.0 / (1.0 + np.exp(-z)))]

    # --- storage ---------------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (
            self.weights_.data,
            self.weights_.indices,
            self.intercept_,
            np.array(self.classes_),
            self.vectoriser_.idf_,
        ):
            digest.update(np.ascontiguousarray(part).tobytes())
        # The calibration's last digits depend on the BLAS a machine has (summation order); ten are the model.
        digest.update(repr((self.ngram_range, np.round(self.calibration_, 10).tolist(), self.hint_weight)).encode())
        return digest.hexdigest()[:16]

    def save(self, path: str | Path) -> None:
        """The model as .npz, its metadata beside it as .json."""
        path = Path(path)
        terms = sorted(self.vectoriser_.vocabulary_, key=self.vectoriser_.vocabulary_.__getitem__)
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
                settings=np.array(
                    [self.ngram_range[0], self.ngram_range[1], self.C, self.min_weight, self.hint_weight]
                ),
                calibration=self.calibration_,
            )
        path.with_suffix(".json").write_text(
            json.dumps(self.metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, path: str | Path) -> TitleCoder:
        path = Path(path)
        with np.load(path) as data:
            low, high, C, min_weight, hint_weight = data["settings"].tolist()
            coder = cls((int(low), int(high)), C=C, min_weight=min_weight, hint_weight=hint_weight)
            terms = data["terms"].tolist()
            weights = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=(len(terms), len(data["classes"]))
            )
            coder._set(terms, data["idf"], weights, data["intercept"], data["classes"].tolist(), data["calibration"])
        meta = path.with_suffix(".json")
        coder.metadata = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
        return coder
