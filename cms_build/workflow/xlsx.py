"""`cms export --format xlsx`: the tables an auditor or regulator asks for, as one workbook.

Sheets: a summary; the Annex E tables E.1-E.6 for every reporting year; the carbon asset
ledger, compliance position and balance sheet (G.1/G.2) when the organization adopts trading
and assets; neutrality claims; the status of each claim, target, obligation, surrender, asset
statement and corrective action (cms_build/statuses.py); every finding; the record index. Everything is taken from a
publish.View, so a public workbook holds only what a public site shows. Dates in the file's
properties are the as-of date, so the same inputs give the same workbook.
"""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..publish import View

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)


def _text(cell, language: str):
    if isinstance(cell, dict) and ("zh" in cell or "en" in cell):
        return cell.get(language) or cell.get("zh") or cell.get("en")
    if isinstance(cell, (list, dict)):
        return str(cell)
    return cell


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list], notes: list[str] = ()):
    ws = book.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_safe(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00##"  # full precision kept; shown readably
    for note in notes:
        ws.append([])
        ws.append([note])
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r) and r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))
    ws.freeze_panes = "A2"
    return ws


def _safe(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def write_workbook(result, path, profile: str = "internal", language: str | None = None) -> None:
    view = View(result, profile)
    language = language or result.settings.get("language", "zh")
    zh = language == "zh"
    results = view.results()
    book = Workbook()
    book.remove(book.active)
    counts = {s: sum(1 for f in view.findings if f.severity == s) for s in ("error", "warning", "info")}
    org = result.settings.get("organization", {}) or {}
    _sheet(book, "概要 Summary", ["项目 Item", "值 Value"], [
        ["组织 Organization", org.get("name")],
        ["评价日期 As of", result.as_of.isoformat()],
        ["发布范围 Profile", profile],
        ["采用的分体系 Subsystems", ", ".join(sorted(result.settings.subsystems))],
        ["GWP", result.settings.get("gwp_set")],
        ["记录 Records", len(view.records)],
        ["错误 Errors", counts["error"]], ["警告 Warnings", counts["warning"]], ["提示 Info", counts["info"]],
    ])
    annex_e = results.get("annex_e")
    if isinstance(annex_e, dict):  # computed by checks/emissions/annex_e.py, published as the view allows
        if annex_e.get("tables"):
            for table_id, table in annex_e["tables"].items():
                headers = [c["zh"] if zh else c["en"] for c in table["columns"]]
                rows = [[_text(row.get(c["key"]), language) for c in table["columns"]] for row in table["rows"]]
                notes = [_text(n, language) for n in table.get("notes", [])]
                title = (_text(table["title"], language) or "").replace(f"表 {table_id} ", "").replace(f"Table {table_id} ", "")
                _sheet(book, f"{table_id} {title}", headers, rows, notes)
    for name, section in sorted(results.items()):
        if name == "annex_e" or not isinstance(section, dict):
            continue
        for key, table in _tables_in(section):
            _sheet(book, f"{name}.{key}", table["headers"], table["rows"])
    statuses = view.statuses()  # derived from results and findings (cms_build/statuses.py)
    if statuses:
        _sheet(book, "状态 Statuses", ["编号 Id", "类型 Kind", "状态 Status", "计算状态 Computed", "等级 Grade",
                                       "说明 Reason", "依据 Rules"],
               [[rid, s.get("kind"), s.get("status"), s.get("computed"), s.get("grade"), view.hider.text(s.get("reason")),
                 ", ".join(view.hider.text(r.get("rule", "")) for r in s.get("reasons") or [])]
                for rid, s in sorted(statuses.items())])
    _sheet(book, "发现 Findings", ["严重程度 Severity", "规则 Rule", "条款 Clauses", "文件 File", "行 Line",
                                   "记录 Record", "字段 Field", "说明 Message", "建议 Hint"],
           [[f.severity, f.rule, ", ".join(f.clauses), f.file, f.line, f.record, f.path, f.message, f.hint]
            for f in view.findings])
    _sheet(book, "记录 Records", ["编号 Id", "类型 Kind", "标题 Title", "状态 Status", "版本 Version",
                                  "密级 Confidentiality", "文件 File"],
           [[r.id, r.kind, r.title, r.status, r.data.get("version"), r.confidentiality, r.rel] for r in view.records])
    stamp = dt.datetime.combine(result.as_of, dt.time(0, 0))
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "cms"
    book.properties.title = f"{org.get('name', '')} {result.as_of.isoformat()}"
    book.save(path)


def _tables_in(section: dict, prefix: str = ""):
    """Lists of flat records inside a result section become sheets (ledgers, positions, claims)."""
    for key, value in section.items():
        name = f"{prefix}{key}"
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            headers = []
            for item in value:
                for k, v in item.items():
                    if k not in headers and not isinstance(v, (dict, list)):
                        headers.append(k)
            if headers:
                yield name, {"headers": headers, "rows": [[item.get(h) for h in headers] for item in value]}
        elif isinstance(value, dict) and not prefix:
            yield from _tables_in(value, f"{key}.")
