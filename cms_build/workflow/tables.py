"""Reading spreadsheets people actually send: CSV (UTF-8 or GB18030) and XLSX.

Rows come back as dicts of header -> text, with the spreadsheet's own row number, so that
every rejection can say "row 7". Dates and times from XLSX cells become ISO text; numbers
keep their value. Nothing here decides what a value means: the importer does.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

MAX_ROWS = 200_000


class TableError(Exception):
    pass


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict]]  # (row number as the spreadsheet shows it, {header: value})
    notes: list[str] = field(default_factory=list)


def _cell(value, timezone: str):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat() + (timezone if value.tzinfo is None else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return value if isinstance(value, (int, float)) else str(value).strip()


def read_table(path: Path, sheet: str | None = None, timezone: str = "+08:00", encoding: str = "auto",
               delimiter: str = ",") -> Table:
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, timezone)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding, delimiter)
    raise TableError(f"{path}: not a CSV or XLSX file (use .csv or .xlsx)")


def _read_csv(path: Path, encoding: str = "auto", delimiter: str = ",") -> Table:
    raw = path.read_bytes()
    notes = []
    if encoding != "auto":  # a mapping names the export's encoding
        try:
            text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise TableError(f"{path}: not {encoding} text (byte {exc.start}); check the mapping's encoding") from None
        if text.startswith("\ufeff"):
            text = text[1:]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
                notes.append("the file is not UTF-8; it was read as GB18030 (Excel's Chinese CSV encoding)")
            except UnicodeDecodeError:
                raise TableError(f"{path}: neither UTF-8 nor GB18030 text; save it as 'CSV UTF-8'") from None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableError(f"{path}: the file is empty") from None
    rows = []
    for number, values in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise TableError(f"{path}: more than {MAX_ROWS} rows; split the file")
        if not any(v.strip() for v in values):
            continue
        rows.append((number, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}))
    return Table(path.name, headers, rows, notes)


def _read_xlsx(path: Path, sheet: str | None, timezone: str) -> Table:
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a corrupt or password-protected workbook
        raise TableError(f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            headers = [str(h).strip() if h is not None else "" for h in next(it)]
        except StopIteration:
            raise TableError(f"{path}: sheet {ws.title!r} is empty") from None
        rows = []
        for number, values in enumerate(it, start=2):
            if number > MAX_ROWS:
                raise TableError(f"{path}: more than {MAX_ROWS} rows; split the sheet")
            if not any(v not in (None, "") for v in values):
                continue
            rows.append((number, {h: _cell(values[i] if i < len(values) else None, timezone)
                                  for i, h in enumerate(headers) if h}))
        return Table(f"{path.name} [{ws.title}]", [h for h in headers if h], rows)
    finally:
        book.close()
