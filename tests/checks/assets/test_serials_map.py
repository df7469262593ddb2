"""Serial clashes (checks/assets/serials_map.py): ranges, not only equal strings."""

import datetime as dt

from checks.assets import serial_ranges
from checks.assets.serials_map import SerialUse, clashes

D = dt.date


def use(text, kind, day, record, account="A"):
    return SerialUse(serial_ranges.parse(text), kind, day, record, "serials[0]", account, {"record": record})


def test_a_clean_history_has_no_clash():
    uses = [
        use("CCER-0286-2017-100001-350000", "purchased", D(2022, 8, 16), "TL"),
        use("CCER-0286-2017-100001-350000", "held", D(2022, 12, 31), "HS"),
        use("CCER-0286-2017-100001-350000", "surrendered", D(2023, 11, 24), "SUR"),
    ]
    assert clashes(uses) == []


def test_overlapping_ranges_sold_then_surrendered():
    uses = [
        use("CCER-1-2020-000001-005000", "purchased", D(2024, 1, 5), "TL"),
        use("CCER-1-2020-000001-002000", "sold", D(2024, 3, 1), "TL2"),
        use("CCER-1-2020-001501-005000", "surrendered", D(2024, 6, 1), "SUR"),
    ]
    [c] = clashes(uses)
    # sold 1..2000, surrendered 1501..5000: 1501..2000 (500 units) disposed of twice
    assert c["type"] == "disposed_twice"
    assert (c["range"]["first"], c["range"]["last"], c["range"]["size"]) == (1501, 2000, 500)
    assert (c["first"]["record"], c["second"]["record"]) == ("TL2", "SUR")


def test_use_after_surrender_and_acquired_twice():
    uses = [use("X-01-10", "surrendered", D(2024, 1, 1), "S"), use("X-05-06", "sold", D(2024, 2, 1), "T")]
    [c] = clashes(uses)
    assert c["type"] == "after_terminal" and c["range"]["label"] == "X 5..6"
    uses = [use("Y-01-10", "purchased", D(2024, 1, 1), "T1", "A"), use("Y-10-20", "allocated", D(2024, 1, 2), "AL", "B")]
    [c] = clashes(uses)
    assert c["type"] == "acquired_twice" and (c["range"]["first"], c["range"]["last"]) == (10, 10)


def test_sold_and_bought_back_is_fine_and_held_elsewhere_is_not():
    uses = [use("Z-01-10", "purchased", D(2024, 1, 1), "T1"), use("Z-01-10", "sold", D(2024, 2, 1), "T2"), use("Z-01-10", "purchased", D(2024, 3, 1), "T3")]
    assert clashes(uses) == []
    uses = [use("Z-01-10", "purchased", D(2024, 1, 1), "T1", "A"), use("Z-01-10", "held", D(2024, 1, 31), "HS", "B")]
    [c] = clashes(uses)
    assert c["type"] == "held_elsewhere"


def test_same_day_transfer_between_own_accounts():
    # bought, moved to another own account and sold the same day: no clash
    uses = [
        use("W-1-5", "sold", D(2024, 5, 1), "T9", "B"),
        use("W-1-5", "transferred_in", D(2024, 5, 1), "TF", "B"),
        use("W-1-5", "transferred_out", D(2024, 5, 1), "TF", "A"),
        use("W-1-5", "purchased", D(2024, 5, 1), "T1", "A"),
    ]
    assert clashes(uses) == []
