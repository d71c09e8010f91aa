"""Licence classes and certificates as vacancies and residents name them; both readers use these."""

from __future__ import annotations

import re

from .folding import _Text
from .labels import _BARE_CLASS, _ENTITLES

_CLASS_TOKEN = re.compile(
    r"(?<![a-z0-9])([abc])\s?([123])(?![0-9a-z])|(?<![a-z0-9])([abc])(?=本|照|驾照|驾驶证|牌照)|(小车本|小车驾照|小型车驾照|小型汽车驾照)"
)
# A text about driving reads "只有C1，没有B2" as licence classes even far from a licence word.
_DRIVING_TEXT = re.compile(r"驾照|驾驶证|驾证|驾龄|司机|开车|本子|货车|大车|小车|半挂|客车")
_LICENCE_CONTEXT = re.compile(r"驾|照|本|证|车|司机|开|考")
_CERT_NAMED = {
    # "本子" is how many say a certificate ("电工本子有"); N1 is the forklift's code on the special-equipment card.
    "forklift": r"(?:叉车|铲车|插车|堆高车)(?:司机)?(?:操作|上岗|作业)?(?:证|证书|执照|本子)"
    r"|(?<![a-z0-9])n1(?:操作|作业)?(?:证|证书)",
    "electric": r"(?:低压|高压|特种作业)?电工(?:操作|上岗|作业|特种作业)?(?:证|证书|本子)",
    "weld": r"(?:电焊|焊工|焊接|气焊|氩弧焊|二保焊|熔化焊)(?:工)?(?:与热切割)?(?:操作|上岗|作业)?(?:证|证书|本子)",
}
_CERT_NAMED_RE = {kind: re.compile(p) for kind, p in _CERT_NAMED.items()}
# A certificate whose kind the words around it give: 特种作业操作证（电工）, 特种设备作业人员证.
_CERT_GENERIC = re.compile(
    r"特种(?:作业|设备)(?:人员)?(?:作业)?(?:人员)?(?:操作)?(?:资格)?(?:证|证书)|(?:场|厂)内(?:专用)?机动车(?:辆)?(?:驾驶|操作)?证"
)
_KIND_WORDS = {
    "forklift": re.compile(r"叉车|铲车|插车|堆高车|叉运"),
    "electric": re.compile(r"电工|配电|电气|电路|线路|水电(?!站)|强电|弱电|低压|高压|电力|接线|拉线"),
    "weld": re.compile(r"焊"),
}
# Certificates outside the vocabulary: a bare "持证上岗" beside one of these is about that one.
_OTHER_CERT = re.compile(
    r"(?:健康|会计|教师|从业资格|资格|育婴师?|护理|护士|厨师|保安|导游|职业|技能|营业|身份|残疾|毕业|学历|初级|中级|高级|"
    r"消防|安全员|电梯|登高|高处作业|挖掘机|挖机|装载机|压路机|塔吊|起重|司索|信号|上岗|母婴|月嫂|养老|美容|美发|驾驶)证"
)


def _nearest_kind(text: _Text, pos: int, title_end: int, kinds=_KIND_WORDS) -> str | None:
    """The certificate kind named nearest to a bare "持证上岗": in its clause, its sentence, the title, then
    anywhere."""
    plain = text.plain
    for lo, hi in (text.clause(pos), text.sentence(pos), (0, title_end), (0, len(plain))):
        best = None
        for kind, pattern in kinds.items():
            for m in pattern.finditer(plain, lo, hi):
                distance = abs(m.start() - pos)
                if best is None or distance < best[0]:
                    best = (distance, kind)
        if best:
            return best[1]
    return None


def _licence_classes(text: _Text, resident: bool = False) -> list[tuple[str, int, int]]:
    """Each licence class the text names, with its place: "B2", "A2驾照", "C本", "B照". A resident's "C1" is a licence
    class wherever it stands; a posting's needs a word about driving (not a "C1区" or a "B2栋")."""
    plain = text.plain
    found = []
    driving = resident or _DRIVING_TEXT.search(plain)
    for m in _CLASS_TOKEN.finditer(plain):
        if m.group(1):
            name = (m.group(1) + m.group(2)).upper()
            window = plain[max(0, m.start() - 6) : m.end() + 6]
            if name not in _ENTITLES or not (driving or _LICENCE_CONTEXT.search(window)):
                continue
        else:
            name = _BARE_CLASS[m.group(3)] if m.group(3) else "C1"
        found.append((name, m.start(), m.end()))
    return found
