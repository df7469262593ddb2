"""`cms import ...`: spreadsheets into the data files that records reference (the module is
import_ because import is a keyword)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import QUIET, CmsError, find_root, path_option, verbosity, with_options


@click.group("import")
def import_group():
    """Spreadsheets (CSV or XLSX) into the data files that records reference.

    Every row is checked and every rejected row reported; when any row is rejected nothing
    is written unless --skip-invalid. An existing data file is replaced only with --overwrite.

    \b
    Example: cms import activity AD-2025-BJ1-U1-COAL meters.xlsx --path records
    """


def _import(fn, *args, **kwargs):
    from ..workflow.importer import ImportError_
    from ..workflow.tables import TableError

    try:
        report = fn(*args, **kwargs)
    except (ImportError_, TableError) as exc:
        raise CmsError(str(exc)) from None
    click.echo(report.text(quiet=verbosity() == QUIET), nl=False)
    sys.exit(1 if report.rejected else 0)


_COMMON = with_options(
    [
        path_option,
        click.option("--sheet", help="The XLSX sheet (default: the first)."),
        click.option("--overwrite", is_flag=True, help="Replace the existing data file."),
        click.option("--skip-invalid", is_flag=True, help="Write the valid rows even when some are rejected."),
    ]
)


@import_group.command("activity")
@click.argument("record_id")
@click.argument("file", type=click.Path(dir_okay=False))
@_COMMON
def import_activity_cmd(record_id, file, path, sheet, overwrite, skip_invalid):
    """Meter values (period, value, status) into the CSV of activity_data RECORD_ID.

    Sheets as plants keep them are read, each step said in the report: a title above the
    header; headers in Chinese or English (月份/期间, 用量/用气量, 状态) with a unit in brackets
    (用气量（万Nm³）, converted to the record's unit); 合计/Total rows skipped; periods written
    2025年1月, 2025/1/1, 2025.01, Excel dates and serials; 实测/估算/补录/缺失; other columns
    (计量器具, 备注...) kept in the written file.

    \b
    Example: cms import activity AD-2025-BJ1-U1-COAL meters.xlsx --sheet 2025 --path records
    """
    from ..workflow.importer import import_activity

    _import(import_activity, find_root(path), record_id, Path(file), sheet=sheet, overwrite=overwrite, skip_invalid=skip_invalid)


mapping_option = click.option(
    "--mapping",
    help="A column mapping (YAML file, or the name of a shipped one: cms import mappings) for an "
    "exchange's export: column names, date formats, sides, units, encoding.",
)


@import_group.command("trades")
@click.argument("ledger_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--orders", is_flag=True, help="The rows are orders (申报), for orders_file, not trades.")
@click.option("--timezone", default="+08:00", show_default=True, help="Time zone of spreadsheet times without one.")
@mapping_option
@_COMMON
def import_trades_cmd(ledger_id, file, orders, timezone, mapping, path, sheet, overwrite, skip_invalid):
    """Trades (or orders) into the CSV of trade_ledger LEDGER_ID.

    \b
    Example: cms import trades TL-CEA-2023 trades.csv --mapping national-ets-trades --path records
    """
    from ..workflow.importer import import_ledger

    _import(
        import_ledger,
        find_root(path),
        ledger_id,
        Path(file),
        orders=orders,
        sheet=sheet,
        overwrite=overwrite,
        skip_invalid=skip_invalid,
        timezone=timezone,
        mapping=mapping,
    )


@import_group.command("orders")
@click.argument("ledger_id")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--timezone", default="+08:00", show_default=True, help="Time zone of spreadsheet times without one.")
@mapping_option
@_COMMON
def import_orders_cmd(ledger_id, file, timezone, mapping, path, sheet, overwrite, skip_invalid):
    """Orders (申报, with cancellations) into the orders CSV of trade_ledger LEDGER_ID.

    \b
    Example: cms import orders TL-CEA-2023 orders.csv --mapping national-ets-orders --path records
    """
    from ..workflow.importer import import_ledger

    _import(
        import_ledger,
        find_root(path),
        ledger_id,
        Path(file),
        orders=True,
        sheet=sheet,
        overwrite=overwrite,
        skip_invalid=skip_invalid,
        timezone=timezone,
        mapping=mapping,
    )


@import_group.command("prices")
@click.argument("price_id")
@click.argument("file", type=click.Path(dir_okay=False))
@mapping_option
@_COMMON
def import_prices_cmd(price_id, file, mapping, path, sheet, overwrite, skip_invalid):
    """Market data (date, close, open, high, low, volume) into the CSV of market_price PRICE_ID.

    \b
    Example: cms import prices PX-CEA-2025-2026 prices.xlsx --mapping national-ets-daily-prices --path records
    """
    from ..workflow.importer import import_prices

    _import(import_prices, find_root(path), price_id, Path(file), sheet=sheet, overwrite=overwrite, skip_invalid=skip_invalid, mapping=mapping)


@import_group.command("mappings")
@click.argument("mapping", required=False)
def import_mappings_cmd(mapping):
    """The shipped column mappings; with MAPPING (a name or a file), validate it and show what it reads.

    \b
    Example: cms import mappings national-ets-trades
    """
    from ..workflow.mapping import MappingError, load, shipped

    if mapping is None:
        for name in shipped():
            m = load(name)
            click.echo(f"{name:28} {m.rows:7} {'documented' if m.documented else 'NOT documented'}")
        return
    try:
        m = load(mapping)
    except MappingError as exc:
        raise CmsError(str(exc)) from None
    click.echo(f"mapping {m.name}: {m.rows}, encoding {m.encoding}, delimiter {m.delimiter!r}, time zone {m.timezone}")
    for target, src in m.columns.items():
        src = " + ".join(src) if isinstance(src, list) else src
        extra = [f"format {m.formats[target]}"] if target in m.formats else []
        extra += [f"values {m.values[target]}"] if target in m.values else []
        extra += [f"x {m.units[target]}"] if target in m.units else []
        click.echo(f"  {target:20} <- {src}" + (f"  ({'; '.join(map(str, extra))})" if extra else ""))
    for target, value in m.constants.items():
        click.echo(f"  {target:20} =  {value}")
    click.echo("documented" if m.documented else "NOT checked against the exchange's documentation:")
    for a in m.assumptions:
        click.echo(f"  - {a}")
