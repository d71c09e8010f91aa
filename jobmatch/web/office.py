"""Office pages: employers and vacancies (their forms, with what the words say and demand). Files, exports, reports
and the audit trail are in records.py."""

from __future__ import annotations

from flask import (
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from marshmallow import ValidationError

from .. import services
from ..auth import login_required
from ..db import db
from ..errors import JobmatchError
from ..importing import (
    FIELDS,
    to_job_body,
)
from ..schemas import EmployerSchema, JobCreateSchema, JobSchema, chinese_of
from ..vacancy import VACANCY_FIELDS
from ..vocabulary import SHIFT_LABELS
from .blueprint import bp, page_number

FIELD_LABELS = {f.name: f.heading for f in VACANCY_FIELDS} | {
    "employer_id": "企业名称",
    "fair_id": "集市",
    "_schema": "整行",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chinese_errors(errors: dict) -> list[str]:
    """Field errors as the short Chinese phrases their messages carry (schemas/messages.py), each after its field's
    label and each once (a list's items may share one)."""
    lines = (
        f"{FIELD_LABELS.get(field, field)}：{chinese_of(m)}"
        for field, messages in errors.items()
        for m in _each(messages)
    )
    return list(dict.fromkeys(lines))


def _each(messages) -> list:
    """A field's messages: a list of them, or for a list field's items {index: their messages}."""
    if isinstance(messages, dict):
        return [m for inner in messages.values() for m in _each(inner)]
    return messages if isinstance(messages, list) else [messages]


def _attempt(save) -> list[str]:
    """Run a form's save and commit it; its problems as Chinese phrases for the form, none when it worked."""
    try:
        save()
    except ValidationError as err:
        return chinese_errors(err.messages_dict)
    except JobmatchError as err:
        db.session.rollback()
        return [err.chinese]
    services.commit(db.session)  # a storage fault is the 503 page, not a remark on the form
    return []


def xlsx_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


# The demands a clerk can set on the vacancy form, each a select of 不要求 / 优先 / 必须; the licence is one select
# of its class with its own 优先/必须.
DEMAND_FIELDS = (
    ("heavy", "搬运重活"),
    ("standing", "整天站着"),
    ("literate", "识字填单"),
    ("computer", "会用电脑"),
    ("experienced", "要有经验"),
    ("cert:forklift", "叉车证"),
    ("cert:electric", "电工证"),
    ("cert:weld", "焊工证"),
)
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
    return {
        "items": {d["label"]: d for d in items},
        "shown": shown,
        "licence": next((d for d in items if d["label"].startswith("licence")), None),
        "set_by_office": job is not None and job.demands is not None,
        "read": services.words_demand(job.title, job.description) if job is not None else [],
    }


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
        "office_job_form.html",
        job=None,
        values=values,
        errors=errors,
        placeholders={},
        fairs=services.list_fairs(db.session, per_page=50).items,
        demands=_demands_form(None),
        demand_fields=DEMAND_FIELDS,
        licence_choices=LICENCE_CHOICES,
    ), (422 if errors else 200)


@bp.route("/office/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@login_required("office")
def office_job_edit(job_id: int):
    job = services.get_job(db.session, job_id)
    errors = []
    values = {key: getattr(job, "external_id" if key == "id" else key, "") for key in FIELDS if key != "employer"}
    values.update(
        employer=job.employer.name,
        skills="、".join(job.skills or []),
        perks="、".join(job.perks or []),
        fair_id=job.fair_id or "",
    )
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
        "office_job_form.html",
        job=job,
        values=values,
        errors=errors,
        placeholders=placeholders,
        fairs=services.list_fairs(db.session, per_page=50).items,
        demands=_demands_form(job),
        demand_fields=DEMAND_FIELDS,
        licence_choices=LICENCE_CHOICES,
    ), (422 if errors else 200)


@bp.post("/office/jobs/<int:job_id>/close")
@login_required("office")
def office_job_close(job_id: int):
    services.close_job(db.session, job_id)
    services.commit(db.session)
    return redirect(
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else url_for("web.office_jobs"),
        code=303,
    )


# --- employers -------------------------------------------------------------------------------------


@bp.route("/office/employers", methods=["GET", "POST"])
@login_required("office")
def office_employers():
    errors, values = [], {}
    if request.method == "POST":
        values = request.form.to_dict()
        body = {
            k: v.strip()
            for k, v in values.items()
            if k in ("name", "town", "community", "address", "contact_phone") and v.strip()
        }
        errors = _attempt(lambda: services.create_employer(db.session, EmployerSchema().load(body)))
        if not errors:
            return redirect(url_for("web.office_employers"), code=303)
    employers = services.list_employers(db.session, per_page=200).items
    return render_template("office_employers.html", employers=employers, values=values, errors=errors), (
        422 if errors else 200
    )


@bp.route("/office/employers/<int:employer_id>/edit", methods=["GET", "POST"])
@login_required("office")
def office_employer_edit(employer_id: int):
    employer = services.get_employer(db.session, employer_id)
    errors = []
    values = {k: getattr(employer, k) or "" for k in ("name", "town", "community", "address", "contact_phone")}
    if request.method == "POST":
        values = request.form.to_dict()
        body = {
            k: v.strip() or None
            for k, v in values.items()
            if k in ("name", "town", "community", "address", "contact_phone")
        }
        if not body.get("name"):
            body.pop("name", None)
            errors = ["企业名称：必须填写"]
        else:
            errors = _attempt(
                lambda: services.update_employer(db.session, employer_id, EmployerSchema().load(body, partial=True))
            )
            if not errors:
                return redirect(url_for("web.office_employers"), code=303)
    return render_template("office_employer_form.html", employer=employer, values=values, errors=errors), (
        422 if errors else 200
    )
