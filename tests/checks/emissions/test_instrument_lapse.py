"""emissions.instrument-lapse-uncovered (9.1.1, A.9.1 c, 10.2): days of an activity record's
period on which an instrument it names was out of its calibration are dealt with by a
nonconformity listing the instrument. The setup of tests/checks/emissions_org.py with the 2024
coal weighed on MI-1, calibrated every 6 months."""

from __future__ import annotations

import pytest

from tests.lines import line_of

from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import activity, coal_line, put, setup

RULE = "emissions.instrument-lapse-uncovered"
REL = "activity/AD-2024-SRC-COAL.yaml"


def _scale(org, *cals):
    calibrations = [{"date": d, "type": "calibration", "result": r, **({"next_due": due} if due else {})} for d, r, due in cals]
    put(
        org,
        "instruments",
        org.record(
            "measuring_instrument",
            "MI-1",
            instrument_type="belt_scale",
            measures="coal",
            accuracy_class="0.5",
            calibration_method="calibration",
            interval_months=6,
            calibrations=calibrations,
        ),
    )
    act = {"quantity": {"value": 1000, "unit": "t"}, "data_source": "belt scale", "instrument": ["MI-1"]}
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity=act))


def _nc(org, **item):
    nc = dict(source="monitoring", detected_on="2024-10-01", description="belt scale calibrated late", corrective_action_needed=True)
    put(org, "improvement", org.record("nonconformity", "NC-1", instruments=[{"instrument": "MI-1", **item}], **nc))


def _late(org, on="2024-09-12"):
    _scale(org, ("2024-03-05", "pass", "2024-09-04"), (on, "pass", "2025-03-11"), ("2025-03-05", "pass", "2025-09-04"))


def test_calibrated_in_time(org):
    setup(org)
    _scale(org, ("2024-03-05", "pass", "2024-09-04"), ("2024-09-04", "pass", "2025-03-03"), ("2025-03-03", "pass", "2025-09-02"))
    assert only(org.run(), RULE) == []


def test_a_lapse_without_a_nonconformity(org):
    # due on 4 September, calibrated on 12 September: 5 to 11 September is 7 days
    setup(org)
    _late(org)
    [f] = only(org.run(), RULE)
    assert (f.file, f.line, f.path) == (REL, line_of(org, REL, "- MI-1"), "line.activity.instrument[0]")
    assert f.message == (
        "MI-1 measured this activity data while out of its calibration (due 2024-09-04, next on 2024-09-12): "
        "2024-09-05 to 2024-09-11, 7 days of the period 2024-01-01 to 2024-12-31, and no nonconformity lists MI-1 for these days"
    )
    assert f.severity == "error" and "9.1.1" in f.clauses


@pytest.mark.parametrize(
    "item,covered",
    [({}, True), ({"period": {"start": "2024-09-04", "end": "2024-09-12"}}, True), ({"period": {"start": "2024-09-04", "end": "2024-09-10"}}, False)],
)
def test_a_nonconformity_naming_the_instrument(org, item, covered):
    setup(org)
    _late(org)
    _nc(org, **item)
    assert (only(org.run(), RULE) == []) is covered


def test_a_longer_lapse_than_the_nonconformity_says(org):
    # the probe p12: calibrated on 12 December instead: 5 September to 11 December is
    # 26 + 31 + 30 + 11 = 98 days, more than the nonconformity's 4 to 12 September
    setup(org)
    _late(org, on="2024-12-12")
    _nc(org, period={"start": "2024-09-04", "end": "2024-09-12"})
    [f] = only(org.run(), RULE)
    assert "(due 2024-09-04, next on 2024-12-12): 2024-09-05 to 2024-12-11, 98 days" in f.message


def test_a_failed_calibration_starts_no_validity(org):
    # failed on 1 September, passed on 1 October: due 4 September, so 5 to 30 September (26 days)
    setup(org)
    _scale(org, ("2024-03-05", "pass", "2024-09-04"), ("2024-09-01", "fail", None), ("2024-10-01", "pass", "2025-03-31"))
    [f] = only(org.run(), RULE)
    assert "2024-09-05 to 2024-09-30, 26 days" in f.message
