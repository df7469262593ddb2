"""`cms export --format xlsx`: the tables an auditor or regulator asks for, as one workbook.

Sheets: a summary; then the sheets the domains register (api.sheet in checks/<domain>/sheets.py:
the Annex E tables, the asset ledger, compliance position, balance sheets G.1/G.2, neutrality
claims, indicators and targets, ...: this module names no domain); the status of each claim,
target, obligation, surrender, asset statement and corrective action (cms_build/statuses.py);
every finding; the record index. Cells are typed (dates, ints, floats); headers are in the
chosen language; column widths follow the display width (a CJK character is two columns). Everything is taken from a
publish.View, so a public workbook holds only what a public site shows. Dates in the file's
properties are the as-of date, so the same inputs give the same workbook.

A status, severity, kind, edition or enum value is shown by its label in the workbook's language
(issue 17 items 1 and 2): the site's words for statuses (site/strings.yaml, as the site shows
them; an organization's own site/strings.yaml first), a kind's schema title, an enum's
x-enum-titles; the code stays in a comment on the cell ("code: overdue") for whoever needs it.
Tab names are "中文 English" where that fits Excel's 31 characters, else the chosen language's
part, cut at 31; never one of Excel's forbidden characters, and unique (a second one gets " (2)").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..publish import View
from ..results import DerivedStatus, viewed

HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)
TAB_MAX = 31  # Excel's limit on a sheet's name
_TAB_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

# Column headers are data (issue 13): a table of column id -> (中文, English), each pair written
# once. These are the columns the sheets of more than one domain (and this module's) show; a
# domain keeps the rest of its columns in a table of its own (checks/<domain>/sheets.py
# HEADERS), the engine's own sheets in _HEADERS, and SheetContext.header looks a column up in
# that table, then here.
COMMON_HEADERS = {
    "id": ("编号", "Id"),
    "status": ("状态", "Status"),
    "year": ("年份", "Year"),
    "subject": ("对象", "Subject"),
    "grade": ("等级", "Grade"),
}

# The columns of the summary, statuses, findings and records sheets.
_HEADERS = {
    "item": ("项目", "Item"),
    "value": ("值", "Value"),
    "kind": ("类型", "Kind"),
    "computed": ("计算状态", "Computed"),
    "reason": ("说明", "Reason"),
    "rules": ("依据", "Rules"),
    "severity": ("严重程度", "Severity"),
    "rule": ("规则", "Rule"),
    "clauses": ("条款", "Clauses"),
    "file": ("文件", "File"),
    "line": ("行", "Line"),
    "record": ("记录", "Record"),
    "field": ("字段", "Field"),
    "message": ("说明", "Message"),
    "hint": ("建议", "Hint"),
    "title": ("标题", "Title"),
    "version": ("版本", "Version"),
    "confidentiality": ("密级", "Confidentiality"),
}


class Coded(str):
    """A label shown in a cell, with the code it stands for (written as the cell's comment)."""

    code: str

    def __new__(cls, label: str, code: str) -> Coded:
        obj = super().__new__(cls, label)
        obj.code = code
        return obj


def coded(label, code):
    """The label of a code as a cell: Coded when the label differs from the code, else the code."""
    if not isinstance(code, str) or not code or not isinstance(label, str) or not label or label == code:
        return code
    return Coded(label, code)


def words(result, language: str):
    """The site's words in the workbook's language (the organization's site/strings.yaml first)."""
    from ..site.build import site_dirs
    from ..site.model import site_words

    return site_words(site_dirs(result.root), language)


def status_label(t, kind, status) -> str | None:
    """A derived status's name as the site shows it (cms_build/site/render.status_name)."""
    from ..site.render import status_name

    return status_name(t, DerivedStatus(kind=kind, status=status)) if isinstance(status, str) else None


def tab_name(title: str, language: str, used: set[str]) -> str:
    """A sheet name: the title ("中文 English") when it fits Excel's 31 characters, else its part
    in the language, cut at 31; Excel's forbidden characters []:*?/\\ as spaces; unique among
    used (compared as Excel does, ignoring case): a repeated name gets " (2)", " (3)" ..."""
    from ..findings import split_title

    text = " ".join(str(title or "").translate(_TAB_FORBIDDEN).split()).strip("'") or "Sheet"
    if len(text) > TAB_MAX:
        zh, en = split_title(text)
        text = ((en or zh) if language == "en" else (zh or en)) or text
    if len(text) > TAB_MAX:
        text = text[: TAB_MAX - 1].rstrip() + "…"
    name, n = text, 1
    while name.casefold() in used:
        n += 1
        suffix = f" ({n})"
        name = text[: TAB_MAX - len(suffix)].rstrip() + suffix
    used.add(name.casefold())
    return name


def _text(cell, language: str):
    if isinstance(cell, dict) and ("zh" in cell or "en" in cell):
        return cell.get(language) or cell.get("zh") or cell.get("en")
    if isinstance(cell, (list, dict)):
        return str(cell)
    return cell


def display_width(value) -> int:
    """Columns a value takes on screen: a wide (CJK) character counts two."""
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, float):
        value = f"{value:,.2f}"
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(value if value is not None else ""))


class SheetContext:
    """What a registered sheet (api.sheet) may read: the results the view publishes, the
    language, and helpers that turn result values into typed cells and labels."""

    def __init__(self, view: View, language: str, t=None):
        self.view, self.language = view, language
        self.results = view.results()
        self.schemas = view.result.schemas
        self.as_of = view.result.as_of
        self.words = t if t is not None else words(view.result, language)

    def typed(self, computation_id: str, model):
        """A result as its domain's typed model (checks/<domain>/results.py), as the view shows
        it (cms_build.results.viewed); None when it is absent or withheld."""
        from ..results import viewed

        return viewed(model, self.results.get(computation_id))

    def t(self, zh: str, en: str) -> str:
        return en if self.language == "en" else zh

    def header(self, headers: dict, *columns: str) -> dict[str, str]:
        """The columns of a sheet, in order, each by its header in the workbook's language, looked
        up in the domain's table `headers` (column id -> (中文, English)), then in COMMON_HEADERS.
        A table may not give a common column words of its own: one column, one header."""
        return header(headers, columns, self.language)

    def table(self, header: list | dict, entries: dict, rows_of) -> list[list] | None:
        """A sheet of the entries of a typed result's mapping: the header, then the rows
        `rows_of(key, entry)` gives for each entry in key order, but for those the view
        restricted (nothing of them to show); None, the sheet left out, when no entry gives a row.
        With a header of `header()`, a row is a dict by column id (a column it leaves out is an
        empty cell); with a list, a row is a list in the header's order."""
        from ..results import is_restricted

        rows = [list(header.values()) if isinstance(header, dict) else list(header)]
        for key, entry in sorted(entries.items()):
            if is_restricted(entry):
                continue  # the view withheld it: nothing of it to show
            rows.extend(cells(header, row) for row in rows_of(key, entry))
        return rows if len(rows) > 1 else None

    def text(self, value):
        """A bilingual {"zh", "en"} value (or a typed result's Bilingual) in the chosen language;
        other values as they are."""
        from ..results import as_json

        return _text(as_json(value), self.language)

    def date(self, value):
        """An ISO date text of a result as a date cell; anything else as it is."""
        if isinstance(value, str) and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value

    def value(self, traced):
        """The figure of a computed value (a TracedValue, its JSON form {"value", "unit", ...})
        or a plain number."""
        from ..results import TracedValue

        if isinstance(traced, TracedValue):
            traced = traced.value
        elif isinstance(traced, dict):
            traced = traced.get("value")
        return traced if isinstance(traced, (int, float)) and not isinstance(traced, bool) else None

    def status(self, value, kind: str | None = None):
        """A computed status (cms_build/statuses.py) by its name in the workbook's language, as
        the site shows it for that kind of verdict ("claim", "target", "obligation", ...); the
        code is kept in the cell's comment."""
        return coded(status_label(self.words, kind, value), value)

    def year(self, value):
        """A year (a result's map key is text) as an int cell."""
        try:
            return int(value)
        except (TypeError, ValueError):
            return value

    def enum(self, kind: str, field: str, value):
        """The label of an enum value of a record kind's field (its schema's x-enum-titles)."""
        from ..schemas import enum_title

        spec = self.schemas.kinds.get(kind)
        schema = spec.schema if spec else {}
        for part in field.split("."):
            schema = ((schema or {}).get("properties") or {}).get(part) or ((schema or {}).get("items") or {}).get("properties", {}).get(part) or {}
        return coded(enum_title(schema, value, self.language), value)

    def kind(self, kind):
        """A record kind by its schema's title in the workbook's language (the kind name in the comment)."""
        spec = self.schemas.kinds.get(kind) if isinstance(kind, str) else None
        schema = spec.schema if spec else {}
        title = schema.get("x-title-en") if self.language == "en" else schema.get("title")
        return coded(title, kind)


def header(headers: dict, columns, language: str) -> dict[str, str]:
    """SheetContext.header: column id -> its header in the language, in the columns' order."""
    out = {}
    for column in columns:
        if column in headers and column in COMMON_HEADERS:
            raise ValueError(
                f"column {column!r} is one of the common headers (cms_build/workflow/xlsx.py COMMON_HEADERS): take it from there, or give the column another id"
            )
        if column not in headers and column not in COMMON_HEADERS:
            raise ValueError(f"column {column!r} has no header: add it to the sheet's table of headers (column id -> (中文, English))")
        zh, en = headers[column] if column in headers else COMMON_HEADERS[column]
        out[column] = en if language == "en" else zh
    return out


def cells(header: list | dict, row) -> list:
    """A row of a sheet as its cells: a dict by column id in the order of the header's columns
    (a dict, as SheetContext.header gives), a list as it is."""
    if not isinstance(row, dict):
        return list(row)
    if not isinstance(header, dict):
        raise ValueError("a row by column id goes with a header by column id: make the header with SheetContext.header")
    unknown = [column for column in row if column not in header]
    if unknown:
        raise ValueError(f"a row gives the columns {unknown}, which the sheet has not: its columns are {list(header)}")
    return [row.get(column) for column in header]


def _sheet(book: Workbook, title: str, headers: list | dict, rows: list, notes: list[str] = (), language: str = "zh"):
    """A sheet of the workbook: the header (a list, or SheetContext.header's columns), then the
    rows (lists, or dicts by column id), then the notes."""
    used = {name.casefold() for name in book.sheetnames}
    ws = book.create_sheet(tab_name(title, language, used))
    rows = [cells(headers, row) for row in rows]
    headers = [_text(h, language) for h in (headers.values() if isinstance(headers, dict) else headers)]
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        values = [_safe(_text(v, language)) for v in row]
        ws.append([str(v) if isinstance(v, Coded) else v for v in values])
        for value, cell in zip(values, ws[ws.max_row]):
            if isinstance(value, Coded):  # the label shown, the code for whoever needs it
                cell.comment = Comment(f"code: {value.code}", "cms", width=200, height=40)
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00##"  # full precision kept; shown readably
            elif isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
    for note in notes:
        ws.append([])
        ws.append([_safe(_text(note, language))])
    for i, header in enumerate(headers, start=1):
        width = max([display_width(header)] + [display_width(_text(r[i - 1], language)) for r in rows[:200] if i - 1 < len(r) and r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
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


def _domain_sheets(book: Workbook, result, view: View, language: str) -> None:
    """The sheets the domains register (api.sheet), each when the view publishes what it reads."""
    ctx = SheetContext(view, language, words(result, language))
    adopted = set(result.settings.subsystems)
    for spec in getattr(result, "sheets", []):
        if spec.subsystems and not adopted & set(spec.subsystems):
            continue
        if any(c not in ctx.results for c in spec.computations):
            continue  # not computed, or withheld from this profile
        out = spec.fn(ctx)
        if not out:
            continue
        tables = out if isinstance(out, dict) else {spec.title: out}
        for title, table in tables.items():
            notes = ()
            if isinstance(table, tuple):  # (rows, notes)
                table, notes = table
            if not table:
                continue
            # a second line of defence, as in the JSON export: no unpublished id in any cell
            table = [view.hider(list(row)) for row in table]
            _sheet(book, title, table[0], table[1:], [view.hider.text(_text(n, language)) for n in notes], language)


def write_workbook(result, path, profile: str = "internal", language: str | None = None) -> None:
    view = View(result, profile)
    language = language or result.settings.get("language", "zh")
    t = (lambda zh, en: en) if language == "en" else (lambda zh, en: zh)
    w = words(result, language)  # the site's labels of statuses, severities, editions
    ctx = SheetContext(view, language, w)

    def named(names: str, code):
        table = w[names]
        return coded(table.get(code) if isinstance(table, dict) and isinstance(code, str) else None, code)

    book = Workbook()
    book.remove(book.active)
    counts = {s: sum(1 for f in view.findings if f.severity == s) for s in ("error", "warning", "info")}
    org = result.settings.get("organization", {}) or {}
    _sheet(
        book,
        "概要 Summary",
        ctx.header(_HEADERS, "item", "value"),
        [
            [t("组织", "Organization"), org.get("name") if language == "zh" else org.get("name_en") or org.get("name")],
            [t("评价日期", "As of"), result.as_of],
            [t("发布范围", "Profile"), named("profile_names", profile)],
            [t("采用的分体系", "Subsystems"), ", ".join(sorted(result.settings.subsystems))],
            ["GWP", result.settings.get("gwp_set")],
            [t("记录", "Records"), len(view.records)],
            [t("错误", "Errors"), counts["error"]],
            [t("警告", "Warnings"), counts["warning"]],
            [t("提示", "Info"), counts["info"]],
        ],
        language=language,
    )
    _domain_sheets(book, result, view, language)
    statuses = view.statuses()  # derived from results and findings (cms_build/statuses.py)
    if statuses:
        _sheet(
            book,
            "状态 Statuses",
            ctx.header(_HEADERS, "id", "kind", "status", "computed", "grade", "reason", "rules"),
            [
                {
                    "id": rid,
                    "kind": named("verdict_kinds", s.kind),
                    "status": ctx.status(s.status, s.kind),
                    "computed": ctx.status(s.computed, s.kind),
                    "grade": ctx.enum("neutrality_review", "offset_kinds.grade", s.grade),  # D.8.2.5-D.8.2.6: the grades' labels
                    "reason": view.hider.text(s.reason),
                    "rules": ", ".join(view.hider.text(r.rule) for r in s.reasons or []),
                }
                for rid, s in ((rid, viewed(DerivedStatus, json)) for rid, json in sorted(statuses.items()))
            ],
            language=language,
        )
    _sheet(
        book,
        "发现 Findings",
        ctx.header(_HEADERS, "severity", "rule", "clauses", "file", "line", "record", "field", "message", "hint"),
        [
            {
                "severity": named("severity_names", f.severity),
                "rule": f.rule,
                "clauses": ", ".join(f.clauses),
                "file": f.file,
                "line": f.line,
                "record": f.record,
                "field": f.path,
                "message": f.message,
                "hint": f.hint,
            }
            for f in view.findings
        ],
        language=language,
    )
    _sheet(
        book,
        "记录 Records",
        ctx.header(_HEADERS, "id", "kind", "title", "status", "version", "confidentiality", "file"),
        [
            {
                "id": r.id,
                "kind": ctx.kind(r.kind),
                "title": r.title,
                "status": named("status_names", r.status),
                "version": r.data.get("version"),
                "confidentiality": named("confidentiality_names", r.confidentiality),
                "file": r.rel,
            }
            for r in view.records
        ],
        language=language,
    )
    stamp = dt.datetime.combine(result.as_of, dt.time(0, 0))
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "cms"
    book.properties.title = f"{org.get('name', '')} {result.as_of.isoformat()}"
    save_deterministic(book, path, stamp)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def save_deterministic(book: Workbook, path, stamp: dt.datetime) -> None:
    """Save the workbook so that the same inputs give the same bytes.

    openpyxl stamps what it saves with the clock: the properties' "modified" date is set to
    now at save time whatever was assigned before, and every member of the zip archive gets the
    time of writing. So the book is saved to memory and copied member by member, in the same
    order, each with the as-of date as its time and the properties' "modified" date set back to
    it."""
    raw = io.BytesIO()
    book.save(raw)
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)  # zip times start in 1980
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for member in src.infolist():
            data = src.read(member)
            if member.filename == "docProps/core.xml":
                data = _MODIFIED.sub(lambda m: m.group(1) + modified + m.group(2), data)
            info = zipfile.ZipInfo(member.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            dest.writestr(info, data)
    Path(path).write_bytes(out.getvalue())  # the export's own output file, named by --out
