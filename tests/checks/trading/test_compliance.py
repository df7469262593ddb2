"""The compliance position (checks/trading/compliance.py), worked out by hand."""

import datetime as dt

import pytest

from checks.trading.compliance import Surrendered, due_amount, position

D = dt.date


def test_due_is_the_sum_of_verified_emissions_or_the_stated_amount():
    rows = [(2021, 5_962_310, {}), (2022, 5_804_775, {})]
    assert due_amount(rows).value == 11_767_085  # 5,962,310 + 5,804,775
    stated = due_amount(rows, 11_500_000)
    assert stated.value == 11_500_000 and "11767085" in stated.notes[0]


def test_closed_obligation_met_with_ccer_within_the_limit():
    due = 11_767_085
    s = [Surrendered(D(2023, 11, 28), 11_517_085, False), Surrendered(D(2023, 11, 24), 250_000, True)]
    pos = position(due, s, D(2023, 12, 31), D(2026, 6, 30), 0.05, price=68.90)
    # Lc = 0.05 × 11,767,085 = 588,354.25; S = 11,517,085 + min(250,000, 588,354.25) = 11,767,085
    assert pos["ccer_limit"]["value"] == pytest.approx(588_354.25)
    assert pos["surrendered"]["value"] == 11_767_085
    assert pos["position"]["value"] == 0 and not pos["short"] and pos["closed"]
    assert pos["ccer_over_limit"] == 0 and pos["late"] == []


def test_ccer_above_the_limit_does_not_count():
    # D = 1,000,000: Lc = 50,000; A = 940,000, C = 60,000 -> S = 940,000 + 50,000 = 990,000; short 10,000
    s = [Surrendered(D(2025, 12, 1), 940_000, False), Surrendered(D(2025, 12, 1), 60_000, True)]
    pos = position(1_000_000, s, D(2025, 12, 31), D(2026, 1, 5), 0.05)
    assert pos["surrendered"]["value"] == 990_000
    assert pos["ccer_over_limit"] == 10_000
    assert pos["remaining"]["value"] == 10_000 and pos["short"]
    assert pos["position"]["value"] == -10_000


def test_late_surrender_counts_but_is_listed_as_late():
    s = [Surrendered(D(2025, 12, 31), 900, False), Surrendered(D(2026, 1, 1), 100, False)]
    pos = position(1_000, s, D(2025, 12, 31), D(2026, 2, 1), 0.05)
    assert pos["on_time"] == 900  # the deadline day itself is on time
    assert [x["quantity"] for x in pos["late"]] == [100]
    assert not pos["short"]


def test_open_obligation_position_with_holdings_valued():
    # D = 6,018,858; nothing surrendered yet; held: 5,970,973 allowances and 40,000 CCER
    # Lc = 0.05 × 6,018,858 = 300,942.9 > 40,000, so V = 5,970,973 + 40,000 = 6,010,973
    # P = 0 + 6,010,973 − 6,018,858 = −7,885; at 60.10 CNY/t: −7,885 × 60.10 = −473,888.50
    pos = position(6_018_858, [], D(2025, 12, 31), D(2025, 10, 14), 0.05, 5_970_973, 40_000, 60.10)
    assert not pos["closed"]
    assert pos["cover"]["value"] == 6_010_973
    assert pos["position"]["value"] == -7_885
    assert pos["value"]["value"] == pytest.approx(-473_888.50)


def test_ccer_room_limits_the_ccer_cover():
    # D = 100,000: Lc = 5,000; 3,000 CCER already surrendered -> room 2,000 of the 10,000 held
    s = [Surrendered(D(2025, 11, 1), 3_000, True)]
    pos = position(100_000, s, D(2025, 12, 31), D(2025, 11, 2), 0.05, 90_000, 10_000)
    assert pos["cover"]["value"] == 92_000  # 90,000 + min(10,000, 5,000 − 3,000)
    assert pos["position"]["value"] == -5_000  # 3,000 + 92,000 − 100,000


def test_surrenders_after_the_as_of_date_are_not_known_yet():
    s = [Surrendered(D(2025, 12, 20), 1_000, False)]
    pos = position(1_000, s, D(2025, 12, 31), D(2025, 12, 19), 0.05)
    assert pos["surrendered"]["value"] == 0 and pos["remaining"]["value"] == 1_000
