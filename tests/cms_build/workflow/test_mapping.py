"""Column mappings (cms_build/workflow/mapping.py) and cms import trades|orders|prices --mapping."""

import shutil

import pytest

from cms_build.workflow import mapping as mp
from tests.cms_build.test_cli import cms
from tests.conftest import EXAMPLE

TRADES_HEAD = "成交编号,委托编号,成交日期,成交时间,买卖方向,成交数量,成交价格,交易方式,产品代码,手续费\n"


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "org"
    shutil.copytree(EXAMPLE, root)
    return root


def test_every_shipped_mapping_is_valid_and_says_whether_it_is_documented():
    names = mp.shipped()
    assert {"cms-native", "cms-native-orders", "national-ets-trades", "national-ets-orders", "national-ets-daily-prices"} <= set(names)
    for name in names:
        m = mp.load(name)
        assert m.rows in mp.TARGETS
        assert m.documented or m.assumptions, f"{name}: an undocumented mapping lists its assumptions"


def test_apply_dates_values_units_constants_and_unmapped_columns(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(
        "rows: trades\ncolumns: {trade_id: 'No', time: [D, T], side: Dir, quantity: Qty, price: Px}\n"
        "formats: {time: '%Y%m%d %H:%M:%S'}\nvalues: {side: {B: buy, S: sell}}\nunits: {quantity: 10000}\n"
        "constants: {market: national_ets, product: CEA}\ndocumented: true\n",
        encoding="utf-8",
    )
    m = mp.load(str(f))
    got = mp.apply(
        m,
        ["No", "D", "T", "Dir", "Qty", "Px", "Extra"],
        [
            (2, {"No": "1", "D": "20250916", "T": "09:31:40", "Dir": "B", "Qty": "0.5", "Px": "58.40", "Extra": "x"}),
            (3, {"No": "2", "D": "20250916", "T": "09:31", "Dir": "S", "Qty": "1", "Px": "58", "Extra": ""}),
            (4, {"No": "3", "D": "20250916", "T": "09:31:40", "Dir": "X", "Qty": "1", "Px": "58", "Extra": ""}),
        ],
    )
    # 0.5 万吨 = 0.5 x 10000 = 5000 t
    assert got.rows == [
        (
            2,
            {
                "market": "national_ets",
                "product": "CEA",
                "trade_id": "1",
                "time": "2025-09-16T09:31:40+08:00",
                "side": "buy",
                "quantity": "5000",
                "price": "58.40",
            },
        )
    ]
    assert [(n, c, r) for n, c, _, r in got.rejected] == [
        (3, "D+T", "not a date in the format %Y%m%d %H:%M:%S"),
        (4, "Dir", "not a value the mapping knows for side (B, S)"),
    ]
    assert got.notes == ["unmapped columns (not imported): Extra"]
    with pytest.raises(mp.MappingError, match="the file has no column"):
        mp.apply(m, ["No", "D"], [])


def test_an_invalid_mapping_is_located(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("rows: trades\ncolumns: {trade_id: 1}\nbogus: 1\n", encoding="utf-8")
    with pytest.raises(mp.MappingError) as exc:
        mp.load(str(f))
    text = str(exc.value)
    assert f"{f}:3:1: (top level): Additional properties are not allowed ('bogus' was unexpected)" in text
    assert f"{f}:2:21: columns.trade_id" in text
    f.write_text("rows: trades\ncolumns: {trade_id: No}\n", encoding="utf-8")
    with pytest.raises(mp.MappingError, match="quote the column name"):
        mp.load(str(f))
    f.write_text("rows: trades\ncolumns: {time: T}\nformats: {time: '%Q'}\n", encoding="utf-8")
    with pytest.raises(mp.MappingError, match=r"bad.yaml:3:\d+: formats.time: '%Q' is not a usable date format"):
        mp.load(str(f))


def test_import_trades_through_the_national_ets_mapping_gb18030(repo, tmp_path):
    src = tmp_path / "export.csv"
    src.write_bytes(
        (TRADES_HEAD + "T1,O1,20250916,09:31:40,买入,5000,58.40,挂牌协议,CEA,29.2\nT2,O2,20250916,10:13:05,买入,5000,58.55,挂牌协议,CEA,29.28\n").encode(
            "gb18030"
        )
    )
    code, out, err = cms("import", "trades", "TL-CEA-2025", src, "--mapping", "national-ets-trades", "--path", repo, "--overwrite")
    assert code == 0, err + out
    assert "unmapped columns (not imported): 手续费" in out and "is not checked against the exchange's documentation" in out
    written = (repo / "trading/data/trades-2025.csv").read_text(encoding="utf-8").splitlines()
    assert written[0] == (
        "trade_id,order_id,time,date,account,market,exchange,product,vintage,side,quantity,price,fees,"
        "trade_type,counterparty,counterparty_account,serials,invoice_no,notes"
    )
    assert written[1] == "T1,O1,2025-09-16T09:31:40+08:00,,,national_ets,SEEE,CEA,,buy,5000,58.40,,listed,,,,,"


def test_import_rejects_rows_and_writes_nothing(repo, tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(TRADES_HEAD + "T1,O1,20250916,09:31:40,买进,5000,58.40,挂牌协议,CEA,1\n", encoding="utf-8")
    before = (repo / "trading/data/trades-2025.csv").read_text(encoding="utf-8")
    code, out, _ = cms("import", "trades", "TL-CEA-2025", src, "--mapping", "national-ets-trades", "--path", repo, "--overwrite")
    assert code == 1 and "rejected row 2, column '买卖方向': '买进': not a value the mapping knows for side" in out
    assert (repo / "trading/data/trades-2025.csv").read_text(encoding="utf-8") == before


def test_a_trades_mapping_is_not_used_for_orders(repo, tmp_path):
    src = tmp_path / "export.csv"
    src.write_text(TRADES_HEAD, encoding="utf-8")
    code, _, err = cms("import", "orders", "TL-CEA-2025", src, "--mapping", "national-ets-trades", "--path", repo)
    assert code == 2 and "reads trades, not orders" in err


def test_import_orders_and_prices_through_mappings(repo, tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(
        "委托编号,委托日期,委托时间,买卖方向,委托数量,委托价格,成交数量,委托状态,撤单时间,交易方式,产品代码\n"
        "O1,20250916,09:45:10,买入,5000,58.30,0,已撤,2025-09-16 10:05:00,挂牌协议,CEA\n",
        encoding="utf-8",
    )
    code, out, err = cms("import", "orders", "TL-CEA-2025", src, "--mapping", "national-ets-orders", "--path", repo, "--overwrite")
    assert code == 0, err + out
    lines = (repo / "trading/data/orders-2025.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "O1,2025-09-16T09:45:10+08:00,,national_ets,SEEE,CEA,,buy,5000,58.30,listed,cancelled,0,2025-09-16T10:05:00+08:00"
    prices = tmp_path / "px.csv"
    prices.write_text(
        "交易日期,收盘价,开盘价,最高价,最低价,挂牌协议成交量\n2025-09-16,58.62,58.40,58.90,58.30,498100\n2025-09-15,58.60,,,,365300\n", encoding="utf-8"
    )
    code, out, err = cms("import", "prices", "PX-CEA-2025-2026", prices, "--mapping", "national-ets-daily-prices", "--path", repo, "--overwrite")
    assert code == 0, err + out
    assert (repo / "trading/data/cea-closes-2025-2026.csv").read_text(encoding="utf-8") == (
        "date,close,open,high,low,volume\n2025-09-15,58.60,,,,365300\n2025-09-16,58.62,58.40,58.90,58.30,498100\n"
    )
