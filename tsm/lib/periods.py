"""Periods: base period of an as-of date, months and ISO weeks.

The base period is the 12 full months before the month of the as-of date
(as of 2026-11-27: 2025-11 to 2026-10).
"""

import datetime as dt
import re
from dataclasses import dataclass

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(text: str) -> dt.date:
    """'2026-03' -> date(2026, 3, 1); raises ValueError."""
    m = MONTH_RE.match(text.strip())
    if not m:
        raise ValueError("format")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError("range")
    return dt.date(year, month, 1)


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@dataclass(frozen=True)
class BasePeriod:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(12)]

    @property
    def last_day(self) -> dt.date:
        return add_months(self.end, 1) - dt.timedelta(days=1)

    def as_dict(self) -> dict:
        return {"start": month_label(self.start), "end": month_label(self.end)}


def base_period(as_of: dt.date) -> BasePeriod:
    end = add_months(month_start(as_of), -1)
    return BasePeriod(start=add_months(end, -11), end=end)

