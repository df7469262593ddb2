"""The rules a row of activity data must follow, shared by `cms import activity` (which
rejects such rows) and the check emissions.activity-row-invalid (which reports rows already
in the repository): the same row is never accepted by one and refused by the other.

A row is a period, a value and a status (6.1.2 e, A.9.1.1 b):
- the period is written YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn, inside the record's year;
- a period appears once;
- the status is measured, estimated, filled or missing, and a row with a value is not missing;
- the value is a finite number, not negative: a consumption or a purchase is never below zero
  (an export is recorded as its own quantity, not as a negative purchase).
"""
from __future__ import annotations

import io
import math
import re

from cms_build.api import csvfile

STATUSES = ("measured", "estimated", "filled", "missing")
PERIOD = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?$")


def period_problem(period: str, year, seen: dict) -> str | None:
    """What is wrong with a row's period (seen: period -> the row that had it), or None."""
    if not PERIOD.match(period):
        return "not a period: write YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn"
    if year and not period.startswith(str(year)):
        return f"outside the record's reporting year {year}"
    if period in seen:
        return f"the same period as row {seen[period]}"
    return None


def value_problem(value) -> str | None:
    """What is wrong with a row's value (a number already parsed, or None), or None."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "not a number (write it without units or thousands separators)"
    if value < 0:
        return "negative consumption: activity data is never below zero"
    return None


def csv_table(source, column: str, period_column: str | None = None, status_column: str | None = None,
              *, file: str = "", limits: tuple[int, int, int] | None = None):
    """An activity CSV (UTF-8, header row) as (header, rows); a row is (line, period, raw value,
    status), line 1 being the header. Read the same way by the computation and the check.

    `source` is CSV text, or (root, path) of a repository file, streamed. Raises TableProblem."""
    if isinstance(source, str):
        _, max_rows, max_cell = limits or csvfile.table_limits()
        records = csvfile.csv_records(io.StringIO(source.lstrip("\ufeff"), newline=""), file, max_rows=max_rows,
                              max_cell=max_cell)
    else:
        records = csvfile.read_csv(*source, file, limits)
    header: list[str] | None = None
    rows = []
    for n, cells in records:
        if header is None:  # the first line that is not blank
            header = [h.strip() for h in cells]
            continue
        row = dict(zip(header, cells))  # as csv.DictReader: a short row lacks the last columns
        period = (row.get(period_column) or "").strip() if period_column else f"row {n}"
        status = (row.get(status_column) or "measured").strip().lower() if status_column else "measured"
        rows.append((n, period, row.get(column), status))
    return header or [], rows
