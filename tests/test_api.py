"""The JSON API through the Flask test client, on SQLite and PostgreSQL."""

import json
import re
from pathlib import Path

import pytest
from helpers import make_job, make_profile


def test_healthz(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": backend}


# --- employers -------------------------------------------------------------------------------------


def test_employer_create_read_update_list(client):
    created = client.post(
        "/api/v1/employers", json={"name": "东至县菊花服饰", "town": "东流镇", "contact_phone": "0566-7021111"}
    )
    assert created.status_code == 201
    eid = created.json["id"]
    assert client.get(f"/api/v1/employers/{eid}").json["name"] == "东至县菊花服饰"
    patched = client.patch(f"/api/v1/employers/{eid}", json={"address": "东流镇工业园 3 号"})
    assert patched.status_code == 200 and patched.json["address"] == "东流镇工业园 3 号"
    client.post("/api/v1/employers", json={"name": "东流百货超市"})
    listing = client.get("/api/v1/employers?q=服饰").json
    assert [e["name"] for e in listing["items"]] == ["东至县菊花服饰"]
    assert listing["total"] == 1


def test_duplicate_employer_is_a_conflict(client):
    client.post("/api/v1/employers", json={"name": "同名企业"})
    response = client.post("/api/v1/employers", json={"name": "同名企业"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert "name" in response.json["error"]["fields"]


# --- jobs ------------------------------------------------------------------------------------------


def test_job_create_read_update_close(client):
    job = make_job(client)
    assert job["employer"] == "东至县示范服饰有限公司" and job["is_open"] is True
    assert job["created_at"].endswith("+00:00")
    fetched = client.get(f"/api/v1/jobs/{job['id']}").json
    assert fetched["title"] == "平车工" and fetched["skills"] == ["平车", "缝纫"]
    patched = client.patch(f"/api/v1/jobs/{job['id']}", json={"wage_max": 6500, "openings": 3})
    assert patched.status_code == 200
    assert (patched.json["wage_max"], patched.json["openings"], patched.json["wage_min"]) == (6500, 3, 4000)
    closed = client.post(f"/api/v1/jobs/{job['id']}/close")
    assert closed.status_code == 200 and closed.json["is_open"] is False and closed.json["closed_at"]


def test_job_update_cannot_break_the_wage_order(client):
    job = make_job(client)
    response = client.patch(f"/api/v1/jobs/{job['id']}", json={"wage_min": 9000})
    assert response.status_code == 422
    assert "wage_min" in response.json["error"]["fields"]
    assert client.get(f"/api/v1/jobs/{job['id']}").json["wage_min"] == 4000


def test_job_list_filters_and_pagination(client):
    fair = client.post("/api/v1/fairs", json={"name": "东流大集", "date": "2026-11-21", "town": "东流镇"}).json
    make_job(client, title="平车工", fair_id=fair["id"])
    make_job(client, title="叉车司机", employer="东流物流", shift="two_shift", town="香隅镇", fair_id=fair["id"])
    closed = make_job(client, title="门卫", employer="东流物业")
    client.post(f"/api/v1/jobs/{closed['id']}/close")

    def titles(query):
        response = client.get(f"/api/v1/jobs?{query}")
        assert response.status_code == 200, response.json
        return sorted(j["title"] for j in response.json["items"])

    assert titles("") == ["叉车司机", "平车工", "门卫"]
    assert titles(f"fair={fair['id']}") == ["叉车司机", "平车工"]
    assert titles("town=香隅镇") == ["叉车司机"]
    assert titles("shift=two_shift") == ["叉车司机"]
    assert titles("open=true") == ["叉车司机", "平车工"]
    assert titles("open=false") == ["门卫"]
    assert titles("q=物流") == ["叉车司机"]  # employer name
    assert titles("q=计件") == ["叉车司机", "平车工", "门卫"]  # description
    first = client.get("/api/v1/jobs?per_page=2&page=1").json
    second = client.get("/api/v1/jobs?per_page=2&page=2").json
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {j["id"] for j in first["items"]}.isdisjoint({j["id"] for j in second["items"]})


def test_job_with_an_existing_employer_id(client):
    eid = client.post("/api/v1/employers", json={"name": "东流塑胶"}).json["id"]
    job = make_job(client, employer=None, employer_id=eid)
    assert job["employer_id"] == eid and job["employer"] == "东流塑胶"


def test_duplicate_job_id_is_a_conflict(client):
    make_job(client, id="J-1")
    response = client.post("/api/v1/jobs", json={"title": "包装工", "employer": "某厂", "id": "J-1"})
    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"id": ["already exists"]}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"employer": "某厂"}, "title"),
        ({"title": "包装工"}, "employer"),
        ({"title": "包装工", "employer": "某厂", "wage_min": 5000, "wage_max": 3000}, "wage_min"),
        ({"title": "包装工", "employer": "某厂", "wage_min": -1}, "wage_min"),
        ({"title": "包装工", "employer": "某厂", "wage_max": 500000}, "wage_max"),
        ({"title": "包装工", "employer": "某厂", "wage_max": 9000, "wage_unit": "day"}, "wage_max"),
        ({"title": "包装工", "employer": "某厂", "shift": "night"}, "shift"),
        ({"title": "包装工", "employer": "某厂", "wage_unit": "week"}, "wage_unit"),
        ({"title": "包装工", "employer": "某厂", "age_min": 60, "age_max": 40}, "age_min"),
        ({"title": "包装工", "employer": "某厂", "age_max": 300}, "age_max"),
        ({"title": "包装工", "employer": "某厂", "lat": 95, "lon": 116}, "lat"),
        ({"title": "包装工", "employer": "某厂", "lat": 30.2}, "lon"),
        ({"title": "包装工", "employer": "某厂", "openings": "many"}, "openings"),
        ({"title": "包装工", "employer": "某厂", "openings": 2.5}, "openings"),
        ({"title": "x" * 201, "employer": "某厂"}, "title"),
        ({"title": "包装\x00工", "employer": "某厂"}, "title"),
        ({"title": "包装工", "employer": "某厂", "salary": 3000}, "salary"),
        ({"title": "包装工", "employer": "某厂", "skills": "缝纫"}, "skills"),
        ({"title": "包装工", "employer": "某厂", "skills": ["缝纫", "平\x07车"]}, "skills"),
        ({"title": "包装\n工", "employer": "某厂"}, "title"),
        ({"title": "   ", "employer": "某厂"}, "title"),
        ({"title": "包装工", "employer": "某厂", "contact_phone": "call me"}, "contact_phone"),
        ({"title": "包装工", "employer": "某厂", "fair_id": 0}, "fair_id"),
        ({"title": "包装工", "employer": "某厂", "fair_id": 2**40}, "fair_id"),
        ({"title": "包装工", "employer": "某厂", "employer_id": 2**63}, "employer_id"),
    ],
)
def test_bad_job_bodies_get_422_with_the_field(client, body, field):
    response = client.post("/api/v1/jobs", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get("/api/v1/jobs").json["total"] == 0


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("title=x", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_malformed_bodies_get_400(client, data, content_type):
    response = client.post("/api/v1/jobs", data=data, content_type=content_type)
    assert response.status_code == 400
    assert set(response.json["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/jobs/999",
        "/api/v1/employers/999",
        "/api/v1/profiles/999",
        "/api/v1/fairs/999",
        "/api/v1/jobs/999/matches",
        "/api/v1/profiles/999/matches",
        "/api/v1/nothing",
        "/api/v1/jobs/99999999999999999999",
    ],
)
def test_not_found_is_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_unknown_fair_on_a_job_is_404_with_the_field(client):
    response = client.post("/api/v1/jobs", json={"title": "包装工", "employer": "某厂", "fair_id": 42})
    assert response.status_code == 404
    assert "fair_id" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    "query", ["fair=99999999999999", "shift=night", "page=0", "per_page=1000", "open=maybe", "fair=abc", "sort=title"]
)
def test_bad_query_strings_get_422(client, query):
    response = client.get(f"/api/v1/jobs?{query}")
    assert response.status_code == 422
    assert response.json["error"]["fields"]


def test_method_not_allowed_is_json(client):
    response = client.delete("/api/v1/jobs")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


# --- profiles --------------------------------------------------------------------------------------


def test_profile_create_read_mask_and_list(client):
    profile = make_profile(client)
    assert profile["phone"] == "138****5678"
    fetched = client.get(f"/api/v1/profiles/{profile['id']}").json
    assert fetched["phone"] == "138****5678" and fetched["name"] == "王桂兰" and fetched["age"] == 48
    make_profile(client, name="李建国", phone="15900001111")
    listing = client.get("/api/v1/profiles").json
    assert [p["name"] for p in listing["items"]] == ["李建国", "王桂兰"]  # newest first


def test_profile_delete_erases_personal_data_but_keeps_outcomes(client, app):
    from jobmatch.db import db
    from jobmatch.models import Outcome, Profile

    profile = make_profile(client)
    job = make_job(client)
    client.post("/api/v1/outcomes", json={"profile_id": profile["id"], "job_id": job["id"], "status": "hired"})
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 204
    assert client.get(f"/api/v1/profiles/{profile['id']}").status_code == 404
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 404
    with app.app_context():
        row = db.session.get(Profile, profile["id"])
        assert (row.name, row.phone, row.experience, row.desired, row.lat) == (None, None, "", "", None)
        assert row.deleted_at is not None
        assert db.session.query(Outcome).filter_by(profile_id=profile["id"], status="hired").count() == 1
    assert client.get("/api/v1/profiles").json["total"] == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"age": 7}, "age"),
        ({"age": "forty"}, "age"),
        ({"phone": "12"}, "phone"),
        ({"expected_wage": -100}, "expected_wage"),
        ({"availability": "nights"}, "availability"),
        ({"max_commute_km": 10_000}, "max_commute_km"),
        ({"experience": "x" * 2001}, "experience"),
        ({"lon": 116.8}, "lat"),
    ],
)
def test_bad_profiles_get_422(client, body, field):
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


# --- matches ---------------------------------------------------------------------------------------


def test_jobs_for_a_profile_are_ranked_with_reasons(client):
    sewing = make_job(client)
    make_job(client, title="叉车司机", employer="东流物流", description="仓库叉车装卸", skills=["叉车"])
    nights = make_job(client, title="缝纫工", employer="夜班服饰", description="缝纫，两班倒", shift="two_shift")
    profile = make_profile(client)
    response = client.get(f"/api/v1/profiles/{profile['id']}/matches?top=3")
    assert response.status_code == 200
    matches = response.json["matches"]
    assert matches[0]["job"]["id"] == sewing["id"]
    assert matches[0]["eligible"] is True and 2 <= len(matches[0]["reasons"]) <= 5
    assert matches[-1]["job"]["id"] == nights["id"] and matches[-1]["eligible"] is False
    assert client.get(f"/api/v1/profiles/{profile['id']}/matches?top=1").json["matches"][0]["job"]["id"] == sewing["id"]


def test_match_filters_and_closed_jobs(client):
    make_job(client, town="香隅镇", community=None)
    near = make_job(client, title="缝纫工")
    profile = make_profile(client)
    only = client.get(f"/api/v1/profiles/{profile['id']}/matches?town=东流镇").json["matches"]
    assert [m["job"]["id"] for m in only] == [near["id"]]
    client.post(f"/api/v1/jobs/{near['id']}/close")
    after = client.get(f"/api/v1/profiles/{profile['id']}/matches").json["matches"]
    assert near["id"] not in [m["job"]["id"] for m in after]
    assert client.get(f"/api/v1/profiles/{profile['id']}/matches?top=0").status_code == 422


def test_profiles_for_a_job(client):
    job = make_job(
        client, title="叉车司机", employer="东流物流", description="仓库叉车装卸货", skills=["叉车", "叉车证"]
    )
    driver = make_profile(client, name="吴德胜", experience="以前开叉车装货", desired="还是开叉车", phone="13900002222")
    make_profile(client)
    response = client.get(f"/api/v1/jobs/{job['id']}/matches?top=5")
    assert response.status_code == 200
    matches = response.json["matches"]
    assert matches[0]["profile"]["id"] == driver["id"]
    assert matches[0]["profile"]["phone"] == "139****2222"
    assert any("叉车" in r for r in matches[0]["reasons"])


def test_new_vacancy_is_matched_on_the_next_request(client, app):
    profile = make_profile(client)
    assert client.get(f"/api/v1/profiles/{profile['id']}/matches").json["matches"] == []
    index = app.extensions["jobmatch.index"]
    job = make_job(client)
    ids = [m["job"]["id"] for m in client.get(f"/api/v1/profiles/{profile['id']}/matches").json["matches"]]
    assert ids == [job["id"]]
    # No write since: the index is reused, not refitted.
    matcher = index.matcher
    client.get(f"/api/v1/profiles/{profile['id']}/matches")
    assert index.matcher is matcher


# --- outcomes --------------------------------------------------------------------------------------


def test_outcomes_create_and_list(client):
    profile = make_profile(client)
    job = make_job(client)
    for status in ("contacted", "interviewed", "hired"):
        response = client.post(
            "/api/v1/outcomes", json={"profile_id": profile["id"], "job_id": job["id"], "status": status}
        )
        assert response.status_code == 201
        assert response.json["created_at"].endswith("+00:00")
    listing = client.get(f"/api/v1/outcomes?profile_id={profile['id']}").json
    assert listing["total"] == 3
    assert [o["status"] for o in client.get("/api/v1/outcomes?status=hired").json["items"]] == ["hired"]


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"profile_id": 999, "job_id": "JOB", "status": "hired"}, 422, "job_id"),
        ({"profile_id": 999, "job_id": 1, "status": "hired"}, 404, "profile_id"),
        ({"profile_id": 1, "job_id": 1, "status": "married"}, 422, "status"),
        ({"job_id": 1, "status": "hired"}, 422, "profile_id"),
    ],
)
def test_bad_outcomes(client, body, status, field):
    make_profile(client)
    make_job(client)
    response = client.post("/api/v1/outcomes", json=body)
    assert response.status_code == status
    assert field in response.json["error"]["fields"]


# --- fairs and the OpenAPI document ----------------------------------------------------------------


def test_fairs(client):
    created = client.post(
        "/api/v1/fairs", json={"name": "东流大集", "date": "2026-11-21", "town": "东流镇", "communities": ["东流社区"]}
    )
    assert created.status_code == 201
    assert client.get(f"/api/v1/fairs/{created.json['id']}").json["communities"] == ["东流社区"]
    assert client.get("/api/v1/fairs").json["total"] == 1
    assert client.post("/api/v1/fairs", json={"name": "x", "date": "21/11/2026", "town": "东流镇"}).status_code == 422


def test_openapi_document_is_valid_and_covers_every_api_route(client, app):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule == "/healthz":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented
    job_body = spec["components"]["schemas"]["JobCreate"]
    assert "title" in job_body["required"] and job_body["properties"]["shift"]["enum"][0] == "day"


def _parameters(spec: dict, path: str, method: str) -> dict:
    """An operation's parameters by (in, name), with those the path declares for all its operations."""
    item = spec["paths"][path]
    return {(p["in"], p["name"]): p for p in item.get("parameters", []) + item[method].get("parameters", [])}


def test_openapi_document_stays_compatible_with_version_1(client):
    """The document the API has published since version 1 (tests/data/openapi-v1.json) may only gain: every path,
    method, parameter, body, answer and schema it named is still there and means the same."""
    published = json.loads((Path(__file__).parent / "data" / "openapi-v1.json").read_text(encoding="utf-8"))
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == published["openapi"] and spec["info"]["title"] == published["info"]["title"]
    for path, item in published["paths"].items():
        for method, was in item.items():
            now = spec["paths"][path][method]
            where = f"{method.upper()} {path}"
            assert now["operationId"] == was["operationId"], where
            assert now["tags"] == was["tags"], where
            assert now.get("security") == was.get("security"), where
            params_now, params_was = _parameters(spec, path, method), _parameters(published, path, method)
            assert params_now.keys() == params_was.keys(), where
            for key, param in params_was.items():
                assert params_now[key]["required"] == param["required"], (where, key)
                assert params_now[key]["schema"]["type"] == param["schema"]["type"], (where, key)
                if key[0] == "query":
                    assert params_now[key]["schema"] == param["schema"], (where, key)
            assert now.get("requestBody") == was.get("requestBody"), where
            for code, answer in was["responses"].items():
                assert now["responses"][code].get("content") == answer.get("content"), (where, code)
    for name, schema in published["components"]["schemas"].items():
        # A schema may gain optional properties; what it had stays as it was, and nothing new becomes required.
        now = spec["components"]["schemas"][name]
        assert {k: v for k, v in now.items() if k != "properties"} == {
            k: v for k, v in schema.items() if k != "properties"
        }, name
        assert {k: now["properties"][k] for k in schema.get("properties", {})} == schema.get("properties", {}), name
    assert spec["components"]["securitySchemes"] == published["components"]["securitySchemes"]


# --- the kiosk's taps through the API ----------------------------------------------------------------------------


def test_a_profile_given_tapped_occupations_alone_is_matched_as_if_it_had_typed_them(client):
    job = make_job(client, title="保洁员", description="商场保洁，白班")
    make_job(client, title="装卸工", description="仓库搬货")
    profile = make_profile(client, experience="", desired="", desired_occupations=["保洁员"])
    assert profile["desired_occupations"] == ["保洁员"] and profile["experience_occupations"] == []
    matches = client.get(f"/api/v1/profiles/{profile['id']}/matches?top=1").json["matches"]
    assert matches[0]["job"]["id"] == job["id"] and "想做保洁员，对口" in matches[0]["reasons"]


@pytest.mark.parametrize(
    "taps, bad",
    [(["挖掘机司机"], "desired_occupations"), ("保洁员", "desired_occupations"), ([1], "desired_occupations")],
)
def test_a_tap_the_kiosk_does_not_offer_is_refused_with_its_field(client, taps, bad):
    response = client.post(
        "/api/v1/profiles", json={"name": "王桂兰", "phone": "13812345678", "desired_occupations": taps}
    )
    assert response.status_code == 422 and bad in response.json["error"]["fields"]
