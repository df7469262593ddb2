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

    def table(self, header: list, entries: dict, rows_of) -> list[list] | None:
        """A sheet of the entries of a typed result's mapping: the header, then the rows
        `rows_of(key, entry)` gives for each entry in key order, but for those the view
        restricted (nothing of them to show); None, the sheet left out, when no entry gives a row."""
        from ..results import is_restricted

        rows = [list(header)]
        for key, entry in sorted(entries.items()):
            if is_restricted(entry):
                continue  # the view withheld it: nothing of it to show
            rows.extend(rows_of(key, entry))
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


def _sheet(book: Workbook, title: str, headers: list, rows: list[list], notes: list[str] = (), language: str = "zh"):
    used = {name.casefold() for name in book.sheetnames}
    ws = book.create_sheet(tab_name(title, language, used))
    headers = [_text(h, language) for h in headers]
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
        [t("项目", "Item"), t("值", "Value")],
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
            [t("编号", "Id"), t("类型", "Kind"), t("状态", "Status"), t("计算状态", "Computed"), t("等级", "Grade"), t("说明", "Reason"), t("依据", "Rules")],
            [
                [
                    rid,
                    named("verdict_kinds", s.kind),
                    ctx.status(s.status, s.kind),
                    ctx.status(s.computed, s.kind),
                    ctx.enum("neutrality_review", "offset_kinds.grade", s.grade),  # D.8.2.5-D.8.2.6: the grades' labels
                    view.hider.text(s.reason),
                    ", ".join(view.hider.text(r.rule) for r in s.reasons or []),
                ]
                for rid, s in ((rid, viewed(DerivedStatus, json)) for rid, json in sorted(statuses.items()))
            ],
            language=language,
        )
    _sheet(
        book,
        "发现 Findings",
        [
            t("严重程度", "Severity"),
            t("规则", "Rule"),
            t("条款", "Clauses"),
            t("文件", "File"),
            t("行", "Line"),
            t("记录", "Record"),
            t("字段", "Field"),
            t("说明", "Message"),
            t("建议", "Hint"),
        ],
        [[named("severity_names", f.severity), f.rule, ", ".join(f.clauses), f.file, f.line, f.record, f.path, f.message, f.hint] for f in view.findings],
        language=language,
    )
    _sheet(
        book,
        "记录 Records",
        [t("编号", "Id"), t("类型", "Kind"), t("标题", "Title"), t("状态", "Status"), t("版本", "Version"), t("密级", "Confidentiality"), t("文件", "File")],
        [
            [
                r.id,
                ctx.kind(r.kind),
                r.title,
                named("status_names", r.status),
                r.data.get("version"),
                named("confidentiality_names", r.confidentiality),
                r.rel,
            ]
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
