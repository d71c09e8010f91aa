"""Benchmark of the matcher in process (issue 6, first part): index build, latency, and the naive approach.

    python bench/run.py [--scale fair|county|city] [--seed 7]

Synthetic data reuses the demo fair's vocabulary, places, pay and shifts, seeded. Reported in one run, as ratios
where the issue asks for them. Not measured yet: HTTP through gunicorn, PostgreSQL beside SQLite, incremental adds.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

SCALES = {"fair": (100, 1_200), "county": (2_000, 20_000), "city": (20_000, 200_000)}
ROOT = Path(__file__).resolve().parents[1]


def synthetic(n_jobs: int, n_profiles: int, seed: int):
    from jobmatch.batch import read_jsonl
    from jobmatch.demo import demo_file
    from jobmatch.matching import job_from_dict, profile_from_dict
    from jobmatch.schemas import JobCreateSchema, ProfileSchema

    rng = random.Random(seed)
    jobs = [job_from_dict({**j, "id": j["external_id"]}) for j in read_jsonl(demo_file("jobs.jsonl"), JobCreateSchema())]
    profiles = [profile_from_dict({**p, "id": p["external_id"]}) for p in read_jsonl(demo_file("profiles.jsonl"), ProfileSchema())]

    def jitter(value, spread):
        return None if value is None else value + rng.uniform(-spread, spread)

    out_jobs = [
        replace(j, id=f"J{i}", lat=jitter(j.lat, 0.05), lon=jitter(j.lon, 0.05),
                wage_max=None if j.wage_max is None else round(j.wage_max * rng.uniform(0.85, 1.2)))
        for i, j in enumerate(rng.choice(jobs) for _ in range(n_jobs))
    ]
    out_profiles = [
        replace(p, id=f"P{i}", age=rng.randint(22, 68), lat=jitter(p.lat, 0.05), lon=jitter(p.lon, 0.05))
        for i, p in enumerate(rng.choice(profiles) for _ in range(n_profiles))
    ]
    return out_jobs, out_profiles


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default="fair")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n_jobs, n_profiles = SCALES[args.scale]

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from jobmatch.config import DEFAULT_MODELS_DIR
    from jobmatch.matching.artifacts import Artefacts
    from jobmatch.matching.matcher import job_text, profile_text

    jobs, profiles = synthetic(n_jobs, n_profiles, args.seed)
    artefacts = Artefacts.load(DEFAULT_MODELS_DIR)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    matcher = artefacts.matcher().fit(jobs, profiles)
    build_s = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rng = random.Random(args.seed)
    sample_profiles = [rng.choice(profiles) for _ in range(200)]
    sample_jobs = [rng.choice(jobs) for _ in range(50)]
    it = iter(sample_profiles * 2)
    jobs_for_ms = timed(lambda: matcher.jobs_for(next(it), top=10), 200)
    jt = iter(sample_jobs * 2)
    profiles_for_ms = timed(lambda: matcher.profiles_for(next(jt), top=10), 50)

    job_docs = [job_text(j) for j in jobs]
    nt = iter(sample_profiles * 2)

    def naive():  # what simple matchers do: refit TF-IDF on every request, cosine against every job
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        matrix = vectorizer.fit_transform(job_docs)
        sims = cosine_similarity(vectorizer.transform([profile_text(next(nt))]), matrix).ravel()
        return sims.argsort()[-10:]

    naive_ms = timed(naive, 20)

    with tempfile.TemporaryDirectory() as folder:
        fair_jobs, fair_profiles = synthetic(100, 1_200, args.seed)
        for name, records in (("jobs", fair_jobs), ("profiles", fair_profiles)):
            with open(Path(folder) / f"{name}.jsonl", "w", encoding="utf-8") as f:
                for r in records:
                    f.write(json.dumps({k: (list(v) if isinstance(v, tuple) else v) for k, v in r.__dict__.items() if v is not None}, ensure_ascii=False) + "\n")
        jobmatch = Path(sys.executable).with_name("jobmatch")
        started = time.perf_counter()
        subprocess.run([str(jobmatch), "rank", "--jobs", f"{folder}/jobs.jsonl", "--profiles", f"{folder}/profiles.jsonl", "-o", f"{folder}/out.jsonl"],
                       check=True, capture_output=True)
        rank_s = time.perf_counter() - started

    report = {
        "scale": args.scale, "jobs": n_jobs, "profiles": n_profiles,
        "index_build_s": round(build_s, 2), "peak_rss_mb": round(rss_after, 1), "rss_growth_during_build_mb": round(rss_after - rss_before, 1),
        "jobs_for_profile_ms": {"p50": round(statistics.median(jobs_for_ms), 2), "p99": round(percentile(jobs_for_ms, 0.99), 2)},
        "profiles_for_job_ms": {"p50": round(statistics.median(profiles_for_ms), 2), "p99": round(percentile(profiles_for_ms, 0.99), 2)},
        "naive_refit_per_request_ms_p50": round(statistics.median(naive_ms), 2),
        "speedup_over_naive": round(statistics.median(naive_ms) / statistics.median(jobs_for_ms), 1),
        "rank_cli_1200x100_s": round(rank_s, 2),
        "not_measured_yet": ["HTTP via gunicorn vs a trivial endpoint", "PostgreSQL beside SQLite", "incremental add to a live index"],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
