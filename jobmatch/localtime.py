"""The stall's clock: China Standard Time (UTC+8, no daylight saving). Timestamps are stored in UTC; days and months
that people name ("the fair on the 21st", "the November report") are Beijing days and months, and every time a person
reads (a page, a print, a spreadsheet) is Beijing time, through `beijing`, labelled once with LABEL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=8))
# Said once per page, print or column heading, so nobody wonders whether a time is UTC.
LABEL = "北京时间"


def now() -> datetime:
    """The current moment (UTC): what prints and exports stamp. Tests replace this one function to fix the time."""
    return datetime.now(timezone.utc)


def local_today() -> date:
    return now().astimezone(LOCAL).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def beijing(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment as Beijing wall-clock text, without the label; a naive moment is UTC (as stored)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL).strftime(pattern)
