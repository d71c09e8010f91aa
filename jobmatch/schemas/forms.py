"""The pages' forms: the kiosk's profile form and the staff's outcome buttons (strings from HTML forms)."""

from __future__ import annotations

from marshmallow import RAISE, fields

from ..matching.demands import LIMIT_LABELS
from ..vocabulary import STAFF_STEPS
from .fields import ID_RANGE, MAX_WAGE, StrictSchema, Text, _phone
from .messages import Equal, Length, OneOf, Range, Regexp
from .profiles import ProfileSchema
from .work_kinds import WORK_KIND_KEYS, WORK_KINDS, occupations_of

# How far a resident will go, as the kiosk asks it, in kilometres.
REACH_KM = {"walk": 2.0, "ebike": 8.0, "bus": 20.0, "live_in": 60.0}
KIOSK_AVAILABILITY = ("day_only", "part_time", "any")
KIOSK_LICENCES = ("none", "C1", "B2", "A2")


class KioskForm(StrictSchema):
    """The kiosk's form fields (strings from an HTML form); `to_profile` turns them into a ProfileSchema body."""

    class Meta:
        unknown = RAISE

    csrf_token = fields.String(load_default="")
    submission_key = fields.String(required=True, validate=Regexp(r"^[A-Za-z0-9_-]{16,64}$"))
    name = Text(required=True, max_length=50, validate=Length(min=1))
    phone = _phone(required=True)
    age = fields.Integer(required=True, validate=Range(min=14, max=100))
    place = fields.String(required=True, validate=Regexp(r"^[^/]{1,50}/[^/]{0,50}$"))
    experience = Text(max_length=2000, multiline=True, load_default="")
    desired = Text(max_length=2000, multiline=True, load_default="")
    # The kinds of work tapped: done before, and wanted (checkboxes that share a name, so a list).
    experience_kinds = fields.List(
        fields.String(validate=OneOf(WORK_KIND_KEYS)), load_default=list, validate=Length(max=len(WORK_KINDS))
    )
    desired_kinds = fields.List(
        fields.String(validate=OneOf(WORK_KIND_KEYS)), load_default=list, validate=Length(max=len(WORK_KINDS))
    )
    availability = fields.String(required=True, validate=OneOf(KIOSK_AVAILABILITY))
    expected_wage = fields.Integer(load_default=None, allow_none=True, validate=Range(min=0, max=MAX_WAGE["month"]))
    reach = fields.String(required=True, validate=OneOf(tuple(REACH_KM)))
    consent = fields.String(required=True, validate=Equal("yes"))
    fair_id = fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)
    # Optional taps: what the resident cannot do, and the licence and certificates they hold.
    limit_light_only = fields.String(load_default="", validate=OneOf(("", "yes")))
    limit_no_standing = fields.String(load_default="", validate=OneOf(("", "yes")))
    limit_illiterate = fields.String(load_default="", validate=OneOf(("", "yes")))
    limit_no_computer = fields.String(load_default="", validate=OneOf(("", "yes")))
    licence = fields.String(load_default="", validate=OneOf(("", *KIOSK_LICENCES)))
    cert_forklift = fields.String(load_default="", validate=OneOf(("", "yes")))
    cert_electric = fields.String(load_default="", validate=OneOf(("", "yes")))
    cert_weld = fields.String(load_default="", validate=OneOf(("", "yes")))

    @staticmethod
    def to_profile(form: dict) -> dict:
        town, community = form["place"].split("/", 1)
        body = {
            "name": form["name"],
            "phone": form["phone"],
            "age": form["age"],
            "town": town,
            "community": community or None,
            "experience": form["experience"],
            "desired": form["desired"],
            "availability": form["availability"],
            "expected_wage": form["expected_wage"],
            "max_commute_km": REACH_KM[form["reach"]],
            "fair_id": form["fair_id"],
            "limits": [label for label in LIMIT_LABELS if form.get(f"limit_{label}") == "yes"],
            "holds": [f"cert:{kind}" for kind in ("forklift", "electric", "weld") if form.get(f"cert_{kind}") == "yes"],
        }
        if form.get("licence") == "none":
            body["lacks"] = ["licence"]
        elif form.get("licence"):
            body["holds"].append(f"licence:{form['licence']}")
        body["experience_occupations"] = occupations_of(form["experience_kinds"])
        body["desired_occupations"] = occupations_of(form["desired_kinds"])
        return ProfileSchema().load(body)

    @staticmethod
    def clean(raw: dict) -> dict:
        """Form posts send "" for an empty box; treat those as not given."""
        return {k: v for k, v in raw.items() if not (k in ("expected_wage", "fair_id") and v.strip() == "")}


class OutcomeForm(StrictSchema):
    csrf_token = fields.String(load_default="")
    job_id = fields.Integer(required=True, validate=ID_RANGE)
    status = fields.String(required=True, validate=OneOf(STAFF_STEPS))
