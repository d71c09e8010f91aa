"""Thin page views: parse a form with a schema, call a service, render a template."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError

from .. import followup, lifecycle, services
from ..auth import (
    SESSION_KEY,
    audit,
    change_password,
    close_session,
    current_user,
    from_this_site,
    local_target,
    log_in,
    login_required,
    open_session,
    page_access,
    page_recorder,
    refuse_cross_site,
)
from ..db import db
from ..extensions import limiter
from ..localtime import local_today
from ..erasures import ErasureLog
from ..errors import Conflict, Invalid, JobmatchError, TooManyAttempts, log_storage_fault, storage_fault
from ..printing import AVAILABILITY_LABELS, FIT_LABELS, SHIFT_LABELS, job_shortlist, qr_svg, resident_shortlist, shortlists_pdf
from ..privacy import mask_name, mask_phone
from ..schemas import MAX_PAGE, KioskForm, OutcomeForm, PageNumber
from ..vocabulary import STAFF_STEPS

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

KIOSK_MESSAGES = {
    "name": "请填写您的姓名",
    "phone": "请填写正确的手机号码，例如 13812345678",
    "age": "请填写年龄，14 到 100 岁之间的数字",
    "place": "请选择您住的社区",
    "availability": "请选择您能上班的时间",
    "expected_wage": "希望的月工资请填数字，例如 3000，也可以不填",
    "reach": "请选择您能去多远",
    "consent": "请勾选同意，我们才能为您推荐岗位",
    "experience": "“做过什么”最多 2000 字",
    "desired": "“想做什么”最多 2000 字",
    "submission_key": "页面已过期，请重新填写",
}
KIOSK_STORAGE_BUSY = "系统正忙，刚才没有保存成功。您填的内容都还在，请稍等几秒钟再点一次“提交”。"
# Free text that is there but cannot be kept: say what is wrong with it, not that it is missing.
KIOSK_TEXT_PROBLEMS = {"Longer than": "太长了，请写短一些", "control characters": "里有无法识别的字符，请删掉重新输入"}
KIOSK_FIELD_NAMES = {"name": "姓名", "experience": "“做过什么”", "desired": "“想做什么”"}
REACH_LABELS = {"walk": "走路能到（约 2 公里）", "ebike": "骑电动车（约 8 公里）", "bus": "坐公交（约 20 公里）", "live_in": "可以住厂里"}


@bp.app_context_processor
def _template_globals():
    return {
        "current_user": current_user,
        "shift_labels": SHIFT_LABELS,
        "availability_labels": AVAILABILITY_LABELS,
        "outcome_labels": lifecycle.LABELS,
        "next_steps": _staff_steps,
        "mask_phone": mask_phone,
        "mask_name": mask_name,
        "fit_labels": FIT_LABELS,
        "text_summary": services.text_summary,
        "demands_summary": services.demands_summary,
    }


def _staff_steps(status: str | None) -> list[str]:
    """The buttons a pair's card shows: the steps that may follow its status."""
    return [step for step in lifecycle.next_steps(status) if step in STAFF_STEPS]


def _index() -> services.MatchIndex:
    return current_app.extensions["jobmatch.index"]


def _latest_fair():
    page = services.list_fairs(db.session, page=1, per_page=1)
    return page.items[0] if page.items else None


def page_number() -> int:
    """?page= of a list page, 1 when absent; anything but a page number is a friendly 422 (a huge one used to
    overflow the database's OFFSET)."""
    try:
        return PageNumber().load(request.args)["page"]
    except ValidationError as err:
        raise Invalid(f"页码（page）应是 1 到 {MAX_PAGE} 之间的整数", err.messages) from None


def _places(fair) -> list[tuple[str, list[str]]]:
    """(town, communities) for the kiosk's picker: the fair's own town first."""
    towns = current_app.extensions["jobmatch.index"].artefacts.gazetteer.towns()
    if fair is not None:
        towns.sort(key=lambda t: t[0] != fair.town)
    return towns


def _pdf_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- home, login -----------------------------------------------------------------------------------


@bp.get("/")
@page_access("public")
def home():
    return render_template("home.html")


@bp.route("/login", methods=["GET", "POST"])
@page_access("public")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN"], methods=["POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error=None)
    try:
        user = log_in(db.session, request.form.get("username", "").strip(), request.form.get("password", ""))
    except JobmatchError as err:  # wrong, locked (429 with Retry-After) or disabled: said on the login page
        return render_template("login.html", error=err.chinese), err.status, err.headers
    token = open_session(db.session, user)
    session.clear()  # nothing of the session before the login carries over
    session[SESSION_KEY] = token
    generate_csrf()  # a fresh form token for the fresh session
    home = url_for("web.staff_home" if user.role == "staff" else "web.office_jobs")
    return redirect(local_target(request.args.get("next")) or home)


@bp.post("/logout")
@page_access("public")
def logout():
    # Deleting the row ends the session for every copy of the cookie, not only this browser's.
    close_session(db.session, session.get(SESSION_KEY))
    session.clear()
    return redirect(url_for("web.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required("office")
def account_password():
    """A logged-in user changes their own password; their other sessions end, this one stays."""
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            change_password(db.session, current_user(), form.get("current_password", ""), form.get("new_password", ""),
                            form.get("new_password2", ""), keep=session.get(SESSION_KEY))
            return redirect(url_for("web.account_password", changed=1), code=303)
        except TooManyAttempts as err:
            return render_template("account_password.html", errors={"_form": err.chinese}, changed=False), err.status, err.headers
        except Invalid as err:
            errors = {field: reasons[0] for field, reasons in err.fields.items()}
            status = 422
    return render_template("account_password.html", errors=errors, changed=request.args.get("changed") == "1" and not errors), status


# --- kiosk -----------------------------------------------------------------------------------------


@bp.route("/kiosk", methods=["GET", "POST"])
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_KIOSK"], methods=["POST"])
def kiosk():
    fair = _latest_fair()
    errors: dict[str, str] = {}
    values = {"submission_key": secrets.token_urlsafe(24), "fair_id": str(fair.id) if fair else ""}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            form = KioskForm().load(KioskForm.clean(values))
            data = KioskForm.to_profile(form)
            services.check_kiosk_place(_index().artefacts.gazetteer, data["town"], data["community"])
            profile = services.create_kiosk_profile(db.session, data, form["submission_key"], _kiosk_scope(), consented=True)
            return redirect(url_for("web.kiosk_ticket", ticket=profile.ticket), code=303)
        except ValidationError as err:
            errors = {field: _kiosk_message(field, reasons) for field, reasons in err.messages.items()}
            errors = {("place" if k in ("town", "community") else k): v for k, v in errors.items()}
        except Invalid as err:
            errors = {field: KIOSK_MESSAGES.get(field, err.chinese) for field in err.fields} or {"_form": err.chinese}
        except Conflict:
            # The form's key went with another submission: keep what was typed, under a fresh key.
            values["submission_key"] = secrets.token_urlsafe(24)
            errors = {"_form": "这张表格已经提交过别的信息了，请核对后再按一次“提交”"}
        except JobmatchError as err:
            errors = {"_form": err.chinese}
        except DBAPIError as err:
            fault = storage_fault(err)
            if fault is None:
                raise
            # The database cannot take the write now: keep what the resident typed (and the form's key, so a
            # second press stores it once) and ask them to press again in a moment.
            db.session.rollback()
            log_storage_fault(fault)
            page = render_template("kiosk.html", fair=fair, places=_places(fair), values=values,
                                   errors={"_form": KIOSK_STORAGE_BUSY}, reach_labels=REACH_LABELS)
            return page, 503, {"Retry-After": str(fault.retry_after)}
    _kiosk_scope()
    status = 422 if errors else 200
    return render_template(
        "kiosk.html", fair=fair, places=_places(fair), values=values, errors=errors, reach_labels=REACH_LABELS
    ), status


def _kiosk_scope() -> str:
    """This kiosk browser's own namespace for submission keys, kept in its session cookie."""
    if "kiosk_scope" not in session:
        session["kiosk_scope"] = secrets.token_urlsafe(16)
    return "kiosk:" + session["kiosk_scope"]


def _kiosk_message(field: str, reasons) -> str:
    for reason in reasons if isinstance(reasons, list) else []:
        for problem, message in KIOSK_TEXT_PROBLEMS.items():
            if field in KIOSK_FIELD_NAMES and problem in str(reason):
                return KIOSK_FIELD_NAMES[field] + message
    return KIOSK_MESSAGES.get(field, "这一项填写有误")


@bp.get("/kiosk/t/<ticket>")
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"], methods=["GET"])
def kiosk_ticket(ticket: str):
    profile = services.profile_by_ticket(db.session, ticket)
    pairs, ruled_out = services.shortlist_with_ruled_out(db.session, _index(), profile.id, top=5)
    if from_this_site():  # another site's link to a ticket must not write outcomes
        _record_shown(profile.id, pairs)
    return render_template("kiosk_ticket.html", profile=profile, pairs=pairs, ruled_out=ruled_out)


@bp.get("/kiosk/t/<ticket>/slip.pdf")
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"], methods=["GET"])
def kiosk_slip(ticket: str):
    profile = services.profile_by_ticket(db.session, ticket)
    return _pdf_response(shortlists_pdf([_shortlist_of(profile)]), f"slip-{profile.ticket}.pdf")


def _shortlist_of(profile):
    """The printed shortlist of one resident: the same top 5 the kiosk shows."""
    pairs, _ = services.shortlist_with_ruled_out(db.session, _index(), profile.id, top=5)
    fair = services.fair_of(db.session, profile.fair_id)
    if from_this_site():
        _record_shown(profile.id, pairs)
    return resident_shortlist(profile, pairs, fair.name if fair else None)


def _record_shown(profile_id: int, pairs) -> None:
    """A shortlist put in front of the resident (kiosk screen, slip, staff print) starts each pair's lifecycle."""
    user = current_user()
    services.record_shown(db.session, profile_id, pairs, _index().weights, user_id=user.id if user else None,
                          recorder=page_recorder())


# --- staff -----------------------------------------------------------------------------------------


@bp.get("/staff")
@login_required("staff")
def staff_home():
    return render_template("staff_home.html", fairs=services.list_fairs(db.session, per_page=50).items)


@bp.get("/staff/fairs/<int:fair_id>")
@login_required("staff")
def staff_residents(fair_id: int):
    fair = services.get_fair(db.session, fair_id)
    q = request.args.get("q", "").strip()[:50] or None
    page = page_number()
    return render_template("staff_residents.html", fair=fair, q=q or "", result=services.search_profiles(db.session, fair_id, q, page))


def _resident_view(profile_id: int, show_phone: bool = False, status: int = 200):
    profile = services.get_profile(db.session, profile_id)
    steps = services.latest_steps(db.session, profile.id)
    statuses = {job_id: step.status for job_id, step in steps.items()}
    me = page_recorder()
    undo = {job_id: step for job_id, step in steps.items() if step.status != lifecycle.SHOWN and services.undoable(step, me)}
    pairs = services.jobs_for_profile(db.session, _index(), profile.id, top=15)
    # Vacancies already under way (contacted and beyond) leave the suggestions and are listed with their next steps.
    open_pairs = [(job, match) for job, match in pairs if statuses.get(job.id) in (None, lifecycle.SHOWN)]
    under_way = services.jobs_by_id(db.session, [j for j, st in statuses.items() if st != lifecycle.SHOWN])
    fair = services.fair_of(db.session, profile.fair_id)
    return render_template(
        "staff_resident.html", profile=profile, pairs=open_pairs[:10], under_way=under_way, statuses=statuses,
        undo=undo, show_phone=show_phone, fair=fair,
    ), status


@bp.get("/staff/residents/<int:profile_id>")
@login_required("staff")
def staff_resident(profile_id: int):
    return _resident_view(profile_id)


@bp.post("/staff/residents/<int:profile_id>/phone")
@login_required("staff")
def staff_show_phone(profile_id: int):
    services.get_profile(db.session, profile_id)
    audit(db.session, "show_phone", f"profile:{profile_id}")
    db.session.commit()
    return _resident_view(profile_id, show_phone=True)


@bp.post("/staff/residents/<int:profile_id>/delete")
@login_required("staff")
def staff_delete_resident(profile_id: int):
    """Erase a resident's personal data on their request (the outcome statistics stay)."""
    profile = services.get_profile(db.session, profile_id)
    fair_id = profile.fair_id
    services.delete_profile(db.session, profile_id, ErasureLog.of(current_app))
    audit(db.session, "delete", f"profile:{profile_id}")
    db.session.commit()
    return redirect(url_for("web.staff_residents", fair_id=fair_id) if fair_id else url_for("web.staff_home"), code=303)


@bp.post("/staff/residents/<int:profile_id>/outcomes")
@login_required("staff")
def staff_record_outcome(profile_id: int):
    try:
        form = OutcomeForm().load(request.form.to_dict())
    except ValidationError:
        abort(400)
    services.record_outcome(db.session, profile_id, form["job_id"], form["status"], user_id=current_user().id, recorder=page_recorder())
    return redirect(url_for("web.staff_resident", profile_id=profile_id), code=303)


@bp.post("/staff/residents/<int:profile_id>/outcomes/<int:outcome_id>/undo")
@login_required("staff")
def staff_undo_outcome(profile_id: int, outcome_id: int):
    outcome = services.undo_outcome(db.session, outcome_id, page_recorder())
    audit(db.session, "undo", f"outcome:{outcome.id}")
    db.session.commit()
    return redirect(url_for("web.staff_resident", profile_id=profile_id), code=303)


def _printed_resident(profile_id: int):
    """A resident's shortlist for printing; the print is recorded in the audit trail."""
    refuse_cross_site()
    shortlist = _shortlist_of(services.get_profile(db.session, profile_id))
    audit(db.session, "print", f"profile:{profile_id}")
    db.session.commit()
    return shortlist


@bp.get("/staff/residents/<int:profile_id>/print")
@login_required("staff")
def staff_print_resident(profile_id: int):
    shortlist = _printed_resident(profile_id)
    return render_template("print_shortlist.html", shortlist=shortlist, qr_svg=qr_svg, pdf_url=url_for("web.staff_resident_pdf", profile_id=profile_id))


@bp.get("/staff/residents/<int:profile_id>/shortlist.pdf")
@login_required("staff")
def staff_resident_pdf(profile_id: int):
    return _pdf_response(shortlists_pdf([_printed_resident(profile_id)]), f"resident-{profile_id}.pdf")


def _candidates(job_id: int):
    job = services.get_job(db.session, job_id)
    referred = services.profiles_under_way(db.session, job_id)
    pairs = [(p, m) for p, m in services.profiles_for_job(db.session, _index(), job_id, top=20 + len(referred)) if p.id not in referred]
    fair = services.fair_of(db.session, job.fair_id)
    return job, pairs[:20], fair


@bp.get("/staff/jobs/<int:job_id>")
@login_required("staff")
def staff_job(job_id: int):
    job, pairs, fair = _candidates(job_id)
    return render_template("staff_job.html", job=job, pairs=pairs, fair=fair)


def _printed_job(job_id: int):
    """A vacancy's candidate list with phones, for staff; the print is recorded in the audit trail."""
    refuse_cross_site()
    job, pairs, fair = _candidates(job_id)
    audit(db.session, "print", f"job:{job_id}")
    db.session.commit()
    return job_shortlist(job, pairs[:10], show_phone=True, fair_name=fair.name if fair else None)


@bp.get("/staff/jobs/<int:job_id>/shortlist.pdf")
@login_required("staff")
def staff_job_pdf(job_id: int):
    return _pdf_response(shortlists_pdf([_printed_job(job_id)]), f"job-{job_id}.pdf")


@bp.get("/staff/jobs/<int:job_id>/print")
@login_required("staff")
def staff_print_job(job_id: int):
    shortlist = _printed_job(job_id)
    return render_template("print_shortlist.html", shortlist=shortlist, qr_svg=qr_svg, pdf_url=url_for("web.staff_job_pdf", job_id=job_id))


# --- monthly follow-up -------------------------------------------------------------------------------


@bp.get("/staff/follow-up")
@login_required("staff")
def staff_follow_up():
    calls = followup.call_list(db.session, _index())
    return render_template("staff_follow_up.html", calls=calls, quiet=followup.quiet_vacancies(db.session))


@bp.get("/staff/follow-up/print")
@login_required("staff")
def staff_follow_up_print():
    """The call list with full phone numbers, for the phone; the print is recorded in the audit trail."""
    refuse_cross_site()
    calls = followup.call_list(db.session, _index())
    audit(db.session, "print", "call-list")
    db.session.commit()
    return render_template("print_call_list.html", calls=calls, today=local_today())
