"""Office pages: employers and vacancies, list import with a preview, the template, and exports."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import ValidationError

from .. import reports, services
from ..auth import audit, current_user, login_required, refuse_cross_site
from ..db import db
from ..errors import JobmatchError, split_message
from ..importing import (
    FIELDS,
    HEADINGS,
    PREVIEW_TOKEN,
    ImportFileError,
    drop_preview,
    load_preview,
    parse,
    save_preview,
    template_xlsx,
    to_job_body,
)
from ..printing import SHIFT_LABELS
from ..schemas import EmployerSchema, JobCreateSchema, JobSchema, ReportQuery
from ..spreadsheet import workbook
from .blueprint import bp, page_number

FIELD_LABELS = {value: key for key, value in reversed(list(HEADINGS.items()))} | {"employer_id": "企业名称", "fair_id": "集市", "_schema": "整行"}
_MESSAGES = [
    (re.compile(r"Missing data|Give employer"), "必须填写"),
    (re.compile(r"Not a valid integer"), "应是整数"),
    (re.compile(r"Not a valid number"), "应是数字"),
    (re.compile(r"Must be one of"), "不在可选范围内"),
    (re.compile(r"wage_min is larger"), "高于最高工资"),
    (re.compile(r"age_min is larger"), "高于最大年龄"),
    (re.compile(r"Longer than"), "太长了"),
    (re.compile(r"control characters"), "含有无法显示的控制字符"),
    (re.compile(r"spreadsheet formula"), "以“=”等符号开头，像是表格公式（误填或恶意链接），请改成普通文字"),
    (re.compile(r"^Over "), "超出合理范围，请检查工资单位"),
    (re.compile(r"greater than or equal|less than or equal|Must be"), "超出范围"),
    (re.compile(r"phone"), "电话格式不对"),
    (re.compile(r"both lat and lon"), "经度纬度要一起填"),
    (re.compile(r"重复"), None),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chinese_errors(errors: dict) -> list[str]:
    """Field errors as short Chinese phrases a clerk understands."""
    out = []
    for field, messages in errors.items():
        for message in messages if isinstance(messages, list) else [str(messages)]:
            text = str(message)
            phrase = next((p for pattern, p in _MESSAGES if pattern.search(text)), "填写有误")
            out.append(f"{FIELD_LABELS.get(field, field)}：{phrase or text}")
    return out


def _attempt(save) -> list[str]:
    """Run a form's save; its problems as Chinese phrases for the form, none when it worked."""
    try:
        save()
        return []
    except ValidationError as err:
        return chinese_errors(err.messages)
    except JobmatchError as err:
        db.session.rollback()
        return [err.chinese]


def _xlsx(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


# The demands a clerk can set on the vacancy form, each a select of 不要求 / 优先 / 必须; the licence is one select
# of its class with its own 优先/必须.
DEMAND_FIELDS = (("heavy", "搬运重活"), ("standing", "整天站着"), ("literate", "识字填单"), ("computer", "会用电脑"),
                 ("experienced", "要有经验"), ("cert:forklift", "叉车证"), ("cert:electric", "电工证"), ("cert:weld", "焊工证"))
LICENCE_CHOICES = (("licence", "任意驾照"), ("licence:C1", "C1"), ("licence:B2", "B2"), ("licence:A2", "A2"))


def demands_key(items: list[dict]) -> str:
    """A demands list as one comparable string, so the form can tell whether the clerk changed what it showed."""
    return ",".join(sorted(f"{d['label']}={'required' if d.get('required', True) else 'plus'}" for d in items))


def _demands_from_form() -> list[dict]:
    items = []
    for label, _ in DEMAND_FIELDS:
        strength = request.form.get(f"demand_{label}", "")
        if strength:
            items.append({"label": label, "required": strength != "plus"})
    licence = request.form.get("demand_licence", "")
    if licence:
        items.append({"label": licence, "required": request.form.get("demand_licence_strength", "required") != "plus"})
    return items


def _form_body() -> dict:
    raw = {key: request.form.get(key, "").strip() for key in FIELDS}
    body = to_job_body(raw)
    if request.form.get("fair_id", "").strip().isdigit():
        body["fair_id"] = int(request.form["fair_id"])
    # The demands shown are kept as they were unless the clerk changed one (then theirs win) or asked for the words
    # again; left alone, a vacancy's demands follow its words when the description changes.
    if request.form.get("demands_from_text"):
        body["demands"] = "from_text"
    else:
        chosen = _demands_from_form()
        if demands_key(chosen) != request.form.get("demands_shown", ""):
            body["demands"] = chosen
    return body


def _demands_form(job) -> dict:
    """What the form's demand selects show: the vacancy's demands now (or, sent back with errors, the clerk's
    choices), what its words say, and whether the office set them."""
    items = services.job_demands_of(job).as_dict()["demands"] if job is not None else []
    shown = demands_key(items)
    if request.method == "POST":
        items, shown = _demands_from_form(), request.form.get("demands_shown", "")
    return {"items": {d["label"]: d for d in items}, "shown": shown,
            "licence": next((d for d in items if d["label"].startswith("licence")), None),
            "set_by_office": job is not None and job.demands is not None,
            "read": services.words_demand(job.title, job.description) if job is not None else []}


# --- vacancies -------------------------------------------------------------------------------------


@bp.get("/office/jobs")
@login_required("office")
def office_jobs():
    q = request.args.get("q", "").strip()[:50] or None
    page = page_number()
    result = services.list_jobs(db.session, q=q, page=page, per_page=30)
    return render_template("office_jobs.html", result=result, q=q or "")


@bp.route("/office/jobs/new", methods=["GET", "POST"])
@login_required("office")
def office_job_new():
    errors, values = [], {}
    if request.method == "POST":
        values = request.form.to_dict()
        errors = _attempt(lambda: services.create_job(db.session, JobCreateSchema().load(_form_body())))
        if not errors:
            return redirect(url_for("web.office_jobs", q=values.get("title", "")), code=303)
    return render_template(
        "office_job_form.html", job=None, values=values, errors=errors, placeholders={},
        fairs=services.list_fairs(db.session, per_page=50).items, demands=_demands_form(None),
        demand_fields=DEMAND_FIELDS, licence_choices=LICENCE_CHOICES,
    ), (422 if errors else 200)


@bp.route("/office/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@login_required("office")
def office_job_edit(job_id: int):
    job = services.get_job(db.session, job_id)
    errors = []
    values = {key: getattr(job, "external_id" if key == "id" else key, "") for key in FIELDS if key != "employer"}
    values.update(employer=job.employer.name, skills="、".join(job.skills or []), perks="、".join(job.perks or []), fair_id=job.fair_id or "")
    values = {k: ("" if v is None else v) for k, v in values.items()}
    # Fields filled from the words stay empty here, the reading shown as a hint: left empty they follow the words,
    # filled in they are the office's.
    placeholders = {}
    for group in (job.read_from_text or {}).get("filled", ()):
        for name in services.FIELD_GROUPS.get(group, ()):
            if name in values and name != "wage_unit":
                shown = SHIFT_LABELS.get(job.shift, job.shift) if name == "shift" else values[name]
                shown = f"{shown:g}" if isinstance(shown, float) else shown
                placeholders[name] = f"从文字读出：{shown}"
                values[name] = ""
    if request.method == "POST":
        values = request.form.to_dict()
        errors = _attempt(lambda: services.update_job(db.session, job_id, JobSchema().load(_form_body())))
        if not errors:
            return redirect(url_for("web.office_jobs", q=job.title), code=303)
    return render_template(
        "office_job_form.html", job=job, values=values, errors=errors, placeholders=placeholders,
        fairs=services.list_fairs(db.session, per_page=50).items, demands=_demands_form(job),
        demand_fields=DEMAND_FIELDS, licence_choices=LICENCE_CHOICES,
    ), (422 if errors else 200)



@bp.post("/office/jobs/<int:job_id>/close")
@login_required("office")
def office_job_close(job_id: int):
    services.close_job(db.session, job_id)
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url) else url_for("web.office_jobs"), code=303)


# --- employers -------------------------------------------------------------------------------------


@bp.route("/office/employers", methods=["GET", "POST"])
@login_required("office")
def office_employers():
    errors, values = [], {}
    if request.method == "POST":
        values = request.form.to_dict()
        body = {k: v.strip() for k, v in values.items() if k in ("name", "town", "community", "address", "contact_phone") and v.strip()}
        errors = _attempt(lambda: services.create_employer(db.session, EmployerSchema().load(body)))
        if not errors:
            return redirect(url_for("web.office_employers"), code=303)
    employers = services.list_employers(db.session, per_page=200).items
    return render_template("office_employers.html", employers=employers, values=values, errors=errors), (422 if errors else 200)


@bp.route("/office/employers/<int:employer_id>/edit", methods=["GET", "POST"])
@login_required("office")
def office_employer_edit(employer_id: int):
    employer = services.get_employer(db.session, employer_id)
    errors = []
    values = {k: getattr(employer, k) or "" for k in ("name", "town", "community", "address", "contact_phone")}
    if request.method == "POST":
        values = request.form.to_dict()
        body = {k: v.strip() or None for k, v in values.items() if k in ("name", "town", "community", "address", "contact_phone")}
        if not body.get("name"):
            body.pop("name", None)
            errors = ["企业名称：必须填写"]
        else:
            errors = _attempt(lambda: services.update_employer(db.session, employer_id, EmployerSchema().load(body, partial=True)))
            if not errors:
                return redirect(url_for("web.office_employers"), code=303)
    return render_template("office_employer_form.html", employer=employer, values=values, errors=errors), (422 if errors else 200)


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
        return render_template("office_import.html", error=None, fairs=services.list_fairs(db.session, per_page=50).items)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("office_import.html", error="请先选择要上传的文件", fairs=services.list_fairs(db.session, per_page=50).items), 422
    try:
        rows = parse(upload.filename, upload.read())
    except ImportFileError as err:
        return render_template("office_import.html", error=str(err), fairs=services.list_fairs(db.session, per_page=50).items), 422
    fair_id = request.form.get("fair_id", type=int)
    token = save_preview(_previews(), {
        "user_id": current_user().id, "filename": upload.filename, "fair_id": fair_id,
        "rows": [{"number": r.number, "raw": r.raw, "data": r.data, "errors": r.errors} for r in rows],
    })
    read = {row.number: services.preview_summary(row.data) for row in rows if row.ok}
    demanded = {row.number: services.words_demand(row.data.get("title"), row.data.get("description")) for row in rows if row.ok}
    return render_template(
        "office_import_preview.html", token=token, rows=rows, read=read, demanded=demanded, filename=upload.filename,
        chinese_errors=chinese_errors,
    )


@bp.post("/office/import/confirm")
@login_required("office")
def office_import_confirm():
    token = _token(request.form.get("token", ""))
    try:
        pending = load_preview(_previews(), token)
    except ImportFileError as err:
        return render_template("office_import.html", error=str(err), fairs=services.list_fairs(db.session, per_page=50).items), 422
    if pending["user_id"] != current_user().id:
        abort(403)
    chosen = {int(n) for n in request.form.getlist("row") if n.isdigit()}
    rows = [r for r in pending["rows"] if r["number"] in chosen and not r["errors"] and r["data"]]
    if not rows:
        return render_template("office_import.html", error="没有选中可以保存的行", fairs=services.list_fairs(db.session, per_page=50).items), 422
    try:
        counts = services.import_jobs(db.session, [r["data"] for r in rows], fair_id=pending.get("fair_id"))
    except JobmatchError as err:
        db.session.rollback()
        return render_template("office_import.html", error=err.chinese, fairs=services.list_fairs(db.session, per_page=50).items), 422
    audit(db.session, "import", f"{len(rows)} rows")
    db.session.commit()
    drop_preview(_previews(), token)
    return render_template("office_import_done.html", counts=counts, skipped=len(pending["rows"]) - len(rows))


@bp.get("/office/import/template.xlsx")
@login_required("office")
def office_import_template():
    return _xlsx(template_xlsx(), "jobmatch-template.xlsx")


@bp.get("/office/audit")
@login_required("office")
def office_audit():
    """The audit trail, newest first; there is no way to edit it from the service."""
    page = page_number()
    result = services.list_audit(db.session, page=page, per_page=50)
    users = services.usernames(db.session)
    return render_template("office_audit.html", result=result, users=users)


# --- exports ---------------------------------------------------------------------------------------


@bp.get("/office/export/jobs.xlsx")
@login_required("office")
def office_export_jobs():
    refuse_cross_site()  # before any work: another site's link exports nothing
    jobs = services.every_job(db.session)
    rows = [
        (j.external_id or j.id, j.title, j.employer.name, j.openings, j.wage_min, j.wage_max, j.wage_unit, j.town, j.community,
         j.shift, j.age_min, j.age_max, "、".join(j.perks or []), j.contact_phone, "招聘中" if j.is_open else "已关闭")
        for j in jobs
    ]
    headings = ["岗位编号", "岗位名称", "企业名称", "招聘人数", "最低工资", "最高工资", "工资单位", "乡镇", "社区", "班次", "最小年龄", "最大年龄", "福利", "联系电话", "状态"]
    audit(db.session, "export", "jobs")
    db.session.commit()
    return _xlsx(workbook("岗位", headings, rows), "jobs.xlsx")


@bp.get("/office/export/outcomes.xlsx")
@login_required("office")
def office_export_outcomes():
    refuse_cross_site()  # before any work: another site's link exports nothing
    outcomes = services.every_outcome(db.session)
    # No names or phones: the office reports counts, and the stall holds the contacts.
    rows = [
        (o.created_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M"), o.profile_id, j.external_id or j.id, j.title, j.employer.name, o.status)
        for o, j in outcomes
    ]
    audit(db.session, "export", "outcomes")
    db.session.commit()
    return _xlsx(workbook("结果", ["时间 (UTC)", "居民编号", "岗位编号", "岗位名称", "企业名称", "结果"], rows), f"outcomes-{datetime.now(timezone.utc):%Y%m%d}.xlsx")


# --- reports ---------------------------------------------------------------------------------------

def _report_query() -> tuple[reports.Report | None, str | None, int]:
    """The report that ?fair= or ?month= names, or the reason in Chinese and a status; (None, None, 200) when the
    query names nothing yet (the bare form)."""
    try:
        query = ReportQuery().load(request.args)
    except ValidationError as err:
        messages = [m for value in err.messages.values() for m in (value if isinstance(value, list) else [value])]
        return None, split_message(str(messages[0]))[0], 422
    if not query:
        return None, None, 200
    taxonomy = current_app.extensions["jobmatch.index"].artefacts.taxonomy
    try:
        return reports.build_report(db.session, taxonomy, fair_id=query.get("fair"), month=query.get("month")), None, 200
    except JobmatchError as err:
        return None, err.chinese, err.status


def _report_page(report, error: str | None, status: int):
    fairs = services.list_fairs(db.session, per_page=200).items
    return render_template(
        "office_report.html", report=report, error=error, fairs=fairs, args=request.args,
        charts=reports.charts_svg(report) if report else {}, tables=reports.tables(report) if report else [],
        scope_text=reports.SCOPE_TEXT, cell_text=reports.cell_text,
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
    db.session.commit()
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
