"""checks.assets.serial_ranges: serial numbers compared as ranges."""

from __future__ import annotations

from checks.assets.serial_ranges import SerialRange, covered_by, overlaps, parse, total_size


def test_parse_text_range_and_single():
    r = parse("CCER-1001-2021-000001-005000")
    assert (r.block, r.first, r.last, r.size) == ("CCER-1001-2021", 1, 5000, 5000)
    one = parse("CCER-1001-2021-000001")  # widths differ (4 vs 6): one serial, not 2021..1
    assert (one.block, one.first, one.last) == ("CCER-1001-2021", 1, 1)
    assert parse("ccer-1001-2021-004001 ~ 006000").block == "CCER-1001-2021"


def test_parse_structured_and_bad():
    r = parse({"block": "CCER-0312-2016 ", "first": 200001, "last": 201450})
    assert (r.block, r.size) == ("CCER-0312-2016", 1450)
    assert parse({"block": "X", "first": 5, "last": 4}) is None
    assert parse({"block": "X", "first": True, "last": 4}) is None
    assert parse("") is None and parse(None) is None
    opaque = parse("ABC-XYZ")
    assert opaque.size == 1 and opaque.overlaps(parse("abc-xyz")) and not opaque.overlaps(parse("ABC-XY"))


def test_overlap_of_ranges_not_strings():
    a = parse("CCER-1001-2021-000001-005000")
    b = parse("CCER-1001-2021-004001-006000")
    shared = a.overlap(b)
    assert (shared.first, shared.last, shared.size) == (4001, 5000, 1000)
    # touching but not sharing: 1..5000 and 5001..6000
    assert not a.overlaps(parse("CCER-1001-2021-005001-006000"))
    # the last serial of a range, written alone
    assert a.overlaps(parse("CCER-1001-2021-005000"))
    # same numbers, other block
    assert not a.overlaps(parse("CCER-1002-2021-000001-005000"))
    assert len(overlaps([a], [b, parse("CCER-9-000001-000009")])) == 1


def test_covered_by_and_total():
    bought = [SerialRange("B", 1, 100)]
    assert covered_by([SerialRange("B", 10, 20)], bought) == []
    left = covered_by([SerialRange("B", 90, 110)], bought)
    assert [(r.first, r.last) for r in left] == [(101, 110)]
    assert [(r.block, r.first) for r in covered_by([SerialRange("C", 1, 1)], bought)] == [("C", 1)]
    assert total_size([SerialRange("B", 1, 100), SerialRange("B", 201, 250), None]) == 150
