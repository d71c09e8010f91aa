"""Marshmallow schemas shared by the JSON API, the JSONL batch files, the importer and the CLI."""
from __future__ import annotations

import re

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema
from marshmallow.validate import Length, Regexp

from .matching.demands import CREDENTIALS, DEMAND_CHOICES, LIMIT_LABELS
from .vocabulary import AVAILABILITIES, OUTCOME_STATUSES, SHIFTS, STAFF_STEPS, WAGE_UNITS

# Mainland numbers only: a mobile (11 digits, 1[3-9]…), or a landline with its area code (010, 02x, or 0 and three
# digits, then 7 or 8 digits). Spaces, hyphens, brackets and a +86/0086 prefix are how people write them.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})")
PHONE_ERROR = "手机号是 1 开头的 11 位数字，座机要带区号，例如 0566-1234567 (not a mainland phone number)"
# Record ids are 32-bit integers on every backend; a larger number cannot name a record.
MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")  # a report month, YYYY-MM
# Largest believable wage per unit: a higher figure is a typing error, not a job.
MAX_WAGE = {"month": 100_000, "day": 5_000, "hour": 1_000}
# No control characters (single-line text also no line breaks) and no lone UTF-16 surrogates (JSON can spell "\ud800",
# which no database can store); as regexes so the OpenAPI document states them.
_NO_CONTROL = r"^[^\x00-\x1f\x7f\ud800-\udfff]*$"
_NO_CONTROL_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]*$"
class Text(fields.String):
    """A trimmed string with a length limit, no control characters and no lone surrogates."""

    def __init__(self, max_length: int = 200, multiline: bool = False, pattern: Regexp | None = None, **kwargs):
        # One pattern per field, since the OpenAPI document can state only one; a given one must exclude controls too.
        pattern = pattern or Regexp(_NO_CONTROL_MULTILINE if multiline else _NO_CONTROL, error="Contains control characters or invalid Unicode.")
        # Emoji and decorations (🔥, ➕, 【急招】) are accepted: real postings carry them, and the matcher ignores them.
        checks = [Length(max=max_length, error=f"Longer than {max_length} characters."), pattern]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks += extra if isinstance(extra, list) else [extra]
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def normalise_phone(raw: str) -> str | None:
    """A mainland number as stored: 13912345678, or 0566-1234567; None when `raw` is neither."""
    compact = re.sub(r"[\s\-()（）]", "", raw.translate(_FULL_WIDTH_DIGITS))
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    if not compact.isascii() or not compact.isdigit():
        return None
    if _MOBILE.fullmatch(compact):
        return compact
    if compact.startswith("86") and _MOBILE.fullmatch(compact[2:]):
        return compact[2:]
    landline = _LANDLINE.fullmatch(compact)
    if landline is None and compact[:1] in "123456789" and raw.startswith("+86"):
        landline = _LANDLINE.fullmatch("0" + compact)  # +86 566 1234567: the trunk 0 is dropped abroad
    return f"{landline[1]}-{landline[2]}" if landline else None


_FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF0B: ord("+"), 0xFF0D: ord("-")}


class Phone(Text):
    """A mainland mobile or landline, stored in one form (+86 and separators dropped), or refused."""

    def __init__(self, **kwargs):
        super().__init__(max_length=30, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        phone = normalise_phone(text)
        if phone is None:
            raise ValidationError(PHONE_ERROR)
        return phone


def _phone(**kwargs):
    return Phone(**kwargs)


class DemandList(fields.Field):
    """What the office sets a vacancy to demand: a list of labels ("licence:B2") or of {"label", "required"} (false: only
    a plus, "有证优先"); "from_text" goes back to what the title and description say (loaded as None)."""

    FROM_TEXT = "from_text"

    def _deserialize(self, value, attr, data, **kwargs):
        if value == self.FROM_TEXT:
            return None
        if not isinstance(value, list) or len(value) > len(DEMAND_CHOICES):
            raise ValidationError(f'Give a list of demands, or "{self.FROM_TEXT}".')
        out = {}
        for item in value:
            if isinstance(item, str):
                item = {"label": item}
            if not isinstance(item, dict) or set(item) - {"label", "required"} or not isinstance(item.get("required", True), bool):
                raise ValidationError('Each demand is a label or {"label": ..., "required": true/false}.')
            if item.get("label") not in DEMAND_CHOICES:
                raise ValidationError(f"Unknown demand {str(item.get('label'))[:40]!r}: one of {', '.join(DEMAND_CHOICES)}.")
            out[item["label"]] = {"label": item["label"], "required": item.get("required", True)}
        return list(out.values())


def _labels(choices, description: str):
    return fields.List(fields.String(validate=validate.OneOf(choices)), validate=validate.Length(max=len(choices)),
                       metadata={"description": description})


def _optional(field_cls, *args, **kwargs):
    return field_cls(*args, load_default=None, allow_none=True, **kwargs)


class StrictSchema(Schema):
    """Unknown fields are refused; an explicit null means the same as a missing field (unknown), as in real files."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _null_is_missing(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {
            _printable_key(key): [item for item in value if item is not None] if isinstance(value, list) else value
            for key, value in data.items()
            if value is not None
        }


def _printable_key(key):
    """An unknown field is named in the error; a lone surrogate in its name is spelled out so the answer can be sent."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(key, str) else key


class JobSchema(StrictSchema):
    """A vacancy as written in a batch file or posted to the API."""

    external_id = _optional(Text, max_length=64, data_key="id", metadata={"description": "your own reference, e.g. J001"})
    title = Text(required=True, max_length=200, validate=validate.Length(min=1))
    employer = _optional(Text, max_length=200, metadata={"description": "firm name; created if new"})
    employer_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    fair_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    description = Text(max_length=4000, multiline=True, load_default="")
    skills = fields.List(Text(max_length=50), load_default=list, validate=validate.Length(max=30))
    openings = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=0, max=10_000),
        metadata={"description": "missing: read from the words (招10人), else 1"},
    )
    wage_min = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=0), metadata={"description": "missing with wage_max: read from the words (5-6k, 260/天)"})
    wage_max = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=0))
    wage_unit = fields.String(load_default="month", validate=validate.OneOf(WAGE_UNITS))
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    lat = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=-90, max=90))
    lon = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=-180, max=180))
    shift = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(SHIFTS),
        metadata={"description": "missing: read from the title (长白班, 两班倒 ...), else day"},
    )
    age_min = _optional(fields.Integer, strict=True, validate=validate.Range(min=14, max=100))
    age_max = _optional(fields.Integer, strict=True, validate=validate.Range(min=14, max=100))
    perks = fields.List(Text(max_length=50), load_default=list, validate=validate.Length(max=30))
    contact_phone = _optional(_phone)
    demands = DemandList(metadata={
        "description": "what the vacancy demands, set by the office (wins over what the words say): labels such as "
                       '"heavy", "licence:B2", "cert:forklift", or {"label", "required": false} for a plus; missing: '
                       'read from the title and description; "from_text": go back to that',
    })

    @validates_schema
    def _check_ranges(self, data, partial=None, **kwargs):
        errors = {}
        lo, hi = data.get("wage_min"), data.get("wage_max")
        if lo is not None and hi is not None and lo > hi:
            errors["wage_min"] = ["wage_min is larger than wage_max."]
        limit = MAX_WAGE.get(data.get("wage_unit") or "month", MAX_WAGE["month"])
        for key in ("wage_min", "wage_max"):
            if data.get(key) is not None and data[key] > limit:
                errors.setdefault(key, []).append(f"Over {limit} per {data.get('wage_unit') or 'month'}: check the unit.")
        amin, amax = data.get("age_min"), data.get("age_max")
        if amin is not None and amax is not None and amin > amax:
            errors["age_min"] = ["age_min is larger than age_max."]
        if (data.get("lat") is None) != (data.get("lon") is None) and not partial:
            errors["lat" if data.get("lat") is None else "lon"] = ["Give both lat and lon, or neither."]
        if errors:
            raise ValidationError(errors)


class JobCreateSchema(JobSchema):
    """A vacancy posted to the service: it must name its employer."""

    @validates_schema
    def _check_employer(self, data, **kwargs):
        if not data.get("employer") and not data.get("employer_id"):
            raise ValidationError("Give employer (a name) or employer_id.", field_name="employer")


class ProfileSchema(StrictSchema):
    """A resident's profile as written in a batch file or submitted at the kiosk."""

    external_id = _optional(Text, max_length=64, data_key="id")
    fair_id = _optional(fields.Integer, strict=True, validate=ID_RANGE)
    name = _optional(Text, max_length=50)
    age = _optional(fields.Integer, strict=True, validate=validate.Range(min=14, max=100))
    phone = _optional(_phone)
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    lat = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=-90, max=90))
    lon = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=-180, max=180))
    experience = Text(max_length=2000, multiline=True, load_default="")
    desired = Text(max_length=2000, multiline=True, load_default="")
    expected_wage = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=0, max=MAX_WAGE["month"]))
    availability = fields.String(load_default="any", validate=validate.OneOf(AVAILABILITIES))
    max_commute_km = _optional(fields.Float, allow_nan=False, validate=validate.Range(min=0, max=500))
    limits = _labels(LIMIT_LABELS, "what the resident cannot do (the kiosk's taps): light_only, no_standing, illiterate, no_computer")
    holds = _labels(CREDENTIALS, 'licences and certificates held: "licence:C1", "cert:forklift"')
    lacks = _labels(CREDENTIALS, 'licences and certificates the resident said they lack: "licence" for none at all')

    @validates_schema
    def _check_place(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("Give both lat and lon, or neither.", field_name="lat")


class ProfileCreateSchema(ProfileSchema):
    """A profile posted to the API: a kiosk must also say that the resident agreed."""

    consent = fields.Boolean(
        load_default=None, metadata={"description": "the resident agreed to be stored and matched; required of kiosk tokens"}
    )


class EmployerSchema(StrictSchema):
    name = Text(required=True, max_length=200, validate=validate.Length(min=1))
    town = _optional(Text, max_length=50)
    community = _optional(Text, max_length=50)
    address = _optional(Text, max_length=300)
    contact_phone = _optional(_phone)


class FairSchema(StrictSchema):
    name = Text(required=True, max_length=200, validate=validate.Length(min=1))
    date = fields.Date(required=True)
    town = Text(required=True, max_length=50, validate=validate.Length(min=1))
    communities = fields.List(Text(max_length=50), load_default=list, validate=validate.Length(max=100))


class OutcomeSchema(StrictSchema):
    profile_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    job_id = fields.Integer(required=True, strict=True, validate=ID_RANGE)
    status = fields.String(required=True, validate=validate.OneOf(OUTCOME_STATUSES))
    note = Text(max_length=1000, multiline=True, load_default="")


# --- query strings ---------------------------------------------------------------------------------


# The last page a list may ask for: a bigger number would overflow the database's OFFSET, and no list is that long.
MAX_PAGE = 100_000


class PageQuery(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class JobQuery(PageQuery):
    fair = fields.Integer(load_default=None, validate=ID_RANGE)
    town = Text(max_length=50, load_default=None)
    shift = fields.String(load_default=None, validate=validate.OneOf(SHIFTS))
    open = fields.Boolean(load_default=None)
    q = Text(max_length=100, load_default=None)


class EmployerQuery(PageQuery):
    q = Text(max_length=100, load_default=None)


class ProfileQuery(PageQuery):
    fair = fields.Integer(load_default=None, validate=ID_RANGE)


class TicketMatchQuery(StrictSchema):
    top = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class ProfileMatchQuery(StrictSchema):
    top = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    fair = fields.Integer(load_default=None, validate=ID_RANGE)
    town = Text(max_length=50, load_default=None)


class JobMatchQuery(ProfileMatchQuery):
    shift = fields.String(load_default=None, validate=validate.OneOf(SHIFTS))


class OutcomeQuery(PageQuery):
    profile_id = fields.Integer(load_default=None, validate=ID_RANGE)
    job_id = fields.Integer(load_default=None, validate=ID_RANGE)
    status = fields.String(load_default=None, validate=validate.OneOf(OUTCOME_STATUSES))


class PageNumber(Schema):
    """?page= of a list page (the page's other arguments are its own business)."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class ReportQuery(Schema):
    """A report's scope, from the page's query or the command line: fair=ID or month=YYYY-MM (empty values count as
    absent; both at once is refused)."""

    class Meta:
        unknown = EXCLUDE

    fair = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID, error="集市编号不对 (fair must be a positive id)"),
        error_messages={"invalid": "集市编号应是数字 (fair must be a number)"},
    )
    month = fields.String(
        validate=validate.Regexp(MONTH.pattern + "$", error="月份应写成 2026-03 这样 (month must be YYYY-MM)"),
    )

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {key: data[key] for key in ("fair", "month") if data.get(key) is not None and str(data[key]).strip()}

    @validates_schema
    def _one_scope(self, data, **kwargs):
        if "fair" in data and "month" in data:
            raise ValidationError("一次只能选一场集市或一个月份 (give fair or month, not both)", "_schema")



# --- responses -------------------------------------------------------------------------------------


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough for a resident to recognise, not enough to call."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


class FairOut(Schema):
    id = fields.Integer()
    name = fields.String()
    date = fields.Date()
    town = fields.String()
    communities = fields.List(fields.String())
    created_at = fields.DateTime()


class EmployerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    town = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    created_at = fields.DateTime()


class JobOut(Schema):
    id = fields.Integer()
    external_id = fields.String(allow_none=True)
    fair_id = fields.Integer(allow_none=True)
    employer_id = fields.Integer()
    employer = fields.Function(lambda job: job.employer.name)
    title = fields.String()
    description = fields.String()
    skills = fields.List(fields.String())
    openings = fields.Integer()
    wage_min = fields.Float(allow_none=True)
    wage_max = fields.Float(allow_none=True)
    wage_unit = fields.String()
    town = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    shift = fields.String()
    age_min = fields.Integer(allow_none=True)
    age_max = fields.Integer(allow_none=True)
    perks = fields.List(fields.String())
    contact_phone = fields.String(allow_none=True)
    read_from_text = fields.Method(
        "_read_from_text",
        metadata={"description": "what the title and description say: the occupation, and the fields the office left "
                                 "empty that were filled from the words (those fields above hold the values), in words"},
    )
    demands = fields.Method(
        "_demands",
        metadata={"type": "object", "description": "what the vacancy demands: items {label, required, words}, summary in words, and "
                                 "set_by_office (the office's correction) or read from the title and description"},
    )
    is_open = fields.Boolean()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def _read_from_text(self, job) -> dict:
        from .services import text_summary

        stored = job.read_from_text or {}
        return {"occupation": stored.get("occupation", ""), "filled": list(stored.get("filled", ())), "summary": text_summary(job)}

    def _demands(self, job) -> dict:
        from .services import demands_summary, job_demands_of

        return {"set_by_office": job.demands is not None, "items": job_demands_of(job).as_dict()["demands"],
                "summary": demands_summary(job)}


IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


_LABELS_OUT = {"type": "array", "items": {"type": "string"}}


class ProfileOut(Schema):
    """A profile as the API shows it: the phone always masked, the name masked for the kiosk role."""

    def __init__(self, *args, context_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context_role = context_role

    id = fields.Integer()
    ticket = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    fair_id = fields.Integer(allow_none=True)
    name = fields.Method("_name", allow_none=True, metadata={"description": "masked (王*兰) for the kiosk role"})
    phone = fields.Function(lambda p: mask_phone(p.phone), metadata={"description": "masked, e.g. 138****5678"})
    age = fields.Integer(allow_none=True)
    town = fields.String(allow_none=True)
    community = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    experience = fields.String()
    desired = fields.String()
    expected_wage = fields.Float(allow_none=True)
    availability = fields.String()
    max_commute_km = fields.Float(allow_none=True)
    limits = fields.Function(lambda p: list((p.limits or {}).get("limits", ())), metadata=_LABELS_OUT | {"description": "what the resident said they cannot do (taps or fields)"})
    holds = fields.Function(lambda p: list((p.limits or {}).get("holds", ())), metadata=_LABELS_OUT | {"description": "licences and certificates held (taps or fields)"})
    lacks = fields.Function(lambda p: list((p.limits or {}).get("lacks", ())), metadata=_LABELS_OUT | {"description": "licences and certificates lacking (taps or fields)"})
    created_at = fields.DateTime()

    def _name(self, profile):
        if self.context_role == "kiosk" and profile.name:
            from .printing import mask_name

            return mask_name(profile.name)
        return profile.name


class OutcomeOut(Schema):
    id = fields.Integer()
    profile_id = fields.Integer()
    job_id = fields.Integer()
    status = fields.String()
    note = fields.String()
    recorder = fields.String(allow_none=True)
    weights = fields.String(allow_none=True)
    score = fields.Float(allow_none=True)
    rank = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class JobMatchOut(Schema):
    job = fields.Nested(JobOut)
    score = fields.Float()
    eligible = fields.Boolean()
    fit = fields.String(metadata={"description": "good, possible or weak: how well it fits, calibrated on graded sets"})
    reasons = fields.List(fields.String())


class ProfileMatchOut(Schema):
    profile = fields.Nested(ProfileOut)
    score = fields.Float()
    eligible = fields.Boolean()
    fit = fields.String(metadata={"description": "good, possible or weak: how well it fits, calibrated on graded sets"})
    reasons = fields.List(fields.String())


class JobMatchesOut(Schema):
    profile_id = fields.Integer()
    matches = fields.List(fields.Nested(JobMatchOut))


class ProfileMatchesOut(Schema):
    job_id = fields.Integer()
    matches = fields.List(fields.Nested(ProfileMatchOut))


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=f"{item_schema.__name__.removesuffix('Out')}Page",
    )


# "fields" would shadow Schema.fields as a class attribute, so this one is built from a dict.
ErrorBody = Schema.from_dict(
    {"code": fields.String(), "message": fields.String(), "fields": fields.Dict()}, name="ErrorBody"
)


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody)


class AuditOut(Schema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "who acted without a login: token:NAME or cli"})
    action = fields.String()
    target = fields.String()
    created_at = fields.DateTime()


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()


# --- page forms ------------------------------------------------------------------------------------

# How far a resident will go, as the kiosk asks it, in kilometres.
REACH_KM = {"walk": 2.0, "ebike": 8.0, "bus": 20.0, "live_in": 60.0}
KIOSK_AVAILABILITY = ("day_only", "part_time", "any")
KIOSK_LICENCES = ("none", "C1", "B2", "A2")


class KioskForm(StrictSchema):
    """The kiosk's form fields (strings from an HTML form); `to_profile` turns them into a ProfileSchema body."""

    class Meta:
        unknown = RAISE

    csrf_token = fields.String(load_default="")
    submission_key = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{16,64}$"))
    name = Text(required=True, max_length=50, validate=validate.Length(min=1))
    phone = _phone(required=True)
    age = fields.Integer(required=True, validate=validate.Range(min=14, max=100))
    place = fields.String(required=True, validate=validate.Regexp(r"^[^/]{1,50}/[^/]{0,50}$"))
    experience = Text(max_length=2000, multiline=True, load_default="")
    desired = Text(max_length=2000, multiline=True, load_default="")
    availability = fields.String(required=True, validate=validate.OneOf(KIOSK_AVAILABILITY))
    expected_wage = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_WAGE["month"]))
    reach = fields.String(required=True, validate=validate.OneOf(tuple(REACH_KM)))
    consent = fields.String(required=True, validate=validate.Equal("yes"))
    fair_id = fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE)
    # Optional taps: what the resident cannot do, and the licence and certificates they hold.
    limit_light_only = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    limit_no_standing = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    limit_illiterate = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    limit_no_computer = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    licence = fields.String(load_default="", validate=validate.OneOf(("", *KIOSK_LICENCES)))
    cert_forklift = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    cert_electric = fields.String(load_default="", validate=validate.OneOf(("", "yes")))
    cert_weld = fields.String(load_default="", validate=validate.OneOf(("", "yes")))

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
        return ProfileSchema().load(body)

    @staticmethod
    def clean(raw: dict) -> dict:
        """Form posts send "" for an empty box; treat those as not given."""
        return {k: v for k, v in raw.items() if not (k in ("expected_wage", "fair_id") and v.strip() == "")}


class OutcomeForm(StrictSchema):
    csrf_token = fields.String(load_default="")
    job_id = fields.Integer(required=True, validate=ID_RANGE)
    status = fields.String(required=True, validate=validate.OneOf(STAFF_STEPS))
