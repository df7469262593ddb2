"""Spreadsheets as plants keep them (issue 18 item 4): what `cms import activity` understands
beyond the CSV the checks read, each step said in the import report, never done silently.

- headers through declared aliases, Chinese and English (ALIASES), a unit in the header
  (`用气量（万Nm³）`) read with the project's pint registry (cms_build.units);
- a title row above the header (the header is the first row naming a period and a value);
- total rows (`合计`, `总计`, `Total`...) skipped;
- periods written `2025年1月`, `2025/1/1`, `2025.01`, `2025-1`, Excel date cells (openpyxl
  converts them) and bare Excel serial numbers (45658 is 2025-01-01);
- status labels in Chinese (`实测`, `估算`, `补录`, `缺失`).

Nothing here decides whether a row is acceptable: the result is handed to the domain's own row
rules (checks/emissions/activity_rows.py), so the import never accepts what the check refuses.
"""

from __future__ import annotations

import datetime as dt
import re

from .. import units

# role -> the header names that mean it (compared without case, spaces and the unit part).
# The record's own column names are added by the importer.
ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("period", "month", "date", "期间", "月份", "月度", "日期", "时间", "统计期", "年月"),
    "value": (
        "value",
        "quantity",
        "consumption",
        "amount",
        "数值",
        "用量",
        "消耗量",
        "消费量",
        "用气量",
        "耗气量",
        "用电量",
        "耗电量",
        "用煤量",
        "耗煤量",
        "用油量",
        "耗油量",
        "用汽量",
        "耗量",
        "数量",
        "实际用量",
    ),
    "status": ("status", "data status", "状态", "数据状态", "数据类型", "数据来源类型"),
    "meter": ("meter", "meter id", "instrument", "计量器具", "计量器具编号", "计量表", "表计", "仪表", "表号"),
    "notes": ("notes", "note", "remark", "remarks", "comment", "备注", "说明"),
}

# a status as plants write it -> the status the rows carry (6.1.2 e, A.9.1.1 b)
STATUS_LABELS = {
    "实测": "measured",
    "测量": "measured",
    "计量": "measured",
    "抄表": "measured",
    "实际": "measured",
    "估算": "estimated",
    "估计": "estimated",
    "推算": "estimated",
    "预估": "estimated",
    "补录": "filled",
    "填补": "filled",
    "补充": "filled",
    "插补": "filled",
    "补数": "filled",
    "缺失": "missing",
    "缺测": "missing",
    "缺数": "missing",
    "无数据": "missing",
}

TOTAL_LABELS = ("合计", "总计", "小计", "累计", "全年合计", "年度合计", "总量", "total", "sum", "subtotal", "grand total")

HEADER_SEARCH_ROWS = 10  # a title block above the header is a few rows, not a page

_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*[（(\[【]\s*(?P<unit>[^）)\]】]+?)\s*[）)\]】]\s*$")


def _key(text) -> str:
    return re.sub(r"[\s_]+", " ", str(text)).strip().lower()


def split_header(header: str) -> tuple[str, str | None]:
    """`用气量（万Nm³）` -> ('用气量', '万Nm³'); a header without a bracketed part -> (header, None)."""
    m = _UNIT_IN_HEADER.match(str(header))
    if m and m.group("name").strip():
        return m.group("name").strip(), m.group("unit")
    return str(header).strip(), None


def role_of(header: str, own: dict[str, str]) -> str | None:
    """The role of a header (period, value, status, meter, notes), or None for another column.
    own: role -> the record's own column name (matched first, as written)."""
    for role, name in own.items():
        if header == name:
            return role
    name, _ = split_header(header)
    key = _key(name)
    for role, names in ALIASES.items():
        if key in (_key(n) for n in names) or key == _key(own.get(role, "")):
            return role
    return None


def find_header(rows: list[tuple[int, list]], own: dict[str, str]) -> int:
    """The index of the header in rows: the first of the first few rows that names both a period
    and a value column; 0 (the first row) when none does, so the importer says what is missing."""
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = {role_of(c, own) for c in cells if c not in (None, "")}
        if {"period", "value"} <= roles:
            return i
    return 0


def is_total(cells) -> str | None:
    """The label of a total row (any of its text cells is a total label), or None."""
    for c in cells:
        if isinstance(c, str) and _key(c).rstrip(":：") in TOTAL_LABELS:
            return c.strip()
    return None


def header_unit(header: str) -> tuple[str | None, object]:
    """(unit text, pint unit) of a header's bracketed part, (None, None) without one.
    Raises units.UnitError when the bracket holds something that is not a unit."""
    _, text = split_header(header)
    if text is None:
        return None, None
    return text, units.parse_unit(text)


# -- periods ----------------------------------------------------------------------------------
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 system (its 1900-02-29 accounted for)
SERIALS = (20000, 80000)  # 1954-10-03 .. 2119-01-10: a date serial, not a year or a count

_CN_DAY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_CN_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(份)?$")
_CN_YEAR = re.compile(r"^(\d{4})\s*年(度)?$")
_CN_QUARTER = re.compile(r"^(\d{4})\s*年?\s*(?:第\s*)?([1-4一二三四])\s*季度?$|^(\d{4})\s*-?\s*[Qq]([1-4])$")
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-Q\d|-H\d)?$")
_SERIAL_TEXT = re.compile(r"^(\d{5})(?:\.0+)?$")
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


class PeriodProblem(ValueError):
    """A period cell that cannot be read without guessing."""


def _day(y: str, m: str, d: str) -> str:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        raise PeriodProblem(f"not a period: there is no day {y}-{m}-{d}") from None


def _month(y: str, m: str) -> str:
    if not 1 <= int(m) <= 12:
        raise PeriodProblem(f"not a period: there is no month {int(m)}")
    return f"{y}-{int(m):02d}"


def serial_date(n: int) -> str:
    return (EXCEL_EPOCH + dt.timedelta(days=int(n))).isoformat()


def period(value) -> str:
    """A period cell as a plant writes it -> the period the rows carry (YYYY, YYYY-MM,
    YYYY-MM-DD, YYYY-Qn); text it does not know is returned as written, for the row rules to
    refuse with their own message. Raises PeriodProblem for a cell that cannot be read
    without guessing (2025.1 as a number: January or October?)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        n = int(value)
        if SERIALS[0] <= n <= SERIALS[1]:
            return serial_date(n)
        return str(n)  # a year (2025), or a number the row rules refuse
    if isinstance(value, float):
        raise PeriodProblem(
            f"the number {value!r} cannot tell one month from another (2025.1 and 2025.10 are the "
            "same number): format the period column as text, or write 2025-01"
        )
    text = str(value).strip()
    if _ISO.match(text):  # the check's own forms: the row rules judge them, alike in import and check
        return text
    if m := _SERIAL_TEXT.match(text):
        n = int(m.group(1))
        if SERIALS[0] <= n <= SERIALS[1]:
            return serial_date(n)
    if m := _CN_DAY.match(text) or _DAY.match(text):
        return _day(*m.groups()[:3])
    if m := _CN_MONTH.match(text):
        return _month(m.group(1), m.group(2))
    if m := _MONTH.match(text):
        return _month(*m.groups())
    if m := _CN_YEAR.match(text):
        return m.group(1)
    if m := _CN_QUARTER.match(text):
        year, q = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return f"{year}-Q{_CN_DIGITS.get(q, q)}"
    return text


def status(value) -> str:
    """A status as written -> measured, estimated, filled or missing (or the text as written,
    lower-cased, for the row rules to refuse); an empty cell is measured, as in the check."""
    if value in (None, ""):
        return "measured"
    text = str(value).strip()
    return STATUS_LABELS.get(text, text.lower())
