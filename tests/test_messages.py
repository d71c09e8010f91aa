"""Every message in both languages: the API's English as it always was, the pages' Chinese from the same declaration
(schemas/messages.py for validation, JobmatchError's two texts for domain errors)."""

import re

import pytest
from helpers import csrf, make_job
from marshmallow import ValidationError

from jobmatch import schemas
from jobmatch.schemas import messages

HAN = re.compile(r"[\u4e00-\u9fff]")
JOB = {"title": "包装工", "employer": "东流塑胶"}


def _flat(errors) -> list:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _flat(value)]
    return [m for value in errors for m in _flat(value)] if isinstance(errors, list) else [errors]


def _strict_schemas(cls=schemas.StrictSchema) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_strict_schemas(sub)]
    return found


def _fields_of(field) -> list:
    return [field, *(_fields_of(field.inner) if hasattr(field, "inner") else [])]


BILINGUAL_VALIDATORS = (messages.Range, messages.Length, messages.OneOf, messages.Regexp, messages.Equal)


@pytest.mark.parametrize("schema", _strict_schemas(), ids=lambda s: s.__name__)
def test_every_field_message_and_validator_of_a_schema_declares_its_chinese(schema):
    """A field declared with marshmallow's own validate.Range (no Chinese) fails here, not on a clerk's screen."""
    for name, declared in schema().fields.items():
        for field in _fields_of(declared):
            plain = {key: text for key, text in field.error_messages.items() if not isinstance(text, messages.Message)}
            assert plain == {}, name
            for validator in field.validators:
                assert isinstance(validator, BILINGUAL_VALIDATORS) or isinstance(
                    getattr(validator, "error", None), messages.Message
                ), (name, validator)


# (schema, a bad body): together they make every kind of message the schemas give.
BAD_BODIES = [
    (schemas.JobCreateSchema, {}),
    (schemas.JobCreateSchema, {"title": " ", "zzz": 1}),
    (schemas.JobCreateSchema, {**JOB, "title": 5, "openings": "five", "wage_min": "abc", "wage_unit": "week"}),
    (schemas.JobCreateSchema, {**JOB, "openings": 2.5, "wage_min": float("nan"), "lat": 95, "lon": 200}),
    (schemas.JobCreateSchema, {**JOB, "wage_min": 6000, "wage_max": 5000, "age_min": 60, "age_max": 18}),
    (schemas.JobCreateSchema, {**JOB, "wage_max": 9_000_000, "age_min": 10, "shift": "night", "lat": 30}),
    (schemas.JobCreateSchema, {**JOB, "description": "x\x00", "id": "x" * 65, "contact_phone": "123"}),
    (schemas.JobCreateSchema, {**JOB, "skills": ["x" * 51], "perks": [5] * 31, "employer_id": 0, "fair_id": "x"}),
    (schemas.JobCreateSchema, {**JOB, "skills": "abc", "demands": "x"}),
    (schemas.JobCreateSchema, {**JOB, "demands": [5]}),
    (schemas.JobCreateSchema, {**JOB, "demands": ["lifting"]}),
    (schemas.JobCreateSchema, []),
    (schemas.ProfileCreateSchema, {"age": "x", "phone": "1", "lat": 1, "expected_wage": -1, "consent": "maybe"}),
    (schemas.ProfileCreateSchema, {"age": 5, "availability": "never", "max_commute_km": 600, "limits": ["fly"]}),
    (schemas.ProfileCreateSchema, {"holds": ["licence:Z"], "lacks": "x", "name": "x" * 51, "experience": "\x01"}),
    (schemas.EmployerSchema, {"name": "", "town": 5, "address": "x" * 301, "contact_phone": "abc"}),
    (schemas.EmployerSchema, {}),
    (schemas.FairSchema, {"name": "a", "date": "x", "town": "t", "communities": ["x" * 51]}),
    (schemas.KioskForm, {"submission_key": "!", "place": "a", "consent": "no", "licence": "Z"}),
]


@pytest.mark.parametrize("schema, body", BAD_BODIES, ids=[f"{s.__name__}-{i}" for i, (s, _) in enumerate(BAD_BODIES)])
def test_every_validation_message_has_a_chinese_phrase(schema, body):
    with pytest.raises(ValidationError) as refused:
        schema().load(body)
    for message in _flat(refused.value.messages):
        assert isinstance(message, messages.Message), message
        assert HAN.search(message.chinese) and not re.search(r"[A-Za-z]", message.chinese), message
        assert message.chinese != "填写有误"


# (form fields, what the office's vacancy form says): every kind of problem a clerk can type.
JOB_FORM_CASES = [
    ({"title": ""}, "岗位名称：必须填写"),
    ({"employer": ""}, "企业名称：必须填写"),
    ({"openings": "五个"}, "招聘人数：应是整数"),
    ({"openings": "2.5"}, "招聘人数：应是整数"),
    ({"openings": "20000"}, "招聘人数：超出范围"),
    ({"wage_min": "面议"}, "最低工资：应是数字"),
    ({"wage_min": "nan"}, "最低工资：应是数字"),
    ({"wage_min": "6000", "wage_max": "5000"}, "最低工资：高于最高工资"),
    ({"wage_max": "200000"}, "最高工资：超出合理范围，请检查工资单位"),
    ({"wage_unit": "week"}, "工资单位：不在可选范围内"),
    ({"shift": "night"}, "班次：不在可选范围内"),
    ({"age_min": "60", "age_max": "18"}, "最小年龄：高于最大年龄"),
    ({"age_min": "10"}, "最小年龄：超出范围"),
    ({"lat": "30"}, "经度：经度纬度要一起填"),
    ({"lat": "95", "lon": "116"}, "纬度：超出范围"),
    ({"title": "工" * 201}, "岗位名称：太长了"),
    ({"skills": "平" * 51}, "技能要求：太长了"),
    ({"id": "J" * 65}, "岗位编号：太长了"),
    ({"title": "门\x07卫"}, "岗位名称：含有无法显示的控制字符"),
    ({"contact_phone": "123"}, "联系电话：电话格式不对"),
]


@pytest.mark.parametrize("overrides, phrase", JOB_FORM_CASES, ids=[p for _, p in JOB_FORM_CASES])
def test_the_vacancy_form_says_each_problem_in_chinese(clerk, overrides, phrase):
    form = {"csrf_token": csrf(clerk, "/office/jobs/new"), **JOB, "wage_unit": "month", "shift": "day", **overrides}
    response = clerk.post("/office/jobs/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and phrase in page
    assert "填写有误" not in page and "Must be" not in page and "Not a valid" not in page


@pytest.mark.parametrize(
    "overrides, phrase",
    [
        ({"contact_phone": "abc"}, "联系电话：电话格式不对"),
        ({"address": "路" * 301}, "address：太长了"),
        ({"town": "东\x07流"}, "乡镇：含有无法显示的控制字符"),
    ],
)
def test_the_employer_form_says_each_problem_in_chinese(clerk, overrides, phrase):
    form = {"csrf_token": csrf(clerk, "/office/employers"), "name": "东流物业", **overrides}
    response = clerk.post("/office/employers", data=form)
    assert response.status_code == 422 and phrase in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body, fields",
    [
        ({**JOB, "openings": "five"}, {"openings": ["Not a valid integer."]}),
        ({**JOB, "title": "工" * 201}, {"title": ["Longer than 200 characters."]}),
        ({**JOB, "title": "门\x07卫"}, {"title": ["Contains control characters or invalid Unicode."]}),
        ({**JOB, "shift": "night"}, {"shift": ["Must be one of: day, two_shift, three_shift, part_time, flexible."]}),
        ({**JOB, "wage_min": -1}, {"wage_min": ["Must be greater than or equal to 0."]}),
        ({**JOB, "wage_min": 5000, "wage_max": 3000}, {"wage_min": ["wage_min is larger than wage_max."]}),
        ({**JOB, "wage_max": 6000, "wage_unit": "day"}, {"wage_max": ["Over 5000 per day: check the unit."]}),
        ({**JOB, "lat": 30}, {"lon": ["Give both lat and lon, or neither."]}),
        ({**JOB, "skills": ["x" * 51]}, {"skills": {"0": ["Longer than 50 characters."]}}),
        ({**JOB, "salary": 1}, {"salary": ["Unknown field."]}),
        ({"title": "门卫"}, {"employer": ["Give employer (a name) or employer_id."]}),
        (
            {**JOB, "contact_phone": "123"},
            {
                "contact_phone": [
                    "手机号是 1 开头的 11 位数字，座机要带区号，例如 0566-1234567 (not a mainland phone number)"
                ]
            },
        ),
    ],
)
def test_the_api_answers_with_the_english_messages_it_always_gave(client, body, fields):
    response = client.post("/api/v1/jobs", json=body)
    assert response.status_code == 422
    assert response.json["error"] == {
        "code": "invalid",
        "message": "输入有误，请检查标出的字段 (invalid input)",
        "fields": fields,
    }


def test_a_domain_error_is_chinese_then_english_in_the_api_and_chinese_alone_on_pages(clerk, client):
    missing = client.get("/api/v1/jobs/999")
    assert missing.status_code == 404
    assert missing.json["error"] == {
        "code": "not_found",
        "message": "没有编号为 999 的岗位 (job not found)",
        "fields": {"job_id": ["not found"]},
    }
    make_job(client, id="J-7")
    again = client.post("/api/v1/jobs", json={**JOB, "id": "J-7"})
    assert again.status_code == 409 and again.json["error"]["message"] == "岗位编号 J-7 已存在 (duplicate id)"
    page = clerk.get("/office/jobs/999/edit")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "没有编号为 999 的岗位" in text and "job not found" not in text


def test_a_message_formats_and_copies_in_both_languages():
    import copy
    import pickle

    filled = messages.TOO_LONG.format(max=50)
    assert (filled, filled.chinese) == ("Longer than 50 characters.", "太长了")
    for again in (copy.copy(filled), copy.deepcopy(filled), pickle.loads(pickle.dumps(filled))):
        assert (again, again.chinese) == (filled, filled.chinese)
