"""emissions.activity-period-missing (6.1.2 e, A.9.1.1 b): rows given per month (quarter, half
year, day) include every such period of the record's period. The setup of
tests/checks/emissions_org.py: 2024 coal 1,000 t, split here into monthly rows."""

from __future__ import annotations

import datetime as dt

from tests.lines import line_of

from checks.emissions import activity_rows
from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import activity, coal_line, put, setup

RULE = "emissions.activity-period-missing"
REL = "activity/AD-2024-SRC-COAL.yaml"
CSV_FILE = {"path": "coal-2024.csv", "column": "t", "period_column": "month", "status_column": "status"}


def _csv(org, months, tonnes, **extra):
    rows = "".join(f"2024-{m:02d},{tonnes},measured\n" for m in months)
    org.add("activity/coal-2024.csv", "month,t,status\n" + rows)
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"unit": "t", "file": dict(CSV_FILE)}), **extra)


def test_every_month_has_a_row(org):
    setup(org)
    _csv(org, range(1, 13), 1000 / 12)  # 12 × 83.333 t = 1,000 t: the setup's total
    assert only(org.run(), RULE) == []


def test_a_month_without_a_row(org):
    setup(org)
    # April left out, the other eleven carrying the year's 1,000 t: the total still agrees, so
    # nothing else would say that April was never measured
    _csv(org, [m for m in range(1, 13) if m != 4], 1000 / 11)
    [f] = only(org.run(), RULE)
    assert (f.file, f.line, f.path) == (REL, line_of(org, REL, "path: coal-2024.csv"), "line.activity.file.path")
    assert f.message == ("activity/coal-2024.csv gives monthly rows but none for 2024-04, inside the period of AD-2024-SRC-COAL (2024-01-01 to 2024-12-31)")
    assert f.severity == "error" and "A.9.1.1 b" in f.clauses


def test_the_record_period_bounds_the_months(org):
    # commissioned on 15 June: June to December are the record's months (June in part)
    setup(org)
    put(org, "facilities", org.record("facility", "FAC-1", site="S1", facility_type="coal_fired_unit", process="发电", commissioned="2024-06-15"))
    _csv(org, range(6, 13), 1000 / 7, period={"start": "2024-06-15", "end": "2024-12-31"})
    assert only(org.run(), RULE) == []
    _csv(org, range(7, 13), 1000 / 6, period={"start": "2024-06-15", "end": "2024-12-31"})
    [f] = only(org.run(), RULE)
    assert "none for 2024-06, inside the period of AD-2024-SRC-COAL (2024-06-15 to 2024-12-31)" in f.message


def test_quarterly_values_in_the_record(org):
    setup(org)
    values = [{"period": p, "value": 250} for p in ("2024-Q1", "2024-Q2", "2024-Q4")] + [{"period": "2024-Q3", "value": 250}]
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"unit": "t", "values": values}))
    assert only(org.run(), RULE) == []
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"unit": "t", "values": values[:2] + [{"period": "2024-Q4", "value": 500}]}))
    [f] = only(org.run(), RULE)
    assert f.path == "line.activity.values" and "the quarterly values of AD-2024-SRC-COAL have no row for 2024-Q3" in f.message


def test_many_missing_months_are_counted(org):
    setup(org)
    _csv(org, [1, 2], 500)
    [f] = only(org.run(), RULE)
    assert "none for 2024-03, 2024-04, 2024-05, 2024-06, 2024-07, 2024-08 and 4 more" in f.message


def test_times_of_day_are_not_judged(org):
    setup(org)
    org.add("activity/coal-2024.csv", "month,t,status\n2024-01-01T00:00,600,measured\n2024-12-31T23:00,400,measured\n")
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"unit": "t", "file": dict(CSV_FILE)}))
    assert only(org.run(), RULE) == []


def test_expected_periods_by_hand():
    d = dt.date
    assert activity_rows.expected_periods("month", d(2024, 11, 20), d(2025, 2, 1)) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert activity_rows.expected_periods("quarter", d(2024, 5, 1), d(2024, 12, 31)) == ["2024-Q2", "2024-Q3", "2024-Q4"]
    assert activity_rows.expected_periods("half", d(2024, 1, 1), d(2024, 6, 30)) == ["2024-H1"]
    assert len(activity_rows.expected_periods("day", d(2024, 1, 1), d(2024, 12, 31))) == 366  # a leap year
    assert activity_rows.missing_periods(["2024-01", "2024-Q1"], d(2024, 1, 1), d(2024, 12, 31)) == (None, [])  # mixed forms
    assert activity_rows.missing_periods(["2024-02-28"], d(2024, 2, 28), d(2024, 3, 1)) == ("day", ["2024-02-29", "2024-03-01"])
