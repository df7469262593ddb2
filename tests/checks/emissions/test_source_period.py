"""emissions.source-period-uncovered (6.1.2 e, A.9.1.1 b): the periods of a source's activity
records of a reporting year cover every day of the year on which it operates. The setup of
tests/checks/emissions_org.py: SRC-ELEC's 2024 record covers the whole year (2024 is a leap
year: 366 days)."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.emissions.inventory import active_window, uncovered
from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import activity, elec_line, put, setup

RULE = "emissions.source-period-uncovered"


def _elec(org, rid, start, end, kwh=100_000):
    line = elec_line(2024, activity={"quantity": {"value": kwh, "unit": "kWh"}, "data_source": "grid meter"})
    activity(org, 2024, "SRC-ELEC", line, rid=rid, period={"start": start, "end": end})


def test_the_whole_year_is_covered(org):
    setup(org)
    assert only(org.run(), RULE) == []


def test_a_record_of_half_a_year(org):
    # the probe p17: the record ends on 30 June; July 31 + August 31 + September 30 + October 31
    # + November 30 + December 31 = 184 days have no data
    setup(org)
    _elec(org, "AD-2024-SRC-ELEC", "2024-01-01", "2024-06-30")
    [f] = only(org.run(), RULE)
    assert (f.file, f.line, f.path) == ("sources/SRC-ELEC.yaml", 2, "id")
    assert f.message == (
        "the activity data of SRC-ELEC (emission_source SRC-ELEC) for 2024 cover AD-2024-SRC-ELEC 2024-01-01 to 2024-06-30: "
        "184 days of 2024-01-01 to 2024-12-31, when it operates, have no activity data: 2024-07-01 to 2024-12-31 (184 days)"
    )
    assert f.severity == "error" and "A.9.1.1 b" in f.clauses and "6.1.2 e" in f.clauses


def test_two_records_with_a_month_between(org):
    setup(org)
    _elec(org, "AD-2024-SRC-ELEC", "2024-01-01", "2024-03-31", kwh=25_000)
    _elec(org, "AD-2024-SRC-ELEC-B", "2024-05-01", "2024-12-31", kwh=75_000)
    [f] = only(org.run(), RULE)
    assert "cover AD-2024-SRC-ELEC 2024-01-01 to 2024-03-31, AD-2024-SRC-ELEC-B 2024-05-01 to 2024-12-31: 30 days" in f.message
    assert f.message.endswith("have no activity data: 2024-04-01 to 2024-04-30 (30 days)")
    _elec(org, "AD-2024-SRC-ELEC", "2024-01-01", "2024-04-30", kwh=25_000)
    assert only(org.run(), RULE) == []


def test_a_superseded_record_covers_nothing(org):
    setup(org)
    _elec(org, "AD-2024-SRC-ELEC", "2024-01-01", "2024-06-30")
    line = elec_line(2024)
    activity(org, 2024, "SRC-ELEC", line, rid="AD-2024-SRC-ELEC-OLD", status="superseded")
    [f] = only(org.run(), RULE)
    assert "184 days" in f.message


@pytest.mark.parametrize(
    "start,message",
    [("2024-03-15", None), ("2024-04-01", "17 days of 2024-03-15 to 2024-12-31, when it operates, have no activity data: 2024-03-15 to 2024-03-31 (17 days)")],
)
def test_a_facility_commissioned_in_the_year(org, start, message):
    # commissioned on 15 March: 15 to 31 March is 17 days
    setup(org)
    put(org, "facilities", org.record("facility", "FAC-AUX", site="S1", facility_type="other", commissioned="2024-03-15"))
    _elec(org, "AD-2024-SRC-ELEC", start, "2024-12-31")
    found = only(org.run(), RULE)
    assert [f.message.split(": ", 1)[1] for f in found] == ([] if message is None else [message])


@pytest.mark.parametrize("end,days", [("2024-09-30", None), ("2024-09-29", 1)])
def test_a_source_ended_in_the_year(org, end, days):
    setup(org)
    put(
        org,
        "sources",
        org.record(
            "emission_source", "SRC-ELEC", facility="FAC-AUX", category="purchased_electricity", method="purchased_electricity", active_until="2024-09-30"
        ),
    )
    _elec(org, "AD-2024-SRC-ELEC", "2024-01-01", end)
    found = only(org.run(), RULE)
    assert [f.message.rsplit(": ", 1)[1] for f in found] == ([] if days is None else ["2024-09-30 (1 day)"])


def test_uncovered_by_hand():
    d = dt.date
    year = (d(2025, 1, 1), d(2025, 12, 31))
    assert uncovered(year, [(d(2025, 1, 1), d(2025, 12, 31))]) == []
    assert uncovered(year, [(d(2025, 1, 1), d(2025, 6, 30))]) == [(d(2025, 7, 1), d(2025, 12, 31))]
    # overlapping, out of order, reaching beyond the year
    spans = [(d(2025, 3, 1), d(2026, 2, 1)), (d(2024, 12, 1), d(2025, 1, 31)), (d(2025, 1, 15), d(2025, 2, 10))]
    assert uncovered(year, spans) == [(d(2025, 2, 11), d(2025, 2, 28))]
    assert uncovered(year, []) == [year]
    assert active_window({"active_from": "2025-04-01"}, {"commissioned": "2010-01-01", "retired_on": "2025-10-15"}, 2025) == (d(2025, 4, 1), d(2025, 10, 15))
    assert active_window({}, {"operating_status": "under_construction", "planned_start": "2025-11-01"}, 2025) == (d(2025, 11, 1), d(2025, 12, 31))
