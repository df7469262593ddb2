"""Reading the trading and carbon asset records into the plain values of the calc modules.

The wiring shared by checks/trading*.py and checks/assets*.py (a rule module cannot import
another): settings with their schema defaults, record locations, the organization's
accounts, the rows of trade ledgers (inline or CSV), market prices, and an Issue at a
location that may be a CSV line.

A location ("where") is a dict: {"record", "kind", "path", "file", "line"} for a field of a
record; a CSV row has "csv": true, "file" the CSV file and "line" its line.
"""

from __future__ import annotations

from cms_build.api import csvfile
import datetime as dt
import weakref
from collections import defaultdict

from cms_build.api import Issue
from cms_build.api import record_source

from . import rows as tr

INACTIVE = ("superseded", "withdrawn")


def setting(ctx, name: str):
    """A trading setting (the schema's documented default when the settings do not give it)."""
    return ctx.setting(f"trading.{name}")


def exchange_setting(ctx, exchange: str | None, name: str, fallback: str | None = None):
    """A figure of one exchange (settings trading.exchanges.<code>.<name>), else the general one."""
    ex = (setting(ctx, "exchanges") or {}).get(exchange or "") or {}
    if ex.get(name) is not None:
        return ex[name]
    if fallback:
        return setting(ctx, fallback)
    if name == "report_within_days":
        return 1
    return None


def active(record) -> bool:
    return record.status not in INACTIVE


def where(record, path=()) -> dict:
    return record_source(record, path)


def issue_at(ctx, place: dict, message: str, hint: str = "", severity: str | None = None) -> Issue | None:
    """An issue at a location: a record's field, or a line of a CSV file."""
    if not isinstance(place, dict):
        return None
    if place.get("csv"):
        return Issue(message, place.get("file", ""), int(place.get("line") or 1), 1, place.get("record"), place.get("path", ""), hint, severity)
    record = ctx.get(place.get("record", "")) if place.get("record") else None
    if record is None:
        return None
    return record.issue(place.get("path") or (), message, hint=hint, severity=severity)


def day(value) -> dt.date | None:
    return tr.parse_day(value)


def num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def asset_of(row: dict, default_market: str | None = None, default_product: str | None = None) -> tr.Asset | None:
    market = row.get("market") or default_market
    product = row.get("product") or default_product
    vintage = row.get("vintage")
    if not isinstance(market, str) or not isinstance(product, str):
        return None
    return tr.Asset(market, product, vintage if isinstance(vintage, int) and not isinstance(vintage, bool) else None)


# -- accounts ---------------------------------------------------------------------------
def accounts(ctx) -> dict[str, dict]:
    """Every trading_account: role, exchange, whether controlled, its number, and the ledger
    account its movements are booked in (itself, or the registry account it settles in)."""
    out = {}
    for rec in ctx.records("trading_account"):
        settles = rec.get("settles_in")
        target = ctx.get(settles) if isinstance(settles, str) else None
        out[rec.id] = {
            "role": rec.get("role"),
            "exchange": rec.get("exchange"),
            "markets": rec.get("markets") or [],
            "controlled": rec.get("controlled") is not False and active(rec),
            "number": rec.get("account_number"),
            "ledger": target.id if target is not None else rec.id,
            "closed_on": rec.get("closed_on"),
        }
    return out


def account_id(accts: dict[str, dict], name) -> str | None:
    """The trading_account an account is named by: its id, or its account_number (as an
    offset_credit's registry.account names it); None when no trading_account is."""
    if not isinstance(name, str) or not name:
        return None
    if name in accts:
        return name
    return next((rid for rid, info in sorted(accts.items()) if info.get("number") == name), None)


def exchanges_of_ledger(accts: dict[str, dict]) -> dict[str, set]:
    """Ledger account -> the exchanges whose trading accounts book into it (and its own)."""
    out: dict[str, set] = defaultdict(set)
    for info in accts.values():
        if info.get("exchange"):
            out[info["ledger"]].add(info["exchange"])
    return out


# -- trade ledgers ----------------------------------------------------------------------
def _read_csv(ctx, record, field: str, columns) -> tuple[list, list]:
    value = record.get(field)
    if not isinstance(value, str):
        return [], []
    path = record.resolve_file(ctx.root, value)
    if path is None or not path.is_file():
        return [], []  # the index reports the missing file
    rel = path.relative_to(ctx.root.resolve()).as_posix()
    base = {"record": record.id, "kind": record.kind, "file": rel, "csv": True}
    # streamed and bounded by limits.max_table_* (a 1,000,000-row ledger was read whole into memory)
    return tr.csv_rows((ctx.root, path), columns, base, csvfile.table_limits(ctx.setting))


# The rows of each ledger, read once per run: the trading and the assets computations both
# need them, and a year of 100,000 orders is worth parsing once. The cache belongs to one
# run's index (held weakly: a new run, a new index, an empty cache); callers never change rows.
_ROWS: dict = {"index": None, "rows": {}}


def ledger_rows(ctx, record) -> dict:
    """Trades, orders, transfers and row problems of one trade_ledger record."""
    ref = _ROWS["index"]
    if ref is None or ref() is not ctx.index:
        _ROWS.update(index=weakref.ref(ctx.index), rows={})
    key = (record.id, id(record))
    if key not in _ROWS["rows"]:
        _ROWS["rows"][key] = (record, _read_ledger(ctx, record))  # the record kept: its id stays its own
    return _ROWS["rows"][key][1]


def _read_ledger(ctx, record) -> dict:
    trades, orders, problems = [], [], []
    for i, row in enumerate(record.get("trades") or []):
        got = tr.trade_from(row, where(record, ("trades", i)))
        (problems if isinstance(got, tr.RowProblem) else trades).append(got)
    rows, bad = _read_csv(ctx, record, "trades_file", tr.TRADE_COLUMNS)
    problems.extend(bad)
    for row, here in rows:
        got = tr.trade_from(row, here)
        (problems if isinstance(got, tr.RowProblem) else trades).append(got)
    for i, row in enumerate(record.get("orders") or []):
        got = tr.order_from(row, where(record, ("orders", i)))
        (problems if isinstance(got, tr.RowProblem) else orders).append(got)
    rows, bad = _read_csv(ctx, record, "orders_file", tr.ORDER_COLUMNS)
    problems.extend(bad)
    for row, here in rows:
        got = tr.order_from(row, here)
        (problems if isinstance(got, tr.RowProblem) else orders).append(got)
    problems.extend(_repeated(trades, "trade_id") + _repeated(orders, "order_id"))
    transfers = []
    for i, row in enumerate(record.get("transfers") or []):
        asset = asset_of(row)
        d = day(row.get("date"))
        q = row.get("quantity")
        if asset is None or d is None or not isinstance(q, int):
            continue
        transfers.append(
            {
                "asset": asset,
                "day": d,
                "quantity": q,
                "from": row.get("from_account"),
                "to": row.get("to_account"),
                "serials": row.get("serials") or [],
                "where": where(record, ("transfers", i)),
            }
        )
    return {"trades": trades, "orders": orders, "transfers": transfers, "problems": problems}


def _repeated(rows: list, id_name: str) -> list:
    """A trade or order id twice in one ledger: counted twice in the asset ledger."""
    first, out = {}, []
    for row in rows:
        key = getattr(row, id_name, None)
        if key is None:
            continue
        if key in first:
            out.append(tr.RowProblem(f"{id_name} {key} appears twice (first at {_place(first[key])}): a trade is recorded once", row.where))
        else:
            first[key] = row.where
    return out


def _place(where: dict) -> str:
    return f"{where.get('file')}:{where.get('line')}" if where.get("csv") else f"{where.get('record')} {where.get('path', '')}".strip()


# -- prices -----------------------------------------------------------------------------
def price_table(ctx) -> tuple[dict, list]:
    """{(market, product, vintage or None): [(date, close, where)] sorted}, and row problems."""
    table: dict[tuple, dict] = defaultdict(dict)
    problems = []
    for rec in ctx.records("market_price"):
        if not active(rec):
            continue
        key = (rec.get("market"), rec.get("product"), rec.get("vintage"))
        rows = [(row, where(rec, ("prices", i))) for i, row in enumerate(rec.get("prices") or [])]
        csv_rows, bad = _read_csv(ctx, rec, "prices_file", tr.PRICE_COLUMNS)
        problems.extend(bad)
        rows.extend(csv_rows)
        for row, here in rows:
            got = tr.price_from(row, here)
            if isinstance(got, tr.RowProblem):
                problems.append(got)
            else:
                table[key][got.day] = (got.close, here)
    return {k: sorted((d, c, w) for d, (c, w) in v.items()) for k, v in table.items()}, problems


def closes_for(table: dict, asset: tr.Asset) -> list[tuple]:
    """The closes that apply to an asset: its vintage's own series, else the product's."""
    if asset.vintage is not None and (asset.market, asset.product, asset.vintage) in table:
        return table[(asset.market, asset.product, asset.vintage)]
    return table.get((asset.market, asset.product, None), [])
