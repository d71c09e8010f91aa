"""The one `web` blueprint every page module registers on, and what those pages share: the template globals and
filters, the page number of a list, the match index, a PDF response and a resident's printed shortlist."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, request
from marshmallow import ValidationError

from .. import lifecycle, services
from ..auth import current_user, from_this_site, page_recorder
from ..db import db
from ..errors import Invalid
from ..localtime import LABEL, beijing
from ..printing import FIT_LABELS, resident_shortlist
from ..privacy import mask_name, mask_phone
from ..schemas import MAX_PAGE, PageNumber
from ..vocabulary import AVAILABILITY_LABELS, SHIFT_LABELS, STAFF_STEPS
from . import display

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


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
        "time_label": LABEL,
    }


# Every time a page shows goes through this filter: stored UTC, read in Beijing time (label it once with time_label).
bp.add_app_template_filter(beijing, "beijing")


@bp.record_once
def _display_filters(state) -> None:
    display.init_app(state.app)


def _staff_steps(status: str | None) -> list[str]:
    """The buttons a pair's card shows: the steps that may follow its status."""
    return [step for step in lifecycle.next_steps(status) if step in STAFF_STEPS]


def match_index() -> services.MatchIndex:
    return current_app.extensions["jobmatch.index"]


def page_number() -> int:
    """?page= of a list page, 1 when absent; anything but a page number is a friendly 422 (a huge one used to
    overflow the database's OFFSET)."""
    try:
        return PageNumber().load(request.args)["page"]
    except ValidationError as err:
        raise Invalid(f"页码（page）应是 1 到 {MAX_PAGE} 之间的整数", fields=err.messages_dict) from None


def pdf_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- a resident's shortlist, shown at the kiosk and printed by the kiosk and by staff -----------------


def shortlist_of(profile):
    """The printed shortlist of one resident: the same top 5 the kiosk shows."""
    pairs, _ = services.shortlist_with_ruled_out(db.session, match_index(), profile.id, top=5)
    fair = services.fair_of(db.session, profile.fair_id)
    if from_this_site():
        record_shown(profile.id, pairs)
    return resident_shortlist(profile, pairs, fair.name if fair else None)


def record_shown(profile_id: int, pairs) -> None:
    """A shortlist put in front of the resident (kiosk screen, slip, staff print) starts each pair's lifecycle."""
    user = current_user()
    services.record_shown(
        db.session,
        profile_id,
        pairs,
        match_index().weights,
        user_id=user.id if user else None,
        recorder=page_recorder(),
    )
