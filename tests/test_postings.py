"""Reading postings as employers write them: pay, perks, shift, age limits, openings and the cleaned occupation."""

import pytest

from jobmatch.matching.features import completed_job
from jobmatch.matching.postings import clean_title, describe, read_pay, read_posting
from jobmatch.matching.records import JobRecord


@pytest.mark.parametrize(
    "text, pay",
    [
        ("长白班普工4000起+包吃住", (4000, None, "month")),
        ("叉车工5-6k", (5000, 6000, "month")),
        ("货车司机8k+", (8000, None, "month")),
        ("分拣员260/天", (260, 260, "day")),
        ("装卸工 一天三百", (300, 300, "day")),
        ("跑单送餐 月入过万", (10000, None, "month")),
        ("超市理货 时薪18", (18, 18, "hour")),
        ("电子厂 21元/H 吃住在厂", (21, 21, "hour")),
        ("销售经理 年薪12-18万", (10000, 15000, "month")),
        ("电话销售 底薪3000+提成", (3000, None, "month")),
        ("注塑工两班倒6000-8000元/月", (6000, 8000, "month")),
        ("保洁 1万2", (12000, 12000, "month")),
    ],
)
def test_pay_as_postings_state_it(text, pay):
    assert read_pay(text) == pay


@pytest.mark.parametrize(
    "text",
    [
        "物流专员(J10854)",
        "招聘带车货运司机23-55周",
        "住宿4人间+独卫",
        "月休4天 做六休一",
        "急招保洁10名",
        "2024届管培生",
        "",
    ],
)
def test_numbers_that_are_not_pay(text):
    assert read_pay(text) is None


@pytest.mark.parametrize(
    "title, occupation",
    [
        ("重庆金沙店绿茶餐厅诚聘后厨4000起+包吃住", "后厨"),
        ("物流专员(J10854)", "物流专员"),
        ("货运司机8k+", "货运司机"),
        ("茨坝仓招货运司机", "货运司机"),
        ("招ab本司机", "司机"),
        ("早八晚五 仓库看守380一天可临时工日结兼职", "仓库看守"),
        ("🔥7000➕家政保洁+就近安排+绝不考证", "家政保洁"),
        ("【急招】★普工✅包吃住", "普工"),
        ("鄂城区加油站收银员月休4天【五险一金】", "加油站收银员"),
        ("杭州车商专员 (MJ002234)", "杭州车商专员"),
        ("招聘带车货运司机23-55周", "货运司机"),
        ("高级三维渲染师", "高级三维渲染师"),  # 三 is part of the word, not a number to drop
        ("海外市场专员", "海外市场专员"),  # 市场 is not a city
        ("招商经理", "招商经理"),  # 招商 is a word, not 招 + 商
        ("人事部招聘专员", "人事部招聘专员"),  # 招聘专员 is the job here
        ("社区订奶员-无试用期", "社区订奶员"),
        ("急招！包吃住 月入过万", ""),  # says nothing about the work
    ],
)
def test_occupation_without_the_noise(title, occupation):
    assert clean_title(title) == occupation


def test_a_full_posting_is_read_field_by_field():
    reading = read_posting(
        "东流工业园诚聘包装工（长白班）",
        "工作内容：成品打包装箱。招10人，年龄18-50岁，月薪4500-5500元，包吃住，有班车接送，缴纳五险。",
    )
    assert reading.occupation == "包装工"
    assert (reading.wage_min, reading.wage_max, reading.wage_unit) == (4500, 5500, "month")
    assert reading.perks == ("包吃住", "班车", "五险")
    assert reading.shift == "day"
    assert (reading.age_min, reading.age_max) == (18, 50)
    assert reading.openings == 10
    assert describe(reading) == ["月薪 4500-5500", "包吃住", "班车", "五险", "白班", "18-50 岁", "招 10 人"]


@pytest.mark.parametrize(
    "title, shift",
    [
        ("早八晚五 仓库看守", "day"),
        ("长白班普工", "day"),
        ("两班倒操作工", "two_shift"),
        ("三班倒化工操作", "three_shift"),
        ("超市理货可兼职", "part_time"),
        ("搬运工日结", "flexible"),
        ("仓库看守", None),
    ],
)
def test_shift_words(title, shift):
    assert read_posting(title).shift == shift


@pytest.mark.parametrize(
    "text, limits",
    [
        ("18-45岁", (18, 45)),
        ("50岁以下", (None, 50)),
        ("年龄：20~55", (20, 55)),
        ("货运司机23-55周", (23, 55)),
        ("限45周岁以内", (None, 45)),
        ("18-45k", (None, None)),
    ],
)
def test_age_limits(text, limits):
    reading = read_posting(text)
    assert (reading.age_min, reading.age_max) == limits


def test_a_title_that_states_nothing_reads_nothing():
    reading = read_posting("保洁员")
    assert reading.found == ()
    assert reading.occupation == "保洁员"
    assert describe(reading) == []


def test_what_the_office_gave_wins_over_the_description():
    job = JobRecord(
        id="J1",
        title="装卸工",
        description="月薪8000，三班倒，招20人，18-35岁，包吃住",
        wage_min=4000,
        wage_max=5000,
        wage_unit="month",
        shift="day",
        age_min=18,
        age_max=60,
        openings=2,
        perks=("班车",),
    )
    assert completed_job(job) == job  # nothing given is touched


def test_empty_fields_are_filled_from_the_words():
    job = completed_job(JobRecord(id="J2", title="早八晚五 仓库看守380一天可临时工日结兼职"))
    assert (job.wage_min, job.wage_max, job.wage_unit) == (380, 380, "day")
    assert job.shift == "part_time"
    assert "日结" in job.perks


def test_a_title_without_a_shift_reads_as_day():
    assert completed_job(JobRecord(id="J3", title="货运司机")).shift == "day"


def test_reading_round_trips_through_a_dict():
    reading = read_posting("包装工 月薪4000起 包吃住 招5人")
    again = type(reading).from_dict(reading.as_dict())
    assert again == reading and again.found == reading.found
