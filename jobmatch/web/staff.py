"""The staff pages: a fair's residents, one resident's matches and outcomes, a vacancy's candidates, their prints,
and the monthly follow-up lists."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError

from .. import lifecycle, services
from ..auth import audit, current_user, login_required, page_recorder, refuse_cross_site
from ..db import db
from ..erasures import ErasureLog
from ..localtime import local_today
from ..printing import job_shortlist, qr_svg, shortlists_pdf
from ..schemas import OutcomeForm
from ..services import followup
from .blueprint import bp, match_index, page_number, pdf_response, shortlist_of


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
    return render_template(
        "staff_residents.html", fair=fair, q=q or "", result=services.search_profiles(db.session, fair_id, q, page)
    )


# --- one resident ----------------------------------------------------------------------------------


def _resident_view(profile_id: int, show_phone: bool = False, delete_error: str | None = None, status: int = 200):
    profile = services.get_profile(db.session, profile_id)
    steps = services.latest_steps(db.session, profile.id)
    statuses = {job_id: step.status for job_id, step in steps.items()}
    me = page_recorder()
    undo = {
        job_id: step for job_id, step in steps.items() if step.status != lifecycle.SHOWN and services.undoable(step, me)
    }
    pairs = services.jobs_for_profile(db.session, match_index(), profile.id, top=15)
    # Vacancies already under way (contacted and beyond) leave the suggestions and are listed with their next steps;
    # a step just recorded keeps its card in place, so the staff member sees what they pressed and can undo it.
    open_pairs = [
        (job, match) for job, match in pairs if statuses.get(job.id) in (None, lifecycle.SHOWN) or job.id in undo
    ][:10]
    under_way = services.jobs_by_id(db.session, [j for j, st in statuses.items() if st != lifecycle.SHOWN])
    fair = services.fair_of(db.session, profile.fair_id)
    return render_template(
        "staff_resident.html",
        profile=profile,
        pairs=open_pairs,
        suggested={job.id: place for place, (job, _) in enumerate(open_pairs, start=1)},
        under_way=under_way,
        statuses=statuses,
        undo=undo,
        show_phone=show_phone,
        delete_error=delete_error,
        fair=fair,
    ), status


def _back_to_card(profile_id: int, job_id: int):
    """Back to the resident page at the vacancy's card, where the staff member pressed the button."""
    return redirect(url_for("web.staff_resident", profile_id=profile_id, _anchor=f"job-{job_id}"), code=303)


@bp.get("/staff/residents/<int:profile_id>")
@login_required("staff")
def staff_resident(profile_id: int):
    return _resident_view(profile_id)


@bp.post("/staff/residents/<int:profile_id>/phone")
@login_required("staff")
def staff_show_phone(profile_id: int):
    services.get_profile(db.session, profile_id)
    audit(db.session, "show_phone", f"profile:{profile_id}")
    services.commit(db.session)
    return _resident_view(profile_id, show_phone=True)


@bp.post("/staff/residents/<int:profile_id>/delete")
@login_required("staff")
def staff_delete_resident(profile_id: int):
    """Erase a resident's personal data on their request (the outcome statistics stay), once the box saying so is
    ticked: the browser asks for it, and a form sent without it deletes nothing."""
    profile = services.get_profile(db.session, profile_id)
    if request.form.get("confirm") != "yes":
        return _resident_view(
            profile_id, delete_error="请先勾选“居民本人要求删除”，再按删除。什么都还没有删。", status=422
        )
    fair_id = profile.fair_id
    services.delete_profile(db.session, profile_id, ErasureLog.of(current_app))
    audit(db.session, "delete", f"profile:{profile_id}")
    services.commit(db.session)
    return redirect(url_for("web.staff_residents", fair_id=fair_id) if fair_id else url_for("web.staff_home"), code=303)


@bp.post("/staff/residents/<int:profile_id>/outcomes")
@login_required("staff")
def staff_record_outcome(profile_id: int):
    try:
        form = OutcomeForm().load(request.form.to_dict())
    except ValidationError:
        abort(400)
    user = current_user()
    assert user is not None  # login_required let the request in
    services.record_outcome(
        db.session, profile_id, form["job_id"], form["status"], user_id=user.id, recorder=page_recorder()
    )
    services.commit(db.session)
    return _back_to_card(profile_id, form["job_id"])


@bp.post("/staff/residents/<int:profile_id>/outcomes/<int:outcome_id>/undo")
@login_required("staff")
def staff_undo_outcome(profile_id: int, outcome_id: int):
    outcome = services.undo_outcome(db.session, outcome_id, page_recorder())
    job_id = outcome.job_id  # read before the commit: the step is deleted
    audit(db.session, "undo", f"outcome:{outcome.id}")
    services.commit(db.session)
    return _back_to_card(profile_id, job_id)


def _printed_resident(profile_id: int):
    """A resident's shortlist for printing; the print is recorded in the audit trail."""
    refuse_cross_site()
    shortlist = shortlist_of(services.get_profile(db.session, profile_id))
    audit(db.session, "print", f"profile:{profile_id}")
    services.commit(db.session)
    return shortlist


@bp.get("/staff/residents/<int:profile_id>/print")
@login_required("staff")
def staff_print_resident(profile_id: int):
    shortlist = _printed_resident(profile_id)
    return render_template(
        "print_shortlist.html",
        shortlist=shortlist,
        qr_svg=qr_svg,
        pdf_url=url_for("web.staff_resident_pdf", profile_id=profile_id),
    )


@bp.get("/staff/residents/<int:profile_id>/shortlist.pdf")
@login_required("staff")
def staff_resident_pdf(profile_id: int):
    return pdf_response(shortlists_pdf([_printed_resident(profile_id)]), f"resident-{profile_id}.pdf")


# --- one vacancy's candidates ----------------------------------------------------------------------


def _candidates(job_id: int):
    job = services.get_job(db.session, job_id)
    referred = services.profiles_under_way(db.session, job_id)
    pairs = [
        (p, m)
        for p, m in services.profiles_for_job(db.session, match_index(), job_id, top=20 + len(referred))
        if p.id not in referred
    ]
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
    services.commit(db.session)
    return job_shortlist(job, pairs[:10], show_phone=True, fair_name=fair.name if fair else None)


@bp.get("/staff/jobs/<int:job_id>/shortlist.pdf")
@login_required("staff")
def staff_job_pdf(job_id: int):
    return pdf_response(shortlists_pdf([_printed_job(job_id)]), f"job-{job_id}.pdf")


@bp.get("/staff/jobs/<int:job_id>/print")
@login_required("staff")
def staff_print_job(job_id: int):
    shortlist = _printed_job(job_id)
    return render_template(
        "print_shortlist.html", shortlist=shortlist, qr_svg=qr_svg, pdf_url=url_for("web.staff_job_pdf", job_id=job_id)
    )


# --- monthly follow-up -------------------------------------------------------------------------------


@bp.get("/staff/follow-up")
@login_required("staff")
def staff_follow_up():
    calls = followup.call_list(db.session, match_index())
    return render_template("staff_follow_up.html", calls=calls, quiet=followup.quiet_vacancies(db.session))


@bp.get("/staff/follow-up/print")
@login_required("staff")
def staff_follow_up_print():
    """The call list with full phone numbers, for the phone; the print is recorded in the audit trail."""
    refuse_cross_site()
    calls = followup.call_list(db.session, match_index())
    audit(db.session, "print", "call-list")
    services.commit(db.session)
    return render_template("print_call_list.html", calls=calls, today=local_today())
