"""The fast path of the activity CSV scan (checks/emissions/activity_rows.py, issue 19 win 2):
a block whose rows are all plain is taken by passes over columns; any other row is read one
by one. Whatever a file holds, the scan must equal the reading row by row (fast=False, the
reading before the fast path): the same sum to the last bit, the same counts, lines, rows
estimated or filled, the same first unusable row and the same located problems."""

import random

import pytest

from checks.emissions import activity_rows as ar
from cms_build import csvfile


def scan(tmp_path, data: bytes, *, fast: bool, year=2024, status="status", period="month", limits=(10**7, 10**6, 100)):
    (tmp_path / "a.csv").write_bytes(data)
    return ar._scan(tmp_path, tmp_path / "a.csv", "a.csv", "t", period, status, year, limits, fast=fast)


def facts(s: ar.ActivityScan) -> tuple:
    problem = None if s.problem is None else (s.problem.file, s.problem.line, s.problem.message, s.problem.hint)
    return (s.header, problem, repr(s.total), s.measured, s.others, s.unusable, s.row_problems, s.periods)


def same(tmp_path, data: bytes, **kw) -> ar.ActivityScan:
    fast, slow = scan(tmp_path, data, fast=True, **kw), scan(tmp_path, data, fast=False, **kw)
    assert facts(fast) == facts(slow)
    return fast


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(ar, "_BLOCK", 64)  # a block of a line or two: every case crosses blocks


def test_plain_rows_are_taken_by_the_fast_path_with_the_figures_worked_by_hand(tmp_path, monkeypatch):
    taken = taken_blocks(monkeypatch)
    rows = "".join(
        f"2024-{m:02d},{v},{st}\n"
        for m, v, st in ((1, "0.1", "measured"), (2, "0.2", "estimated"), (3, "0.3", "measured"), (4, "4", "filled"), (5, "5", "measured"))
    )
    s = same(tmp_path, b"month,t,status\n" + rows.encode())
    assert taken  # the fast path took blocks
    # Σ in file order: ((((0.1 + 0.2) + 0.3) + 4) + 5) = 9.6 (0.1 + 0.2 = 0.30000000000000004)
    assert s.total == (((0.1 + 0.2) + 0.3) + 4) + 5
    # measured: lines 2, 4, 6 (0.1 + 0.3 + 5 = 5.4); estimated line 3, filled line 5
    assert s.measured == [3, (0.1 + 0.3) + 5, 2, 6]
    assert s.others == [(3, "2024-02", 0.2, "estimated"), (5, "2024-04", 4.0, "filled")]
    assert s.row_problems == [] and s.unusable is None and s.problem is None


@pytest.mark.parametrize(
    "rows, why",
    [
        ("2024-01,1,measured\n2024-01,2,measured\n", "a period twice"),
        ("2024-02,1,measured\n2024-01,2,measured\n2024-02,3,measured\n", "falling, then a repeat of an earlier block"),
        ("2024-01,-1,measured\n", "negative"),
        ("2024-01,nan,measured\n2024-02,inf,measured\n", "not finite"),
        ("2024-01,,measured\n2024-02,3,missing\n", "gaps"),
        ('2024-01,"1,400",measured\n2024-02,5,measured\n', "a quoted cell (read by the csv module to the end)"),
        ("2024-01,1 400,measured\n", "thousands with a space (parse_number)"),
        (" 2024-01 ,1, Measured \n", "spaces and capitals"),
        ("2023-12,1,measured\n2024-13,1,measured\n2024-Q5,1,measured\n", "outside the year, not periods"),
        ("2024-01,1,measured,extra\n2024-02,2\n", "a long row and a short row"),
        ("2024-01,1,measured,x\n2024-02,2\n2024-03,3,measured\n", "commas moved between lines"),
        ("\n,,\n2024-01,1,measured\n", "blank lines"),
        ("2024-01,1,measured\r\n2024-02,2,measured\r\n", "CRLF"),
        ("2024-01,1,measured\r2024-02,2,measured\n", "a lone CR"),
        ("2024-01,1\x00,measured\n", "a NUL"),
        ("2024-01,1,measured\n2024-02,2,measured", "no newline at the end"),
        ("2024,1,measured\n2024-H1,1,measured\n2024-01-01,1,measured\n2024-01-01T00:00,1,measured\n", "mixed forms"),
        ("2024-01-01T00:00:00,1,measured\n2024-01-01T00:00:30,1,measured\n2024-01-01T24:00:00,1,measured\n", "a time of day out of range"),
        ("2024-01,1e308,measured\n2024-02,1e308,measured\n", "a sum that overflows"),
        ("2024-01," + "9" * 101 + ",measured\n", "a cell over the limit"),
        ("2024-01,٣,measured\n", "a digit of another script"),
    ],
)
def test_rows_the_fast_path_refuses_give_what_row_by_row_gives(tmp_path, rows, why):
    same(tmp_path, ("month,t,status\n" + "".join(f"2024-0{m},{m},measured\n" for m in range(1, 3)) + rows).encode())
    same(tmp_path, ("month,t,status\n" + rows).encode())


def test_a_repeat_of_a_period_taken_by_the_fast_path_is_located_at_its_first_row(tmp_path):
    rows = "".join(f"2024-01-{d:02d},{d},measured\n" for d in range(1, 29))
    s = same(tmp_path, ("month,t,status\n" + rows + "2024-01-05,7,measured\n").encode())
    # 2024-01-05 is data row 5, file line 6; the repeat is line 2 + 28 = 30
    assert s.row_problems == [(30, "period '2024-01-05': the same period as row 6")]


def test_not_utf8_after_fast_blocks_is_located_at_its_line(tmp_path):
    data = ("month,t,status\n" + "".join(f"2024-01-{d:02d},{d},measured\n" for d in range(1, 20))).encode() + "一月,7,measured\n".encode("gbk")
    s = same(tmp_path, data)
    assert (s.problem.line, s.problem.message) == (21, "the file is not UTF-8 text")  # header + 19 rows, then line 21


def test_the_row_limit_is_met_at_the_same_line(tmp_path):
    data = ("month,t,status\n" + "".join(f"2024-01-{d:02d},{d},measured\n" for d in range(1, 29))).encode()
    s = same(tmp_path, data, limits=(10**7, 20, 100))
    assert (s.problem.line, s.problem.message) == (22, "more than 20 rows (limits.max_table_rows): the rest is not read")


def test_no_period_or_status_column_and_a_bom(tmp_path):
    s = same(tmp_path, "\ufefft\n1\n2\n3\n".encode(), period=None, status=None)
    assert (s.header, s.total, s.measured) == (["t"], 6.0, [3, 6.0, 2, 4])  # 1 + 2 + 3, lines 2 to 4
    same(tmp_path, b"month,t\n2024-01,1\n2024-02,2\n", year=None, status=None)
    same(tmp_path, b"month,t,t\n2024-01,1,2\n", year=None)  # a repeated column name: as csv.DictReader


def test_random_files_scan_alike(tmp_path, monkeypatch):
    taken = []
    real = ar._State.block
    monkeypatch.setattr(ar._State, "block", lambda self, text, line: taken.append(real(self, text, line)) or taken[-1])
    rng = random.Random(19)
    pieces = [
        "{p},{v},measured",
        "{p},{v},estimated",
        "{p},{v},filled",
        "{p},,missing",
        "{p},-{v},measured",
        '{p},"{v}",measured',
        "{p}, {v} ,measured",
        "{p},{v},Estimated",
        "{p},{v}",
        "{p},{v},measured,x",
        "",
        ",,",
        "2023-12,{v},measured",
        "{p},nan,measured",
        "{p},{v},measured\r",
    ]
    for _ in range(300):
        periods = sorted({f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(rng.randint(1, 40))})
        if rng.random() < 0.3:
            rng.shuffle(periods)
        if rng.random() < 0.3:
            periods += rng.sample(periods, min(3, len(periods)))
        lines = []
        for p in periods:
            piece = pieces[0] if rng.random() < 0.8 else rng.choice(pieces)
            lines.append(piece.format(p=p, v=rng.choice(["1", "0.1", "2.5", "1e3", "0"])))
        data = ("month,t,status\n" + "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")).encode()
        same(tmp_path, data)
    assert 0 < sum(taken) < len(taken)  # blocks taken by the fast path, and blocks refused


def test_the_one_reading_of_a_table_is_unchanged_by_the_blocks(tmp_path):
    """read_csv reads through read_blocks: lines and cells as the csv module gives them."""
    (tmp_path / "a.csv").write_bytes(b'\xef\xbb\xbfa,b\r\n1,"x\ny"\n\n2,3')
    assert list(csvfile.read_csv(tmp_path, tmp_path / "a.csv", "a.csv")) == [(1, ["a", "b"]), (2, ["1", "x\ny"]), (5, ["2", "3"])]
    blocks = list(csvfile.read_blocks(tmp_path, tmp_path / "a.csv", "a.csv", size=4))
    assert blocks == [(1, "a,b\r\n"), (2, '1,"x\ny"\n'), (4, "\n"), (5, "2,3")]


def taken_blocks(monkeypatch) -> list:
    """The lines of the blocks the fast path takes (a spy on _State.block)."""
    taken: list = []
    real = ar._State.block

    def block(self, text, line):
        took = real(self, text, line)
        if took:
            taken.append(line)
        return took

    monkeypatch.setattr(ar._State, "block", block)
    return taken


def test_hourly_readings_over_a_leap_day_are_taken_with_the_sums_worked_by_hand(tmp_path, monkeypatch):
    taken = taken_blocks(monkeypatch)
    monkeypatch.setattr(ar, "_BLOCK", 400)  # blocks of about ten rows
    hours = [f"2024-02-{d}T{h:02d}:00" for d in (28, 29) for h in range(24)]  # 48 rows, 2024 a leap year
    rows = "".join(f"{p},0.5,{'estimated' if i in (10, 40) else 'measured'}\n" for i, p in enumerate(hours))
    s = same(tmp_path, ("month,t,status\n" + rows).encode())
    assert len(taken) > 2  # every block of rows taken by the fast path (the header is a block of its own)
    # 48 × 0.5 = 24 and 46 × 0.5 = 23, exact in binary; data row i is file line i + 2
    assert (s.total, s.measured) == (24.0, [46, 23.0, 2, 49])
    assert s.others == [(12, "2024-02-28T10:00", 0.5, "estimated"), (42, "2024-02-29T16:00", 0.5, "estimated")]
    assert s.row_problems == [] and s.unusable is None


@pytest.mark.parametrize(
    "period",
    [
        "2024-01-01T24:00",  # the end of a day written as 24:00 is not a period (PERIOD: hours 00-23)
        "2024-01-01T23:60",
        "2024-01-01T23:59:60",  # no leap second
        "2024-01-01T00:00:00Z",  # no time zone: periods are local time
        "2024-01-01T00:00+08:00",
        "2024-01-01t00:00",
        "2024-01-01 00:00",
        "2024-01-01T0:00",
        "2024-01-32",
        "2024-00-01",
        "2024-02-30",  # a day up to 31 in any month, as PERIOD reads it: the two paths agree
        "2024-02-29T23:59:59",
        "2024-12-31T23:59",
    ],
)
def test_a_period_of_a_time_of_day_is_judged_alike_by_both_paths(tmp_path, monkeypatch, period):
    monkeypatch.setattr(ar, "_BLOCK", 1 << 16)  # one block: the odd period among plain ones
    before = "".join(f"2024-01-01T00:{m:02d},1,measured\n" for m in range(10)) if len(period) != 10 else "2024-01-01,1,measured\n"
    s = same(tmp_path, ("month,t,status\n" + before + f"{period},2,measured\n").encode())
    valid = ar.PERIOD.match(period) is not None
    assert (s.row_problems == []) == valid
    if valid:
        assert s.total == 1.0 * (before.count("\n")) + 2.0


def test_the_cell_limit_is_kept_by_the_fast_path_in_big_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(ar, "_BLOCK", 1 << 16)
    rows = "".join(f"2024-01-{d:02d},{d},measured,m\n" for d in range(1, 29))
    # a meter cell over the limit of 100 in a block longer than 100 characters: located at its line
    s = same(tmp_path, ("month,t,status,meter\n" + rows + "2024-01-29,1,measured," + "x" * 101 + "\n").encode())
    assert (s.problem.line, s.problem.message) == (30, "cell 4 holds 101 characters, more than the limit of 100 (limits.max_cell_chars)")
    # a limit below a period's length: every row is read one by one and meets it
    s = same(tmp_path, ("month,t,status\n" + "2024-01-01,1,measured\n").encode(), limits=(10**7, 10**6, 9))
    assert (s.problem.line, s.problem.message) == (2, "cell 1 holds 10 characters, more than the limit of 9 (limits.max_cell_chars)")


def test_text_that_is_not_ascii_is_taken_or_read_row_by_row_alike(tmp_path, monkeypatch):
    taken = taken_blocks(monkeypatch)
    monkeypatch.setattr(ar, "_BLOCK", 1 << 16)
    rows = "".join(f"2024-01-{d:02d},{d},measured,燃气表{d}\n" for d in range(1, 11))
    s = same(tmp_path, ("month,t,status,meter\n" + rows).encode())
    assert taken == [2]  # a meter's name in Chinese: the block is still plain
    assert (s.total, s.measured) == (55.0, [10, 55.0, 2, 11])  # 1 + 2 + ... + 10 = 55, lines 2 to 11
    taken.clear()
    # a full-width digit: float() reads "１" as 1, float() of its UTF-8 bytes does not, so the
    # block is read row by row, which takes it: 55 + 1 = 56
    s = same(tmp_path, ("month,t,status,meter\n" + rows + "2024-01-11,１,measured,x\n").encode())
    assert taken == [] and s.total == 56.0
    # 60 Chinese characters are 180 bytes: over the limit of 100 as bytes, not as characters;
    # the fast path refuses the block and the rows read one by one keep the cell
    s = same(tmp_path, ("month,t,status,meter\n" + rows + "2024-01-11,1,measured," + "表" * 60 + "\n").encode())
    assert s.problem is None and s.total == 56.0
