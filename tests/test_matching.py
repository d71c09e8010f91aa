"""The matcher as plain Python: no Flask, no database."""

import sys

import pytest

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching import Gazetteer, JobRecord, Matcher, ProfileRecord, rank
from jobmatch.matching.features import monthly

SEWING = JobRecord(
    id="sew",
    title="平车工",
    employer="服饰厂",
    description="服装厂平车缝制，长白班",
    skills=("平车", "缝纫"),
    wage_min=4000,
    wage_max=6000,
    town="东流镇",
    community="东流社区",
    lat=30.2208,
    lon=116.8786,
    shift="day",
    age_min=18,
    age_max=55,
    perks=("班车接送",),
)
SEWING_NIGHTS = JobRecord(
    id="sew-nights",
    title="缝纫工",
    description="服装厂缝纫，两班倒",
    skills=("缝纫",),
    wage_min=5000,
    wage_max=7000,
    lat=30.2208,
    lon=116.8786,
    shift="two_shift",
    age_min=18,
    age_max=55,
)
FORKLIFT = JobRecord(
    id="fork",
    title="叉车司机",
    description="仓库叉车装卸货，要叉车证",
    skills=("叉车", "叉车证"),
    wage_min=5000,
    wage_max=6500,
    lat=30.2236,
    lon=116.87,
    shift="day",
    age_min=22,
    age_max=55,
)
GUARD = JobRecord(
    id="guard",
    title="门卫",
    description="厂门口值班登记",
    skills=("值班",),
    wage_min=2600,
    wage_max=3000,
    lat=30.22,
    lon=116.88,
    shift="day",
    age_min=40,
    age_max=65,
)
JOBS = [SEWING, SEWING_NIGHTS, FORKLIFT, GUARD]

SEAMSTRESS = ProfileRecord(
    id="p1",
    age=48,
    lat=30.2152,
    lon=116.8752,
    experience="在服装厂踩了十几年平车，缝纫都会",
    desired="想找缝纫的活",
    expected_wage=4000,
    availability="day_only",
    max_commute_km=8,
)


def test_matching_package_does_not_import_flask():
    import subprocess

    code = "import sys, jobmatch.matching as m; m.rank; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_rank_puts_the_matching_occupation_first_with_reasons():
    matches = rank(SEAMSTRESS, JOBS, top=4)
    assert matches[0].job_id == "sew"
    assert [m.job_id for m in matches].index("fork") > 0
    first = matches[0]
    assert 2 <= len(first.reasons) <= 5
    assert any("平车" in r and "对口" in r for r in first.reasons)
    assert any(r.startswith("离家 ") and "有班车" in r for r in first.reasons)
    assert any("能达到期望" in r for r in first.reasons)


def test_a_shift_the_resident_cannot_work_ranks_below_every_eligible_job_and_says_why():
    matches = rank(SEAMSTRESS, JOBS, top=4)
    ids = [m.job_id for m in matches]
    night = matches[ids.index("sew-nights")]
    assert night.eligible is False
    assert ids[-1] == "sew-nights"  # below even the unrelated eligible jobs
    assert "您只能上白班" in night.reasons[0]


def test_age_limit_makes_a_job_ineligible():
    older = ProfileRecord(id="p2", age=60, desired="想做平车缝纫", availability="any", lat=30.2152, lon=116.8752)
    matches = {m.job_id: m for m in rank(older, JOBS, top=4)}
    assert matches["sew"].eligible is False
    assert "年龄要求 18-55 岁，您 60 岁，不符合" in matches["sew"].reasons
    assert matches["guard"].eligible is True


def test_part_time_resident_cannot_take_full_time_shifts():
    matches = rank(ProfileRecord(id="p3", desired="缝纫", availability="part_time"), JOBS, top=4)
    assert not any(m.eligible for m in matches)
    assert all("您只能做零工" in m.reasons[0] for m in matches)


def test_traditional_script_ranks_like_simplified():
    traditional = ProfileRecord(
        id="p1t",
        age=48,
        lat=30.2152,
        lon=116.8752,
        experience="在服裝廠踩了十幾年平車，縫紉都會",
        desired="想找縫紉的活",
        expected_wage=4000,
        availability="day_only",
        max_commute_km=8,
    )
    matcher = Matcher().fit(JOBS, [SEAMSTRESS, traditional])
    assert [m.job_id for m in matcher.jobs_for(SEAMSTRESS)] == [m.job_id for m in matcher.jobs_for(traditional)]


@pytest.mark.parametrize(
    "amount, unit, shift, expected",
    [
        (4000, "month", "day", 4000),
        (150, "day", "day", 3900),
        (20, "hour", "day", 4160),
        (20, "hour", "part_time", 2080),
    ],
)
def test_monthly_pay_across_units(amount, unit, shift, expected):
    assert monthly(amount, unit, shift) == expected


def test_pay_below_hope_is_explained():
    wants_more = ProfileRecord(id="p4", desired="看大门 门卫", expected_wage=4000, availability="any")
    guard = {m.job_id: m for m in rank(wants_more, JOBS)}["guard"]
    assert "月薪 2600-3000，低于期望的 4000" in guard.reasons


def test_distance_from_the_gazetteer_when_coordinates_are_missing():
    gazetteer = Gazetteer.load(DEFAULT_MODELS_DIR / "places.json")
    assert gazetteer.locate("东流镇", "东流社区") is not None
    assert gazetteer.locate("东流", None) == gazetteer.locate("东流镇", None)
    far = JobRecord(id="far", title="平车工", skills=("平车",), town="大渡口镇", shift="day")
    near = JobRecord(id="near", title="平车工", skills=("平车",), town="东流镇", community="东流社区", shift="day")
    resident = ProfileRecord(id="p5", desired="平车", town="东流镇", community="东流社区", max_commute_km=5)
    matches = Matcher(gazetteer=gazetteer).fit([far, near], [resident]).jobs_for(resident)
    assert [m.job_id for m in matches] == ["near", "far"]
    assert matches[0].features["distance_km"] < 1
    assert any("超出您能去的 5 公里" in r for r in matches[1].reasons)


def test_shuttle_bus_doubles_the_reach():
    gazetteer = Gazetteer.load(DEFAULT_MODELS_DIR / "places.json")
    resident = ProfileRecord(id="p6", desired="平车", town="东流镇", max_commute_km=12)
    bus = JobRecord(id="bus", title="平车工", town="大渡口镇", shift="day", perks=("班车接送",))
    no_bus = JobRecord(id="nobus", title="平车工", town="大渡口镇", shift="day")
    matches = {m.job_id: m for m in Matcher(gazetteer=gazetteer).fit([bus, no_bus]).jobs_for(resident)}
    assert matches["bus"].features["reach_km"] == 24
    assert matches["nobus"].features["reach_km"] == 12
    assert matches["bus"].score > matches["nobus"].score


def test_profiles_for_a_job_and_candidate_filter():
    driver = ProfileRecord(id="d", desired="开叉车", experience="开过铲车八年", availability="day_only", age=50)
    matcher = Matcher().fit(JOBS, [SEAMSTRESS, driver])
    assert [m.profile_id for m in matcher.profiles_for(FORKLIFT)][0] == "d"
    assert [m.profile_id for m in matcher.profiles_for(FORKLIFT, candidates=["p1"])] == ["p1"]
    assert [m.job_id for m in matcher.jobs_for(driver, candidates=["guard", "sew"])] in (
        ["guard", "sew"],
        ["sew", "guard"],
    )


def test_empty_inputs():
    assert Matcher().fit([], []).jobs_for(SEAMSTRESS) == []
    assert Matcher().fit(JOBS, []).profiles_for(SEWING) == []


@pytest.mark.parametrize("desired, named", [("想回恒丰做平车", True), ("想找个平车的活", False), ("恒", False)])
def test_a_resident_who_names_the_firm_is_told_so_in_the_features(desired, named):
    firm = JobRecord(id="hf", title="平车工", employer="东至县恒丰服饰有限公司", skills=("平车",), shift="day")
    other = JobRecord(id="xx", title="平车工", employer="池州华兴制衣厂", skills=("平车",), shift="day")
    resident = ProfileRecord(id="p", experience="平车", desired=desired)
    matcher = Matcher().fit([firm, other], [resident])
    matches = {m.job_id: m for m in matcher.jobs_for(resident)}
    assert matches["hf"].features["employer_named"] is named
    assert matches["xx"].features["employer_named"] is False
    assert matcher.profiles_for(firm)[0].features["employer_named"] is named  # the other direction agrees


def test_every_reason_has_a_wording_for_staff_that_names_the_resident_instead_of_addressing_them():
    older = ProfileRecord(id="p2", age=60, desired="想做平车缝纫", availability="day_only", lat=30.2152, lon=116.8752)
    for match in rank(older, JOBS, top=4):
        assert len(match.reasons_for_staff) == len(match.reasons)
        for to_resident, for_staff in zip(match.reasons, match.reasons_for_staff):
            assert "您" not in for_staff and for_staff == to_resident.replace("您", "居民")
    matches = {m.job_id: m for m in rank(older, JOBS, top=4)}
    assert "年龄要求 18-55 岁，居民 60 岁，不符合" in matches["sew"].reasons_for_staff
    assert "要上夜班（两班倒），居民只能上白班" in matches["sew-nights"].reasons_for_staff


def test_a_batch_profile_s_taps_are_read_as_the_same_words_typed():
    from jobmatch.matching import profile_from_dict

    tapped = profile_from_dict({"id": "r1", "experience": "在厂里干过", "experience_occupations": ["缝纫工"]})
    typed = profile_from_dict({"id": "r1", "experience": "在厂里干过，缝纫工"})
    assert tapped.experience == typed.experience == "在厂里干过，缝纫工"
