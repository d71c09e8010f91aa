"""Benchmark of jobmatch at fair, county or city scale: everything issue 6 asks for, measured in one run.

    python bench/run.py [--scale fair|county|city] [--seed 7] [--duration 10] [--postgres URL] [--no-http]

Reported, as JSON on stdout and as the README's markdown table on stderr:
- reading texts (the coding stored with each record at write time), records per second;
- index build time and peak memory (RSS) of a process that builds the index from stored records;
- in process: jobs for one profile, profiles for one job (p50/p99); adding one vacancy and one profile to the
  live index; the naive approach (refit TF-IDF per request, cosine over every job) and the speed-up over it; and
  bm25s, the fastest sparse BM25 for Python, ranking the same vacancies for the same residents (character unigrams
  and bigrams), with jobmatch's time per query as a ratio to it;
- over HTTP, gunicorn with 2 workers on loopback, SQLite and PostgreSQL side by side: throughput of the match
  endpoints beside the app's trivial JSON endpoint (/healthz), as ratios, and each worker's peak RSS;
- `jobmatch rank` for a 1,200-resident fair against 100 vacancies;
- `jobmatch evaluate` on the development set, so speed never hides a drop in quality.
Ratios are what to compare between machines; the absolute figures are this machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import ROOT, Synthetic  # noqa: E402

SCALES = {"fair": (100, 1_200), "county": (2_000, 20_000), "city": (20_000, 200_000)}
DEV = ROOT.parent / "shared" / "eval" / "dev"
PYTHON = sys.executable
JOBMATCH = str(Path(sys.executable).with_name("jobmatch"))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples_ms: list[float]) -> dict:
    return {
        "p50": round(statistics.median(samples_ms), 2),
        "p99": round(percentile(samples_ms, 0.99), 2),
        "n": len(samples_ms),
    }


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- data ------------------------------------------------------------------------------------------


def generate(n_jobs: int, n_profiles: int, seed: int, folder: Path) -> dict:
    """Synthetic records with the codings a write would store, pickled for the measuring processes."""
    from jobmatch.config import DEFAULT_MODELS_DIR
    from jobmatch.matching import job_from_dict, profile_from_dict
    from jobmatch.matching.artifacts import Artefacts
    from jobmatch.matching.matcher import fork_map

    synthetic = Synthetic(seed)
    job_dicts = list(synthetic.jobs(n_jobs))
    profile_dicts = list(synthetic.profiles(n_profiles))
    jobs = [job_from_dict({**d, "id": d["external_id"]}) for d in job_dicts]
    profiles = [profile_from_dict({**d, "id": d["external_id"]}) for d in profile_dicts]
    matcher = Artefacts.load(DEFAULT_MODELS_DIR).matcher()
    started = time.perf_counter()
    job_codings = [c for part in fork_map(lambda i: matcher.code_job(jobs[i]), len(jobs), chunk=500) for c in part]
    profile_codings = [
        c for part in fork_map(lambda i: matcher.code_profile(profiles[i]), len(profiles), chunk=500) for c in part
    ]
    coding_s = time.perf_counter() - started
    with open(folder / "records.pickle", "wb") as f:
        pickle.dump((jobs, profiles, job_codings, profile_codings), f)
    with open(folder / "rows.pickle", "wb") as f:
        pickle.dump((job_dicts, profile_dicts, job_codings, profile_codings, matcher.coder.fingerprint), f)
    cores = os.cpu_count() or 1
    return {
        "records": n_jobs + n_profiles,
        "seconds": round(coding_s, 1),
        "cores": cores,
        "records_per_s": round((n_jobs + n_profiles) / coding_s),
    }


# --- in process (run in a fresh process, so its peak memory is the index's) -------------------------


def in_process(folder: Path, seed: int) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from jobmatch.config import DEFAULT_MODELS_DIR
    from jobmatch.matching import job_from_dict, profile_from_dict
    from jobmatch.matching.artifacts import Artefacts
    from jobmatch.matching.matcher import job_text, profile_text

    with open(folder / "records.pickle", "rb") as f:
        jobs, profiles, job_codings, profile_codings = pickle.load(f)
    artefacts = Artefacts.load(DEFAULT_MODELS_DIR)
    rss_loaded = peak_rss_mb()
    started = time.perf_counter()
    matcher = artefacts.matcher().fit(jobs, profiles, job_codings, profile_codings)
    build_s = time.perf_counter() - started
    rss_built = peak_rss_mb()

    rng = random.Random(seed)
    picks = [rng.randrange(len(profiles)) for _ in range(300)]
    job_picks = [rng.randrange(len(jobs)) for _ in range(100)]
    jobs_for = timed(
        lambda i: matcher.jobs_for(profiles[picks[i]], top=10, coding=profile_codings[picks[i]]), len(picks)
    )
    profiles_for = timed(
        lambda i: matcher.profiles_for(jobs[job_picks[i]], top=10, coding=job_codings[job_picks[i]]), len(job_picks)
    )

    synthetic = Synthetic(seed + 1)
    new_jobs = [job_from_dict({**d, "id": d["external_id"]}) for d in synthetic.jobs(100, prefix="NJ")]
    new_profiles = [profile_from_dict({**d, "id": d["external_id"]}) for d in synthetic.profiles(100, prefix="NP")]
    for record in new_jobs + new_profiles:  # codings are made at write time, before the index sees the record
        matcher.code_job(record) if hasattr(record, "title") else matcher.code_profile(record)
    add_job = timed(lambda i: matcher.add_jobs([new_jobs[i]]), len(new_jobs))
    add_profile = timed(lambda i: matcher.add_profiles([new_profiles[i]]), len(new_profiles))
    assert matcher.jobs_for(new_profiles[0], top=3) is not None

    job_docs = [job_text(j) for j in jobs]

    def naive(i):  # what simple matchers do: refit TF-IDF on every request, cosine against every job
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        matrix = vectorizer.fit_transform(job_docs)
        sims = cosine_similarity(vectorizer.transform([profile_text(profiles[picks[i]])]), matrix).ravel()
        return sims.argsort()[-10:]

    naive_ms = timed(naive, 10 if len(jobs) > 5_000 else 30)

    # The lexical anchor: BM25 over the same texts, indexed once, one query at a time on one thread, as a request is.
    import bm25s

    lexical = bm25s.BM25()
    lexical.index([char_grams(d) for d in job_docs], show_progress=False)
    bm25_ms = timed(
        lambda i: lexical.retrieve(
            [char_grams(profile_text(profiles[picks[i]]))], k=10, show_progress=False, n_threads=1
        ),
        len(picks),
    )
    return {
        "index_build_s": round(build_s, 2),
        "rss_mb": {
            "records_loaded": round(rss_loaded),
            "after_build": round(rss_built),
            "build_added": round(rss_built - rss_loaded),
        },
        "jobs_for_profile_ms": summary(jobs_for),
        "profiles_for_job_ms": summary(profiles_for),
        "add_one_vacancy_ms": summary(add_job),
        "add_one_profile_ms": summary(add_profile),
        "naive_refit_per_request_ms": summary(naive_ms),
        "speedup_over_naive": round(statistics.median(naive_ms) / statistics.median(jobs_for), 1),
        "bm25s_jobs_for_profile_ms": summary(bm25_ms),
        "ratio_to_bm25s": round(statistics.median(jobs_for) / statistics.median(bm25_ms), 2),
    }


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams: the usual lexical tokens for Chinese, where words are not spaced."""
    chars = [c for c in text if not c.isspace()]
    return chars + [a + b for a, b in zip(chars, chars[1:])]


# --- over HTTP ---------------------------------------------------------------------------------------


JOB_DEFAULTS = {
    "shift": "day",
    "wage_unit": "month",
    "openings": 1,
    "skills": [],
    "perks": [],
    "description": "",
    "age_min": None,
    "age_max": None,
    "wage_min": None,
    "wage_max": None,
    "lat": None,
    "lon": None,
    "contact_phone": None,
}
PROFILE_DEFAULTS = {
    "availability": "any",
    "expected_wage": None,
    "max_commute_km": None,
    "lat": None,
    "lon": None,
    "age": None,
}


def _defaults(record: dict, defaults: dict) -> dict:
    """Every row of one insert needs the same keys; a missing or empty value takes the column's default."""
    return {k: (record.get(k) if record.get(k) is not None else v) for k, v in defaults.items()}


def load_database(url: str, folder: Path) -> tuple[list[int], list[int]]:
    """The synthetic records written straight into a migrated database, with their stored codings."""
    from sqlalchemy import create_engine, insert, select

    from jobmatch.db import upgrade
    from jobmatch.matching.matcher import coding_to_json
    from jobmatch.models import Employer, Job, Profile

    with open(folder / "rows.pickle", "rb") as f:
        job_dicts, profile_dicts, job_codings, profile_codings, fingerprint = pickle.load(f)
    upgrade(url)
    engine = create_engine(url)
    job_columns = set(Job.__table__.columns.keys())
    profile_columns = set(Profile.__table__.columns.keys())
    with engine.begin() as conn:
        names = sorted({d["employer"] for d in job_dicts})
        conn.execute(insert(Employer.__table__), [{"name": n} for n in names])
        employer_ids = dict(conn.execute(select(Employer.name, Employer.id)).all())
        for start in range(0, len(job_dicts), 5_000):
            rows = [
                {
                    **{k: v for k, v in d.items() if k in job_columns},
                    **_defaults(d, JOB_DEFAULTS),
                    "employer_id": employer_ids[d["employer"]],
                    "coding": coding_to_json(c, fingerprint),
                }
                for d, c in zip(job_dicts[start : start + 5_000], job_codings[start : start + 5_000])
            ]
            conn.execute(insert(Job.__table__), rows)
        for start in range(0, len(profile_dicts), 5_000):
            rows = [
                {
                    **{k: v for k, v in d.items() if k in profile_columns},
                    **_defaults(d, PROFILE_DEFAULTS),
                    "coding": coding_to_json(c, fingerprint),
                }
                for d, c in zip(profile_dicts[start : start + 5_000], profile_codings[start : start + 5_000])
            ]
            conn.execute(insert(Profile.__table__), rows)
        job_ids = list(conn.scalars(select(Job.id)))
        profile_ids = list(conn.scalars(select(Profile.id)))
    engine.dispose()
    return job_ids, profile_ids


def staff_token(url: str, instance: Path) -> str:
    from jobmatch import create_app
    from jobmatch.auth import create_token
    from jobmatch.db import db

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        token = create_token(db.session, "bench", "staff")
    app.extensions["jobmatch.db"]["engine"].dispose()
    return token


def _client(args) -> int:
    """One load-generating process: `threads` loops of one request at a time, for `duration` seconds."""
    from concurrent.futures import ThreadPoolExecutor

    base, paths, token, duration, threads = args
    deadline = time.monotonic() + duration

    def loop(offset: int) -> int:
        done, i = 0, offset
        while time.monotonic() < deadline:
            request = urllib.request.Request(base + paths[i % len(paths)], headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {response.status}")
            done, i = done + 1, i + 7
        return done

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(loop, range(threads)))


def throughput(base: str, paths: list[str], token: str, duration: float, processes: int = 2, threads: int = 4) -> float:
    from multiprocessing import get_context

    with get_context("spawn").Pool(processes) as pool:
        counts = pool.map(
            _client, [(base, paths[p::processes] or paths, token, duration, threads) for p in range(processes)]
        )
    return sum(counts) / duration


def memory_mb(pid: int) -> dict:
    """Peak and current RSS, and PSS: shared pages (the index inherited from the master) split among their sharers."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    pss = next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    return {
        "peak_rss": round(int(status["VmHWM"].split()[0]) / 1024),
        "rss": round(int(status["VmRSS"].split()[0]) / 1024),
        "pss": round(pss / 1024),
    }


def server_memory(master_pid: int) -> dict:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {"master": memory_mb(master_pid), "workers": [memory_mb(int(pid)) for pid in children]}


def over_http(backend: str, url: str, folder: Path, duration: float, seed: int) -> dict:
    from sqlalchemy.engine import make_url

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import Gunicorn

    log(f"{backend}: loading the database")
    started = time.perf_counter()
    job_ids, profile_ids = load_database(url, folder)
    load_s = time.perf_counter() - started
    instance = folder / f"instance-{backend}"
    token = staff_token(url, instance)
    log(f"{backend}: starting gunicorn (the master builds the index, then forks 2 workers)")
    started = time.perf_counter()
    server = Gunicorn(url, instance, workers=2)
    ready_s = time.perf_counter() - started
    try:
        rng = random.Random(seed)
        profile_paths = [f"/api/v1/profiles/{rng.choice(profile_ids)}/matches" for _ in range(500)]
        job_paths = [f"/api/v1/jobs/{rng.choice(job_ids)}/matches" for _ in range(200)]
        throughput(server.base, profile_paths[:20], token, 2)  # warm the connection pools
        figures = {}
        for name, paths in (
            ("trivial /healthz", ["/healthz"]),
            ("jobs for a profile", profile_paths),
            ("profiles for a job", job_paths),
        ):
            log(f"{backend}: {name} for {duration:.0f} s")
            figures[name] = round(throughput(server.base, paths, token, duration), 1)
        trivial = figures["trivial /healthz"]
        return {
            "database": make_url(url).get_backend_name(),
            "load_rows_s": round(load_s, 1),
            "start_and_build_s": round(ready_s, 1),
            "requests_per_s": figures,
            "ratio_to_trivial": {k: round(v / trivial, 2) for k, v in figures.items() if k != "trivial /healthz"},
            "memory_mb": server_memory(server.process.pid),
        }
    finally:
        server.stop()


def new_postgres_database(admin_url: str) -> tuple[str, callable]:
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"jobmatch_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


# --- commands ----------------------------------------------------------------------------------------


def rank_command(folder: Path, seed: int) -> dict:
    synthetic = Synthetic(seed)
    for name, records in (("jobs", synthetic.jobs(100)), ("profiles", synthetic.profiles(1_200))):
        with open(folder / f"fair-{name}.jsonl", "w", encoding="utf-8") as f:
            for record in records:
                record["id"] = record.pop("external_id")
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [
                JOBMATCH,
                "rank",
                "--jobs",
                str(folder / "fair-jobs.jsonl"),
                "--profiles",
                str(folder / "fair-profiles.jsonl"),
                "-o",
                str(folder / "fair-out.jsonl"),
            ],
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(samples), 2),
        "runs_s": [round(s, 2) for s in samples],
        "cores": os.cpu_count(),
    }


def evaluate_command() -> dict:
    if not DEV.exists():
        return {"skipped": f"{DEV} not found"}
    out = subprocess.run(
        [
            JOBMATCH,
            "evaluate",
            "--jobs",
            str(DEV / "jobs.jsonl"),
            "--profiles",
            str(DEV / "profiles.jsonl"),
            "--qrels",
            str(DEV / "qrels.tsv"),
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report = json.loads(out)
    return {
        "nDCG@5": round(report["systems"]["jobmatch"]["ndcg5"], 4),
        "tfidf nDCG@5": round(report["systems"]["tfidf_char_1_3"]["ndcg5"], 4),
    }


def table(report: dict) -> str:
    p = report["in_process"]
    rows = [
        (
            "jobs for one profile, in process, p50 / p99",
            f"{p['jobs_for_profile_ms']['p50']} / {p['jobs_for_profile_ms']['p99']} ms",
        ),
        (
            "profiles for one job, in process, p50 / p99",
            f"{p['profiles_for_job_ms']['p50']} / {p['profiles_for_job_ms']['p99']} ms",
        ),
        ("index build from stored records", f"{p['index_build_s']} s"),
        ("peak RSS of the building process", f"{p['rss_mb']['after_build']} MB"),
        (
            "add one vacancy / one profile to the live index, p50",
            f"{p['add_one_vacancy_ms']['p50']} / {p['add_one_profile_ms']['p50']} ms",
        ),
        ("naive refit-per-request, p50", f"{p['naive_refit_per_request_ms']['p50']} ms"),
        ("speed-up over refit-per-request", f"{p['speedup_over_naive']}×"),
        (
            "bm25s, same vacancies and residents, p50 / p99",
            f"{p['bm25s_jobs_for_profile_ms']['p50']} / {p['bm25s_jobs_for_profile_ms']['p99']} ms",
        ),
        ("jobmatch time per query ÷ bm25s", f"{p['ratio_to_bm25s']}×"),
        (
            "reading texts at write time (coding)",
            f"{report['coding']['records_per_s']} records/s on {report['coding']['cores']} cores",
        ),
    ]
    for backend, h in report.get("http", {}).items():
        if "error" in h:
            rows.append((f"HTTP, {backend}", h["error"]))
            continue
        rps = h["requests_per_s"]
        rows.append(
            (
                f"HTTP {backend}: trivial / jobs-for-profile / profiles-for-job",
                f"{rps['trivial /healthz']} / {rps['jobs for a profile']} / {rps['profiles for a job']} req/s",
            )
        )
        rows.append(
            (
                f"HTTP {backend}: match ÷ trivial",
                f"{h['ratio_to_trivial']['jobs for a profile']} (jobs) / "
                f"{h['ratio_to_trivial']['profiles for a job']} (profiles)",
            )
        )
        memory = h["memory_mb"]
        rows.append(
            (
                f"HTTP {backend}: memory per worker, PSS (peak RSS, shared pages counted whole)",
                " / ".join(f"{w['pss']} MB ({w['peak_rss']} MB)" for w in memory["workers"])
                + f"; master {memory['master']['pss']} MB",
            )
        )
    rows.append(("`jobmatch rank`, 1,200 residents × 100 vacancies", f"{report['rank_cli']['median_s']} s"))
    rows.append(("development set nDCG@5", str(report["evaluate"].get("nDCG@5"))))
    return "\n".join(["| figure | measured |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="fair")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds of load per HTTP figure.")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("JOBMATCH_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="An admin URL; the benchmark creates and drops its own database. Empty: skip PostgreSQL.",
    )
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--in-process", dest="child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(in_process(Path(args.child), args.seed)))
        return
    n_jobs, n_profiles = SCALES[args.scale]
    report = {"scale": args.scale, "jobs": n_jobs, "profiles": n_profiles, "seed": args.seed}
    with tempfile.TemporaryDirectory(prefix="jobmatch-bench-") as tmp:
        folder = Path(tmp)
        log(f"generating {n_jobs} vacancies and {n_profiles} profiles, and reading their texts")
        report["coding"] = generate(n_jobs, n_profiles, args.seed, folder)
        log("in process: build, latency, incremental adds, naive approach")
        child = subprocess.run(
            [PYTHON, __file__, "--in-process", str(folder), "--seed", str(args.seed)],
            check=True,
            capture_output=True,
            text=True,
        )
        report["in_process"] = json.loads(child.stdout)
        if not args.no_http:
            report["http"] = {}
            report["http"]["sqlite"] = over_http(
                "sqlite", f"sqlite:///{folder / 'bench.sqlite3'}", folder, args.duration, args.seed
            )
            if args.postgres:
                try:
                    url, drop = new_postgres_database(args.postgres)
                except Exception as err:  # no server here: say so in the report rather than fail the run
                    report["http"]["postgresql"] = {"error": f"PostgreSQL unavailable: {err.__class__.__name__}"}
                else:
                    try:
                        report["http"]["postgresql"] = over_http("postgresql", url, folder, args.duration, args.seed)
                    finally:
                        drop()
        log("jobmatch rank: 1,200 residents x 100 vacancies")
        report["rank_cli"] = rank_command(folder, args.seed)
        log("jobmatch evaluate on the development set")
        report["evaluate"] = evaluate_command()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\n`python bench/run.py --scale {args.scale}` on this machine:\n\n" + table(report), file=sys.stderr)


if __name__ == "__main__":
    main()
