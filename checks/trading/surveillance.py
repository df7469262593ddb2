"""Detecting, in the organization's own ledger, the conduct B.8.2.2.1 forbids.

- price band (b): an order's price outside previous close × (1 ± band), the limits rounded
  half up to the price tick and themselves allowed (close 50.00, band 10 %: 45.00..55.00);
  the band is the listed one below the block threshold and the block one at or above it;
- cancellations (c): cancelled / placed orders of one account on one trading day;
- reverse trades (d): a buy and a sell (either order) of the same asset by the accounts the
  organization controls on the next trading day, at prices within a tolerance of the first
  trade's price;
- self-dealing (a): a lookup of the counterparty account among the organization's own (in
  the wiring), and, without counterparty numbers, matched pairs (wash_pairs);
- the other items of B.8.2.2.1 (b latest-price deviation, c round trips at a loss, e bursts,
  f the closing window, l organization-defined patterns) below.

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
        out.append(
            {
                "account": account,
                "date": day.isoformat(),
                "placed": placed,
                "cancelled": cancelled,
                "ratio": cancelled / placed,
                "sources": [s for c, s in items if c],
            }
        )
    return out


def reverse_pairs(trades, tolerance: float, max_gap: int = 1, closed: frozenset = frozenset()) -> list[dict]:
    """Pairs (first, second) of opposite trades of the same account and asset, the second on
    one of the next `max_gap` trading days (weekdays not in `closed`), |p2 − p1| ≤ tolerance × p1.

    `trades` are dicts with account, asset (key), side, day (date), price, quantity, source,
    and optionally group: trades of one group are paired across its accounts (the accounts
    the organization controls are one group, B.8.2.2.1 d); without it, the account.
    Each trade is used in at most one pair (the earliest match), so repeated patterns count
    once per pair.
    """
    by: dict[tuple, list] = defaultdict(list)
    for t in trades:
        by[(t.get("group") or t["account"], t["asset"])].append(t)
    memo: dict = {}

    def gap_of(a, b):
        if (a, b) not in memo:
            memo[(a, b)] = trading_days_between(a, b, closed)
        return memo[(a, b)]

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
                gap = gap_of(first["day"], second["day"])
                if gap == 0:
                    continue  # same day: not 隔日
                if gap > max_gap:
                    break
                diff = abs(Decimal(str(second["price"])) - Decimal(str(first["price"])))
                if diff <= Decimal(str(tolerance)) * Decimal(str(first["price"])):
                    used.update((i, j))
                    pairs.append(
                        {
                            "account": first["account"],
                            "second_account": second["account"],
                            "asset": key[1],
                            "first": _brief(first),
                            "second": _brief(second),
                            "price_diff_pct": round(float(100 * diff) / first["price"], 4) if first["price"] else None,
                            "source": second["source"],
                        }
                    )
                    break
    return pairs


def _brief(t: dict) -> dict:
    return {
        "date": t["day"].isoformat(),
        "side": t["side"],
        "price": t["price"],
        "quantity": t["quantity"],
        "trade_id": t.get("trade_id"),
        "source": t["source"],
    }


# -- B.8.2.2.1 a-l on rows of all the organization's controlled accounts ---------------------
# The functions below take plain dict rows: trades {account, asset, side, time (datetime or
# None), day, price, quantity, trade_id, source, ...} and orders {account, asset, side, time,
# price, quantity, status, order_id, source, ...}. Each returns plain dicts; a row appears in
# at most one pair of a kind, so a pattern counts once per pair.


def _d(x) -> Decimal:
    return Decimal(str(x))


def _close_enough(a: float, b: float, share: float) -> bool:
    """|a - b| <= share x a, in decimals (share 0: the same price)."""
    return abs(_d(a) - _d(b)) <= _d(share) * _d(a)


def _qty_match(a: int, b: int, share: float) -> bool:
    return abs(a - b) <= _d(share) * max(a, b)


def wash_pairs(trades, window_s: int, price_tol: float = 0.0, qty_tol: float = 0.0) -> list[dict]:
    """B.8.2.2.1 a: buy and sell of one asset by controlled accounts (the same one included),
    at most window_s seconds apart, at the same price and quantity within the tolerances.

    Trades without a time cannot be placed in a window and are left out (the caller counts
    them). Greedy: each sell pairs with the nearest unpaired buy in time.
    """
    by: dict = defaultdict(lambda: {"buy": [], "sell": []})
    for t in trades:
        if t.get("time") is not None:
            by[t["asset"]][t["side"]].append(t)
    pairs = []
    for asset in sorted(by):
        buys = sorted(by[asset]["buy"], key=lambda t: t["time"])
        stamps = [b["time"].timestamp() for b in buys]
        used: set[int] = set()
        for s in sorted(by[asset]["sell"], key=lambda t: t["time"]):
            ts = s["time"].timestamp()
            lo, hi = bisect_left(stamps, ts - window_s), bisect_left(stamps, ts + window_s + 1e-6)
            best = None
            for i in range(lo, hi):
                b = buys[i]
                if i in used or not _close_enough(b["price"], s["price"], price_tol) or not _qty_match(b["quantity"], s["quantity"], qty_tol):
                    continue
                gap = abs(stamps[i] - ts)
                if best is None or gap < best[0]:
                    best = (gap, i)
            if best is not None:
                used.add(best[1])
                b = buys[best[1]]
                pairs.append(
                    {
                        "asset": asset,
                        "buy": _brief(b),
                        "sell": _brief(s),
                        "buy_account": b["account"],
                        "sell_account": s["account"],
                        "seconds_apart": int(best[0]),
                        "source": s["source"],
                        "other": b["source"],
                    }
                )
    return pairs


def latest_price(own: list[tuple], closes: list[tuple], when: dt.datetime, own_stamps: list | None = None, close_days: list | None = None):
    """The latest traded price known when an order is placed: the newer of the organization's
    last trade strictly before `when` (own: sorted (timestamp, day, price, id)) and the last
    close of a day strictly before its day (closes: sorted (day, close)). (day, price, what) or None.
    own_stamps and close_days (the first column of each) may be passed in, computed once."""
    cands = []
    if own:
        i = bisect_left(own_stamps if own_stamps is not None else [o[0] for o in own], when.timestamp())
        if i > 0:
            ts, day, price, ident = own[i - 1]
            cands.append((day, 1, price, f"trade {ident}"))
    if closes:
        i = bisect_left(close_days if close_days is not None else [d for d, _ in closes], when.date())
        if i > 0:
            d, c = closes[i - 1]
            cands.append((d, 0, c, f"close {d.isoformat()}"))
    if not cands:
        return None
    day, _, price, what = max(cands, key=lambda c: (c[0], c[1]))
    return day, price, what


def runs(orders, min_count: int, window_s: int) -> set:
    """Ids (order_id) of orders in a run: at least min_count orders of one account, asset and
    side within window_s seconds (B.8.2.2.1 b 连续申报、密集申报)."""
    by: dict = defaultdict(list)
    for o in orders:
        by[(o["account"], o["asset"], o["side"])].append(o)
    out = set()
    for items in by.values():
        items = sorted(items, key=lambda o: o["time"])
        stamps = [o["time"].timestamp() for o in items]
        j = 0
        for i in range(len(items)):
            while stamps[i] - stamps[j] > window_s:
                j += 1
            if i - j + 1 >= min_count:
                out.update(items[k]["order_id"] for k in range(j, i + 1))
    return out


def bursts(orders, per_second: int, per_minute: int) -> list[dict]:
    """B.8.2.2.1 e: per account, the busiest second and the busiest 60 s of orders, when
    above the limits. One entry per account and day with the peak counts."""
    by: dict = defaultdict(list)
    for o in orders:
        by[(o["account"], o["time"].date())].append(o)
    out = []
    for (account, day), items in sorted(by.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        items = sorted(items, key=lambda o: o["time"])
        stamps = [o["time"].timestamp() for o in items]
        peaks = {}
        for label, width in (("second", 1), ("minute", 60)):
            best, j = (0, 0), 0
            for i in range(len(items)):
                while stamps[i] - stamps[j] >= width:
                    j += 1
                if i - j + 1 > best[0]:
                    best = (i - j + 1, j)
            peaks[label] = best
        if peaks["second"][0] > per_second or peaks["minute"][0] > per_minute:
            first = items[peaks["minute"][1] if peaks["minute"][0] > per_minute else peaks["second"][1]]
            out.append(
                {
                    "account": account,
                    "date": day.isoformat(),
                    "orders": len(items),
                    "per_second": peaks["second"][0],
                    "per_minute": peaks["minute"][0],
                    "first": first["order_id"],
                    "from": first["time"].isoformat(),
                    "source": first["source"],
                }
            )
    return out


def loss_round_trips(trades, window_min: int) -> list[dict]:
    """B.8.2.2.1 c 高买低卖: a buy then a sale of one asset at a lower price (or a sale then a
    buy back at a higher one) within window_min minutes, in the controlled accounts taken
    together. Each trade in at most one round trip, the earliest match."""
    by: dict = defaultdict(list)
    for t in trades:
        if t.get("time") is not None:
            by[t["asset"]].append(t)
    out = []
    for asset in sorted(by):
        items = sorted(by[asset], key=lambda t: t["time"])
        used: set[int] = set()
        for i, first in enumerate(items):
            if i in used:
                continue
            for j in range(i + 1, len(items)):
                second = items[j]
                if (second["time"] - first["time"]).total_seconds() > window_min * 60:
                    break
                if j in used or second["side"] == first["side"]:
                    continue
                buy, sell = (first, second) if first["side"] == "buy" else (second, first)
                if _d(sell["price"]) < _d(buy["price"]):
                    used.update((i, j))
                    q = min(buy["quantity"], sell["quantity"])
                    out.append(
                        {
                            "asset": asset,
                            "date": first["day"].isoformat(),
                            "first": _brief(first),
                            "second": _brief(second),
                            "accounts": sorted({first["account"], second["account"]}),
                            "minutes": round((second["time"] - first["time"]).total_seconds() / 60, 2),
                            "loss": float((_d(buy["price"]) - _d(sell["price"])) * q),
                            "source": second["source"],
                        }
                    )
                break  # the first opposite trade decides: a later one is another round trip
    return out


def hhmm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def in_window(when: dt.datetime, close_s: int, minutes: int) -> bool:
    """Whether a time of day lies in [close - minutes, close)."""
    s = when.hour * 3600 + when.minute * 60 + when.second
    return close_s - minutes * 60 <= s < close_s


def pattern_hits(rows, pattern: dict) -> list[dict]:
    """B.8.2.2.1 l: rows matching an organization-defined pattern, grouped per account, when
    min_count of them fall within window_seconds. One entry per run (first row cited)."""

    def keep(r) -> bool:
        if pattern.get("side") and r["side"] != pattern["side"]:
            return False
        if pattern.get("status") and r.get("status") not in pattern["status"]:
            return False
        if pattern.get("trade_type") and r.get("trade_type") not in pattern["trade_type"]:
            return False
        if pattern.get("product") and r["product"] != pattern["product"]:
            return False
        if pattern.get("min_quantity") and r["quantity"] < pattern["min_quantity"]:
            return False
        if pattern.get("from_time") or pattern.get("to_time"):
            if r.get("time") is None:
                return False
            s = r["time"].hour * 3600 + r["time"].minute * 60 + r["time"].second
            if pattern.get("from_time") and s < hhmm(pattern["from_time"]):
                return False
            if pattern.get("to_time") and s >= hhmm(pattern["to_time"]):
                return False
        return r.get("time") is not None

    need, width = pattern.get("min_count") or 1, pattern.get("window_seconds") or 86400
    by: dict = defaultdict(list)
    for r in rows:
        if keep(r):
            by[r["account"]].append(r)
    out = []
    for account in sorted(by, key=str):
        items = sorted(by[account], key=lambda r: r["time"])
        stamps = [r["time"].timestamp() for r in items]
        i = 0
        while i < len(items):
            j = bisect_left(stamps, stamps[i] + width)
            if j - i >= need:
                out.append(
                    {
                        "account": account,
                        "count": j - i,
                        "first": items[i]["id"],
                        "from": items[i]["time"].isoformat(),
                        "source": items[i]["source"],
                        "row": items[i],
                    }
                )
                i = j
            else:
                i += 1
    return out
