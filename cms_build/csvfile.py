"""Attached and imported tables (CSV): read streamed, bounded by the settings' limits.max_table_*,
every problem located at its file and line. The one reading of a table and of a number in it:
the checks, `cms import` and the trading and activity readers of checks/ all use it, so that a
table one accepts the others never refuse. Files are opened through cms_build.paths.
"""

from __future__ import annotations

import csv
import io
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
    lines: Iterable[str],
    file: str,
    *,
    max_rows: int = MAX_TABLE_ROWS,
    max_cell: int = MAX_CELL_CHARS,
    delimiter: str = ",",
    first: int = 1,
    before: int = 0,
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV stream (the header first), each bounded: a cell longer
    than max_cell, more than max_rows data rows, a malformed line or bytes that are not UTF-8
    raise TableProblem at the line where they are, once they are met (nothing after is read).
    Fully blank lines are left out; `line` is the file's line where the row starts.

    `lines` may continue a table read so far by other means: `first` is the file's line of its
    first line, `before` the rows (the header included) the table gave before it."""
    reader = csv.reader(lines, delimiter=delimiter)
    offset = first - 1
    start, rows = first, before - 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1 + offset
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
    _, max_rows, max_cell = limits or table_limits()
    yield from csv_records(block_lines(read_blocks(root, path, file, limits)), file, max_rows=max_rows, max_cell=max_cell)


BLOCK_BYTES = 1 << 20


def read_blocks(root: Path, path: Path, file: str, limits: tuple[int, int, int] | None = None, size: int = BLOCK_BYTES) -> Iterator[tuple[int, str]]:
    """A CSV file of the repository as text in blocks of whole lines: (file line of the block's
    first line, text), the first line a block of its own (the header, mostly), then blocks of
    about `size` bytes. Opened as read_csv opens it; decoded a block at a time, yet bytes that
    are not UTF-8 are a TableProblem at their own line, raised after the lines before it are
    given, as a decoder line by line would (a line ends at b"\n", never inside a character)."""
    max_bytes = (limits or table_limits())[0]
    try:
        fh = open_repo_binary(root, path, max_bytes, "limits.max_table_bytes")
    except UnsafeFile as exc:
        raise TableProblem(file, 1, exc.message, exc.hint) from None
    with fh:
        try:
            line, carry, head = 1, b"", True
            while True:
                data = fh.read(size)
                if data:
                    data = carry + data
                    cut = data.find(b"\n") + 1 if head else data.rfind(b"\n") + 1
                    if not cut:  # no line ends in it yet (a long line): read on, bounded by max_bytes
                        carry = data
                        continue
                    chunk, carry = data[:cut], data[cut:]
                elif carry:  # the last line, without a newline
                    chunk, carry = carry, b""
                else:
                    return
                try:
                    text = chunk.decode("utf-8")
                except UnicodeDecodeError as exc:
                    good = chunk[: chunk.rfind(b"\n", 0, exc.start) + 1].decode("utf-8")
                    if good:
                        yield line, good.lstrip("\ufeff") if head else good
                    raise TableProblem(
                        file, line + good.count("\n"), "the file is not UTF-8 text", "save it as 'CSV UTF-8' (GBK and other encodings are not accepted)"
                    ) from None
                if head:
                    text, head = text.lstrip("\ufeff"), False
                yield line, text
                line += text.count("\n")
        except UnsafeFile as exc:  # it grew past the limit while being read
            raise TableProblem(file, 1, exc.message, exc.hint) from None


def block_lines(blocks: Iterable[tuple[int, str]]) -> Iterator[str]:
    """The lines of read_blocks' blocks, each with its b"\n" (lines end there only, as a binary
    file's lines do: a lone carriage return is the csv module's to judge)."""
    for _, text in blocks:
        yield from io.StringIO(text, newline="\n")


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
