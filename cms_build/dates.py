"""Date arithmetic for date-dependent rules; every rule takes an as-of date, never 'today'."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def parse(value: object) -> dt.date | None:
    """A record's date (ISO string) or None when absent or malformed (the schema reports that)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's end: 2025-11-30 + 3 -> 2026-02-28."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """Calendar years later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def one_year_less_a_day(start: dt.date) -> dt.date:
    """The last day of a one-year period starting on `start` (2025-03-01 -> 2026-02-28).

    A period starting on 29 February ends on 28 February of the next year: its anniversary
    rolls over to 1 March, so that no two start days share a last day.
    """
    if start.month == 2 and start.day == 29:
        return dt.date(start.year + 1, 2, 28)
    return add_years(start, 1) - dt.timedelta(days=1)


# Every date rule follows one convention: the due day itself is not late, the day after is
# (due 2026-06-30 and as-of 2026-06-30: not overdue; as-of 2026-07-01: overdue).
@dataclass(frozen=True)
class Deadline:
    due: dt.date
    late: bool  # as_of is after the due day
    days_left: int  # negative once late

    @classmethod
    def of(cls, due: dt.date, as_of: dt.date) -> "Deadline":
        return cls(due, as_of > due, (due - as_of).days)


def months_after(start: object, months: int, as_of: dt.date) -> Deadline | None:
    """The deadline `months` calendar months after `start` (None if start is not a date)."""
    day = parse(start)
    return None if day is None else Deadline.of(add_months(day, int(months)), as_of)


def days_after(start: object, days: int, as_of: dt.date) -> Deadline | None:
    day = parse(start)
    return None if day is None else Deadline.of(day + dt.timedelta(days=int(days)), as_of)


def on_or_before(value: object, as_of: dt.date) -> bool:
    """Whether a record's date is known at the as-of date (later events are not yet known)."""
    day = parse(value)
    return day is not None and day <= as_of
