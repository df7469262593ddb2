"""A column of activity periods judged at once (issue 19 win 2): the fast path of the activity
CSV scan (activity_rows._State.block) asks whether every period of a block is one of the forms
of activity_rows.PERIOD, of the record's year, without a pass per row in Python.

The periods of a block are one bytes object, `count` periods of one width joined by newlines,
so the k-th character of every period is a slice of it with a step (no copy per row). Each
two-digit field (month, day, hour, minute, second) becomes one code per row: the tens digit
mapped to 0, 10, ... 90 (Q to 100, H to 110, anything else 120), the units digit to 0 ... 9
(anything else 128), and the two columns added as big integers, a byte a row (a sum is at most
248, so no byte carries into the next). A field is valid when every code is one of its allowed
values: a code with a character that is not a digit is 120 or more, above every allowed one.
tests/checks/emissions/test_period_column.py holds it to PERIOD on valid and invalid periods."""

from __future__ import annotations

_TENS = bytes(10 * (c - 48) if 48 <= c <= 57 else 100 if c == 81 else 110 if c == 72 else 120 for c in range(256))  # 81 Q, 72 H
_UNITS = bytes(c - 48 if 48 <= c <= 57 else 128 for c in range(256))

_MONTH = bytes(range(1, 13))
_DAY = bytes(range(1, 32))  # 01-31 in every month, as PERIOD reads a day
_HOUR = bytes(range(24))  # 00-23: the end of a day is the next day's 00:00, never 24:00
_SIXTY = bytes(range(60))  # minutes and seconds 00-59 (no leap second)
_QUARTER_OR_HALF = bytes((101, 102, 103, 104, 111, 112))  # Q1-Q4, H1-H2

# the width of a period -> (offset, character) of its fixed characters after the year, and
# (offset, allowed codes) of its two-character fields; the forms of PERIOD, one a width
_SHAPES: dict[int, tuple[tuple[tuple[int, bytes], ...], tuple[tuple[int, bytes], ...]]] = {
    4: ((), ()),
    7: (((4, b"-"),), ((5, _MONTH + _QUARTER_OR_HALF),)),
    10: (((4, b"-"), (7, b"-")), ((5, _MONTH), (8, _DAY))),
    16: (((4, b"-"), (7, b"-"), (10, b"T"), (13, b":")), ((5, _MONTH), (8, _DAY), (11, _HOUR), (14, _SIXTY))),
    19: (((4, b"-"), (7, b"-"), (10, b"T"), (13, b":"), (16, b":")), ((5, _MONTH), (8, _DAY), (11, _HOUR), (14, _SIXTY), (17, _SIXTY))),
}
WIDTHS = frozenset(_SHAPES)
_DIGITS = b"0123456789"


def all_periods(joined: bytes, width: int, count: int, year: str | None = None) -> bool:
    """Whether `joined` is `count` periods of `width` characters joined by newlines (no newline
    after the last), every one a period of PERIOD's forms and, when `year` (four ASCII digits)
    is given, of that year. ASCII only: a character that is not is a refusal, never a period."""
    shape = _SHAPES.get(width)
    if shape is None or count < 1:
        return False
    step = width + 1
    # the n - 1 newlines (a cell holds none) each where a period of `width` ends: every period
    # is `width` long
    if len(joined) != count * step - 1 or joined[width::step].count(b"\n") != count - 1:
        return False
    if year:
        for k in range(4):
            if joined[k::step].count(year[k].encode("ascii")) != count:
                return False
    else:
        for k in range(4):
            if joined[k::step].translate(None, _DIGITS):
                return False
    fixed, fields = shape
    for at, char in fixed:
        if joined[at::step].count(char) != count:
            return False
    for at, allowed in fields:
        tens = joined[at::step].translate(_TENS)
        units = joined[at + 1 :: step].translate(_UNITS)
        codes = (int.from_bytes(tens, "big") + int.from_bytes(units, "big")).to_bytes(count, "big")
        if codes.translate(None, allowed):
            return False
    return True
