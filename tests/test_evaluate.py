"""`jobmatch evaluate` and `jobmatch train` on the small committed sample (tests/data/eval_sample).

The floors catch breakage; they are far below the targets and are not the benchmark.
"""

import json
import subprocess
from pathlib import Path

import pytest
from helpers import JOBMATCH

SAMPLE = Path(__file__).parent / "data" / "eval_sample"
ARGS = [
    "--jobs",
    str(SAMPLE / "jobs.jsonl"),
    "--profiles",
    str(SAMPLE / "profiles.jsonl"),
    "--qrels",
    str(SAMPLE / "qrels.tsv"),
]


@pytest.fixture(scope="module")
def report():
    result = subprocess.run([JOBMATCH, "evaluate", *ARGS, "--json"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_jobmatch_clears_a_floor_and_beats_both_baselines(report):
    systems = report["systems"]
    assert systems["jobmatch"]["profiles"] == 40
    assert systems["jobmatch"]["ndcg5"] >= 0.80
    assert systems["jobmatch"]["p1"] >= 0.75
    for baseline in ("tfidf_char_1_3", "bm25_jieba"):
        assert systems["jobmatch"]["ndcg5"] > systems[baseline]["ndcg5"] + 0.05


def test_script_invariance(report):
    assert report["invariance"]["traditional"] >= 0.9
    assert report["invariance"]["pinyin_annotated"] >= 0.9


def test_the_table_names_every_system():
    result = subprocess.run([JOBMATCH, "evaluate", *ARGS], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in ("jobmatch", "tfidf_char_1_3", "bm25_jieba", "nDCG@5", "top-5 overlap, as given vs traditional"):
        assert name in result.stdout


def test_train_writes_weights_with_metadata(tmp_path):
    target = tmp_path / "weights.json"
    result = subprocess.run([JOBMATCH, "train", *ARGS, "-o", str(target)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    weights = json.loads(target.read_text(encoding="utf-8"))
    assert [level["grade_at_least"] for level in weights["levels"]] == [1, 2, 3]
    meta = weights["metadata"]
    assert meta["profiles"] == 40 and meta["cv_folds"] == 5 and 0 < meta["cv_ndcg5"] <= 1
    assert "jobs.jsonl" in meta["trained_on"] and meta["trained_at"].endswith("+00:00")


def test_evaluate_rejects_a_bad_qrels_path(tmp_path):
    result = subprocess.run(
        [JOBMATCH, "evaluate", *ARGS[:4], "--qrels", str(tmp_path / "none.tsv")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "none.tsv" in result.stderr


def test_evaluate_names_a_malformed_qrels_line(tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("profile_id\tjob_id\tgrade\nS-P01\tS-J01\tthree\n", encoding="utf-8")
    result = subprocess.run([JOBMATCH, "evaluate", *ARGS[:4], "--qrels", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "qrels.tsv:2: expected profile_id<TAB>job_id<TAB>grade" in result.stderr


def test_a_second_pool_is_scored_in_the_same_run_as_it_would_be_alone(tmp_path):
    """--pool ranks another set of vacancies for the same profiles, with both baselines; its figures are those the
    pool gets as the main set."""
    jobs = [
        json.loads(line) for line in (SAMPLE / "jobs.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    pool = tmp_path / "titles" / "jobs.jsonl"
    pool.parent.mkdir()
    # Title-only vacancies, nulls as real files have them.
    pool.write_text(
        "".join(
            json.dumps({"id": j["id"], "title": j["title"], "description": None}, ensure_ascii=False) + "\n"
            for j in jobs
        ),
        encoding="utf-8",
    )
    alone = subprocess.run(
        [JOBMATCH, "evaluate", "--jobs", str(pool), *ARGS[2:], "--json"], capture_output=True, text=True, timeout=300
    )
    both = subprocess.run(
        [JOBMATCH, "evaluate", *ARGS, "--pool", str(pool), ARGS[5], "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert alone.returncode == 0 and both.returncode == 0, both.stderr
    report = json.loads(both.stdout)
    assert report["pools"]["titles"]["systems"] == json.loads(alone.stdout)["systems"]
    assert set(report["pools"]["titles"]["systems"]) == {"jobmatch", "tfidf_char_1_3", "bm25_jieba"}
    assert 0 < report["title_coder"]["mean_top1_detailed"] <= 1 and len(report["title_coder"]["top1_minor_group"]) == 5
    table = subprocess.run(
        [JOBMATCH, "evaluate", *ARGS, "--pool", str(pool), ARGS[5]], capture_output=True, text=True, timeout=300
    )
    assert "titles: 30 vacancies" in table.stdout and "title coder, cross-validated by title" in table.stdout


def test_a_missing_pool_file_is_named(tmp_path):
    result = subprocess.run(
        [JOBMATCH, "evaluate", *ARGS, "--pool", str(SAMPLE / "jobs.jsonl"), str(tmp_path / "q.tsv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "q.tsv: no such file" in result.stderr


def test_a_pool_graded_for_other_profiles_is_refused(tmp_path):
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("profile_id\tjob_id\tgrade\nSOMEONE-ELSE\tS-J01\t3\n", encoding="utf-8")
    result = subprocess.run(
        [JOBMATCH, "evaluate", *ARGS, "--pool", str(SAMPLE / "jobs.jsonl"), str(qrels)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "name none of the profiles" in result.stderr
