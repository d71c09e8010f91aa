"""Office pages about files and records: the vacancy list import with its preview, the exports, the reports and the
audit trail. (office.py holds the vacancies and employers.)"""

from __future__ import annotations

import re
from pathlib import Path

from flask import abort, current_app, make_response, render_template, request
from marshmallow import ValidationError

from .. import lifecycle, localtime, reports, services
from ..auth import audit, current_user, login_required, refuse_cross_site
from ..db import db
from ..errors import JobmatchError
from ..importing import (
    PREVIEW_TOKEN,
    ImportFileError,
    drop_preview,
    load_preview,
    parse,
    save_preview,
    template_xlsx,
)
from ..localtime import LABEL, beijing
from ..schemas import ReportQuery, chinese_of
from ..spreadsheet import workbook
from ..vacancy import EXPORTED, export_cells
from .blueprint import bp, page_number
from .office import XLSX, chinese_errors, xlsx_response

# --- import ----------------------------------------------------------------------------------------


def _previews() -> Path:
    return Path(current_app.instance_path) / "imports"


def _token(token: str) -> str:
    if not PREVIEW_TOKEN.fullmatch(token or ""):
        abort(404)
    return token


@bp.route("/office/import", methods=["GET", "POST"])
@login_required("office")
def office_import():
    if request.method == "GET":
        return render_template(
            "office_import.html", error=None, fairs=services.list_fairs(db.session, per_page=50).items
        )
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "office_import.html", error="请先选择要上传的文件", fairs=services.list_fairs(db.session, per_page=50).items
        ), 422
    try:
        rows = parse(upload.filename, upload.read())
    except ImportFileError as err:
        return render_template(
            "office_import.html", error=str(err), fairs=services.list_fairs(db.session, per_page=50).items
        ), 422
    fair_id = request.form.get("fair_id", type=int)
    token = save_preview(
        _previews(),
        {
            "user_id": current_user().id,
            "filename": upload.filename,
            "fair_id": fair_id,
            "rows": [{"number": r.number, "raw": r.raw, "data": r.data, "errors": r.errors} for r in rows],
        },
    )
    read = {row.number: services.preview_summary(row.data) for row in rows if row.ok}
    demanded = {
        row.number: services.words_demand(row.data.get("title"), row.data.get("description")) for row in rows if row.ok
    }
    return render_template(
        "office_import_preview.html",
        token=token,
        rows=rows,
        read=read,
        demanded=demanded,
        filename=upload.filename,
        chinese_errors=chinese_errors,
    )


@bp.post("/office/import/confirm")
@login_required("office")
def office_import_confirm():
    token = _token(request.form.get("token", ""))
    try:
        pending = load_preview(_previews(), token)
    except ImportFileError as err:
        return render_template(
            "office_import.html", error=str(err), fairs=services.list_fairs(db.session, per_page=50).items
        ), 422
    if pending["user_id"] != current_user().id:
        abort(403)
    chosen = {int(n) for n in request.form.getlist("row") if n.isdigit()}
    rows = [r for r in pending["rows"] if r["number"] in chosen and not r["errors"] and r["data"]]
    if not rows:
        return render_template(
            "office_import.html", error="没有选中可以保存的行", fairs=services.list_fairs(db.session, per_page=50).items
        ), 422
    try:
        counts = services.import_jobs(db.session, [r["data"] for r in rows], fair_id=pending.get("fair_id"))
    except JobmatchError as err:
        db.session.rollback()
        return render_template(
            "office_import.html", error=err.chinese, fairs=services.list_fairs(db.session, per_page=50).items
        ), 422
    audit(db.session, "import", f"{len(rows)} rows")
    services.commit(db.session)
    drop_preview(_previews(), token)
    return render_template("office_import_done.html", counts=counts, skipped=len(pending["rows"]) - len(rows))


@bp.get("/office/import/template.xlsx")
@login_required("office")
def office_import_template():
    return xlsx_response(template_xlsx(), "jobmatch-template.xlsx")


# What each stored action means to the office; the stored values stay as they are (the API shows them raw).
AUDIT_ACTIONS = {
    "show_phone": "显示电话",
    "print": "打印",
    "delete": "删除居民信息",
    "undo": "撤销结果记录",
    "import": "导入",
    "export": "导出",
    "purge": "定期清理",
    "restore": "从备份恢复",
    "disable_user": "停用账号",
    "enable_user": "启用账号",
    "set_password": "重设密码",
    "change_password": "修改自己的密码",
}
_RECORD_TARGET = re.compile(r"(profile|job|outcome|user):(.+)")
_RECORD_WORDS = {"profile": "居民 {} 号", "job": "岗位 {} 号", "outcome": "结果记录 {} 号", "user": "账号 {}"}
_IMPORTED = re.compile(r"(\d+) rows(?: from (.+))?")
_PURGED = re.compile(r"(\d+) profiles older than (\d+) days")
_RESTORED = re.compile(r"(.+); (\d+) erased again")
_REPORT = re.compile(r"report (fair-(\d+)|month-(\d{4})-(\d{2})) (\w+)")
_EXPORTS = {"jobs": "岗位表", "outcomes": "结果表"}
_FORMATS = {"pdf": "PDF", "xlsx": "Excel 表格"}


def audit_target_words(target: str) -> str:
    """An audit entry's target in plain Chinese ("profile:101" → "居民 101 号"); one it does not know, as stored."""
    if found := _RECORD_TARGET.fullmatch(target):
        return _RECORD_WORDS[found[1]].format(found[2])
    if target in _EXPORTS:
        return _EXPORTS[target]
    if target == "call-list":
        return "回访电话单"
    if found := _IMPORTED.fullmatch(target):
        return f"{found[1]} 个岗位" + (f"（文件 {found[2]}）" if found[2] else "")
    if found := _PURGED.fullmatch(target):
        return f"{found[1]} 位登记超过 {found[2]} 天的居民"
    if found := _RESTORED.fullmatch(target):
        return f"备份文件 {found[1]}，已按删除记录重新删除 {found[2]} 位居民"
    if found := _REPORT.fullmatch(target):
        scope = f"集市 {found[2]} 号" if found[2] else f"{found[3]} 年 {int(found[4])} 月"
        return f"{scope}的报表（{_FORMATS.get(found[5], found[5])}）"
    return target


@bp.get("/office/audit")
@login_required("office")
def office_audit():
    """The audit trail, newest first, in Chinese; there is no way to edit it from the service."""
    page = page_number()
    result = services.list_audit(db.session, page=page, per_page=50)
    users = services.usernames(db.session)
    return render_template(
        "office_audit.html", result=result, users=users, actions=AUDIT_ACTIONS, target_words=audit_target_words
    )


# --- exports ---------------------------------------------------------------------------------------


@bp.get("/office/export/jobs.xlsx")
@login_required("office")
def office_export_jobs():
    refuse_cross_site()  # before any work: another site's link exports nothing
    jobs = services.every_job(db.session)
    rows = [(*export_cells(j), "招聘中" if j.is_open else "已关闭") for j in jobs]
    headings = [*(f.heading for f in EXPORTED), "状态"]
    audit(db.session, "export", "jobs")
    services.commit(db.session)
    return xlsx_response(workbook("岗位", headings, rows), "jobs.xlsx")


@bp.get("/office/export/outcomes.xlsx")
@login_required("office")
def office_export_outcomes():
    refuse_cross_site()  # before any work: another site's link exports nothing
    outcomes = services.every_outcome(db.session)
    # No names or phones: the office reports counts, and the stall holds the contacts.
    rows = [
        (
            beijing(o.created_at),
            o.profile_id,
            j.external_id or j.id,
            j.title,
            j.employer.name,
            lifecycle.LABELS.get(o.status, o.status),
        )
        for o, j in outcomes
    ]
    audit(db.session, "export", "outcomes")
    services.commit(db.session)
    return xlsx_response(
        workbook("结果", [f"时间（{LABEL}）", "居民编号", "岗位编号", "岗位名称", "企业名称", "结果"], rows),
        f"outcomes-{beijing(localtime.now(), '%Y%m%d')}.xlsx",
    )


# --- reports ---------------------------------------------------------------------------------------


def _report_query() -> tuple[reports.Report | None, str | None, int]:
    """The report that ?fair= or ?month= names, or the reason in Chinese and a status; (None, None, 200) when the
    query names nothing yet (the bare form)."""
    try:
        query = ReportQuery().load(request.args)
    except ValidationError as err:
        messages = [m for value in err.messages_dict.values() for m in (value if isinstance(value, list) else [value])]
        return None, chinese_of(messages[0]), 422
    if not query:
        return None, None, 200
    taxonomy = current_app.extensions["jobmatch.index"].artefacts.taxonomy
    try:
        return (
            reports.build_report(db.session, taxonomy, fair_id=query.get("fair"), month=query.get("month")),
            None,
            200,
        )
    except JobmatchError as err:
        return None, err.chinese, err.status


def _report_page(report, error: str | None, status: int):
    fairs = services.list_fairs(db.session, per_page=200).items
    return render_template(
        "office_report.html",
        report=report,
        error=error,
        fairs=fairs,
        args=request.args,
        charts=reports.charts_svg(report) if report else {},
        tables=reports.tables(report) if report else [],
        scope_text=reports.SCOPE_TEXT,
        cell_text=reports.cell_text,
    ), status


@bp.get("/office/reports")
@login_required("office")
def office_reports():
    """Figures of one fair or one month: tables and charts, with PDF and XLSX downloads. No personal data."""
    return _report_page(*_report_query())


def _report_download(render, content_type: str, extension: str):
    refuse_cross_site()  # before any work: another site's link exports nothing
    report, error, status = _report_query()
    if report is None:
        return _report_page(None, error or "请先选一场集市或一个月份", status if error else 422)
    data = render(report)
    audit(db.session, "export", f"report {report.slug} {extension}")
    services.commit(db.session)
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f"attachment; filename=jobmatch-report-{report.slug}.{extension}"
    return response


@bp.get("/office/reports.pdf")
@login_required("office")
def office_report_pdf():
    return _report_download(reports.report_pdf, "application/pdf", "pdf")


@bp.get("/office/reports.xlsx")
@login_required("office")
def office_report_xlsx():
    return _report_download(reports.report_xlsx, XLSX, "xlsx")
