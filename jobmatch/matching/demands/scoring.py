"""Reading quality against a graded set: `score_reading(jobs, profiles, labels)`, precision and recall per label."""

from __future__ import annotations

from .resident import read_limits
from .vacancy import read_demands


def _counts(pairs: list[tuple[set[str], set[str]]]) -> dict[str, dict]:
    labels = sorted({label for gold, read in pairs for label in gold | read})
    out = {}
    for label in labels:
        tp = sum(label in gold and label in read for gold, read in pairs)
        fp = sum(label not in gold and label in read for gold, read in pairs)
        fn = sum(label in gold and label not in read for gold, read in pairs)
        out[label] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "support": tp + fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        }
    return out


def score_reading(jobs: list[dict], profiles: list[dict], labels: list[dict]) -> dict:
    """Precision, recall and counts per label: required demands of `jobs` against `labels`' `demands`; limits, holds,
    lacks of `profiles` against theirs, and whether a resident is new to some work against a non-empty `new_to`.
    Also `errors`: each record a label was wrongly read for or missed, to find what to fix."""
    by_job = {str(row["job_id"]): row for row in labels if "job_id" in row}
    by_profile = {str(row["profile_id"]): row for row in labels if "profile_id" in row}
    pairs: dict[str, list] = {"demands": [], "limits": [], "holds": [], "lacks": [], "new_to": []}
    errors: list[dict] = []

    def add(kind: str, record_id: str, gold: set[str], read: set[str]) -> None:
        pairs[kind].append((gold, read))
        for label in sorted(gold ^ read):
            errors.append(
                {"id": record_id, "kind": kind, "label": label, "error": "missed" if label in gold else "wrong"}
            )

    for job in jobs:
        gold = by_job.get(str(job["id"]))
        if gold is None:
            continue
        demands = read_demands(job.get("title") or "", job.get("description") or "")
        add("demands", str(job["id"]), set(gold.get("demands") or ()), set(demands.required))
    for profile in profiles:
        gold = by_profile.get(str(profile["id"]))
        if gold is None:
            continue
        read = read_limits(profile.get("experience") or "", profile.get("desired") or "")
        pid = str(profile["id"])
        add("limits", pid, set(gold.get("limits") or ()), set(read.limit_labels))
        add("holds", pid, set(gold.get("holds") or ()), set(read.held))
        add("lacks", pid, set(gold.get("lacks") or ()), set(read.lacking))
        add("new_to", pid, {"new_to"} if gold.get("new_to") else set(), {"new_to"} if read.is_new else set())
    result: dict[str, dict | list] = {kind: _counts(rows) for kind, rows in pairs.items()}
    result["errors"] = errors
    return result
