"""Reading a vacancy posting as employers write it: pay, perks, shift, age limits, openings and the occupation.

Real titles carry firm names, places, pay, perks and reference numbers around the occupation
("重庆金沙店绿茶餐厅诚聘各岗4000起+包吃住", "物流专员(J10854)", "早八晚五 仓库看守380一天可临时工日结兼职").
`read_posting` reads what the text says; callers fill only the structured fields the office left empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .text import (
    age_limits_from_text,
    arabic_numbers,
    shift_from_text,
    strip_pictographs,
    to_simplified,
)

# --- pay -----------------------------------------------------------------------------------------------

# A reference number (J10854, MJ002234) or a hashtag is never pay, nor part of an occupation.
_REFERENCE = re.compile(r"(?<![a-z])[a-z]{1,3}\d{3,}[a-z]*|#[^#\s]*#?")

_N = r"(\d+(?:\.\d+)?)"
_TO = r"\s*(?:-|~|～|到|至|—|－)\s*"
# "月入过万", "月薪过万", "工资上万": at least 10,000 a month.
_OVER_TEN_THOUSAND = re.compile(r"(?:月入|月薪|工资|收入|薪资|薪水)\s*(?:过|上|破)\s*万")
_YEARLY = re.compile(rf"年薪\s*{_N}(?:{_TO}{_N})?")
_HOURLY = re.compile(
    rf"(?:时薪|每小时|小时工资)\s*{_N}(?:{_TO}{_N})?|{_N}(?:{_TO}{_N})?\s*(?:元|块)?\s*(?:/|每|一)\s*(?:小时|时|h)(?![a-z])"
)
_DAILY = re.compile(
    rf"(?:日薪|日结|每天|一天|天)\s*{_N}(?:{_TO}{_N})?(?![\d.])|{_N}(?:{_TO}{_N})?\s*(?:元|块)?\s*(?:/|每|一)\s*(?:天|日)(?!休)"
)
_MONTHLY = re.compile(rf"(?:月薪|月入|薪资|薪酬|薪水|工资|底薪|综合|收入|待遇|保底)\s*[:：]?\s*{_N}(?:{_TO}{_N})?")
_PLAIN = re.compile(rf"(?<![\d.a-z]){_N}(?:{_TO}{_N})?(?![\d.])")
# What a number is when it is not pay.
_NOT_PAY_AFTER = re.compile(
    r"^\s*(?:周岁|岁|周|年|届|级|款|型|期|个|人|名|号|点|公里|km|里|分钟|平|斤|亩|楼|次|小时|班|间|天|休|险|h\b|cm|kg|米)"
)
_NOT_PAY_BEFORE = re.compile(r"(?:招|年龄|限|满|做|休|月休|上|第|住宿|宿舍|年满)\s*$")
PLAUSIBLE = {"month": (1_000, 100_000), "day": (50, 2_000), "hour": (8, 300)}


def _span(match: re.Match, first: int) -> tuple[float, float | None]:
    high = match.group(first + 1)
    return float(match.group(first)), (float(high) if high else None)


def _plausible(low: float, high: float | None, unit: str) -> bool:
    lo, hi = PLAUSIBLE[unit]
    return lo <= low <= hi and (high is None or low <= high <= hi)


_OPEN_TOP = re.compile(r"^\s*(?:元|块)?\s*(?:/月|每月)?\s*(?:起|以上|\+|多|往上)")


def _top(plain: str, match: re.Match, low: float, high: float | None) -> float | None:
    """A single figure is both ends ("380一天"); an open one ("4000起", "8k+") has no top."""
    if high is not None:
        return high
    return None if _OPEN_TOP.match(plain[match.end() : match.end() + 6]) else low


def read_pay(text: str) -> tuple[float, float | None, str] | None:
    """(low, high, unit) of the pay a posting states: high is None for an open top ("4000起", "8k+", "月入过万")."""
    plain = arabic_numbers(_REFERENCE.sub(" ", text.lower()))
    if _OVER_TEN_THOUSAND.search(plain):
        return 10_000.0, None, "month"
    for pattern, unit in ((_HOURLY, "hour"), (_DAILY, "day")):
        for match in pattern.finditer(plain):
            low, high = _span(match, 1 if match.group(1) else 3)
            if _plausible(low, high, unit):
                return low, _top(plain, match, low, high), unit
    for match in _YEARLY.finditer(plain):
        low, high = _span(match, 1)
        low, high = round(low / 12), (round(high / 12) if high else None)
        if _plausible(low, high, "month"):
            return low, _top(plain, match, low, high), "month"
    for pattern in (_MONTHLY, _PLAIN):
        for match in pattern.finditer(plain):
            low, high = _span(match, 1)
            if _NOT_PAY_AFTER.match(plain[match.end() : match.end() + 4]):
                continue
            if pattern is _PLAIN and _NOT_PAY_BEFORE.search(plain[max(0, match.start() - 4) : match.start()]):
                continue
            if _plausible(low, high, "month"):
                return low, _top(plain, match, low, high), "month"
    return None


# --- perks -----------------------------------------------------------------------------------------------

# Canonical perk -> the ways postings say it.
PERKS = {
    "包吃住": r"包吃包?住|包食宿|吃住全包|免费食宿|提供食宿|吃住免费|吃住在厂|食宿全包",
    "包住": r"包住|提供住宿|免费住宿|住宿免费|有宿舍|提供宿舍|员工宿舍|宿舍|住宿\d*人间|包宿",
    "包吃": r"包吃|包工作餐|免费工作餐|包午餐|包中餐|管饭|包餐|包两餐|包三餐|免费用餐",
    "班车": r"班车|接送|通勤车",
    "双休": r"双休|周末休息|做五休二",
    "五险一金": r"五险一金|六险一金",
    "五险": r"五险(?!一金)|社保|缴纳保险|交保险|买保险",
    "餐补": r"餐补|饭补|伙食补贴",
    "日结": r"日结|当天结|当日结",
    "周结": r"周结",
    "提成": r"提成|绩效奖",
    "年终奖": r"年终奖|十三薪|13薪",
}
_PERKS = {name: re.compile(pattern) for name, pattern in PERKS.items()}


def read_perks(text: str) -> tuple[str, ...]:
    found = [name for name, pattern in _PERKS.items() if pattern.search(text)]
    if "包吃住" in found or ("包吃" in found and "包住" in found):  # one perk says both
        found = ["包吃住" if p == "包吃" else p for p in found if p != "包住"]
        found = list(dict.fromkeys(found))
    if "五险一金" in found and "五险" in found:
        found.remove("五险")
    return tuple(found)


# --- openings ----------------------------------------------------------------------------------------------

_OPENINGS = re.compile(
    r"(?:招|聘|需要?|缺)[^\d，,。;；!！]{0,8}?(\d{1,4})\s*(?:人|名|位)(?!间)|(\d{1,4})\s*名(?!额)|(?:招聘)?(?:人数|名额)\s*[:：]?\s*(\d{1,4})"
)


def read_openings(text: str) -> int | None:
    """ "招10人", "急招三名", "人数：5"; None when the posting does not say (若干, 数名)."""
    found = _OPENINGS.search(arabic_numbers(text))
    if not found:
        return None
    number = int(next(g for g in found.groups() if g))
    return number if 1 <= number <= 10_000 else None


# --- age limits ----------------------------------------------------------------------------------------------

# Titles are cut short: "招聘带车货运司机23-55周" means 23-55 周岁.
_AGE_SPAN = re.compile(
    r"(?:年龄|年纪)?\s*(\d{2})\s*(?:-|~|～|到|至|—)\s*(\d{2})\s*(?:周岁|岁|周)|(?:年龄|年纪)\s*[:：]?\s*(\d{2})\s*(?:-|~|～|到|至|—)\s*(\d{2})"
)
_AGE_UNDER = re.compile(
    r"(?:年龄|年纪)?\s*(\d{2})\s*(?:周岁|岁)?\s*(?:以下|以内|之内)|(?:不超过|不大于|低于)\s*(\d{2})\s*(?:周岁|岁)"
)


def read_age_limits(text: str) -> tuple[int | None, int | None]:
    plain = arabic_numbers(text)
    span = _AGE_SPAN.search(plain)
    if span:
        youngest, oldest = (int(g) for g in span.groups() if g)
        if 14 <= youngest <= oldest <= 100:
            return youngest, oldest
    low, high = age_limits_from_text(plain)
    if high is None:
        under = _AGE_UNDER.search(plain)
        if under and (under.group(0).find("岁") >= 0 or "年龄" in under.group(0) or under.group(2)):
            high = int(under.group(1) or under.group(2))
    low = low if low is not None and 14 <= low <= 100 else None
    high = high if high is not None and 14 <= high <= 100 else None
    return (low, high) if low is None or high is None or low <= high else (None, None)


# --- shift ---------------------------------------------------------------------------------------------------

_OFFICE_HOURS = re.compile(
    r"早[0-9一二三四五六七八九十]{1,2}点?晚[0-9一二三四五六七八九十]{1,2}点?|朝九晚[五六]|做六休一|做五休二"
)


def read_shift(text: str) -> str | None:
    """What shift the posting states (长白班, 早八晚五 day; 两班倒; 三班倒; 兼职 part-time; 日结 flexible), else
    None."""
    found = shift_from_text(text)
    if found is None and _OFFICE_HOURS.search(text):
        return "day"
    return found


# --- the occupation, with the noise around it removed ----------------------------------------------------------

# A firm or a place before a recruiting word: 重庆金沙店绿茶餐厅诚聘各岗, 茨坝仓招货运司机. A lone 招 cuts only where it
# is not part of a word (招商, 招生, 招标, 招待).
_RECRUITING = re.compile(
    r"^.*?(?:诚聘|急聘|招聘|直招|直聘|高薪聘请?|聘请|招募|急招|热招|诚招|高薪招)(?!专员|主管|经理|助理|顾问|官|负责人|总监|hr)"
    r"|^(?:.{2,}?)?招(?![商生标待牌聘募收])"
)
_BRACKETS = re.compile(r"[(（\[【<《「][^)）\]】>》」]*[)）\]】>》」]?")
_LICENCE = re.compile(r"(?<![a-z])(?:[abc][123]?\s*){1,4}\s*(?:本|照|证|驾照|驾驶证)|驾照|驾驶证")
_AGE_WORDS = re.compile(
    r"(?:年龄|年纪)\s*\d{2}\s*(?:-|~|到|至)\s*\d{2}\s*(?:周岁|岁|周)?|\d{2}\s*(?:-|~|到|至)\s*\d{2}\s*(?:周岁|岁|周)"
    r"|\d{2}\s*(?:周岁|岁)\s*(?:以下|以内|以上)?"
)
# A place before the occupation: 鄂城区加油收银. Not 社区, 小区, 园区 and the like, which are part of a job's name.
_PLACE = re.compile(
    r"^[\u4e00-\u9fff]{1,3}(?<![社小园景厂库校营片商矿超菜夜集门])(?:省|市(?!场)|县|区(?!域))(?=[\u4e00-\u9fff]{2})"
)
_PAY_WORDS = re.compile(
    r"(?:(?:月薪|日薪|时薪|月入|年薪|工资|薪资|底薪|保底|综合)\s*\d+(?:\.\d+)?|\d{2,}(?:\.\d+)?|\d+(?:\.\d+)?(?=\s*(?:元|块|k|w|千|万)))"
    r"(?:\s*(?:-|~|到|至)\s*\d+(?:\.\d+)?)?\s*(?:元|块)?\s*(?:/|每|一)?\s*(?:天|日|小时|h|月|k|w|千|万)?\+?(?:起|以上|左右)?"
    r"|(?:月薪|日薪|时薪|月入|年薪|工资|薪资|底薪|保底)[一二两三四五六七八九十百千万]+(?:元|块)?(?:起|以上|左右)?"
)
_NOISE = re.compile(
    "可?(?:"
    + "|".join(
        [
            r"急招|急聘|高薪|直招|诚聘|招聘(?!专员|主管|经理|助理|顾问|官|负责人|总监|hr)|热招|兼职|临时工|长期工|短期工|长短期|暑假工|寒假工|小时工",
            r"无经验|经验不限|不限经验|无需经验|零基础|有无经验均可|带薪培训|包教包会|新手",
            r"就近(?:安排|分配)?|绝不考证|无试用期|零押金(?:入职)?|体检免费|免费体检|当天入职|预支|入职",
            r"月入过万|月薪过万|过万|上万|高收入|收入高|待遇优厚|待遇好|福利好|补贴多|有补贴|补贴|轻松|不加班|稳定",
            r"长白班|常白班|白班|夜班|两班倒|三班倒|倒班|早[0-9一二三四五六七八九十]{1,2}点?晚[0-9一二三四五六七八九十]{1,2}点?",
            r"朝九晚[五六]|坐班|做六休一|做五休二|月休\d*天?|单休|双休",
            r"包吃包?住|包食宿|包住|包吃|住宿\d*人间|独卫|(?:买|交|缴纳?)?(?:五险一金|五险|社保)|日结|周结|月结|提成|无责|起薪",
            r"有车|无车|带车|全职|各岗|缴纳|满月|奖励\d*|\d+\s*(?:名|人|位)",
        ]
    )
    + ")"
)
_MULTIPLIED = re.compile(r"\d+(?:\.\d+)?\s*(?:[-~到至]\s*\d+(?:\.\d+)?\s*)?[kw千万]\d?")
_SEPARATORS = re.compile(r"[\s+|/\\、，,;；:：!！?？~～*★☆·.。…_\-—=&]+")


@lru_cache(maxsize=8_192)
def clean_title(title: str | None) -> str:
    """The occupation a title names, without firm, place, pay, perks, shift or reference numbers: "货运司机" from
    "茨坝仓招货运司机" or "货运司机8k+"; "" when the title names nothing else (“急招！包吃住”)."""
    if not title:
        return ""
    text = to_simplified(strip_pictographs(unicodedata.normalize("NFKC", title))).lower()
    bare = _BRACKETS.sub(" ", text)
    text = bare if bare.strip() else text.strip("()（）[]【】<>《》「」")
    cut = _RECRUITING.sub("", text, count=1)
    text = cut if _NOISE.sub("", _SEPARATORS.sub("", cut)).strip() else text
    # Only numbers with a multiplier become digits here (5-6k, 1万2): 三维 and 一线 stay words.
    text = _MULTIPLIED.sub(lambda m: arabic_numbers(m.group(0)), _NOISE.sub(" ", text))
    for pattern in (_LICENCE, _AGE_WORDS, _REFERENCE):
        text = pattern.sub(" ", text)
    text = _PAY_WORDS.sub(" ", text)
    text = _PLACE.sub("", text.strip())
    parts = [p for p in _SEPARATORS.split(text) if len(p) >= 2 or (p and not p.isascii())]
    return " ".join(dict.fromkeys(parts))


# --- the whole reading -------------------------------------------------------------------------------------

UNIT_NAMES = {"month": "月薪", "day": "日薪", "hour": "时薪"}
SHIFT_NAMES = {
    "day": "白班",
    "two_shift": "两班倒",
    "three_shift": "三班倒",
    "part_time": "兼职/钟点",
    "flexible": "时间灵活",
}
FIELDS = ("wage_min", "wage_max", "wage_unit", "perks", "shift", "age_min", "age_max", "openings")


@dataclass(frozen=True)
class PostingReading:
    """What a posting's words say about its structured fields; None (or ()) where they say nothing."""

    occupation: str = ""
    wage_min: float | None = None
    wage_max: float | None = None
    wage_unit: str | None = None
    perks: tuple[str, ...] = ()
    shift: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    openings: int | None = None
    # the structured fields this reading has a value for
    found: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        return {"occupation": self.occupation, **{name: getattr(self, name) for name in self.found}}

    @classmethod
    def from_dict(cls, data: dict | None) -> PostingReading:
        data = data or {}
        values = {name: data[name] for name in FIELDS if data.get(name) not in (None, [], ())}
        if "perks" in values:
            values["perks"] = tuple(values["perks"])
        return cls(occupation=data.get("occupation") or "", found=tuple(values), **values)


# The structured fields a posting's words can fill, by the group the office gives or leaves together.
FIELD_GROUPS = {
    "wage": ("wage_min", "wage_max", "wage_unit"),
    "age": ("age_min", "age_max"),
    "shift": ("shift",),
    "openings": ("openings",),
    "perks": ("perks",),
}


def group_empty(record, group: str) -> bool:
    """Whether a record (a JobRecord, a Job, a dict's object) leaves a group empty; a wage unit alone says no wage."""
    return all(getattr(record, name) in (None, [], (), "") for name in FIELD_GROUPS[group] if name != "wage_unit")


def group_values(reading: PostingReading, group: str) -> dict | None:
    """The reading's values for a group's fields, or None when the words say nothing of it."""
    names = FIELD_GROUPS[group]
    if not any(name in reading.found for name in names if name != "wage_unit"):
        return None
    return {name: getattr(reading, name) for name in names}


def read_posting(title: str | None, description: str | None = "") -> PostingReading:
    """Read a posting's title and description. The title is read first: where both state a field, the title wins."""
    plain = to_simplified(
        strip_pictographs(unicodedata.normalize("NFKC", f"{title or ''}\n{description or ''}"))
    ).lower()
    values: dict = {}
    pay = read_pay(plain)
    if pay:
        values.update(wage_min=pay[0], wage_unit=pay[2])
        if pay[1] is not None:
            values["wage_max"] = pay[1]
    perks = read_perks(plain)
    if perks:
        values["perks"] = perks
    shift = read_shift(plain)
    if shift:
        values["shift"] = shift
    low, high = read_age_limits(plain)
    if low is not None:
        values["age_min"] = low
    if high is not None:
        values["age_max"] = high
    openings = read_openings(plain)
    if openings:
        values["openings"] = openings
    return PostingReading(
        occupation=clean_title(title), found=tuple(name for name in FIELDS if name in values), **values
    )


def figure(value: float) -> str:
    """A pay figure as people write it: 4000, 18, 17.5."""
    return f"{value:.0f}" if value >= 100 or value == int(value) else f"{value:g}"


def describe(reading: PostingReading, fields: tuple[str, ...] | None = None) -> list[str]:
    """The reading in a clerk's words, as the office pages show it: ["月薪 5000-6000", "包吃住", "长白班", "18-45 岁"].

    `fields` limits it to the fields that were filled from the text.
    """
    shown = set(reading.found if fields is None else fields) & set(reading.found)
    out = []
    if shown & {"wage_min", "wage_max"}:
        unit = UNIT_NAMES.get(reading.wage_unit or "month", "月薪")
        low = reading.wage_min
        assert low is not None  # a posting's words give the low end of any wage they state
        if reading.wage_max is None:
            out.append(f"{unit} {figure(low)} 起")
        elif reading.wage_max == low:
            out.append(f"{unit} {figure(low)}")
        else:
            out.append(f"{unit} {figure(low)}-{figure(reading.wage_max)}")
    if "perks" in shown:
        out.extend(reading.perks)
    if "shift" in shown and reading.shift is not None:
        out.append(SHIFT_NAMES[reading.shift])
    if shown & {"age_min", "age_max"}:
        if reading.age_min is not None and reading.age_max is not None:
            out.append(f"{reading.age_min}-{reading.age_max} 岁")
        elif reading.age_max is not None:
            out.append(f"{reading.age_max} 岁以下")
        else:
            out.append(f"{reading.age_min} 岁以上")
    if "openings" in shown:
        out.append(f"招 {reading.openings} 人")
    return out
