"""Date arithmetic for date-dependent rules; every rule takes an as-of date, never 'today'."""
from __future__ import annotations

import calendar
import datetime as dt


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
