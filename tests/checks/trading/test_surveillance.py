"""Conduct surveillance maths (checks/trading/surveillance.py)."""

import datetime as dt

from checks.trading import surveillance as sv

D = dt.date


def test_price_limits_round_to_the_tick_and_include_the_limits():
    # 50.00 ± 10% = 45.00..55.00
    assert sv.price_limits(50.00, 0.10) == (45.00, 55.00)
    assert sv.within(55.00, 45.00, 55.00) and sv.within(45.00, 45.00, 55.00)
    assert not sv.within(55.01, 45.00, 55.00) and not sv.within(44.99, 45.00, 55.00)
    # 58.55 × 1.1 = 64.405 -> 64.41 (half up); 58.55 × 0.9 = 52.695 -> 52.70
    assert sv.price_limits(58.55, 0.10) == (52.70, 64.41)
    # block band: 60.10 × 0.7 = 42.07, × 1.3 = 78.13
    assert sv.price_limits(60.10, 0.30) == (42.07, 78.13)


def test_trade_class_by_threshold():
    assert sv.trade_class(99_999, 100_000) == "listed"
    assert sv.trade_class(100_000, 100_000) == "block"


def test_previous_and_latest_close():
    closes = [(D(2025, 10, 13), 59.0), (D(2025, 10, 14), 60.1), (D(2025, 10, 15), 59.3)]
    assert sv.previous_close(closes, D(2025, 10, 15)) == (D(2025, 10, 14), 60.1)
    assert sv.previous_close(closes, D(2025, 10, 13)) is None
    assert sv.latest_close(closes, D(2025, 10, 15)) == (D(2025, 10, 15), 59.3)
    assert sv.latest_close(closes, D(2025, 12, 31)) == (D(2025, 10, 15), 59.3)


def test_trading_days_between():
    assert sv.trading_days_between(D(2025, 9, 12), D(2025, 9, 15)) == 1  # Friday -> Monday
    assert sv.trading_days_between(D(2025, 9, 15), D(2025, 9, 17)) == 2
    assert sv.trading_days_between(D(2025, 9, 15), D(2025, 9, 15)) == 0
    # National Day 2025: closed Wednesday 10-01 to Wednesday 10-08; Tuesday 09-30 -> Thursday 10-09
    closed = frozenset(D(2025, 10, d) for d in (1, 2, 3, 6, 7, 8))
    assert sv.trading_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 7
    assert sv.trading_days_between(D(2025, 9, 30), D(2025, 10, 9), closed) == 1


def test_cancel_ratios():
    orders = [("A", D(2025, 9, 16), c, {"n": i}) for i, c in enumerate([True, True, True, False, False])]
    [row] = sv.cancel_ratios(orders, min_orders=5)
    assert (row["placed"], row["cancelled"], row["ratio"]) == (5, 3, 0.6)
    assert sv.cancel_ratios(orders[:4], min_orders=5) == []  # fewer than 5 placed: not assessed


def trade(side, day, price, n=0):
    return {
        "account": "A",
        "asset": "national_ets:CEA:2024",
        "side": side,
        "day": day,
        "price": price,
        "quantity": 1000,
        "trade_id": f"T{n}",
        "source": {"n": n},
    }


def test_reverse_pairs():
    # buy Friday at 60.00, sell Monday at 60.60: 1% apart, next weekday -> a pair
    [p] = sv.reverse_pairs([trade("buy", D(2025, 9, 12), 60.00, 1), trade("sell", D(2025, 9, 15), 60.60, 2)], 0.01, 1)
    assert p["first"]["trade_id"] == "T1" and p["second"]["trade_id"] == "T2" and p["price_diff_pct"] == 1.0
    # 60.61 is 1.0167% away: no pair
    assert sv.reverse_pairs([trade("buy", D(2025, 9, 12), 60.00), trade("sell", D(2025, 9, 15), 60.61)], 0.01, 1) == []
    # two weekdays later: not the next day
    assert sv.reverse_pairs([trade("buy", D(2025, 9, 15), 60.00), trade("sell", D(2025, 9, 17), 60.00)], 0.01, 1) == []
    # same day: not 隔日
    assert sv.reverse_pairs([trade("buy", D(2025, 9, 15), 60.00), trade("sell", D(2025, 9, 15), 60.00)], 0.01, 1) == []
    # same side: no pair
    assert sv.reverse_pairs([trade("buy", D(2025, 9, 15), 60.00), trade("buy", D(2025, 9, 16), 60.00)], 0.01, 1) == []


def at(hms: str, day: str = "2025-09-16") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hms}+08:00")


def row(tid, side, price, q, hms, account="A"):
    t = at(hms)
    return {
        "account": account,
        "asset": "national_ets:CEA:2025",
        "side": side,
        "price": price,
        "quantity": q,
        "time": t,
        "day": t.date(),
        "trade_id": tid,
        "source": {"n": tid},
    }


def test_wash_pairs_nearest_buy_and_tolerances():
    # sell at 10:00:30 pairs with the nearer buy (10:00:20, 10 s) rather than 10:00:00 (30 s)
    trades = [row("B1", "buy", 60.0, 100, "10:00:00"), row("B2", "buy", 60.0, 100, "10:00:20", "B"), row("S1", "sell", 60.0, 100, "10:00:30")]
    [p] = sv.wash_pairs(trades, 60)
    assert (p["buy"]["trade_id"], p["sell"]["trade_id"], p["seconds_apart"]) == ("B2", "S1", 10)
    # 60.30 vs 60.00 is 0.5 % apart: paired with a 0.5 % tolerance, not with 0.4 %
    trades = [row("B1", "buy", 60.0, 100, "10:00:00"), row("S1", "sell", 60.30, 100, "10:00:00")]
    assert sv.wash_pairs(trades, 60, price_tol=0.004) == []
    assert len(sv.wash_pairs(trades, 60, price_tol=0.005)) == 1
    # 100 t vs 98 t: 2 % of the larger apart
    trades = [row("B1", "buy", 60.0, 100, "10:00:00"), row("S1", "sell", 60.0, 98, "10:00:00")]
    assert sv.wash_pairs(trades, 60, qty_tol=0.01) == [] and len(sv.wash_pairs(trades, 60, qty_tol=0.02)) == 1


def test_latest_price_newer_of_own_trade_and_previous_close():
    closes = [(D(2025, 9, 12), 50.0), (D(2025, 9, 15), 51.0), (D(2025, 9, 16), 52.0)]
    own = [(at("09:40").timestamp(), D(2025, 9, 16), 53.0, "T1")]
    # before the own trade: the close of the day before (the day's own close is not known yet)
    assert sv.latest_price(own, closes, at("09:35")) == (D(2025, 9, 15), 51.0, "close 2025-09-15")
    assert sv.latest_price(own, closes, at("09:45")) == (D(2025, 9, 16), 53.0, "trade T1")
    assert sv.latest_price([], [], at("09:45")) is None


def test_runs_of_orders():
    orders = [
        {"order_id": f"O{i}", "account": "A", "asset": "x", "side": "buy", "time": at(h)}
        for i, h in enumerate(("10:00:00", "10:02:00", "10:05:00", "10:05:01"))
    ]
    # within 300 s: O0..O2 (10:00:00-10:05:00) and O1..O3; all four are in a run of 3
    assert sv.runs(orders, 3, 300) == {"O0", "O1", "O2", "O3"}
    # within 120 s: 10:00-10:02 holds two, 10:05:00-10:05:01 two: no run of 3
    assert sv.runs(orders, 3, 120) == set()


def test_bursts_count_the_busiest_second_and_minute():
    orders = [{"order_id": f"O{i}", "account": "A", "time": at(f"10:00:{i:02d}"), "source": {}} for i in range(30)]
    [b] = sv.bursts(orders, 3, 20)
    assert (b["per_second"], b["per_minute"], b["first"]) == (1, 30, "O0")
    assert sv.bursts(orders, 3, 30) == []  # 30 is not above 30


def test_loss_round_trips():
    trades = [
        row("B1", "buy", 62.0, 1000, "10:00:00"),
        row("S1", "sell", 58.0, 1000, "10:05:00"),
        row("S2", "sell", 63.0, 1000, "11:00:00"),
        row("B2", "buy", 64.0, 1000, "11:10:00"),
    ]
    got = sv.loss_round_trips(trades, 30)
    # B1 -> S1: (62 - 58) x 1000 = 4000 lost; S2 then buy back B2 higher: (64 - 63) x 1000 = 1000 lost
    assert [(r["first"]["trade_id"], r["second"]["trade_id"], r["loss"], r["minutes"]) for r in got] == [("B1", "S1", 4000.0, 5.0), ("S2", "B2", 1000.0, 10.0)]
    assert sv.loss_round_trips(trades, 4) == []


def test_closing_window_bounds():
    close = sv.hhmm("15:00")
    assert sv.in_window(at("14:45:00"), close, 15) and sv.in_window(at("14:59:59"), close, 15)
    assert not sv.in_window(at("14:44:59"), close, 15) and not sv.in_window(at("15:00:00"), close, 15)


def test_reverse_pairs_across_a_group_of_accounts():
    a = {**trade("buy", D(2025, 9, 12), 60.00, 1), "group": "controlled"}
    b = {**trade("sell", D(2025, 9, 15), 60.00, 2), "account": "B", "group": "controlled"}
    [p] = sv.reverse_pairs([a, b], 0.01, 1)
    assert (p["account"], p["second_account"]) == ("A", "B")
    assert sv.reverse_pairs([{**a, "group": None}, {**b, "group": None}], 0.01, 1) == []
