"""The pages through the Flask test client: kiosk, staff console, office import, printing."""

import io
import re
import shutil
import subprocess

import pytest
from helpers import CSRF, csrf, kiosk_form, login, make_job, upload, xlsx_bytes

from jobmatch.db import db
from jobmatch.models import AuditEvent, Job, Profile


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


# --- kiosk -----------------------------------------------------------------------------------------


def test_kiosk_page_is_chinese_with_consent_and_no_script(client):
    page = client.get("/kiosk").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "我同意劳动保障所保存我的姓名" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_kiosk_submission_gives_a_ticket_and_matches_once(client, app):
    make_job(client)
    form = kiosk_form(client)
    first = client.post("/kiosk", data=form)
    assert first.status_code == 303
    again = client.post("/kiosk", data=form)  # a double tap or the browser resubmitting
    assert again.headers["Location"] == first.headers["Location"]
    assert count(app, Profile) == 1
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    ticket = first.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[23456789A-HJKMNP-Z]{8}", ticket)
    assert ticket in page and "平车工" in page and "缝纫工，对口" in page
    assert "13812345678" not in page  # the ticket page shows no phone


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"age": "abc"}, "请填写年龄"),
        ({"phone": "123"}, "请填写正确的手机号码"),
        ({"consent": ""}, "请勾选同意"),
        ({"place": ""}, "请选择您住的社区"),
        ({"name": ""}, "请填写您的姓名"),
        ({"availability": "night"}, "请选择您能上班的时间"),
        ({"expected_wage": "很多"}, "希望的月工资请填数字"),
    ],
)
def test_kiosk_errors_are_friendly_and_keep_what_was_typed(client, app, overrides, field_message):
    response = client.post("/kiosk", data=kiosk_form(client, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_message in page
    assert "在厂里踩了十几年缝纫机" in page and "想找白班的缝纫活" in page
    assert count(app, Profile) == 0


def test_unknown_ticket_is_a_friendly_404(client):
    response = client.get("/kiosk/t/ZZZZZZZZ")
    assert response.status_code == 404 and "找不到" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client, app):
    form = kiosk_form(client)
    form.pop("csrf_token")
    assert client.post("/kiosk", data=form).status_code == 400
    assert count(app, Profile) == 0


def test_kiosk_work_kinds_name_occupations_of_the_taxonomy_that_the_coder_reads_as_themselves():
    from jobmatch.config import DEFAULT_MODELS_DIR
    from jobmatch.matching.artifacts import Artefacts
    from jobmatch.schemas.work_kinds import WORK_KINDS

    coder = Artefacts.load(DEFAULT_MODELS_DIR).coder
    curated = {coder.taxonomy.occupations[o].name: o for o in coder.taxonomy.curated}
    assert 12 <= len(WORK_KINDS) <= 16 and len({k.key for k in WORK_KINDS}) == len({k.label for k in WORK_KINDS})
    for kind in WORK_KINDS:
        assert 1 <= len(kind.occupations) <= 2, kind
        for name in kind.occupations:
            assert coder.code(name).scores.get(curated[name]) == 1.0, name


def test_kiosk_taps_alone_store_occupations_that_match_like_typed_words(client, app, staff):
    make_job(client)  # 平车工
    make_job(client, title="保洁员", description="小区打扫卫生", skills=["打扫卫生"], age_max=63)
    form = kiosk_form(client, experience="", desired="", experience_kinds=["sewing"], desired_kinds=["cleaning"])
    response = client.post("/kiosk", data=form)
    assert response.status_code == 303
    with app.app_context():
        profile = db.session.query(Profile).one()
        assert (profile.experience, profile.desired) == ("", "")
        assert profile.experience_occupations == ["缝纫工"]
        assert profile.desired_occupations == ["保洁员"]
        # The coder's reading stored with the profile holds the taps, as the index reads it.
        assert profile.coding["kind"]["sewing_machinist"] == "done"
        assert profile.coding["kind"]["cleaner"] == "want"
        pid = profile.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "做过缝纫工，对口" in page and "想做保洁员，对口" in page
    resident = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    assert "做过：在自助机上点选：缝纫工" in resident and "想做：在自助机上点选：保洁员" in resident


def test_kiosk_typed_words_and_taps_count_together(client, app, staff):
    form = kiosk_form(client, desired="想看大门", desired_kinds=["cleaning", "guard"])
    assert client.post("/kiosk", data=form).status_code == 303
    with app.app_context():
        profile = db.session.query(Profile).one()
        assert profile.desired_occupations == ["保洁员", "保安", "门卫"]
        assert {"gatekeeper", "cleaner", "security_guard"} <= set(profile.coding["want"])
        pid = profile.id
    resident = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    assert "想做：想看大门；在自助机上点选：保洁员、保安、门卫" in resident


def test_kiosk_taps_stay_tapped_when_the_form_comes_back_with_an_error(client, app):
    form = kiosk_form(client, phone="123", experience_kinds=["sewing", "farming"], desired_kinds=["cleaning"])
    page = client.post("/kiosk", data=form).get_data(as_text=True)
    checked = set(re.findall(r'id="([a-z]+-[a-z]+)" name="[a-z_]+" value="[a-z]+" checked', page))
    assert checked == {"done-sewing", "done-farming", "want-cleaning"}
    assert count(app, Profile) == 0


def test_kiosk_refuses_a_kind_of_work_it_does_not_offer(client, app):
    response = client.post("/kiosk", data=kiosk_form(client, desired_kinds=["astronaut"]))
    assert response.status_code == 422 and "“想做”请点下面的按钮选" in response.get_data(as_text=True)
    assert count(app, Profile) == 0


def test_kiosk_ticket_page_alone_may_run_its_one_script(client, anonymous):
    response = client.post("/kiosk", data=kiosk_form(client))
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/read-aloud.js" defer>']
    assert re.search(r'<button[^>]*id="read-aloud"[^>]*hidden', html)
    assert "script-src 'none'" in client.get("/kiosk").headers["Content-Security-Policy"]
    with anonymous.get("/static/read-aloud.js") as script:
        assert script.status_code == 200 and "javascript" in script.mimetype
        assert "speechSynthesis" in script.get_data(as_text=True)


def test_erasing_a_resident_erases_what_they_tapped(client, app, staff):
    client.post("/kiosk", data=kiosk_form(client, experience_kinds=["sewing"], desired_kinds=["cleaning"]))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    assert client.delete(f"/api/v1/profiles/{pid}").status_code == 204
    with app.app_context():
        profile = db.session.get(Profile, pid)
        assert (profile.experience_occupations, profile.desired_occupations) == (None, None)


# --- logins ----------------------------------------------------------------------------------------


def test_staff_pages_need_a_login(client, users):
    response = client.get("/staff")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert login(client, "stall", "wrong-password").status_code == 401


def test_office_clerk_cannot_open_the_staff_console(clerk):
    assert clerk.get("/staff").status_code == 403
    assert clerk.get("/office/jobs").status_code == 200


def test_login_does_not_redirect_off_site(client, users):
    response = client.post(
        "/login?next=//evil.example/",
        data={"csrf_token": csrf(client), "username": "stall", "password": "stall-password"},
    )
    assert response.headers["Location"] == "/staff"


# --- staff console ---------------------------------------------------------------------------------


def test_staff_find_a_resident_show_the_phone_record_an_outcome(staff, app, client):
    job = make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        profile = db.session.query(Profile).one()
        pid = profile.id
    page = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    token = CSRF.search(page).group(1)
    shown = staff.post(f"/staff/residents/{pid}/phone", data={"csrf_token": token}).get_data(as_text=True)
    assert "13812345678" in shown
    with app.app_context():
        event = db.session.query(AuditEvent).one()
        assert (event.action, event.target) == ("show_phone", f"profile:{pid}")
    recorded = staff.post(
        f"/staff/residents/{pid}/outcomes", data={"csrf_token": token, "job_id": job["id"], "status": "contacted"}
    )
    assert recorded.status_code == 303
    page = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    assert "跟进中的岗位" in page and "已联系" in page
    candidates = staff.get(f"/staff/jobs/{job['id']}").get_data(as_text=True)
    assert "王桂兰" not in candidates  # already referred to this job


def test_staff_resident_list_of_a_fair_newest_first_with_search(staff, app, client):
    fair = client.post("/api/v1/fairs", json={"name": "东流大集", "date": "2026-11-21", "town": "东流镇"}).json
    client.post("/kiosk", data=kiosk_form(client, fair_id=str(fair["id"])))
    client.post("/kiosk", data=kiosk_form(client, fair_id=str(fair["id"]), name="李建国", phone="15900001111"))
    page = staff.get(f"/staff/fairs/{fair['id']}").get_data(as_text=True)
    assert page.index("李建国") < page.index("王桂兰")
    assert "159****1111" in page and "15900001111" not in page
    only = staff.get(f"/staff/fairs/{fair['id']}?q=李建国").get_data(as_text=True)
    assert "李建国" in only and "王桂兰" not in only


# --- printing --------------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@needs_poppler
def test_resident_pdf_has_real_chinese_text_and_an_embedded_font(staff, app, client, tmp_path):
    make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    response = staff.get(f"/staff/residents/{pid}/shortlist.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    pdf = tmp_path / "shortlist.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "推荐岗位" in text and "平车工" in text and "东至县示范服饰有限公司" in text and "王*兰" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # The WenQuanYi Zen Hei subset shipped in jobmatch/fonts, embedded.
    assert re.search(r"WenQuanYiZenHei\S*\s+TrueType.*yes yes yes", fonts) and "STSong" not in fonts
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_print_page_is_a4_with_a_qr_code_of_the_phone(staff, app, client):
    make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    page = staff.get(f"/staff/residents/{pid}/print").get_data(as_text=True)
    assert "print.css" in page and "<svg" in page and "0566-7020000" in page
    with staff.get("/static/print.css") as response:  # a file response: close it
        assert "size: A4" in response.get_data(as_text=True)


def test_job_shortlist_shows_phones_to_staff(staff, app, client):
    job = make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    page = staff.get(f"/staff/jobs/{job['id']}/print").get_data(as_text=True)
    assert "13812345678" in page


# --- office ----------------------------------------------------------------------------------------


HEAD = [
    "岗位编号",
    "岗位名称",
    "企业名称",
    "招聘人数",
    "最低工资",
    "最高工资",
    "工资单位",
    "乡镇",
    "班次",
    "最大年龄",
    "福利",
    "联系电话",
]


def test_import_xlsx_previews_then_saves_only_confirmed_rows(clerk, app):
    data = xlsx_bytes(
        [
            HEAD,
            [
                "X1",
                "包装工",
                "东流塑胶厂",
                5,
                3500,
                4500,
                "月",
                "东流镇",
                "白班",
                55,
                "包午餐、班车接送",
                "0566-7020001",
            ],
            [None] * len(HEAD),  # a blank row in the middle
            ["X2", "叉车司机", "东流物流", 2, 6000, 5000, "月", "东流镇", "两班倒", 50, "", ""],
            ["X3", "保洁员", "", 3, 2200, 2600, "月", "东流镇", "白班", 60, "", ""],
        ]
    )
    preview = upload(clerk, "清单.xlsx", data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "最低工资：高于最高工资" in page and "企业名称：必须填写" in page and "可以保存" in page
    assert count(app, Job) == 0  # a preview saves nothing
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = clerk.post(
        "/office/import/confirm", data={"csrf_token": CSRF.search(page).group(1), "token": token, "row": ["2", "4"]}
    )
    assert done.status_code == 200 and "新增 1 个岗位" in done.get_data(as_text=True)
    with app.app_context():
        job = db.session.query(Job).one()
        assert (job.title, job.shift, job.perks, job.age_max) == ("包装工", "day", ["包午餐", "班车接送"], 55)


def test_import_gbk_csv(clerk, app):
    text = (
        "岗位名称,企业名称,招聘人数,最低工资,最高工资,工资单位,班次\n"
        "缝纫工,东流服饰,8,4000,6000,元/月,长白班\n"
        "采茶工,张溪茶业,20,120,160,天,时间灵活\n"
    )
    page = upload(clerk, "清单.csv", text.encode("gbk")).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    clerk.post(
        "/office/import/confirm", data={"csrf_token": CSRF.search(page).group(1), "token": token, "row": ["2", "3"]}
    )
    with app.app_context():
        jobs = {j.title: j for j in db.session.query(Job)}
        assert jobs["采茶工"].wage_unit == "day" and jobs["采茶工"].shift == "flexible"
        assert jobs["缝纫工"].employer.name == "东流服饰"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("清单.pdf", b"%PDF-1.4", "只能上传 .xlsx 或 .csv 文件"),
        ("清单.xlsx", b"PK\x03\x04 not really", "无法打开这个 Excel 文件"),
        ("清单.csv", "工资,人数\n1,2\n".encode(), "包含“岗位名称”列"),
        ("清单.csv", b"", "文件里没有内容"),
    ],
)
def test_bad_import_files_get_a_friendly_message(clerk, app, name, data, message):
    response = upload(clerk, name, data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(app, Job) == 0


def test_template_and_exports_are_xlsx(clerk, client):
    from openpyxl import load_workbook

    make_job(client)
    template = load_workbook(io.BytesIO(clerk.get("/office/import/template.xlsx").data)).active
    assert [c.value for c in template[1]][:3] == ["岗位编号", "岗位名称", "企业名称"]
    jobs = load_workbook(io.BytesIO(clerk.get("/office/export/jobs.xlsx").data)).active
    assert jobs.cell(2, 2).value == "平车工"
    outcomes = load_workbook(io.BytesIO(clerk.get("/office/export/outcomes.xlsx").data)).active
    assert outcomes.cell(1, 2).value == "居民编号"


def test_office_creates_edits_and_closes_a_vacancy(clerk, app):
    token = csrf(clerk, "/office/jobs/new")
    bad = clerk.post(
        "/office/jobs/new",
        data={"csrf_token": token, "title": "门卫", "employer": "", "wage_unit": "month", "shift": "day"},
    )
    assert bad.status_code == 422 and "企业名称：必须填写" in bad.get_data(as_text=True)
    made = clerk.post(
        "/office/jobs/new",
        data={
            "csrf_token": token,
            "title": "门卫",
            "employer": "东流物业",
            "openings": "2",
            "wage_min": "2600",
            "wage_max": "3000",
            "wage_unit": "month",
            "shift": "two_shift",
        },
    )
    assert made.status_code == 303
    with app.app_context():
        job_id = db.session.query(Job).one().id
    edited = clerk.post(
        f"/office/jobs/{job_id}/edit",
        data={
            "csrf_token": token,
            "title": "白班门卫",
            "employer": "东流物业",
            "wage_unit": "month",
            "shift": "day",
            "wage_min": "2600",
            "wage_max": "3200",
        },
    )
    assert edited.status_code == 303
    clerk.post(f"/office/jobs/{job_id}/close", data={"csrf_token": token})
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.title, job.shift, job.wage_max, job.is_open) == ("白班门卫", "day", 3200, False)


def test_office_edits_an_employer(clerk, app):
    token = csrf(clerk, "/office/employers")
    clerk.post("/office/employers", data={"csrf_token": token, "name": "东流物业", "town": "东流镇"})
    clerk.post("/office/employers", data={"csrf_token": token, "name": "东流超市"})
    with app.app_context():
        from jobmatch.models import Employer

        eid = db.session.query(Employer).filter_by(name="东流物业").one().id
    clash = clerk.post(f"/office/employers/{eid}/edit", data={"csrf_token": token, "name": "东流超市"})
    assert clash.status_code == 422 and "已存在" in clash.get_data(as_text=True)
    done = clerk.post(
        f"/office/employers/{eid}/edit",
        data={"csrf_token": token, "name": "东流安居物业", "contact_phone": "0566-7020002"},
    )
    assert done.status_code == 303
    assert "东流安居物业" in clerk.get("/office/employers").get_data(as_text=True)


def test_staff_delete_a_resident_on_request_and_the_office_reads_the_audit(app, client, users):
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    login(client, "stall", "stall-password")
    token = csrf(client, f"/staff/residents/{pid}")
    client.post(f"/staff/residents/{pid}/phone", data={"csrf_token": token})
    deleted = client.post(f"/staff/residents/{pid}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert deleted.status_code == 303
    with app.app_context():
        assert db.session.get(Profile, pid).name is None
    assert client.get(f"/staff/residents/{pid}").status_code == 404
    client.post("/logout", data={"csrf_token": token})
    login(client, "clerk", "clerk-password")
    page = client.get("/office/audit").get_data(as_text=True)
    assert "显示电话" in page and "删除居民信息" in page and "stall" in page


# --- the stall's resident page (issue 16) ------------------------------------------------------------------------

REASONS = re.compile(r'<ul class="reasons">(.*?)</ul>', re.S)


def test_staff_pages_speak_about_the_resident_and_the_kiosk_speaks_to_them(staff, app, client):
    far = make_job(client, town="大渡口镇", community=None, perks=[])
    visit = client.post("/kiosk", data=kiosk_form(client))
    ticket = client.get(visit.headers["Location"]).get_data(as_text=True)
    assert "超出您能去的" in ticket and "超出居民能去的" not in ticket  # the kiosk speaks to the resident
    with app.app_context():
        pid = db.session.query(Profile).one().id
    vacancy = staff.get(f"/staff/jobs/{far['id']}").get_data(as_text=True)
    resident = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    for page in (vacancy, resident):
        reasons = "".join(REASONS.findall(page))
        assert "超出居民能去的" in reasons and "您" not in reasons and "你" not in reasons


def test_a_recorded_step_brings_staff_back_to_its_card_confirmed_with_its_undo(staff, app, client):
    job = make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    token = csrf(staff, f"/staff/residents/{pid}")
    recorded = staff.post(
        f"/staff/residents/{pid}/outcomes", data={"csrf_token": token, "job_id": job["id"], "status": "contacted"}
    )
    assert recorded.status_code == 303 and recorded.headers["Location"].endswith(
        f"/staff/residents/{pid}#job-{job['id']}"
    )
    page = staff.get(f"/staff/residents/{pid}").get_data(as_text=True)
    shortlist, under_way = page.split("<h2>跟进中的岗位</h2>")
    card = shortlist.split(f'id="job-{job["id"]}"', 1)[1]  # the card stays where it was in the shortlist
    assert re.search(r"已记录：<strong>已联系</strong> · \d\d:\d\d（北京时间） · ", card) and "撤销「已联系」" in card
    assert f'href="#job-{job["id"]}"' in under_way and "已联系" in under_way
    assert page.index("删除这位居民的信息") > page.index("跟进中的岗位")  # the delete section comes last


def test_deleting_a_resident_needs_the_ticked_confirmation(staff, app, client):
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        pid = db.session.query(Profile).one().id
    token = csrf(staff, f"/staff/residents/{pid}")
    refused = staff.post(f"/staff/residents/{pid}/delete", data={"csrf_token": token})
    assert refused.status_code == 422 and "请先勾选“居民本人要求删除”" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Profile, pid).name == "王桂兰"
        assert db.session.query(AuditEvent).filter_by(action="delete").count() == 0
    assert staff.get(f"/staff/residents/{pid}").status_code == 200
