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
