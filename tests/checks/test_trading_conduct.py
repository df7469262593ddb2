"""Conduct rules of B.8.2.2.1 detected in the organization's own ledger (checks/trading.py)."""
from tests.checks.trading_support import allocation, ledger, line_of, order, trade, trading_org

AS_OF = "2025-12-31"


def test_self_trade_flagged_and_near_miss(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[
        trade("T1", "sell", 100, 50.0, counterparty_account="R-001"),   # the organization's own registry account
        trade("T2", "sell", 100, 50.0, counterparty_account="X-999")]))  # someone else's
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
    org.add("trading/TL.yaml", ledger(org, orders=[
        order("O-HIGH-OK", 1000, 55.00), order("O-LOW-OK", 1000, 45.00),
        order("O-HIGH", 1000, 55.01), order("O-LOW", 1000, 44.99)]))
    result = org.run(AS_OF)
    found = org.of(result, "trading.price-out-of-band")
    assert sorted(f.message.split()[1] for f in found) == ["O-HIGH", "O-LOW"]
    high = next(f for f in found if "O-HIGH" in f.message)
    assert high.line == line_of(org, "trading/TL.yaml", "order_id: O-HIGH", after="O-LOW-OK")
    assert "outside 45.0..55.0" in high.message and "previous close 50.0 (2025-09-12)" in high.message


def test_block_band_is_wider_and_chosen_by_size(org):
    # 100,000 t is a block order: band ±30% of 50.00 = 35.00..65.00
    trading_org(org)
    org.add("trading/TL.yaml", ledger(org, orders=[
        order("B-OK", 100_000, 65.00, trade_type="block"), order("B-OUT", 100_000, 65.01, trade_type="block")]))
    found = org.of(org.run(AS_OF), "trading.price-out-of-band")
    assert [f.message.split()[1] for f in found] == ["B-OUT"] and "block band ±30%" in found[0].message


def test_price_band_checked_on_a_trade_without_its_order_and_from_csv(org):
    trading_org(org)
    org.add("trading/data/t.csv", "trade_id,time,market,product,vintage,side,quantity,price,trade_type\n"
                                  "T1,2025-09-15T10:00:00+08:00,national_ets,CEA,2025,buy,10,56.00,listed\n"
                                  "T2,2025-09-15T10:05:00+08:00,national_ets,CEA,2025,buy,10,54.99,listed\n")
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
    org.add("trading/TL.yaml", ledger(org, orders=[order("BIG", 100_000, 50.0, trade_type="listed"),
                                                   order("SMALL", 99_999, 50.0, trade_type="listed")]))
    [f] = org.of(org.run(AS_OF), "trading.order-type-mismatch")
    assert "BIG" in f.message and "100000 t is a block order" in f.message and f.severity == "warning"


def test_cancel_ratio(org):
    trading_org(org)
    day = "2025-09-15T{}:00+08:00"
    flagged = [order(f"A{i}", 100, 50.0, day.format(f"10:0{i}"), status="cancelled" if i < 3 else "filled")
               for i in range(5)]  # 3 of 5 = 60%
    org.add("trading/TL.yaml", ledger(org, orders=flagged))
    [f] = org.of(org.run(AS_OF), "trading.cancel-ratio")
    assert "cancelled 3 of 5 orders on 2025-09-15 (60%" in f.message
    assert f.line == line_of(org, "trading/TL.yaml", "order_id: A0")


def test_cancel_ratio_near_misses(org):
    trading_org(org)
    day = "2025-09-15T{}:00+08:00"
    half = [order(f"A{i}", 100, 50.0, day.format(f"10:0{i}"), status="cancelled" if i < 3 else "filled")
            for i in range(6)]  # 3 of 6 = 50%: not above the limit
    few = [order(f"B{i}", 100, 50.0, "2025-09-12T10:00:00+08:00", status="cancelled") for i in range(4)]  # 4 < 5 orders
    org.add("trading/TL.yaml", ledger(org, orders=half + few))
    assert org.of(org.run(AS_OF), "trading.cancel-ratio") == []


def test_reverse_trades_next_weekday_near_price(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[
        trade("BUY", "buy", 1000, 50.00, "2025-09-12T10:00:00+08:00"),
        trade("SELL", "sell", 1000, 50.50, "2025-09-15T10:00:00+08:00")]))   # 1.0% apart, Friday -> Monday
    [f] = org.of(org.run(AS_OF), "trading.reverse-trades")
    assert f.line == line_of(org, "trading/TL.yaml", "trade_id: SELL")
    assert "reverses the buy of 2025-09-12 at 50.0 (1.0% apart" in f.message


def test_reverse_trades_across_a_holiday_the_settings_list(org):
    # bought Tuesday 2025-09-30, sold Thursday 2025-10-09: the exchange is closed 10-01..10-08
    # (National Day), so they are on consecutive trading days; 6 weekdays apart without the list
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[
        trade("BUY", "buy", 1000, 50.00, "2025-09-30T10:00:00+08:00"),
        trade("SELL", "sell", 1000, 50.20, "2025-10-09T10:00:00+08:00")]))
    assert org.of(org.run(AS_OF), "trading.reverse-trades") == []
    holiday = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"]
    org.settings(trading={"closed_days": holiday})
    [f] = org.of(org.run(AS_OF), "trading.reverse-trades")
    assert f.line == line_of(org, "trading/TL.yaml", "trade_id: SELL")
    assert "reverses the buy of 2025-09-30 at 50.0 (0.4% apart" in f.message


def test_reverse_trades_near_miss(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org))
    org.add("trading/TL.yaml", ledger(org, trades=[
        trade("BUY", "buy", 1000, 50.00, "2025-09-12T10:00:00+08:00"),
        trade("SELL", "sell", 1000, 50.51, "2025-09-15T10:00:00+08:00")]))   # 1.02% apart
    assert org.of(org.run(AS_OF), "trading.reverse-trades") == []


def test_unreadable_csv_row(org):
    trading_org(org)
    org.add("trading/data/t.csv", "trade_id,date,market,product,side,quantity,price\n"
                                  "T1,2025-09-15,national_ets,CEA,buy,ten,50\n")
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
    org.add("trading/data/t.csv", "trade_id,date,market,product,side,quantity,price\n"
                                  "T1,2025-09-15,national_ets,CEA,buy,10,50\n"
                                  "T2,2025-09-15,national_ets,CEA,buy,10,50\n"
                                  "T1,2025-09-16,national_ets,CEA,buy,10,50\n")
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
    org.add("trading/data/t.csv", "trade_id,date,market,product,side,quantity,price\n"
            + "".join(f"T{i},2025-09-15,national_ets,CEA,buy,ten,50\n" for i in range(250)))
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    found = org.of(org.run(AS_OF), "trading.ledger-row-unreadable")
    assert len(found) == 101 and [f.line for f in found[:100]] == list(range(2, 102))
    last = found[100]  # rows 102 to 251: 250 - 100 = 150
    assert (last.file, last.line) == ("trading/data/t.csv", 102)
    assert last.message.startswith("150 more rows cannot be read, from this one on (only the first 100 are listed): "
                                   "quantity must be a whole number")
