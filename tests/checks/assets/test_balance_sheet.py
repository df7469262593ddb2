"""The G.1 / G.2 balance sheet (checks/assets/balance_sheet.py), worked out by hand."""

import pytest

from checks.assets.balance_sheet import CATEGORIES, NEGATIVE, POSITIVE, Line, sheet


def test_lines_totals_and_net():
    lines = [
        Line("positive", "surplus_allowances", quantity=72_115, price=65.20),  # 4,701,898.00
        Line("positive", "ccer", quantity=250_000, price=60.00),  # 15,000,000.00
        Line("positive", "secondary_market_gain", amount=1_775_822.40),
        Line("negative", "allowance_shortfall", quantity=121_358, price=97.49),  # 11,831,191.42
        Line("negative", "penalty", amount=30_000),
    ]
    out = sheet(lines)
    # P = 4,701,898.00 + 15,000,000.00 + 1,775,822.40 = 21,477,720.40
    assert out["total_positive"]["value"] == pytest.approx(21_477_720.40)
    # N = 11,831,191.42 + 30,000 = 11,861,191.42
    assert out["total_negative"]["value"] == pytest.approx(11_861_191.42)
    # net = 21,477,720.40 − 11,861,191.42 = 9,616,528.98
    assert out["net"]["value"] == pytest.approx(9_616_528.98)
    shortfall = out["negative"][0]
    assert shortfall["group_zh"] == "交易性金融资产" and shortfall["label_zh"].startswith("因减排不力")
    assert shortfall["value"]["value"] == pytest.approx(11_831_191.42)


def test_a_line_without_price_is_listed_but_not_totalled():
    out = sheet([Line("positive", "international_credits", "vcs:VCU:2019", quantity=1_000, price=None), Line("positive", "ccer", quantity=10, price=50.0)])
    assert out["unvalued"] == ["international_credits"]
    assert out["total_positive"]["value"] == 500.0  # 10 × 50.0 only
    assert "international_credits" in out["net"]["notes"][0]


def test_categories_follow_tables_g1_and_g2():
    # G.1 has 11 rows and G.2 8, plus "other" on each side; G.2 also has the two lines of C.6.2.2 a, b
    assert len(POSITIVE) == 12 and len(NEGATIVE) == 11
    assert CATEGORIES["compliance_purchases"][0] == "negative" and CATEGORIES["compliance_cost"][0] == "negative"
    assert CATEGORIES["auction_assets"][3] == "参与配额拍卖取得的资产"
    assert CATEGORIES["penalty"][:2] == ("negative", "应交税费")
    assert CATEGORIES["secondary_market_loss"][1] == "碳金融产品创新"
