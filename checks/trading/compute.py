"""Carbon trading (Annex B): the trade ledgers read once, and the conduct rules of B.8.2.2.1
checked in the organization's own ledger.

The computation "trading" reads every trade_ledger (inline rows and CSV files), the
accounts and the market prices, and leaves in ctx.results["trading"]:

    {"settings": {price_band_listed, price_band_block, block_threshold_t, price_tick,
                  self_trade_max_count, cancel_ratio_max, cancel_min_orders,
                  reverse_trade_price_tolerance, reverse_trade_max_gap_days,
                  reverse_trade_min_pairs},
     "accounts": {<account id>: {"role", "exchange", "markets", "controlled", "ledger"}},
     "counts": {"trades", "orders", "ledgers", "priced_orders", "unpriced_orders"},
     "self_trades": [{"trade_id", "date", "account", "counterparty", "record", "source"}],
     "price_band": [{"what": "order"|"trade", "id", "date", "asset", "class", "band",
                     "record", "source", "value": {"price", "prev_close", "prev_close_date",
                                                   "low", "high"}}],
     "type_mismatch": [{"what", "id", "date", "declared", "class", "quantity", "record", "source"}],
     "cancel_ratios": [{"account", "date", "placed", "cancelled", "ratio", "flagged", "sources"}],
     "reverse_pairs": [{"account", "asset", "first", "second", "price_diff_pct", "source"}],
     "problems": [{"message", "source"}]}

Sensitive figures (prices) sit under a "value" key next to the record they come from, so
that a public build, which blanks the value of anything from an unpublished record, does not
show them. Counterparty names and account numbers never enter the results.
Rows dated after the as-of date are left out.
"""

from __future__ import annotations

from bisect import bisect_left

from cms_build.api import check, computation
from . import conduct_scan as conduct
from . import records as trc
from . import surveillance as sv
from .results import TradingResult

SETTING_NAMES = (
    "price_band_listed",
    "price_band_block",
    "block_threshold_t",
    "price_tick",
    "self_trade_max_count",
    "cancel_ratio_max",
    "cancel_min_orders",
    "reverse_trade_price_tolerance",
    "reverse_trade_max_gap_days",
    "reverse_trade_min_pairs",
)
CHECKED_TYPES = ("listed", "block", None)  # trade types the exchange's price band applies to


def _seconds(t) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second if t is not None else 0


class _Series:
    """The closes of each asset, built once (100,000 orders of one product would otherwise
    rebuild the same list of closes 100,000 times)."""

    def __init__(self, ctx, prices: dict):
        self.ctx, self.prices, self.memo, self.figures = ctx, prices, {}, {}
        self.closed = frozenset(d for d in (trc.day(x) for x in trc.setting(ctx, "closed_days") or []) if d)

    def figure(self, exchange, name):
        """An exchange's figure (trading.exchanges.<code>.<name>, else trading.<name>), read once."""
        if (exchange, name) not in self.figures:
            self.figures[(exchange, name)] = trc.exchange_setting(self.ctx, exchange, name, name)
        return self.figures[(exchange, name)]

    def previous_close(self, asset, day):
        if asset not in self.memo:
            closes = [(d, c) for d, c, _ in trc.closes_for(self.prices, asset)]
            self.memo[asset] = (closes, [d for d, _ in closes])
        closes, days = self.memo[asset]
        i = bisect_left(days, day)
        return closes[i - 1] if i > 0 else None


def _band_entry(ctx, what, ident, day, asset, exchange, quantity, declared, price, series, place):
    """(price-band entry or None, type-mismatch entry or None, priced: bool)."""
    threshold = series.figure(exchange, "block_threshold_t")
    klass = sv.trade_class(quantity, threshold)
    mismatch = None
    if declared in ("listed", "block") and declared != klass:
        mismatch = {
            "what": what,
            "id": ident,
            "date": day.isoformat(),
            "declared": declared,
            "class": klass,
            "quantity": quantity,
            "threshold": threshold,
            "record": place.get("record"),
            "source": place,
        }
    prev = series.previous_close(asset, day)
    if prev is None:
        return None, mismatch, False
    band = series.figure(exchange, f"price_band_{klass}")
    low, high = sv.price_limits(prev[1], band, series.figure(None, "price_tick"))
    if sv.within(price, low, high):
        return None, mismatch, True
    # a close older than the latest-price bound is not "the previous close": the closes in
    # between are missing from the records, so the band cannot be confirmed (a data finding)
    age = sv.trading_days_between(prev[0], day, series.closed)
    stale = age if age > series.figure(None, "latest_price_max_age_trading_days") else None
    return (
        {
            "what": what,
            "id": ident,
            "date": day.isoformat(),
            "asset": asset.key,
            "class": klass,
            "band": band,
            "record": place.get("record"),
            "source": place,
            "stale_close_days": stale,
            "value": {"price": price, "prev_close": prev[1], "prev_close_date": prev[0].isoformat(), "low": low, "high": high},
        },
        mismatch,
        True,
    )


@computation("trading", title="碳交易台账与交易行为自查 Trade ledgers and conduct surveillance", clauses=["B.6.4", "B.9.1", "B.8.2.2.1"])
def trading(ctx):
    as_of = ctx.as_of
    accts = trc.accounts(ctx)
    own_numbers = {info["number"]: aid for aid, info in accts.items() if info["controlled"] and info["number"]}
    prices, problems = trc.price_table(ctx)
    series = _Series(ctx, prices)
    out = {
        "settings": {n: trc.setting(ctx, n) for n in SETTING_NAMES},
        "accounts": {k: {x: v[x] for x in ("role", "exchange", "markets", "controlled", "ledger")} for k, v in accts.items()},
        "counts": {"trades": 0, "orders": 0, "ledgers": 0, "priced_orders": 0, "unpriced_orders": 0},
        "self_trades": [],
        "price_band": [],
        "type_mismatch": [],
        "cancel_ratios": [],
        "reverse_pairs": [],
        "problems": [{"message": p.message, "source": p.where} for p in problems],
    }
    order_rows, reverse_rows = [], []
    all_trades, all_orders = [], []  # every ledger's rows, for the surveillance across accounts (B.8.2.2.1 a-l)
    for ledger in ctx.records("trade_ledger"):
        if not trc.active(ledger):
            continue
        out["counts"]["ledgers"] += 1
        rows = trc.ledger_rows(ctx, ledger)
        out["problems"].extend({"message": p.message, "source": p.where} for p in rows["problems"])
        default_account = ledger.get("account")
        ordered_ids = set()
        for o in rows["orders"]:
            if o.day > as_of:
                continue
            out["counts"]["orders"] += 1
            ordered_ids.add(o.order_id)
            account = o.account or default_account
            exchange = o.exchange or accts.get(account, {}).get("exchange")
            band, mismatch, priced = _band_entry(ctx, "order", o.order_id, o.day, o.asset, exchange, o.quantity, o.trade_type, o.price, series, o.where)
            out["counts"]["priced_orders" if priced else "unpriced_orders"] += 1
            if band:
                out["price_band"].append(band)
            if mismatch:
                out["type_mismatch"].append(mismatch)
            order_rows.append((account, o.day, o.status == "cancelled", o.where))
            all_orders.append(_row(o, o.order_id, account, exchange, accts, ledger.id, status=o.status, order_id=o.order_id, filled_quantity=o.filled_quantity))
        for t in rows["trades"]:
            if t.day > as_of:
                continue
            out["counts"]["trades"] += 1
            account = t.account or default_account
            exchange = t.exchange or accts.get(account, {}).get("exchange")
            if t.counterparty_account and t.counterparty_account in own_numbers:
                out["self_trades"].append(
                    {
                        "trade_id": t.trade_id,
                        "date": t.day.isoformat(),
                        "account": account,
                        "counterparty": own_numbers[t.counterparty_account],
                        "record": t.where.get("record"),
                        "source": t.where,
                    }
                )
            # a trade's price is checked only when its order is not in the ledger
            if t.trade_type in CHECKED_TYPES and t.asset.market != "derivatives" and t.order_id not in ordered_ids:
                band, mismatch, _ = _band_entry(ctx, "trade", t.trade_id, t.day, t.asset, exchange, t.quantity, t.trade_type, t.price, series, t.where)
                if band:
                    out["price_band"].append(band)
                if mismatch:
                    out["type_mismatch"].append(mismatch)
            all_trades.append(_row(t, t.trade_id, account, exchange, accts, ledger.id, trade_id=t.trade_id, order_id=t.order_id, day=t.day))
            if t.trade_type != "auction":
                controlled = accts.get(account, {}).get("controlled", True)
                reverse_rows.append(
                    {
                        "account": account,
                        "group": "controlled" if controlled else None,
                        "asset": t.asset.key,
                        "side": t.side,
                        "day": t.day,
                        "price": t.price,
                        "quantity": t.quantity,
                        "trade_id": t.trade_id,
                        "order": _seconds(t.time),
                        "source": t.where,
                    }
                )
    limit = trc.setting(ctx, "cancel_ratio_max")
    for row in sv.cancel_ratios(order_rows, trc.setting(ctx, "cancel_min_orders")):
        row["flagged"] = row["ratio"] > limit
        out["cancel_ratios"].append(row)
    closed = frozenset(d for d in (trc.day(x) for x in trc.setting(ctx, "closed_days") or []) if d)
    out["reverse_pairs"] = sv.reverse_pairs(
        reverse_rows, trc.setting(ctx, "reverse_trade_price_tolerance"), trc.setting(ctx, "reverse_trade_max_gap_days"), closed
    )
    for pair in out["reverse_pairs"]:
        pair["value"] = {"first": pair.pop("first"), "second": pair.pop("second")}
        pair["record"] = pair["source"].get("record")
    out["conduct"] = conduct.detect(ctx, all_trades, all_orders, prices, accts)
    return TradingResult.model_validate(out)  # a wrong shape is a crash of this computation


def _row(row, ident, account, exchange, accts, ledger_id, **extra) -> dict:
    """A trade or order as the plain dict of checks/trading/conduct_scan.py."""
    a = row.asset
    out = {
        "id": ident,
        "account": account,
        "controlled": accts.get(account, {}).get("controlled", True),
        "asset": a.key,
        "market": a.market,
        "product": a.product,
        "vintage": a.vintage,
        "side": row.side,
        "quantity": row.quantity,
        "price": row.price,
        "time": row.time,
        "day": row.day,
        "trade_type": row.trade_type,
        "exchange": exchange,
        "ledger": ledger_id,
        "source": row.where,
    }
    out.update(extra)
    return out


def _result(ctx) -> dict:
    res = ctx.results.get("trading")
    return res if isinstance(res, dict) else {}


@check("trading.ledger-row-unreadable", title="交易台账每行可读 Every row of a trade ledger can be read", clauses=["B.6.4", "B.9.1"], severity="error")
def row_unreadable(ctx):
    """B.6.4, B.9.1: the trading data collected are complete and usable. A CSV row (or an
    inline row) whose cells cannot be read is left out of every computation, so it is an
    error that names the file, the line and the cell. So is a trade or order id recorded
    twice in one ledger (the asset ledger would count it twice)."""
    problems = _result(ctx).get("problems", [])
    per_file: dict = {}
    for p in problems:
        where = p.get("source") or {}
        key = (where.get("record"), where.get("file"))
        per_file[key] = per_file.get(key, 0) + 1
        n = per_file[key]
        if n <= MAX_ROW_FINDINGS:
            yield trc.issue_at(ctx, where, p.get("message", ""), hint="correct the row; the columns are listed in schemas/trade_ledger.schema.json")
        elif n == MAX_ROW_FINDINGS + 1:  # a ledger of 200000 bad rows gives one finding more, not 200000
            rest = sum(1 for q in problems if ((q.get("source") or {}).get("record"), (q.get("source") or {}).get("file")) == key) - MAX_ROW_FINDINGS
            yield trc.issue_at(
                ctx,
                where,
                f"{rest} more rows cannot be read, from this one on (only the first {MAX_ROW_FINDINGS} are listed): {p.get('message', '')}",
                hint="the same mistake is likely in every row: correct the columns, then check again",
            )


MAX_ROW_FINDINGS = 100  # per ledger file: the first ones name the mistake; the rest are counted


@check("trading.self-trade", title="不在自己控制的账户之间对倒 No trades between accounts the organization controls", clauses=["B.8.2.2.1 a"], severity="error")
def self_trade(ctx):
    """B.8.2.2.1 a: no buying from and selling to oneself, nor trades between accounts the
    organization actually controls. A trade whose counterparty account is the number of a
    trading_account marked controlled is such a trade; more than the tolerated number
    (setting trading.self_trade_max_count, default 0) is an error, each one reported."""
    rows = _result(ctx).get("self_trades", [])
    tolerated = trc.setting(ctx, "self_trade_max_count")
    if len(rows) <= tolerated:
        return
    for row in rows:
        yield trc.issue_at(
            ctx,
            row["source"],
            f"trade {row['trade_id']} of {row['date']} on account {row['account']} has as "
            f"counterparty the organization's own account {row['counterparty']} "
            f"({len(rows)} such trade(s), {tolerated} tolerated)",
            hint="trades between accounts the organization controls are forbidden (B.8.2.2.1 a); move units between own accounts as transfers, not trades",
        )


@check("trading.price-out-of-band", title="申报价格在涨跌幅限制内 Order prices within the exchange's price band", clauses=["B.8.2.2.1 b"], severity="error")
def price_band(ctx):
    """B.8.2.2.1 b: no orders at prices clearly off the latest traded price. The exchange's
    band is the previous close ± 10 % for listed agreement orders and ± 30 % for block
    orders (at or above 100,000 t); the figures are settings (trading.price_band_listed,
    price_band_block, block_threshold_t, per exchange in trading.exchanges) whose defaults
    come from the national ETS exchange rules (cms_build/data/factors/ets_cn.yaml). The
    limits are rounded to the price tick and are themselves allowed. Orders without a
    previous close in the market_price records are not checked; against a close older than
    trading.latest_price_max_age_trading_days the band cannot be confirmed (closes are
    missing), which is a warning saying so, not an error."""
    for row in _result(ctx).get("price_band", []):
        v = row.get("value") or {}
        stale = row.get("stale_close_days")
        if stale:
            yield trc.issue_at(
                ctx,
                row["source"],
                f"{row['what']} {row['id']} of {row['date']}: price {v.get('price')} is outside "
                f"{v.get('low')}..{v.get('high')}, the {row['class']} band ±{row['band']:.0%} of the last "
                f"close on record {v.get('prev_close')} ({v.get('prev_close_date')}), {stale} trading days "
                "before: the closes in between are missing, so the band cannot be confirmed",
                hint="import the missing daily closes (cms import prices) and check again",
                severity="warning",
            )
            continue
        yield trc.issue_at(
            ctx,
            row["source"],
            f"{row['what']} {row['id']} of {row['date']}: price {v.get('price')} is outside "
            f"{v.get('low')}..{v.get('high')}, the {row['class']} band ±{row['band']:.0%} of the "
            f"previous close {v.get('prev_close')} ({v.get('prev_close_date')})",
            hint="check the price and the previous close; an exchange rejects such orders, so a "
            "recorded one is a data error or a deviation to investigate (B.9.1)",
        )


@check(
    "trading.order-type-mismatch",
    title="挂牌与大宗申报符合数量门槛 Listed and block orders match the size threshold",
    clauses=["B.8.2.2.1 l"],
    severity="warning",
)
def type_mismatch(ctx):
    """B.8.2.2.1 l (the exchange's rules): an order of 100,000 t or more is a block
    agreement order and a smaller one a listed agreement order (setting
    trading.block_threshold_t). A declared type that disagrees with the size is reported;
    the price band is checked by the size."""
    for row in _result(ctx).get("type_mismatch", []):
        yield trc.issue_at(
            ctx,
            row["source"],
            f"{row['what']} {row['id']} of {row['date']} is declared {row['declared']}, but "
            f"{row['quantity']} t is a {row['class']} order (threshold {row['threshold']} t)",
            hint="correct the trade type, or split the order as the exchange's rules require",
        )


@check("trading.cancel-ratio", title="不大量撤销申报 No large share of cancelled orders", clauses=["B.8.2.2.1 c"], severity="warning")
def cancel_ratio(ctx):
    """B.8.2.2.1 c: no placing and cancelling orders in large numbers. On a trading day on
    which an account placed at least trading.cancel_min_orders orders (default 5), a share of
    cancelled orders above trading.cancel_ratio_max (default 0.5) is reported. Both figures
    are this project's reading, not the exchange's."""
    limit = trc.setting(ctx, "cancel_ratio_max")
    for row in _result(ctx).get("cancel_ratios", []):
        if not row.get("flagged") or not row.get("sources"):
            continue
        yield trc.issue_at(
            ctx,
            row["sources"][0],
            f"account {row['account']} cancelled {row['cancelled']} of {row['placed']} orders on {row['date']} ({row['ratio']:.0%}, above {limit:.0%})",
            hint="review the day's orders with the trader and record the reason (B.9.1); repeated placing and cancelling may mislead other traders",
        )


@check(
    "trading.reverse-trades",
    title="不在相同或相近价位隔日反向交易 No reverse trades on the next day at a near price",
    clauses=["B.8.2.2.1 d"],
    severity="warning",
)
def reverse_trades(ctx):
    """B.8.2.2.1 d: no frequent reverse trades on the next trading day at the same or a near
    price. A buy followed by a sell (or a sell by a buy) of the same product on the next
    trading day (weekdays less trading.closed_days; setting reverse_trade_max_gap_days), at a price within
    reverse_trade_price_tolerance (default 1 %) of the first, is a pair; an account and
    product with at least reverse_trade_min_pairs pairs (default 1) is reported."""
    pairs = _result(ctx).get("reverse_pairs", [])
    minimum = trc.setting(ctx, "reverse_trade_min_pairs")
    counts: dict = {}
    for p in pairs:
        counts[(p["account"], p["asset"])] = counts.get((p["account"], p["asset"]), 0) + 1
    for p in pairs:
        n = counts[(p["account"], p["asset"])]
        if n < minimum:
            continue
        first, second = (p.get("value") or {}).get("first") or {}, (p.get("value") or {}).get("second") or {}
        yield trc.issue_at(
            ctx,
            p["source"],
            f"{second.get('side')} {second.get('quantity')} t {p['asset']} on {second.get('date')} at "
            f"{second.get('price')} reverses the {first.get('side')} of {first.get('date')} at "
            f"{first.get('price')} ({p.get('price_diff_pct')}% apart; {n} pair(s) on account {p['account']})",
            hint="record the business reason for the reverse trade (B.9.1); frequent next-day reverse trades at near prices are forbidden (B.8.2.2.1 d)",
        )
