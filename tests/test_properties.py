"""Property tests (hypothesis) for the matcher and the normaliser."""

from functools import cache

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.batch import read_jsonl
from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.demo import demo_file
from jobmatch.matching import ProfileRecord, job_from_dict
from jobmatch.matching.artifacts import Artefacts
from jobmatch.schemas import JobCreateSchema
from jobmatch.text import normalise

EXPERIENCE = [
    "在厂里踩了十几年缝纫机",
    "以前开铲车",
    "给人家烧饭",
    "在超市收银",
    "做过保洁",
    "种了一辈子地",
    "在工地上做木工",
    "看过大门",
    "在养老院护理老人",
    "开货车跑长途",
    "在电子厂流水线",
    "采过茶",
    "做过仓库管理",
    "",
]
DESIRED = [
    "想找个缝纫的活",
    "还是开叉车吧",
    "想看大门",
    "想在食堂帮厨",
    "不想再进厂了",
    "只能做白班",
    "找个离家近的",
    "工资三千左右就行",
    "腿脚不太方便，想找坐着的活",
    "保洁也行",
    "月薪４０００以上",
    "",
]


@cache
def matcher():
    jobs = [
        job_from_dict({**j, "id": j["external_id"]}) for j in read_jsonl(demo_file("jobs.jsonl"), JobCreateSchema())
    ]
    return Artefacts.load(DEFAULT_MODELS_DIR).matcher().fit(jobs, [])


profiles = st.builds(
    lambda exp, want, age, availability, wage, reach, dlat, dlon: ProfileRecord(
        id="p",
        experience="，".join(exp),
        desired="，".join(want),
        age=age,
        availability=availability,
        expected_wage=wage,
        max_commute_km=reach,
        lat=30.22 + dlat,
        lon=116.88 + dlon,
    ),
    st.lists(st.sampled_from(EXPERIENCE), max_size=2),
    st.lists(st.sampled_from(DESIRED), max_size=3),
    st.one_of(st.none(), st.integers(16, 75)),
    st.sampled_from(["any", "day_only", "part_time"]),
    st.one_of(st.none(), st.integers(1500, 9000).map(float)),
    st.one_of(st.none(), st.integers(1, 40).map(float)),
    st.floats(-0.2, 0.2),
    st.floats(-0.2, 0.2),
)

SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(profiles)
def test_scores_lie_in_zero_one(profile):
    assert all(0.0 <= m.score <= 1.0 for m in matcher().jobs_for(profile, top=100))


@SETTINGS
@given(profiles)
def test_an_ineligible_job_never_outranks_an_eligible_one(profile):
    flags = [m.eligible for m in matcher().jobs_for(profile, top=100)]
    assert flags == sorted(flags, reverse=True)


@SETTINGS
@given(profiles)
def test_the_same_input_gives_the_same_ranking(profile):
    first = [(m.job_id, m.score) for m in matcher().jobs_for(profile, top=20)]
    assert first == [(m.job_id, m.score) for m in matcher().jobs_for(profile, top=20)]


@SETTINGS
@given(profiles)
def test_traditional_script_leaves_the_top_five_unchanged(profile):
    to_traditional = opencc.OpenCC("s2t").convert
    traditional = ProfileRecord(
        **{
            **profile.__dict__,
            "experience": to_traditional(profile.experience),
            "desired": to_traditional(profile.desired),
        }
    )
    assert [m.job_id for m in matcher().jobs_for(profile, top=5)] == [
        m.job_id for m in matcher().jobs_for(traditional, top=5)
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalise_is_idempotent_and_total(text):
    once = normalise(text)
    assert isinstance(once, str)
    assert normalise(once) == once
