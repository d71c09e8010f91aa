"""The benchmark still runs end to end (its figures are reported, never asserted: see bench/run.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_runs_at_fair_scale_and_reports_every_figure():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "fair", "--no-http"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["jobs"], report["profiles"]) == (100, 1200)
    figures = report["in_process"]
    for name in (
        "jobs_for_profile_ms",
        "profiles_for_job_ms",
        "add_one_vacancy_ms",
        "add_one_profile_ms",
        "naive_refit_per_request_ms",
        "bm25s_jobs_for_profile_ms",
    ):
        assert figures[name]["n"] > 0 and 0 < figures[name]["p50"] <= figures[name]["p99"]
    assert figures["speedup_over_naive"] > 0 and figures["rss_mb"]["after_build"] > 0 and figures["ratio_to_bm25s"] > 0
    assert report["rank_cli"]["median_s"] > 0
    assert (
        "| speed-up over refit-per-request |" in result.stderr
        and "| jobmatch time per query ÷ bm25s |" in result.stderr
    )
