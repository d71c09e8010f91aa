"""Real-title quality when the title coder has never seen the pool's titles: an honest estimate for new postings.

    python bench/unseen_titles.py [--pool ../shared/eval/real-dev] [--profiles ../shared/eval/dev/profiles.jsonl]

The shipped title coder is trained on every labelled title of ../shared/data/csco-titles.csv, and the real-dev pool was
drawn from that file, so `jobmatch evaluate --pool` on it flatters the coder. This builds a coder from the same files
without the pool's titles (into a temporary copy of models/), then evaluates the pool with it, beside the shipped one.
It also ranks the pool with each title coded by its true label alone: the ceiling any coder could reach with this
ranking of residents.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
JOBMATCH = str(Path(sys.executable).with_name("jobmatch"))


def evaluate(models: Path, pool: Path, profiles: Path) -> dict:
    env = {**os.environ, "JOBMATCH_MODELS_DIR": str(models)}
    args = [
        JOBMATCH,
        "evaluate",
        "--jobs",
        str(pool / "jobs.jsonl"),
        "--profiles",
        str(profiles),
        "--qrels",
        str(pool / "qrels.tsv"),
        "--json",
    ]
    return json.loads(subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout)["systems"][
        "jobmatch"
    ]


def true_labels(pool: Path, profiles: Path, titles: Path) -> dict:
    """The pool ranked with each vacancy's occupation being its title's label in csco-titles.csv, and nothing else."""
    from jobmatch.matching import job_from_dict, profile_from_dict
    from jobmatch.matching.artifacts import Artefacts
    from jobmatch.matching.fitting.evaluation import load_qrels, matcher_rankings, metrics

    with open(titles, encoding="utf-8-sig", newline="") as f:
        label = {row["job_name"]: row["expected_code"] for row in csv.DictReader(f)}
    jobs = [
        job_from_dict(json.loads(line))
        for line in (pool / "jobs.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    residents = [
        profile_from_dict(json.loads(line))
        for line in profiles.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    matcher = (
        Artefacts.load(ROOT / "models")
        .matcher()
        .fit(jobs, residents, job_codings=[{label[j.title]: 1.0} for j in jobs])
    )
    return metrics(matcher_rankings(matcher, residents), load_qrels(pool / "qrels.tsv"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=Path, default=SHARED / "eval" / "real-dev")
    parser.add_argument("--profiles", type=Path, default=SHARED / "eval" / "dev" / "profiles.jsonl")
    parser.add_argument("--csco", type=Path, default=SHARED / "data" / "csco22.csv")
    parser.add_argument("--titles", type=Path, default=SHARED / "data" / "csco-titles.csv")
    args = parser.parse_args()
    pool_titles = {
        json.loads(line)["title"]
        for line in (args.pool / "jobs.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    with tempfile.TemporaryDirectory(prefix="jobmatch-unseen-") as tmp:
        models = Path(tmp) / "models"
        shutil.copytree(ROOT / "models", models)
        titles = Path(tmp) / "titles.csv"
        with (
            open(args.titles, encoding="utf-8-sig", newline="") as source,
            open(titles, "w", encoding="utf-8", newline="") as out,
        ):
            rows = csv.DictReader(source)
            writer = csv.DictWriter(out, fieldnames=rows.fieldnames)
            writer.writeheader()
            kept = [row for row in rows if row["job_name"] not in pool_titles]
            writer.writerows(kept)
        env = {**os.environ, "JOBMATCH_MODELS_DIR": str(models)}
        subprocess.run(
            [JOBMATCH, "train", "--coder", "--csco", str(args.csco), "--titles", str(titles)],
            env=env,
            check=True,
            capture_output=True,
        )
        report = {
            "pool": str(args.pool),
            "titles_left_out": len(pool_titles),
            "titles_trained_on": len(kept),
            "shipped_coder": evaluate(ROOT / "models", args.pool, args.profiles),
            "coder_without_the_pool": evaluate(models, args.pool, args.profiles),
            "true_labels_as_codes": true_labels(args.pool, args.profiles, args.titles),
        }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
