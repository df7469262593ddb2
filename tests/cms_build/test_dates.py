"""cms_build/dates.py: deadlines (months_after, days_after) and "on or before the as-of date"."""

import datetime as dt

from cms_build import dates

D = dt.date.fromisoformat


def test_months_after_is_late_only_from_the_day_after():
    # last review 2025-06-30 + 12 months = due 2026-06-30
    assert dates.months_after("2025-06-30", 12, D("2026-06-30")) == dates.Deadline(D("2026-06-30"), False, 0)
    assert dates.months_after("2025-06-30", 12, D("2026-07-01")).late
    assert dates.months_after("2025-06-30", 12, D("2026-06-29")).days_left == 1
    # month ends are clamped: 2025-08-31 + 6 months = 2026-02-28
    assert dates.months_after("2025-08-31", 6, D("2026-03-01")).due == D("2026-02-28")
    assert dates.months_after(None, 12, D("2026-06-30")) is None


def test_days_after():
    # 2026-06-01 + 30 days = 2026-07-01
    d = dates.days_after("2026-06-01", 30, D("2026-06-30"))
    assert (d.due, d.late, d.days_left) == (D("2026-07-01"), False, 1)
    assert dates.days_after("2026-05-31", 30, D("2026-07-01")).late  # due 2026-06-30


def test_on_or_before_the_as_of_date():
    # the as-of day itself counts as known; the day after does not
    assert dates.on_or_before("2026-06-30", D("2026-06-30")) and not dates.on_or_before("2026-07-01", D("2026-06-30"))
