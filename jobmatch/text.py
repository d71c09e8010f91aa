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


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def strip_pinyin_annotations(text: str) -> str:
    return _PINYIN_ANNOTATION.sub("", text)


def normalise(text: str | None) -> str:
    """Canonical form of free text: NFKC (full-width to ASCII), no pinyin readings, simplified script, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = strip_pinyin_annotations(text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip().lower()
