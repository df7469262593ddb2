"""Reading spreadsheets people actually send: CSV (UTF-8 or GB18030) and XLSX.

Rows come back as dicts of header -> text, with the spreadsheet's own row number, so that
every rejection can say "row 7". Dates and times from XLSX cells become ISO text; numbers
keep their value. Nothing here decides what a value means: the importer does.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from ..errors import CmsProblem

from .. import csvfile as rows_mod
from ..paths import UnsafeFile, read_repo_bytes, repo_file

MAX_ROWS = rows_mod.MAX_TABLE_ROWS  # limits.max_table_rows
XLSX_UNPACKED_FACTOR = 8  # a workbook's XML is about 5-10 times its zip; more is a zip bomb


class TableError(CmsProblem):
    """A spreadsheet or CSV that cannot be read as a table."""


@dataclass
class Grid:
    """A sheet or CSV as rows of cells, before any row is taken as the header (a plant's
    sheet may carry a title above it: workflow/plant.py finds the header)."""

    name: str
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells), blank rows left out
    notes: list[str] = field(default_factory=list)


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


def read_table(path: Path, sheet: str | None = None, timezone: str = "+08:00", limits=None, encoding: str = "auto", delimiter: str = ",") -> Table:
    """The rows of a spreadsheet under its first row (the header): see read_grid."""
    return table_of(read_grid(path, sheet, timezone, limits, encoding, delimiter))


def read_grid(path: Path, sheet: str | None = None, timezone: str = "+08:00", limits=None, encoding: str = "auto", delimiter: str = ",") -> Grid:
    """The rows of a spreadsheet, bounded as `cms check` bounds the tables it reads (limits:
    (bytes, rows, cell characters), csvfile.table_limits): an import never reads what the
    checker would refuse, and refuses it before reading it where it can. An exchange's export
    may name its encoding and delimiter (a column mapping, cms_build/workflow/mapping.py)."""
    path = Path(path)
    limits = limits or rows_mod.table_limits()
    if not path.exists():
        raise TableError(f"{path}: no such file")
    try:  # the user names the file: it may be anywhere ('/'), but it must be a regular file
        repo_file(Path("/"), path)
    except UnsafeFile as exc:
        raise TableError(f"{path}: {exc.message}") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, timezone, limits)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, limits, encoding, delimiter)
    raise TableError(f"{path}: not a CSV or XLSX file (use .csv or .xlsx)")


def _read_csv(path: Path, limits, encoding: str = "auto", delimiter: str = ",") -> Grid:
    max_bytes, max_rows, max_cell = limits
    try:
        raw = read_repo_bytes(Path("/"), path, max_bytes, "limits.max_table_bytes")
    except UnsafeFile as exc:
        raise TableError(f"{path}: {exc.message}") from None
    notes = []
    if encoding != "auto":  # a mapping names the export's encoding
        try:
            text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise TableError(f"{path}: not {encoding} text (byte {exc.start}); check the mapping's encoding") from None
        if text.startswith("\ufeff"):
            text = text[1:]
    else:
        # UTF-8 first (a BOM or not), then GB18030, a superset of GBK and GB2312, which Excel writes
        # as "CSV" on a Chinese Windows. Not a detector: charset-normalizer 3.4 names a short GBK
        # table (a header and a row) big5, and a plant's CSV is one of these two.
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
                notes.append("the file is not UTF-8; it was read as GB18030 (Excel's Chinese CSV encoding)")
            except UnicodeDecodeError:
                raise TableError(f"{path}: neither UTF-8 nor GB18030 text; save it as 'CSV UTF-8'") from None
    del raw
    records = rows_mod.csv_records(io.StringIO(text, newline=""), path.name, max_rows=max_rows, max_cell=max_cell, delimiter=delimiter)
    try:
        grid = [(number, [v.strip() for v in values]) for number, values in records]
    except rows_mod.TableProblem as exc:
        raise TableError(f"{path}: line {exc.line}: {exc.message}") from None
    if not grid:
        raise TableError(f"{path}: the file is empty")
    return Grid(path.name, grid, notes)


def table_of(grid: "Grid", header_at: int = 0) -> Table:
    """The table under the row grid.rows[header_at] (its header); rows above it are not data."""
    header = grid.rows[header_at][1]
    headers = [str(h).strip() for h in header]
    rows = []
    for number, values in grid.rows[header_at + 1 :]:
        rows.append((number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h}))
    return Table(grid.name, [h for h in headers if h], rows, list(grid.notes))


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def _count_rows(archive, member: str) -> int:
    """The <row> elements of a sheet, counted in its XML without parsing it (about 50 MB/s, many
    times faster than openpyxl, which, when a sheet declares no <dimension>, parses the whole
    sheet once just to size it when the workbook is opened): a huge sheet is refused at once."""
    count, tail = 0, b""
    with archive.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return count
            data = tail + chunk
            count += len(_ROW_TAG.findall(data))
            tail = data[-32:]
            count -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk


def _read_xlsx(path: Path, sheet: str | None, timezone: str, limits) -> Grid:
    import zipfile
    import zlib

    import openpyxl

    max_bytes, max_rows, max_cell = limits
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as archive:  # what it unpacks to, known before a cell is read
            unpacked = sum(info.file_size for info in archive.infolist())
            if size > max_bytes or unpacked > XLSX_UNPACKED_FACTOR * max_bytes:
                raise TableError(
                    f"{path}: the workbook is {size} bytes ({unpacked} unpacked), more than the limit "
                    f"of {max_bytes} (limits.max_table_bytes; {XLSX_UNPACKED_FACTOR} times that unpacked); "
                    "split it"
                )
            for member in sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)):
                rows = _count_rows(archive, member)
                if rows - 1 > max_rows:
                    raise TableError(
                        f"{path}: a sheet ({member}) has {rows - 1} rows under its header, more than {max_rows} (limits.max_table_rows); split the sheet"
                    )
    except (OSError, zipfile.BadZipFile, zlib.error) as exc:
        raise TableError(f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a corrupt or password-protected workbook
        raise TableError(f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TableError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet else book.worksheets[0]
        declared = getattr(ws, "_max_row", None)  # the sheet's own <dimension>: refuse before reading
        if isinstance(declared, int) and declared - 1 > max_rows:
            raise TableError(
                f"{path}: sheet {ws.title!r} has {declared - 1} rows under its header, more than {max_rows} (limits.max_table_rows); split the sheet"
            )
        rows = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number - 1 > max_rows:  # a dimension that lies: still bounded
                raise TableError(f"{path}: more than {max_rows} rows (limits.max_table_rows); split the sheet")
            if not any(v not in (None, "") for v in values):
                continue
            long = next((i for i, v in enumerate(values) if isinstance(v, str) and len(v) > max_cell), None)
            if long is not None:
                raise TableError(
                    f"{path}: row {number}: cell {long + 1} holds {len(values[long])} characters, more than the limit of {max_cell} (limits.max_cell_chars)"
                )
            rows.append((number, [_cell(v, timezone) for v in values]))
        if not rows:
            raise TableError(f"{path}: sheet {ws.title!r} is empty")
        return Grid(f"{path.name} [{ws.title}]", rows)
    finally:
        book.close()
