"""The outcome lifecycle of one (resident, vacancy) pair: which step may follow which.

shown → contacted → interviewed → hired, with declines (by the resident or by the firm) and no-shows on the way.
Staff may skip forward (a resident hired on the spot at the fair was never "contacted"), never go back, and nothing
follows a hire or a decline. A no-show may be contacted again.
"""

from __future__ import annotations

from .vocabulary import OUTCOME_STATUSES

SHOWN, CONTACTED, INTERVIEWED, HIRED = "shown", "contacted", "interviewed", "hired"
DECLINED_BY_RESIDENT, DECLINED_BY_FIRM, NO_SHOW = "declined_by_resident", "declined_by_firm", "no_show"
DECLINED = (DECLINED_BY_RESIDENT, DECLINED_BY_FIRM)
FINAL = (HIRED, *DECLINED)
# The forward steps, in order; a pair may jump ahead but not back.
STEPS = (SHOWN, CONTACTED, INTERVIEWED, HIRED)

LABELS = {
    SHOWN: "已推荐",
    CONTACTED: "已联系",
    INTERVIEWED: "已面试",
    HIRED: "已录用",
    DECLINED_BY_RESIDENT: "本人不去",
    DECLINED_BY_FIRM: "企业未录用",
    NO_SHOW: "未到场",
}
assert set(LABELS) == set(OUTCOME_STATUSES)


def next_steps(current: str | None) -> tuple[str, ...]:
    """The statuses that may be recorded after `current` (None: nothing recorded yet for the pair)."""
    if current in FINAL:
        return ()
    if current is None:
        return (SHOWN, CONTACTED, INTERVIEWED, HIRED, *DECLINED)
    if current == NO_SHOW:
        return (CONTACTED, INTERVIEWED, *DECLINED)
    later = STEPS[STEPS.index(current) + 1 :]
    # A no-show needs an appointment: after contact or an interview invitation, not after a bare listing.
    return (*later, *DECLINED, *((NO_SHOW,) if current != SHOWN else ()))


def why_not(current: str | None, new: str) -> tuple[str, str] | None:
    """None when `new` may follow `current`, else the reason in words a clerk understands: (Chinese, English)."""
    if new in next_steps(current):
        return None
    if current in FINAL:
        return f"这一对已经是「{LABELS[current]}」，不能再改为「{LABELS[new]}」", f"{current} is final"
    if current is None:
        return f"还没有联系或面试，不能记为「{LABELS[new]}」", f"{new} needs an appointment first"
    return f"已经是「{LABELS[current]}」，不能改为「{LABELS[new]}」", f"{new} cannot follow {current}"
