"""Every time a person reads is Beijing time, labelled once: prints, the audit page, the outcomes export. The
database and the API keep UTC. The clock is fixed by replacing jobmatch.localtime.now, the one function they read."""

import io
import re
import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from helpers import kiosk_form, make_job, make_profile
from sqlalchemy import update

from jobmatch import localtime
from jobmatch.db import db
from jobmatch.models import AuditEvent, Outcome, Profile

# 23:30 UTC on the 14th is 07:30 on the 15th in Beijing: the day turns over too.
MOMENT = datetime(2026, 3, 14, 23, 30, tzinfo=timezone.utc)
SHOWN = "2026-03-15 07:30"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(localtime, "now", lambda: MOMENT)
    return MOMENT


def _resident(app, client) -> int:
    make_job(client)
    client.post("/kiosk", data=kiosk_form(client))
    with app.app_context():
        return db.session.query(Profile).one().id


def _pdf_text(data: bytes, tmp_path) -> str:
    pdf = tmp_path / "print.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


def test_beijing_reads_a_stored_moment_eight_hours_on():
    assert localtime.beijing(MOMENT) == SHOWN
    assert localtime.beijing(MOMENT.replace(tzinfo=None)) == SHOWN  # naive is UTC, as stored
    assert localtime.beijing(MOMENT, "%m-%d") == "03-15" and localtime.beijing(None) == ""


@needs_poppler
def test_a_printed_shortlist_says_when_in_beijing_time(fixed_clock, staff, app, client, tmp_path):
    pid = _resident(app, client)
    text = _pdf_text(staff.get(f"/staff/residents/{pid}/shortlist.pdf").data, tmp_path)
    assert f"打印时间 {SHOWN}（北京时间）" in text
    page = staff.get(f"/staff/residents/{pid}/print").get_data(as_text=True)
    assert f"打印时间 {SHOWN}（北京时间）" in page


@needs_poppler
def test_print_fair_pages_say_beijing_time(fixed_clock, tmp_path):
    # print-fair, the kiosk's slips and the staff prints all draw their pages with shortlists_pdf
    from jobmatch.printing import JobLine, Shortlist, shortlists_pdf

    line = JobLine(1, "平车工", "东流服饰", "4000-6000 元/月", "白班", "东流镇", "", "0566-7020000", ["对口"], True)
    text = _pdf_text(shortlists_pdf([Shortlist("集市 · 推荐岗位", "王*兰", ["号码 A"], jobs=[line])]), tmp_path)
    assert f"打印时间 {SHOWN}（北京时间）" in text and "23:30" not in text


def test_the_audit_page_shows_beijing_time_and_plain_chinese(app, clerk):
    with app.app_context():
        db.session.add_all(
            [
                AuditEvent(action="show_phone", target="profile:101", actor="cli", created_at=MOMENT),
                AuditEvent(action="import", target="5000 rows", actor="cli", created_at=MOMENT),
                AuditEvent(action="print", target="job:7", actor="cli", created_at=MOMENT),
                AuditEvent(action="export", target="report month-2026-03 xlsx", actor="cli", created_at=MOMENT),
                AuditEvent(action="purge", target="12 profiles older than 730 days", actor="cli", created_at=MOMENT),
            ]
        )
        db.session.commit()
    page = clerk.get("/office/audit").get_data(as_text=True)
    assert "时间（北京时间）" in page and SHOWN in page and "2026-03-14 23:30" not in page
    assert "显示电话" in page and "居民 101 号" in page and "profile:101" not in page
    assert "5000 个岗位" in page and "rows" not in page
    assert "岗位 7 号" in page and "2026 年 3 月的报表（Excel 表格）" in page
    assert "12 位登记超过 730 天的居民" in page and "定期清理" in page


def test_the_api_keeps_the_stored_values_and_utc(app, client, tokens_office):
    with app.app_context():
        db.session.add(AuditEvent(action="show_phone", target="profile:101", actor="cli", created_at=MOMENT))
        db.session.commit()
    event = client.get("/api/v1/audit", headers=tokens_office).json["items"][0]
    assert event["action"] == "show_phone" and event["target"] == "profile:101"
    assert event["created_at"].startswith("2026-03-14T23:30")


@pytest.fixture
def tokens_office(app):
    from helpers import token_for

    return {"Authorization": f"Bearer {token_for(app, 'office')}"}


def test_the_outcomes_export_is_in_beijing_time_and_says_so(fixed_clock, app, client, clerk):
    from openpyxl import load_workbook

    job, profile = make_job(client), make_profile(client)
    recorded = client.post(
        "/api/v1/outcomes", json={"profile_id": profile["id"], "job_id": job["id"], "status": "contacted"}
    )
    assert recorded.status_code == 201
    with app.app_context():
        db.session.execute(update(Outcome).values(created_at=MOMENT))
        db.session.commit()
    response = clerk.get("/office/export/outcomes.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 1).value == "时间（北京时间）" and sheet.cell(2, 1).value == SHOWN
    assert sheet.cell(1, 6).value == "结果" and sheet.cell(2, 6).value == "已联系"  # the step as the stall says it
    assert "outcomes-20260315.xlsx" in response.headers["Content-Disposition"]
