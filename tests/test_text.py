import pytest

from jobmatch.text import normalise, strip_pinyin_annotations, to_simplified

# From the news report on the fair, as scraped: traditional script with pinyin readings after some characters.
ARTICLE = "“平時(shí)想在附近找個(gè)合適的理發(fā)店都找不到”(相關(guān)資料圖)"


def test_article_text_becomes_plain_simplified_chinese():
    assert normalise(ARTICLE) == "“平时想在附近找个合适的理发店都找不到”(相关资料图)"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("時(shí)務(wù)", "時務"),
        ("ABC(shi)", "ABC(shi)"),  # a reading only follows a Han character
        ("縫紉(féng rèn)", "縫紉(féng rèn)"),  # two syllables with a space are not one annotation
    ],
)
def test_strip_pinyin_annotations(raw, expected):
    assert strip_pinyin_annotations(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("月薪３０００元", "月薪3000元"),
        ("東流鎮　縫紉工", "东流镇 缝纫工"),
        ("時（shí）間", "时间"),
        ("  ＡＢＣ  ", "abc"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_to_simplified_keeps_simplified_text():
    assert to_simplified("叉车司机，包住") == "叉车司机，包住"


from jobmatch.text import (  # noqa: E402
    age_from_text,
    age_limits_from_text,
    arabic_numbers,
    chinese_numeral,
    pay_from_text,
    shift_from_text,
)


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("三千", 3000),
        ("三千五", 3500),
        ("两千", 2000),
        ("一万二", 12000),
        ("十五", 15),
        ("一百五", 150),
        ("四千八百", 4800),
        ("五十", 50),
    ],
)
def test_chinese_numerals(numeral, value):
    assert chinese_numeral(numeral) == value


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3千", "3000"),
        ("4千5", "4500"),
        ("3k", "3000"),
        ("4.5千", "4500"),
        ("1万2", "12000"),
        ("5-6k", "5000-6000"),
        ("五六千", "5000到6000"),
        ("150一天", "150一天"),
        ("两班倒", "两班倒"),
    ],
)
def test_arabic_numbers(raw, expected):
    assert arabic_numbers(raw) == expected


@pytest.mark.parametrize(
    "text, pay",
    [
        ("工资三千左右就行", (3000, 3000, "month")),
        ("3千", (3000, 3000, "month")),
        ("3k以上", (3000, 3000, "month")),
        ("一天150", (150, 150, "day")),
        ("150一天也行", (150, 150, "day")),
        ("月薪4500", (4500, 4500, "month")),
        ("长白班普工包吃住5-6k", (5000, 6000, "month")),
        ("月薪３０００元", (3000, 3000, "month")),
        ("日薪200-260元", (200, 260, "day")),
        ("每小时２０块", (20, 20, "hour")),
        ("一個月能有四千就行", (4000, 4000, "month")),
        ("四千到五千", (4000, 5000, "month")),
        ("两班倒 12小时 6000", (6000, 6000, "month")),
        ("试用期3个月，月薪三千八", (3800, 3800, "month")),
    ],
)
def test_pay_from_text(text, pay):
    assert pay_from_text(text) == pay


@pytest.mark.parametrize("text", ["今年52岁，干了十几年", "干了8年叉车", "住3楼", "计件，多劳多得", "", None])
def test_no_pay_in_text(text):
    assert pay_from_text(text) is None


@pytest.mark.parametrize("text, age", [("今年五十多岁", 53), ("52岁", 52), ("我五十二岁了", 52), ("干了十几年", None)])
def test_age_from_text(text, age):
    assert age_from_text(text) == age


@pytest.mark.parametrize(
    "text, shift",
    [
        ("长白班普工包吃住5-6k", "day"),
        ("夜班分拣员", "two_shift"),
        ("白班夜班轮换", "two_shift"),
        ("三班倒注塑工", "three_shift"),
        ("钟点工", "part_time"),
        ("小区保洁阿姨急招", None),
    ],
)
def test_shift_from_text(text, shift):
    assert shift_from_text(text) == shift


@pytest.mark.parametrize(
    "text, limits",
    [
        ("18-45岁", (18, 45)),
        ("限50岁以下", (None, 50)),
        ("35岁以上优先", (35, None)),
        ("五十五岁以内", (None, 55)),
        ("不限年龄", (None, None)),
    ],
)
def test_age_limits_from_text(text, limits):
    assert age_limits_from_text(text) == limits
