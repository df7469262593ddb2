"""Trade, order and price rows from inline lists and CSV (checks/trading/rows.py)."""

import datetime as dt

from checks.trading import rows as tr

BASE = {"record": "TL-1", "file": "trading/t.csv", "csv": True}


def test_csv_trades_are_parsed_with_their_lines():
    text = (
        "trade_id,time,market,product,vintage,side,quantity,price,trade_type,serials\n"
        "T1,2025-09-16T09:31:40+08:00,national_ets,CEA,2024,buy,5000,58.40,listed,\n"
        "\n"
        "T2,2025-09-16T10:00:00+08:00,ccer,CCER,2017,sell,10,60,otc,A-001-005;A-010-012\n"
    )
    rows, problems = tr.csv_rows(text, tr.TRADE_COLUMNS, BASE)
    assert problems == []
    trades = [tr.trade_from(r, w) for r, w in rows]
    assert [t.trade_id for t in trades] == ["T1", "T2"]
    assert trades[0].asset == tr.Asset("national_ets", "CEA", 2024) and trades[0].quantity == 5000
    assert trades[0].day == dt.date(2025, 9, 16) and trades[0].where["line"] == 2
    assert trades[1].where["line"] == 4 and trades[1].serials == ["A-001-005", "A-010-012"]


def test_bad_cells_become_problems_not_exceptions():
    text = (
        "trade_id,date,market,product,side,quantity,price,colour\n"
        "T1,2025-13-01,national_ets,CEA,buy,5000,58.40,red\n"
        "T2,2025-01-02,national_ets,CEA,buy,12.5,58.40,red\n"
        "T3,2025-01-02,moon,CEA,buy,1,1,red\n"
        "T4,2025-01-02,national_ets,CEA,buy,1\n"
    )
    rows, problems = tr.csv_rows(text, tr.TRADE_COLUMNS, BASE)
    assert "unknown column(s) colour" in problems[0].message and problems[0].where["line"] == 1
    assert "6 cells, but the header has 8 columns" in problems[1].message and problems[1].where["line"] == 5
    got = [tr.trade_from(r, w) for r, w in rows]
    assert [type(g).__name__ for g in got] == ["RowProblem"] * 3
    assert "date must be a date" in got[0].message
    assert "quantity must be a whole number" in got[1].message
    assert "market must be one of" in got[2].message and got[2].where["line"] == 4


def test_inline_order_needs_a_time_and_status():
    o = tr.order_from(
        {"order_id": "O1", "market": "national_ets", "product": "CEA", "side": "buy", "quantity": 1, "price": 1.0, "status": "filled"}, {"record": "TL"}
    )
    assert isinstance(o, tr.RowProblem) and o.message == "time is missing"
    o = tr.order_from(
        {
            "order_id": "O1",
            "time": "2025-01-02T10:00:00+08:00",
            "market": "national_ets",
            "product": "CEA",
            "side": "buy",
            "quantity": 1,
            "price": 1.0,
            "status": "cancelled",
        },
        {},
    )
    assert o.day == dt.date(2025, 1, 2) and o.status == "cancelled"


def test_empty_csv():
    rows, problems = tr.csv_rows("", tr.PRICE_COLUMNS, BASE)
    assert rows == [] and "empty" in problems[0].message


def test_a_ledger_csv_is_streamed_and_stops_at_the_row_limit(tmp_path):
    header = "trade_id,date,market,product,side,quantity,price\n"
    (tmp_path / "t.csv").write_text(header + "".join(f"T{i},2025-01-02,national_ets,CEA,buy,1,1\n" for i in range(10)))
    rows, problems = tr.csv_rows((tmp_path, tmp_path / "t.csv"), tr.TRADE_COLUMNS, BASE, limits=(10**6, 4, 100))
    assert [w["line"] for _, w in rows] == [2, 3, 4, 5]  # the header is line 1; rows 5 to 10 are not read
    assert [(p.where["path"], p.message) for p in problems] == [("trading/t.csv:6", "more than 4 rows (limits.max_table_rows): the rest is not read")]


def test_a_ledger_csv_over_the_byte_limit_is_one_problem_at_line_1(tmp_path):
    (tmp_path / "t.csv").write_text("trade_id\n" + "T\n" * 600)  # 9 + 1200 bytes
    rows, problems = tr.csv_rows((tmp_path, tmp_path / "t.csv"), tr.TRADE_COLUMNS, BASE, limits=(1024, 10, 100))
    assert rows == [] and [(p.where["path"], p.message) for p in problems] == [
        ("trading/t.csv:1", "the file is 1209 bytes, more than the limit of 1024 (limits.max_table_bytes)")
    ]


def test_a_ledger_cell_over_the_limit(tmp_path):
    rows, problems = tr.csv_rows("trade_id,notes\nT1,ok\nT2," + "n" * 101 + "\n", tr.TRADE_COLUMNS, BASE, limits=(10**6, 10, 100))
    assert [w["line"] for _, w in rows] == [2]
    assert [(p.where["path"], p.message) for p in problems] == [
        ("trading/t.csv:3", "cell 2 holds 101 characters, more than the limit of 100 (limits.max_cell_chars)")
    ]
