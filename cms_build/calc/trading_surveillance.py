"""Detecting, in the organization's own ledger, the conduct B.8.2.2.1 forbids.

- price band (b): an order's price outside previous close × (1 ± band), the limits rounded
  half up to the price tick and themselves allowed (close 50.00, band 10 %: 45.00..55.00);
  the band is the listed one below the block threshold and the block one at or above it;
- cancellations (c): cancelled / placed orders of one account on one trading day;
- reverse trades (d): a buy and a sell (either order) of the same asset by the same account
  on the next trading day, at prices within a tolerance of the first trade's price;
- self-dealing (a) is a lookup of the counterparty account among the organization's own,
  done in the wiring.

Trading days are weekdays (Monday to Friday) less the days the exchange is closed that the
settings list (trading.closed_days: public holidays); a holiday not listed makes a reverse
trade across it look two days apart, so it may be missed, never invented.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal


def price_limits(prev_close: float, band: float, tick: float = 0.01) -> tuple[float, float]:
    """(lowest, highest) price allowed, rounded half up to the tick."""
    close, b, t = Decimal(str(prev_close)), Decimal(str(band)), Decimal(str(tick))

    def to_tick(x: Decimal) -> Decimal:
        return (x / t).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * t

    return float(to_tick(close * (1 - b))), float(to_tick(close * (1 + b)))


def within(price: float, low: float, high: float) -> bool:
    # decimal comparison: 55.00 against the limit 55.00 is inside, whatever float rounding says
    p = Decimal(str(price))
    return Decimal(str(low)) <= p <= Decimal(str(high))


def trade_class(quantity: int, block_threshold: int) -> str:
    """listed below the threshold, block at or above it."""
    return "block" if quantity >= block_threshold else "listed"


def previous_close(closes: list[tuple[dt.date, float]], day: dt.date) -> tuple[dt.date, float] | None:
    """The last close strictly before `day`, from a list sorted by date."""
    i = bisect_left([d for d, _ in closes], day)
    return closes[i - 1] if i > 0 else None


def latest_close(closes: list[tuple[dt.date, float]], day: dt.date) -> tuple[dt.date, float] | None:
    """The last close on or before `day`."""
    i = bisect_left([d for d, _ in closes], day + dt.timedelta(days=1))
    return closes[i - 1] if i > 0 else None


def trading_days_between(a: dt.date, b: dt.date, closed: frozenset = frozenset()) -> int:
    """How many trading days after a, up to and including b (Friday -> Monday is 1): weekdays
    not in `closed`."""
    if b <= a:
        return 0
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in closed:
            n += 1
    return n


def cancel_ratios(orders, min_orders: int) -> list[dict]:
    """Per (account, day): orders placed, cancelled, ratio — days with at least min_orders.

    `orders` are (account, day, cancelled: bool, source) tuples.
    """
    per: dict[tuple, list] = defaultdict(list)
    for account, day, cancelled, source in orders:
        per[(account, day)].append((cancelled, source))
    out = []
    for (account, day), items in sorted(per.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        placed = len(items)
        if placed < min_orders:
            continue
        cancelled = sum(1 for c, _ in items if c)
        out.append({"account": account, "date": day.isoformat(), "placed": placed, "cancelled": cancelled,
                    "ratio": cancelled / placed, "sources": [s for c, s in items if c]})
    return out


def reverse_pairs(trades, tolerance: float, max_gap: int = 1, closed: frozenset = frozenset()) -> list[dict]:
    """Pairs (first, second) of opposite trades of the same account and asset, the second on
    one of the next `max_gap` trading days (weekdays not in `closed`), |p2 − p1| ≤ tolerance × p1.

    `trades` are dicts with account, asset (key), side, day (date), price, quantity, source.
    Each trade is used in at most one pair (the earliest match), so repeated patterns count
    once per pair.
    """
    by: dict[tuple, list] = defaultdict(list)
    for t in trades:
        by[(t["account"], t["asset"])].append(t)
    pairs = []
    for key, items in sorted(by.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        items = sorted(items, key=lambda t: (t["day"], t.get("order", 0)))
        used: set[int] = set()
        for i, first in enumerate(items):
            if i in used:
                continue
            for j in range(i + 1, len(items)):
                second = items[j]
                if j in used or second["side"] == first["side"]:
                    continue
                gap = trading_days_between(first["day"], second["day"], closed)
                if gap == 0:
                    continue  # same day: not 隔日
                if gap > max_gap:
                    break
                diff = abs(Decimal(str(second["price"])) - Decimal(str(first["price"])))
                if diff <= Decimal(str(tolerance)) * Decimal(str(first["price"])):
                    used.update((i, j))
                    pairs.append({"account": key[0], "asset": key[1], "first": _brief(first), "second": _brief(second),
                                  "price_diff_pct": round(float(100 * diff) / first["price"], 4) if first["price"] else None,
                                  "source": second["source"]})
                    break
    return pairs


def _brief(t: dict) -> dict:
    return {"date": t["day"].isoformat(), "side": t["side"], "price": t["price"], "quantity": t["quantity"],
            "trade_id": t.get("trade_id"), "source": t["source"]}
