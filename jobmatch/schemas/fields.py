"""What every schema shares: the text and phone fields, a vacancy's demands, the strict base schema and the limits."""

from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load

from ..matching.demands import DEMAND_CHOICES
from ..vocabulary import MAX_ID
from .messages import (
    CONTROL_CHARACTERS,
    PHONE_ERROR,
    SCHEMA_MESSAGES,
    TOO_LONG,
    Length,
    Message,
    OneOf,
    Range,
    Regexp,
    give_chinese,
)

# Mainland numbers only: a mobile (11 digits, 1[3-9]…), or a landline with its area code (010, 02x, or 0 and three
# digits, then 7 or 8 digits). Spaces, hyphens, brackets and a +86/0086 prefix are how people write them.
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})")
# A record id: MAX_ID (vocabulary.py) is the largest a 32-bit id column holds.
ID_RANGE = Range(min=1, max=MAX_ID)
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")  # a report month, YYYY-MM
# Largest believable wage per unit: a higher figure is a typing error, not a job.
MAX_WAGE = {"month": 100_000, "day": 5_000, "hour": 1_000}
# No control characters (single-line text also no line breaks) and no lone UTF-16 surrogates (JSON can spell "\ud800",
# which no database can store); as regexes so the OpenAPI document states them.
_NO_CONTROL = r"^[^\x00-\x1f\x7f\ud800-\udfff]*$"
_NO_CONTROL_MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]*$"
# An Idempotency-Key header.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Text(fields.String):
    """A trimmed string with a length limit, no control characters and no lone surrogates."""

    def __init__(self, max_length: int = 200, multiline: bool = False, pattern: Regexp | None = None, **kwargs):
        # One pattern per field, since the OpenAPI document can state only one; a given one must exclude controls too.
        pattern = pattern or Regexp(_NO_CONTROL_MULTILINE if multiline else _NO_CONTROL, error=CONTROL_CHARACTERS)
        # Emoji and decorations (🔥, ➕, 【急招】) are accepted: real postings carry them, and the matcher ignores them.
        checks = [Length(max=max_length, error=TOO_LONG), pattern]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks += extra if isinstance(extra, list) else [extra]
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


_FULL_WIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)} | {0xFF0B: ord("+"), 0xFF0D: ord("-")}


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
    """What the office sets a vacancy to demand: a list of labels ("licence:B2") or of {"label", "required"}
    (false: only a plus, "有证优先"); "from_text" goes back to what the title and description say (loaded as
    None)."""

    FROM_TEXT = "from_text"

    def _deserialize(self, value, attr, data, **kwargs):
        if value == self.FROM_TEXT:
            return None
        if not isinstance(value, list) or len(value) > len(DEMAND_CHOICES):
            raise ValidationError(Message(f'Give a list of demands, or "{self.FROM_TEXT}".', "岗位要求的格式不对"))
        out = {}
        for item in value:
            if isinstance(item, str):
                item = {"label": item}
            if (
                not isinstance(item, dict)
                or set(item) - {"label", "required"}
                or not isinstance(item.get("required", True), bool)
            ):
                raise ValidationError(
                    Message('Each demand is a label or {"label": ..., "required": true/false}.', "岗位要求的格式不对")
                )
            if item.get("label") not in DEMAND_CHOICES:
                raise ValidationError(
                    Message(
                        f"Unknown demand {str(item.get('label'))[:40]!r}: one of {', '.join(DEMAND_CHOICES)}.",
                        "岗位要求不在可选范围内",
                    )
                )
            out[item["label"]] = {"label": item["label"], "required": item.get("required", True)}
        return list(out.values())


def _labels(choices, description: str):
    return fields.List(
        fields.String(validate=OneOf(choices)),
        validate=Length(max=len(choices)),
        metadata={"description": description},
    )


def _optional(field_cls, *args, **kwargs):
    return field_cls(*args, load_default=None, allow_none=True, **kwargs)


class StrictSchema(Schema):
    """Unknown fields are refused; an explicit null means the same as a missing field (unknown), as in real files.
    Every message carries its Chinese (messages.py)."""

    class Meta:
        unknown = RAISE

    error_messages = SCHEMA_MESSAGES  # type: ignore[assignment]  # Message is a str that also carries the Chinese

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        give_chinese(field_obj)

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
