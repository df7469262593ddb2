"""Management system arithmetic: instrument due dates, risk scores, deviations, roles (the date
helpers of cms_build/dates.py are tested in tests/cms_build/test_dates.py)."""

import datetime as dt

from checks.management import calc as m

D = dt.date.fromisoformat


def test_instrument_due_prefers_the_certificate_date_then_the_interval():
    cals = [{"date": "2024-06-01", "next_due": "2025-05-31"}, {"date": "2025-05-20", "next_due": "2026-05-19"}]
    due, last = m.instrument_due(cals, 12)
    assert due == D("2026-05-19") and last["date"] == "2025-05-20"
    # no next_due: 2025-05-20 + 6 months = 2025-11-20
    assert m.instrument_due([{"date": "2025-05-20"}], 6)[0] == D("2025-11-20")
    assert m.instrument_due([{"date": "2025-05-20"}], None) == (None, {"date": "2025-05-20"})
    assert m.instrument_due([], 12) == (None, None)


def test_risk_score_and_deviation():
    assert m.risk_score(4, 3) == 12  # 4 x 3
    assert m.risk_score(None, 3) is None
    assert m.deviation_percent(100, 112) == 12.0  # (112 - 100) / 100 x 100
    assert m.deviation_percent(0.82, 0.738) == -10.0  # (0.738 - 0.82) / 0.82 x 100 = -10
    assert m.deviation_percent(0, 5) is None


def test_in_office_and_latest():
    assert m.in_office("2025-01-01", None, D("2026-06-30"))
    assert m.in_office("2025-01-01", "2026-06-30", D("2026-06-30"))
    assert not m.in_office("2025-01-01", "2026-06-29", D("2026-06-30"))
    assert not m.in_office("2026-07-01", None, D("2026-06-30"))
    assert m.latest([{"d": "2025-01-01"}, {"d": "2026-01-01"}, {"d": None}], lambda x: x["d"]) == {"d": "2026-01-01"}


def test_holds_role_on_a_day():
    # holds_role reads only .get("holders"): plain dicts stand for the role records
    roles = [
        {"holders": [{"person": "P1", "from": "2025-01-10", "until": "2025-12-31"}, "not a holder"]},
        {"holders": [{"person": "P2", "from": "2024-01-01"}]},
    ]
    assert m.holds_role(roles, "P1", dt.date(2025, 1, 10)) and m.holds_role(roles, "P1", dt.date(2025, 12, 31))
    assert not m.holds_role(roles, "P1", dt.date(2025, 1, 9)) and not m.holds_role(roles, "P1", dt.date(2026, 1, 1))
    assert m.holds_role(roles, "P2", dt.date(2030, 1, 1)) and not m.holds_role(roles, "P3", dt.date(2025, 6, 1))
