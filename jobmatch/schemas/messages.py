"""Validation messages in both languages: the English the API answers with, the Chinese phrase the pages show.

A schema's message is a `Message`: the string itself is the English (the API's `fields` carry it as it is), and
`.chinese` is what a clerk reads beside the field. marshmallow's own field messages get their Chinese from
FIELD_CHINESE (StrictSchema gives it to every field), and the validators below are marshmallow's with their
Chinese beside their English, so a page never has to guess the Chinese from the English.
"""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields, validate

from ..lifecycle import LABELS as OUTCOME_LABELS
from ..vocabulary import (
    AVAILABILITIES,
    AVAILABILITY_LABELS,
    OUTCOME_STATUSES,
    SHIFT_LABELS,
    SHIFTS,
    STAFF_STEPS,
    WAGE_UNIT_LABELS,
    WAGE_UNITS,
)


class Message(str):
    """An English message with its Chinese phrase; formatting fills in both, so "{max}" stays bilingual."""

    chinese: str

    def __new__(cls, english: str, chinese: str) -> Message:
        message = super().__new__(cls, english)
        message.chinese = chinese
        return message

    def format(self, *args, **kwargs) -> Message:
        return Message(str.format(self, *args, **kwargs), self.chinese.format(*args, **kwargs))

    def __reduce__(self):  # copies and pickles keep the Chinese
        return Message, (str(self), self.chinese)


def chinese_of(message) -> str:
    """The Chinese phrase of a validation message; "填写有误" for a message that declares none."""
    return getattr(message, "chinese", "填写有误")


# The Chinese of marshmallow's own field messages, by field class and error key (a subclass's entry wins).
FIELD_CHINESE = {
    fields.Field: {"required": "必须填写", "null": "必须填写", "validator_failed": "不符合要求"},
    fields.String: {"invalid": "应是文字", "invalid_utf8": "含有无法识别的字符"},
    fields.Number: {"invalid": "应是数字", "too_large": "超出范围"},
    fields.Integer: {"invalid": "应是整数"},
    fields.Float: {"special": "应是数字"},
    fields.Boolean: {"invalid": "应是“是”或“否”"},
    fields.List: {"invalid": "格式不对"},
    fields.Date: {
        "invalid": "日期格式不对，例如 2026-03-14",
        "invalid_awareness": "日期格式不对",
        "format": "日期格式不对",
    },
}
# And of a schema's own: a field it does not have, and a body that is no object.
SCHEMA_MESSAGES = {
    "unknown": Message(Schema._default_error_messages["unknown"], "没有这一项"),
    "type": Message(Schema._default_error_messages["type"], "格式不对"),
}


def give_chinese(field: fields.Field) -> None:
    """Pair each of `field`'s marshmallow messages (and its list items') with its Chinese from FIELD_CHINESE; a
    message the field declared itself as a Message keeps its own."""
    chinese = _chinese_of_class(type(field))  # type: ignore[arg-type]  # classes are hashable; typeshed's Hashable misses type
    # In place: a schema's fields are shallow copies of the declared ones, so this is done once per declared field.
    for key, text in field.error_messages.items():
        if key in chinese and not isinstance(text, Message):
            field.error_messages[key] = Message(str(text), chinese[key])
    if isinstance(field, fields.List):
        give_chinese(field.inner)


@cache
def _chinese_of_class(field_class: type) -> dict[str, str]:
    chinese: dict[str, str] = {}
    for cls in reversed(field_class.__mro__):
        chinese.update(FIELD_CHINESE.get(cls, {}))
    return chinese


# marshmallow's validators, their messages (the English unchanged) with their Chinese. Schemas use these.
class Range(validate.Range):
    message_min = Message(validate.Range.message_min, "超出范围")
    message_max = Message(validate.Range.message_max, "超出范围")
    message_all = Message(validate.Range.message_all, "超出范围")


class Length(validate.Length):
    message_min = Message(validate.Length.message_min, "至少要填 {min} 个字")
    message_max = Message(validate.Length.message_max, "太长了")
    message_all = Message(validate.Length.message_all, "长度要在 {min} 到 {max} 之间")
    message_equal = Message(validate.Length.message_equal, "长度应是 {equal}")


# The Chinese words of the closed lists a person types or picks from: a refused value is answered with the choices.
CHOICE_LABELS = {
    SHIFTS: SHIFT_LABELS,
    WAGE_UNITS: WAGE_UNIT_LABELS,
    AVAILABILITIES: AVAILABILITY_LABELS,
    OUTCOME_STATUSES: OUTCOME_LABELS,
    STAFF_STEPS: OUTCOME_LABELS,
}


class OneOf(validate.OneOf):
    """The Chinese lists the choices in their Chinese words when the list has them ("不在可选范围内，可选：白班、…");
    the English is marshmallow's."""

    default_message = Message(validate.OneOf.default_message, "不在可选范围内")

    def __init__(self, choices, labels=None, *, error=None):
        super().__init__(choices, labels, error=error)
        words = CHOICE_LABELS.get(tuple(self.choices))
        if error is None and words:
            allowed = "、".join(words[choice] for choice in self.choices)
            self.error = Message(self.default_message, f"{self.default_message.chinese}，可选：{allowed}")


class Regexp(validate.Regexp):
    default_message = Message(validate.Regexp.default_message, "格式不对")


class Equal(validate.Equal):
    default_message = Message(validate.Equal.default_message, "不在可选范围内")


# Messages more than one field or schema gives.
TOO_LONG = Message("Longer than {max} characters.", "太长了")
CONTROL_CHARACTERS = Message("Contains control characters or invalid Unicode.", "含有无法显示的控制字符")
LAT_LON_TOGETHER = Message("Give both lat and lon, or neither.", "经度纬度要一起填")
# The API's text for a phone has always said in Chinese too what a number looks like (README, "Bad input").
PHONE_ERROR = Message(
    "手机号是 1 开头的 11 位数字，座机要带区号，例如 0566-1234567 (not a mainland phone number)", "电话格式不对"
)
