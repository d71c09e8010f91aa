"""Ranking like a counsellor: a demand the resident says they cannot meet excludes the vacancy, with a true reason;
experience-only vacancies count against newcomers; every match says how well it fits."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import HERE, LEARNER_SEWING, PACKER, kiosk_form, make_job, make_profile
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching import JobRecord, ProfileRecord
from jobmatch.matching.artifacts import Artefacts
from jobmatch.matching.fit import GOOD, POSSIBLE, WEAK, FitScale

TRUCK_B2 = JobRecord(
    id="truck",
    title="货车司机",
    description="跑池州到安庆的货，持B2及以上驾照，两年以上货车驾驶经验",
    skills=("开车",),
    wage_min=6000,
    wage_max=8000,
    lat=30.2236,
    lon=116.87,
    shift="day",
    age_min=22,
    age_max=55,
)
VAN_C1 = JobRecord(
    id="van",
    title="送货司机",
    description="开小面包车送货，C1驾照就行",
    skills=("开车", "送货"),
    wage_min=4500,
    wage_max=5500,
    lat=30.2236,
    lon=116.87,
    shift="day",
    age_min=22,
    age_max=55,
)
LOADER = JobRecord(
    id="loader",
    title="装卸工",
    description="仓库搬运装车，力气活，一包五十斤",
    skills=("装卸", "搬运"),
    wage_min=5000,
    wage_max=6000,
    lat=30.22,
    lon=116.88,
    shift="day",
    age_min=18,
    age_max=55,
)
SKILLED_SEWING = JobRecord(
    id="skilled-sew",
    title="熟练车位工",
    description="只招熟手，要两年以上车位经验，学徒不收",
    skills=("平车", "车位"),
    wage_min=5000,
    wage_max=8000,
    lat=30.2208,
    lon=116.8786,
    shift="day",
    age_min=18,
    age_max=55,
)
JOBS = [TRUCK_B2, VAN_C1, LOADER, PACKER, SKILLED_SEWING, LEARNER_SEWING]


@pytest.fixture(scope="module")
def matcher():
    return Artefacts.load(DEFAULT_MODELS_DIR).matcher().fit(JOBS)


def resident(**fields) -> ProfileRecord:
    base = {"id": "p", "age": 45, "lat": HERE[0], "lon": HERE[1], "availability": "day_only", "max_commute_km": 10}
    return ProfileRecord(**(base | fields))


def test_a_licence_below_the_demand_excludes_the_vacancy_with_the_reason(matcher):
    driver = resident(experience="开了五年小车跑外卖", desired="想开车送货，驾照是C1")
    matches = {m.job_id: m for m in matcher.jobs_for(driver, top=6)}
    truck, van = matches["truck"], matches["van"]
    assert not truck.eligible and truck.fit == WEAK
    assert "要B2驾照，您是C1" in truck.reasons[0]
    assert van.eligible
    order = [m.job_id for m in matcher.jobs_for(driver, top=6)]
    assert order.index("van") < order.index("truck")


def test_a_bad_back_excludes_heavy_work_and_keeps_light_work(matcher):
    mother = resident(age=33, experience="在超市做过收银", desired="前年腰椎间盘突出，干不了重活，想找个轻松的包装活")
    matches = matcher.jobs_for(mother, top=6)
    loader = next(m for m in matches if m.job_id == "loader")
    assert not loader.eligible and loader.reasons[0].startswith("搬运重活，您说")
    eligible = [m.job_id for m in matches if m.eligible]
    assert "packer" in eligible and eligible.index("packer") == 0


def test_a_demand_nobody_spoke_of_counts_nothing(matcher):
    # He said nothing about licences: the B2 demand neither excludes nor is met, and no reason claims he is new to it.
    driver = resident(experience="开了八年铲车", desired="想找开车的活")
    truck = next(m for m in matcher.jobs_for(driver, top=6) if m.job_id == "truck")
    assert truck.eligible
    assert not any("新手也能做" in r for r in truck.reasons)


def test_experience_only_counts_against_a_newcomer_without_excluding(matcher):
    newcomer = resident(age=40, experience="一直在家带孩子", desired="缝纫机没碰过，想学缝纫")
    matches = {m.job_id: m for m in matcher.jobs_for(newcomer, top=6)}
    skilled, learner = matches["skilled-sew"], matches["learner-sew"]
    assert skilled.eligible and any("熟手" in r for r in skilled.reasons)
    assert learner.score > skilled.score


def test_no_reason_says_anyone_can_start_where_experience_is_asked(matcher):
    seen = 0
    for wish in ("想进厂", "想找个活干", "想进服装厂"):
        for m in matcher.jobs_for(resident(desired=wish), top=6):
            if m.job_id == "skilled-sew":
                seen += 1
                assert not any("新手也能做" in r for r in m.reasons)
    assert seen == 3  # top=6 of six vacancies: it is judged for every wish


LIMIT_WORDS = [
    "",
    "腰不好，干不了重活",
    "膝盖不好站不久",
    "字认得不多",
    "电脑一窍不通",
    "驾照是C1",
    "没驾照",
    "开过叉车但没证",
]


@settings(max_examples=40, deadline=None)
@given(
    limit=st.sampled_from(LIMIT_WORDS),
    wish=st.sampled_from(["想开车", "想做包装", "想做缝纫", "搬运装卸", "什么都行"]),
    age=st.integers(min_value=20, max_value=60),
)
def test_an_excluded_vacancy_never_outranks_an_eligible_one(matcher, limit, wish, age):
    matches = matcher.jobs_for(resident(age=age, experience=limit, desired=wish), top=6)
    flags = [m.eligible for m in matches]
    assert flags == sorted(flags, reverse=True)
    assert all(m.fit == WEAK for m in matches if not m.eligible)
    if matches and matches[0].fit == GOOD:
        assert matches[0].eligible and matches[0].score >= matcher.fit_scale.good


# --- the fit scale --------------------------------------------------------------------------------------------


def test_fit_labels_follow_the_thresholds():
    scale = FitScale(good=0.6, possible=0.1)
    assert [scale.label(s, True) for s in (0.9, 0.6, 0.3, 0.1, 0.05)] == [GOOD, GOOD, POSSIBLE, POSSIBLE, WEAK]
    assert scale.label(0.99, False) == WEAK


def test_calibration_finds_where_matches_turn_suitable():
    # Above 0.7 nine in ten are suitable; between 0.3 and 0.7 two in three are partly so; below, none.
    scored = [(0.7 + i / 1000, True, 3 if i % 10 else 1) for i in range(100)]
    scored += [(0.3 + i / 1000, True, 1 if i % 3 else 0) for i in range(300)]
    scored += [(0.01 + i / 10000, True, 0) for i in range(200)]
    scored += [(0.95, False, 3)] * 50  # ineligible pairs never set a threshold
    scale = FitScale.calibrate(scored, good_precision=0.9, possible_precision=0.6)
    assert 0.69 <= scale.good <= 0.71
    # Possible reaches down as far as the matches in between stay partly suitable three in five: into the top of the
    # unsuitable block (200 of 333 is 0.6), never to its bottom (200 of 500).
    between = [g for s, ok, g in scored if ok and scale.possible <= s < scale.good]
    assert sum(g >= 1 for g in between) / len(between) >= 0.6
    assert 0.026 <= scale.possible < 0.3
    assert scale.metadata["good_precision"] >= 0.9 and scale.metadata["possible_precision"] >= 0.6


def test_the_shipped_fit_scale_is_calibrated_and_loaded():
    scale = Artefacts.load(DEFAULT_MODELS_DIR).fit
    assert 0 < scale.possible < scale.good < 1
    assert scale.metadata["good_precision"] >= 0.9 and "limits-dev" in scale.metadata["calibrated_on"]


JOBMATCH = shutil.which("jobmatch", path=str(Path(sys.executable).parent)) or "jobmatch"
SAMPLE = Path(__file__).parent / "data" / "eval_sample"


def test_calibrate_fit_writes_the_thresholds(tmp_path):
    out = tmp_path / "fit.json"
    result = subprocess.run(
        [JOBMATCH, "calibrate-fit", str(SAMPLE), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert 0 <= data["possible"] <= data["good"] and "eval_sample" in data["metadata"]["calibrated_on"]
    assert "wrote" in result.stdout


# --- the pages say so ------------------------------------------------------------------------------------------


def test_the_kiosk_says_plainly_when_nothing_fits_well(app, client):

    make_job(client, title="装卸工", description="仓库搬运装车，力气活，一包五十斤", skills=["装卸"], age_max=60)
    anonymous = app.test_client()
    form = kiosk_form(anonymous, experience="前年腰椎间盘突出，干不了重活", desired="想找搬运的活")
    ticket_page = anonymous.get(anonymous.post("/kiosk", data=form).headers["Location"]).get_data(as_text=True)
    assert "暂时没有特别合适的岗位" in ticket_page and "<h2>为您推荐的岗位" not in ticket_page
    # The heavy vacancy is not offered: it is named apart, with the reason in their words.
    ruled_out = ticket_page.split("按您说的情况，这些岗位不合适", 1)[1]
    assert "装卸工" in ruled_out and "搬运重活，您说" in ruled_out


def test_a_good_fit_is_named_on_the_kiosk_and_in_the_api(app, client):

    make_job(client)
    profile = make_profile(client)
    matches = client.get(f"/api/v1/profiles/{profile['id']}/matches?top=3").json["matches"]
    assert matches[0]["fit"] == "good" and all(m["fit"] in ("good", "possible", "weak") for m in matches)


LIMITS_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "limits-dev"
DEV = LIMITS_DEV.parent / "dev"


@pytest.mark.skipif(not LIMITS_DEV.is_dir(), reason="the graded sets live in ../shared/eval")
def test_evaluate_scores_a_counsellor_set_with_its_metrics_and_the_reader():
    result = subprocess.run(
        [
            JOBMATCH,
            "evaluate",
            "--jobs",
            str(DEV / "jobs.jsonl"),
            "--profiles",
            str(DEV / "profiles.jsonl"),
            "--qrels",
            str(DEV / "qrels.tsv"),
            "--counsellor",
            str(LIMITS_DEV),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    part = json.loads(result.stdout)["counsellor"]["limits-dev"]
    assert part["counsellor"]["conflict_in_top3"] <= 0.10  # 0.742 before demands were read
    assert part["systems"]["jobmatch"]["ndcg5"] > part["systems"]["tfidf_char_1_3"]["ndcg5"]
    assert set(part["reading"]["by_label"]["limits"]) >= {"light_only", "no_standing", "illiterate", "no_computer"}


def test_a_demand_the_resident_cannot_meet_is_told_to_staff_about_the_resident(matcher):
    driver = resident(experience="开了五年小车跑外卖", desired="想开车送货，驾照是C1")
    truck = {m.job_id: m for m in matcher.jobs_for(driver, top=6)}["truck"]
    assert truck.reasons[0].startswith("要B2驾照，您是C1") and truck.reasons_for_staff[0].startswith(
        "要B2驾照，居民是C1"
    )
