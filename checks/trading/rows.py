"""Trade, order and price rows: from a record's inline list or from a CSV file, to plain values.

A trade ledger (schemas/trade_ledger.schema.json) keeps its trades and orders inline or in
CSV files whose columns are the field names of schemas/trading-defs.schema.json (serials
separated by ';'). Inline rows were validated by the schema; CSV rows were not, so every
cell is parsed here and a cell that cannot be read becomes a `RowProblem` (file, line,
column name, what is wrong) instead of an exception.

Everything returned is a plain dataclass; `where` says where a row came from:
``{"record", "path"}`` for an inline row, ``{"record", "file", "line", "path"}`` for a CSV
row (line = the CSV line, 1 = the header).
"""

from __future__ import annotations

from cms_build.api import csvfile
import datetime as dt
import io
from dataclasses import dataclass, field


MARKETS = ("national_ets", "local_pilot", "ccer", "vcs", "gs", "cdm", "other_credit", "derivatives")
TRADE_TYPES = ("listed", "block", "auction", "otc")
ORDER_STATUSES = ("filled", "partially_filled", "cancelled", "open", "rejected", "expired")
MAX_CSV_ROWS = csvfile.MAX_TABLE_ROWS  # limits.max_table_rows


@dataclass(frozen=True)
class Asset:
    """A fungible carbon product: market, product code and vintage (None when undated)."""

    market: str
    product: str
    vintage: int | None = None

    @property
    def key(self) -> str:
        return f"{self.market}:{self.product}" + (f":{self.vintage}" if self.vintage is not None else "")

    @property
    def asset_class(self) -> str:
        """allowance, ccer, international, other_credit or derivative."""
        return {
            "national_ets": "allowance",
            "local_pilot": "allowance",
            "ccer": "ccer",
            "vcs": "international",
            "gs": "international",
            "cdm": "international",
            "derivatives": "derivative",
        }.get(self.market, "other_credit")

    def as_dict(self) -> dict:
        return {"key": self.key, "market": self.market, "product": self.product, "vintage": self.vintage}


@dataclass
class Trade:
    trade_id: str
    asset: Asset
    side: str  # buy | sell
    quantity: int
    price: float
    day: dt.date
    time: dt.datetime | None
    trade_type: str | None
    account: str | None  # own trading_account id (None: the ledger's)
    exchange: str | None = None
    order_id: str | None = None
    fees: float = 0.0
    counterparty: str | None = None
    counterparty_account: str | None = None
    serials: list = field(default_factory=list)  # raw values
    where: dict = field(default_factory=dict)


@dataclass
class Order:
    order_id: str
    asset: Asset
    side: str
    quantity: int
    price: float
    time: dt.datetime
    trade_type: str | None
    status: str
    account: str | None
    exchange: str | None = None
    cancelled_at: dt.datetime | None = None
    where: dict = field(default_factory=dict)
    filled_quantity: int | None = None

    @property
    def day(self) -> dt.date:
        return self.time.date()


@dataclass
class PriceRow:
    day: dt.date
    close: float
    where: dict = field(default_factory=dict)


@dataclass
class RowProblem:
    message: str
    where: dict


# -- cells ------------------------------------------------------------------------------
class _Bad(ValueError):
    pass


def _text(value, name: str, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad(f"{name} is missing")
        return None
    return str(value).strip()


def _int(value, name: str, required: bool = False, minimum: int | None = None) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad(f"{name} is missing")
        return None
    if isinstance(value, bool):
        raise _Bad(f"{name} must be a whole number, not {value!r}")
    try:
        number = float(value) if isinstance(value, str) else value
        if not isinstance(number, (int, float)) or number != int(number):
            raise ValueError
        number = int(number)
    except (ValueError, TypeError, OverflowError):
        raise _Bad(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise _Bad(f"{name} must be at least {minimum}, not {number}")
    return number


def _num(value, name: str, required: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad(f"{name} is missing")
        return None
    if isinstance(value, bool):
        raise _Bad(f"{name} must be a number, not {value!r}")
    try:
        number = float(value)
    except (ValueError, TypeError):
        raise _Bad(f"{name} must be a number, not {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise _Bad(f"{name} must be a number of at least 0, not {value!r}")
    return number


def _choice(value, name: str, choices, required: bool = False) -> str | None:
    text = _text(value, name, required)
    if text is not None and text not in choices:
        raise _Bad(f"{name} must be one of {', '.join(choices)}, not {text!r}")
    return text


def parse_time(value) -> dt.datetime | None:
    """An ISO date-time; naive times are taken as written (local exchange time)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _when(value, name: str, required: bool = False) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad(f"{name} is missing")
        return None
    t = parse_time(value)
    if t is None:
        raise _Bad(f"{name} must be an ISO date and time such as 2025-10-15T10:12:00+08:00, not {value!r}")
    return t


def _day(value, name: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    d = parse_day(value)
    if d is None:
        raise _Bad(f"{name} must be a date YYYY-MM-DD, not {value!r}")
    return d


def _serials(value) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, (str, dict))]
    if isinstance(value, str):
        return [s.strip() for s in value.split(";") if s.strip()]
    return []


def _asset(row: dict) -> Asset:
    market = _choice(row.get("market"), "market", MARKETS, required=True)
    product = _text(row.get("product"), "product", required=True)
    vintage = _int(row.get("vintage"), "vintage", minimum=1990)
    return Asset(market, product, vintage)


# -- rows -------------------------------------------------------------------------------
def trade_from(row: dict, where: dict) -> Trade | RowProblem:
    """One trade from an inline row or a CSV row (all cells text)."""
    if not isinstance(row, dict):
        return RowProblem("a trade must be a mapping of fields", where)
    try:
        time = _when(row.get("time"), "time")
        day = _day(row.get("date"), "date")
        if time is None and day is None:
            raise _Bad("neither time nor date is given")
        if time is not None and day is not None and time.date() != day:
            raise _Bad(f"date {day} and time {time.isoformat()} disagree")
        return Trade(
            trade_id=_text(row.get("trade_id"), "trade_id", required=True),
            asset=_asset(row),
            side=_choice(row.get("side"), "side", ("buy", "sell"), required=True),
            quantity=_int(row.get("quantity"), "quantity", required=True, minimum=1),
            price=_num(row.get("price"), "price", required=True),
            day=day or time.date(),
            time=time,
            trade_type=_choice(row.get("trade_type"), "trade_type", TRADE_TYPES),
            account=_text(row.get("account"), "account"),
            exchange=_text(row.get("exchange"), "exchange"),
            order_id=_text(row.get("order_id"), "order_id"),
            fees=_num(row.get("fees"), "fees") or 0.0,
            counterparty=_text(row.get("counterparty"), "counterparty"),
            counterparty_account=_text(row.get("counterparty_account"), "counterparty_account"),
            serials=_serials(row.get("serials")),
            where=where,
        )
    except _Bad as exc:
        return RowProblem(str(exc), where)


def order_from(row: dict, where: dict) -> Order | RowProblem:
    if not isinstance(row, dict):
        return RowProblem("an order must be a mapping of fields", where)
    try:
        return Order(
            order_id=_text(row.get("order_id"), "order_id", required=True),
            asset=_asset(row),
            side=_choice(row.get("side"), "side", ("buy", "sell"), required=True),
            quantity=_int(row.get("quantity"), "quantity", required=True, minimum=1),
            price=_num(row.get("price"), "price", required=True),
            time=_when(row.get("time"), "time", required=True),
            trade_type=_choice(row.get("trade_type"), "trade_type", ("listed", "block")),
            status=_choice(row.get("status"), "status", ORDER_STATUSES, required=True),
            account=_text(row.get("account"), "account"),
            exchange=_text(row.get("exchange"), "exchange"),
            cancelled_at=_when(row.get("cancelled_at"), "cancelled_at"),
            where=where,
            filled_quantity=_int(row.get("filled_quantity"), "filled_quantity", minimum=0),
        )
    except _Bad as exc:
        return RowProblem(str(exc), where)


def price_from(row: dict, where: dict) -> PriceRow | RowProblem:
    if not isinstance(row, dict):
        return RowProblem("a price must be a mapping of fields", where)
    try:
        day = _day(row.get("date"), "date")
        if day is None:
            raise _Bad("date is missing")
        return PriceRow(day, _num(row.get("close"), "close", required=True), where)
    except _Bad as exc:
        return RowProblem(str(exc), where)


def csv_rows(source, columns: tuple[str, ...], where: dict, limits: tuple[int, int, int] | None = None) -> tuple[list[tuple[dict, dict]], list[RowProblem]]:
    """(row, where) for each data line of a CSV; unknown or missing columns are problems.

    `source` is CSV text, or (root, path) of a repository file, streamed and bounded as
    csvfile.read_csv reads it (limits.max_table_bytes, max_table_rows, max_cell_chars):
    what cannot be read becomes a problem at its line, and nothing after it is read.
    `where` is the base location ({"record", "file"}); each row gets its "line" and a
    "path" of the form "<file>:<line>".
    """
    file = where.get("file")
    here = lambda n: {**where, "line": n, "path": f"{file}:{n}"}  # noqa: E731
    problems: list[RowProblem] = []
    if isinstance(source, str):
        _, max_rows, max_cell = limits or csvfile.table_limits()
        records = csvfile.csv_records(io.StringIO(source.lstrip("\ufeff"), newline=""), file, max_rows=max_rows, max_cell=max_cell)
    else:
        records = csvfile.read_csv(*source, file, limits)
    header: list[str] | None = None
    rows: list[tuple[dict, dict]] = []
    try:
        for n, cells in records:
            if header is None:
                header = [h.strip() for h in cells]
                unknown = [h for h in header if h and h not in columns]
                if unknown:
                    problems.append(RowProblem(f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(columns)}", here(n)))
                continue
            if len(cells) != len(header):
                problems.append(RowProblem(f"{len(cells)} cells, but the header has {len(header)} columns", here(n)))
                continue
            rows.append(({h: c for h, c in zip(header, cells) if h in columns}, here(n)))
    except csvfile.TableProblem as exc:
        problems.append(RowProblem(exc.message, here(exc.line)))
    if header is None and not problems:
        problems.append(RowProblem("the CSV file is empty: it needs a header row", here(1)))
    return rows, problems


TRADE_COLUMNS = (
    "trade_id",
    "order_id",
    "time",
    "date",
    "account",
    "market",
    "exchange",
    "product",
    "vintage",
    "side",
    "quantity",
    "price",
    "fees",
    "trade_type",
    "counterparty",
    "counterparty_account",
    "serials",
    "invoice_no",
    "notes",
)
ORDER_COLUMNS = (
    "order_id",
    "time",
    "account",
    "market",
    "exchange",
    "product",
    "vintage",
    "side",
    "quantity",
    "price",
    "trade_type",
    "status",
    "filled_quantity",
    "cancelled_at",
)
PRICE_COLUMNS = ("date", "close", "open", "high", "low", "volume")
