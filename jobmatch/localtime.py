"""The stall's clock: China Standard Time (UTC+8, no daylight saving). Timestamps are stored in UTC; days and months
that people name ("the fair on the 21st", "the November report") are Beijing days and months."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=8))


def local_today() -> date:
    return datetime.now(LOCAL).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()
