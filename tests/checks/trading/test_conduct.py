"""Conduct rules of B.8.2.2.1 detected in the organization's own ledger (checks/trading/compute.py)."""

from tests.checks.trading_support import allocation, ledger, line_of, order, trade, trading_org

AS_OF = "2025-12-31"


def test_self_trade_flagged_and_near_miss(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            trades=[
                trade("T1", "sell", 100, 50.0, counterparty_account="R-001"),  # the organization's own registry account
                trade("T2", "sell", 100, 50.0, counterparty_account="X-999"),
            ],
        ),
    )  # someone else's
    result = org.run(AS_OF)
    [f] = org.of(result, "trading.self-trade")
    assert (f.file, f.line) == ("trading/TL.yaml", line_of(org, "trading/TL.yaml", "trade_id: T1"))
    assert "own account REG" in f.message and f.severity == "error"


def test_self_trade_tolerance_is_a_setting(org):
    trading_org(org)
    org.settings(subsystems=["A", "B", "C", "D"], trading={"self_trade_max_count": 1})
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "buy", 100, 50.0, counterparty_account="R-001")]))
    assert org.of(org.run(AS_OF), "trading.self-trade") == []


def test_listed_price_band_edges(org):
    # previous close (2025-09-12) 50.00: listed band 45.00..55.00, limits allowed
    trading_org(org)
    org.add(
        "trading/TL.yaml",
        ledger(org, orders=[order("O-HIGH-OK", 1000, 55.00), order("O-LOW-OK", 1000, 45.00), order("O-HIGH", 1000, 55.01), order("O-LOW", 1000, 44.99)]),
    )
    result = org.run(AS_OF)
    found = org.of(result, "trading.price-out-of-band")
    assert sorted(f.message.split()[1] for f in found) == ["O-HIGH", "O-LOW"]
    high = next(f for f in found if "O-HIGH" in f.message)
    assert high.line == line_of(org, "trading/TL.yaml", "order_id: O-HIGH", after="O-LOW-OK")
    assert "outside 45.0..55.0" in high.message and "previous close 50.0 (2025-09-12)" in high.message


def test_block_band_is_wider_and_chosen_by_size(org):
    # 100,000 t is a block order: band ±30% of 50.00 = 35.00..65.00
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[order("B-OK", 100_000, 65.00, trade_type="block"), order("B-OUT", 100_000, 65.01, trade_type="block")]))
    found = org.of(org.run(AS_OF), "trading.price-out-of-band")
    assert [f.message.split()[1] for f in found] == ["B-OUT"] and "block band ±30%" in found[0].message


def test_price_band_checked_on_a_trade_without_its_order_and_from_csv(org):
    trading_org(org)
    org.add(
        "trading/data/t.csv",
        "trade_id,time,market,product,vintage,side,quantity,price,trade_type\n"
        "T1,2025-09-15T10:00:00+08:00,national_ets,CEA,2025,buy,10,56.00,listed\n"
        "T2,2025-09-15T10:05:00+08:00,national_ets,CEA,2025,buy,10,54.99,listed\n",
    )
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    [f] = org.of(org.run(AS_OF), "trading.price-out-of-band")
    assert (f.file, f.line) == ("trading/data/t.csv", 2) and "trade T1" in f.message


def test_band_settings_per_exchange(org):
    trading_org(org)
    org.settings(subsystems=["A", "B", "C", "D"], trading={"exchanges": {"SEEE": {"price_band_listed": 0.2}}})
    org.add("trading/TL.yaml", ledger(org, orders=[order("O1", 1000, 59.00)]))  # inside 40..60
    assert org.of(org.run(AS_OF), "trading.price-out-of-band") == []


def test_order_type_mismatch(org):
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[order("BIG", 100_000, 50.0, trade_type="listed"), order("SMALL", 99_999, 50.0, trade_type="listed")]))
    [f] = org.of(org.run(AS_OF), "trading.order-type-mismatch")
    assert "BIG" in f.message and "100000 t is a block order" in f.message and f.severity == "warning"


def test_cancel_ratio(org):
    trading_org(org)
    day = "2025-09-15T{}:00+08:00"
    flagged = [order(f"A{i}", 100, 50.0, day.format(f"10:0{i}"), status="cancelled" if i < 3 else "filled") for i in range(5)]  # 3 of 5 = 60%
    org.add("trading/TL.yaml", ledger(org, orders=flagged))
    [f] = org.of(org.run(AS_OF), "trading.cancel-ratio")
    assert "cancelled 3 of 5 orders on 2025-09-15 (60%" in f.message
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: A0")


def test_cancel_ratio_near_misses(org):
    trading_org(org)
    day = "2025-09-15T{}:00+08:00"
    half = [order(f"A{i}", 100, 50.0, day.format(f"10:0{i}"), status="cancelled" if i < 3 else "filled") for i in range(6)]  # 3 of 6 = 50%: not above the limit
    few = [order(f"B{i}", 100, 50.0, "2025-09-12T10:00:00+08:00", status="cancelled") for i in range(4)]  # 4 < 5 orders
    org.add("trading/TL.yaml", ledger(org, orders=half + few))
    assert org.of(org.run(AS_OF), "trading.cancel-ratio") == []


def test_reverse_trades_next_weekday_near_price(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(org, trades=[trade("BUY", "buy", 1000, 50.00, "2025-09-12T10:00:00+08:00"), trade("SELL", "sell", 1000, 50.50, "2025-09-15T10:00:00+08:00")]),
    )  # 1.0% apart, Friday -> Monday
    [f] = org.of(org.run(AS_OF), "trading.reverse-trades")
    assert f.line == line_of(org, "trading/TL.yaml", "trade_id: SELL")
    assert "reverses the buy of 2025-09-12 at 50.0 (1.0% apart" in f.message


def test_reverse_trades_across_a_holiday_the_settings_list(org):
    # bought Tuesday 2025-09-30, sold Thursday 2025-10-09: the exchange is closed 10-01..10-08
    # (National Day), so they are on consecutive trading days; 6 weekdays apart without the list
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(org, trades=[trade("BUY", "buy", 1000, 50.00, "2025-09-30T10:00:00+08:00"), trade("SELL", "sell", 1000, 50.20, "2025-10-09T10:00:00+08:00")]),
    )
    assert org.of(org.run(AS_OF), "trading.reverse-trades") == []
    holiday = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"]
    org.settings(trading={"closed_days": holiday})
    [f] = org.of(org.run(AS_OF), "trading.reverse-trades")
    assert f.line == line_of(org, "trading/TL.yaml", "trade_id: SELL")
    assert "reverses the buy of 2025-09-30 at 50.0 (0.4% apart" in f.message


def test_reverse_trades_near_miss(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(org, trades=[trade("BUY", "buy", 1000, 50.00, "2025-09-12T10:00:00+08:00"), trade("SELL", "sell", 1000, 50.51, "2025-09-15T10:00:00+08:00")]),
    )  # 1.02% apart
    assert org.of(org.run(AS_OF), "trading.reverse-trades") == []


def test_unreadable_csv_row(org):
    trading_org(org)
    org.add("trading/data/t.csv", "trade_id,date,market,product,side,quantity,price\nT1,2025-09-15,national_ets,CEA,buy,ten,50\n")
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    [f] = org.of(org.run(AS_OF), "trading.ledger-row-unreadable")
    assert (f.file, f.line) == ("trading/data/t.csv", 2) and "quantity must be a whole number" in f.message


def test_a_time_without_a_zone_is_a_schema_error(org):
    # the date-time format is checked only when jsonschema has rfc3339-validator (format-nongpl)
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "buy", 10, 50.0, "2025-09-15 10:00")]))
    found = [f for f in org.run(AS_OF).findings if f.rule == "schema.invalid"]
    assert [f.path for f in found] == ["trades[0].time"] and "date and time" in found[0].message


def test_a_trade_id_twice_in_a_ledger(org):
    trading_org(org)
    org.add(
        "trading/data/t.csv",
        "trade_id,date,market,product,side,quantity,price\n"
        "T1,2025-09-15,national_ets,CEA,buy,10,50\n"
        "T2,2025-09-15,national_ets,CEA,buy,10,50\n"
        "T1,2025-09-16,national_ets,CEA,buy,10,50\n",
    )
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    [f] = org.of(org.run(AS_OF), "trading.ledger-row-unreadable")
    assert (f.file, f.line) == ("trading/data/t.csv", 4)
    assert "trade_id T1 appears twice (first at trading/data/t.csv:2)" in f.message


def test_rows_after_the_as_of_date_are_ignored(org):
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[order("LATE", 1000, 70.0, "2026-01-05T10:00:00+08:00")]))
    assert org.of(org.run(AS_OF), "trading.price-out-of-band") == []


def test_a_ledger_of_many_bad_rows_gives_the_first_hundred_and_a_count(org):
    trading_org(org)
    org.add(
        "trading/data/t.csv",
        "trade_id,date,market,product,side,quantity,price\n" + "".join(f"T{i},2025-09-15,national_ets,CEA,buy,ten,50\n" for i in range(250)),
    )
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    found = org.of(org.run(AS_OF), "trading.ledger-row-unreadable")
    assert len(found) == 101 and [f.line for f in found[:100]] == list(range(2, 102))
    last = found[100]  # rows 102 to 251: 250 - 100 = 150
    assert (last.file, last.line) == ("trading/data/t.csv", 102)
    assert last.message.startswith("150 more rows cannot be read, from this one on (only the first 100 are listed): quantity must be a whole number")


# -- B.8.2.2.1 a-l across all controlled accounts (checks/trading/conduct.py) ---------------------
from tests.checks.trading_support import account  # noqa: E402

T = "2025-09-16T{}+08:00"  # a Tuesday; the fixture's last closes are 50.00 on Fri 09-12 and Mon 09-15


def second_account(org, rid="TRD2", controlled=True, **extra):
    org.add(f"trading/{rid}.yaml", account(org, rid, "trading", f"{rid}-NO", exchange="SEEE", controlled=controlled, **extra))


def two_ledgers(org, a=(), b=(), a_orders=()):
    org.add("trading/TL.yaml", ledger(org, trades=a, orders=a_orders))
    org.add("trading/TL2.yaml", org.record("trade_ledger", "TL2", account="TRD2", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=list(b)))


def test_wash_trade_between_controlled_accounts_without_counterparty_numbers(org):
    trading_org(org)
    second_account(org)
    two_ledgers(org, a=[trade("B1", "buy", 50_000, 60.0, T.format("10:00:00"))], b=[trade("S1", "sell", 50_000, 60.0, T.format("10:00:00"))])
    [f] = org.of(org.run(AS_OF), "trading.wash-trade")
    assert (f.file, f.line) == ("trading/TL2.yaml", line_of(org, "trading/TL2.yaml", "trade_id: S1"))
    assert "buy B1 (TRD) and sell S1 (TRD2) of 50000 t national_ets:CEA:2025 0 s apart" in f.message
    assert f.severity == "error"


def test_wash_trade_near_misses(org):
    # 61 s apart (window 60 s); 0.01 off in price; 1 t off in quantity; not a controlled account
    trading_org(org)
    second_account(org)
    two_ledgers(
        org,
        a=[
            trade("B1", "buy", 1000, 60.0, T.format("10:00:00")),
            trade("B2", "buy", 1000, 60.0, T.format("11:00:00")),
            trade("B3", "buy", 1000, 60.0, T.format("12:00:00")),
        ],
        b=[
            trade("S1", "sell", 1000, 60.0, T.format("10:01:01")),
            trade("S2", "sell", 1000, 60.01, T.format("11:00:00")),
            trade("S3", "sell", 999, 60.0, T.format("12:00:00")),
        ],
    )
    assert org.of(org.run(AS_OF), "trading.wash-trade") == []
    org.settings(trading={"wash_window_seconds": 61})
    [f] = org.of(org.run(AS_OF), "trading.wash-trade")
    assert "buy B1 (TRD) and sell S1 (TRD2)" in f.message and "61 s apart" in f.message


def test_wash_trade_within_one_account_and_not_with_an_uncontrolled_one(org):
    trading_org(org)
    second_account(org, controlled=False)
    two_ledgers(
        org,
        a=[trade("B1", "buy", 100, 60.0, T.format("10:00:00")), trade("S1", "sell", 100, 60.0, T.format("10:00:30"))],
        b=[trade("S2", "sell", 100, 61.0, T.format("11:00:00"))],
    )
    org.add(
        "trading/TL2.yaml",
        org.record(
            "trade_ledger",
            "TL2",
            account="TRD2",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            trades=[trade("S2", "sell", 100, 60.0, T.format("10:00:10"))],
        ),
    )
    [f] = org.of(org.run(AS_OF), "trading.wash-trade")
    assert "buy B1 (TRD) and sell S1 (TRD)" in f.message and "a trade with itself" in f.message


def test_price_off_latest_large_order(org):
    # latest price: the close of Mon 09-15, 50.00. 53.00 is 6 % off (> 5 %) and 10,000 t is large.
    # 52.50 is exactly 5 % off: not above; 9,999 t at 53.00 is neither large nor in a run.
    trading_org(org)
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[
                order("BIG", 10_000, 53.00, T.format("10:00:00")),
                order("EDGE", 10_000, 52.50, T.format("10:30:00")),
                order("SMALL", 9_999, 53.00, T.format("11:00:00")),
            ],
        ),
    )
    [f] = org.of(org.run(AS_OF), "trading.price-off-latest")
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: BIG")
    assert "6.0% off the latest traded price (close 2025-09-15)" in f.message and "large" in f.message


def test_price_off_latest_run_of_orders_and_own_trade_as_latest(org):
    # three 100 t buys at 53.00 within 300 s are a run (6 % off the close); the order at 13:00 comes
    # after the organization's own trade at 53.00 (12:00), its latest price: 0 % off.
    trading_org(org)
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[order(f"R{i}", 100, 53.00, T.format(f"10:0{i}:00")) for i in range(3)] + [order("AFTER", 10_000, 53.00, T.format("13:00:00"))],
            trades=[trade("OWN", "buy", 100, 53.00, T.format("12:00:00"))],
        ),
    )
    found = org.of(org.run(AS_OF), "trading.price-off-latest")
    # the trade OWN (100 t, no order in the ledger) is 6 % off the close too, but neither large nor in a run
    assert sorted(f.message.split()[1] for f in found) == ["R0", "R1", "R2"]
    assert all("one of a run of orders" in f.message for f in found)


def test_price_off_latest_stale_close_is_not_assessed(org):
    # Thu 09-18: the last close (Mon 09-15) is 3 trading days old (> 1): not assessed, and counted
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[order("LATE", 10_000, 60.00, "2025-09-18T10:00:00+08:00")]))
    result = org.run(AS_OF)
    assert org.of(result, "trading.price-off-latest") == []
    item = result.results["surveillance"]["items"]["b"]
    assert item["data"]["stale_price"] == 1 and item["data"]["priced"] == 0 and item["checked"] is False
    assert "no order had a latest traded price within 1 trading day(s)" in item["why_not"]


def test_loss_round_trips(org):
    # buy 62 / sell 58 twice within 15 min: two round trips at a loss on one day (fewest 2)
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            trades=[
                trade("B1", "buy", 1000, 62.0, T.format("10:00:00")),
                trade("S1", "sell", 1000, 58.0, T.format("10:05:00")),
                trade("B2", "buy", 1000, 62.0, T.format("10:08:00")),
                trade("S2", "sell", 1000, 58.0, T.format("10:14:00")),
            ],
        ),
    )
    found = org.of(org.run(AS_OF), "trading.loss-round-trips")
    assert [f.line for f in found] == [line_of(org, "trading/TL.yaml", "trade_id: S1"), line_of(org, "trading/TL.yaml", "trade_id: S2")]
    assert "buy B1 then sell S1 of national_ets:CEA:2025 5.0 min apart at a loss (2 such round trips" in found[0].message


def test_loss_round_trips_near_misses(org):
    # one round trip at a loss; a round trip at a gain; a loss 31 min apart (window 30)
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            trades=[
                trade("B1", "buy", 1000, 62.0, T.format("10:00:00")),
                trade("S1", "sell", 1000, 58.0, T.format("10:05:00")),
                trade("B2", "buy", 1000, 58.0, T.format("11:00:00")),
                trade("S2", "sell", 1000, 62.0, T.format("11:05:00")),
                trade("B3", "buy", 1000, 62.0, T.format("13:00:00")),
                trade("S3", "sell", 1000, 58.0, T.format("13:31:00")),
            ],
        ),
    )
    assert org.of(org.run(AS_OF), "trading.loss-round-trips") == []


def test_reverse_trades_across_controlled_accounts(org):
    # bought on TRD Friday, sold on TRD2 Monday at the same price: one pair across the accounts
    trading_org(org)
    second_account(org)
    two_ledgers(org, a=[trade("BUY", "buy", 1000, 50.00, "2025-09-12T10:00:00+08:00")], b=[trade("SELL", "sell", 1000, 50.00, "2025-09-15T10:00:00+08:00")])
    [f] = org.of(org.run(AS_OF), "trading.reverse-trades")
    assert (f.file, f.line) == ("trading/TL2.yaml", line_of(org, "trading/TL2.yaml", "trade_id: SELL"))
    second_account(org, controlled=False)
    assert org.of(org.run(AS_OF), "trading.reverse-trades") == []


def test_order_burst(org):
    # 21 orders within 60 s (limit 20) and 4 within one second (limit 3), on two days
    trading_org(org)
    minute = [order(f"M{i:02d}", 100, 50.0, T.format(f"10:00:{i * 2:02d}")) for i in range(21)]
    second = [order(f"S{i}", 100, 50.0, "2025-09-17T10:00:00+08:00") for i in range(4)]
    org.add("trading/TL.yaml", ledger(org, orders=minute + second))
    found = org.of(org.run(AS_OF), "trading.order-burst")
    assert [f.line for f in found] == [line_of(org, "trading/TL.yaml", "order_id: M00"), line_of(org, "trading/TL.yaml", "order_id: S0")]
    assert "placed 21 orders within 60 s and 1 within one second on 2025-09-16" in found[0].message
    assert "placed 4 orders within 60 s and 4 within one second on 2025-09-17" in found[1].message


def test_order_burst_near_miss(org):
    # 20 orders in 60 s (10:00:00..10:00:57), then one at 10:01:00, 60 s after the first: never 21 in 60 s;
    # 3 in one second
    trading_org(org)
    minute = [order(f"M{i:02d}", 100, 50.0, T.format(f"10:00:{i * 3:02d}")) for i in range(20)]
    minute.append(order("M20", 100, 50.0, T.format("10:01:00")))
    second = [order(f"S{i}", 100, 50.0, "2025-09-17T10:00:00+08:00") for i in range(3)]
    org.add("trading/TL.yaml", ledger(org, orders=minute + second))
    assert org.of(org.run(AS_OF), "trading.order-burst") == []


def test_closing_window(org):
    # window [14:45, 15:00): 10,000 t at 14:45:00 is in; 14:44:59 is out; 9,999 t at 14:59:30 is small
    trading_org(org)
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[
                order("IN", 10_000, 50.0, T.format("14:45:00")),
                order("EARLY", 10_000, 50.0, T.format("14:44:59")),
                order("SMALL", 9_999, 50.0, T.format("14:59:30")),
            ],
        ),
    )
    [f] = org.of(org.run(AS_OF), "trading.closing-window")
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: IN")
    assert "buy 10000 t at 14:45:00, within 15 min before the close at 15:00 on 2025-09-16" in f.message
    org.settings(trading={"exchanges": {"SEEE": {"closing_window_minutes": 16}}})
    assert len(org.of(org.run(AS_OF), "trading.closing-window")) == 2


def statement(org, rid="MS1", day="2025-09-15", **extra):
    return org.record(
        "market_statement", rid, date=day, channel="公司官网", subject="配额缺口", products=[{"market": "national_ets", "product": "CEA"}], **extra
    )


def test_market_statement_unverified_near_own_trade(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 100, 50.0, "2025-09-18T10:00:00+08:00")]))
    org.add("trading/MS1.yaml", statement(org))
    [f] = org.of(org.run(AS_OF), "trading.market-statement-unverified")
    assert (f.file, f.line) == ("trading/MS1.yaml", line_of(org, "trading/MS1.yaml", "date:"))
    assert "not checked before release" in f.message and "(T1)" in f.message
    # checked the day before release: fine; the trade 4 trading days later (09-19 Fri -> 09-15 Mon = 4): fine
    org.add("trading/MS1.yaml", statement(org, verified_on="2025-09-14"))
    assert org.of(org.run(AS_OF), "trading.market-statement-unverified") == []
    org.add("trading/MS1.yaml", statement(org))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 100, 50.0, "2025-09-19T10:00:00+08:00")]))
    assert org.of(org.run(AS_OF), "trading.market-statement-unverified") == []


def test_market_statement_corrected_is_an_error(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 100, 50.0, "2025-09-16T10:00:00+08:00")]))
    org.add("trading/MS1.yaml", statement(org, verified_on="2025-09-15", corrected_on="2025-10-01", correction="缺口数字有误"))
    [f] = org.of(org.run(AS_OF), "trading.market-statement-corrected")
    assert f.line == line_of(org, "trading/MS1.yaml", "corrected_on:") and f.severity == "error"


def declaration(org, rid, outcome, **extra):
    fields = dict(
        declaration_type="block",
        account="TRD",
        declared_at="2025-09-16T13:30:00+08:00",
        side="buy",
        market="national_ets",
        product="CEA",
        vintage=2025,
        quantity=100_000,
        price=50.0,
        outcome=outcome,
    )
    fields.update(extra)
    return org.record("block_declaration", rid, **fields)


def test_block_order_declared_against_executed(org):
    # the block order declared (and reports filled) 100,000 t at 50.00; its trades total 90,000 t
    trading_org(org)
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[dict(order("BO", 100_000, 50.0, T.format("13:30:00"), trade_type="block"), filled_quantity=100_000)],
            trades=[trade("BT", "buy", 90_000, 50.0, T.format("13:40:00"), trade_type="block", order_id="BO")],
        ),
    )
    [f] = org.of(org.run(AS_OF), "trading.block-declared-vs-executed")
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: BO", after="orders:")
    assert "declared 100000 t (filled 100000) but its trades BT total 90000 t" in f.message
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[dict(order("BO", 100_000, 50.0, T.format("13:30:00"), trade_type="block"), filled_quantity=100_000)],
            trades=[trade("BT", "buy", 100_000, 50.0, T.format("13:40:00"), trade_type="block", order_id="BO")],
        ),
    )
    assert org.of(org.run(AS_OF), "trading.block-declared-vs-executed") == []


def test_block_declaration_records(org):
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, trades=[trade("BT", "buy", 100_000, 50.0, T.format("13:40:00"), trade_type="block")]))
    org.add("trading/BD1.yaml", declaration(org, "BD1", "executed", trade_ids=["BT"]))  # matches
    org.add("trading/BD2.yaml", declaration(org, "BD2", "executed", trade_ids=["NONE"]))  # no trade
    org.add("trading/BD3.yaml", declaration(org, "BD3", "withdrawn"))  # no reason
    org.add("trading/BD4.yaml", declaration(org, "BD4", "withdrawn", reason="对手方资金未到位"))  # reason given
    result = org.run(AS_OF)
    [f] = org.of(result, "trading.block-declared-vs-executed")
    assert f.file == "trading/BD2.yaml" and "no trade of it is in the ledgers" in f.message
    [w] = org.of(result, "trading.block-withdrawn")
    assert w.file == "trading/BD3.yaml" and "without a recorded reason" in w.message
    org.settings(trading={"block_withdrawals_max": 1})
    assert any(
        "2 block or one-way auction declarations withdrawn in 2025 (more than 1)" in x.message for x in org.of(org.run(AS_OF), "trading.block-withdrawn")
    )


def test_co_owned_units_may_not_be_sold(org):
    # REG holds 1,000 t (allocation); 600 t co-owned from 09-01: 400 t may be sold, 500 t may not
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1000))
    org.add(
        "assets/JO1.yaml",
        org.record(
            "co_ownership",
            "JO1",
            account="REG",
            start="2025-09-01",
            co_owners=["某合作方"],
            assets=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 600}],
        ),
    )
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 500, 50.0)]))
    [f] = org.of(org.run(AS_OF), "trading.encumbered-asset-traded")
    assert "of which 600 t pledged, frozen or co-owned, so only 400 t could be used" in f.message
    assert org.run(AS_OF).results["surveillance"]["items"]["i"]["data"]["co_ownerships"] == 1
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 400, 50.0)]))
    assert org.of(org.run(AS_OF), "trading.encumbered-asset-traded") == []
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 500, 50.0)]))
    org.add(
        "assets/JO1.yaml",
        org.record(
            "co_ownership",
            "JO1",
            account="REG",
            start="2025-09-01",
            co_owners=["某合作方"],
            consent_on="2025-09-10",
            assets=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 600}],
        ),
    )
    assert org.of(org.run(AS_OF), "trading.encumbered-asset-traded") == []


def test_side_agreement_hiding_a_buy_back(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 1000, 50.0)]))
    sa = dict(date="2025-09-15", counterparty="某投资公司", account="TRD", covers_trades=["S1"], terms=["buy_back"], booked_as="trade")
    org.add("trading/SA1.yaml", org.record("side_agreement", "SA1", **sa))
    [f] = org.of(org.run(AS_OF), "trading.side-agreement")
    assert f.line == line_of(org, "trading/SA1.yaml", "- buy_back") and "adds buy_back terms to trades S1" in f.message
    org.add("trading/SA1.yaml", org.record("side_agreement", "SA1", **{**sa, "disclosed_to": "上海环境能源交易所 2025-09-15"}))
    assert org.of(org.run(AS_OF), "trading.side-agreement") == []
    org.add("trading/SA1.yaml", org.record("side_agreement", "SA1", **{**sa, "terms": ["other"]}))
    assert org.of(org.run(AS_OF), "trading.side-agreement") == []


def test_repo_booked_as_a_sale(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    repo = dict(
        type="repo",
        counterparty="某银行",
        account="REG",
        start="2025-09-15",
        maturity="2025-12-15",
        assets=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 1000}],
    )
    org.add("assets/FC1.yaml", org.record("financing_contract", "FC1", **repo))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 1000, 50.0)]))  # 09-15, TRD settles in REG
    [f] = org.of(org.run(AS_OF), "trading.repo-booked-as-sale")
    assert f.line == line_of(org, "trading/TL.yaml", "trade_id: S1") and "the start of repo FC1" in f.message
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 999, 50.0)]))
    assert org.of(org.run(AS_OF), "trading.repo-booked-as-sale") == []


def test_insider_trade(org):
    # PER-A trades on TRD and is an insider of INS1 (known Wed 09-10, disclosed Wed 09-17; quiet 1 trading day):
    # a trade on 09-15 and one on 09-18 are reported; 09-19 (2 trading days after) is not; REG's controller is not
    trading_org(org)
    org.add("people/PER-A.yaml", org.record("person", "PER-A", name="李四"))
    org.add(
        "trading/TRD.yaml",
        account(org, "TRD", "trading", "T-001", exchange="SEEE", settles_in="REG", controllers=[{"person": "PER-A", "role": "trader", "from": "2025-01-01"}]),
    )
    org.add("trading/AL.yaml", allocation(org))
    org.add(
        "trading/INS1.yaml",
        org.record(
            "inside_information",
            "INS1",
            matter="2024 年度配额缺口",
            known_on="2025-09-10",
            disclosed_on="2025-09-17",
            insiders=["PER-A"],
            products=[{"market": "national_ets", "product": "CEA"}],
        ),
    )
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            trades=[
                trade("T15", "buy", 100, 50.0, "2025-09-15T10:00:00+08:00"),
                trade("T18", "buy", 100, 50.0, "2025-09-18T10:00:00+08:00"),
                trade("T19", "buy", 100, 50.0, "2025-09-19T10:00:00+08:00"),
            ],
        ),
    )
    org.add(
        "trading/TLR.yaml",
        org.record(
            "trade_ledger",
            "TLR",
            account="REG",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            trades=[trade("R15", "buy", 100, 50.0, "2025-09-15T11:00:00+08:00")],
        ),
    )
    found = org.of(org.run(AS_OF), "trading.insider-trade")
    assert sorted(f.message.split()[1] for f in found) == ["T15", "T18"]
    assert "controlled by insider(s) PER-A of INS1 (known 2025-09-10, disclosed 2025-09-17)" in found[0].message


def test_organization_defined_pattern(org):
    pattern = {
        "id": "late-cancels",
        "title": "尾盘撤单",
        "source": "公司《交易操作规程》第 12 条",
        "rows": "orders",
        "status": ["cancelled"],
        "from_time": "14:30",
        "min_count": 2,
        "window_seconds": 600,
        "severity": "error",
    }
    trading_org(org)
    org.settings(trading={"conduct_patterns": [pattern]})
    org.add(
        "trading/TL.yaml",
        ledger(
            org,
            orders=[
                order("C1", 100, 50.0, T.format("14:31:00"), status="cancelled"),
                order("C2", 100, 50.0, T.format("14:40:00"), status="cancelled"),
                order("C3", 100, 50.0, T.format("14:20:00"), status="cancelled"),
            ],
        ),
    )  # before 14:30
    [f] = org.of(org.run(AS_OF), "trading.conduct-pattern")
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: C1") and f.severity == "error"
    assert "pattern late-cancels (尾盘撤单): 2 orders of account TRD" in f.message
    org.settings(trading={"conduct_patterns": [{**pattern, "window_seconds": 540}]})  # 14:31 -> 14:40 is 540 s: excluded
    assert org.of(org.run(AS_OF), "trading.conduct-pattern") == []


def test_compliance_officers_scenario_on_the_example(org):
    """The issue's scenario on a copy of the example: a second controlled account; a mirrored
    buy and sell of 50,000 t between the two accounts at the same second and price; two
    buy-62 / sell-58 round trips within 15 minutes; 30 orders in 30 seconds; a 30,000 t buy at
    14:59:30. Each is found; the latest price being three weeks old, item b says it could not
    assess the orders rather than passing them."""
    org.copy_example()
    day = "2026-04-21T{}+08:00"  # a Tuesday; the example's last close before it is 2026-03-31
    org.add("trading/ACC-TRD-CEA-2.yaml", account(org, "ACC-TRD-CEA-2", "trading", "SEEE-CEA-100099", exchange="SEEE", holder="滨江发电售电子公司（受控）"))

    def row(tid, side, q, price, time, **extra):
        return {
            "trade_id": tid,
            "time": day.format(time),
            "market": "national_ets",
            "product": "CEA",
            "vintage": 2025,
            "side": side,
            "quantity": q,
            "price": price,
            "trade_type": "listed",
            **extra,
        }

    orders = [
        {
            "order_id": f"O-B{i:02d}",
            "time": day.format(f"11:00:{i:02d}"),
            "market": "national_ets",
            "product": "CEA",
            "vintage": 2025,
            "side": "buy",
            "quantity": 100,
            "price": 66.0,
            "trade_type": "listed",
            "status": "cancelled",
        }
        for i in range(30)
    ]
    orders.append(
        {
            "order_id": "O-CLOSE",
            "time": day.format("14:59:30"),
            "market": "national_ets",
            "product": "CEA",
            "vintage": 2025,
            "side": "buy",
            "quantity": 30_000,
            "price": 67.0,
            "trade_type": "listed",
            "status": "filled",
        }
    )
    org.add(
        "trading/TL-S1.yaml",
        org.record(
            "trade_ledger",
            "TL-S1",
            account="ACC-TRD-CEA",
            period={"start": "2026-04-01", "end": "2026-04-30"},
            orders=orders,
            trades=[
                row("M-BUY", "buy", 50_000, 66.0, "10:00:00"),
                row("R-B1", "buy", 1000, 62.0, "13:30:00"),
                row("R-S1", "sell", 1000, 58.0, "13:35:00"),
                row("R-B2", "buy", 1000, 62.0, "13:38:00"),
                row("R-S2", "sell", 1000, 58.0, "13:44:00"),
                row("C-BUY", "buy", 30_000, 67.0, "14:59:30", order_id="O-CLOSE"),
            ],
        ),
    )
    org.add(
        "trading/TL-S2.yaml",
        org.record(
            "trade_ledger",
            "TL-S2",
            account="ACC-TRD-CEA-2",
            period={"start": "2026-04-01", "end": "2026-04-30"},
            trades=[row("M-SELL", "sell", 50_000, 66.0, "10:00:00")],
        ),
    )
    result = org.run("2026-06-30")
    [wash] = org.of(result, "trading.wash-trade")
    assert "buy M-BUY (ACC-TRD-CEA) and sell M-SELL (ACC-TRD-CEA-2) of 50000 t" in wash.message
    trips = org.of(result, "trading.loss-round-trips")
    assert [f.message.split()[1] for f in trips] == ["R-B1", "R-B2"]
    [burst] = org.of(result, "trading.order-burst")
    assert "placed 30 orders within 60 s" in burst.message and burst.line == line_of(org, "trading/TL-S1.yaml", "O-B00")
    [close] = org.of(result, "trading.closing-window")
    assert "order O-CLOSE: buy 30000 t at 14:59:30" in close.message
    # b: the 30,000 t buy at 67.00 comes after the organization's own sale at 58.00 (13:44), its latest
    # traded price: (67 - 58) / 58 = 15.5 % off. The two 10:00 trades have only the close of 2026-03-31,
    # 14 trading days old: not assessed, and counted as such.
    [off] = org.of(result, "trading.price-off-latest")
    assert "order O-CLOSE of 2026-04-21 (30000 t, large) is 15.5% off the latest traded price (trade R-S2)" in off.message
    item_b = result.results["surveillance"]["items"]["b"]
    assert item_b["data"]["stale_price"] == 2 and item_b["checked"] is True


def test_band_against_a_stale_close_is_a_data_warning(org):
    # the last close on record before Mon 2025-10-06 is Mon 09-15 (15 trading days): 60.00 is outside
    # 45..55, but the closes in between are missing, so the band cannot be confirmed
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[order("O1", 1000, 60.00, "2025-10-06T10:00:00+08:00")]))
    [f] = org.of(org.run(AS_OF), "trading.price-out-of-band")
    assert f.severity == "warning" and "15 trading days before: the closes in between are missing" in f.message
    org.add("trading/TL.yaml", ledger(org, orders=[order("O1", 1000, 60.00, "2025-09-16T10:00:00+08:00")]))
    [f] = org.of(org.run(AS_OF), "trading.price-out-of-band")
    assert f.severity == "error" and "previous close 50.0 (2025-09-15)" in f.message
