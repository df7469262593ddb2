"""cms import activity on spreadsheets laid out as plants keep them (issue 18 item 4): a title
row, headers in Chinese carrying their unit, a total row, periods in Chinese and Excel forms,
Chinese status labels, extra columns, GBK. Every step is said in the report."""

import datetime as dt
import json
import shutil

import openpyxl
import pytest

from cms_build.workflow import plant
from tests.cms_build.test_cli import cms
from tests.conftest import EXAMPLE

RECORD = "AD-2025-BJ2-GAS"  # line.activity.unit 10^4 Nm3; file gas-2025.csv (month, consumption_1e4_nm3, status)


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "org"
    shutil.copytree(EXAMPLE, root)
    return root


def target(repo):
    return repo / "activity/2025/gas-2025.csv"


def plant_workbook(path, total=49082000):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2025年用气"
    ws.append(["北京二厂 2025 年天然气消耗月报表"])  # row 1: a title above the header
    ws.append([])  # row 2: blank
    ws.append(["月份", "用气量（Nm³）", "数据状态", "计量器具", "备注"])  # row 3: the header, unit in it
    ws.append(["2025年1月", 15024000, "实测", "FM-BJ2-GAS-01", None])
    ws.append(["2025.02", "13,026,000", "估算", "FM-BJ2-GAS-01", "流量计检修，按日均估算"])
    ws.append(["2025-03", 14108000, "补录", "FM-BJ2-GAS-01", None])
    ws.append([dt.datetime(2025, 4, 1), 5924000, "实测", "FM-BJ2-GAS-01", None])  # a date cell (openpyxl)
    ws.append([45778, 1000000, "实测", "FM-BJ2-GAS-01", None])  # a bare serial: 45658 is 2025-01-01, +120 days
    ws.append(["合计", total, None, None, None])  # row 9
    book.save(path)
    return path


def test_a_plant_workbook_is_imported_with_every_step_said(repo, tmp_path):
    src = plant_workbook(tmp_path / "月报.xlsx")
    code, out, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 0, out + err
    assert "5 rows accepted, 0 rejected" in out
    assert "row 3 is the header; above it, not data: 北京二厂 2025 年天然气消耗月报表" in out
    # Nm3 -> 10^4 Nm3 is x 1e-4
    assert "column '用气量（Nm³）': values in Nm³ converted to the record's unit 10^4 Nm3 (x 0.0001)" in out
    assert "columns kept in the written file: meter (from '计量器具'), notes (from '备注')" in out
    assert "periods read in the check's form: 2025年1月 -> 2025-01, 2025.02 -> 2025-02, 45778 -> 2025-05-01" in out
    assert "status labels read in the check's form: 实测 -> measured, 估算 -> estimated, 补录 -> filled" in out
    # 15024000 + 13026000 + 14108000 + 5924000 + 1000000 = 49082000 Nm3 = 4908.2 x 10^4 Nm3
    assert "row 9: a total row ('合计') skipped: its value 4908.2 equals the sum of the accepted rows" in out
    assert target(repo).read_text(encoding="utf-8") == (
        "month,consumption_1e4_nm3,status,meter,notes\n"
        "2025-01,1502.4,measured,FM-BJ2-GAS-01,\n"
        "2025-02,1302.6,estimated,FM-BJ2-GAS-01,流量计检修，按日均估算\n"
        "2025-03,1410.8,filled,FM-BJ2-GAS-01,\n"
        "2025-04-01,592.4,measured,FM-BJ2-GAS-01,\n"
        "2025-05-01,100,measured,FM-BJ2-GAS-01,\n"
    )
    # and the check reads what the import wrote without a row finding (the same row rules)
    code, out, err = cms("check", repo, "--as-of", "2026-06-30", "--format", "json", "--fail-on", "info")
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["rule"] == "emissions.activity-row-invalid"], findings


def test_a_total_that_does_not_add_up_is_said(repo, tmp_path):
    src = plant_workbook(tmp_path / "m.xlsx", total=50000000)
    code, out, _ = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 0
    # 50000000 Nm3 = 5000 x 10^4 Nm3, the rows sum to 4908.2
    assert "row 9: a total row ('合计') skipped: its value 5000 differs from the sum of the accepted rows, 4908.2" in out


def test_a_gbk_csv_as_plants_save_it(repo, tmp_path):
    src = tmp_path / "用气.csv"
    src.write_bytes(
        (
            "2025年燃机用气台账,,,,\n"
            "期间,消耗量(万Nm3),状态,meter,抄表人\n"
            '2025/1/1,"1,502.4",实测,FM-BJ2-GAS-01,张三\n'
            "2025年2月,1302.6,填补,FM-BJ2-GAS-01,李四\n"
            "45717,1410.8,估算,FM-BJ2-GAS-01,张三\n"  # a serial written out: 2025-03-01
            "Total,4215.8,,,\n"
        ).encode("gbk")
    )
    code, out, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 0, out + err
    assert "read as GB18030" in out
    assert "row 2 is the header; above it, not data: 2025年燃机用气台账" in out
    assert "column '消耗量(万Nm3)': 万Nm3 is the record's unit (10^4 Nm3)" in out
    assert "columns kept in the written file: meter, 抄表人" in out
    # 1502.4 + 1302.6 + 1410.8 = 4215.8
    assert "row 6: a total row ('Total') skipped: its value 4215.8 equals the sum of the accepted rows" in out
    data = target(repo).read_bytes()
    assert data.decode("utf-8") == (  # written UTF-8, whatever the source's charset
        "month,consumption_1e4_nm3,status,meter,抄表人\n"
        "2025-01-01,1502.4,measured,FM-BJ2-GAS-01,张三\n"
        "2025-02,1302.6,filled,FM-BJ2-GAS-01,李四\n"
        "2025-03-01,1410.8,estimated,FM-BJ2-GAS-01,张三\n"
    )


def test_the_examples_own_file_round_trips_with_its_meter_column(repo, tmp_path):
    src = tmp_path / "gas.csv"
    shutil.copy(target(repo), src)
    code, out, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 0, out + err
    assert "columns kept in the written file: meter" in out
    # the same bytes but one number: 1296.0 is written as 1296 (the import writes numbers plainly)
    assert src.read_text(encoding="utf-8").count("1296.0,") == 1
    assert target(repo).read_text(encoding="utf-8") == src.read_text(encoding="utf-8").replace("1296.0,", "1296,")


def test_what_cannot_be_read_without_guessing_is_refused(repo, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["月份", "用量", "状态"])
    ws.append([2025.1, 100, "实测"])  # January or October? a number cannot say
    ws.append(["2025年13月", 100, "实测"])
    ws.append(["2025-02", 100, "缺失"])  # missing with a value: refused as the check refuses it
    ws.append(["2025-03", 100, "猜的"])
    src = tmp_path / "m.xlsx"
    book.save(src)
    before = target(repo).read_bytes()
    code, out, _ = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 1 and "0 rows accepted, 4 rejected" in out
    assert "row 2, column '月份': 2025.1: the number 2025.1 cannot tell one month from another" in out
    assert "row 3, column '月份': '2025年13月': not a period: there is no month 13" in out
    assert "row 4, column '用量': 100: no value: fill the gap" in out
    assert "row 5, column '状态': '猜的': status must be one of measured, estimated, filled, missing" in out
    assert target(repo).read_bytes() == before


def test_a_rejected_period_is_shown_as_written_and_as_read(repo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("月份,用量\n2024年12月,5\n", encoding="utf-8")
    before = target(repo).read_bytes()
    code, out, _ = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 1
    assert "row 2, column '月份': '2024年12月 (read as 2024-12)': outside the record's reporting year 2025" in out
    assert target(repo).read_bytes() == before


def test_a_header_unit_of_another_kind_refuses_the_import(repo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("月份,用量（t）\n2025-01,5\n", encoding="utf-8")
    before = target(repo).read_bytes()
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and "column '用量（t）' is in t, but AD-2025-BJ2-GAS's activity is in 10^4 Nm3" in err
    src.write_text("月份,用量（桶桶）\n2025-01,5\n", encoding="utf-8")
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and "column '用量（桶桶）': the bracket is not a unit the project knows" in err
    assert target(repo).read_bytes() == before


def test_a_column_without_a_header_is_not_dropped_silently(repo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("月份,用量,\n2025-01,5,FM-1\n", encoding="utf-8")
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and "column(s) 3 hold values but have no header" in err
    src.write_text("月份,用量\n2025-01,5,FM-1\n", encoding="utf-8")  # a row longer than its header
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and "column(s) 3 hold values but have no header" in err


def test_two_candidate_columns_or_a_name_twice_are_refused_not_guessed(repo, tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("月份,用气量,用电量\n2025-01,5,7\n", encoding="utf-8")
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and ("2 columns could be the value: '用气量', '用电量'; rename the one to import to 'consumption_1e4_nm3'") in err
    src.write_text("月份,consumption_1e4_nm3,用电量\n2025-01,5,7\n", encoding="utf-8")  # the record's name decides
    code, out, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 0, err
    assert "columns kept in the written file: 用电量" in out
    assert target(repo).read_text(encoding="utf-8") == "month,consumption_1e4_nm3,status,用电量\n2025-01,5,measured,7\n"
    src.write_text("月份,用量,备注,备注\n2025-01,5,a,b\n", encoding="utf-8")
    code, _, err = cms("import", "activity", RECORD, src, "--path", repo, "--overwrite")
    assert code == 2 and "the header names '备注' more than once" in err


@pytest.mark.parametrize(
    "cell, period",
    [
        ("2025年1月", "2025-01"),
        ("2025年12月份", "2025-12"),
        ("2025年1月5日", "2025-01-05"),
        ("2025/1/1", "2025-01-01"),
        ("2025-01", "2025-01"),
        ("2025.01", "2025-01"),
        ("2025.10", "2025-10"),
        ("2025/3", "2025-03"),
        ("2025-1", "2025-01"),
        ("2025年", "2025"),
        ("2025年第一季度", "2025-Q1"),
        ("2025Q3", "2025-Q3"),
        ("2025-01-01 00:00:00", "2025-01-01"),
        (45658, "2025-01-01"),  # Excel's day 0 is 1899-12-30: 45658 days on is 2025-01-01
        (45658.0, "2025-01-01"),
        ("45658", "2025-01-01"),
        (2025, "2025"),
        ("一月", "一月"),  # no year: left for the row rules to refuse
        ("2025-13", "2025-13"),  # the check's own form: left to the row rules, which refuse it
    ],
)
def test_periods_as_plants_write_them(cell, period):
    assert plant.period(cell) == period


@pytest.mark.parametrize("cell", [2025.1, "2025/2/30"])
def test_periods_that_cannot_be_read_without_guessing(cell):
    with pytest.raises(plant.PeriodProblem):
        plant.period(cell)


def test_status_labels():
    assert [plant.status(s) for s in ("实测", "估算", "补录", "填补", "缺失", "", None, "Measured", "x")] == [
        "measured",
        "estimated",
        "filled",
        "filled",
        "missing",
        "measured",
        "measured",
        "measured",
        "x",
    ]
