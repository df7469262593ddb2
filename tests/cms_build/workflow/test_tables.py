"""Reading spreadsheets for cms import (cms_build/workflow/tables.py): bounded before read."""

import os

import openpyxl
import pytest

from cms_build.workflow.tables import TableError, read_table


def sheet(path, rows, write_only=False):
    book = openpyxl.Workbook(write_only=write_only)
    ws = book.create_sheet() if write_only else book.active
    ws.append(["period", "value", "status"])
    for i in range(rows):
        ws.append([f"2025-01-{i % 28 + 1:02d}", i, "measured"])
    book.save(path)
    return path


@pytest.mark.parametrize("write_only", [False, True])  # a write-only workbook declares no <dimension>
def test_a_sheet_over_the_row_limit_is_refused_before_openpyxl_opens_it(tmp_path, monkeypatch, write_only):
    path = sheet(tmp_path / "big.xlsx", 60, write_only)

    def never(*args, **kwargs):  # openpyxl would parse the whole sheet (twice, without a <dimension>)
        raise AssertionError("the workbook was opened although its row count refused it")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(TableError) as info:
        read_table(path, limits=(10**7, 50, 1000))
    assert str(info.value) == (
        f"{path}: a sheet (xl/worksheets/sheet1.xml) has 60 rows under its header, more than 50 (limits.max_table_rows); split the sheet"
    )


def test_a_sheet_within_the_limit_is_read(tmp_path):
    table = read_table(sheet(tmp_path / "ok.xlsx", 50, write_only=True), limits=(10**7, 50, 1000))
    assert len(table.rows) == 50 and table.rows[0] == (2, {"period": "2025-01-01", "value": 0, "status": "measured"})


def test_a_workbook_that_unpacks_to_more_than_8_times_the_limit(tmp_path):
    path = sheet(tmp_path / "wide.xlsx", 2000)
    size = path.stat().st_size
    with pytest.raises(TableError) as info:
        read_table(path, limits=(size, 10**6, 1000))  # the file fits; what it unpacks to does not
    assert "unpacked), more than the limit of" in str(info.value)


def test_a_cell_over_the_limit(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["period", "value", "notes"])
    book.active.append(["2025-01", 1, "x" * 101])
    book.save(tmp_path / "c.xlsx")
    with pytest.raises(TableError) as info:
        read_table(tmp_path / "c.xlsx", limits=(10**7, 10, 100))
    assert str(info.value).endswith("row 2: cell 3 holds 101 characters, more than the limit of 100 (limits.max_cell_chars)")


def test_a_csv_cell_over_the_limit_names_its_line(tmp_path):
    (tmp_path / "c.csv").write_text("period,value\n2025-01,1\n2025-02," + "9" * 101 + "\n", encoding="utf-8")
    with pytest.raises(TableError) as info:
        read_table(tmp_path / "c.csv", limits=(10**7, 10, 100))
    assert str(info.value) == (f"{tmp_path / 'c.csv'}: line 3: cell 2 holds 101 characters, more than the limit of 100 (limits.max_cell_chars)")


def test_a_device_is_refused(tmp_path):
    os.symlink("/dev/zero", tmp_path / "z.csv")  # the user named it, so any place is fine, but not a device
    with pytest.raises(TableError) as info:
        read_table(tmp_path / "z.csv")
    assert str(info.value) == f"{tmp_path / 'z.csv'}: a device, not a regular file: it is not read"
