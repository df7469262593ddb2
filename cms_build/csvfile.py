"""Attached and imported tables (CSV): read streamed, bounded by the settings' limits.max_table_*,
every problem located at its file and line. The one reading of a table and of a number in it:
the checks, `cms import` and the trading and activity readers of checks/ all use it, so that a
table one accepts the others never refuse. Files are opened through cms_build.paths.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .paths import UnsafeFile, open_repo_binary


# Bounds of an attached or imported table; the settings' limits.max_table_* override them.
MAX_TABLE_BYTES = 20 * 1024 * 1024
MAX_TABLE_ROWS = 200_000
MAX_CELL_CHARS = 65_536  # the csv module's own ceiling is 131072 (field_size_limit)


class TableProblem(ValueError):
    """A table that cannot be read, located at its file and line (1 = the header)."""

    def __init__(self, file: str, line: int, message: str, hint: str = ""):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message, self.hint = file, line, message, hint


def table_limits(settings_get: Callable[[str], Any] | None = None) -> tuple[int, int, int]:
    """(bytes, rows, cell characters) of a table, from the settings (Settings.get or ctx.setting)."""
    if settings_get is None:
        return MAX_TABLE_BYTES, MAX_TABLE_ROWS, MAX_CELL_CHARS
    return (
        settings_get("limits.max_table_bytes") or MAX_TABLE_BYTES,
        settings_get("limits.max_table_rows") or MAX_TABLE_ROWS,
        min(settings_get("limits.max_cell_chars") or MAX_CELL_CHARS, 131072),
    )


def csv_records(
    lines: Iterable[str], file: str, *, max_rows: int = MAX_TABLE_ROWS, max_cell: int = MAX_CELL_CHARS, delimiter: str = ","
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV stream (the header first), each bounded: a cell longer
    than max_cell, more than max_rows data rows, a malformed line or bytes that are not UTF-8
    raise TableProblem at the line where they are, once they are met (nothing after is read).
    Fully blank lines are left out; `line` is the file's line where the row starts."""
    reader = csv.reader(lines, delimiter=delimiter)
    start, rows = 1, -1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not "".join(cells).strip():  # every cell blank (one join: a million rows, issue 19)
                continue
            if max(map(len, cells)) > max_cell:
                i, cell = next((i, c) for i, c in enumerate(cells) if len(c) > max_cell)
                raise TableProblem(
                    file,
                    line,
                    f"cell {i + 1} holds {len(cell)} characters, more than the limit of {max_cell} (limits.max_cell_chars)",
                    "a cell holds one value: move long text into a document the record attaches",
                )
            rows += 1  # the header is row 0
            if rows > max_rows:
                raise TableProblem(
                    file, line, f"more than {max_rows} rows (limits.max_table_rows): the rest is not read", "split the table, e.g. one file a year"
                )
            yield line, cells
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own ceiling, met first
            raise TableProblem(
                file,
                start,
                f"a cell holds more than {csv.field_size_limit()} characters, more than the limit of {max_cell} (limits.max_cell_chars)",
                "a cell holds one value: move long text into a document the record attaches",
            ) from None
        raise TableProblem(file, start, f"the CSV file cannot be read: {exc}", "save it again as 'CSV UTF-8' from the spreadsheet") from None
    except UnicodeDecodeError:
        raise TableProblem(file, start, "the file is not UTF-8 text", "save it as 'CSV UTF-8' (GBK and other encodings are not accepted)") from None


def read_csv(root: Path, path: Path, file: str, limits: tuple[int, int, int] | None = None) -> Iterator[tuple[int, list[str]]]:
    """Stream a CSV file of the repository: (line, cells) rows as csv_records gives them.

    The file is opened through cms_build.paths (no link out of the repository, no FIFO or
    device, never more than limits.max_table_bytes read); what it refuses is a TableProblem
    at line 1. A generator: close it (or read it to the end) to close the file."""
    max_bytes, max_rows, max_cell = limits or table_limits()
    try:
        fh = open_repo_binary(root, path, max_bytes, "limits.max_table_bytes")
    except UnsafeFile as exc:
        raise TableProblem(file, 1, exc.message, exc.hint) from None
    with fh:
        try:
            yield from csv_records(_utf8_lines(fh, file), file, max_rows=max_rows, max_cell=max_cell)
        except UnsafeFile as exc:  # it grew past the limit while being read
            raise TableProblem(file, 1, exc.message, exc.hint) from None


def _utf8_lines(fh: Iterable[bytes], file: str) -> Iterator[str]:
    """The lines of a binary stream as text, each decoded on its own: bytes that are not UTF-8
    are a TableProblem at their own line (a decoder over blocks would only know the block)."""
    for n, raw in enumerate(fh, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise TableProblem(file, n, "the file is not UTF-8 text", "save it as 'CSV UTF-8' (GBK and other encodings are not accepted)") from None
        yield text.lstrip("\ufeff") if n == 1 else text


def parse_number(text: object) -> float | None:
    """A cell as a number ('1,234.5' and '1 234.5' too); None when empty; ValueError otherwise.

    The one reading of a number in a table: `cms import` and the checks both use it, so that a
    value one accepts the other never refuses. Spreadsheet cells that are numbers already pass."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, (int, float)):
        return float(text)
    if text is None:
        return None
    if not isinstance(text, str):  # a date or time cell of a spreadsheet: not a number
        raise ValueError(f"{text!r} is not a number")
    t = text.strip().replace(",", "").replace(" ", "")
    return None if t == "" else float(t)
