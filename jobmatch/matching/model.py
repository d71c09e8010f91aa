"""The score model: ordinal logistic regression over pair features, fitted with scikit-learn.

Three binary models estimate P(grade >= 1), P(grade >= 2) and P(grade >= 3). The score is the expected gain
(2^grade - 1) divided by its maximum 7, so it lies in [0, 1] and orders pairs the way nDCG rewards them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FEATURES = (
    "text",
    "occ_same",
    "occ_near",
    "occ_group",
    "occ_negated",
    "pay_fit",
    "pay_ok",
    "pay_bent",
    "distance_fit",
    "distance_ok",
    "distance_bent",
    "no_openings",
    "employer_named",
    "fit_all",
    "near_all",
    "text_same",
)
# Expected gain = P(g>=1)*1 + P(g>=2)*2 + P(g>=3)*4, since the gains 2^g - 1 are 1, 3 and 7.
GAIN_STEPS = np.array([1.0, 2.0, 4.0])
TURNED_DOWN_PENALTY = 0.8
FULL_PENALTY = 0.5
# Rules, not weights: graded data rarely holds such pairs, so a fitted weight would mean nothing.
RULE_FEATURES = ("occ_negated", "no_openings")


def design_matrix(f: dict[str, np.ndarray]) -> np.ndarray:
    """Model inputs, one row per pair, from raw pair features (see features.pair_features)."""
    ratio = f["pay_ratio"]
    unknown_pay = np.isnan(ratio)
    with np.errstate(invalid="ignore"):
        pay_ok = unknown_pay | (ratio >= 1.0)
        pay_bent = ~unknown_pay & (ratio >= 0.8) & (ratio < 1.0)
        rr = f["reach_ratio"]
        unknown_place = np.isnan(rr)
        distance_ok = unknown_place | (rr <= 1.0)
        distance_bent = ~unknown_place & (rr > 1.0) & (rr <= 1.5)
    pay_fit = np.where(unknown_pay, 0.7, np.clip((np.nan_to_num(ratio) - 0.5) / 0.5, 0.0, 1.0))
    distance_fit = np.where(unknown_place, 0.5, np.clip(2.0 - np.nan_to_num(rr), 0.0, 1.0))
    no_openings = (~np.isnan(f["openings"]) & (np.nan_to_num(f["openings"]) <= 0)).astype(float)
    columns = {
        "text": f["text"],
        "occ_same": f["occ_same"],
        "occ_near": f["occ_near"],
        "occ_group": f["occ_group"],
        "occ_negated": f["occ_negated"],
        "pay_fit": pay_fit,
        "pay_ok": pay_ok.astype(float),
        "pay_bent": pay_bent.astype(float),
        "distance_fit": distance_fit,
        "distance_ok": distance_ok.astype(float),
        "distance_bent": distance_bent.astype(float),
        "no_openings": no_openings,
        "employer_named": f["employer_named"].astype(float),
        "fit_all": f["occ_same"] * pay_ok * distance_ok,
        # a second-choice field counts only when nothing else is bent (grade 1 in the rubric)
        "near_all": f["occ_near"] * pay_ok * distance_ok,
        "text_same": f["text"] * f["occ_same"],
    }
    n = max(np.size(v) for v in columns.values())
    # Column-major: each feature is filled in one contiguous write (column_stack costs a copy of everything).
    X = np.empty((n, len(FEATURES)), order="F")
    for j, name in enumerate(FEATURES):
        X[:, j] = columns[name]
    return X


@dataclass
class ScoreModel:
    coef: np.ndarray  # (3, len(FEATURES))
    intercept: np.ndarray  # (3,)
    metadata: dict = field(default_factory=dict)

    def score(self, X: np.ndarray) -> np.ndarray:
        logits = X @ self.coef.T + self.intercept
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        expected_gain = p @ GAIN_STEPS / GAIN_STEPS.sum()
        # Work the resident turned down in words ("不想再进厂了") and vacancies with no places left are demoted
        # whatever else fits.
        turned_down = 1.0 - TURNED_DOWN_PENALTY * X[:, FEATURES.index("occ_negated")]
        full = 1.0 - FULL_PENALTY * X[:, FEATURES.index("no_openings")]
        return expected_gain * turned_down * full

    def bounds(self, text: np.ndarray, near: np.ndarray, group: np.ndarray) -> np.ndarray:
        """For pairs that share no occupation outright and name no firm: the highest score each can have, given its
        text similarity and its near and same-field occupation overlaps, with every other feature at its most
        favourable value. Used to skip scoring pairs that cannot reach a shortlist."""
        position = {name: i for i, name in enumerate(FEATURES)}
        absent = {"occ_same", "employer_named", "fit_all", "text_same"}  # zero for such pairs
        varying = {"text": text, "occ_near": near, "near_all": near, "occ_group": group}  # near_all <= occ_near
        exclusive = (("pay_ok", "pay_bent"), ("distance_ok", "distance_bent"))  # at most one of each pair is 1
        paired = {name for pair in exclusive for name in pair}
        logits = np.empty((3, len(text)))
        for k, coef in enumerate(self.coef):
            constant = self.intercept[k] + sum(max(0.0, *(coef[position[n]] for n in pair)) for pair in exclusive)
            constant += sum(max(0.0, coef[position[n]]) for n in FEATURES if n not in absent | paired | set(varying))
            logits[k] = constant
            for name, values in varying.items():
                logits[k] += max(0.0, coef[position[name]]) * values
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return GAIN_STEPS @ p / GAIN_STEPS.sum()  # the rules only ever lower a score

    @classmethod
    def fit(
        cls,
        X: np.ndarray,
        grades: np.ndarray,
        C: float = 1.0,
        metadata: dict | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> ScoreModel:
        """Three logistic models on the learned features (rules stay at 0); `sample_weight` weighs rows, as learning
        from outcomes does to make the graded pairs a prior."""
        from sklearn.linear_model import LogisticRegression

        learned = np.array([name not in RULE_FEATURES for name in FEATURES])
        X = X[:, learned]
        coef, intercept = [], []
        for k in (1, 2, 3):
            y = (grades >= k).astype(int)
            if y.min() == y.max():  # no positives (or no negatives) at this level: a constant model
                coef.append(np.zeros(learned.sum()))
                intercept.append(10.0 if y.min() else -10.0)
                continue
            model = LogisticRegression(C=C, max_iter=5000).fit(X, y, sample_weight=sample_weight)
            coef.append(model.coef_[0])
            intercept.append(model.intercept_[0])
        full = np.zeros((3, len(FEATURES)))
        full[:, learned] = np.array(coef)
        return cls(full, np.array(intercept), dict(metadata or {}))

    @property
    def version(self) -> str:
        """A short id of the weights themselves (not their metadata), recorded with every shortlist shown."""
        import hashlib

        # By feature name, so a reordering of FEATURES keeps ids; + 0.0 gives -0.0 and 0.0 one spelling.
        levels = [
            {
                "intercept": float(self.intercept[k]) + 0.0,
                "coef": {n: float(c) + 0.0 for n, c in zip(FEATURES, self.coef[k])},
            }
            for k in range(len(self.intercept))
        ]
        canonical = json.dumps(levels, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "levels": [
                {
                    "grade_at_least": k + 1,
                    "intercept": float(self.intercept[k]),
                    "coef": dict(zip(FEATURES, map(float, self.coef[k]))),
                }
                for k in range(3)
            ],
            "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ScoreModel:
        coef = np.array([[level["coef"].get(name, 0.0) for name in FEATURES] for level in data["levels"]])
        intercept = np.array([level["intercept"] for level in data["levels"]])
        return cls(coef, intercept, data.get("metadata", {}))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ScoreModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def default_model() -> ScoreModel:
    """Hand-set weights used when models/weights.json is missing: occupation first, then pay and distance."""
    per_level = {
        "text": 1.5,
        "occ_same": 3.0,
        "occ_near": 1.2,
        "occ_group": 0.5,
        "occ_negated": -4.0,
        "pay_fit": 0.5,
        "pay_ok": 0.8,
        "pay_bent": 0.3,
        "distance_fit": 0.5,
        "distance_ok": 0.8,
        "distance_bent": 0.3,
        "no_openings": 0.0,
        "employer_named": 1.0,
        "fit_all": 1.5,
        "near_all": 0.5,
        "text_same": 0.0,
    }
    coef = np.array([[per_level[name] for name in FEATURES]] * 3)
    return ScoreModel(coef, np.array([-3.0, -4.5, -6.0]), {"source": "hand-set default"})
