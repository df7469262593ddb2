"""Trade profit and loss (checks/trading/pnl.py), worked out by hand."""

import datetime as dt

import pytest

from checks.trading.pnl import PoolEvent, pnl
from checks.trading.rows import Asset

A = Asset("national_ets", "CEA", 2024)
D = dt.date


def events():
    return [
        PoolEvent(A, D(2025, 1, 2), "allocation", 1_000),  # 1,000 at 0
        PoolEvent(A, D(2025, 2, 3), "purchase", 1_000, price=60.0, fees=10.0),  # 1,000 at 60,010 total
        PoolEvent(A, D(2025, 3, 3), "sale", 500, price=70.0, fees=5.0),
        PoolEvent(A, D(2026, 1, 5), "sale", 500, price=50.0),
    ]


def test_moving_average():
    out = pnl(events(), "moving_average")
    # pool 2,000 units costing 60,010 -> average 30.005; sale 500 at 70 less 5 fees:
    # 35,000 − 5 − 500 × 30.005 (15,002.50) = 19,992.50
    first, second = out["sales"]
    assert first["value"]["cost"] == pytest.approx(15_002.50)
    assert first["value"]["pnl"]["value"] == pytest.approx(19_992.50)
    # remaining 1,500 costing 45,007.50 (average still 30.005): 25,000 − 15,002.50 = 9,997.50
    assert second["value"]["pnl"]["value"] == pytest.approx(9_997.50)
    assert out["by_product"]["national_ets:CEA"]["2025"]["value"] == pytest.approx(19_992.50)
    assert out["by_product"]["national_ets:CEA"]["2026"]["value"] == pytest.approx(9_997.50)
    assert out["pools"][A.key]["quantity"] == 1_000 and out["pools"][A.key]["cost"] == pytest.approx(30_005.0)


def test_fifo():
    out = pnl(events(), "fifo")
    # first-in are the 1,000 free units: sale 1 costs 0 -> 35,000 − 5 = 34,995
    # sale 2 takes the last 500 free units -> 25,000
    first, second = out["sales"]
    assert (first["value"]["pnl"]["value"], second["value"]["pnl"]["value"]) == (pytest.approx(34_995.0), pytest.approx(25_000.0))
    assert out["pools"][A.key]["cost"] == pytest.approx(60_010.0)


def test_surrender_consumes_cost_and_unknown_units_are_noted():
    evs = [
        PoolEvent(A, D(2025, 1, 2), "purchase", 100, price=50.0),
        PoolEvent(A, D(2025, 6, 1), "surrender", 60),
        PoolEvent(A, D(2025, 7, 1), "sale", 50, price=55.0),
    ]
    out = pnl(evs, "moving_average")
    # surrender 60 at 50 = 3,000 of compliance cost; the sale finds 40 units (cost 2,000), 10 unknown
    assert out["compliance_cost"][f"{A.key}|2025"] == pytest.approx(3_000)
    [sale] = out["sales"]
    assert sale["value"]["cost"] == pytest.approx(2_000)
    assert sale["value"]["pnl"]["value"] == pytest.approx(750.0)  # 50 × 55 − 2,000
    assert "10 t sold beyond" in sale["value"]["pnl"]["notes"][0]
