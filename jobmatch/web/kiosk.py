"""The kiosk's pages: the resident's form, their ticket page with their matches, and the printable slip."""

from __future__ import annotations

import secrets

from flask import current_app, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError

from .. import services
from ..auth import from_this_site, page_access
from ..db import db
from ..errors import Conflict, Invalid, JobmatchError, StorageUnavailable, log_storage_fault, storage_fault
from ..extensions import limiter
from ..printing import shortlists_pdf
from ..schemas import CONTROL_CHARACTERS, TOO_LONG, KioskForm
from ..schemas.work_kinds import WORK_KINDS
from .blueprint import bp, match_index, pdf_response, record_shown, shortlist_of

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
    "experience_kinds": "“以前做过”请点下面的按钮选",
    "desired_kinds": "“想做”请点下面的按钮选",
    "submission_key": "页面已过期，请重新填写",
}
KIOSK_STORAGE_BUSY = "系统正忙，刚才没有保存成功。您填的内容都还在，请稍等几秒钟再点一次“提交”。"
# Free text that is there but cannot be kept: say what is wrong with it, not that it is missing, in the kiosk's own
# words for what the schema's message says (by its Chinese).
KIOSK_TEXT_PROBLEMS = {
    TOO_LONG.chinese: "太长了，请写短一些",
    CONTROL_CHARACTERS.chinese: "里有无法识别的字符，请删掉重新输入",
}
KIOSK_FIELD_NAMES = {"name": "姓名", "experience": "“做过什么”", "desired": "“想做什么”"}
REACH_LABELS = {
    "walk": "走路能到（约 2 公里）",
    "ebike": "骑电动车（约 8 公里）",
    "bus": "坐公交（约 20 公里）",
    "live_in": "可以住厂里",
}


def _latest_fair():
    page = services.list_fairs(db.session, page=1, per_page=1)
    return page.items[0] if page.items else None


def _places(fair) -> list[tuple[str, list[str]]]:
    """(town, communities) for the kiosk's picker: the fair's own town first."""
    towns = current_app.extensions["jobmatch.index"].artefacts.gazetteer.towns()
    if fair is not None:
        towns.sort(key=lambda t: t[0] != fair.town)
    return towns


@bp.route("/kiosk", methods=["GET", "POST"])
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_KIOSK"], methods=["POST"])
def kiosk():
    fair = _latest_fair()
    errors: dict[str, str] = {}
    values = {"submission_key": secrets.token_urlsafe(24), "fair_id": str(fair.id) if fair else ""}
    if request.method == "POST":
        values = request.form.to_dict()
        # The kinds of work are checkboxes that share a name: every one tapped, not the first.
        for field in ("experience_kinds", "desired_kinds"):
            values[field] = request.form.getlist(field)
        try:
            form = KioskForm().load(KioskForm.clean(values))
            data = KioskForm.to_profile(form)
            services.check_kiosk_place(match_index().artefacts.gazetteer, data["town"], data["community"])
            profile = services.create_kiosk_profile(
                db.session, data, form["submission_key"], _kiosk_scope(), consented=True
            )
            services.commit(db.session)
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
        except (DBAPIError, StorageUnavailable) as err:  # from the writes, or from their commit
            fault = err if isinstance(err, StorageUnavailable) else storage_fault(err)
            if fault is None:
                raise
            # The database cannot take the write now: keep what the resident typed (and the form's key, so a
            # second press stores it once) and ask them to press again in a moment.
            db.session.rollback()
            log_storage_fault(fault)
            page = render_template(
                "kiosk.html",
                fair=fair,
                places=_places(fair),
                values=values,
                errors={"_form": KIOSK_STORAGE_BUSY},
                reach_labels=REACH_LABELS,
                work_kinds=WORK_KINDS,
            )
            return page, 503, {"Retry-After": str(fault.retry_after)}
        except JobmatchError as err:
            errors = {"_form": err.chinese}
    _kiosk_scope()
    status = 422 if errors else 200
    return render_template(
        "kiosk.html",
        fair=fair,
        places=_places(fair),
        values=values,
        errors=errors,
        reach_labels=REACH_LABELS,
        work_kinds=WORK_KINDS,
    ), status


def _kiosk_scope() -> str:
    """This kiosk browser's own namespace for submission keys, kept in its session cookie."""
    if "kiosk_scope" not in session:
        session["kiosk_scope"] = secrets.token_urlsafe(16)
    return "kiosk:" + session["kiosk_scope"]


def _kiosk_message(field: str, reasons) -> str:
    for reason in reasons if isinstance(reasons, list) else []:
        problem = KIOSK_TEXT_PROBLEMS.get(getattr(reason, "chinese", ""))
        if field in KIOSK_FIELD_NAMES and problem:
            return KIOSK_FIELD_NAMES[field] + problem
    return KIOSK_MESSAGES.get(field, "这一项填写有误")


@bp.get("/kiosk/t/<ticket>")
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"], methods=["GET"])
def kiosk_ticket(ticket: str):
    profile = services.profile_by_ticket(db.session, ticket)
    pairs, ruled_out = services.shortlist_with_ruled_out(db.session, match_index(), profile.id, top=5)
    if from_this_site():  # another site's link to a ticket must not write outcomes
        record_shown(profile.id, pairs)
        services.commit(db.session)
    return render_template("kiosk_ticket.html", profile=profile, pairs=pairs, ruled_out=ruled_out)


@bp.get("/kiosk/t/<ticket>/slip.pdf")
@page_access("kiosk")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_TICKET"], methods=["GET"])
def kiosk_slip(ticket: str):
    profile = services.profile_by_ticket(db.session, ticket)
    shortlist = shortlist_of(profile)
    services.commit(db.session)  # the shortlist shown, when it was
    return pdf_response(shortlists_pdf([shortlist]), f"slip-{profile.ticket}.pdf")
