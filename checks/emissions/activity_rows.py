"""The rules a row of activity data must follow, shared by `cms import activity` (which
rejects such rows) and the check emissions.activity-row-invalid (which reports rows already
in the repository): the same row is never accepted by one and refused by the other.

A row is a period, a value and a status (6.1.2 e, A.9.1.1 b):
- the period is written YYYY, YYYY-MM, YYYY-MM-DD (with a time of day, YYYY-MM-DDTHH:MM[:SS],
  for high-frequency readings), YYYY-Qn or YYYY-Hn, inside the record's year;
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
# A day may carry a time of day (YYYY-MM-DDTHH:MM[:SS], ISO 8601 local time): hourly CEMS
# or meter readings at a million rows a year are periods too (issue 19).
PERIOD = re.compile(
    r"^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?)?"
    r"|-Q[1-4]|-H[12])?$"
)


def period_problem(period: str, year, seen: dict) -> str | None:
    """What is wrong with a row's period (seen: period -> the row that had it), or None."""
    if not PERIOD.match(period):
        return "not a period: write YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-Qn or YYYY-Hn"
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


def csv_table(
    source, column: str, period_column: str | None = None, status_column: str | None = None, *, file: str = "", limits: tuple[int, int, int] | None = None
):
    """An activity CSV (UTF-8, header row) as (header, rows); a row is (line, period, raw value,
    status), line 1 being the header. Read the same way by the computation and the check.

    `source` is CSV text, or (root, path) of a repository file, streamed. Raises TableProblem."""
    if isinstance(source, str):
        _, max_rows, max_cell = limits or csvfile.table_limits()
        records = csvfile.csv_records(io.StringIO(source.lstrip("\ufeff"), newline=""), file, max_rows=max_rows, max_cell=max_cell)
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


class ActivityScan:
    """One streaming pass over an activity CSV: what the computation needs (the sum, the
    measured rows counted, the rows that are not measured values, the first row it cannot
    use) and what emissions.activity-row-invalid reports (the rows breaking the rules above),
    so a 1,000,000-row file is read once per run and no per-row object is kept (issue 19).

    problem: the TableProblem that stopped the reading (then nothing else is meaningful);
    total: Σ of every usable value in file order (the same float as summing the rows);
    measured: (count, Σ, first line, last line) of the rows whose status is measured;
    others: [(line, period, value, status)] of the rows estimated or filled;
    unusable: the first row the computation refuses, as (kind, line, period, raw) with kind
    'nan' (not a number), 'gap' (no value or status missing) or 'inf' (not finite);
    row_problems: [(line, message)] as the check words them."""

    __slots__ = ("header", "problem", "total", "measured", "others", "unusable", "row_problems")

    def __init__(self) -> None:
        self.header: list[str] = []
        self.problem = None
        self.total = 0.0
        self.measured = [0, 0.0, None, None]
        self.others: list[tuple] = []
        self.unusable: tuple | None = None
        self.row_problems: list[tuple[int, str]] = []


def _scan(root, path, file: str, column: str, period_column, status_column, year, limits) -> ActivityScan:
    scan = ActivityScan()
    try:
        records = csvfile.read_csv(root, path, file, limits)
        header: list[str] | None = None
        seen: dict = {}
        match, ys = PERIOD.match, str(year) if year else ""
        measured = scan.measured
        total = 0.0
        for n, cells in records:
            if header is None:  # the first line that is not blank
                header = [h.strip() for h in cells]
                scan.header = header
                index = {h: i for i, h in enumerate(header)}
                vi, pi, si = index.get(column), index.get(period_column), index.get(status_column)
                dup = len(index) != len(header)  # a repeated name: read as csv.DictReader does
                continue
            if dup:
                row = dict(zip(header, cells))
                raw, pcell, scell = row.get(column), row.get(period_column), row.get(status_column)
            else:  # a short row lacks the last columns (as csv.DictReader)
                k = len(cells)
                raw = cells[vi] if vi is not None and vi < k else None
                pcell = cells[pi] if pi is not None and pi < k else None
                scell = cells[si] if si is not None and si < k else None
            period = (pcell or "").strip() if period_column else f"row {n}"
            status = (scell or "measured").strip().lower() if status_column else "measured"
            # the check's reading of the row (inventory_rules._csv_problems before issue 19)
            bad_period = False
            if period_column:
                # the common case tested inline, the full rule (and its words) on the rest
                if period in seen or not match(period) or (ys and not period.startswith(ys)):
                    p = period_problem(period, year, seen)
                    if p:
                        scan.row_problems.append((n, f"period {period!r}: {p}"))
                        bad_period = True
                if not bad_period:
                    seen[period] = n
            try:
                v = float(raw)  # what float() reads, parse_number reads alike; the rest goes to it
            except (TypeError, ValueError):
                try:
                    v = csvfile.parse_number(raw)
                except ValueError:
                    if scan.unusable is None:
                        scan.unusable = ("nan", n, period, raw)
                    continue
            if v is None or status == "missing":
                if scan.unusable is None:
                    scan.unusable = ("gap", n, period, raw)
                continue
            if not bad_period and not 0 <= v < math.inf:
                p = value_problem(v)
                if p:
                    scan.row_problems.append((n, f"{raw.strip()} in column {column!r}: {p}"))
            if not math.isfinite(v):
                if scan.unusable is None:
                    scan.unusable = ("inf", n, period, raw)
                continue
            total += v
            if status == "measured":
                measured[0] += 1
                measured[1] += v
                if measured[2] is None:
                    measured[2] = n
                measured[3] = n
            else:
                scan.others.append((n, period, v, status))
        scan.total = total
    except csvfile.TableProblem as exc:
        scan.problem = exc
    return scan


# One pass per file and run: the computation (checks/emissions/lines.py, run before the rules)
# leaves its scan here, and emissions.activity-row-invalid takes it (and removes it); the check
# of a record the computation did not read scans the file itself. The computation never
# reuses an entry, so a file rewritten between two computations is read anew. Keyed by the
# record object (kept in the entry, so its id is not reused while the entry lives), the file's
# size and modification time and everything the reading depends on; a few entries kept.
_SCANS: dict = {}
_KEEP = 16


def _key(record, path, file, column, period_column, status_column, limits) -> tuple:
    try:
        st = path.stat()
        stamp = (st.st_size, st.st_mtime_ns)
    except (OSError, AttributeError):
        stamp = None
    year = record.get("year") if record is not None else None
    return (id(record), str(path), stamp, file, column, period_column, status_column, year, tuple(limits or ()))


def scan_csv(
    record, root, path, file: str, column: str, period_column=None, status_column=None, limits: tuple[int, int, int] | None = None, *, reuse: bool = False
) -> ActivityScan:
    """The ActivityScan of an activity CSV of `record` (see _scan). The computation calls it
    with reuse=False and leaves the scan for the check, which calls it with reuse=True."""
    key = _key(record, path, file, column, period_column, status_column, limits)
    if reuse:
        hit = _SCANS.pop(key, None)
        if hit is not None:
            return hit[1]
    year = record.get("year") if record is not None else None
    scan = _scan(root, path, file, column, period_column, status_column, year, limits)
    if not reuse:
        while len(_SCANS) >= _KEEP:
            _SCANS.pop(next(iter(_SCANS)))
        _SCANS[key] = (record, scan)
    return scan
