"""cms import: good and bad CSV and XLSX, every rejected row reported, nothing written on rejection."""

import shutil

import openpyxl
import pytest

from tests.cms_build.test_cli import cms
from tests.conftest import EXAMPLE


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "org"
    shutil.copytree(EXAMPLE, root)
    return root


def gas_record(repo):
    return repo / "activity/2025/gas-2025.csv"


def test_activity_csv_good_replaces_only_with_overwrite(repo, tmp_path):
    src = tmp_path / "meter.csv"
    src.write_text("month,consumption_1e4_nm3,status\n2025-02,1300.5,measured\n2025-01,1500,measured\n2025-03,1400.25,filled\n", encoding="utf-8")
    before = gas_record(repo).read_text(encoding="utf-8")
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo)
    assert code == 2 and "exists; use --overwrite" in err
    assert gas_record(repo).read_text(encoding="utf-8") == before
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 0, err
    assert "3 rows accepted, 0 rejected" in out
    assert gas_record(repo).read_text(encoding="utf-8") == (
        "month,consumption_1e4_nm3,status\n2025-01,1500,measured\n2025-02,1300.5,measured\n2025-03,1400.25,filled\n"
    )


def test_activity_csv_bad_rows_are_all_reported_and_nothing_written(repo, tmp_path):
    src = tmp_path / "meter.csv"
    src.write_text(
        "period,value,status\n"
        "2025-01,100,measured\n"  # row 2 ok
        "2025-13,100,measured\n"  # row 3 bad month
        "2024-12,100,measured\n"  # row 4 other year
        "2025-01,90,measured\n"  # row 5 duplicate period
        "2025-02,12 t,measured\n"  # row 6 not a number (a unit in the cell)
        "2025-03,,missing\n"  # row 7 missing value
        "2025-04,5,guessed\n"  # row 8 bad status
        "2025-05,-3,measured\n",  # row 9 negative
        encoding="utf-8",
    )
    before = gas_record(repo).read_text(encoding="utf-8")
    code, out, _ = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 1
    assert "1 rows accepted, 7 rejected" in out
    for expected in (
        "row 3, column 'period': '2025-13': not a period",
        "row 4, column 'period': '2024-12': outside the record's reporting year 2025",
        "row 5, column 'period': '2025-01': the same period as row 2",
        "row 6, column 'value': '12 t': not a number",
        "row 7, column 'value': no value: fill the gap",
        "row 8, column 'status': 'guessed': status must be one of measured, estimated, filled, missing",
        "row 9, column 'value': '-3': negative consumption",
        "nothing written",
    ):
        assert expected in out, expected
    assert gas_record(repo).read_text(encoding="utf-8") == before
    code, out, _ = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite", "--skip-invalid")
    assert code == 1 and "wrote activity/2025/gas-2025.csv" in out
    assert gas_record(repo).read_text(encoding="utf-8") == "month,consumption_1e4_nm3,status\n2025-01,100,measured\n"


def test_activity_xlsx_with_dates_and_numbers(repo, tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "燃气"
    ws.append(["期间", "数值", "状态"])
    ws.append(["2025-01", 1502.4, "measured"])
    ws.append([dt.datetime(2025, 2, 1), 1302, "measured"])  # a date cell: not a YYYY-MM period
    ws.append(["2025-03", "abc", "measured"])
    path = tmp_path / "meter.xlsx"
    book.save(path)
    code, out, _ = cms("import", "activity", "AD-2025-BJ2-GAS", path, "--path", repo, "--overwrite")
    assert code == 1
    assert "row 3, column '期间': '2025-02-01'" not in out  # a day within the year is a valid period
    assert "row 4, column '数值': 'abc': not a number" in out
    assert "meter.xlsx [燃气]" in out


def test_gb18030_csv_is_read_and_said(repo, tmp_path):
    src = tmp_path / "meter.csv"
    src.write_bytes("期间,数值,状态\n2025-01,10,measured\n".encode("gb18030"))
    code, out, _ = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 0 and "read as GB18030" in out


def test_import_into_the_wrong_kind_or_missing_record(repo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("period,value\n2025-01,1\n", encoding="utf-8")
    code, _, err = cms("import", "activity", "POL-001", src, "--path", repo)
    assert code == 2 and "POL-001 is a policy record" in err
    code, _, err = cms("import", "activity", "NOPE", src, "--path", repo)
    assert code == 2 and "no record with id 'NOPE'" in err
    code, _, err = cms("import", "activity", "AD-2025-BJ2-GAS", tmp_path / "none.csv", "--path", repo)
    assert code == 2 and "no such file" in err


def test_trades_xlsx_round_trip_and_rejections(repo, tmp_path):
    import csv
    import datetime as dt

    target = repo / "trading/data/trades-2025.csv"
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    book = openpyxl.Workbook()
    ws = book.active
    headers = list(rows[0])
    ws.append(headers)
    for row in rows:
        ws.append([float(row[h]) if h in ("quantity", "price", "fees") else row[h] for h in headers])
    # a spreadsheet time cell without a zone, read as +08:00 (--timezone)
    ws.cell(row=2, column=headers.index("time") + 1, value=dt.datetime(2025, 9, 16, 9, 31, 40))
    good = tmp_path / "trades.xlsx"
    book.save(good)
    code, out, err = cms("import", "trades", "TL-CEA-2025", good, "--path", repo, "--overwrite")
    assert code == 0, out + err
    assert f"{len(rows)} rows accepted, 0 rejected" in out
    written = list(csv.DictReader(target.open(encoding="utf-8")))
    assert written[0]["time"] == "2025-09-16T09:31:40+08:00"
    assert [r["trade_id"] for r in written] == [r["trade_id"] for r in rows]
    assert float(written[0]["price"]) == float(rows[0]["price"])
    code, out, _ = cms("check", repo, "--as-of", "2026-06-30")
    assert code == 0, out  # the re-imported ledger still passes every rule

    ws.cell(row=3, column=headers.index("quantity") + 1, value="五千")
    ws.cell(row=4, column=headers.index("side") + 1, value="borrow")
    ws.cell(row=5, column=headers.index("time") + 1, value="yesterday")
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    before = target.read_text(encoding="utf-8")
    code, out, _ = cms("import", "trades", "TL-CEA-2025", bad, "--path", repo, "--overwrite")
    assert code == 1 and "3 rejected" in out and "nothing written" in out
    assert "row 3, column 'quantity': '五千': not a whole number" in out
    assert "row 4, column 'side': 'borrow': must be one of" in out
    assert "row 5, column 'time': 'yesterday': not a date and time with time zone" in out
    assert target.read_text(encoding="utf-8") == before


def test_trades_the_check_would_refuse_are_refused_by_the_import(repo, tmp_path):
    import csv

    target = repo / "trading/data/trades-2025.csv"
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    rows[1]["price"] = "nan"  # a number to the schema, not to the ledger rules
    rows[2]["trade_id"] = rows[0]["trade_id"]  # the same trade twice
    source = tmp_path / "trades.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = target.read_text(encoding="utf-8")
    code, out, _ = cms("import", "trades", "TL-CEA-2025", source, "--path", repo, "--overwrite")
    assert code == 1 and "2 rejected" in out and target.read_text(encoding="utf-8") == before
    assert "row 3" in out and "price must be a number of at least 0, not 'nan'" in out
    assert f"row 4, column 'trade_id': '{rows[0]['trade_id']}': the same trade_id as row 2" in out


def test_a_file_with_only_a_header_is_an_error_not_a_success(repo, tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text("period,value,status\n", encoding="utf-8")
    before = (repo / "activity/2025/gas-2025.csv").read_text(encoding="utf-8")
    code, _, err = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 2 and "no data rows" in err
    assert (repo / "activity/2025/gas-2025.csv").read_text(encoding="utf-8") == before


def test_import_and_check_read_numbers_alike(repo, tmp_path):
    """'1,502.4' and '1 200' are numbers to the checker (csvfile.parse_number): to the import too."""
    src = tmp_path / "meter.csv"
    src.write_text('period,value,status\n2025-01,"1,502.4",measured\n2025-02,1 200,measured\n', encoding="utf-8")
    code, out, _ = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 0 and "2 rows accepted, 0 rejected" in out
    assert gas_record(repo).read_text(encoding="utf-8") == ("month,consumption_1e4_nm3,status\n2025-01,1502.4,measured\n2025-02,1200,measured\n")


def test_import_never_writes_a_file_the_check_refuses(repo, tmp_path):
    """The CSV an import writes can be larger than its source (here: an empty status is written
    'measured'; a workbook is compressed). One the check would refuse (limits.max_table_bytes)
    is not written."""
    (repo / "cms.yaml").write_text((repo / "cms.yaml").read_text(encoding="utf-8") + "limits:\n  max_table_bytes: 9000\n", encoding="utf-8")
    days = [f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)]  # 336 days
    src = tmp_path / "days.csv"
    src.write_text("period,value,status\n" + "".join(f"{d},1000.5,\n" for d in days), encoding="utf-8")
    assert src.stat().st_size == 20 + 336 * 19  # 6404: the source is within the limit
    before = gas_record(repo).read_bytes()
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    # header "month,consumption_1e4_nm3,status\n" 33 bytes + 336 rows "2025-01-01,1000.5,measured\n" of 27 = 9105
    assert code == 2 and ("nothing written: gas-2025.csv would be 9105 bytes, more than the 9000 that cms check reads (limits.max_table_bytes)") in err
    assert gas_record(repo).read_bytes() == before


def test_import_refuses_a_source_over_the_table_limit_before_reading_it(repo, tmp_path):
    (repo / "cms.yaml").write_text((repo / "cms.yaml").read_text(encoding="utf-8") + "limits:\n  max_table_bytes: 1024\n", encoding="utf-8")
    src = tmp_path / "meter.csv"
    src.write_text("period,value,status\n" + "2025-01,1,measured\n" * 100, encoding="utf-8")  # 20 + 1900 bytes
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", src, "--path", repo, "--overwrite")
    assert code == 2 and f"{src}: the file is 1920 bytes, more than the limit of 1024 (limits.max_table_bytes)" in err


def test_import_refuses_a_fifo(repo, tmp_path):
    import os

    os.mkfifo(tmp_path / "meter.csv")
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", tmp_path / "meter.csv", "--path", repo)
    assert code == 2 and "meter.csv: a FIFO (named pipe), not a regular file: it is not read" in err


def test_a_huge_xlsx_is_refused(repo, tmp_path):
    (repo / "cms.yaml").write_text((repo / "cms.yaml").read_text(encoding="utf-8") + "limits:\n  max_table_rows: 50\n", encoding="utf-8")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["period", "value", "status"])
    for i in range(60):
        ws.append([f"2025-01-{i % 28 + 1:02d}", i, "measured"])
    book.save(tmp_path / "big.xlsx")
    code, out, err = cms("import", "activity", "AD-2025-BJ2-GAS", tmp_path / "big.xlsx", "--path", repo, "--overwrite")
    assert code == 2 and ("a sheet (xl/worksheets/sheet1.xml) has 60 rows under its header, more than 50 (limits.max_table_rows)") in err
