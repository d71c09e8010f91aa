"""What a vacancy demands and what a resident cannot do, as stored fields: the office corrects the reading (and the
correction wins), the kiosk's taps count like words, and both reach the ranking, the pages and the API."""

import io
import json
import re

import pytest
from helpers import CSRF, csrf, kiosk_form, make_job, make_profile
from openpyxl import Workbook

from jobmatch.db import db
from jobmatch.matching import ProfileRecord
from jobmatch.matching.records import profile_from_dict
from jobmatch.models import Job, Profile

LOADER = {
    "title": "装卸工",
    "employer": "东流物流",
    "description": "仓库搬运装车，力气活，一包五十斤",
    "skills": ["装卸", "搬运"],
    "age_max": 60,
}
TRUCK = {
    "title": "货车司机",
    "employer": "东流物流",
    "description": "跑池州到安庆的货，持B2及以上驾照",
    "skills": ["开车"],
    "age_max": 60,
}
PACKER = {
    "title": "包装工",
    "employer": "东流塑胶",
    "description": "坐着装袋贴标签，活轻",
    "skills": ["包装"],
    "age_max": 60,
}


def matches_of(client, profile_id: int) -> dict[str, dict]:
    found = client.get(f"/api/v1/profiles/{profile_id}/matches?top=10").json["matches"]
    return {m["job"]["title"]: m for m in found}


# --- the API ----------------------------------------------------------------------------------------------------


def test_a_vacancy_shows_what_its_words_demand(client):
    job = make_job(client, **TRUCK)
    assert job["demands"]["set_by_office"] is False
    assert job["demands"]["summary"] == ["要B2驾照"]
    assert job["demands"]["items"][0]["words"]  # the words of the posting that said it


def test_the_offices_correction_wins_over_the_words_and_ranks(client):
    loader = make_job(client, **LOADER)
    careful = make_profile(client, experience="在仓库做过理货", desired="想找装卸搬运的活", limits=["light_only"])
    before = matches_of(client, careful["id"])["装卸工"]
    assert not before["eligible"] and "搬运重活，您说干不了重活" in before["reasons"]
    # The firm says the heavy lifting is done by forklift now: the clerk clears the demand.
    corrected = client.patch(f"/api/v1/jobs/{loader['id']}", json={"demands": []})
    assert corrected.status_code == 200 and corrected.json["demands"] == {
        "set_by_office": True,
        "items": [],
        "summary": [],
    }
    after = matches_of(client, careful["id"])["装卸工"]
    assert after["eligible"] and not any("重活" in r for r in after["reasons"])
    # An edit of other fields keeps the correction; "from_text" goes back to the words.
    kept = client.patch(f"/api/v1/jobs/{loader['id']}", json={"description": "仓库搬运装车，力气活，一包一百斤"})
    assert kept.json["demands"]["set_by_office"] is True and kept.json["demands"]["items"] == []
    back = client.patch(f"/api/v1/jobs/{loader['id']}", json={"demands": "from_text"})
    assert back.json["demands"]["set_by_office"] is False and back.json["demands"]["summary"] == ["搬运重活"]


def test_an_office_demand_the_words_never_said_counts(client):
    van = make_job(
        client,
        title="送货员",
        employer="东流超市",
        description="开车送货到各村",
        skills=["开车", "送货"],
        demands=[{"label": "licence:B2", "required": True}, {"label": "cert:forklift", "required": False}],
    )
    assert van["demands"]["summary"] == ["要B2驾照", "叉车证优先"]
    driver = make_profile(client, experience="开过几年小车", desired="想开车送货", holds=["licence:C1"])
    match = matches_of(client, driver["id"])["送货员"]
    assert not match["eligible"] and "要B2驾照，您是C1" in match["reasons"]


@pytest.mark.parametrize(
    "demands, reason",
    [
        (["lifting"], "Unknown demand"),
        ([{"label": "heavy", "required": "yes"}], "Each demand"),
        ([{"label": "heavy", "weight": 50}], "Each demand"),
        ("heavy", "Give a list"),
        (["licence:Z9"], "Unknown demand"),
    ],
)
def test_a_demand_outside_the_vocabulary_is_refused_naming_the_field(client, demands, reason):
    response = client.post("/api/v1/jobs", json={**TRUCK, "demands": demands})
    assert response.status_code == 422
    assert reason in json.dumps(response.json["error"]["fields"]["demands"])


def test_a_residents_stated_limits_are_stored_shown_and_erased(client, app):
    profile = make_profile(
        client, limits=["light_only", "no_standing"], holds=["licence:C1", "cert:forklift"], lacks=["cert:weld"]
    )
    shown = client.get(f"/api/v1/profiles/{profile['id']}").json
    assert shown["limits"] == ["light_only", "no_standing"] and shown["holds"] == ["licence:C1", "cert:forklift"]
    assert shown["lacks"] == ["cert:weld"]
    assert client.delete(f"/api/v1/profiles/{profile['id']}").status_code == 204
    with app.app_context():
        assert db.session.get(Profile, profile["id"]).limits is None  # health is as personal as the words


@pytest.mark.parametrize(
    "field, value", [("limits", ["bad_back"]), ("holds", ["licence:Q7"]), ("lacks", ["cert:pilot"])]
)
def test_an_unknown_limit_is_refused(client, field, value):
    response = client.post("/api/v1/profiles", json={"name": "王桂兰", "phone": "13812345678", "age": 48, field: value})
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_taps_win_over_words_where_they_disagree():
    # Words say no licence; the tap says B2: the tap is what the resident chose at the kiosk.
    record = profile_from_dict({"id": "p", "experience": "以前没驾照", "desired": "想开货车", "holds": ["licence:B2"]})
    assert record.limits == {"holds": ["licence:B2"]}
    from jobmatch.matching.features import profile_limits

    limits = profile_limits(record)
    assert "licence:B2" in limits.held and "licence" not in limits.lacking
    assert profile_limits(ProfileRecord(id="q", experience="腰椎间盘突出")).limit_labels == {"light_only"}


# --- the kiosk ----------------------------------------------------------------------------------------------------


def test_kiosk_taps_are_stored_and_rule_out_heavy_work_with_the_reason(app, client):
    for body in (LOADER, PACKER, TRUCK):
        make_job(client, **body)
    anonymous = app.test_client()
    form = kiosk_form(
        anonymous,
        experience="在仓库搬过货",
        desired="想找仓库的活",
        limit_light_only="yes",
        licence="C1",
        cert_forklift="yes",
    )
    done = anonymous.post("/kiosk", data=form)
    assert done.status_code == 303
    with app.app_context():
        profile = db.session.query(Profile).order_by(Profile.id.desc()).first()
        assert profile.limits == {"limits": ["light_only"], "holds": ["cert:forklift", "licence:C1"]}
    page = anonymous.get(done.headers["Location"]).get_data(as_text=True)
    ruled_out = page.split("按您说的情况，这些岗位不合适", 1)[1]
    assert "装卸工" in ruled_out and "搬运重活，您说干不了重活" in ruled_out
    offered = re.findall(r"<h3>\d+\. ([^<]+?) <span", page.split("按您说的情况", 1)[0])
    assert "包装工" in offered and "装卸工" not in offered and "货车司机" not in offered  # B2 wanted, they hold C1


def test_kiosk_no_licence_tap_is_a_lack_and_a_wrong_tap_value_keeps_the_form(app, client):
    anonymous = app.test_client()
    done = anonymous.post("/kiosk", data=kiosk_form(anonymous, licence="none"))
    assert done.status_code == 303
    with app.app_context():
        assert db.session.query(Profile).order_by(Profile.id.desc()).first().limits == {"lacks": ["licence"]}
    refused = anonymous.post("/kiosk", data=kiosk_form(anonymous, licence="F9", desired="想开车"))
    assert refused.status_code == 422 and "想开车" in refused.get_data(as_text=True)


def test_kiosk_shows_the_taps_unticked_by_default(app):
    page = app.test_client().get("/kiosk").get_data(as_text=True)
    for label in (
        "腰不好，干不了重活",
        "站不久",
        "不识字",
        "有驾照 C1",
        "有驾照 B2",
        "有驾照 A2",
        "有叉车证",
        "有电工证",
        "有焊工证",
    ):
        assert label in page
    assert not re.search(r'name="limit_[a-z_]+" value="yes" checked', page)


# --- the office ----------------------------------------------------------------------------------------------------


def _edit_form(clerk, job_id: int) -> dict:
    page = clerk.get(f"/office/jobs/{job_id}/edit").get_data(as_text=True)
    form = {
        "csrf_token": CSRF.search(page).group(1),
        "demands_shown": re.search(r'name="demands_shown" value="([^"]*)"', page).group(1),
    }
    for name in re.findall(r'<input type="[a-z]+" id="([a-z_]+)" name="\1" value="([^"]*)"', page):
        form[name[0]] = name[1]
    form["description"] = re.search(r'<textarea id="description" name="description">([^<]*)</textarea>', page).group(1)
    for select in re.findall(r'<select id="(demand_[a-z_:]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select[1])
        form[select[0]] = chosen.group(1) if chosen else ""
    return form


def test_the_vacancy_form_shows_the_reading_and_a_clerks_change_wins(clerk, client, app):
    job = make_job(client, **LOADER)
    page = clerk.get(f"/office/jobs/{job['id']}/edit").get_data(as_text=True)
    assert "岗位要求" in page and "从岗位名称和描述里读出的" in page
    assert re.search(r'id="demand_heavy".*?<option value="required" selected>', page, re.S)
    # Saved untouched, the demands stay the words'.
    form = _edit_form(clerk, job["id"])
    assert clerk.post(f"/office/jobs/{job['id']}/edit", data=form).status_code == 303
    with app.app_context():
        assert db.session.get(Job, job["id"]).demands is None
    # The clerk clears heavy work and asks for a forklift certificate: theirs win.
    form = _edit_form(clerk, job["id"]) | {"demand_heavy": "", "demand_cert:forklift": "required"}
    assert clerk.post(f"/office/jobs/{job['id']}/edit", data=form).status_code == 303
    with app.app_context():
        assert db.session.get(Job, job["id"]).demands == {
            "demands": [{"label": "cert:forklift", "required": True, "words": ""}]
        }
    page = clerk.get(f"/office/jobs/{job['id']}/edit").get_data(as_text=True)
    assert "现在以办公室填的为准" in page and "读出的是：搬运重活" in page
    # And back to the words.
    form = _edit_form(clerk, job["id"]) | {"demands_from_text": "yes"}
    assert clerk.post(f"/office/jobs/{job['id']}/edit", data=form).status_code == 303
    with app.app_context():
        assert db.session.get(Job, job["id"]).demands is None


def test_a_refused_vacancy_form_keeps_the_demands_chosen(clerk, client):
    job = make_job(client, **LOADER)
    form = _edit_form(clerk, job["id"]) | {"demand_heavy": "", "demand_literate": "plus", "wage_min": "abc"}
    page = clerk.post(f"/office/jobs/{job['id']}/edit", data=form)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert re.search(r'id="demand_literate".*?<option value="plus" selected>', text, re.S)
    assert not re.search(
        r'id="demand_heavy".*?<option value="required" selected>.*?</select>',
        text.split('id="demand_standing"')[0],
        re.S,
    )


def test_the_import_preview_shows_what_each_row_demands(clerk):
    book = Workbook()
    sheet = book.active
    sheet.append(["岗位名称", "企业名称", "岗位描述"])
    sheet.append(["叉车工", "东流物流", "持证上岗，需叉车证"])
    sheet.append(["包装工", "东流塑胶", "活轻，新手可学"])
    out = io.BytesIO()
    book.save(out)
    page = clerk.post(
        "/office/import",
        data={"csrf_token": csrf(clerk, "/office/import"), "file": (io.BytesIO(out.getvalue()), "l.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert '<th scope="col">岗位要求</th>' in page
    rows = page.split("<tbody>", 1)[1].split("</tr>")
    assert "要叉车证" in rows[0] and "没读出要求" in rows[1]


def test_the_staff_vacancy_page_says_what_it_demands(staff, client):
    job = make_job(client, **TRUCK)
    page = staff.get(f"/staff/jobs/{job['id']}").get_data(as_text=True)
    assert "岗位要求：要B2驾照" in page and "从岗位名称和描述读出" in page
