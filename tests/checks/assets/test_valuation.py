"""The value an asset review states against the computed balance sheet (checks/assets/valuation.py, 6.1.4 f).

The organization: trading_org (closes up to 60.00 on 2025-12-31) and 1,000 t allocated for
2025, no obligation recorded: the 2025-12-31 balance sheet has one G.1 line, surplus
allowances 1,000 t × 60.00 = 60,000.00 CNY; P = 60,000.00, N = 0, net = 60,000.00.
"""

import pytest

from tests.checks.trading_support import allocation, line_of, trading_org


def review(org, value, figure=None, day="2025-12-31", currency="CNY"):
    valuation = {"date": day, "value": {"value": value, "currency": currency}, "method": "年末持有量 × 收盘价"}
    if figure:
        valuation["figure"] = figure
    org.add(
        "assets/ARV.yaml",
        org.record(
            "asset_review",
            "ARV",
            date="2026-01-08",
            categories={"positive": ["配额"], "negative": ["缺口"]},
            regulations=["办法"],
            risks=[{"risk": "价格"}],
            project_process="流程",
            derivatives_model="无",
            valuation=valuation,
        ),
    )


def setup(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))


@pytest.mark.parametrize(
    "value, figure, flagged",
    [
        (60_000, None, False),  # net = 60,000.00
        (60_000, "total_positive", False),
        (60_001, None, True),  # 1 CNY off, beyond half a unit of 0 decimals
        (60_000, "total_negative", True),  # N = 0
        (60_000.4, None, True),  # one decimal stated: within 0.05 only
    ],
)
def test_stated_value_against_the_balance_sheet(org, value, figure, flagged):
    setup(org)
    review(org, value, figure)
    result = org.run("2026-06-30")
    assert result.results["assets"]["balance_sheets"]["2025"]["net"]["value"] == pytest.approx(60_000.00)
    found = org.of(result, "assets.valuation-mismatch")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.path, f.severity) == ("assets/ARV.yaml", "valuation.value.value", "error")
        assert f.line == line_of(org, "assets/ARV.yaml", f"value: {value}", after="valuation:")
        assert f"states {value:,} CNY" in f.message
        assert "assets.balance_sheets.2025." in f.message and "computes" in f.message


def test_mismatch_message_gives_both_values(org):
    setup(org)
    review(org, 65_000)
    [f] = org.of(org.run("2026-06-30"), "assets.valuation-mismatch")
    assert "states 65,000 CNY as the net carbon assets P − N on 2025-12-31" in f.message
    assert "computes 60,000 CNY (60,000 to 0 decimals); they differ by 5,000" in f.message


def test_a_day_without_a_balance_sheet_or_another_currency_cannot_be_checked(org):
    setup(org)
    review(org, 60_000, day="2025-11-30")
    [f] = org.of(org.run("2026-06-30"), "assets.valuation-mismatch")
    assert (f.severity, f.path) == ("warning", "valuation.date") and "no balance sheet is computed for 2025-11-30" in f.message
    review(org, 8_000, currency="EUR")
    [f] = org.of(org.run("2026-06-30"), "assets.valuation-mismatch")
    assert (f.severity, f.path) == ("warning", "valuation.value.currency")


def test_not_judged_before_the_valuation_day(org):
    setup(org)
    review(org, 1)
    assert org.of(org.run("2025-12-30"), "assets.valuation-mismatch") == []


# -- stale prices -----------------------------------------------------------------------------------
def stale_setup(org, last_close_day):
    """1,000 t allocated for 2025, valued on 2025-12-31 at the last close on or before it, of 50.00 on last_close_day."""
    trading_org(org, closes=[{"date": "2025-09-12", "close": 49.00}, {"date": last_close_day, "close": 50.00}])
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))


@pytest.mark.parametrize(
    "last_close_day, age, flagged",
    [
        ("2025-09-30", 92, False),  # Oct 31 + Nov 30 + Dec 31 = 92 days before 2025-12-31: at the default, not over it
        ("2025-09-29", 93, True),
        ("2025-09-15", 107, True),  # 15 + 92
    ],
)
def test_a_price_older_than_the_setting_is_a_warning(org, last_close_day, age, flagged):
    stale_setup(org, last_close_day)
    result = org.run("2025-12-31")
    [line] = [e for e in result.results["assets"]["balance_sheets"]["2025"]["positive"] if e["category"] == "surplus_allowances"]
    assert (line["quantity"], line["price_date"], line["value"]["value"]) == (1_000, last_close_day, pytest.approx(50_000.00))  # 1,000 × 50.00
    found = org.of(result, "assets.valuation-price-stale")
    assert bool(found) == flagged
    assert bool(line["value"]["notes"]) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.severity, f.line) == ("trading/PX.yaml", "warning", line_of(org, "trading/PX.yaml", f"date: '{last_close_day}'"))
        assert f"at 50.00 CNY/t, the close of {last_close_day}, {age} days before the valuation date" in f.message
        assert "the balance sheet of 2025-12-31" in f.message and "1,000 t" in f.message
        assert line["value"]["notes"] == [f"price of {last_close_day}, {age} days before the valuation date 2025-12-31 (trading.max_price_age_days: 92)"]


def test_the_price_age_is_a_setting(org):
    stale_setup(org, "2025-09-15")  # 107 days
    org.settings(trading={"max_price_age_days": 107})
    assert org.of(org.run("2025-12-31"), "assets.valuation-price-stale") == []
    org.settings(trading={"max_price_age_days": 106})
    assert len(org.of(org.run("2025-12-31"), "assets.valuation-price-stale")) == 1
