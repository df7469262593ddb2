"""Management system arithmetic (clauses 4-10): terms of office, calibration due dates, risk scores,
deviations. (Deadlines and "known at the as-of date" are the engine's: cms_build.dates, records.)

Pure functions, no records: checks/ feeds them values read from records and settings.
Every date rule follows one convention: the due day itself is not late, the day after is
(due 2026-06-30 and as-of 2026-06-30: not overdue; as-of 2026-07-01: overdue).
"""

from __future__ import annotations

import datetime as dt

from cms_build.api import dates


def latest(items, date_of):
    """The item with the latest date (date_of(item) -> date or None); None if none has one."""
    dated = [(d, i) for i, d in ((i, dates.parse(date_of(i))) for i in items) if d is not None]
    if not dated:
        return None
    return max(dated, key=lambda pair: pair[0])[1]


def in_office(start, until, as_of: dt.date) -> bool:
    """A term [start, until] (until absent = open-ended) that includes the as-of date."""
    s, u = dates.parse(start), dates.parse(until)
    return s is not None and s <= as_of and (u is None or as_of <= u)


def holds_role(roles, person_id, day: dt.date) -> bool:
    """Whether person_id is a holder, in office on `day`, of one of the given role records
    (their `holders` terms, from .. until inclusive)."""
    return any(
        isinstance(h, dict) and h.get("person") == person_id and in_office(h.get("from"), h.get("until"), day) for r in roles for h in (r.get("holders") or [])
    )


def instrument_due(calibrations, interval_months) -> tuple[dt.date | None, dict | None]:
    """Due date of an instrument's next verification or calibration, and the record it follows.

    The latest dated record counts (whatever its result: a failed one is reported apart).
    Its own next_due (the date on the certificate) wins; otherwise its date plus the
    instrument's interval. None when there is no record, or neither is known.
    """
    last = latest([c for c in calibrations or [] if isinstance(c, dict)], lambda c: c.get("date"))
    if last is None:
        return None, None
    due = dates.parse(last.get("next_due"))
    if due is None and isinstance(interval_months, int) and interval_months > 0:
        due = dates.add_months(dates.parse(last["date"]), interval_months)
    return due, last


def risk_score(likelihood, impact) -> int | None:
    """Significance = likelihood x impact (6.5.2 b), e.g. 4 x 4 = 16."""
    if not isinstance(likelihood, int) or not isinstance(impact, int):
        return None
    return likelihood * impact


def deviation_percent(expected, actual) -> float | None:
    """(actual - expected) / expected x 100; None when expected is zero or a value is missing.

    expected 100, actual 112 -> +12.0; expected 0.82, actual 0.738 -> -10.0. Rounded to 9 decimals so that
    binary floating-point noise (-9.999999999999998) does not decide a threshold.
    """
    if not isinstance(expected, (int, float)) or not isinstance(actual, (int, float)) or expected == 0:
        return None
    return round((actual - expected) / abs(expected) * 100.0, 9)
