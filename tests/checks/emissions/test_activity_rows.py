"""Reading activity tables (checks/emissions/activity_rows.py): streamed, bounded, located; and
the one number parser that `cms import` and the checks share."""

from cms_build import csvfile
import itertools
import os

import pytest

from checks.emissions import activity_rows as ar


def problem(fn, *args, **kwargs):
    with pytest.raises(csvfile.TableProblem) as info:
        fn(*args, **kwargs)
    return info.value.file, info.value.line, info.value.message


def test_rows_keep_their_file_lines():
    text = 'month,t,status\n2024-01,600,measured\n\n2024-02,"1,400",filled\n'
    header, rows = ar.csv_table(text, "t", "month", "status", file="a.csv")
    assert header == ["month", "t", "status"]
    assert rows == [(2, "2024-01", "600", "measured"), (4, "2024-02", "1,400", "filled")]


def test_a_cell_over_the_limit_is_a_problem_at_its_line():
    text = "month,t\n2024-01,600\n2024-02," + "9" * 101 + "\n"
    assert problem(ar.csv_table, text, "t", "month", file="a.csv", limits=(10**6, 100, 100)) == (
        "a.csv",
        3,
        "cell 2 holds 101 characters, more than the limit of 100 (limits.max_cell_chars)",
    )


def test_a_cell_over_the_csv_modules_own_limit_is_located_too():
    text = 'month,t\n2024-01,600\n2024-02,"' + "9" * 140_000 + '"\n'  # csv.field_size_limit() is 131072
    assert problem(ar.csv_table, text, "t", "month", file="a.csv", limits=(10**7, 100, 10**6)) == (
        "a.csv",
        3,
        "a cell holds more than 131072 characters, more than the limit of 1000000 (limits.max_cell_chars)",
    )


def test_reading_stops_at_the_row_limit_even_on_an_endless_stream():
    endless = itertools.chain(["v\n"], itertools.repeat("1\n"))  # read whole, it would never end
    got = csvfile.csv_records(endless, "a.csv", max_rows=3)
    assert [n for n, _ in itertools.islice(got, 4)] == [1, 2, 3, 4]
    with pytest.raises(csvfile.TableProblem) as info:
        next(got)
    assert (info.value.line, info.value.message) == (5, "more than 3 rows (limits.max_table_rows): the rest is not read")


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    (tmp_path / "big.csv").write_text("v\n" + "1\n" * 1000)  # 2002 bytes
    calls = []
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: calls.append(n) or real(fd, n))
    assert problem(ar.csv_table, (tmp_path, tmp_path / "big.csv"), "v", file="big.csv", limits=(1024, 100, 100)) == (
        "big.csv",
        1,
        "the file is 2002 bytes, more than the limit of 1024 (limits.max_table_bytes)",
    )
    assert calls == []  # refused on its size: not a byte was read


def test_not_utf8_is_located_at_its_line(tmp_path):
    (tmp_path / "gbk.csv").write_bytes("month,t\n2024-01,600\n".encode() + "一月,7\n".encode("gbk"))
    assert problem(ar.csv_table, (tmp_path, tmp_path / "gbk.csv"), "t", "month", file="gbk.csv") == ("gbk.csv", 3, "the file is not UTF-8 text")


def test_a_linked_table_out_of_the_repository_is_refused(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "x.csv").write_text("v\n1\n")
    (root / "x.csv").symlink_to(tmp_path / "x.csv")
    assert problem(ar.csv_table, (root, root / "x.csv"), "v", file="x.csv") == ("x.csv", 1, "the file is a symbolic link to outside the repository")


@pytest.mark.parametrize(
    "cell, value", [("1,502.4", 1502.4), ("1 502.4", 1502.4), (" 7 ", 7.0), ("", None), (None, None), (12, 12.0), (2.5, 2.5), ("1e3", 1000.0)]
)
def test_parse_number_reads_what_people_write(cell, value):
    assert csvfile.parse_number(cell) == value


@pytest.mark.parametrize("cell", ["12 t", "1.2.3", "abc", True])
def test_parse_number_refuses_the_rest(cell):
    with pytest.raises(ValueError):
        csvfile.parse_number(cell)
