"""checks.neutrality.balance: readings 1-5 of shared/standard/README.md at their edges.

Dates sit exactly on and either side of each deadline; grades are checked for each credit
type, at the five-year boundary and for mixed claims; balances against hand arithmetic.
"""

from __future__ import annotations

import datetime as dt

import pytest

from checks.neutrality import balance as nc
from cms_build.trace import Traced

D = dt.date.fromisoformat


# -- reading 1: one year less a day ------------------------------------------------------------
@pytest.mark.parametrize(
    "start, years, last",
    [
        ("2025-03-01", 1, "2026-02-28"),  # the README's example
        ("2024-02-29", 1, "2025-02-28"),  # leap day: anniversary rolls to 1 March
        ("2025-01-01", 1, "2025-12-31"),
        ("2023-03-01", 1, "2024-02-29"),  # a period ending in a leap February
        ("2025-03-01", 2, "2027-02-28"),
        ("2024-02-29", 2, "2026-02-28"),  # 2026 is common: anniversary 1 March
        ("2024-02-29", 4, "2028-02-28"),  # 2028 is leap: anniversary 29 February, less a day
    ],
)
def test_last_valid_day(start, years, last):
    assert nc.last_valid_day(D(start), years) == D(last)


def test_effective_last_day_caps_a_longer_claim():
    # valid_until 2026-03-31 is beyond 2025-03-01 + 1 year - 1 day = 2026-02-28: capped
    assert nc.effective_last_day(D("2025-03-01"), D("2026-03-31")) == D("2026-02-28")
    assert nc.effective_last_day(D("2025-03-01"), D("2026-02-27")) == D("2026-02-27")
    assert nc.effective_last_day(D("2025-03-01"), None) == D("2026-02-28")


# -- reading 2: three calendar months ----------------------------------------------------------
@pytest.mark.parametrize(
    "event, months, deadline",
    [
        ("2025-05-31", 3, "2025-08-31"),  # README example
        ("2025-11-30", 3, "2026-02-28"),  # README example: clamped to February's end
        ("2023-11-30", 3, "2024-02-29"),  # clamped to a leap February's end
        ("2025-05-12", 3, "2025-08-12"),
        ("2025-01-31", 1, "2025-02-28"),
    ],
)
def test_correction_deadline(event, months, deadline):
    assert nc.correction_deadline(D(event), months) == D(deadline)


@pytest.mark.parametrize(
    "corrected_on, as_of, state",
    [
        (None, "2025-08-30", "open"),  # a day before the deadline
        (None, "2025-08-31", "open"),  # on the deadline: still open
        (None, "2025-09-01", "lapsed"),  # the day after
        ("2025-08-31", "2025-08-31", "corrected"),  # in effect on the deadline day: in time
        ("2025-08-31", "2025-08-30", "open"),  # decided, but not yet in effect on the as-of date
        ("2025-09-01", "2025-09-01", "lapsed"),  # one day late
        ("2025-09-01", "2025-08-31", "open"),  # the late one is not yet in effect either
    ],
)
def test_event_state_at_the_deadline(corrected_on, as_of, state):
    corrections = [D(corrected_on)] if corrected_on else []
    e = nc.event_state("E1", D("2025-05-31"), corrections, D(as_of))
    assert e.state == state and e.deadline == D("2025-08-31")
    if state == "lapsed" and corrected_on:
        assert e.late_corrections == [D("2025-09-01")]


def test_event_state_february_clamp():
    # event 2025-11-30: deadline 2026-02-28; correction on 2026-02-28 in time, on 2026-03-01 late
    assert nc.event_state("E", D("2025-11-30"), [D("2026-02-28")], D("2026-03-10")).state == "corrected"
    assert nc.event_state("E", D("2025-11-30"), [D("2026-03-01")], D("2026-03-10")).state == "lapsed"
    assert nc.event_state("E", D("2025-11-30"), [], D("2026-02-28")).state == "open"


def test_event_not_invalidating_or_after_validity():
    assert nc.event_state("E", D("2025-05-31"), [], D("2026-01-01"), invalidates=False).state == "not_invalidating"
    last = D("2026-02-28")
    assert nc.event_state("E", D("2026-03-01"), [], D("2026-09-01"), claim_last_day=last).state == "after_validity"
    assert nc.event_state("E", D("2026-02-28"), [], D("2026-09-01"), claim_last_day=last).state == "lapsed"


# -- status ------------------------------------------------------------------------------------
def status(as_of, events=(), **kw):
    args = dict(valid_from=D("2025-03-01"), valid_until=D("2026-02-28"), expiring_days=60)
    args.update(kw)
    return nc.claim_status(as_of=D(as_of), events=list(events), **args)


@pytest.mark.parametrize(
    "as_of, expected, days_left",
    [
        ("2025-02-28", "not_yet_valid", None),
        ("2025-03-01", "valid", 364),  # 2026-02-28 - 2025-03-01 = 364 days
        ("2025-12-29", "valid", 61),  # 61 days left: not yet "expiring"
        ("2025-12-30", "expiring", 60),  # exactly 60 days left: expiring
        ("2026-02-28", "expiring", 0),  # the last valid day
        ("2026-03-01", "expired", None),  # the day after
    ],
)
def test_status_around_the_validity_period(as_of, expected, days_left):
    st = status(as_of)
    assert st.status == expected and st.last_valid_day == D("2026-02-28")
    if days_left is not None:
        assert st.days_left == days_left


def test_status_never_valid_beyond_one_year():
    # valid_until 2026-03-31 claimed; reading 1 caps it at 2026-02-28
    assert status("2026-03-01", valid_until=D("2026-03-31")).status == "expired"
    assert status("2026-02-28", valid_until=D("2026-03-31")).status == "expiring"


def test_status_with_a_two_year_setting():
    # claim_max_validity_years: 2 -> valid through 2027-02-28 at most
    st = status("2026-03-01", valid_until=D("2027-02-28"), max_years=2)
    assert st.status == "valid" and st.last_valid_day == D("2027-02-28")


def test_status_correction_pending_then_withdrawn():
    ev = lambda as_of: nc.event_state("E1", D("2025-05-31"), [], D(as_of))  # noqa: E731
    st = status("2025-08-31", [ev("2025-08-31")])
    assert (st.status, st.deadline) == ("correction_pending", D("2025-08-31"))
    assert "2025-08-31" in st.reason
    st = status("2025-09-01", [ev("2025-09-01")])
    assert (st.status, st.withdraw_from, st.deadline) == ("withdrawn", D("2025-09-01"), D("2025-08-31"))
    # corrected on the deadline: valid again
    fixed = nc.event_state("E1", D("2025-05-31"), [D("2025-08-31")], D("2025-09-01"))
    assert status("2025-09-01", [fixed]).status == "valid"


def test_correction_pending_names_the_earliest_deadline():
    e1 = nc.event_state("E1", D("2025-06-15"), [], D("2025-07-01"))  # deadline 2025-09-15
    e2 = nc.event_state("E2", D("2025-05-20"), [], D("2025-07-01"))  # deadline 2025-08-20
    assert status("2025-07-01", [e1, e2]).deadline == D("2025-08-20")


@pytest.mark.parametrize(
    "event, as_of, expected",
    [
        # deadline 2026-02-27: withdrawn from 2026-02-28, still inside the validity period
        ("2025-11-27", "2026-02-28", "withdrawn"),
        # deadline 2026-02-28 = the last valid day: the claim expires before any withdrawal
        ("2025-11-28", "2026-03-01", "expired"),
        ("2025-11-30", "2026-03-01", "expired"),
    ],
)
def test_lapse_at_the_end_of_validity(event, as_of, expected):
    e = nc.event_state("E", D(event), [], D(as_of), claim_last_day=D("2026-02-28"))
    assert status(as_of, [e]).status == expected


def test_status_precedence():
    lapsed = nc.event_state("E", D("2025-04-01"), [], D("2025-09-01"))
    assert status("2025-09-01", [lapsed], recorded="draft").status == "draft"
    assert status("2025-06-01", recorded="withdrawn", withdrawn_on=D("2025-05-20")).status == "withdrawn"
    assert status("2025-06-01", superseded_on=D("2025-06-01"), superseded_by="NC-2").status == "superseded"
    assert status("2025-05-31", superseded_on=D("2025-06-01")).status == "valid"
    assert status("2025-09-01", [lapsed], superseded_on=D("2025-06-01")).status == "withdrawn"
    assert status("2026-06-01", superseded_on=D("2026-03-01")).status == "superseded"
    assert nc.claim_status(as_of=D("2025-06-01"), valid_from=None, valid_until=None).status == "draft"


# -- reading 3: grades -------------------------------------------------------------------------
@pytest.mark.parametrize("ptype", ["afforestation", "reforestation", "forest_management", "ccus", "other_removal"])
def test_removal_is_gold_whatever_the_vintage(ptype):
    g = nc.credit_grade(ptype, 2001, 2026, standard="CCER", graded_standards=["CCER"])
    assert g.grade == "Gold" and "removal" in g.reason and "D.8.2.5" in g.reason


@pytest.mark.parametrize("ptype", [t for t, c in nc.CATEGORY_OF_TYPE.items() if c != "removal"])
def test_destruction_and_avoidance_at_the_five_year_boundary(ptype):
    # achieved 2026: vintage 2021 is 5 years before -> Silver; 2020 is 6 -> Bronze
    assert nc.credit_grade(ptype, 2021, 2026).grade == "Silver"
    assert nc.credit_grade(ptype, 2026, 2026).grade == "Silver"
    bronze = nc.credit_grade(ptype, 2020, 2026)
    assert bronze.grade == "Bronze" and "6 years before 2026 > 5" in bronze.reason


def test_silver_window_is_a_setting():
    assert nc.credit_grade("landfill_gas", 2023, 2026, silver_years=3).grade == "Silver"
    assert nc.credit_grade("landfill_gas", 2022, 2026, silver_years=3).grade == "Bronze"
    assert nc.credit_grade("landfill_gas", 2026, 2026, silver_years=0).grade == "Silver"
    assert nc.credit_grade("landfill_gas", 2025, 2026, silver_years=0).grade == "Bronze"


def test_ungraded_credits():
    assert nc.credit_grade("afforestation", 2023, 2026, standard="local_pilot", graded_standards=["CCER", "VCS"]).grade is None
    assert nc.credit_grade("wind", 2023, 2026).grade is None  # unknown type
    assert nc.credit_grade("renewable_power", None, 2026).grade is None


def G(grade):
    return nc.Grade(grade, f"{grade} reason")


@pytest.mark.parametrize(
    "grades, lowest",
    [
        (["Gold"], "Gold"),
        (["Silver"], "Silver"),
        (["Bronze"], "Bronze"),
        (["Gold", "Silver"], "Silver"),
        (["Silver", "Gold"], "Silver"),
        (["Gold", "Bronze"], "Bronze"),
        (["Silver", "Bronze"], "Bronze"),
        (["Gold", "Gold"], "Gold"),
    ],
)
def test_claim_gets_the_lowest_grade(grades, lowest):
    g = nc.claim_grade([(f"C{i}", G(x)) for i, x in enumerate(grades)])
    assert g.grade == lowest
    assert all(f"C{i}: {x}" in g.reason for i, x in enumerate(grades))


def test_claim_grade_without_credits_or_with_an_ungraded_one():
    assert nc.claim_grade([]).grade is None
    g = nc.claim_grade([("C1", G("Gold")), ("C2", nc.Grade(None, "local"))])
    assert g.grade is None and "C2" in g.reason


# -- reading 4: kinds of offset ----------------------------------------------------------------
def test_offset_kinds():
    assert nc.offset_kind("afforestation") == "forest_sink"
    assert nc.offset_kind("forest_management") == "forest_sink"
    assert nc.offset_kind("ccus") == "ccus"
    assert nc.offset_kind("renewable_power", "CCER") == nc.offset_kind("landfill_gas", "VCS") == "voluntary_reduction"
    assert nc.offset_kind("renewable_power", "CCER", "category") == "avoidance"
    assert nc.offset_kind("landfill_gas", "VCS", "category") == "destruction"
    assert nc.offset_kind("renewable_power", "VCS", "standard") == "VCS"


# -- reading 5: balance ------------------------------------------------------------------------
def T(v, label="x"):
    return Traced(v, "tCO2e", label)


def test_balance_by_hand():
    # E = 1396.51 + 38.47 = 1434.98; R = 10 + 2.5 = 12.5; B = 1434.98 - 12.5 = 1422.48
    # C = 1400 + 40 = 1440; S = 1440 - 1422.48 = 17.52
    b = nc.balance(T(1396.51), [T(38.47)], [T(10), T(2.5)], [T(1400), T(40)])
    assert b["emissions"].value == pytest.approx(1434.98)
    assert b["reductions"].value == pytest.approx(12.5)
    assert b["to_offset"].value == pytest.approx(1422.48)
    assert b["retired"].value == pytest.approx(1440)
    assert b["surplus"].value == pytest.approx(17.52)
    assert b["to_offset"].formula == "B = E - R" and len(b["emissions"].steps) == 2
    assert nc.covered(b["surplus"].value)


def test_balance_short_by_a_fraction():
    # B = 1167.41; C = 1167 -> S = -0.41: not covered; C = 1168 -> S = 0.59: covered
    assert not nc.covered(nc.balance(T(1167.41), [], [], [T(1167)])["surplus"].value)
    assert nc.covered(nc.balance(T(1167.41), [], [], [T(1168)])["surplus"].value)
    assert nc.covered(nc.balance(T(1000.0), [], [], [T(1000)])["surplus"].value)  # exactly covered


def test_reduction_share_by_hand():
    # counted inside: 50; reflected: 131.17 + 68.44 + 17.95 = 217.56; E = 1167.41
    # original = 1167.41 + 217.56 = 1384.97; share = (50 + 217.56) / 1384.97 × 100 = 19.3188…%
    share = nc.reduction_share(T(1167.41), [T(50)], [T(131.17), T(68.44), T(17.95)])
    assert share.value == pytest.approx(267.56 / 1384.97 * 100)
    assert share.unit == "%"
    assert nc.reduction_share(T(0), [], []).value == 0.0


def test_reduction_efficiency_by_hand():
    # D.6.2 b: counted inside 50, reflected 131.17 + 68.44 + 17.95 = 217.56; Q = 12 000 m2 served
    # efficiency = (50 + 217.56) / 12000 = 267.56 / 12000 = 0.0222966… tCO2e/m2
    eff = nc.reduction_efficiency([T(50)], [T(131.17), T(68.44), T(17.95)], 12000, "m2")
    assert eff.value == pytest.approx(0.02229666, rel=1e-6)
    assert eff.unit == "tCO2e/m2" and eff.method == "D.6.2 b"
    assert [(i.symbol, i.value) for i in eff.inputs] == [("R_in", 50), ("R_out", pytest.approx(217.56)), ("Q", 12000)]
    assert len(eff.steps) == 4
    none = nc.reduction_efficiency([T(50)], [], 0, "m2")  # no output: not defined, never a division by zero
    assert none.value is None and none.notes == ["no output in the period: the efficiency is not defined"]
