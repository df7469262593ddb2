"""cms export --format xlsx: the workbook is read back and its figures match the computation."""
import datetime as dt

import openpyxl
import pytest

from cms_build.engine import run
from cms_build.workflow.xlsx import write_workbook
from tests.cms_build.test_cli import cms
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


@pytest.fixture(scope="module")
def example():
    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))


def test_workbook_has_annex_e_tables_findings_and_records(example, tmp_path):
    path = tmp_path / "x.xlsx"
    write_workbook(example, path)
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    for table in ("E.1", "E.2", "E.3", "E.4", "E.5", "E.6"):
        assert any(n.startswith(table + " ") for n in names), table
    assert "发现 Findings" in names and "记录 Records" in names
    e1 = book[next(n for n in names if n.startswith("E.1 "))]
    header = [c.value for c in e1[1]]
    total_row = next(r for r in e1.iter_rows(values_only=True) if r[0] and "碳排放总量" in str(r[0]))
    years = example.results["emissions"]["years"]
    for year, value in years.items():
        expected = value["total"]["value"] if isinstance(value.get("total"), dict) else value["total"]
        assert total_row[header.index(f"{year}年")] == pytest.approx(expected)
    records = book["记录 Records"]
    assert records.max_row - 1 == len(example.index.by_id)
    assert book.properties.created == dt.datetime(2026, 6, 30)


def test_public_workbook_holds_only_public_records(example, tmp_path):
    path = tmp_path / "public.xlsx"
    write_workbook(example, path, profile="public")
    rows = list(openpyxl.load_workbook(path)["记录 Records"].iter_rows(values_only=True))[1:]
    assert rows and {r[5] for r in rows} == {"public"}


def test_formula_like_text_is_written_as_text(org, tmp_path):
    org.add("policy/P.yaml", org.record("policy", "P", title="=HYPERLINK(\"http://x\")", statement="s", issued_by="x"))
    path = tmp_path / "x.xlsx"
    write_workbook(org.run(), path)
    titles = [r[2] for r in openpyxl.load_workbook(path)["记录 Records"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in titles


def test_cli_xlsx_needs_an_output(tmp_path):
    code, _, err = cms("export", EXAMPLE, "--as-of", EXAMPLE_AS_OF, "--format", "xlsx")
    assert code == 2 and "--output" in err
    code, out, _ = cms("export", EXAMPLE, "--as-of", EXAMPLE_AS_OF, "--format", "xlsx", "-o", tmp_path / "a.xlsx")
    assert code == 0 and (tmp_path / "a.xlsx").is_file()
