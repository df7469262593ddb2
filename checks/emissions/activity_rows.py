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


import bisect
import datetime as dt
import functools
import io
import itertools
import math
import operator
import re

from cms_build.api import csvfile

from . import period_column

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
    row_problems: [(line, message)] as the check words them;
    periods: the distinct valid periods of the file, sorted, when they are years, halves,
    quarters, months or days (at most MAX_PERIODS of them), else None (times of day, or no
    period column): what emissions.activity-period-missing compares with the record's period."""

    __slots__ = ("header", "problem", "total", "measured", "others", "unusable", "row_problems", "periods")

    def __init__(self) -> None:
        self.header: list[str] = []
        self.problem = None
        self.total = 0.0
        self.measured = [0, 0.0, None, None]
        self.others: list[tuple] = []
        self.unusable: tuple | None = None
        self.row_problems: list[tuple[int, str]] = []
        self.periods: tuple[str, ...] | None = None


# A block of whole lines is taken by a fast path (_State.block) when every row in it is
# plain: no quote, no NUL, every line holding the header's columns, a number in the value
# column (finite, not negative), the status measured, estimated or filled as written, and the
# periods of one form, inside the year, rising (so none repeats). It then costs one split of
# the block and a few passes over columns (the periods judged at once by period_column.py), no
# Python work per row. Any other block is read row by row (_State.rows), the
# reading and the rules as before; a block with a quote, and what follows it, by the csv module
# as one stream (a quoted cell may hold a line break). Both give the same scan (issue 19 win 2;
# tests/checks/emissions/test_activity_scan.py compares them on files the fast path refuses).
_PLAIN_STATUSES = frozenset((b"measured", b"estimated", b"filled"))  # as the fast path reads them


class _Run:
    """The periods of a block the fast path took, rising, of one length: a sequence (for
    bisect) over their text joined by newlines, 1 + length characters a period."""

    __slots__ = ("text", "width", "size", "first", "last", "line")

    def __init__(self, text: str, width: int, line: int) -> None:
        """`text`: the periods joined by newlines, each `width` characters long."""
        self.text, self.width, self.size = text, width + 1, (len(text) + 1) // (width + 1)
        self.first, self.last, self.line = text[:width], text[len(text) - width :], line

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> str:
        at = i * self.width
        return self.text[at : at + self.width - 1]

    def find(self, period: str):
        """The line of `period` in this run, or None."""
        if not self.first <= period <= self.last:
            return None
        i = bisect.bisect_left(self, period)
        return self.line + i if i < self.size and self[i] == period else None


class _Seen:
    """period -> the line that had it, as a dict for the rows read one by one (`period_problem`
    asks `in` and `[]`) and as runs for the blocks of the fast path (no object per row)."""

    __slots__ = ("rows", "runs")

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.runs: list[_Run] = []

    def _find(self, period: str):
        n = self.rows.get(period)
        if n is None:
            for run in self.runs:
                n = run.find(period)
                if n is not None:
                    break
        return n

    def __contains__(self, period: object) -> bool:
        return isinstance(period, str) and self._find(period) is not None

    def __getitem__(self, period: str) -> int:
        n = self._find(period)
        if n is None:
            raise KeyError(period)
        return n

    def __setitem__(self, period: str, n: int) -> None:
        self.rows[period] = n


class _State:
    """What the reading of one file carries from one block to the next."""

    def __init__(self, scan: ActivityScan, file: str, column: str, period_column, status_column, year, limits) -> None:
        self.scan, self.file, self.column = scan, file, column
        self.period_column, self.status_column, self.year = period_column, status_column, year
        _, self.max_rows, self.max_cell = limits or csvfile.table_limits()
        self.header: list[str] | None = None
        self.seen = _Seen()
        self.last: str | None = None  # the greatest period so far
        self.rising = True  # every period so far above the one before: none repeats
        self.given = 0  # rows the csv reading gave (the header included)
        self.fast = False  # the header allows the fast path

    def _set_header(self, cells: list[str]) -> None:
        header = [h.strip() for h in cells]
        self.header = self.scan.header = header
        index = {h: i for i, h in enumerate(header)}
        self.vi, self.pi, self.si = index.get(self.column), index.get(self.period_column), index.get(self.status_column)
        self.dup = len(index) != len(header)  # a repeated name: read as csv.DictReader does
        self.fast = (
            not self.dup
            and self.vi is not None
            and (self.pi is not None or not self.period_column)
            and (self.si is not None or not self.status_column)
            and (not self.year or bool(re.fullmatch(r"[0-9]{4}", str(self.year))))
            # a period or a status is then never a cell over the limit (the fast path measures
            # the other columns' cells only)
            and self.max_cell >= max(period_column.WIDTHS)
        )

    def rows(self, records) -> None:
        """Rows read one by one (the rules as the check words them, PERIOD in full)."""
        scan = self.scan
        seen, year, column = self.seen, self.year, self.column
        period_column, status_column = self.period_column, self.status_column
        match, ys = PERIOD.match, str(year) if year else ""
        measured = scan.measured
        total = scan.total
        try:
            for n, cells in records:
                self.given += 1
                if self.header is None:  # the first line that is not blank
                    self._set_header(cells)
                    continue
                if self.dup:
                    row = dict(zip(self.header, cells))
                    raw, pcell, scell = row.get(column), row.get(period_column), row.get(status_column)
                else:  # a short row lacks the last columns (as csv.DictReader)
                    k, vi, pi, si = len(cells), self.vi, self.pi, self.si
                    raw = cells[vi] if vi is not None and vi < k else None
                    pcell = cells[pi] if pi is not None and pi < k else None
                    scell = cells[si] if si is not None and si < k else None
                period = (pcell or "").strip() if period_column else f"row {n}"
                status = (scell or "measured").strip().lower() if status_column else "measured"
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
                        if self.last is None or period > self.last:
                            self.last = period
                        else:
                            self.rising = False
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
        finally:
            scan.total = total

    def block(self, text: str, line: int) -> bool:
        """Take a block of whole lines (its first at file line `line`, no quote in it) when
        every row in it is plain, and say so; False when it took nothing.

        Read as UTF-8 bytes (cheaper to split than str): a comma or a newline byte is never
        part of another character, a cell's bytes are never fewer than its characters, and
        float() reads the bytes of an ASCII number as its text; what is not ASCII there is no
        number to float() of bytes, so the block is refused and read row by row."""
        if not self.fast or "\x00" in text:
            return False
        if "\r" in text:
            text = text.replace("\r\n", "\n")
            if "\r" in text:  # a lone carriage return: the csv module's to judge
                return False
        if not text.endswith("\n"):  # the file's last line
            text += "\n"
        count = text.count("\n")
        if self.given - 1 + count > self.max_rows:
            return False
        data = text.encode("utf-8")
        width = len(self.header or ())
        # The cells of every line and, after them, a cell "\n" that no cell of a line can be (a
        # cell holds no newline): the lines hold the header's columns, a blank line among them
        # too, exactly when every (width + 1)-th cell is that mark. One split, no pass per row.
        step = width + 1
        cells = data.replace(b"\n", b",\n,").split(b",")
        if len(cells) != count * step + 1 or cells[width::step].count(b"\n") != count:
            return False
        cells.pop()  # after the last mark
        scan = self.scan
        try:
            column = cells[self.vi :: step]
            values = list(map(float, column))  # a blank cell is no number: refused
        except ValueError:
            return False
        total = functools.reduce(operator.add, values, scan.total)  # in file order, as row by row
        if not math.isfinite(total) or min(values) < 0:
            return False
        statuses = cells[self.si :: step] if self.status_column else None
        kinds = set(statuses) if statuses is not None else {b"measured"}
        if not kinds <= _PLAIN_STATUSES:
            return False  # as written: another spelling is read row by row
        if len(data) > self.max_cell:  # else no cell can be over limits.max_cell_chars
            for j in range(width):  # a period's and a status's are short (matched below and above)
                if (j != self.pi or not self.period_column) and (j != self.si or not self.status_column):
                    if max(map(len, column if j == self.vi else cells[j::step])) > self.max_cell:
                        return False
        run = None
        if self.period_column:
            periods = cells[self.pi :: step]
            # one form (the first row's), of the record's year: judged over the column at once
            joined = b"\n".join(periods)
            if not period_column.all_periods(joined, len(periods[0]), count, str(self.year) if self.year else None):
                return False
            # ASCII now: bytes compare as their text does
            if not all(map(operator.lt, periods, itertools.islice(periods, 1, None))):
                return False  # not rising: read row by row, each period looked up
            run = _Run(joined.decode("ascii"), len(periods[0]), line)
            if self.last is not None and run.first <= self.last and self.rising:
                return False
            if not self.rising:  # an earlier period fell: none of these may be one seen before
                seen = self.seen
                if not seen.rows.keys().isdisjoint(run.text.split("\n")) or any(not (r.last < run.first or run.last < r.first) for r in seen.runs):
                    return False
        # every row is plain: take them
        scan.total = total
        measured = scan.measured
        others: list[int] = []
        for kind in sorted(kinds - {b"measured"}):  # the rows estimated or filled
            i = -1
            try:
                while True:
                    i = statuses.index(kind, i + 1)
                    others.append(i)
            except ValueError:
                pass
        others.sort()
        msum, at = measured[1], 0
        for i in others:  # the measured rows between the others, summed in file order
            msum = functools.reduce(operator.add, values[at:i], msum)
            at = i + 1
            n = line + i
            scan.others.append((n, run[i] if run is not None else f"row {n}", values[i], statuses[i].decode()))
        measured[1] = functools.reduce(operator.add, values[at:], msum)
        if len(others) < count:  # the first and the last measured row: past the others at either end
            first, k = 0, 0
            while k < len(others) and others[k] == first:
                first, k = first + 1, k + 1
            last, k = count - 1, len(others) - 1
            while k >= 0 and others[k] == last:
                last, k = last - 1, k - 1
            measured[0] += count - len(others)
            if measured[2] is None:
                measured[2] = line + first
            measured[3] = line + last
        if run is not None:
            self.seen.runs.append(run)
            if self.last is None or run.last > self.last:
                self.last = run.last
        self.given += count
        return True


_BLOCK = csvfile.BLOCK_BYTES  # bytes a block (tests make it small to cross many blocks)


def _scan(root, path, file: str, column: str, period_column, status_column, year, limits, *, fast: bool = True) -> ActivityScan:
    """The scan of one file; fast=False reads every row one by one (the reading before the
    fast path, kept as the reference the tests compare it with)."""
    scan = ActivityScan()
    state = _State(scan, file, column, period_column, status_column, year, limits)
    _, max_rows, max_cell = limits or csvfile.table_limits()
    try:
        blocks = csvfile.read_blocks(root, path, file, limits, _BLOCK)
        for line, text in blocks:
            if '"' in text or not fast:  # a quoted cell may run over lines: the csv module reads the rest
                rest = itertools.chain([(line, text)], blocks)
                state.rows(csvfile.csv_records(csvfile.block_lines(rest), file, max_rows=max_rows, max_cell=max_cell, first=line, before=state.given))
                break
            if not state.block(text, line):
                lines = io.StringIO(text, newline="\n")
                state.rows(csvfile.csv_records(lines, file, max_rows=max_rows, max_cell=max_cell, first=line, before=state.given))
    except csvfile.TableProblem as exc:
        scan.problem = exc
    if period_column and scan.problem is None:
        scan.periods = _distinct_periods(state.seen)
    return scan


MAX_PERIODS = 400  # a leap year's days and then some: more is a finer form than days


def _distinct_periods(seen: _Seen) -> tuple[str, ...] | None:
    """The periods a file gave, sorted, when none is finer than a day (YYYY-MM-DD) and there
    are at most MAX_PERIODS; else None. Cost: bounded by MAX_PERIODS, whatever the file's size
    (a run of times of day is refused by its width, not walked)."""
    out = set(seen.rows)
    if any(len(p) > 10 for p in out):
        return None
    for run in seen.runs:
        if run.width - 1 > 10 or len(out) + len(run) > MAX_PERIODS:
            return None
        out.update(run[i] for i in range(len(run)))
    return tuple(sorted(out)) if len(out) <= MAX_PERIODS else None


def expected_periods(form: str, start: dt.date, end: dt.date) -> list[str]:
    """Every period of one form (month YYYY-MM, quarter YYYY-Qn, half YYYY-Hn, day YYYY-MM-DD)
    that overlaps start..end, in order."""
    out: list[str] = []
    if form == "day":
        day = start
        while day <= end:
            out.append(day.isoformat())
            day += dt.timedelta(days=1)
        return out
    size = {"month": 1, "quarter": 3, "half": 6}[form]
    year, month = start.year, (start.month - 1) // size * size + 1
    while dt.date(year, month, 1) <= end:
        n = (month - 1) // size + 1
        out.append(f"{year}-{month:02d}" if form == "month" else f"{year}-{'Q' if form == 'quarter' else 'H'}{n}")
        month += size
        if month > 12:
            year, month = year + 1, month - 12
    return out


def period_form(periods) -> str | None:
    """The one form of a set of periods (year, half, quarter, month, day), or None when they
    mix forms or one is not a period."""
    forms = set()
    for p in periods:
        m = PERIOD.match(p)
        if not m:
            return None
        forms.add("year" if len(p) == 4 else "half" if "-H" in p else "quarter" if "-Q" in p else "month" if len(p) == 7 else "day" if len(p) == 10 else "time")
    return forms.pop() if len(forms) == 1 else None


def missing_periods(periods, start: dt.date, end: dt.date) -> tuple[str | None, list[str]]:
    """(form, the periods of that form overlapping start..end that `periods` lacks); (None, [])
    when the periods mix forms, are years or times of day (nothing to tell)."""
    form = period_form(periods)
    if form not in ("month", "quarter", "half", "day") or start > end:
        return None, []
    have = set(periods)
    return form, [p for p in expected_periods(form, start, end) if p not in have]


# One pass per file and run: the computation (checks/emissions/lines.py, run before the rules)
# leaves its scan here, and emissions.activity-row-invalid and emissions.activity-period-missing
# read it (it stays until a newer scan pushes it out); the check of a record the computation did
# not read scans the file itself. The computation never
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
        hit = _SCANS.get(key)
        if hit is not None:
            return hit[1]
    year = record.get("year") if record is not None else None
    scan = _scan(root, path, file, column, period_column, status_column, year, limits)
    if not reuse:
        while len(_SCANS) >= _KEEP:
            _SCANS.pop(next(iter(_SCANS)))
        _SCANS[key] = (record, scan)
    return scan
