"""`cms import`: spreadsheets into the CSV files that records reference.

- activity data: monthly (or other) meter values into the CSV named by an activity_data
  record's `line.activity.file` (its value, period and status columns);
- trades and orders: rows into the CSV named by a trade_ledger record's `trades_file` or
  `orders_file`, each row validated against the kind's own row schema (trading-defs).

Every row is checked; every rejected row is reported with its row number, column, value and
reason. When any row is rejected nothing is written, unless `skip_invalid` is asked for
(then only the valid rows are written, and the rejections still reported). An existing data
file is replaced only with `overwrite`.
"""

from __future__ import annotations

from .. import csvfile
import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator

from ..errors import CmsProblem
from ..csvfile import TableProblem, csv_records
from ..engine import run
from ..rules import bundled_module
from ..schemas import SCHEMA_BASE
from .. import units
from . import plant
from .tables import Table, read_grid, read_table, table_of

# the readers of activity and trade rows belong to their domains: the import refuses what the
# checks would report, with the same code
rows = bundled_module("emissions.activity_rows")
tr = bundled_module("trading.rows")
ACTIVITY_STATUSES = rows.STATUSES


class ImportError_(CmsProblem):
    """A problem with the command's arguments or the target record (not with a row)."""


@dataclass
class Rejection:
    row: int
    column: str
    value: object
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.value!r}: {self.reason}" if self.value not in (None, "") else f"{where}: {self.reason}"


@dataclass
class Report:
    source: str
    target: str
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    written: bool = False
    notes: list[str] = field(default_factory=list)

    def text(self, quiet: bool = False) -> str:
        """The report; quiet (`cms -q import`): only the rejected rows and what they prevented."""
        if quiet:
            lines = [f"{self.source}: rejected {r}" for r in self.rejected]
            if self.rejected and not self.written:
                lines.append(f"{self.source}: nothing written: fix the rows above, or use --skip-invalid to write only the valid rows")
            return "".join(line + "\n" for line in lines)
        lines = [f"{self.source} -> {self.target}"]
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"  {self.accepted} rows accepted, {len(self.rejected)} rejected")
        lines += [f"  rejected {r}" for r in self.rejected]
        if self.written:
            lines.append(f"  wrote {self.target}")
        elif self.rejected:
            lines.append("  nothing written: fix the rows above, or use --skip-invalid to write only the valid rows")
        return "\n".join(lines) + "\n"


def _record(root: Path, record_id: str, kind: str):
    result = run(root, stages="validate")
    record = result.index.get(record_id)
    if record is None:
        raise ImportError_(f"no record with id {record_id!r}")
    if record.kind != kind:
        raise ImportError_(f"{record_id} is a {record.kind} record; this import fills a {kind} record's data file")
    return result, record


def _target(result, record, rel: str | None, what: str) -> Path:
    if not rel:
        raise ImportError_(f"{record.id} names no {what}: add it to the record first (a path relative to {record.rel}), then import")
    path = record.resolve_file(result.root, rel)
    if path is None:
        raise ImportError_(f"{record.id}: the {what} '{rel}' leaves the repository")
    return path


def _write_csv(path: Path, headers: list[str], rows: list[dict], overwrite: bool, limits) -> None:
    if os.path.lexists(path) and not overwrite:
        raise ImportError_(f"{path.name} exists; use --overwrite to replace it (the old file stays in git history)")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    _within_limits(path, data, len(rows), limits)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a temporary file of our own (mkstemp: O_EXCL), never a name a pull request could have
    # planted as a link out of the repository; then an atomic replace (no half-written file)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".importing", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _within_limits(path: Path, data: bytes, n_rows: int, limits) -> None:
    """What `cms check` would refuse (csv_records) is not written: import and
    check bound a table alike (limits.max_table_bytes, max_table_rows, max_cell_chars)."""
    max_bytes, max_rows, max_cell = limits
    if len(data) > max_bytes:
        raise ImportError_(
            f"nothing written: {path.name} would be {len(data)} bytes, more than the "
            f"{max_bytes} that cms check reads (limits.max_table_bytes); import the rows "
            "in parts into several records' files (e.g. one a year)"
        )
    if n_rows > max_rows:
        raise ImportError_(
            f"nothing written: {path.name} would have {n_rows} rows, more than the {max_rows} that cms check reads (limits.max_table_rows); split the import"
        )
    try:  # the very reader of the check, over the very bytes to be written
        for _ in csv_records(io.StringIO(data.decode("utf-8"), newline=""), path.name, max_rows=max_rows, max_cell=max_cell):
            pass
    except TableProblem as exc:
        raise ImportError_(f"nothing written: {path.name} line {exc.line}: {exc.message}") from None


def _pick(row: dict, *names: str):
    for name in names:
        if name in row:
            return name, row[name]
    return None, None


# -- activity data -------------------------------------------------------------------------
def import_activity(root: Path, record_id: str, source: Path, *, sheet=None, overwrite=False, skip_invalid=False) -> Report:
    result, record = _record(root, record_id, "activity_data")
    fspec = (((record.data.get("line") or {}).get("activity") or {}).get("file")) or {}
    if not fspec:
        raise ImportError_(
            f"{record_id} keeps its activity data inline; add line.activity.file {{path, column, period_column, status_column}} to import into a CSV file"
        )
    target = _target(result, record, fspec.get("path"), "line.activity.file.path")
    vcol = fspec["column"]
    pcol = fspec.get("period_column") or "period"
    scol = fspec.get("status_column") or "status"
    limits = csvfile.table_limits(result.settings.get)
    grid = read_grid(source, sheet, limits=limits)
    own = {"period": pcol, "value": vcol, "status": scol}
    at = plant.find_header(grid.rows, own)
    table = _rows_of(table_of(grid, at))
    report = Report(table.name, target.relative_to(result.root).as_posix(), notes=list(table.notes))
    if at:  # a title block above the header: said, not silently dropped
        above = "; ".join(" ".join(str(c) for c in cells if c not in (None, "")) for _, cells in grid.rows[:at])
        report.notes.append(f"row {grid.rows[at][0]} is the header; above it, not data: {above}")
    header = grid.rows[at][1]
    width = max(len(cells) for _, cells in grid.rows[at:])  # a CSV row may run past its header
    named = [str(h).strip() for h in header] + [""] * (width - len(header))
    unnamed = [i + 1 for i, h in enumerate(named) if h == "" and any(i < len(cells) and cells[i] not in (None, "") for _, cells in grid.rows[at + 1 :])]
    if unnamed:
        raise ImportError_(
            f"{table.name}: column(s) {', '.join(map(str, unnamed))} hold values but have no header: "
            "name them (or delete them) so that nothing is dropped silently"
        )
    twice = sorted({h for h in table.headers if table.headers.count(h) > 1})
    if twice:  # a row is read as {header: cell}: the second column of a name would be lost
        raise ImportError_(f"{table.name}: the header names {', '.join(repr(h) for h in twice)} more than once; give each column its own name")
    roles: dict[str, str] = {}
    extra: list[tuple[str, str]] = []  # (source header, written header)
    for role in ("period", "value", "status"):  # two candidates: the record's own name decides, or the user
        candidates = [h for h in table.headers if plant.role_of(h, own) == role]
        if len(candidates) > 1 and own[role] not in candidates:
            raise ImportError_(
                f"{table.name}: {len(candidates)} columns could be the {role}: "
                f"{', '.join(repr(c) for c in candidates)}; rename the one to import to "
                f"'{own[role]}' (the record's column)"
            )
        if own[role] in candidates:
            roles[role] = own[role]
    for h in table.headers:
        role = plant.role_of(h, own)
        if roles.get(role) == h:
            continue
        if role in roles:
            role = None  # another candidate than the record's own column: kept as it is named
        if role in ("period", "value", "status") and role not in roles:
            roles[role] = h
        elif role in ("meter", "notes") and role not in {w for _, w in extra} and role not in table.headers:
            extra.append((h, role))  # written under the name the example's files use
        else:
            extra.append((h, h))  # any other column: kept as it is named, never dropped
    if extra:
        report.notes.append("columns kept in the written file: " + ", ".join(w if h == w else f"{w} (from '{h}')" for h, w in extra))
    # the record's own column carries no unit to read: it is in the record's unit, as the check reads it
    factor = 1 if roles.get("value") == vcol else _unit_factor(record, roles.get("value"), report)
    year = record.data.get("year")
    out, seen = [], {}
    total_rows = []
    read_as: dict[str, dict[str, str]] = {}  # what was rewritten in the check's form, said in a note
    for number, row in table.rows:
        label = plant.is_total(row.values())
        if label is not None:
            total_rows.append((number, label, row.get(roles.get("value", ""))))
            continue
        pname, period = roles.get("period"), row.get(roles.get("period", ""))
        vname, raw = roles.get("value"), row.get(roles.get("value", ""))
        sname, status = roles.get("status"), row.get(roles.get("status", ""))
        bad = []
        if pname is None:
            bad.append(Rejection(number, pcol, None, f"no period column (expected '{pcol}', or one of: {', '.join(plant.ALIASES['period'])})"))
        if vname is None:
            bad.append(Rejection(number, vcol, None, f"no value column (expected '{vcol}', or one of: {', '.join(plant.ALIASES['value'])})"))
        if bad:
            report.rejected.extend(bad)
            continue
        written_period, written_status = period, status
        try:
            period = plant.period(period)
        except plant.PeriodProblem as exc:
            report.rejected.append(Rejection(number, pname, period, str(exc)))
            continue
        status = plant.status(status)
        if str(written_period).strip() != period:
            read_as.setdefault("periods", {}).setdefault(str(written_period).strip(), period)
        if written_status not in (None, "") and str(written_status).strip() != status:
            read_as.setdefault("status labels", {}).setdefault(str(written_status).strip(), status)
        problem = rows.period_problem(period, year, seen)
        if problem:  # the cell as written, and what it was read as
            shown = period if str(written_period).strip() == period else f"{written_period} (read as {period})"
            report.rejected.append(Rejection(number, pname, shown, problem))
            continue
        if status not in ACTIVITY_STATUSES:
            report.rejected.append(
                Rejection(number, sname or scol, status, f"status must be one of {', '.join(ACTIVITY_STATUSES)} (or {', '.join(plant.STATUS_LABELS)})")
            )
            continue
        value = _number(raw)
        if raw in (None, "") or status == "missing":
            report.rejected.append(
                Rejection(number, vname, raw, "no value: fill the gap (status filled or estimated) and document gap_filling in the record (A.9.1.1 b)")
            )
            continue
        problem = rows.value_problem(value)
        if problem:
            report.rejected.append(Rejection(number, vname, raw, problem))
            continue
        seen[period] = number
        if factor != 1:
            value = _converted(value, factor)
        out.append({pcol: period, vcol: _plain(value), scol: status} | {w: _csv_value(row.get(h, "")) for h, w in extra})
    for what, pairs in read_as.items():
        shown = list(pairs.items())
        report.notes.append(
            f"{what} read in the check's form: " + ", ".join(f"{a} -> {b}" for a, b in shown[:6]) + (f" and {len(shown) - 6} more" if len(shown) > 6 else "")
        )
    for number, label, raw in total_rows:
        report.notes.append(f"row {number}: a total row ('{label}') skipped: " + _total_note(raw, out, vcol, factor))
    return _finish(report, target, [pcol, vcol, scol] + [w for _, w in extra], sorted(out, key=lambda r: r[pcol]), overwrite, skip_invalid, limits)


def _unit_factor(record, header, report) -> float:
    """The factor from the unit in the value column's header (`用气量（万Nm³）`) to the record's
    line.activity.unit, said in the report; 1 without a unit in the header. A unit of another
    kind of quantity (t in the header, Nm3 in the record) refuses the import: no row of it is
    in the record's unit."""
    if header is None:
        return 1
    try:
        text, unit = plant.header_unit(header)
    except units.UnitError as exc:
        raise ImportError_(f"column '{header}': the bracket is not a unit the project knows: {exc}") from None
    if text is None:
        return 1
    want = ((record.data.get("line") or {}).get("activity") or {}).get("unit")
    if not want:
        raise ImportError_(f"column '{header}' is in {text}, but {record.id} names no line.activity.unit to check it against: add the unit to the record first")
    try:
        factor = units.convert(1.0, unit, want)
    except units.UnitError as exc:
        raise ImportError_(f"column '{header}' is in {text}, but {record.id}'s activity is in {want}: {exc}") from None
    if factor == 1:
        report.notes.append(f"column '{header}': {text} is the record's unit ({want})")
    else:
        report.notes.append(f"column '{header}': values in {text} converted to the record's unit {want} (x {factor:g})")
    return factor


def _converted(value: float, factor: float) -> float:
    # 12 significant digits: 15024000 Nm3 x 1e-4 is 1502.4, not 1502.4000000000001 (a float's noise
    # is not a meter's digit; no plant meter reads 12 digits)
    return float(f"{value * factor:.12g}")


def _total_note(raw, out: list[dict], vcol: str, factor: float) -> str:
    """Totals are computed from the rows, never imported; the sheet's own total is compared with
    the sum of the accepted rows, so a sheet whose rows do not add up is seen."""
    total = _number(raw)
    if total is None:
        return "totals are computed from the rows, not imported"
    total = _converted(total, factor) if factor != 1 else total
    got = sum(float(r[vcol]) for r in out)
    if abs(got - total) <= 1e-9 * max(1.0, abs(total)):
        return f"its value {_plain(total)} equals the sum of the accepted rows"
    return f"its value {_plain(total)} differs from the sum of the accepted rows, {float(f'{got:.12g}'):g}"


def _rows_of(table):
    """A table with at least one data row: an empty one would 'import' nothing and succeed."""
    if not table.rows:
        raise ImportError_(f"{table.name} has no data rows under its header: nothing to import (is it the right file, sheet or delimiter?)")
    return table


def _number(raw):
    """The checker's own reading of a cell (csvfile.parse_number: '1,502.4' is 1502.4)."""
    try:
        return csvfile.parse_number(raw)
    except (ValueError, TypeError):
        return None


def _plain(value: float):
    return int(value) if float(value).is_integer() else value


def _finish(report: Report, target: Path, headers: list[str], rows: list[dict], overwrite: bool, skip_invalid: bool, limits) -> Report:
    report.accepted = len(rows)
    if report.rejected and not skip_invalid:
        return report
    if not rows:
        report.notes.append("no valid rows: nothing written")
        return report
    _write_csv(target, headers, rows, overwrite, limits)
    report.written = True
    return report


# -- trades and orders --------------------------------------------------------------------------
# the columns of a trades or orders CSV are the trading reader's (checks/trading/rows.py), as the prices'


def _mapped(source: Path, sheet, timezone: str, mapping: str | None, rows: str, limits=None):
    """The table to import: as written, or read through a column mapping (cms_build/workflow/mapping.py)."""
    if mapping is None:
        return _rows_of(read_table(source, sheet, timezone, limits=limits)), [], []
    from .mapping import MappingError, apply, load

    try:
        m = load(mapping)
        if m.rows != rows:
            raise MappingError(f"mapping {m.name} reads {m.rows}, not {rows}: use it with cms import {m.rows}")
        table = _rows_of(read_table(source, sheet, m.timezone, limits=limits, encoding=m.encoding, delimiter=m.delimiter))
        got = apply(m, table.headers, table.rows)
    except MappingError as exc:
        raise ImportError_(str(exc)) from None
    headers = sorted({k for _, r in got.rows for k in r})
    return (
        Table(f"{table.name} (mapping {m.name})", headers, got.rows, list(table.notes) + got.notes),
        [Rejection(n, c, v, r) for n, c, v, r in got.rejected],
        [],
    )


def import_ledger(
    root: Path, ledger_id: str, source: Path, *, orders=False, sheet=None, overwrite=False, skip_invalid=False, timezone="+08:00", mapping: str | None = None
) -> Report:
    result, record = _record(root, ledger_id, "trade_ledger")
    field_name = "orders_file" if orders else "trades_file"
    target = _target(result, record, record.data.get(field_name), field_name)
    defs = result.schemas.by_id(SCHEMA_BASE + "trading-defs.schema.json")
    row_schema = {"$ref": SCHEMA_BASE + "trading-defs.schema.json#/$defs/" + ("order" if orders else "trade")}
    validator = Draft202012Validator(row_schema, registry=result.schemas.registry, format_checker=result.schemas.format_checker)
    props = result.schemas._deref(defs["$defs"]["order" if orders else "trade"], defs["$id"])[0].get("properties", {})  # noqa: SLF001
    columns = list(tr.ORDER_COLUMNS if orders else tr.TRADE_COLUMNS)
    limits = csvfile.table_limits(result.settings.get)
    table, mapped_out, _ = _mapped(source, sheet, timezone, mapping, "orders" if orders else "trades", limits)
    report = Report(table.name, target.relative_to(result.root).as_posix(), notes=list(table.notes))
    report.rejected.extend(mapped_out)
    unknown = [h for h in table.headers if h not in props]
    if unknown:
        report.notes.append(f"columns ignored (not fields of a {'order' if orders else 'trade'}): {', '.join(unknown)}")
    out, seen = [], {}
    id_column = "order_id" if orders else "trade_id"
    for number, row in table.rows:
        data, bad = _coerce(result.schemas, props, row, number, defs["$id"])
        if not bad:
            for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
                column = str(error.absolute_path[0]) if error.absolute_path else ""
                bad.append(Rejection(number, column, row.get(column, ""), _reason(error)))
        if not bad:  # the rules cms check applies to a ledger row (trading_rows), so both agree
            got = (tr.order_from if orders else tr.trade_from)(row, {})
            if isinstance(got, tr.RowProblem):
                bad.append(Rejection(number, "", "", got.message))
            elif row.get(id_column) in seen:
                bad.append(Rejection(number, id_column, row.get(id_column), f"the same {id_column} as row {seen[row[id_column]]}"))
        if bad:
            report.rejected.extend(bad)
            continue
        seen[row.get(id_column)] = number
        out.append({c: _csv_value(row.get(c, "")) for c in columns if c in props})
    headers = [c for c in columns if c in props]
    return _finish(report, target, headers, out, overwrite, skip_invalid, limits)


def _reason(error) -> str:
    if error.validator == "required":
        return f"missing: {error.message.split(' is a required')[0]}"
    if error.validator == "enum":
        return "must be one of: " + ", ".join(map(str, error.validator_value))
    if error.validator == "format":
        return {"date-time": "not a date and time with time zone (e.g. 2025-10-15T10:12:00+08:00)", "date": "not a date (YYYY-MM-DD)"}.get(
            error.validator_value, error.message
        )
    return error.message


def _coerce(schemas, props: dict, row: dict, number: int, base: str):
    """Typed values for validation, from spreadsheet text, by each column's schema type."""
    data, bad = {}, []
    for name, raw in row.items():
        if name not in props or raw in ("", None):
            continue
        prop, _ = schemas._deref(props[name], base)  # noqa: SLF001
        t = prop.get("type")
        t = t[0] if isinstance(t, list) else t
        try:
            if t == "number":
                value = float(raw) if not isinstance(raw, (int, float)) else raw
            elif t == "integer":
                f = float(raw)
                if not f.is_integer():
                    raise ValueError
                value = int(f)
            elif t == "array":
                value = [s.strip() for s in str(raw).split(";") if s.strip()]
            elif t == "boolean":
                value = str(raw).strip().lower() in ("true", "1", "yes", "是")
            else:
                value = raw if isinstance(raw, str) else _plain(raw) if isinstance(raw, float) else str(raw)
                value = str(value)
        except (TypeError, ValueError):
            bad.append(Rejection(number, name, raw, f"not {'a number' if t == 'number' else 'a whole number'}"))
            continue
        data[name] = value
    return data, bad


def _csv_value(raw):
    if isinstance(raw, float):
        return _plain(raw)
    return raw


# -- market prices ---------------------------------------------------------------------------
def import_prices(root: Path, price_id: str, source: Path, *, sheet=None, overwrite=False, skip_invalid=False, mapping: str | None = None) -> Report:
    """Daily prices (date, close, open, high, low, volume) into a market_price record's prices_file."""
    result, record = _record(root, price_id, "market_price")
    target = _target(result, record, record.data.get("prices_file"), "prices_file")
    table, bad, _ = _mapped(source, sheet, "+08:00", mapping, "prices")
    report = Report(table.name, target.relative_to(result.root).as_posix(), notes=list(table.notes))
    report.rejected.extend(bad)
    unknown = [h for h in table.headers if h not in tr.PRICE_COLUMNS]
    if unknown:
        report.notes.append(f"columns ignored (not fields of a daily price): {', '.join(unknown)}")
    out, seen = [], {}
    for number, row in table.rows:
        got = tr.price_from(row, {})
        if isinstance(got, tr.RowProblem):
            report.rejected.append(Rejection(number, "", "", got.message))
            continue
        for col in ("open", "high", "low", "volume"):
            if row.get(col) not in (None, "") and _number(row[col]) is None:
                report.rejected.append(Rejection(number, col, row[col], "not a number"))
                break
        else:
            if got.day in seen:
                report.rejected.append(Rejection(number, "date", row.get("date"), f"the same date as row {seen[got.day]}"))
                continue
            seen[got.day] = number
            out.append({c: _csv_value(row.get(c, "")) for c in tr.PRICE_COLUMNS if c in table.headers or c in ("date", "close")})
    headers = [c for c in tr.PRICE_COLUMNS if c in table.headers or c in ("date", "close")]
    out.sort(key=lambda r: str(r["date"]))
    return _finish(report, target, headers, out, overwrite, skip_invalid, csvfile.table_limits(result.settings.get))
