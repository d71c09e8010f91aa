"""The labels demands and limits are read to, how each is said, and which licence covers which.

Names a clerk or a resident sees ("要B2驾照", "干不了重活"), the structured choices an office or the kiosk may set, and
the order readings are listed in.
"""

from __future__ import annotations

LICENCE_CLASSES = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3")
# Which classes each class entitles its holder to drive, itself included (公安部《机动车驾驶证申领和使用规定》
# 准驾车型).
_ENTITLES = {
    "A1": {"A1", "A3", "B1", "B2", "C1", "C2", "C3"},
    "A2": {"A2", "B1", "B2", "C1", "C2", "C3"},
    "A3": {"A3", "C1", "C2", "C3"},
    "B1": {"B1", "C1", "C2", "C3"},
    "B2": {"B2", "C1", "C2", "C3"},
    "C1": {"C1", "C2", "C3"},
    "C2": {"C2"},
    "C3": {"C3"},
}
# A bare letter is the class people mean by it at a job stall: A照 the tractor-trailer, B本 the truck, C本 the car.
_BARE_CLASS = {"a": "A2", "b": "B2", "c": "C1"}
CERTIFICATES = ("forklift", "electric", "weld")

DEMAND_LABELS = ("heavy", "standing", "literate", "computer", "experienced")
LIMIT_LABELS = ("light_only", "no_standing", "illiterate", "no_computer")

# How a demand is said to a resident or a clerk.
DEMAND_NAMES = {
    "heavy": "搬运重活",
    "standing": "要整天站着",
    "literate": "要识字填单",
    "computer": "要会电脑",
    "experienced": "要有经验",
    "licence": "要有驾照",
    "cert:forklift": "要叉车证",
    "cert:electric": "要电工证",
    "cert:weld": "要焊工证",
}
LIMIT_NAMES = {
    "light_only": "腰不好/干不了重活",
    "no_standing": "站不久",
    "illiterate": "字认得不多",
    "no_computer": "不会电脑",
}
# The limit that rules out each demand.
_BLOCKED_BY = {"heavy": "light_only", "standing": "no_standing", "literate": "illiterate", "computer": "no_computer"}


# Structured fields: what an office may set a vacancy to demand, and what a resident may say they hold or lack.
CREDENTIALS = ("licence", *(f"licence:{c}" for c in LICENCE_CLASSES), *(f"cert:{c}" for c in CERTIFICATES))
DEMAND_CHOICES = (*DEMAND_LABELS, *CREDENTIALS)
# The kiosk's taps in the resident's own words, given back in reasons ("搬运重活，您说干不了重活").
TAP_WORDS = {
    "light_only": "干不了重活",
    "no_standing": "站不久",
    "illiterate": "不识字",
    "no_computer": "不会电脑",
    "licence": "有驾照",
    **{f"licence:{c}": f"有{c}驾照" for c in LICENCE_CLASSES},
    "cert:forklift": "有叉车证",
    "cert:electric": "有电工证",
    "cert:weld": "有焊工证",
}
LACK_WORDS = {
    "licence": "没有驾照",
    **{f"licence:{c}": f"没有{c}驾照" for c in LICENCE_CLASSES},
    "cert:forklift": "没有叉车证",
    "cert:electric": "没有电工证",
    "cert:weld": "没有焊工证",
}


def demand_name(label: str) -> str:
    """A demand in a clerk's words: "要B2驾照", "要叉车证", "搬运重活"."""
    if label.startswith("licence:"):
        return f"要{label.split(':', 1)[1]}驾照"
    return DEMAND_NAMES.get(label, label)


def covers(held: set[str] | frozenset[str], demanded: str) -> bool:
    """Whether what a resident holds meets a licence or certificate demand: A2 covers B2 and C1, B2 covers C1;
    a certificate only by the same kind; "licence" (any class) by any licence."""
    if demanded in held:
        return True
    if demanded == "licence":
        return any(h == "licence" or h.startswith("licence:") for h in held)
    if demanded.startswith("licence:"):
        wanted = demanded.split(":", 1)[1]
        return any(h.startswith("licence:") and wanted in _ENTITLES.get(h.split(":", 1)[1], ()) for h in held)
    return False


def _order(label: str) -> tuple[int, str]:
    """The order demands, holds and lacks are listed in: the body, then licences and certificates, then skills."""
    kind = label.split(":", 1)[0]
    rank = {"heavy": 0, "standing": 1, "licence": 2, "cert": 3, "literate": 4, "computer": 5, "experienced": 6}
    return rank.get(kind, 9), label
