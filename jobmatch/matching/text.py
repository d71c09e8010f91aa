"""Text normalisation for matching: NFKC, pinyin-annotation stripping, traditional to simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# 时(shí) or 時（shí） pasted from annotated web pages: drop the reading, keep the character.
_PINYIN_ANNOTATION = re.compile(rf"(?<=[{_HAN}])\(\s*[{_PINYIN_LETTERS}]+[1-5]?\s*\)")
_SPACES = re.compile(r"\s+")
# Emoji, pictographs and decorations that real postings carry (🔥, ➕, ✅, ★, ▲, →): they say nothing about the work,
# and neither the PDF font nor every kiosk browser can draw them. Also the invisible joiners, variation selectors and
# keycap marks that build emoji sequences.
PICTOGRAPHS = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299"
    "\ufe0e\ufe0f\u200d\u20e3\U0001f000-\U0001faff\U000e0020-\U000e007f]"
)


def strip_pictographs(text: str) -> str:
    """The text without emoji and decorations, each replaced by a space so the words on either side stay apart."""
    return PICTOGRAPHS.sub(" ", text) if PICTOGRAPHS.search(text) else text


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def strip_pinyin_annotations(text: str) -> str:
    return _PINYIN_ANNOTATION.sub("", text)


def normalise(text: str | None) -> str:
    """Canonical form of free text: NFKC (full-width to ASCII), no pinyin readings or pictographs, simplified script,
    lower case."""
    if not text:
        return ""
    return _normalise(text)


@lru_cache(maxsize=16_384)  # a shortlist normalises the same titles and perks once per match
def _normalise(text: str) -> str:
    text = strip_pictographs(unicodedata.normalize("NFKC", text))
    text = strip_pinyin_annotations(text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip().lower()


# --- numbers in residents' words: 三千, 3千, 3k, 一天150, 月薪4500, 五十多岁 --------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = re.compile(r"[零〇一二两俩三四五六七八九十百千万]+")
# An Arabic number with an optional multiplier, and a colloquial trailing digit: 3千5 = 3500, 1万2 = 12000.
_MIXED_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*([kK千wW万])(\d)?(?![\d.])")


def chinese_numeral(text: str) -> int | None:
    """The value of a Chinese numeral: 三千 3000, 三千五 3500, 一万二 12000, 十五 15, 一百五 150."""
    total = section = 0
    digit = None
    last_unit = 0
    seen = False
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            seen = True
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit, last_unit, seen = None, _CN_UNITS[ch], True
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit, last_unit = 0, None, 10_000
        else:
            return None
    if not seen and not total:
        return None
    if digit is not None:
        # 三千五 means 3500: a lone digit after a unit counts in the next unit down.
        section += digit * (last_unit // 10) if last_unit >= 100 else digit
    return total + section


_CN_APPROX_RANGE = re.compile(r"([一二两三四五六七八九])([一二三四五六七八九])([十百千万])")
_MIXED_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(-|~|到|至)\s*(\d+(?:\.\d+)?)\s*([kK千wW万])")
_SCALE = {"k": 1000, "K": 1000, "千": 1000, "w": 10_000, "W": 10_000, "万": 10_000}


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _replace_chinese_numerals(text: str) -> str:
    def swap(match: re.Match) -> str:
        run = match.group(0)
        # A bare 千 or 万 is a multiplier for a preceding Arabic number (3千), not a number itself;
        # a lone 一 or 两 is mostly "a"/"a couple" (一天, 两班倒), and 150一天 must not become 1501天.
        if not any(ch in _CN_DIGITS for ch in run) and not run.startswith("十") or run in ("一", "两"):
            return run
        value = chinese_numeral(run)
        return run if value is None else str(value)

    return _CN_NUMERAL.sub(swap, text)


def arabic_numbers(text: str) -> str:
    """Rewrite numbers as plain Arabic digits: 三千五 3500, 3k 3000, 4.5千 4500, 1万2 12000, 5-6k 5000-6000,
    五六千 5000-6000."""
    text = unicodedata.normalize("NFKC", text)
    text = _CN_APPROX_RANGE.sub(lambda m: f"{m.group(1)}{m.group(3)}到{m.group(2)}{m.group(3)}", text)
    text = _MIXED_RANGE.sub(
        lambda m: (
            f"{_number(float(m.group(1)) * _SCALE[m.group(4)])}{m.group(2)}"
            f"{_number(float(m.group(3)) * _SCALE[m.group(4)])}"
        ),
        text,
    )

    def expand(match: re.Match) -> str:
        scale = _SCALE[match.group(2)]
        return _number(float(match.group(1)) * scale + (int(match.group(3)) * scale // 10 if match.group(3) else 0))

    text = _MIXED_NUMBER.sub(expand, text)
    return _replace_chinese_numerals(text)


_RANGE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:-|~|～|到|至|—)\s*(\d+(?:\.\d+)?))?")
_NOT_PAY_AFTER = re.compile(r"^\s*(?:岁|年|个|人|号|点|公里|km|里|分钟|多岁|周岁|平|斤|亩|楼|次|天|小时|班|名|月)")
_DAY = re.compile(r"(?:天|日薪|日结|/日)")
_HOUR = re.compile(r"(?:小时|时薪|钟头|/h|/时)")
_MONTH = re.compile(r"(?:月薪|每月|一个月|/月|月入|月收入|底薪|保底|月)")
_PAY_WORD = re.compile(r"(?:工资|薪|收入|元|块|左右|以上|起|保底|底薪|月入|k|千|万)")


def pay_from_text(text: str | None) -> tuple[float, float, str] | None:
    """The first pay figure in free text as (low, high, unit), unit month/day/hour; None when there is none."""
    if not text:
        return None
    plain = arabic_numbers(to_simplified(unicodedata.normalize("NFKC", text)))
    for match in _RANGE.finditer(plain):
        low = float(match.group(1))
        high = float(match.group(2)) if match.group(2) else low
        if high < low:
            low, high = high, low
        after = plain[match.end() : match.end() + 6]
        if _NOT_PAY_AFTER.match(after):
            continue
        before = plain[max(0, match.start() - 5) : match.start()]
        context = before + " " + after
        if _HOUR.search(context) and high <= 300:
            unit = "hour"
        elif _DAY.search(context) and high <= 2000:
            unit = "day"
        elif _MONTH.search(context) or high >= 1000:
            unit = "month"
        else:
            continue
        plausible = {"month": (800, 100_000), "day": (50, 2_000), "hour": (8, 300)}[unit]
        if not (plausible[0] <= low and high <= plausible[1]):
            continue
        if unit == "month" and high < 1000 and not _PAY_WORD.search(context):
            continue
        return low, high, unit
    return None


_AGE = re.compile(r"(\d{2})\s*(多)?\s*(?:周岁|岁)")


def age_from_text(text: str | None) -> int | None:
    """An age stated in free text: 52岁, 五十二岁, 五十多岁 (read as 53)."""
    if not text:
        return None
    match = _AGE.search(arabic_numbers(to_simplified(text)))
    if not match:
        return None
    age = int(match.group(1)) + (3 if match.group(2) else 0)
    return age if 14 <= age <= 100 else None


_THREE_SHIFT = re.compile(r"三班倒|三班制|三班")
_TWO_SHIFT = re.compile(r"两班倒|两班制|倒班|白夜班|夜班|轮班|12小时两班")
_PART_TIME = re.compile(r"钟点工|钟点|小时工|兼职|半天班|半天|零工|临时工")
_DAY_SHIFT = re.compile(r"长白班|常白班|白班|朝九晚五|双休")
_FLEXIBLE = re.compile(r"时间灵活|灵活|弹性|日结")


def shift_from_text(text: str | None) -> str | None:
    """A vacancy's shift as its title or description states it (长白班 day, 两班倒 two_shift ...), or None."""
    if not text:
        return None
    text = to_simplified(unicodedata.normalize("NFKC", text))
    for pattern, shift in (
        (_THREE_SHIFT, "three_shift"),
        (_TWO_SHIFT, "two_shift"),
        (_PART_TIME, "part_time"),
        (_DAY_SHIFT, "day"),
        (_FLEXIBLE, "flexible"),
    ):
        if pattern.search(text):
            return shift
    return None


_AGE_SPAN = re.compile(r"(\d{2})\s*(?:-|~|到|至)\s*(\d{2})\s*(?:周岁|岁)")
_AGE_MAX = re.compile(r"(\d{2})\s*(?:周岁|岁)\s*(?:以下|以内|之内)")
_AGE_MIN = re.compile(r"(\d{2})\s*(?:周岁|岁)\s*以上")


def age_limits_from_text(text: str | None) -> tuple[int | None, int | None]:
    """A vacancy's age limits as written: 18-45岁, 50岁以下, 35岁以上, 五十五岁以内."""
    if not text:
        return None, None
    plain = arabic_numbers(to_simplified(text))
    span = _AGE_SPAN.search(plain)
    if span:
        return int(span.group(1)), int(span.group(2))
    low, high = _AGE_MIN.search(plain), _AGE_MAX.search(plain)
    return (int(low.group(1)) if low else None), (int(high.group(1)) if high else None)
