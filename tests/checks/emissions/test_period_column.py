"""A column of periods judged at once (checks/emissions/period_column.py) says what
activity_rows.PERIOD and the year rule say of each period row by row: every one valid and of
the year, or not."""

import random

import pytest

from checks.emissions.activity_rows import PERIOD
from checks.emissions.period_column import all_periods


def judged(periods: list[str], year: str | None = "2024") -> bool:
    joined = "\n".join(periods).encode("utf-8")
    return all_periods(joined, len(periods[0].encode("utf-8")), len(periods), year)


def by_rows(periods: list[str], year: str | None = "2024") -> bool:
    """The rule row by row (activity_rows.period_problem without the repeat): PERIOD, the year."""
    return len({len(p) for p in periods}) == 1 and all(PERIOD.match(p) and (not year or p.startswith(year)) for p in periods)


VALID = [
    "2024",
    "2024-01",
    "2024-12",
    "2024-Q1",
    "2024-Q4",
    "2024-H1",
    "2024-H2",
    "2024-02-29",  # a leap day
    "2024-01-31",
    "2024-02-31",  # PERIOD takes a day up to 31 in any month; the column agrees
    "2024-12-31T23:59",
    "2024-01-01T00:00",
    "2024-02-29T23:59:59",
    "2024-06-30T12:30:00",
]
INVALID = [
    "2024-01-01T24:00",  # the end of a day is the next day's 00:00
    "2024-01-01T24:00:00",
    "2024-01-01T23:60",
    "2024-01-01T23:59:60",  # no leap second
    "2024-01-01T00:00:00Z",  # no time zone: local time
    "2024-01-01T00:00+08:00",
    "2024-01-01T00:00+0800",
    "2024-01-01t00:00",
    "2024-01-01 00:00",
    "2024-01-01T0:00:00",
    "2024-00",
    "2024-13",
    "2024-1Q",
    "2024-Q0",
    "2024-Q5",
    "2024-H0",
    "2024-H3",
    "2024-01-00",
    "2024-01-32",
    "2024-00-01",
    "2024-13-01",
    "2024-Q1-01",  # a quarter is no month of a day
    "2024/01/01",
    "2023-01-01",  # another year
    "20240101",
    "2024-٠١",  # digits of another script: never taken here (the row-by-row reading judges them)
    "2024-0a",
    "202",
    "",
]


@pytest.mark.parametrize("period", VALID)
def test_a_valid_period_alone_and_among_others_of_its_form(period):
    assert by_rows([period]) and judged([period])
    assert judged([period, period, period])  # a repeat is the scan's to find, not the column's


@pytest.mark.parametrize("period", INVALID)
def test_an_invalid_period_is_refused_wherever_it_stands(period):
    assert not by_rows([period])
    if not period:
        return
    for form in VALID:  # among valid ones of its width: first, in the middle, last
        if len(form.encode()) == len(period.encode()):
            for column in ([period, form, form], [form, period, form], [form, form, period]):
                assert not judged(column), column


def test_periods_of_two_widths_are_refused():
    assert not judged(["2024-01", "2024-01-01"])
    assert not judged(["2024-01-01", "2024-01"])
    assert not judged(["2024-01-01T00:00", "2024-01-01T00:00:00"])


def test_without_a_year_any_four_ascii_digits():
    assert judged(["1999-01", "2031-12"], year=None)
    assert not judged(["1999-01", "19x9-01"], year=None)
    assert not judged(["2024-01", "2023-01"], year="2024")


def test_random_columns_judge_as_the_rows_do():
    rng = random.Random(19)
    alphabet = "0123456789-:TQH Z+\n,"
    for width in (4, 7, 10, 16, 19):
        valid = [p for p in VALID if len(p) == width]
        for _ in range(2000):
            column = [rng.choice(valid) for _ in range(rng.randint(1, 6))]
            for _ in range(rng.randint(0, 2)):  # a character or two changed anywhere
                i, k = rng.randrange(len(column)), rng.randrange(width)
                p = column[i]
                column[i] = p[:k] + rng.choice(alphabet) + p[k + 1 :]
            if any("\n" in p for p in column):  # a cell never holds a newline: the split made it two
                continue
            assert judged(column) == by_rows(column), column
