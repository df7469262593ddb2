"""Conduct surveillance maths (cms_build/calc/trading_surveillance.py)."""
import datetime as dt

from cms_build.calc import trading_surveillance as sv

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
    return {"account": "A", "asset": "national_ets:CEA:2024", "side": side, "day": day, "price": price,
            "quantity": 1000, "trade_id": f"T{n}", "source": {"n": n}}


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
